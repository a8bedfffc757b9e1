"""Framework threads in parallel workers: one budget, no oversubscription.

joblib's process backend (loky) and Dask's workers tell the processes they
start how many threads each may use, through ``OMP_NUM_THREADS`` (loky:
the cores divided by ``n_jobs``; Dask: 1 by default).  NumPy's BLAS reads
it, but TensorFlow and PyTorch size their own thread pools to every core,
so ``GridSearchCV(n_jobs=-1)`` would run ``n_jobs`` times as many busy
threads as there are cores.  :func:`limit_framework_threads`, called before
the first fit or prediction of a process, sizes the framework's pools to
that budget.  Without ``OMP_NUM_THREADS`` (a normal, single process), or
once the framework has started its pools, nothing changes.

JAX reads its thread settings from ``XLA_FLAGS`` when it starts, so on the
JAX backend set ``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false`` in the
environment of the workers; the threading backend needs nothing, since
threads share one pool.
"""

import os
import threading

import keras

_LOCK = threading.Lock()
_DONE = False


def thread_budget():
    """Threads this process may use, as a parallel backend set them, or None."""
    try:
        value = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    return value if value >= 1 else None


def limit_framework_threads():
    """Size TensorFlow's or PyTorch's thread pools to :func:`thread_budget`.

    Runs once per process; returns the budget applied, or None.
    """
    global _DONE
    if _DONE:
        return None
    with _LOCK:
        if _DONE:
            return None
        _DONE = True
        budget = thread_budget()
        if budget is None:
            return None
        backend = keras.backend.backend()
        if backend == "tensorflow":
            import tensorflow as tf

            try:
                tf.config.threading.set_intra_op_parallelism_threads(budget)
                tf.config.threading.set_inter_op_parallelism_threads(budget)
            except RuntimeError:  # the runtime already started: leave it
                return None
        elif backend == "torch":
            import torch

            torch.set_num_threads(budget)
        else:
            return None
        return budget
