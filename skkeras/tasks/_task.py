"""The :class:`Task` type: one recipe's data, pipeline, splitter and grid.

Nothing here imports Keras at module level: the task descriptions and
:meth:`Task.load` stay fast, and the network is built only by
:meth:`Task.make_pipeline`.
"""

import copy
import math

from ._options import check_options
from ._param_names import resolve_param_names
from ._preprocessing import PREPROCESSING

__all__ = ["Task"]

_SUMMARY_SKIP = ("random_state",)

_ESTIMATOR_STEP = {"MLPClassifier": "mlpclassifier", "MLPRegressor": "mlpregressor"}


def _prefixed(grid, step):
    return {f"{step}__{key}": list(values) for key, values in grid.items()}


def _format_value(value):
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


class Task:
    """A named tutorial task: data, pipeline, cross-validation and grid.

    Get tasks with :func:`get_task` or :func:`list_tasks`; do not build
    them directly. Every attribute that holds a container (``scoring``,
    ``param_grid``, ``quick_grid``, ``estimator_params``) returns a fresh
    copy, so changing it never changes the recipe.

    Attributes
    ----------
    name : str
        The task's name: ``"pima"``, ``"iris"``, ``"boston"``, ``"bank"``
        or ``"gender"``.
    kind : {"binary", "multiclass", "regression"}
        The type of target.
    title : str
        A short human-readable title.
    description : str
        What is predicted, from what.
    tutorial : str
        The Keras tutorial workflow the recipe reproduces, with its
        reference result.
    n_splits : int
        The number of cross-validation folds of the recipe (10).
    scoring : dict of str to str
        Metric name to scikit-learn scorer name, for ``cross_validate`` and
        ``GridSearchCV``; the first metric is the one to refit on. Error
        metrics use the ``neg_*`` scorers (higher is better), e.g.
        ``{"rmse": "neg_root_mean_squared_error", "r2": "r2"}``.
    refit : str
        The name of the primary metric (the first key of ``scoring``).
    param_grid : dict of str to list
        The hyperparameter grid, with full pipeline parameter names
        (``"mlpclassifier__max_iter"``), for ``GridSearchCV``.
    quick_grid : dict of str to list
        A 4-candidate subset of ``param_grid`` for quick looks.
    estimator_params : dict
        The non-default parameters of the recipe's network.
    options : dict of str to RecipeOption
        The options of :meth:`load` (``default``, ``kind`` and ``help`` of
        each): bank's ``keep_duration``; the other tasks have none.
    model_summary : str
        One line describing the pipeline, computed without importing Keras.
    model_short : str
        A shorter description: preprocessing, layer widths, solver, epochs
        and batch size.

    See Also
    --------
    get_task : Get a task by name.
    list_tasks : All the tasks.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from skkeras.tasks import get_task
    >>> task = get_task("gender")
    >>> X, y = task.load()
    >>> pipe = task.make_pipeline(max_iter=2)
    >>> scores = cross_val_score(pipe, X, y, cv=task.cv(n_splits=2))
    >>> scores.shape
    (2,)
    """

    def __init__(self, name, spec):
        self._name = name
        self._spec = spec

    # Read-only attributes -------------------------------------------------
    name = property(lambda self: self._name)
    kind = property(lambda self: self._spec["kind"])
    title = property(lambda self: self._spec["title"])
    description = property(lambda self: self._spec["description"])
    tutorial = property(lambda self: self._spec["tutorial"])
    n_splits = property(lambda self: 10)
    scoring = property(lambda self: dict(self._spec["scoring"]))
    refit = property(lambda self: next(iter(self._spec["scoring"])))
    estimator_params = property(lambda self: copy.deepcopy(self._spec["params"]))
    options = property(lambda self: dict(self._spec.get("options", {})))

    @property
    def is_classifier(self):
        """bool: Whether the task is a classification task."""
        return self.kind != "regression"

    @property
    def estimator_step(self):
        """str: The name of the network's step in the pipeline."""
        return _ESTIMATOR_STEP[self._spec["estimator"]]

    @property
    def param_grid(self):
        return _prefixed(self._spec["grid"], self.estimator_step)

    @property
    def quick_grid(self):
        return _prefixed(self._spec["quick_grid"], self.estimator_step)

    @property
    def model_short(self):
        pre = PREPROCESSING[self._spec["preprocessing"]].short
        p = self._spec["params"]
        hidden = repr(tuple(p["hidden_layer_sizes"]))
        return (
            f"{pre} -> {self._spec['estimator']} {hidden}, {p['solver']}, "
            f"{p['max_iter']} epochs, batch {p['batch_size']}"
        )

    @property
    def model_summary(self):
        pre_name = PREPROCESSING[self._spec["preprocessing"]].name
        params = ", ".join(
            f"{key}={_format_value(value)}"
            for key, value in self._spec["params"].items()
            if key not in _SUMMARY_SKIP
        )
        return f"{pre_name} -> {self._spec['estimator']}({params})"

    def __repr__(self):
        return f"Task({self._name!r}, kind={self.kind!r})"

    # Methods ---------------------------------------------------------------
    def load(self, **options):
        """Load the task's data.

        Parameters
        ----------
        **options : dict
            The task's data options (:attr:`options`): bank has
            ``keep_duration`` (default False).

        Returns
        -------
        X : pandas.DataFrame of shape (n_samples, n_features)
            The features, with their column names.
        y : pandas.Series of shape (n_samples,)
            The target: class labels (``object`` strings for iris, bank and
            gender, 0/1 integers for pima) or float values (boston).

        Examples
        --------
        >>> from skkeras.tasks import get_task
        >>> X, y = get_task("iris").load()
        >>> X.shape, sorted(y.unique())
        ((150, 4), ['setosa', 'versicolor', 'virginica'])
        >>> get_task("bank").load(keep_duration=True)[0].shape
        (4521, 16)
        """
        check_options(self._name, self.options, options)
        return self._spec["loader"](**options)

    def make_pipeline(self, **params):
        """Return a fresh, unfitted pipeline of the recipe.

        Parameters
        ----------
        **params : dict
            Parameters to change, as for
            :meth:`~sklearn.pipeline.Pipeline.set_params`. Names of the
            network's parameters may be given without the step prefix
            (``max_iter=50`` for ``mlpclassifier__max_iter=50``); see
            :func:`resolve_param_names`.  ``frame=True`` (bank only) leaves
            the preprocessing out: the network takes the data frame itself,
            its categorical columns one-hot encoded and its numbers
            standardised by the estimator (``categorical_features``).

        Returns
        -------
        pipeline : sklearn.pipeline.Pipeline
            Preprocessing then the network (the network alone with
            ``frame=True``), with ``random_state=0`` unless changed.

        Raises
        ------
        ValueError
            If a parameter name is unknown, with the closest valid names.

        Examples
        --------
        >>> from skkeras.tasks import get_task
        >>> pipe = get_task("boston").make_pipeline(hidden_layer_sizes=(20,))
        >>> [name for name, _ in pipe.steps]
        ['standardscaler', 'mlpregressor']
        >>> pipe[-1].hidden_layer_sizes
        (20,)
        """
        from sklearn.pipeline import make_pipeline

        from .. import _mlp

        frame = bool(params.pop("frame", False))
        if frame and self._spec["preprocessing"] != "bank":
            raise ValueError(
                f"frame=True takes the data frame's categorical columns into the "
                f"network; only bank has them, not {self._name}."
            )
        make_pre = PREPROCESSING[self._spec["preprocessing"]].make
        estimator_cls = getattr(_mlp, self._spec["estimator"])
        network = estimator_cls(**self.estimator_params)
        pipe = make_pipeline(network) if frame else make_pipeline(make_pre(), network)
        if params:
            pipe.set_params(**resolve_param_names(pipe, params))
        return pipe

    def cv(self, seed=0, n_splits=None):
        """Return the recipe's shuffled, seeded cross-validation splitter.

        Parameters
        ----------
        seed : int, default=0
            The ``random_state`` of the shuffle.
        n_splits : int, default=None
            The number of folds; None means the recipe's :attr:`n_splits`
            (10).

        Returns
        -------
        cv : StratifiedKFold or KFold
            ``StratifiedKFold`` for classification tasks, ``KFold`` for
            regression, both with ``shuffle=True``.

        Examples
        --------
        >>> from skkeras.tasks import get_task
        >>> get_task("pima").cv(seed=1)
        StratifiedKFold(n_splits=10, random_state=1, shuffle=True)
        """
        from sklearn.model_selection import KFold, StratifiedKFold

        n_splits = self.n_splits if n_splits is None else n_splits
        splitter = StratifiedKFold if self.is_classifier else KFold
        return splitter(n_splits=n_splits, shuffle=True, random_state=seed)

    def make_baseline(self):
        """Return the trivial model the recipe should beat.

        Returns
        -------
        estimator : DummyClassifier or DummyRegressor
            ``DummyClassifier(strategy="most_frequent")`` (the majority
            class; ROC AUC 0.5) for classification tasks,
            ``DummyRegressor(strategy="mean")`` for regression.

        Examples
        --------
        >>> from skkeras.tasks import get_task
        >>> task = get_task("bank")
        >>> X, y = task.load()
        >>> round(task.make_baseline().fit(X, y).score(X, y), 3)
        0.885
        """
        from sklearn.dummy import DummyClassifier, DummyRegressor

        if self.is_classifier:
            return DummyClassifier(strategy="most_frequent")
        return DummyRegressor(strategy="mean")

    def make_search(self, *, quick=False, seed=0, n_splits=None, n_jobs=None, **params):
        """Return an unfitted grid search over the recipe's grid.

        Parameters
        ----------
        quick : bool, default=False
            Search :attr:`quick_grid` (4 candidates) instead of
            :attr:`param_grid`.
        seed : int, default=0
            Seeds the splitter and the network (``random_state``).
        n_splits : int, default=None
            The number of folds; None means the recipe's (10).
        n_jobs : int, default=None
            Parallel jobs of the search.
        **params : dict
            Parameters of the base pipeline, as for :meth:`make_pipeline`.

        Returns
        -------
        search : skkeras.model_selection.GridSearchCV
            Scikit-learn's search, with the fits that share an architecture
            trained together (see :class:`skkeras.model_selection.GridSearchCV`);
            scored with :attr:`scoring`, refit on :attr:`refit`, with
            ``error_score="raise"``.

        Examples
        --------
        >>> from skkeras.tasks import get_task
        >>> search = get_task("iris").make_search(quick=True, n_splits=3)
        >>> len(search.param_grid["mlpclassifier__max_iter"])
        2
        """
        from ..model_selection import GridSearchCV

        params = {"random_state": seed, **params}
        return GridSearchCV(
            self.make_pipeline(**params),
            self.quick_grid if quick else self.param_grid,
            scoring=self.scoring,
            refit=self.refit,
            cv=self.cv(seed=seed, n_splits=n_splits),
            n_jobs=n_jobs,
            error_score="raise",
        )

    def n_candidates(self, quick=False):
        """Return the number of candidates of the grid.

        Parameters
        ----------
        quick : bool, default=False
            Count :attr:`quick_grid` instead of :attr:`param_grid`.

        Returns
        -------
        n : int
            The product of the numbers of values of the parameters.

        Examples
        --------
        >>> from skkeras.tasks import get_task
        >>> get_task("pima").n_candidates()
        54
        """
        grid = self._spec["quick_grid" if quick else "grid"]
        return math.prod(len(values) for values in grid.values())
