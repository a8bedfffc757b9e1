"""The bar chart of one metric on each cross-validation fold."""

import numpy as np

from ._matplotlib import check_matplotlib, get_ax
from ._results import check_cv_results, cv_frame, cv_metrics, pick_metric

__all__ = ["plot_fold_scores"]


def plot_fold_scores(cv_results, metric=None, *, scoring=None, baseline=None, ax=None):
    """Plot one metric on each cross-validation fold, with mean and baseline.

    Parameters
    ----------
    cv_results : dict
        The dict returned by :func:`~sklearn.model_selection.cross_validate`.
    metric : str, default=None
        The metric to plot; None means the first one.
    scoring : str, list or dict, default=None
        The ``scoring`` given to ``cross_validate`` (tells which metrics
        are negated errors); see :func:`cv_frame`.
    baseline : float, default=None
        The score of a trivial model, drawn as a dashed line.
    ax : matplotlib Axes, default=None
        Axes to plot on; None creates a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes of the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from skkeras.reports import plot_fold_scores
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(LogisticRegression(max_iter=500), X, y, cv=3)
    >>> plot_fold_scores(result, baseline=1 / 3).get_xlabel()
    'fold'
    """
    check_matplotlib("plot_fold_scores")
    check_cv_results(cv_results)
    m = pick_metric(cv_metrics(cv_results, scoring), metric)
    values = cv_frame(cv_results, scoring=scoring)[m.label].to_numpy()
    ax = get_ax(ax)
    folds = np.arange(1, len(values) + 1)
    ax.bar(folds, values, color="C0", alpha=0.75, label=m.label)
    mean = float(np.mean(values))
    ax.axhline(mean, color="C1", label=f"mean {mean:.3f} ± {np.std(values):.3f}")
    shown = [float(v) for v in values]
    if baseline is not None and np.isfinite(baseline):
        ax.axhline(
            baseline, color="black", linestyle="--", label=f"baseline {baseline:.3f}"
        )
        shown.append(float(baseline))
    ax.set_ylim(*_score_limits(shown, m.greater_is_better))
    ax.set_xticks(folds)
    ax.set_xlabel("fold")
    ax.set_ylabel(m.label)
    ax.set_title(f"{m.label} on each fold")
    # Beside the bars, never over them.
    ax.legend(
        fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0
    )
    return ax


def _score_limits(values, greater_is_better):
    """y limits of bars of scores: from 0, and to 1 for scores of at most 1.

    Bars start at 0, so that their heights compare; negative values (an R²
    below 0, or a ``neg_*`` error plotted without its ``scoring``) extend
    the axis below 0. A score where higher is better and no value exceeds 1
    (accuracy, ROC AUC, R²...) ends at 1, its best possible value; errors,
    and scores above 1, end a little above the highest value.
    """
    values = [v for v in values if np.isfinite(v)] or [0.0]
    low, high = min(min(values), 0.0), max(max(values), 0.0)
    span = (high - low) or 1.0
    bottom = low - 0.05 * span if low < 0 else 0.0
    if greater_is_better and 0.0 < high <= 1.0:
        top = 1.0 + 0.02 * span  # a bar of 1 stays clear of the frame
    elif high > 0.0 or low == 0.0:
        top = high + 0.08 * span
    else:  # all negative: the bars hang from 0
        top = 0.0
    return bottom, top
