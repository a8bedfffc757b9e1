"""Learning-rate schedules by epoch, as the Keras tutorials teach them.

Each schedule is a small scikit-learn-style object with
``get_params``/``set_params``, so that ``GridSearchCV`` can search
``lr_schedule__drop`` and ``clone`` copies it; :class:`ScheduleCallback`
runs it during training at epoch granularity (which the compiled engine
supports).
The estimators take one through their ``lr_schedule`` parameter, by object
or by name (:data:`SCHEDULES`), and record the learning rate of every epoch
in ``history_["learning_rate"]``.
"""

import copy
import difflib
import math

import keras
import numpy as np
from sklearn.base import BaseEstimator


def _get_lr(optimizer):
    return float(np.asarray(optimizer.learning_rate))


def _set_lr(optimizer, value):
    variable = optimizer.learning_rate
    if not hasattr(variable, "assign"):
        raise ValueError(
            "lr_schedule needs an optimizer with a plain learning rate, but this "
            "optimizer's learning rate is a keras.optimizers.schedules object; "
            "use one or the other."
        )
    variable.assign(float(value))


class EpochSchedule(BaseEstimator):
    """Base class of the schedules: the learning rate as a function of epoch.

    Subclasses implement ``rate(epoch, initial_learning_rate, epochs)``: the
    rate for ``epoch`` (counted from 0 over every training call of an
    estimator), given the rate the estimator started with and the number of
    epochs of a fit.  Schedules hold parameters only; the estimators run
    them through a Keras callback made by :func:`make_schedule`.
    """

    def rate(self, epoch, initial_learning_rate, epochs):  # pragma: no cover
        raise NotImplementedError


class TimeBasedDecay(EpochSchedule):
    """Time-based decay: ``lr = lr0 / (1 + decay * epoch)``.

    Parameters
    ----------
    decay : float or None, default=None
        Decay per epoch; None means ``lr0 / epochs``, the tutorials' rule.

    Examples
    --------
    >>> from skkeras import TimeBasedDecay
    >>> TimeBasedDecay(decay=0.1).rate(10, 0.1, 50)
    0.05
    """

    def __init__(self, decay=None):
        self.decay = decay

    def rate(self, epoch, initial_learning_rate, epochs):
        decay = (
            initial_learning_rate / max(epochs, 1) if self.decay is None else self.decay
        )
        return initial_learning_rate / (1.0 + decay * epoch)


class StepDecay(EpochSchedule):
    """Step decay: multiply the rate by ``drop`` every ``epochs_drop`` epochs.

    ``lr = lr0 * drop ** floor(epoch / epochs_drop)``.

    Parameters
    ----------
    drop : float, default=0.5
        Factor applied at each step.
    epochs_drop : int, default=10
        Epochs between steps.

    Examples
    --------
    >>> from skkeras import StepDecay
    >>> StepDecay(drop=0.5, epochs_drop=10).rate(25, 0.1, 50)
    0.025
    """

    def __init__(self, drop=0.5, epochs_drop=10):
        self.drop = drop
        self.epochs_drop = epochs_drop

    def rate(self, epoch, initial_learning_rate, epochs):
        if self.epochs_drop < 1:
            raise ValueError(f"epochs_drop must be >= 1; got {self.epochs_drop!r}.")
        return initial_learning_rate * self.drop ** math.floor(epoch / self.epochs_drop)


class ExponentialDecay(EpochSchedule):
    """Exponential decay: ``lr = lr0 * exp(-k * epoch)``.

    Parameters
    ----------
    k : float, default=0.1
        Decay constant per epoch.

    Examples
    --------
    >>> from skkeras import ExponentialDecay
    >>> round(ExponentialDecay(k=0.1).rate(10, 0.1, 50), 6)
    0.036788
    """

    def __init__(self, k=0.1):
        self.k = k

    def rate(self, epoch, initial_learning_rate, epochs):
        return initial_learning_rate * math.exp(-self.k * epoch)


class PlateauDecay(EpochSchedule):
    """Multiply the rate by ``factor`` when ``monitor`` stops improving.

    Parameters
    ----------
    monitor : str or None, default=None
        Log to watch; None means ``val_loss`` when there is validation data,
        else ``loss``.
    factor : float, default=0.1
        Factor applied on a plateau.
    patience : int, default=10
        Epochs without improvement before reducing.
    min_delta : float, default=1e-4
        Smallest decrease of the monitored loss that counts.
    min_lr : float, default=0.0
        The rate never goes below this.

    Examples
    --------
    >>> from skkeras import MLPClassifier
    >>> from skkeras import PlateauDecay
    >>> clf = MLPClassifier(lr_schedule=PlateauDecay(patience=3))
    """

    def __init__(
        self, monitor=None, factor=0.1, patience=10, min_delta=1e-4, min_lr=0.0
    ):
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.min_delta = min_delta
        self.min_lr = min_lr

    def rate(self, epoch, initial_learning_rate, epochs):
        return None  # decided from the logs, by ScheduleCallback


SCHEDULES = {
    "time_based": TimeBasedDecay,
    "step": StepDecay,
    "exponential": ExponentialDecay,
    "plateau": PlateauDecay,
}


def make_schedule(spec, initial_learning_rate, epochs):
    """Return a fresh, bound schedule callback from ``lr_schedule``, or None.

    ``spec`` is None, a name of :data:`SCHEDULES` (default parameters), or an
    :class:`EpochSchedule` instance (copied, never changed).
    """
    if spec is None:
        return None
    if isinstance(spec, str):
        cls = SCHEDULES.get(spec)
        if cls is None:
            close = difflib.get_close_matches(spec, list(SCHEDULES), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Unknown lr_schedule {spec!r}.{hint} Use one of "
                f"{sorted(SCHEDULES)} or a skkeras.schedules object."
            )
        schedule = cls()
    elif isinstance(spec, EpochSchedule):
        schedule = copy.deepcopy(spec)
    else:
        raise TypeError(
            f"lr_schedule must be None, one of {sorted(SCHEDULES)} or a "
            f"skkeras.schedules object (TimeBasedDecay, StepDecay, ...); got "
            f"{type(spec).__name__}. For a keras LearningRateScheduler callback, "
            "pass it in `callbacks`."
        )
    return ScheduleCallback(schedule, initial_learning_rate, epochs)


class ScheduleCallback(keras.callbacks.Callback):
    """Runs a schedule in training: sets the rate, logs ``learning_rate``.

    Parameters
    ----------
    schedule : EpochSchedule
        The schedule (owned by this callback).
    initial_learning_rate : float
        The rate the estimator started with.
    epochs : int
        The number of epochs of a fit.
    """

    def __init__(self, schedule, initial_learning_rate, epochs):
        super().__init__()
        self.schedule = schedule
        self.initial_learning_rate = float(initial_learning_rate)
        self.epochs = int(epochs)
        self._best = math.inf
        self._wait = 0

    def on_epoch_begin(self, epoch, logs=None):
        value = self.schedule.rate(epoch, self.initial_learning_rate, self.epochs)
        if value is None:
            return
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                f"{type(self.schedule).__name__} gave the learning rate {value!r} "
                f"for epoch {epoch}; a learning rate must be a finite number >= 0."
            )
        _set_lr(self.model.optimizer, value)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = _get_lr(self.model.optimizer)
        if isinstance(self.schedule, PlateauDecay):
            self._plateau(logs)

    def _plateau(self, logs):
        schedule = self.schedule
        key = schedule.monitor or ("val_loss" if "val_loss" in logs else "loss")
        if key not in logs:
            raise ValueError(
                f"PlateauDecay monitors {key!r}, which is not among the logs "
                f"{sorted(k for k in logs if k != 'learning_rate')}."
            )
        value = float(logs[key])
        if value < self._best - schedule.min_delta:
            self._best = value
            self._wait = 0
            return
        self._wait += 1
        if self._wait >= schedule.patience:
            lr = _get_lr(self.model.optimizer)
            _set_lr(self.model.optimizer, max(lr * schedule.factor, schedule.min_lr))
            self._wait = 0
