"""skkeras: Keras 3 networks as scikit-learn estimators.

Five estimators, each a drop-in scikit-learn estimator:

* :class:`MLPClassifier`, :class:`MLPRegressor`: ready-made dense networks
  with scikit-learn's MLP parameter names plus Keras extras.
* :class:`KerasClassifier`, :class:`KerasRegressor`: any Keras model, with
  scikeras' constructor arguments and routed parameters, and those of
  ``keras.wrappers`` (``model_kwargs``, ``fit_kwargs``).
* :class:`KerasTransformer`: a Keras model trained on ``(X, y)`` whose output
  is the transform (``keras.wrappers.SKLearnTransformer``'s counterpart).

Learning-rate schedules for their ``lr_schedule`` parameter:
:class:`TimeBasedDecay`, :class:`StepDecay`, :class:`ExponentialDecay`,
:class:`PlateauDecay`.

Saving and loading without pickle: :func:`save` writes an estimator, fitted
or not, to one file (JSON and Keras' ``.keras`` format in a zip archive) and
:func:`load` reads it back without executing code from the file.

The estimators are imported on first use, so that ``import skkeras`` (and
the ``skkeras`` command line) does not start Keras and its backend until a
network is needed.

Importing skkeras first settles Keras' backend for the process (see
:mod:`skkeras._backend_choice`): without TensorFlow installed and no
``KERAS_BACKEND`` set, it selects JAX; a backend the user set is kept.
"""

import importlib

from . import _backend_choice
from ._version import __version__

_backend_choice.apply()  # before anything imports Keras

_LAZY = {
    "KerasClassifier": "._wrappers",
    "KerasRegressor": "._wrappers",
    "KerasTransformer": "._transformer",
    "MLPClassifier": "._mlp",
    "MLPRegressor": "._mlp",
    "TimeBasedDecay": "._schedules",
    "StepDecay": "._schedules",
    "ExponentialDecay": "._schedules",
    "PlateauDecay": "._schedules",
    "save": "._saving",
    "load": "._saving",
    "get_untrusted_types": "._saving",
}

__all__ = [
    "KerasClassifier",
    "KerasRegressor",
    "KerasTransformer",
    "MLPClassifier",
    "MLPRegressor",
    "TimeBasedDecay",
    "StepDecay",
    "ExponentialDecay",
    "PlateauDecay",
    "save",
    "load",
    "get_untrusted_types",
    "__version__",
]


# Subpackages reachable as attributes after ``import skkeras``, imported on
# first use (as scikit-learn's are).
_SUBPACKAGES = ("config", "datasets", "ensemble", "model_selection", "reports", "tasks")


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skkeras' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_SUBPACKAGES))
