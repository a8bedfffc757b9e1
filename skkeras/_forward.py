"""A NumPy forward pass, in float64, of the dense networks skkeras builds.

Keras evaluates a batch in float32 with matrix products whose rounding
depends on the batch: a row's output moves by an ulp or two with the rows
around it and its position among them.  :func:`numpy_forward` evaluates the
same network with NumPy in float64, from the model's current weights, so
that each row's output depends on that row alone (to float64 rounding, far
below float32's) and agrees with Keras' output to float32 rounding.

It covers a ``keras.Sequential`` of ``Dense`` layers (with an activation of
:data:`ACTIVATIONS`), ``Dropout`` layers (inactive at inference) and
``BatchNormalization`` layers (inference form), in float32 or float64; for
any other model it returns None and the caller predicts through Keras.
"""

import math
from collections.abc import Callable
from types import MappingProxyType
from typing import NamedTuple

import keras
import numpy as np
from scipy import special

from ._weights import reader

_DTYPES = ("float32", "float64")


def _relu(x):
    return np.maximum(x, 0.0, out=x)


def _tanh(x):
    return np.tanh(x, out=x)


def _sigmoid(x):
    return special.expit(x, out=x)


def _softplus(x):
    return np.logaddexp(x, 0.0)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _hard_sigmoid(x):
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


# Up to this many columns, a row's maximum or sum is taken column by column.
_FEW_COLUMNS = 16


def _each_row(ufunc, x):
    """``ufunc.reduce`` over each row of the 2-D ``x``, as a column.

    NumPy reduces a short last axis slowly (a maximum over 10,000 rows of 3
    columns: ~0.5 ms, against ~15 us column by column), so rows of up to
    :data:`_FEW_COLUMNS` columns are reduced column by column, whatever the
    number of rows: a row's result depends on that row alone.
    """
    if x.ndim != 2 or x.shape[1] > _FEW_COLUMNS:
        return ufunc.reduce(x, axis=-1, keepdims=True)
    out = x[:, :1].copy()
    for j in range(1, x.shape[1]):
        ufunc(out, x[:, j : j + 1], out=out)
    return out


def _row_max(x):
    # A maximum is exact in any order, so a few rows take NumPy's reduction.
    if x.shape[0] <= _FEW_COLUMNS:
        return np.max(x, axis=-1, keepdims=True)
    return _each_row(np.maximum, x)


def _softmax(x):
    x -= _row_max(x)
    np.exp(x, out=x)
    x /= _each_row(np.add, x)
    return x


def _log_softmax(x):
    shifted = x - _row_max(x)
    return shifted - np.log(_each_row(np.add, np.exp(shifted)))


# Keras' activations, each as Keras defines it with its default arguments
# (keras/src/activations/activations.py), by the name Keras exports it under.
# Each takes a float64 array of its own, which the common ones overwrite.
_BY_NAME = MappingProxyType(
    {
        "linear": lambda x: x,
        "relu": _relu,
        "relu6": lambda x: np.clip(x, 0.0, 6.0),
        "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
        "elu": _elu,
        "selu": lambda x: (
            1.0507009873554804934193349852946
            * _elu(x, 1.6732632423543772848170429916717)
        ),
        "celu": _elu,  # alpha=1: celu is elu
        # keras.activations.gelu defaults to approximate=False: the erf form.
        "gelu": lambda x: 0.5 * x * (1.0 + special.erf(x / math.sqrt(2.0))),
        "silu": lambda x: x * special.expit(x),
        "mish": lambda x: x * np.tanh(_softplus(x)),
        "softplus": _softplus,
        "softsign": lambda x: x / (1.0 + np.abs(x)),
        "squareplus": lambda x: (x + np.sqrt(x * x + 4.0)) / 2.0,
        "sparse_plus": lambda x: np.where(
            x <= -1, 0.0, np.where(x < 1, 0.25 * (x + 1.0) ** 2, x)
        ),
        "exponential": np.exp,
        "tanh": _tanh,
        "tanh_shrink": lambda x: x - np.tanh(x),
        "hard_tanh": lambda x: np.clip(x, -1.0, 1.0),
        "sigmoid": _sigmoid,
        "log_sigmoid": lambda x: -_softplus(-x),
        "hard_sigmoid": _hard_sigmoid,
        "hard_silu": lambda x: x * _hard_sigmoid(x),
        "sparse_sigmoid": lambda x: np.clip(0.5 * (x + 1.0), 0.0, 1.0),
        "soft_shrink": lambda x: np.where(
            x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)
        ),
        "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
        "softmax": _softmax,
        "log_softmax": _log_softmax,
    }
)

#: Keras activation function -> its NumPy form, keyed by the function itself
#: (those of the installed Keras; older releases lack some).
ACTIVATIONS = MappingProxyType(
    {
        getattr(keras.activations, name): fn
        for name, fn in _BY_NAME.items()
        if hasattr(keras.activations, name)
    }
)


def _activation(function):
    """The NumPy form of a Keras activation function, or None."""
    try:
        return ACTIVATIONS.get(function)
    except TypeError:  # an unhashable callable
        return None


class _Step(NamedTuple):
    """One layer's inference computation: ``apply(x, *values)`` where
    ``values`` are the float64 values of ``variables``."""

    variables: tuple
    apply: Callable


def _dense(layer):
    activation = _activation(layer.activation)
    if activation is None or getattr(layer, "lora_enabled", False):
        return None
    if layer.bias is None:
        return _Step((layer.kernel,), lambda x, kernel: activation(x @ kernel))

    def apply(x, kernel, bias):
        z = x @ kernel
        z += bias
        return activation(z)

    return _Step((layer.kernel, layer.bias), apply)


def _batch_normalization(layer):
    if layer.axis not in (-1, 1):
        return None
    epsilon, scale, center = layer.epsilon, layer.scale, layer.center
    variables = [layer.moving_mean, layer.moving_variance]
    variables += [layer.gamma] if scale else []
    variables += [layer.beta] if center else []

    def apply(x, mean, variance, *affine):
        factor = 1.0 / np.sqrt(variance + epsilon)
        if scale:
            factor *= affine[0]
        x -= mean
        x *= factor
        if center:
            x += affine[-1]
        return x

    return _Step(tuple(variables), apply)


def _steps(model):
    """The inference computation of each layer with one (Dropout has none),
    or None if a layer is not one this module evaluates."""
    steps = []
    for layer in model.layers:
        kind = type(layer)
        if kind is keras.layers.Dropout:
            continue
        if kind is keras.layers.Dense:
            step = _dense(layer)
        elif kind is keras.layers.BatchNormalization:
            step = _batch_normalization(layer)
        else:
            step = None
        if step is None:
            return None
        steps.append(step)
    return steps


def _input_dtype(model):
    """The one float type of ``model``'s input and layers, or None."""
    if type(model) is not keras.Sequential or not model.built:
        return None
    inputs = getattr(model, "inputs", None) or ()  # unset before a build
    if len(inputs) != 1 or len(inputs[0].shape) != 2:
        return None
    dtype = keras.backend.standardize_dtype(inputs[0].dtype)
    policies = {layer.dtype_policy.name for layer in model.layers}
    if dtype not in _DTYPES or policies - {dtype}:
        return None
    return dtype


def numpy_forward(model):
    """Return ``model``'s inference computation as a NumPy function, or None.

    Parameters
    ----------
    model : keras.Model
        The network.

    Returns
    -------
    forward : callable or None
        ``forward(X)`` returns the network's output for the 2-D array ``X``
        as a float64 ndarray, computed in float64 from the weights the model
        holds at that call.  ``X`` is first rounded to the model's input
        type, as Keras does.  None when ``model`` is not a
        ``keras.Sequential`` of ``Dense`` (with an activation of
        :data:`ACTIVATIONS`), ``Dropout`` and ``BatchNormalization`` layers
        with a float32 or float64 dtype policy.
    """
    dtype = _input_dtype(model)
    if dtype is None:
        return None
    steps = _steps(model)
    if steps is None:
        return None
    read = reader([v for step in steps for v in step.variables])
    bounds, start = [], 0
    for step in steps:
        bounds.append((step.apply, start, start + len(step.variables)))
        start += len(step.variables)

    def forward(X):
        # All weights are read at each call: the output is that of the
        # weights the model holds now, whoever changed them.
        values = [w.astype(np.float64) for w in read()]
        # Each step gets an array of its own and may overwrite it.
        out = np.asarray(X, dtype=dtype).astype(np.float64)
        for apply, first, end in bounds:
            out = apply(out, *values[first:end])
        return out

    return forward


class ForwardCache:
    """:func:`numpy_forward` of the last model asked for, kept for reuse.

    Building the forward function (checking the layers, finding each
    variable's handle) costs about as much as evaluating one row, so an
    estimator keeps one :class:`ForwardCache` per fit and asks it for its
    ``model_``'s forward at each prediction.  Only the structure is kept:
    the forward function reads the weights at each call, so training,
    ``set_weights`` or ``assign`` on the same model need no invalidation.
    A different model object, or a layer added or removed
    (``Sequential.add``/``pop``), builds the function again.  A pickled or
    copied cache starts empty.

    Examples
    --------
    >>> import keras
    >>> from skkeras._forward import ForwardCache
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> cache = ForwardCache()
    >>> cache.forward(model) is cache.forward(model)
    True
    """

    __slots__ = ("_model", "_layers", "_forward")

    def __init__(self):
        self._model = self._layers = self._forward = None

    def forward(self, model):
        """Return ``numpy_forward(model)``, built again only for a model or
        a list of layers that differ from the last call's."""
        layers = model.layers
        if model is not self._model or layers != self._layers:
            self._forward = numpy_forward(model)
            self._model, self._layers = model, layers
        return self._forward

    def __reduce__(self):
        # Closures do not pickle, and a copy rebuilds for its own model.
        return (type(self), ())


def dense_layers(model):
    """Return the ``Dense`` layers of a network :func:`numpy_forward`
    evaluates, in the order the forward pass applies them, or None.

    Parameters
    ----------
    model : keras.Model
        The network.

    Returns
    -------
    layers : list of keras.layers.Dense or None
        None when :func:`numpy_forward` would return None for ``model``.
    """
    if _input_dtype(model) is None or _steps(model) is None:
        return None
    return [layer for layer in model.layers if type(layer) is keras.layers.Dense]
