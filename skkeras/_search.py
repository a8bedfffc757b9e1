"""Cross-validation and hyper-parameter search that train their fits together.

The classes and functions here take the arguments of scikit-learn's and
return the same results.  What differs is how the fits are trained: every
(candidate, split) fit of an skkeras estimator (alone, or as the last step
of a :class:`~sklearn.pipeline.Pipeline`) is prepared first, the fits that
share an architecture are trained as one vectorized program
(:mod:`skkeras._engine.batch`), and then scikit-learn's own search runs as
usual, with each ``fit`` taking over its trained state (:mod:`skkeras._replay`).
The store of those fits is installed for the calling thread only
(:mod:`skkeras._trained_ahead`), around scikit-learn's search run with
``n_jobs=1`` so that its fits run in that thread; concurrent searches in
other threads never see it.
Scoring, ``cv_results_``, ``error_score``, ``refit`` and the ``best_*``
attributes are therefore scikit-learn's own.
"""

import copy
import time
from typing import NamedTuple

import joblib
import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn import model_selection as sk_model_selection
from sklearn.base import clone, is_classifier
from sklearn.model_selection import ParameterGrid, ParameterSampler, check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import indexable

from . import _replay, _trained_ahead
from ._base import BaseKerasEstimator
from ._config import with_caller_config
from ._cv_progress import cross_validate_reporting
from ._engine import batch as engine_batch
from ._sklearn_compat import safe_indexing, split_params


def _final_step(estimator):
    """``(skkeras estimator or None, is_pipeline)``."""
    if isinstance(estimator, Pipeline):
        last = estimator.steps[-1][1]
        return (last if isinstance(last, BaseKerasEstimator) else None), True
    return (estimator if isinstance(estimator, BaseKerasEstimator) else None), False


def why_not_grouped(estimator, fit_params):
    """Why the fits of ``estimator`` are left to scikit-learn, or None."""
    final, piped = _final_step(estimator)
    if final is None:
        return (
            "the estimator is neither an skkeras estimator nor a Pipeline ending in one"
        )
    if piped and fit_params:
        return "fit parameters of a Pipeline go through scikit-learn's own path"
    return engine_batch.vectorized_reason()


def why_not_shared(estimator, candidates):
    """Why training the fits ahead of scikit-learn's search gains nothing, or None.

    Where fits that share no run train one at a time anyway (TensorFlow, the
    CPU), training ahead pays only when two candidates differ in nothing but
    their number of epochs: otherwise scikit-learn's search runs as usual.
    """
    reason = engine_batch.unshared_reason()
    if reason is None:
        return None
    final, piped = _final_step(estimator)
    name = final._epochs_param
    if piped:
        name = f"{estimator.steps[-1][0]}__{name}"
    seen = set()
    for candidate in candidates:
        try:
            key = joblib.hash(
                {k: _replay.token(v) for k, v in candidate.items() if k != name}
            )
        except Exception:  # noqa: BLE001 - unhashable: cannot tell, so no
            continue
        if key in seen:
            return None
        seen.add(key)
    return f"no two candidates differ only in {name}, and {reason}"


class FitInputs(NamedTuple):
    """One (candidate, split) fit of a search before its training is planned:
    the skkeras estimator to fit (a pipeline's last step, whose earlier steps
    are fitted on the split) and what its ``fit`` takes."""

    final: object
    X: object
    y: object
    sample_weight: object
    fit_params: dict
    key: str  # skkeras._replay.fingerprint of the fit


def fit_inputs(estimator, parameters, X, y, train, params):
    """Clone, set ``parameters`` and fit a pipeline's transformers on the
    split: the :class:`FitInputs` of the skkeras step."""
    est = clone(estimator).set_params(**clone(parameters, safe=False))
    X_train = safe_indexing(X, train)
    y_train = None if y is None else safe_indexing(y, train)
    fit_params = dict(split_params(X, params, train))
    if isinstance(est, Pipeline):
        final = est.steps[-1][1]
        X_train = (
            est[:-1].fit_transform(X_train, y_train) if len(est.steps) > 1 else X_train
        )
    else:
        final = est
    sample_weight = fit_params.pop("sample_weight", None)
    key = _replay.fingerprint(final, X_train, y_train, sample_weight, fit_params)
    if key is None:
        raise ValueError("its parameters or data cannot be fingerprinted")
    if fit_params.get("callbacks") is not None:
        # fit uses the callbacks given to it as they are; fits trained
        # together each get their own copy, so that they share no state.
        fit_params["callbacks"] = copy.deepcopy(fit_params["callbacks"])
    return FitInputs(final, X_train, y_train, sample_weight, fit_params, key)


def _prepare(estimator, parameters, X, y, train, params):
    """:func:`fit_inputs`, then prepare the training call of the skkeras step.

    Returns ``(final estimator, its fit plan, fingerprint)``.
    """
    fit = fit_inputs(estimator, parameters, X, y, train, params)
    plan = fit.final._prepare_fit(fit.X, fit.y, fit.sample_weight, fit.fit_params)
    return fit.final, plan, fit.key


def _pretrain_block(estimator, candidates, splits, X, y, params, pairs):
    store = _replay.Store()
    report = {"groups": [], "alone": {}}
    prepared = []
    for cand, split in pairs:
        start = time.perf_counter()
        try:
            final, plan, key = _prepare(
                estimator, candidates[cand], X, y, splits[split][0], params
            )
        except Exception as exc:  # noqa: BLE001 - scikit-learn's search fits it
            report["alone"][(cand, split)] = (
                f"not prepared ({exc!r}); fitted by scikit-learn"
            )
            continue
        prepared.append((cand, split, final, plan, key, time.perf_counter() - start))
    # Grouping was decided by the caller (maybe in another process), whose
    # configuration is in effect here.
    histories, trained = engine_batch.train_many(
        [p[3].train_call for p in prepared], grouped=True
    )
    for group in trained["groups"]:
        fits = [prepared[i][:2] for i in group["members"]]
        report["groups"].append(
            {
                "fits": fits,
                "runs": group["runs"],
                "vectorized": group["vectorized"],
                "wall_s": group["wall_s"],
            }
        )
    for i, reason in trained["alone"].items():
        report["alone"][prepared[i][:2]] = reason
    for i, (cand, split, final, plan, key, seconds) in enumerate(prepared):
        if histories[i] is None:
            failure = trained["failed"].get(i)
            report["alone"][(cand, split)] = (
                f"training failed ({failure!r}); fitted by scikit-learn"
            )
            continue
        start = time.perf_counter()
        try:
            final._finish_fit(plan, histories[i])
        except Exception as exc:  # noqa: BLE001 - scikit-learn's search refits it
            report["alone"][(cand, split)] = (
                f"not finished ({exc!r}); fitted by scikit-learn"
            )
            continue
        seconds += trained["seconds"][i] + time.perf_counter() - start
        store.put(key, final, (cand, split, seconds))
    return store, report


def pretrain(estimator, candidates, splits, X, y, params, n_jobs=None):
    """Train every (candidate, split) fit ahead of time, in groups.

    With ``n_jobs`` workers, the fits are cut into that many contiguous
    blocks (candidates in order), each grouped and trained by one worker.
    Returns ``(store, report)``; see :attr:`GridSearchCV.grouping_`.
    """
    pairs = [(c, s) for c in range(len(candidates)) for s in range(len(splits))]
    workers = min(effective_n_jobs(n_jobs), len(pairs))
    if workers <= 1:
        blocks = [_pretrain_block(estimator, candidates, splits, X, y, params, pairs)]
    else:
        chunks = [list(map(tuple, c)) for c in np.array_split(np.array(pairs), workers)]
        # The workers start from the default configuration: carry this one.
        block = with_caller_config(_pretrain_block)
        blocks = Parallel(n_jobs=workers)(
            delayed(block)(estimator, candidates, splits, X, y, params, chunk)
            for chunk in chunks
        )
    store = _replay.Store()
    report = {"groups": [], "alone": {}, "reason": None}
    for block_store, block_report in blocks:
        for key, entries in block_store._fits.items():
            for fitted, info in entries:
                store.put(key, fitted, info)
        report["groups"] += block_report["groups"]
        report["alone"].update(block_report["alone"])
    return store, report


def _pretrain_times(store, n_candidates, n_splits):
    """Per (candidate, split) training seconds spent ahead of time."""
    extra = np.zeros((n_candidates, n_splits))
    for cand, split, seconds in store.taken:
        extra[cand, split] += seconds
    return extra


class _GroupedSearch:
    """``fit`` for the search classes below (before scikit-learn's in the MRO)."""

    def _candidates(self):
        raise NotImplementedError

    def _inner(self, splits):
        return clone(self).set_params(cv=splits, n_jobs=1)

    def fit(self, X, y=None, **params):
        """Run fit with all sets of parameters, grouped where possible.

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
        reason = why_not_grouped(self.estimator, fit_params)
        if reason is None:
            X, y = indexable(X, y)
            cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
            splits = list(cv.split(X, y, params.get("groups")))
            inner = self._inner(splits)
            candidates = inner._candidates()
            reason = why_not_shared(self.estimator, candidates)
        if reason is not None:
            super().fit(X, y, **params)
            self.grouping_ = {
                "groups": [],
                "alone": {},
                "reason": reason,
                "replayed": 0,
            }
            return self
        store, report = pretrain(
            self.estimator, candidates, splits, X, y, fit_params, self.n_jobs
        )
        with _trained_ahead.serving(store):
            super(_GroupedSearch, inner).fit(X, y, **params)
        own = set(self.get_params(deep=False))
        for name, value in vars(inner).items():
            if name not in own:
                setattr(self, name, value)
        extra = _pretrain_times(store, len(candidates), len(splits))
        res = self.cv_results_
        std = res["std_fit_time"]
        res["mean_fit_time"] = res["mean_fit_time"] + extra.mean(axis=1)
        res["std_fit_time"] = np.sqrt(std**2 + extra.std(axis=1) ** 2)
        report["replayed"] = len(store.taken)
        self.grouping_ = report
        return self


_GROUPING_DOC = """
    grouping_ : dict
        How the fits were trained: ``"groups"``, a list of
        ``{"fits": [(candidate index, split index), ...], "runs": count,
        "vectorized": bool, "wall_s": seconds}``, one per program trained
        together: a vectorized group (JAX), or a run shared by fits that
        differ only in their number of epochs, trained one fit at a time
        (``runs`` counts the distinct runs of a group); ``"alone"``, a dict from
        ``(candidate index, split index)`` to the reason that fit was trained
        on its own; ``"reason"``, why nothing was grouped (None when
        grouping was tried); and ``"replayed"``, how many of scikit-learn's
        fits took over a fit trained ahead of time (the others trained as
        usual: refits, and fits whose data differed, e.g. a pipeline step
        that is not deterministic).
"""


class GridSearchCV(_GroupedSearch, sk_model_selection.GridSearchCV):
    __doc__ = (
        """Exhaustive search over a parameter grid, with the fits trained together.

    A drop-in for :class:`sklearn.model_selection.GridSearchCV`: the same
    arguments, the same ``cv_results_`` keys and dtypes, ``best_*``
    attributes, refit, scoring, ``return_train_score`` and ``error_score``.
    When the estimator is an skkeras estimator, or a
    :class:`~sklearn.pipeline.Pipeline` ending in one, the fits of all
    candidates and splits that share an architecture (layer shapes,
    optimizer type, batch size; the number of epochs, the learning rate, the
    initializer and the seed may differ) are trained as one vectorized
    program on the JAX backend.  Candidates that differ only in their
    number of epochs (``max_iter``, ``epochs``) share one run, on the
    TensorFlow backend too: it trains once, to the longest length, and each
    takes the weights of the epoch it ends at.  On the CPU, where a
    vectorized step saves about half of its members' step time but the
    group's program takes about a second to compile, only groups with
    shared runs are vectorized, and where nothing would be shared or
    vectorized (no two candidates differ only in their number of epochs,
    on TensorFlow or the CPU) the search is scikit-learn's own, unchanged.
    A pipeline's earlier steps are fitted per split as usual.  The other
    fits train one after another through the compiled engine, and
    ``grouping_`` says why.  ``n_jobs`` workers each group and train a
    contiguous block of the fits.  ``mean_fit_time``
    includes each fit's share of its group's training time.

    See :class:`sklearn.model_selection.GridSearchCV` for the parameters
    and the other fitted attributes.

    Attributes
    ----------"""
        + _GROUPING_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.model_selection import GridSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(
    ...     MLPClassifier((8,), max_iter=5, random_state=0),
    ...     {"learning_rate_init": [0.01, 0.05]},
    ...     cv=3,
    ... ).fit(X, y)
    >>> sorted(search.best_params_)
    ['learning_rate_init']
    """
    )

    def _candidates(self):
        return list(ParameterGrid(self.param_grid))


class RandomizedSearchCV(_GroupedSearch, sk_model_selection.RandomizedSearchCV):
    __doc__ = (
        """Randomized search over parameters, with the fits trained together.

    A drop-in for :class:`sklearn.model_selection.RandomizedSearchCV`,
    grouped as :class:`GridSearchCV` describes.  When ``random_state`` is
    None, one seed is drawn so that the candidates trained ahead of time
    are the ones the search scores.

    Attributes
    ----------"""
        + _GROUPING_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.model_selection import RandomizedSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = RandomizedSearchCV(
    ...     MLPClassifier((8,), max_iter=5, random_state=0),
    ...     {"learning_rate_init": [0.001, 0.01, 0.05]},
    ...     n_iter=2, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> len(search.cv_results_["params"])
    2
    """
    )

    def _inner(self, splits):
        inner = super()._inner(splits)
        if self.random_state is None:
            inner.set_params(random_state=int(np.random.randint(0, 2**31 - 1)))
        return inner

    def _candidates(self):
        return list(
            ParameterSampler(
                self.param_distributions, self.n_iter, random_state=self.random_state
            )
        )


def cross_validate(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    scoring=None,
    cv=None,
    n_jobs=None,
    verbose=0,
    params=None,
    pre_dispatch="2*n_jobs",
    return_train_score=False,
    return_estimator=False,
    return_indices=False,
    error_score=np.nan,
    progress=None,
):
    """Evaluate metric(s) by cross-validation, with the folds trained together.

    A drop-in for :func:`sklearn.model_selection.cross_validate` (same
    arguments, same result); the folds of an skkeras estimator (or of a
    Pipeline ending in one) are trained as one vectorized program on the
    JAX backend, as :class:`GridSearchCV` describes.  The folds share no
    run, so on TensorFlow and on the CPU this is scikit-learn's
    ``cross_validate``, unchanged (the configuration key
    ``group="always"``, :mod:`skkeras.config`, vectorizes the folds on the
    CPU too).
    ``fit_time`` includes each fold's share of that training.

    Parameters
    ----------
    estimator, X, y, groups, scoring, cv, n_jobs, verbose, params, \
pre_dispatch, return_train_score, return_estimator, return_indices, \
error_score
        As for :func:`sklearn.model_selection.cross_validate`.
    progress : callable, default=None
        Called in the calling process with a :class:`CVProgress`
        ``(done, total)``: once before the first fold, then each time a
        fold is fitted and scored (in any order when ``n_jobs`` runs them in
        parallel; folds trained together are reported as they are scored).
        The folds then run as scikit-learn's ``cross_validate`` on one split
        each; the result is the same.

    Returns
    -------
    scores : dict
        As :func:`sklearn.model_selection.cross_validate` returns.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.model_selection import cross_validate
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(MLPClassifier((8,), max_iter=5), X, y, cv=3)
    >>> len(result["test_score"])
    3
    >>> seen = []
    >>> result = cross_validate(
    ...     MLPClassifier((8,), max_iter=5), X, y, cv=3, progress=seen.append
    ... )
    >>> [state.done for state in seen]
    [0, 1, 2, 3]
    """
    kwargs = dict(
        groups=groups,
        scoring=scoring,
        verbose=verbose,
        params=params,
        pre_dispatch=pre_dispatch,
        return_train_score=return_train_score,
        return_estimator=return_estimator,
        return_indices=return_indices,
        error_score=error_score,
    )
    grouped = (
        why_not_grouped(estimator, params) is None
        and why_not_shared(estimator, [{}]) is None
    )
    if not grouped and progress is None:
        return sk_model_selection.cross_validate(
            estimator, X, y, cv=cv, n_jobs=n_jobs, **kwargs
        )
    X, y = indexable(X, y)
    splits = list(
        check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y, groups)
    )
    if not grouped:
        return cross_validate_reporting(
            estimator,
            X,
            y,
            splits,
            n_jobs=n_jobs,
            pre_dispatch=pre_dispatch,
            progress=progress,
            kwargs=kwargs,
        )
    store, _ = pretrain(estimator, [{}], splits, X, y, params, n_jobs)
    with _trained_ahead.serving(store):
        if progress is None:
            result = sk_model_selection.cross_validate(
                estimator, X, y, cv=splits, n_jobs=1, **kwargs
            )
        else:
            result = cross_validate_reporting(
                estimator,
                X,
                y,
                splits,
                n_jobs=1,
                pre_dispatch=pre_dispatch,
                progress=progress,
                kwargs=kwargs,
            )
    result["fit_time"] = result["fit_time"] + _pretrain_times(store, 1, len(splits))[0]
    return result


def cross_val_score(
    estimator,
    X,
    y=None,
    *,
    groups=None,
    scoring=None,
    cv=None,
    n_jobs=None,
    verbose=0,
    params=None,
    pre_dispatch="2*n_jobs",
    error_score=np.nan,
):
    """Scores of a cross-validation, with the folds trained together.

    A drop-in for :func:`sklearn.model_selection.cross_val_score`; see
    :func:`cross_validate`.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.model_selection import cross_val_score
    >>> X, y = load_iris(return_X_y=True)
    >>> cross_val_score(MLPClassifier((8,), max_iter=5), X, y, cv=3).shape
    (3,)
    """
    result = cross_validate(
        estimator,
        X,
        y,
        groups=groups,
        scoring=scoring,
        cv=cv,
        n_jobs=n_jobs,
        verbose=verbose,
        params=params,
        pre_dispatch=pre_dispatch,
        error_score=error_score,
    )
    return result["test_score"]
