"""Keras callbacks that give the estimators scikit-learn's behaviour.

* :class:`Convergence`: scikit-learn's ``tol`` / ``n_iter_no_change`` rule,
  on the training loss or, with early stopping, on the validation score,
  with the "adaptive" learning rate (divide by 5 instead of stopping).
* :class:`InverseScaling`: ``learning_rate="invscaling"``.
* :class:`BestCheckpoint`: the ``checkpoint`` parameter: the estimator at
  its best epoch so far, saved atomically with :func:`skkeras.save`.
"""

import copy
import math
import os
import re
import tempfile

import keras
import numpy as np

from ._keras_objects import history_names


def _set_learning_rate(optimizer, value):
    optimizer.learning_rate.assign(float(value))


def _get_learning_rate(optimizer):
    return float(np.asarray(optimizer.learning_rate))


class Convergence(keras.callbacks.Callback):
    """Stop when the monitored quantity stops improving by ``tol``.

    Parameters
    ----------
    tol : float
        Minimum improvement that resets the count of epochs without one.
    n_iter_no_change : int or float
        Epochs without improvement tolerated; ``numpy.inf`` never stops.
    monitor_score : bool
        Watch ``val_score`` (higher is better) instead of ``loss``.
    restore_best : bool
        On stopping, restore the weights of the best epoch.
    adaptive : bool
        Divide the learning rate by 5 instead of stopping, while it is above
        1e-6 (scikit-learn's ``learning_rate="adaptive"``).
    """

    def __init__(
        self,
        tol,
        n_iter_no_change,
        *,
        monitor_score=False,
        restore_best=False,
        adaptive=False,
    ):
        super().__init__()
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.monitor_score = monitor_score
        self.restore_best = restore_best
        self.adaptive = adaptive

    @property
    def reads_model(self):
        """Whether the model is read between epochs (see skkeras._engine.batch)."""
        return bool(self.restore_best or self.adaptive)

    def loss_rule(self):
        """``(tol, n_iter_no_change, best_loss, no_improvement_count)`` when
        this callback acts on the training loss alone (a compiled loop may
        then run many epochs per call and stop where the rule might fire,
        see :func:`skkeras._engine.loop.stop_rule`), else None."""
        if self.monitor_score or self.restore_best or self.adaptive:
            return None
        return (
            float(self.tol),
            float(self.n_iter_no_change),
            float(getattr(self, "best_loss", math.inf)),  # before on_train_begin
            int(getattr(self, "no_improvement_count", 0)),
        )

    def on_train_begin(self, logs=None):
        self.no_improvement_count = 0
        self.best_loss = math.inf
        self.best_score = -math.inf
        self.best_weights = None
        self.converged = False

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor_score:
            score = float(logs.get("val_score", np.nan))
            if not score >= self.best_score + self.tol:
                self.no_improvement_count += 1
            else:
                self.no_improvement_count = 0
            if score > self.best_score:
                self.best_score = score
                if self.restore_best:
                    self.best_weights = self.model.get_weights()
        else:
            loss = float(logs.get("loss", np.nan))
            if not loss <= self.best_loss - self.tol:
                self.no_improvement_count += 1
            else:
                self.no_improvement_count = 0
            if loss < self.best_loss:
                self.best_loss = loss
        if self.no_improvement_count > self.n_iter_no_change:
            lr = _get_learning_rate(self.model.optimizer)
            # scikit-learn's SGDOptimizer.trigger_stopping: divide while the
            # rate is above 1e-6, stop once it is not.
            if self.adaptive and lr > 1e-6:
                _set_learning_rate(self.model.optimizer, lr / 5.0)
                self.no_improvement_count = 0
            else:
                self.converged = True
                self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class InverseScaling(keras.callbacks.Callback):
    """``lr = learning_rate_init / (t + 1) ** power_t``, t = samples seen."""

    def __init__(self, learning_rate_init, power_t, n_samples):
        super().__init__()
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.n_samples = n_samples

    def on_epoch_end(self, epoch, logs=None):
        # ``epoch`` counts from the first fit, so warm starts continue the decay.
        t = (epoch + 1) * self.n_samples
        rate = self.learning_rate_init / (t + 1) ** self.power_t
        _set_learning_rate(self.model.optimizer, rate)


def check_checkpoint(estimator, path):
    """Check, before training, that ``estimator`` can keep a checkpoint at ``path``.

    The folder must exist and be writable, ``path`` must name a file (not
    a directory, not empty), and the estimator's parameters must be ones
    :func:`skkeras.save` can store (checked by saving an unfitted twin to a
    temporary folder), so that a fit does not fail only after its first
    epoch.

    Parameters
    ----------
    estimator : skkeras estimator
        The estimator about to be fitted (read, never changed).
    path : str or path-like
        The ``checkpoint`` parameter.

    Returns
    -------
    path : str
        ``path`` as a string.

    Raises
    ------
    ValueError
        If no file can be written at ``path``.
    TypeError
        If ``path`` is not a path, or a parameter cannot be saved.
    """
    try:
        path = os.fsdecode(path)
    except TypeError:
        raise TypeError(
            "checkpoint must be a file path (a str or path-like object) or None; "
            f"got {type(path).__name__}."
        ) from None
    if not path:
        raise ValueError(
            "checkpoint is an empty path; give the file to write, e.g. "
            "'best.skkeras', or None for no checkpoint."
        )
    if os.path.isdir(path):
        raise ValueError(
            f"checkpoint={path!r} is a directory; give a file in it, e.g. "
            f"{os.path.join(path, 'best.skkeras')!r}."
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(
            f"The folder {folder!r} of checkpoint={path!r} does not exist; "
            "create it first (os.makedirs) or choose a file in an existing folder."
        )
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ValueError(
            f"checkpoint={path!r} cannot be written: creating a file in {folder!r} "
            f"failed ({exc.strerror or exc}); choose a folder you can write to."
        ) from exc
    from ._saving import save

    twin = type(estimator)(**estimator.get_params(deep=False))
    with tempfile.TemporaryDirectory() as scratch:
        try:
            save(twin, os.path.join(scratch, "check.skkeras"))
        except TypeError as exc:
            raise _unsavable(path, exc) from exc
    return path


def _unsavable(path, exc):
    return TypeError(
        f"checkpoint={path!r} cannot be kept: skkeras.save cannot store this "
        f"estimator. {exc} Use parameters skkeras.save can store, or "
        "checkpoint=None."
    )


def _temp_files(path):
    """Temporary files that a save to ``path`` leaves if it is killed.

    :func:`skkeras._saving_write._write_atomically` writes to
    ``.{basename}.{12 hex digits}.tmp`` in the same folder, then renames.
    """
    folder, name = os.path.split(os.path.abspath(path))
    pattern = re.compile(r"\." + re.escape(name) + r"\.[0-9a-f]{12}\.tmp")
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    return [os.path.join(folder, e) for e in entries if pattern.fullmatch(e)]


class BestCheckpoint(keras.callbacks.Callback):
    """Save the estimator whenever its monitored loss reaches a new best.

    The monitored loss is ``val_loss`` when there is validation data, else
    ``loss``.  The file is an :func:`skkeras.save` file of the estimator as it
    stood after that epoch (weights, optimizer state, ``history_``,
    ``n_iter_``), written to a temporary file and renamed, so an interrupted
    run never leaves a damaged checkpoint.  ``skkeras.load(path)`` gives it
    back; with ``warm_start=True`` its ``fit`` resumes training.  The first
    checkpoint written also removes the temporary files of ``path`` that
    were there when training began (left by a run that was killed while
    saving).

    Parameters
    ----------
    estimator : skkeras estimator
        The estimator being fitted (read, never changed).
    path : str or path-like
        Where to write (see :func:`check_checkpoint`).
    """

    def __init__(self, estimator, path):
        super().__init__()
        self.estimator = estimator
        self.path = path
        self.best = math.inf
        self.saved_epoch = None

    def on_train_begin(self, logs=None):
        self._epochs = {}
        # Only files there before this run: a save in progress elsewhere
        # started since then keeps its own.
        self._stale = _temp_files(self.path)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        for key, value in logs.items():
            self._epochs.setdefault(key, []).append(float(value))
        key = "val_loss" if "val_loss" in logs else "loss"
        value = float(logs.get(key, math.nan))
        if not value < self.best:  # also skips NaN
            return
        self.best = value
        self._save()
        self.saved_epoch = epoch

    def _save(self):
        from ._saving import save

        snapshot = copy.copy(self.estimator)  # shares model_: its current weights
        # By the names the estimator records them under (its history_'s).
        names = history_names(self._epochs)
        snapshot.history_ = {
            names[key]: list(self.estimator.history_.get(names[key], [])) + values
            for key, values in self._epochs.items()
        }
        snapshot._count_epochs(len(next(iter(self._epochs.values()), [])))
        snapshot._derive_fitted()
        try:
            save(snapshot, self.path)
        except TypeError as exc:
            raise _unsavable(self.path, exc) from exc
        for stale in getattr(self, "_stale", ()):
            try:
                os.remove(stale)
            except OSError:
                pass
        self._stale = []
