"""Seeded randomness for one fit, without leaking global state.

Keras 3 draws the seeds of unseeded layers (initializers, dropout) from
Python's :mod:`random`, and the TensorFlow backend's data pipeline draws its
shuffling from TensorFlow's global seed.  A seeded fit therefore has to set
those global generators for a moment.  :func:`seeded` does so under a lock and
restores the previous Python, NumPy and TensorFlow states afterwards, so that a
seeded fit never makes later unseeded fits repeat themselves, nor takes away a
global seed the user set.
"""

import contextlib
import random
import threading

import numpy as np

from ._keras_compat import restore_tf_seed, tf_seed_state

_LOCK = threading.RLock()
MAX_SEED = 2**31 - 1


def resolve_seed(random_state):
    """Return an int seed, or None, from a ``random_state`` parameter.

    An int passes through; a :class:`numpy.random.RandomState` or
    :class:`numpy.random.Generator` gives a fresh draw (so that repeated fits
    differ, as scikit-learn documents for RandomState instances); None stays
    None, meaning "not seeded".
    """
    if random_state is None:
        return None
    if isinstance(random_state, (int, np.integer)) and not isinstance(
        random_state, bool
    ):
        return int(random_state) % (MAX_SEED + 1)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, MAX_SEED))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, MAX_SEED))
    raise ValueError(
        "random_state must be None, an int, a numpy RandomState or a numpy "
        f"Generator; got {random_state!r}."
    )


def _tf_module():
    try:
        import tensorflow as tf
    except ImportError:  # pragma: no cover - JAX/torch-only installs
        return None
    return tf


def _torch_module():
    import keras

    if keras.backend.backend() != "torch":
        return None
    import torch

    return torch


@contextlib.contextmanager
def seeded(seed, *, tensorflow=True):
    """Seed Python, NumPy and the backend for the duration of the block.

    With ``seed=None`` the block runs unseeded and nothing global is touched.
    Otherwise the block holds a process-wide lock, so that two seeded fits in
    threads cannot interleave their draws; Python's and NumPy's generator
    states, and TensorFlow's global seed (None if the user set none, so that
    unseeded work after the block is random again) are restored on exit.

    ``tensorflow=False`` leaves TensorFlow's global seed alone: building a
    Keras model draws its seeds from Python's generator only, and
    ``tf.random.set_seed`` clears TensorFlow's function caches, which costs
    ~0.3 s of re-instantiation on the next compiled call.  Only
    ``Model.fit``'s shuffling (``tf.data``) reads the TensorFlow seed.
    """
    if seed is None:
        yield
        return
    with _LOCK:
        py_state = random.getstate()
        np_state = np.random.get_state()
        tf = _tf_module() if tensorflow else None
        tf_state = tf_seed_state(tf) if tf is not None else None
        torch = _torch_module()
        torch_state = torch.random.get_rng_state() if torch is not None else None
        random.seed(seed)
        np.random.seed(seed)
        if tf is not None:
            tf.random.set_seed(seed)
        if torch is not None:
            torch.manual_seed(seed)
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
            if tf is not None:
                restore_tf_seed(tf, tf_state)
            if torch is not None:
                torch.random.set_rng_state(torch_state)
