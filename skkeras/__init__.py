"""skkeras: Keras 3 networks as scikit-learn estimators.

Four estimators, each a drop-in scikit-learn estimator:

* :class:`MLPClassifier`, :class:`MLPRegressor`: ready-made dense networks
  with scikit-learn's MLP parameter names plus Keras extras.
* :class:`KerasClassifier`, :class:`KerasRegressor`: any Keras model, with
  scikeras' constructor arguments and routed parameters.
"""

from ._mlp import MLPClassifier, MLPRegressor
from ._version import __version__
from ._wrappers import KerasClassifier, KerasRegressor

__all__ = [
    "KerasClassifier",
    "KerasRegressor",
    "MLPClassifier",
    "MLPRegressor",
    "__version__",
]
