"""The five tutorial tasks: loaders, pipelines, splitters, scoring and grids.

Nothing here imports Keras at module level: :func:`list_tasks`, the task
descriptions and :meth:`Task.load` stay fast, and the network is built only
by :meth:`Task.make_pipeline`.
"""

import copy
import difflib
import math
from typing import Any, NamedTuple

__all__ = ["RecipeOption", "Task", "get_task", "list_tasks", "resolve_param_names"]

_CLASSIFIER_SCORING = {"accuracy": "accuracy", "roc_auc": "roc_auc"}
# The tutorials train for a fixed number of epochs (Keras' fit); the recipes
# do the same by switching off scikit-learn's "no improvement" stopping rule.
_ALL_EPOCHS = math.inf
_SUMMARY_SKIP = ("random_state",)


# ----------------------------------------------------------------------
# Loaders: each returns ``(X, y)`` as a DataFrame and a Series, so that the
# fitted pipelines know their ``feature_names_in_``.
# ----------------------------------------------------------------------
def _load_pima():
    from ..datasets import load_pima_indians_diabetes

    return load_pima_indians_diabetes(return_X_y=True, as_frame=True)


def _load_iris():
    from sklearn.datasets import load_iris

    bunch = load_iris(as_frame=True)
    names = {i: str(name) for i, name in enumerate(bunch.target_names)}
    y = bunch.target.map(names).astype(object)
    return bunch.data, y.rename("species")


def _load_boston():
    from ..datasets import load_boston_housing

    return load_boston_housing(return_X_y=True, as_frame=True)


def _load_bank(keep_duration=False):
    from ..datasets import load_bank_marketing

    X, y = load_bank_marketing(return_X_y=True, as_frame=True)
    if not keep_duration:
        # The length of the call is known only once the call is over, when
        # its outcome is known too: a model that reads it learns the target.
        X = X.drop(columns="duration")
    return X, y


class RecipeOption(NamedTuple):
    """An option of a task's data, given to :meth:`Task.load`.

    Attributes
    ----------
    default : object
        The value :meth:`Task.load` uses when the option is not given.
    kind : type
        The type a value must have.
    help : str
        What the option does.

    Examples
    --------
    >>> from skkeras.tasks import get_task
    >>> get_task("bank").options["keep_duration"].default
    False
    """

    default: Any
    kind: type
    help: str


def _load_gender():
    from ..datasets import make_gender

    X, y = make_gender(1000, random_state=0, as_frame=True)
    y = y.map({0: "female", 1: "male"}).astype(object)
    return X, y


# ----------------------------------------------------------------------
# Preprocessing
# ----------------------------------------------------------------------
def _scaler():
    from sklearn.preprocessing import StandardScaler

    return StandardScaler()


def _bank_columns():
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    # Selectors (not fixed column lists) so that a user may drop a column,
    # e.g. the leaky ``duration``, and reuse the recipe unchanged.
    return make_column_transformer(
        (
            OneHotEncoder(handle_unknown="ignore"),
            make_column_selector(dtype_exclude="number"),
        ),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )


_PREPROCESSING = {
    "scale": (_scaler, "StandardScaler", "scale"),
    "bank": (
        _bank_columns,
        "ColumnTransformer(OneHotEncoder on the 9 categorical columns, "
        "StandardScaler on the numeric ones)",
        "one-hot + scale",
    ),
}


# ----------------------------------------------------------------------
# The recipes
# ----------------------------------------------------------------------
_RECIPES = {
    "pima": dict(
        kind="binary",
        title="Pima Indians diabetes",
        description=(
            "Predict the onset of diabetes within five years from 8 medical "
            "measurements of 768 Pima Indian women (binary, 35 % positive)."
        ),
        tutorial=(
            "Keras 'Your first deep learning project': a (12, 8) relu "
            "network, adam, 150 epochs of batch 10; about 0.77 accuracy in "
            "10-fold cross-validation once the inputs are standardised. The "
            "recipe adds an L2 penalty (alpha=0.7) against overfitting 700 rows."
        ),
        loader=_load_pima,
        preprocessing="scale",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(12, 8),
            activation="relu",
            solver="adam",
            alpha=0.7,
            max_iter=150,
            batch_size=10,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring=_CLASSIFIER_SCORING,
        grid={
            "solver": ["rmsprop", "adam"],
            "kernel_initializer": ["glorot_uniform", "normal", "uniform"],
            "max_iter": [50, 100, 150],
            "batch_size": [5, 10, 20],
        },
        quick_grid={
            "solver": ["rmsprop", "adam"],
            "max_iter": [50, 150],
        },
    ),
    "iris": dict(
        kind="multiclass",
        title="Iris species",
        description=(
            "Classify 150 iris flowers into 3 species from 4 sepal and petal "
            "measurements (multiclass, balanced)."
        ),
        tutorial=(
            "Keras 'Multi-class classification': one hidden layer of 8 relu "
            "units, softmax output, 200 epochs of batch 5; about 0.97 "
            "accuracy in 10-fold cross-validation."
        ),
        loader=_load_iris,
        preprocessing="scale",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(8,),
            activation="relu",
            solver="adam",
            max_iter=200,
            batch_size=5,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring={"accuracy": "accuracy", "roc_auc": "roc_auc_ovr"},
        grid={
            "hidden_layer_sizes": [(4,), (8,), (16,)],
            "solver": ["adam", "rmsprop"],
            "max_iter": [100, 200],
            "batch_size": [5, 16],
        },
        quick_grid={
            "hidden_layer_sizes": [(4,), (8,)],
            "max_iter": [50, 200],
        },
    ),
    "boston": dict(
        kind="regression",
        title="Boston housing",
        description=(
            "Predict the median house value (in $1000s) of 506 Boston census "
            "tracts from 13 features (regression). The B feature encodes a "
            "racist assumption: see skkeras.datasets.load_boston_housing."
        ),
        tutorial=(
            "Keras 'Regression tutorial': a (13,) network, then deeper "
            "(13, 6) and wider (20,) ones, standardised inputs, batch 5; "
            "about 4.7 RMSE (MSE 22) in 10-fold cross-validation after 50-100 "
            "epochs. The recipe trains the deeper one for 200 epochs."
        ),
        loader=_load_boston,
        preprocessing="scale",
        estimator="MLPRegressor",
        params=dict(
            hidden_layer_sizes=(13, 6),
            activation="relu",
            solver="adam",
            max_iter=200,
            batch_size=5,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring={"rmse": "neg_root_mean_squared_error", "r2": "r2"},
        grid={
            "hidden_layer_sizes": [(13,), (13, 6), (20,)],
            "max_iter": [100, 200],
            "batch_size": [5, 16],
        },
        quick_grid={
            "hidden_layer_sizes": [(13,), (13, 6)],
            "max_iter": [100, 200],
        },
    ),
    "bank": dict(
        kind="binary",
        title="Bank marketing",
        description=(
            "Predict whether a client subscribes a term deposit after a "
            "marketing call: 4,521 clients, 16 features of which 9 are "
            "categorical (binary, 11.5 % 'yes'; the majority class alone "
            "scores 0.885 accuracy). The recipe leaves out 'duration', the "
            "length of the call: it is known only after the call, with its "
            "outcome, so it leaks the target (--set keep_duration=true, or "
            "load(keep_duration=True), keeps it, as the tutorial does)."
        ),
        tutorial=(
            "Keras bank-marketing classifier: one-hot encoded categories, "
            "standardised numbers, a relu network with a sigmoid output; "
            "ROC AUC about 0.90 with all 16 features, 'duration' included. "
            "The recipe uses (64, 32) with dropout 0.5 for 30 epochs."
        ),
        loader=_load_bank,
        options={
            "keep_duration": RecipeOption(
                False,
                bool,
                "keep the 'duration' column, which leaks the target (the "
                "tutorial's setting)",
            ),
        },
        preprocessing="bank",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(64, 32),
            activation="relu",
            solver="adam",
            dropout=0.5,
            max_iter=30,
            batch_size=32,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring=_CLASSIFIER_SCORING,
        grid={
            "hidden_layer_sizes": [(16,), (64, 32)],
            "solver": ["adam", "rmsprop"],
            "dropout": [0.0, 0.5],
            "max_iter": [10, 30],
        },
        quick_grid={
            "hidden_layer_sizes": [(16,), (64, 32)],
            "dropout": [0.0, 0.5],
        },
    ),
    "gender": dict(
        kind="binary",
        title="Gender from height, weight and age",
        description=(
            "Classify 1,000 synthetic people as female or male from "
            "standardised weight, height and age (skkeras.datasets."
            "make_gender, seed 0; Bayes-optimal accuracy about 0.807)."
        ),
        tutorial=(
            "Keras toy gender classifier: a tiny relu network on three "
            "standardised features; close to the Bayes-optimal 0.807."
        ),
        loader=_load_gender,
        preprocessing="scale",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(8,),
            activation="relu",
            solver="adam",
            learning_rate_init=0.003,
            max_iter=50,
            batch_size=32,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring=_CLASSIFIER_SCORING,
        grid={
            "hidden_layer_sizes": [(4,), (8,), (16, 8)],
            "solver": ["adam", "sgd"],
            "max_iter": [20, 50, 100],
        },
        quick_grid={
            "hidden_layer_sizes": [(4,), (16, 8)],
            "max_iter": [20, 50],
        },
    ),
}

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
        _, _, pre = _PREPROCESSING[self._spec["preprocessing"]]
        p = self._spec["params"]
        hidden = repr(tuple(p["hidden_layer_sizes"]))
        return (
            f"{pre} -> {self._spec['estimator']} {hidden}, {p['solver']}, "
            f"{p['max_iter']} epochs, batch {p['batch_size']}"
        )

    @property
    def model_summary(self):
        _, pre_name, _ = _PREPROCESSING[self._spec["preprocessing"]]
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
        known = self.options
        for name, value in options.items():
            if name not in known:
                valid = ", ".join(known) if known else "none"
                raise ValueError(
                    f"{self._name} has no data option {name!r}; its options: "
                    f"{valid}."
                )
            kind = known[name].kind
            if not isinstance(value, kind):
                raise ValueError(
                    f"option {name} takes a {kind.__name__}, got {value!r}."
                )
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
            :func:`resolve_param_names`.

        Returns
        -------
        pipeline : sklearn.pipeline.Pipeline
            Preprocessing then the network, with ``random_state=0`` unless
            changed.

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

        make_pre, _, _ = _PREPROCESSING[self._spec["preprocessing"]]
        estimator_cls = getattr(_mlp, self._spec["estimator"])
        pipe = make_pipeline(make_pre(), estimator_cls(**self.estimator_params))
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


_TASKS = {name: Task(name, spec) for name, spec in _RECIPES.items()}


def list_tasks():
    """Return all the tutorial tasks, in a fixed order.

    Returns
    -------
    tasks : list of Task
        pima, iris, boston, bank and gender.

    Examples
    --------
    >>> from skkeras.tasks import list_tasks
    >>> [task.name for task in list_tasks()]
    ['pima', 'iris', 'boston', 'bank', 'gender']
    """
    return list(_TASKS.values())


def get_task(name):
    """Return a tutorial task by name.

    Parameters
    ----------
    name : str
        ``"pima"``, ``"iris"``, ``"boston"``, ``"bank"`` or ``"gender"``
        (case-insensitive).

    Returns
    -------
    task : Task
        The recipe.

    Raises
    ------
    ValueError
        If there is no task of that name; the message lists the tasks and
        the closest name.

    Examples
    --------
    >>> from skkeras.tasks import get_task
    >>> get_task("bank").scoring
    {'accuracy': 'accuracy', 'roc_auc': 'roc_auc'}
    """
    key = str(name).strip().lower()
    if key in _TASKS:
        return _TASKS[key]
    close = difflib.get_close_matches(key, list(_TASKS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    raise ValueError(f"unknown task {name!r}{hint} The tasks are: {', '.join(_TASKS)}.")


def resolve_param_names(estimator, params):
    """Return ``params`` with full parameter names of ``estimator``.

    Names are resolved in this order: a name without ``__`` that is a
    parameter of a pipeline's final step (``max_iter`` ->
    ``mlpclassifier__max_iter``); a full name (``standardscaler__with_mean``
    or a pipeline parameter such as ``memory``); finally, a name that ends
    exactly one full name after a ``__`` (``with_mean`` ->
    ``standardscaler__with_mean``).

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn estimator, usually a
        :class:`~sklearn.pipeline.Pipeline`.
    params : dict of str to object
        Parameter names, short or full, to values.

    Returns
    -------
    resolved : dict of str to object
        The same values under full names, ready for ``set_params``.

    Raises
    ------
    ValueError
        If a name matches no parameter (the message suggests the closest
        names), matches several, or two names resolve to the same
        parameter.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skkeras import MLPClassifier
    >>> from skkeras.tasks import resolve_param_names
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier())
    >>> resolve_param_names(pipe, {"max_iter": 50, "with_mean": False})
    {'mlpclassifier__max_iter': 50, 'standardscaler__with_mean': False}
    """
    valid = estimator.get_params(deep=True)
    steps = getattr(estimator, "steps", None)
    prefix = f"{steps[-1][0]}__" if steps else None
    resolved = {}
    for key, value in params.items():
        full = _resolve_one(str(key), valid, prefix)
        if full in resolved:
            raise ValueError(
                f"parameter {key!r} is given twice (as {full!r}); give it once."
            )
        resolved[full] = value
    return resolved


def _resolve_one(key, valid, prefix):
    if prefix and "__" not in key and prefix + key in valid:
        return prefix + key
    if key in valid:
        return key
    matches = [name for name in valid if name.endswith("__" + key)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValueError(
            f"parameter {key!r} is ambiguous: it could be any of "
            f"{', '.join(sorted(matches))}; give the full name."
        )
    candidates = list(valid)
    short = []
    if prefix:
        short = [name.removeprefix(prefix) for name in valid if name.startswith(prefix)]
        candidates += short
    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)
    if close:
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?"
    elif short:
        hint = (
            f"; the network's parameters are {', '.join(sorted(short))} (other "
            "steps' parameters take their full names, as get_params() gives them)."
        )
    else:
        hint = f"; the valid names are {', '.join(sorted(valid))}."
    raise ValueError(f"unknown parameter {key!r}{hint}")
