"""Compiled functions kept for reuse: one lookup, one sharing policy.

Both backends keep their compiled training loops and prediction functions
here, under a :class:`~skkeras._engine.types.CacheKey`.

Policy
------
A model with a :func:`~skkeras._engine.structure.structure_key` looks its
function up under that key, shared by every model of the same architecture
(an LRU of :data:`SHARED_SIZE` entries).  On a miss the function is built
for the model (``build(model, shared=True)``); the entry is shared unless
it says otherwise (``entry.shareable`` False: a TensorFlow trace that
captured more than its arguments), in which case it is kept for that model
alone.  A model without a structure key gets functions of its own
(``build(model, shared=False)``), kept as long as the model lives, under
the identity of everything a trace bakes in (:func:`model_identity`).  A
build that fails is remembered (:class:`Failed`) where its entry would
have been, so the next call goes to Keras at once.
"""

import collections
import threading
import weakref

from .models import state_groups
from .types import CacheInfo, Unsupported

# Entries shared by architecture, kept at most.
SHARED_SIZE = 16

# Held while an entry is looked up or built, or changed (a retrace).
LOCK = threading.RLock()


class FunctionCache:
    """A small thread-safe LRU map from keys to compiled-function entries."""

    def __init__(self, maxsize=32):
        self.maxsize = maxsize
        self._data = collections.OrderedDict()
        self._lock = threading.RLock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self):
        with self._lock:
            self._data.clear()

    def __len__(self):
        with self._lock:
            return len(self._data)


class Failed:
    """Cache marker for a key whose tracing failed (go to Keras at once)."""

    def __init__(self, reason):
        self.reason = reason


def build_or_fail(build, model, shared):
    """``build(model, shared)``, or a :class:`Failed` that says why not."""
    try:
        return build(model, shared)
    except Exception as exc:  # noqa: BLE001 - remembered, then Keras is used
        return Failed(f"the compiled engine could not trace this model: {exc!r}")


def model_ref(model, strong):
    """A callable returning ``model``: a strong reference, or a weak one."""
    if strong:
        return lambda: model
    return weakref.ref(model)


_SHARED = FunctionCache(maxsize=SHARED_SIZE)
_PER_MODEL = weakref.WeakKeyDictionary()


def model_identity(model):
    """Identity of everything a trace for ``model`` alone bakes in: its
    optimizer, metrics, state variables and loss."""
    return (
        id(model.optimizer),
        tuple(id(m) for m in model.metrics),
        tuple(id(v) for g in state_groups(model) for v in g),
        repr(getattr(model, "loss", None)),
    )


def lookup(model, key, build):
    """The entry for ``model`` under ``key``, found or built (see the
    module's policy); raises :class:`~skkeras._engine.types.Unsupported`
    when building it failed, now or before.

    ``build(model, shared)`` builds the entry for ``model``; ``shared``
    says whether other models will run it.
    """
    with LOCK:
        entry = None
        if key.shared is not None:
            entry = _SHARED.get((key.shared, key.spec))
        if entry is None:
            per_model = _PER_MODEL.setdefault(model, {})
            entry = per_model.get((key.local, key.spec))
            if entry is None:
                entry = build_or_fail(build, model, key.shared is not None)
                if key.shared is not None and (
                    isinstance(entry, Failed) or entry.shareable
                ):
                    _SHARED.put((key.shared, key.spec), entry)
                else:
                    per_model[(key.local, key.spec)] = entry
    if isinstance(entry, Failed):
        raise Unsupported(entry.reason)
    return entry


def model_entries(model):
    """The entries kept for ``model`` alone."""
    with LOCK:
        return list(_PER_MODEL.get(model, {}).values())


def cache_info():
    """How many entries are kept: a :class:`~skkeras._engine.types.CacheInfo`."""
    with LOCK:
        return CacheInfo(
            shared=len(_SHARED),
            per_model=sum(len(d) for d in list(_PER_MODEL.values())),
        )


def clear_caches():
    """Forget every kept entry (the next calls trace and compile again)."""
    with LOCK:
        _SHARED.clear()
        _PER_MODEL.clear()
