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
from types import MappingProxyType

import keras
import numpy as np
from scipy import special

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


def _softmax(x):
    x -= np.max(x, axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= np.sum(x, axis=-1, keepdims=True)
    return x


def _log_softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


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


def _array(variable):
    """The current value of a Keras variable, as a float64 ndarray."""
    # keras.Variable.numpy: on TensorFlow a third faster than
    # keras.ops.convert_to_numpy, which a one-row call notices.
    return variable.numpy().astype(np.float64)


def _activation(function):
    """The NumPy form of a Keras activation function, or None."""
    try:
        return ACTIVATIONS.get(function)
    except TypeError:  # an unhashable callable
        return None


def _dense(layer):
    activation = _activation(layer.activation)
    if activation is None or getattr(layer, "lora_enabled", False):
        return None

    def step(x):
        z = x @ _array(layer.kernel)
        if layer.bias is not None:
            z += _array(layer.bias)
        return activation(z)

    return step


def _batch_normalization(layer):
    if layer.axis not in (-1, 1):
        return None

    def step(x):
        scale = 1.0 / np.sqrt(_array(layer.moving_variance) + layer.epsilon)
        if layer.scale:
            scale *= _array(layer.gamma)
        x -= _array(layer.moving_mean)
        x *= scale
        if layer.center:
            x += _array(layer.beta)
        return x

    return step


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

    def forward(X):
        # Each step gets an array of its own and may overwrite it.
        out = np.asarray(X, dtype=dtype).astype(np.float64)
        for step in steps:
            out = step(out)
        return out

    return forward


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
