"""KerasTransformer: a trained Keras model as a scikit-learn transformer.

The counterpart of Keras 3's ``keras.wrappers.SKLearnTransformer``, with the
parameters and routing of :class:`~skkeras.KerasRegressor`, whose training
chain it shares.
"""

from ._predictors import TransformerBase
from ._wrapper_docs import _COMMON_DOC, _FITTED_DOC
from ._wrappers import _KerasWrapper


class KerasTransformer(TransformerBase, _KerasWrapper):
    __doc__ = (
        """A scikit-learn transformer around any Keras model.

``fit(X, y)`` trains the network on ``(X, y)`` as :class:`KerasRegressor`
does; ``transform(X)`` returns the network's output, as
``keras.wrappers.SKLearnTransformer`` does (for an encoder, the embedding).
To use a network trained elsewhere without training it again, fit it once
and wrap it in ``sklearn.frozen.FrozenEstimator``.
"""
        + _COMMON_DOC.format(loss_default="mean squared error")
        + _FITTED_DOC
        + """
    See Also
    --------
    KerasRegressor : The same network, predicting instead of transforming.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from skkeras import KerasTransformer
    >>> def build(X, y, width=8):
    ...     return keras.Sequential([
    ...         keras.Input((X.shape[1],)),
    ...         keras.layers.Dense(width, activation="tanh"),
    ...         keras.layers.Dense(y.shape[1]),
    ...     ])
    >>> X = np.random.RandomState(0).normal(size=(20, 3))
    >>> Y = np.column_stack([X.sum(axis=1), X[:, 0] - X[:, 1]])
    >>> trs = KerasTransformer(build, fit_kwargs={"epochs": 5}, random_state=0)
    >>> trs.fit(X, Y).transform(X[:4]).shape
    (4, 2)
    >>> trs.get_feature_names_out().tolist()
    ['kerastransformer0', 'kerastransformer1']
    >>> pipe = make_pipeline(KerasTransformer(build, random_state=0), Ridge())
    >>> pipe.fit(X, Y).predict(X[:4]).shape
    (4, 2)
"""
    )
