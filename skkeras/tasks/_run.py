"""Running recipes (used by the ``skkeras`` CLI).

* :func:`validation_history`: retrain a network with held-out data, to
  draw its ``loss`` and ``val_loss`` curves.
* :func:`import_keras_quietly`, :func:`quiet_workers`: start Keras in this
  process and in the joblib workers without TensorFlow's start-up lines.
"""

import contextlib
import logging
import math
import os
import re
import sys
import tempfile
import time

from joblib import effective_n_jobs, parallel_config
from sklearn.base import clone


def validation_history(estimator, X, y, *, fraction=0.2):
    """Retrain a network with ``fraction`` held out; return its history.

    Works for a skkeras MLP, or a pipeline ending in one, that was trained
    without held-out data: a clone is trained with ``early_stopping=True``
    and ``n_iter_no_change=inf`` (so all its epochs run), which records
    ``val_loss``. Returns ``(history, caption)``, or ``(None, None)`` when
    the model already has a ``val_loss`` curve or cannot hold data out.
    """
    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    has_val = "val_loss" in (getattr(final, "history_", None) or {})
    if has_val or "early_stopping" not in final.get_params():
        return None, None
    prefix = f"{estimator.steps[-1][0]}__" if hasattr(estimator, "steps") else ""
    model = clone(estimator).set_params(
        **{
            f"{prefix}early_stopping": True,
            f"{prefix}validation_fraction": fraction,
            f"{prefix}n_iter_no_change": math.inf,
        }
    )
    model.fit(X, y)
    history = (model.steps[-1][1] if hasattr(model, "steps") else model).history_
    caption = (
        f"Loss per epoch of the best candidate, retrained for this plot with "
        f"{fraction:.0%} of the data held out (val_loss) for all its epochs; the "
        "scores above come from cross-validation."
    )
    return history, caption


# ----------------------------------------------------------------------
# Quiet start-up
# ----------------------------------------------------------------------
_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|[IW]\d{4} \S+\s+\d+ \S+:\d+\] "
    r"|E\d{4} \S+\s+\d+ cuda_\w+\.cc:\d+\] failed call to cuInit"
    r"|To enable the following instructions:)"
)


@contextlib.contextmanager
def filtered_stderr():
    """Drop TensorFlow's start-up INFO lines written straight to fd 2.

    TensorFlow >= 2.19 logs them before honouring ``TF_CPP_MIN_LOG_LEVEL``;
    every other line is written back to stderr afterwards.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), fd)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)
            tmp.seek(0)
            lines = tmp.read().decode("utf-8", errors="replace").splitlines()
            kept = [line for line in lines if line.strip() and not _NOISE.match(line)]
            if kept:
                sys.stderr.write("\n".join(kept) + "\n")


_KERAS_READY = []


def import_keras_quietly():
    """Import Keras and start its backend once, without the start-up noise.

    Creating one tensor makes TensorFlow look for devices now, under the
    filter, rather than print "failed call to cuInit" during the first fit.
    It also starts the backend's thread pools, so they are sized first to
    the process's share of the cores (a worker's ``OMP_NUM_THREADS``).

    Returns
    -------
    seconds : float
        How long the start took; 0.0 when Keras was already started.
    """
    if _KERAS_READY:
        return 0.0
    start = time.perf_counter()
    with filtered_stderr():
        import keras

        from .._threads import limit_framework_threads

        limit_framework_threads()
        keras.ops.convert_to_tensor([0.0])
    _KERAS_READY.append(True)
    return time.perf_counter() - start


def _quiet_worker_start():
    """Run once in each worker process as it starts (loky's initializer)."""
    import_keras_quietly()
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


@contextlib.contextmanager
def quiet_workers(n_jobs):
    """Start Keras quietly in each joblib worker started inside the block.

    A worker would otherwise import TensorFlow while unpickling its first
    task, printing TensorFlow's start-up lines.  Every ``Parallel`` call in
    the block (scikit-learn's included) uses loky workers that run
    :func:`import_keras_quietly` as they start, and reuses them.  With one
    job, nothing changes.
    """
    if effective_n_jobs(n_jobs) <= 1:
        yield
        return
    with parallel_config(backend="loky", initializer=_quiet_worker_start):
        yield
