"""Running recipes with progress reports (used by the ``skkeras`` CLI).

* :func:`cross_validate_with_progress`: ``cross_validate`` that calls back
  after each fold (folds finish in any order when run in parallel).
* :func:`validation_history`: retrain a network with held-out data, to
  draw its ``loss`` and ``val_loss`` curves.
* :func:`import_keras_quietly`, :func:`warm_workers`: start Keras in this
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

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.utils.parallel import Parallel, delayed


def _rows(data, index):
    return data.iloc[index] if hasattr(data, "iloc") else data[index]


def _fit_fold(estimator, X, y, train, test, scorer, fold):
    """Fit on one fold and score it (runs in a worker process)."""
    start = time.perf_counter()
    estimator.fit(_rows(X, train), _rows(y, train))
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    scores = scorer(estimator, _rows(X, test), _rows(y, test))
    score_time = time.perf_counter() - start
    return fold, scores, fit_time, score_time, estimator


def cross_validate_with_progress(
    estimator, X, y, *, cv, scoring, n_jobs=None, callback=None
):
    """``cross_validate(..., return_estimator=True)`` reporting each fold.

    ``scoring`` is a dict of metric name to scorer; ``callback(n_done)`` is
    called in the calling process each time a fold finishes. Returns the
    dict ``cross_validate`` returns: ``test_<metric>``, ``fit_time``,
    ``score_time`` and ``estimator``, in fold order.
    """
    scorer = check_scoring(estimator, scoring=dict(scoring))
    splits = list(cv.split(X, y))
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    jobs = (
        delayed(_fit_fold)(clone(estimator), X, y, train, test, scorer, i)
        for i, (train, test) in enumerate(splits)
    )
    outputs = [None] * len(splits)
    for done, output in enumerate(parallel(jobs), start=1):
        outputs[output[0]] = output
        if callback is not None:
            callback(done)
    result = {
        "fit_time": np.array([o[2] for o in outputs]),
        "score_time": np.array([o[3] for o in outputs]),
        "estimator": [o[4] for o in outputs],
    }
    for name in scoring:
        result[f"test_{name}"] = np.array([o[1][name] for o in outputs], dtype=float)
    return result


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
    """
    if _KERAS_READY:
        return
    with filtered_stderr():
        import keras

        from .._threads import limit_framework_threads

        limit_framework_threads()
        keras.ops.convert_to_tensor([0.0])
    _KERAS_READY.append(True)


def _quiet_worker_start():
    """Run in a worker process: import Keras quietly before any task needs it."""
    import_keras_quietly()
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    time.sleep(0.2)  # so that each worker takes one of these tasks
    return os.getpid()


def warm_workers(n_jobs):
    """Start the worker processes of ``n_jobs`` and import Keras in each.

    A worker would otherwise import TensorFlow while unpickling its first
    task, printing TensorFlow's start-up lines. The workers are reused by
    the ``Parallel`` calls that follow (joblib keeps its loky executor).
    """
    n = effective_n_jobs(n_jobs)
    if n > 1:
        Parallel(n_jobs=n_jobs)(delayed(_quiet_worker_start)() for _ in range(n))
