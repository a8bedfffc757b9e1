"""The types that travel between the modules of the compiled engine."""

from collections.abc import Hashable
from typing import NamedTuple


class Unsupported(Exception):
    """Raised when the engine cannot reproduce ``fit`` for a model."""


class Interrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that reached a runner after its compiled call had
    trained: the model holds the weights of the epochs in ``rows`` (with
    ``stopped_batch`` as ``runner.run`` returns them), which :func:`drive`
    records before passing the interrupt on."""

    def __init__(self, rows, stopped_batch):
        super().__init__()
        self.rows = rows
        self.stopped_batch = stopped_batch


class CacheKey(NamedTuple):
    """Where :func:`skkeras._engine.cache.lookup` keeps an entry."""

    shared: Hashable | None  # the structure key, or None: not shareable
    local: Hashable  # the model's own identity (cache.model_identity)
    settings: Hashable  # what the function is specialised for


class CacheInfo(NamedTuple):
    """How many compiled entries :mod:`skkeras._engine.cache` keeps."""

    shared: int  # shared by architecture
    per_model: int  # kept for one model each
