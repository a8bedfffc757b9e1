"""Cross-validation that reports each fold as it finishes.

:func:`skkeras.model_selection.cross_validate` comes here when it is given
a ``progress`` callback: the folds run as scikit-learn's own
``cross_validate`` on one split each, spread over ``n_jobs`` workers, and
the callback is called in the calling process each time one finishes (in
any order when they run in parallel).  The results are put back in fold
order, so they are those of one ``cross_validate`` call.
"""

import warnings
from typing import NamedTuple

import numpy as np
from sklearn import model_selection as sk_model_selection
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.utils.parallel import Parallel, delayed

from ._config import with_caller_config


class CVProgress(NamedTuple):
    """Where a cross-validation stands: what its ``progress`` callback gets.

    Attributes
    ----------
    done : int
        Folds finished so far (fitted and scored).
    total : int
        Folds in all.

    Examples
    --------
    >>> from skkeras.model_selection import CVProgress
    >>> state = CVProgress(done=3, total=10)
    >>> f"{state.done}/{state.total} folds"
    '3/10 folds'
    """

    done: int
    total: int


def _one_fold(index, estimator, X, y, split, kwargs):
    """Run scikit-learn's ``cross_validate`` on one split (maybe in a worker).

    Returns ``(index, result)``, or ``(index, exception)`` when the fold's
    fit failed and ``error_score`` is a number (scikit-learn raises when
    every fit of a call fails, and here the call has one).
    """
    try:
        result = sk_model_selection.cross_validate(
            estimator, X, y, cv=[split], n_jobs=1, **kwargs
        )
    except ValueError as exc:
        if isinstance(kwargs["error_score"], str):
            raise
        return index, exc
    return index, result


def _failed_fold(keys, error_score, estimator, split):
    """The entries of a failed fold, as scikit-learn fills them."""
    fold = {}
    for key in keys:
        if key.startswith(("test_", "train_")):
            fold[key] = np.array([error_score], dtype=float)
        elif key in ("fit_time", "score_time"):
            fold[key] = np.array([0.0])
        elif key == "estimator":
            fold[key] = [clone(estimator)]
        elif key == "indices":
            fold[key] = {"train": [split[0]], "test": [split[1]]}
    return fold


def _merge(folds):
    """One ``cross_validate`` result from per-fold results, in fold order."""
    merged = {}
    for key, first in folds[0].items():
        if key == "estimator":
            merged[key] = [est for fold in folds for est in fold[key]]
        elif key == "indices":
            merged[key] = {
                part: [idx for fold in folds for idx in fold[key][part]]
                for part in first
            }
        else:
            merged[key] = np.concatenate([fold[key] for fold in folds])
    return merged


def cross_validate_reporting(
    estimator, X, y, splits, *, n_jobs, pre_dispatch, progress, kwargs
):
    """``cross_validate`` over ``splits`` calling ``progress`` after each fold.

    ``kwargs`` are the other arguments of scikit-learn's ``cross_validate``
    (``groups``, ``scoring``, ``error_score`` ...).  ``progress`` gets a
    :class:`CVProgress`: once with ``done=0`` before the first fold starts,
    then after each fold.
    """
    total = len(splits)
    progress(CVProgress(0, total))
    parallel = Parallel(
        n_jobs=n_jobs, pre_dispatch=pre_dispatch, return_as="generator_unordered"
    )
    outputs = [None] * total
    # The workers start from the default configuration: carry this one.
    fold = with_caller_config(_one_fold)
    jobs = (
        delayed(fold)(i, clone(estimator), X, y, split, kwargs)
        for i, split in enumerate(splits)
    )
    for done, (index, output) in enumerate(parallel(jobs), start=1):
        outputs[index] = output
        progress(CVProgress(done, total))
    failed = {i: o for i, o in enumerate(outputs) if isinstance(o, Exception)}
    if len(failed) == total:
        first = failed[0]
        raise ValueError(
            f"all {total} folds failed to fit; the first: {first}"
        ) from first
    if failed:
        keys = next(o for o in outputs if not isinstance(o, Exception)).keys()
        for i in failed:
            outputs[i] = _failed_fold(keys, kwargs["error_score"], estimator, splits[i])
        folds = ", ".join(str(i + 1) for i in sorted(failed))
        warnings.warn(
            f"{len(failed)} of the {total} folds failed to fit (fold {folds}) and "
            f"score error_score={kwargs['error_score']!r}; the first failure: "
            f"{failed[min(failed)]}",
            FitFailedWarning,
            stacklevel=3,
        )
    return _merge(outputs)
