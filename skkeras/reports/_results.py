"""Tidy pandas views of search and cross-validation results.

scikit-learn reports error metrics negated (``neg_root_mean_squared_error``)
so that higher is always better. These functions show them the natural way
round (an RMSE of 3.2, not -3.2), under the metric's name, and remember
which direction is better so that plots and reports can say so.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["cv_frame", "cv_summary", "search_frame"]


@dataclass(frozen=True)
class Metric:
    """One scored metric: its key in the results and how to show it."""

    key: str  # the name in ``cv_results_`` / ``cross_validate`` keys
    label: str  # the name to show
    sign: int  # multiply the stored values by this to show them

    @property
    def greater_is_better(self):
        return self.sign > 0


def _metric_from_scorer_name(key, scorer):
    """Metric for ``key`` scored by ``scorer`` (a scorer name or callable)."""
    if isinstance(scorer, str) and scorer.startswith("neg_"):
        label = key if key != scorer else scorer.removeprefix("neg_")
        return Metric(key, label, -1)
    if scorer is None and key.startswith("neg_"):
        return Metric(key, key.removeprefix("neg_"), -1)
    return Metric(key, key, 1)


def metrics_of(scoring, keys):
    """Return the :class:`Metric` of each result key, in ``keys`` order.

    ``scoring`` is what was given to the search or to ``cross_validate``
    (None, a string, a callable, a list of names or a dict); ``keys`` are the
    metric names found in the results (``"score"`` for single-metric runs).
    """
    if isinstance(scoring, dict):
        return [_metric_from_scorer_name(k, scoring.get(k)) for k in keys]
    if isinstance(scoring, (list, tuple, set)):
        return [_metric_from_scorer_name(k, k if k in scoring else None) for k in keys]
    if isinstance(scoring, str) and list(keys) == ["score"]:
        metric = _metric_from_scorer_name(scoring, scoring)
        return [Metric("score", metric.label, metric.sign)]
    return [_metric_from_scorer_name(k, None) for k in keys]


def pick_metric(metrics, metric):
    """Return the :class:`Metric` named ``metric`` (label or key); None: the first."""
    if metric is None:
        return metrics[0]
    for m in metrics:
        if metric in (m.label, m.key):
            return m
    raise ValueError(
        f"unknown metric {metric!r}; the metrics are "
        f"{', '.join(repr(m.label) for m in metrics)}."
    )


# ----------------------------------------------------------------------
# Searches
# ----------------------------------------------------------------------
def check_search(search):
    """Raise a clear error unless ``search`` is a fitted search."""
    if not hasattr(search, "cv_results_"):
        raise TypeError(
            f"expected a fitted GridSearchCV or RandomizedSearchCV (with "
            f"cv_results_); got {type(search).__name__}. Call search.fit(X, y) "
            "first, or pass the dict returned by cross_validate."
        )


def search_metrics(search):
    """Return the metrics of a fitted search, the refit metric first."""
    check_search(search)
    results = search.cv_results_
    keys = [k.removeprefix("mean_test_") for k in results if k.startswith("mean_test_")]
    metrics = metrics_of(getattr(search, "scoring", None), keys)
    refit = refit_key(search)
    return sorted(metrics, key=lambda m: m.key != refit)


def refit_key(search):
    """Return the name of the metric a search ranks its candidates by."""
    results = search.cv_results_
    refit = getattr(search, "refit", True)
    if isinstance(refit, str) and f"rank_test_{refit}" in results:
        return refit
    if "rank_test_score" in results:
        return "score"
    keys = [k.removeprefix("rank_test_") for k in results if k.startswith("rank_test_")]
    return keys[0]


def short_param_names(names):
    """Map full parameter names to the shortest unambiguous suffixes.

    ``mlpclassifier__max_iter`` becomes ``max_iter`` unless another searched
    parameter also ends in ``max_iter``.
    """
    names = list(names)
    short = {}
    for name in names:
        parts = name.split("__")
        for n in range(1, len(parts) + 1):
            candidate = "__".join(parts[-n:])
            clashes = [
                other
                for other in names
                if other != name
                and (other == candidate or other.endswith("__" + candidate))
            ]
            if not clashes:
                short[name] = candidate
                break
        else:
            short[name] = name
    return short


def searched_params(search):
    """Return the full names of the parameters a search varied, in order."""
    names = []
    for params in search.cv_results_["params"]:
        for name in params:
            if name not in names:
                names.append(name)
    return names


def search_frame(search, *, top=None):
    """Return the candidates of a fitted search as a ranked DataFrame.

    Parameters
    ----------
    search : GridSearchCV or RandomizedSearchCV
        A fitted search (any estimator with ``cv_results_``).
    top : int, default=None
        Keep only the ``top`` best candidates; None keeps them all.

    Returns
    -------
    frame : pandas.DataFrame
        One row per candidate, best first, indexed by the candidate's
        position in ``cv_results_``: ``rank`` (by the refit metric), one
        column per searched parameter (short names, e.g. ``max_iter``),
        then for each metric its mean over the folds and ``<metric>_std``,
        and ``fit_time`` (mean seconds per fit). Error metrics scored with
        ``neg_*`` scorers are shown positive (an RMSE, not minus an RMSE).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skkeras.reports import search_frame
    >>> X, y = load_iris(return_X_y=True)
    >>> grid = {"C": [0.01, 1.0]}
    >>> search = GridSearchCV(LogisticRegression(max_iter=500), grid, cv=3)
    >>> frame = search_frame(search.fit(X, y))
    >>> list(frame.columns)
    ['rank', 'C', 'score', 'score_std', 'fit_time']
    >>> float(frame["C"].iloc[0])
    1.0
    """
    check_search(search)
    results = search.cv_results_
    names = searched_params(search)
    short = short_param_names(names)
    rank_key = f"rank_test_{refit_key(search)}"
    data = {"rank": np.asarray(results[rank_key], dtype=int)}
    for name in names:
        data[short[name]] = [params.get(name, None) for params in results["params"]]
    for metric in search_metrics(search):
        data[metric.label] = metric.sign * np.asarray(
            results[f"mean_test_{metric.key}"], dtype=float
        )
        data[f"{metric.label}_std"] = np.asarray(
            results[f"std_test_{metric.key}"], dtype=float
        )
    data["fit_time"] = np.asarray(results["mean_fit_time"], dtype=float)
    frame = pd.DataFrame(data)
    frame.index.name = "candidate"
    first = search_metrics(search)[0]
    order = np.lexsort(
        (-first.sign * frame[first.label].to_numpy(), frame["rank"].to_numpy())
    )
    frame = frame.iloc[order]
    if top is not None:
        frame = frame.head(int(top))
    return frame


# ----------------------------------------------------------------------
# cross_validate results
# ----------------------------------------------------------------------
def check_cv_results(cv_results):
    """Raise a clear error unless ``cv_results`` comes from cross_validate."""
    if not isinstance(cv_results, dict) or not any(
        str(k).startswith("test_") for k in cv_results
    ):
        raise TypeError(
            "expected the dict returned by sklearn.model_selection.cross_validate "
            f"(with test_* keys); got {type(cv_results).__name__}."
        )


def cv_metrics(cv_results, scoring=None):
    """Return the metrics of a ``cross_validate`` result."""
    check_cv_results(cv_results)
    keys = [k.removeprefix("test_") for k in cv_results if k.startswith("test_")]
    return metrics_of(scoring, keys)


def cv_frame(cv_results, *, scoring=None):
    """Return the per-fold scores of a ``cross_validate`` result.

    Parameters
    ----------
    cv_results : dict
        The dict returned by :func:`~sklearn.model_selection.cross_validate`.
    scoring : str, list or dict, default=None
        The ``scoring`` given to ``cross_validate``; it tells which metrics
        are negated errors (``neg_*`` scorers) to show positive. Without it,
        only metrics whose own name starts with ``neg_`` are turned round.

    Returns
    -------
    frame : pandas.DataFrame
        One row per fold (index ``fold``, from 1): each metric on the test
        fold, then ``train_<metric>`` if train scores were returned,
        ``fit_time`` and ``score_time`` in seconds.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from skkeras.reports import cv_frame
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(LogisticRegression(max_iter=500), X, y, cv=3,
    ...                         scoring={"accuracy": "accuracy"})
    >>> cv_frame(result).shape
    (3, 3)
    """
    metrics = cv_metrics(cv_results, scoring)
    data = {}
    for metric in metrics:
        data[metric.label] = metric.sign * np.asarray(
            cv_results[f"test_{metric.key}"], dtype=float
        )
    for metric in metrics:
        key = f"train_{metric.key}"
        if key in cv_results:
            data[f"train_{metric.label}"] = metric.sign * np.asarray(
                cv_results[key], dtype=float
            )
    for key in ("fit_time", "score_time"):
        if key in cv_results:
            data[key] = np.asarray(cv_results[key], dtype=float)
    frame = pd.DataFrame(data)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="fold")
    return frame


def _baseline_values(baseline, metrics, scoring):
    """Return ``{label: value}`` from a baseline dict or cross_validate result."""
    if baseline is None:
        return {}
    if isinstance(baseline, dict) and any(str(k).startswith("test_") for k in baseline):
        frame = cv_frame(baseline, scoring=scoring)
        return {
            m.label: float(frame[m.label].mean()) for m in metrics if m.label in frame
        }
    values = {}
    for metric in metrics:
        for name in (metric.label, metric.key):
            if name in baseline:
                values[metric.label] = float(baseline[name])
                break
    return values


def cv_summary(cv_results, *, scoring=None, baseline=None):
    """Return the mean, spread and range of each metric over the folds.

    Parameters
    ----------
    cv_results : dict
        The dict returned by :func:`~sklearn.model_selection.cross_validate`.
    scoring : str, list or dict, default=None
        The ``scoring`` given to ``cross_validate``; see :func:`cv_frame`.
    baseline : dict, default=None
        Scores of a trivial model to show beside: either ``{metric:
        value}`` or the ``cross_validate`` result of, e.g., a
        :class:`~sklearn.dummy.DummyClassifier` on the same folds (its mean
        is used).

    Returns
    -------
    summary : pandas.DataFrame
        One row per metric (index ``metric``) with ``mean``, ``std``,
        ``min``, ``max``, ``better`` (``"higher"`` or ``"lower"``) and, if
        given, ``baseline``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from skkeras.reports import cv_summary
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(LogisticRegression(max_iter=500), X, y, cv=3,
    ...                         scoring={"accuracy": "accuracy"})
    >>> summary = cv_summary(result, baseline={"accuracy": 1 / 3})
    >>> list(summary.columns)
    ['mean', 'std', 'min', 'max', 'better', 'baseline']
    >>> bool(summary.loc["accuracy", "mean"] > summary.loc["accuracy", "baseline"])
    True
    """
    metrics = cv_metrics(cv_results, scoring)
    frame = cv_frame(cv_results, scoring=scoring)
    rows = []
    for metric in metrics:
        values = frame[metric.label]
        rows.append(
            {
                "mean": float(values.mean()),
                "std": float(values.std(ddof=0)),
                "min": float(values.min()),
                "max": float(values.max()),
                "better": "higher" if metric.greater_is_better else "lower",
            }
        )
    summary = pd.DataFrame(
        rows, index=pd.Index([m.label for m in metrics], name="metric")
    )
    base = _baseline_values(baseline, metrics, scoring)
    if base:
        summary["baseline"] = [base.get(m.label, np.nan) for m in metrics]
    return summary
