"""Successive-halving searches whose surviving candidates continue their runs.

:class:`HalvingGridSearchCV` and :class:`HalvingRandomSearchCV` are
scikit-learn's, run as they are: the same rungs, candidates, scoring,
``cv_results_`` and refit.  When the resource is the skkeras estimator's
number of epochs (``max_iter`` for the MLPs, ``epochs`` for the general
wrappers, prefixed with the step's name in a pipeline), each rung's fits
are trained before scikit-learn's search scores them (:mod:`skkeras._rungs`),
and a candidate that survives a rung continues, on each split, from the
state it reached instead of training again from the first epoch.  The
search hooks scikit-learn's documented ``_run_search``: it hands
scikit-learn's rung loop an ``evaluate_candidates`` that trains the rung,
then installs the trained fits (:mod:`skkeras._trained_ahead`) around
scikit-learn's own evaluation.  Any other resource (``"n_samples"``, a
parameter that is not the number of epochs) runs scikit-learn's search
unchanged.
"""

import inspect

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils.validation import indexable

from . import _trained_ahead
from ._rungs import Rungs
from ._search import _final_step, _pretrain_times, why_not_grouped
from ._sklearn_compat import SkHalvingGridSearchCV, SkHalvingRandomSearchCV


def why_not_continued(estimator, resource, fit_params):
    """Why a halving search over ``resource`` is scikit-learn's own, or None."""
    final, piped = _final_step(estimator)
    if final is None:
        return why_not_grouped(estimator, fit_params)
    name = final._epochs_param
    if piped:
        name = f"{estimator.steps[-1][0]}__{name}"
    if resource != name:
        return (
            f"the resource {resource!r} is not the number of epochs ({name!r}): "
            "every rung retrains, as in scikit-learn"
        )
    return why_not_grouped(estimator, fit_params)


class _ContinuedHalving:
    """``fit`` and ``_run_search`` for the classes below (before scikit-learn's
    in the MRO)."""

    _rungs = None

    def fit(self, X, y=None, **params):
        """Run the successive halving, continuing the survivors' runs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target.
        **params : dict
            Parameters for the estimator's ``fit`` (and ``groups`` for the
            splitter), as in scikit-learn.

        Returns
        -------
        self : object
            The fitted search.
        """
        fit_params = {k: v for k, v in params.items() if k != "groups"}
        reason = why_not_continued(self.estimator, self.resource, fit_params)
        if reason is not None:
            super().fit(X, y, **params)
            self.rungs_ = []
            self.continuation_reason_ = reason
            return self
        X, y = indexable(X, y)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, params.get("groups")))
        inner = clone(self).set_params(cv=splits, n_jobs=1)
        rungs = Rungs(self.estimator, self.resource, splits, X, y, fit_params)
        inner._rungs = rungs
        try:
            super(_ContinuedHalving, inner).fit(X, y, **params)
        finally:
            inner._rungs = None
        own = set(self.get_params(deep=False))
        for name, value in vars(inner).items():
            if name not in own and name != "_rungs":
                setattr(self, name, value)
        res = self.cv_results_
        extra = np.concatenate(rungs.fit_times) if rungs.fit_times else None
        if extra is not None and len(extra) == len(res["mean_fit_time"]):
            std = res["std_fit_time"]
            res["mean_fit_time"] = res["mean_fit_time"] + extra.mean(axis=1)
            res["std_fit_time"] = np.sqrt(std**2 + extra.std(axis=1) ** 2)
        self.rungs_ = rungs.reports
        self.continuation_reason_ = None
        return self

    def _run_search(self, evaluate_candidates, callback_ctx=None):
        # scikit-learn >= 1.9 passes its callback context to a _run_search
        # that takes one; earlier releases have none.
        parent = super()._run_search
        kwargs = (
            {"callback_ctx": callback_ctx}
            if "callback_ctx" in inspect.signature(parent).parameters
            else {}
        )
        rungs = self._rungs
        if rungs is None:
            return parent(evaluate_candidates, **kwargs)

        def evaluate_rung(candidate_params, cv=None, more_results=None, **rest):
            candidate_params = list(candidate_params)
            store = rungs.train(candidate_params)
            with _trained_ahead.serving(store):
                results = evaluate_candidates(
                    candidate_params, cv, more_results=more_results, **rest
                )
            # The seconds each fit took to train ahead, by candidate and split.
            rungs.fit_times.append(
                _pretrain_times(store, len(candidate_params), len(rungs.splits))
            )
            return results

        return parent(evaluate_rung, **kwargs)


_ATTRIBUTES_DOC = """
    rungs_ : list of RungReport
        One per rung, in order, when the resource is the number of epochs:
        ``n_resources``, how many fits ``continued`` the run of the rung
        before on its network, took it over as it ended (``copied``: a
        stopping rule ended it), or trained ``fresh`` from the first epoch, the
        ``epochs_trained`` by the rung's fits together, and ``alone``: the
        fits left to scikit-learn's search, and why.  Empty otherwise.
    continuation_reason_ : str or None
        Why the search is scikit-learn's own, retraining every rung (the
        resource is not the number of epochs, or the estimator is not an
        skkeras one); None when rungs continue.
"""


class HalvingGridSearchCV(_ContinuedHalving, SkHalvingGridSearchCV):
    __doc__ = (
        """Successive halving over a grid, where survivors continue their runs.

    A drop-in for :class:`sklearn.model_selection.HalvingGridSearchCV`
    (no ``enable_halving_search_cv`` import needed): the same arguments,
    rungs, ``cv_results_``, ``n_resources_``, ``n_candidates_``,
    ``n_iterations_`` and ``best_*`` attributes.  With ``resource`` the
    skkeras estimator's number of epochs (``"max_iter"`` for the MLPs,
    ``"epochs"`` for :class:`~skkeras.KerasClassifier` and
    :class:`~skkeras.KerasRegressor`, ``"step__max_iter"`` for the last step
    of a pipeline), a candidate that survives a rung continues on each split
    on the network it reached (weights and optimizer state), training only
    the rung's extra epochs, where scikit-learn's search builds it again and
    trains it from the first epoch.  The fits are the same: a seeded run
    trained 30 epochs equals the run trained 10 and continued to 30 (the
    compiled engine shuffles each epoch from the seed and the epoch
    number).  Fits whose run may depend on its length train from the start,
    as in scikit-learn:
    no ``random_state``, callbacks that read or change the model
    (``learning_rate="adaptive"``, an ``lr_schedule`` over ``max_iter``,
    ``early_stopping=True``, which restores the best weights), or a model
    the compiled engine does not train.  Each rung's fits are trained
    together as :class:`GridSearchCV` describes (vectorized on JAX where
    it groups them), in this process (``n_jobs`` is not used for them).
    Any other resource is scikit-learn's search, unchanged.
    ``mean_fit_time`` includes each fit's training time.

    See :class:`sklearn.model_selection.HalvingGridSearchCV` for the
    parameters and the other fitted attributes.  ``max_resources`` must be
    given for a resource other than ``"n_samples"``.

    Attributes
    ----------"""
        + _ATTRIBUTES_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.model_selection import HalvingGridSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HalvingGridSearchCV(
    ...     MLPClassifier((8,), random_state=0, n_iter_no_change=float("inf")),
    ...     {"learning_rate_init": [0.001, 0.01, 0.05]},
    ...     resource="max_iter", min_resources=2, max_resources=6, cv=3,
    ... ).fit(X, y)
    >>> search.n_resources_
    [2, 6]
    >>> [rung.continued for rung in search.rungs_]
    [0, 3]
    """
    )


class HalvingRandomSearchCV(_ContinuedHalving, SkHalvingRandomSearchCV):
    __doc__ = (
        """Successive halving over sampled candidates, where survivors continue.

    A drop-in for :class:`sklearn.model_selection.HalvingRandomSearchCV`,
    continuing the survivors' runs as :class:`HalvingGridSearchCV`
    describes (each rung trains the candidates scikit-learn's rung loop
    hands it, so they are the ones it scores).

    Attributes
    ----------"""
        + _ATTRIBUTES_DOC
        + """
    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.model_selection import HalvingRandomSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HalvingRandomSearchCV(
    ...     MLPClassifier((8,), random_state=0, n_iter_no_change=float("inf")),
    ...     {"learning_rate_init": loguniform(1e-3, 1e-1)},
    ...     n_candidates=3, resource="max_iter", min_resources=2,
    ...     max_resources=6, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> search.n_candidates_
    [3, 1]
    """
    )
