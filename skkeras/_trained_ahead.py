"""Where ``fit`` looks for a fit trained ahead of time.

:meth:`BaseKerasEstimator.fit <skkeras._base.BaseKerasEstimator.fit>` asks
:func:`current` for the source of such fits installed in its context and,
when there is one, offers it the call (:class:`TrainedAhead`).  Model
selection (:mod:`skkeras._search`) installs its store with :func:`serving`
around scikit-learn's search, so the estimator core depends on this module
only, never on model selection.

The source lives in a :class:`contextvars.ContextVar`: it is seen by the
fits of the thread (or asyncio task) that installed it, while its block
runs, and by no other; a fit outside any :func:`serving` block consults
none.
"""

import contextlib
from contextvars import ContextVar
from typing import Protocol


class TrainedAhead(Protocol):
    """A source of fits trained ahead of time."""

    def take(self, estimator, X, y, sample_weight, fit_params):
        """The fitted twin of ``estimator`` for ``estimator.fit(X, y,
        sample_weight, **fit_params)``, handed out once, or None."""


_SOURCE = ContextVar("skkeras_trained_ahead", default=None)


def current():
    """The :class:`TrainedAhead` source installed in this context, or None."""
    return _SOURCE.get()


@contextlib.contextmanager
def serving(source):
    """Install ``source`` for the fits of this context inside the block."""
    token = _SOURCE.set(source)
    try:
        yield source
    finally:
        _SOURCE.reset(token)
