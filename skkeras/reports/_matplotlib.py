"""matplotlib, an optional dependency: whether it is there, and new axes.

matplotlib (``pip install 'skkeras[plot]'``) is imported only when
something is drawn; a missing matplotlib raises an :class:`ImportError`
that says how to install it.
"""

__all__ = ["PLOT_EXTRA_HINT", "check_matplotlib", "get_ax", "has_matplotlib"]

PLOT_EXTRA_HINT = "install it with: pip install 'skkeras[plot]'"


def has_matplotlib():
    """Return whether matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def check_matplotlib(what):
    """Raise an ImportError naming ``what`` and the extra when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{what} needs matplotlib; {PLOT_EXTRA_HINT}") from exc


def get_ax(ax):
    """Return ``ax``, or the axes of a new pyplot figure when it is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        # constrained: room for legends outside the axes and colorbars
        _, ax = plt.subplots(layout="constrained")
    return ax
