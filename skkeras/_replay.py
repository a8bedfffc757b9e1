"""Fits trained ahead of time, handed to the estimator whose ``fit`` asks for them.

:mod:`skkeras.model_selection` trains the fits of a search in vectorized
groups first and then lets scikit-learn's own search code run as usual, so
that scoring, ``cv_results_``, ``error_score`` and refitting are exactly
scikit-learn's.  When that code calls ``fit`` on a fresh clone, the clone
finds its fit here, keyed by a fingerprint of its parameters and of the
data it was given, and takes over the trained state instead of training
again.  A fit whose fingerprint is not found (different data, a parameter
that cannot be fingerprinted) trains normally, so a miss costs time, never
correctness.

A :class:`Store` is a :class:`skkeras._trained_ahead.TrainedAhead` source:
the search installs it with :func:`skkeras._trained_ahead.serving` around
scikit-learn's search, and only the fits of that context consult it.
"""

import joblib
import keras


def token(value):
    """A picklable, repeatable stand-in for one parameter value."""
    if isinstance(value, (keras.Model, keras.layers.Layer, keras.optimizers.Optimizer)):
        return (type(value).__name__, keras.saving.serialize_keras_object(value))
    if isinstance(
        value, (keras.losses.Loss, keras.metrics.Metric, keras.callbacks.Callback)
    ):
        return (type(value).__name__, repr(sorted(vars(value).items(), key=str)))
    if isinstance(value, dict):
        return {k: token(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(token(v) for v in value)
    return value


def fingerprint(estimator, X, y, sample_weight, fit_params):
    """A key for "this estimator, with these parameters, fitted on this data".

    Returns None when something cannot be fingerprinted.
    """
    try:
        params = {k: token(v) for k, v in estimator.get_params(deep=False).items()}
        return joblib.hash(
            (type(estimator).__qualname__, params, X, y, sample_weight, fit_params)
        )
    except Exception:  # noqa: BLE001 - unhashable: train as usual
        return None


class Store:
    """Fitted estimators by fingerprint, each handed out once."""

    def __init__(self):
        self._fits = {}
        self.taken = []

    def put(self, key, fitted, info):
        self._fits.setdefault(key, []).append((fitted, info))

    def pop(self, key):
        entries = self._fits.get(key)
        if not entries:
            return None
        fitted, info = entries.pop(0)
        self.taken.append(info)
        return fitted

    def take(self, estimator, X, y, sample_weight, fit_params):
        """The fitted twin of ``estimator`` for this data, or None."""
        key = fingerprint(estimator, X, y, sample_weight, fit_params)
        return None if key is None else self.pop(key)

    def __len__(self):
        return sum(len(v) for v in self._fits.values())
