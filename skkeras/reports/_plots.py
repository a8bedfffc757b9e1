"""Plots of training histories, searches and cross-validation folds.

matplotlib is an optional dependency (``pip install 'skkeras[plot]'``): it
is imported only when something is drawn, and a missing matplotlib raises
an :class:`ImportError` that says how to install it.
"""

import numpy as np

from ._results import (
    check_cv_results,
    cv_frame,
    cv_metrics,
    search_metrics,
    searched_params,
    short_param_names,
)

__all__ = [
    "HistoryDisplay",
    "plot_fold_scores",
    "plot_search_heatmap",
    "plot_search_scores",
]

PLOT_EXTRA_HINT = "install it with: pip install 'skkeras[plot]'"


def has_matplotlib():
    """Return whether matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _check_matplotlib(what):
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{what} needs matplotlib; {PLOT_EXTRA_HINT}") from exc


def _get_ax(ax):
    """Return ``ax``, or the axes of a new pyplot figure when it is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        # constrained: room for legends outside the axes and colorbars
        _, ax = plt.subplots(layout="constrained")
    return ax


def _find_history(estimator):
    """Return ``(history, name)`` of a fitted skkeras estimator, however wrapped."""
    name = type(estimator).__name__
    seen = 0
    while seen < 10:
        seen += 1
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "regressor_"):
            estimator = estimator.regressor_
        else:
            break
        name = type(estimator).__name__
    history = getattr(estimator, "history_", None)
    if not isinstance(history, dict) or not history:
        raise ValueError(
            f"{name} has no training history (history_); pass a fitted skkeras "
            "estimator, a pipeline ending in one, or a fitted search with refit."
        )
    return history, name


class HistoryDisplay:
    """Learning curves (loss per epoch) of a Keras network.

    It is recommended to use :meth:`from_estimator` or :meth:`from_history`
    to create a display; both plot it at once, as scikit-learn's displays
    do. Call :meth:`plot` to draw it again, e.g. on other axes.

    Parameters
    ----------
    history : dict of str to list of float
        Per-epoch logs, as in a skkeras estimator's ``history_`` or a Keras
        ``History.history``: ``"loss"``, ``"val_loss"``, metrics.
    name : str, default=None
        Name of the model, for the title.

    Attributes
    ----------
    lines_ : dict of str to matplotlib.lines.Line2D
        The curve of each plotted log.
    best_epoch_ : int or None
        The epoch (from 1) of the lowest validation loss, when plotted.
    ax_ : matplotlib.axes.Axes
        The axes of the plot.
    figure_ : matplotlib.figure.Figure
        The figure of the plot.

    See Also
    --------
    plot_search_scores : Score against a searched parameter.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skkeras.reports import HistoryDisplay
    >>> history = {"loss": [0.9, 0.6, 0.5], "val_loss": [0.95, 0.7, 0.72]}
    >>> display = HistoryDisplay.from_history(history)
    >>> sorted(display.lines_), display.best_epoch_
    (['loss', 'val_loss'], 2)
    """

    def __init__(self, history, *, name=None):
        self.history = history
        self.name = name

    def _keys(self, keys):
        if keys is None:
            keys = [k for k in ("loss", "val_loss") if k in self.history]
            if not keys:
                keys = list(self.history)[:2]
        elif isinstance(keys, str):
            keys = [keys]
        missing = [k for k in keys if k not in self.history]
        if missing:
            raise ValueError(
                f"the history has no {', '.join(map(repr, missing))}; it has "
                f"{', '.join(map(repr, self.history))}."
            )
        return list(keys)

    def plot(self, ax=None, *, keys=None, logy=False):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a new figure.
        keys : str or list of str, default=None
            The logs to plot; None means ``"loss"`` and ``"val_loss"``
            (those present).
        logy : bool, default=False
            Use a logarithmic y axis.

        Returns
        -------
        display : HistoryDisplay
            The display, with ``lines_``, ``best_epoch_``, ``ax_`` and
            ``figure_`` set.
        """
        _check_matplotlib("HistoryDisplay")
        keys = self._keys(keys)
        ax = _get_ax(ax)
        self.lines_ = {}
        for key in keys:
            values = np.asarray(self.history[key], dtype=float)
            epochs = np.arange(1, len(values) + 1)
            style = "--" if key.startswith("val_") else "-"
            (self.lines_[key],) = ax.plot(epochs, values, style, label=key)
        self.best_epoch_ = None
        if "val_loss" in keys and len(self.history["val_loss"]):
            val = np.asarray(self.history["val_loss"], dtype=float)
            if np.isfinite(val).any():
                # Epochs count from 1, as Keras prints them: history index i is
                # epoch i + 1, and the mark, its dot and its label all say so.
                best = int(np.nanargmin(val))
                self.best_epoch_ = best + 1
                ax.axvline(self.best_epoch_, color="grey", linestyle=":")
                ax.plot(
                    self.best_epoch_,
                    val[best],
                    "o",
                    color=self.lines_["val_loss"].get_color(),
                    label=f"lowest val_loss {val[best]:.4g} (epoch {self.best_epoch_})",
                )
        if logy:
            ax.set_yscale("log")
        _epoch_axis(ax, max(len(self.history[k]) for k in keys), self.best_epoch_)
        ax.set_ylabel("loss" if all("loss" in k for k in keys) else "value")
        ax.set_title(f"Learning curves{f' of {self.name}' if self.name else ''}")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_history(cls, history, *, keys=None, ax=None, name=None, logy=False):
        """Create and plot a display from a history dict.

        Parameters
        ----------
        history : dict of str to list of float
            Per-epoch logs, e.g. ``estimator.history_`` or a Keras
            ``History.history``.
        keys : str or list of str, default=None
            The logs to plot; None means ``"loss"`` and ``"val_loss"``.
        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a new figure.
        name : str, default=None
            Name of the model, for the title.
        logy : bool, default=False
            Use a logarithmic y axis.

        Returns
        -------
        display : HistoryDisplay
            The plotted display.
        """
        if hasattr(history, "history") and not isinstance(history, dict):
            history = history.history  # a keras.callbacks.History
        if not isinstance(history, dict) or not history:
            raise ValueError("history must be a non-empty dict of per-epoch logs.")
        return cls(history, name=name).plot(ax=ax, keys=keys, logy=logy)

    @classmethod
    def from_estimator(cls, estimator, *, keys=None, ax=None, name=None, logy=False):
        """Create and plot a display from a fitted estimator.

        Parameters
        ----------
        estimator : estimator object
            A fitted skkeras estimator, a pipeline ending in one, a
            ``TransformedTargetRegressor`` around one, or a fitted search
            (its ``best_estimator_``).
        keys : str or list of str, default=None
            The logs to plot; None means ``"loss"`` and ``"val_loss"``
            (those present: ``val_loss`` needs ``early_stopping=True`` or
            validation data).
        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a new figure.
        name : str, default=None
            Name of the model, for the title; default the class name.
        logy : bool, default=False
            Use a logarithmic y axis.

        Returns
        -------
        display : HistoryDisplay
            The plotted display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from skkeras import MLPRegressor
        >>> from skkeras.reports import HistoryDisplay
        >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
        >>> reg = MLPRegressor((8,), max_iter=3, random_state=0).fit(X, X.ravel())
        >>> len(HistoryDisplay.from_estimator(reg).lines_["loss"].get_xdata())
        3
        """
        history, found_name = _find_history(estimator)
        return cls(history, name=name or found_name).plot(ax=ax, keys=keys, logy=logy)


def _epoch_axis(ax, n_epochs, mark=None):
    """An x axis of epochs 1 to ``n_epochs``: integer ticks, the first at 1.

    Keras counts epochs from 1, so the axis does too (no tick at 0). The
    epoch ``mark``, when given, is a tick itself, in place of the round
    ticks next to it: the best-epoch line then stands on its own number
    (199), not beside a round one (200) that reads like it.
    """
    from matplotlib.ticker import MaxNLocator

    n_epochs = max(int(n_epochs), 1)
    ticks = MaxNLocator(integer=True).tick_values(1, n_epochs)
    ticks = [int(t) for t in ticks if 1 <= t <= n_epochs]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    if not ticks or ticks[0] - 1 >= step / 2:
        ticks.insert(0, 1)
    if mark is not None:
        ticks = [t for t in ticks if abs(t - mark) >= step / 2] + [int(mark)]
    ax.set_xticks(sorted(ticks))
    pad = 0.02 * max(n_epochs - 1, 1)
    ax.set_xlim(1 - pad, n_epochs + pad)
    ax.set_xlabel("epoch")


def wide_range(*series):
    """Whether positive curves span more than a factor 20 (log scale reads better)."""
    values = np.concatenate(
        [np.asarray(v, dtype=float).ravel() for v in series] or [[]]
    )
    values = values[np.isfinite(values)]
    return values.size > 0 and values.min() > 0 and values.max() / values.min() > 20


def plot_fold_histories(histories, ax, *, key="loss"):
    """Overlay the ``key`` curve of several fits (one per fold) on ``ax``."""
    if wide_range(*[h.get(key, []) for h in histories]):
        ax.set_yscale("log")
    for i, history in enumerate(histories, start=1):
        values = np.asarray(history.get(key, []), dtype=float)
        ax.plot(
            np.arange(1, len(values) + 1), values, alpha=0.6, lw=1, label=f"fold {i}"
        )
    _epoch_axis(ax, max((len(h.get(key, [])) for h in histories), default=1))
    ax.set_ylabel(key)
    ax.set_title(f"Training {key} of each fold")
    if len(histories) <= 10:
        ax.legend(fontsize="small", ncol=2)
    return ax


# ----------------------------------------------------------------------
# Searches
# ----------------------------------------------------------------------
def _pick_metric(metrics, metric):
    if metric is None:
        return metrics[0]
    for m in metrics:
        if metric in (m.label, m.key):
            return m
    raise ValueError(
        f"unknown metric {metric!r}; the metrics are "
        f"{', '.join(repr(m.label) for m in metrics)}."
    )


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


def _values_of(search, name):
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
    _check_matplotlib("plot_search_scores")
    m = _pick_metric(search_metrics(search), metric)
    name, short = _resolve_param(search, param)
    values = _values_of(search, name)
    best = _best_by_value(search, name, m, values)
    means = np.asarray(search.cv_results_[f"mean_test_{m.key}"], dtype=float) * m.sign
    ax = _get_ax(ax)
    positions = np.arange(len(values))
    rng = np.random.default_rng(0)
    for pos, (_, _, idx) in zip(positions, best):
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


def _pick_two(search, metric):
    """The two most influential parameters with at least two values each."""
    names = [n for n in searched_params(search) if len(_values_of(search, n)) > 1]
    if len(names) < 2:
        raise ValueError(
            "a heatmap needs two searched parameters with at least two values "
            f"each; this search varies {len(names)}."
        )

    def spread(name):
        scores = [
            b[0] for b in _best_by_value(search, name, metric, _values_of(search, name))
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
    _check_matplotlib("plot_search_heatmap")
    m = _pick_metric(search_metrics(search), metric)
    if params is None:
        names = _pick_two(search, m)
    else:
        if len(params) != 2:
            raise ValueError(f"params must name two parameters; got {params!r}.")
        names = [_resolve_param(search, p)[0] for p in params]
    short = short_param_names(searched_params(search))
    rows, cols = (_values_of(search, n) for n in names)
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
    ax = _get_ax(ax)
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


# ----------------------------------------------------------------------
# Cross-validation
# ----------------------------------------------------------------------
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
    _check_matplotlib("plot_fold_scores")
    check_cv_results(cv_results)
    m = _pick_metric(cv_metrics(cv_results, scoring), metric)
    values = cv_frame(cv_results, scoring=scoring)[m.label].to_numpy()
    ax = _get_ax(ax)
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
