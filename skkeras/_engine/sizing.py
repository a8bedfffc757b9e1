"""How the compiled loops size and type their arrays.

Arrays are padded to sizes from a geometric ladder (:func:`bucket`), so
that XLA compiles once per size bucket rather than once per dataset size,
and cast as Keras' array adapter casts them (:func:`cast_dtype`).
"""

import math

import keras
import numpy as np

from .types import LoopArrays, LoopSpec


def loop_inputs(x, y, sw, val, *, batch_size, val_batch_size, shuffle):
    """``(spec, arrays)``: the :class:`~skkeras._engine.types.LoopSpec` a
    compiled loop for this call is specialised for, and its
    :class:`~skkeras._engine.types.LoopArrays` (``val`` is None or
    ``(x_val, y_val, sw_val)``)."""
    arrays = LoopArrays(x, y, sw, *(val if val is not None else (None,) * 3))
    shapes = tuple(
        None if a is None else (tuple(a.shape[1:]), str(cast_dtype(a))) for a in arrays
    )
    spec = LoopSpec(
        batch_size=int(batch_size),
        val_batch_size=int(val_batch_size),
        shuffle=bool(shuffle),
        has_weights=sw is not None,
        has_validation=val is not None,
        has_val_weights=arrays.sw_val is not None,
        shapes=shapes,
    )
    return spec, arrays


def bucket(n):
    """Round ``n`` up to a size from a geometric ladder (<= 12.5% larger).

    Arrays are padded to these sizes so that XLA compiles once per size
    bucket rather than once per dataset size.
    """
    step = max(1, 1 << max(0, int(n).bit_length() - 4))
    return -(-int(n) // step) * step


def rows_for(n, batch_size):
    """Rows to pad ``n`` samples to: a bucket of at least one full batch.

    A compiled slice of ``batch_size`` rows must fit the padded array even
    when fewer rows are real (the loop over full batches then runs zero
    times, but XLA checks the shapes of its body).
    """
    return bucket(max(int(n), int(batch_size)))


def pad(a, size):
    """``a`` with zero rows appended up to ``size`` rows."""
    if a is None or len(a) == size:
        return a
    filler = np.zeros((size - len(a),) + a.shape[1:], a.dtype)
    return np.concatenate([a, filler])


def num_steps(n, batch_size):
    return int(math.ceil(n / batch_size))


def cast_dtype(a):
    """The dtype Keras' array adapter gives ``a``: floats become floatx."""
    if a.dtype.kind == "f":
        return np.dtype(keras.config.floatx())
    return a.dtype


# Bytes of input per prediction batch when predict() gets batch_size=None.
_PREDICT_CHUNK_BYTES = 1 << 20


def predict_batch_size(x, batch_size):
    """``batch_size``, or one that keeps a batch of ``x`` near 1 MiB."""
    if batch_size is not None:
        return int(batch_size)
    row_bytes = max(1, int(np.prod(x.shape[1:], dtype=np.int64)) * x.dtype.itemsize)
    return max(32, _PREDICT_CHUNK_BYTES // row_bytes)
