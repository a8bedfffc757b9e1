"""Learning curves: :class:`HistoryDisplay` and the per-fold curves of reports."""

import numpy as np

from ._matplotlib import check_matplotlib, get_ax

__all__ = ["HistoryDisplay", "find_history", "plot_fold_histories", "wide_range"]


def find_history(estimator):
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
        check_matplotlib("HistoryDisplay")
        keys = self._keys(keys)
        ax = get_ax(ax)
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
        history, found_name = find_history(estimator)
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
