"""Plots of a fitted search: score against one parameter, or over two."""

import numpy as np

from ._matplotlib import check_matplotlib, get_ax
from ._results import pick_metric, search_metrics, searched_params, short_param_names

__all__ = [
    "param_values",
    "pick_two_params",
    "plot_search_heatmap",
    "plot_search_scores",
]


def _resolve_param(search, param):
    names = searched_params(search)
    short = short_param_names(names)
    for name in names:
        if param in (name, short[name]):
            return name, short[name]
    raise ValueError(
        f"{param!r} was not searched; the searched parameters are "
        f"{', '.join(repr(short[n]) for n in names)}."
    )


def param_values(search, name):
    """Distinct values of a parameter, in first-seen order (hashable or not)."""
    values = []
    for params in search.cv_results_["params"]:
        if name in params and not any(_same(params[name], v) for v in values):
            values.append(params[name])
    try:
        values = sorted(values)
    except TypeError:
        pass
    return values


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return a is b


def _best_by_value(search, name, metric, values):
    """For each value, the (mean, std) of the best candidate having it."""
    results = search.cv_results_
    means = np.asarray(results[f"mean_test_{metric.key}"], dtype=float)
    stds = np.asarray(results[f"std_test_{metric.key}"], dtype=float)
    best = []
    for value in values:
        idx = [
            i
            for i, p in enumerate(results["params"])
            if name in p and _same(p[name], value)
        ]
        idx = [i for i in idx if np.isfinite(means[i])] or idx
        i = (
            idx[int(np.nanargmax(means[idx]))]
            if np.isfinite(means[idx]).any()
            else idx[0]
        )
        best.append((metric.sign * means[i], stds[i], idx))
    return best


def plot_search_scores(search, param, *, metric=None, ax=None):
    """Plot a search's score against the values of one parameter.

    Every candidate is a faint dot; for each value of ``param`` the best
    candidate having it is marked with its mean score and an error bar of
    one standard deviation over the folds.

    Parameters
    ----------
    search : GridSearchCV or RandomizedSearchCV
        A fitted search.
    param : str
        The parameter, by full (``mlpclassifier__max_iter``) or short
        (``max_iter``) name.
    metric : str, default=None
        The metric to plot; None means the one the search refits on.
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
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skkeras.reports import plot_search_scores
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.01, 1]}, cv=3)
    >>> ax = plot_search_scores(search.fit(X, y), "C")
    >>> ax.get_xlabel()
    'C'
    """
    check_matplotlib("plot_search_scores")
    m = pick_metric(search_metrics(search), metric)
    name, short = _resolve_param(search, param)
    values = param_values(search, name)
    best = _best_by_value(search, name, m, values)
    means = np.asarray(search.cv_results_[f"mean_test_{m.key}"], dtype=float) * m.sign
    ax = get_ax(ax)
    positions = np.arange(len(values))
    rng = np.random.default_rng(0)
    for pos, (_, _, idx) in zip(positions, best, strict=True):
        jitter = rng.uniform(-0.12, 0.12, size=len(idx))
        ax.plot(pos + jitter, means[idx], "o", color="grey", alpha=0.3, ms=4)
    ax.errorbar(
        positions,
        [b[0] for b in best],
        yerr=[b[1] for b in best],
        fmt="o-",
        capsize=4,
        color="C0",
        label="best candidate ± 1 std",
    )
    ax.set_xticks(positions)
    ax.set_xticklabels([str(v) for v in values])
    ax.set_xlim(-0.5, len(values) - 0.5)
    ax.set_xlabel(short)
    ax.set_ylabel(
        f"{m.label} ({'higher' if m.greater_is_better else 'lower'} is better)"
    )
    ax.set_title(f"{m.label} vs {short}")
    return ax


def pick_two_params(search, metric):
    """The two most influential parameters with at least two values each."""
    names = [n for n in searched_params(search) if len(param_values(search, n)) > 1]
    if len(names) < 2:
        raise ValueError(
            "a heatmap needs two searched parameters with at least two values "
            f"each; this search varies {len(names)}."
        )

    def spread(name):
        scores = [
            b[0]
            for b in _best_by_value(search, name, metric, param_values(search, name))
        ]
        return np.nanmax(scores) - np.nanmin(scores)

    return sorted(names, key=spread, reverse=True)[:2]


def plot_search_heatmap(search, params=None, *, metric=None, ax=None):
    """Plot a search's score over two parameters as an annotated heatmap.

    Each cell shows the best mean score among the candidates having that
    pair of values (other parameters free).

    Parameters
    ----------
    search : GridSearchCV or RandomizedSearchCV
        A fitted search.
    params : tuple of two str, default=None
        The parameters for the rows and the columns (full or short names);
        None picks the two whose values change the score the most.
    metric : str, default=None
        The metric to plot; None means the one the search refits on.
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
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skkeras.reports import plot_search_heatmap
    >>> X, y = load_iris(return_X_y=True)
    >>> grid = {"C": [0.01, 1], "fit_intercept": [True, False]}
    >>> search = GridSearchCV(LogisticRegression(max_iter=500), grid, cv=3).fit(X, y)
    >>> plot_search_heatmap(search).get_title()
    'best score by C and fit_intercept'
    """
    check_matplotlib("plot_search_heatmap")
    m = pick_metric(search_metrics(search), metric)
    if params is None:
        names = pick_two_params(search, m)
    else:
        if len(params) != 2:
            raise ValueError(f"params must name two parameters; got {params!r}.")
        names = [_resolve_param(search, p)[0] for p in params]
    short = short_param_names(searched_params(search))
    rows, cols = (param_values(search, n) for n in names)
    results = search.cv_results_
    means = np.asarray(results[f"mean_test_{m.key}"], dtype=float)
    grid = np.full((len(rows), len(cols)), np.nan)
    for i, p in enumerate(results["params"]):
        if names[0] not in p or names[1] not in p or not np.isfinite(means[i]):
            continue
        r = next(k for k, v in enumerate(rows) if _same(v, p[names[0]]))
        c = next(k for k, v in enumerate(cols) if _same(v, p[names[1]]))
        if np.isnan(grid[r, c]) or means[i] > grid[r, c]:
            grid[r, c] = means[i]
    shown = m.sign * grid
    ax = get_ax(ax)
    image = ax.imshow(
        shown, cmap="viridis" if m.greater_is_better else "viridis_r", aspect="auto"
    )
    finite = shown[np.isfinite(shown)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for r in range(len(rows)):
        for c in range(len(cols)):
            if np.isfinite(shown[r, c]):
                bright = (shown[r, c] > middle) == m.greater_is_better
                ax.text(
                    c,
                    r,
                    f"{shown[r, c]:.3f}",
                    ha="center",
                    va="center",
                    color="black" if bright else "white",
                    fontsize="small",
                )
    ax.set_yticks(np.arange(len(rows)))
    ax.set_yticklabels([str(v) for v in rows])
    ax.set_xticks(np.arange(len(cols)))
    ax.set_xticklabels([str(v) for v in cols])
    ax.set_ylabel(short[names[0]])
    ax.set_xlabel(short[names[1]])
    ax.set_title(f"best {m.label} by {short[names[0]]} and {short[names[1]]}")
    ax.figure.colorbar(image, ax=ax, label=m.label)
    return ax
