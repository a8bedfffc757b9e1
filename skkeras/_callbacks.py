"""Keras callbacks that give the MLP estimators scikit-learn's behaviour.

* :class:`Convergence`: scikit-learn's ``tol`` / ``n_iter_no_change`` rule,
  on the training loss or, with early stopping, on the validation score,
  with the "adaptive" learning rate (divide by 5 instead of stopping).
* :class:`InverseScaling`: ``learning_rate="invscaling"``.
"""

import math

import keras
import numpy as np


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
        Divide the learning rate by 5 instead of stopping, until it falls
        below 1e-6 (scikit-learn's ``learning_rate="adaptive"``).
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
            if self.adaptive and lr / 5.0 >= 1e-6:
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
