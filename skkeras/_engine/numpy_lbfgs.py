"""The L-BFGS objective and its gradient in NumPy, for the CPU.

The same objective as :func:`skkeras._engine.lbfgs.objective`, for the
networks scikit-learn's MLP has (hidden activations ``relu``, ``tanh``,
``sigmoid`` or ``linear``; the data losses ``"softmax"``, ``"sigmoid"``,
``"squared_error"`` and ``"poisson"``), with the gradient written out by
back-propagation, as scikit-learn computes it.  On a CPU, TensorFlow's
dispatch of a compiled function (~120 us a call, measured on iris'
network) costs more than the whole NumPy evaluation (~70 us), and L-BFGS
calls it once per step; see :func:`skkeras._engine.lbfgs.backend_module`
for when this module is used.
"""

import contextlib

import keras
import numpy as np
from scipy import special

from .._forward import ACTIVATIONS as NUMPY_FORMS

# d activation / d input, from the activation's output ``a``, by the name of
# the Keras activation (scikit-learn's relu, tanh, logistic and identity).
_DERIVATIVE_BY_NAME = {
    "relu": lambda a: a > 0,
    "tanh": lambda a: 1.0 - a * a,
    "sigmoid": lambda a: a * (1.0 - a),
    "linear": None,  # the identity: the derivative is 1
}
ACTIVATIONS = tuple(_DERIVATIVE_BY_NAME)
_DERIVATIVES = {
    getattr(keras.activations, name): d for name, d in _DERIVATIVE_BY_NAME.items()
}
LOSSES = ("softmax", "sigmoid", "squared_error", "poisson")


def supports(layout, spec):
    """Whether this module computes ``layout``'s objective for ``spec``."""
    return spec.loss in LOSSES and all(
        _hashable(a) and a in _DERIVATIVES for a in layout.activations
    )


def _hashable(function):
    try:
        hash(function)
    except TypeError:
        return False
    return True


def _output_error(z, y, loss):
    """Each row's data loss and its gradient with respect to ``z``, the
    output layer's pre-activation."""
    if loss == "softmax":
        shifted = z - z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=1))
        rows = np.arange(len(z))
        losses = log_norm - shifted[rows, y]
        error = np.exp(shifted - log_norm[:, None])
        error[rows, y] -= 1.0
        return losses, error
    if loss == "sigmoid":
        losses = (np.logaddexp(z, 0.0) - y * z).sum(axis=1)
        return losses, special.expit(z) - y
    if loss == "squared_error":
        error = z - y
        return 0.5 * (error * error).sum(axis=1) / z.shape[1], error / z.shape[1]
    # "poisson": scikit-learn's half deviance of exp(z), as row_losses.
    mean = np.exp(z)
    ylogy = special.xlogy(y, y)
    return (mean - y * z + ylogy - y).sum(axis=1), mean - y


class NumpyValueAndGrad:
    """:class:`~skkeras._engine.types.ValueAndGrad` in NumPy, float64."""

    shareable = True

    def __init__(self, layout, spec):
        self._layout = layout
        self._slices = layout.slices()
        self._loss = spec.loss
        self._forward = [NUMPY_FORMS[a] for a in layout.activations]
        self._derivatives = [_DERIVATIVES[a] for a in layout.activations]

    def context(self):
        return contextlib.nullcontext()

    def convert(self, x, y, sw, alpha):
        y = np.asarray(y, np.intp if self._loss == "softmax" else np.float64)
        sw = np.asarray(sw, np.float64)
        return np.asarray(x, np.float64), y, sw, float(alpha)

    def call(self, flat, data):
        x, y, sw, alpha = data
        kernels = [flat[k0:k1].reshape(shape) for (k0, k1, shape), _ in self._slices]
        biases = [flat[b0:b1] for _, (b0, b1) in self._slices]
        outputs = [x]
        for kernel, bias, activation in zip(kernels, biases, self._forward):
            outputs.append(activation(outputs[-1] @ kernel + bias))
        z = outputs[-1] @ kernels[-1] + biases[-1]
        losses, error = _output_error(z, y, self._loss)
        total = sw.sum()
        penalty = sum(float(np.vdot(k, k)) for k in kernels)
        value = (float(sw @ losses) + 0.5 * alpha * penalty) / total
        delta = error * (sw / total)[:, None]
        kernel_grads, bias_grads = [None] * len(kernels), [None] * len(kernels)
        for i in range(len(kernels) - 1, -1, -1):
            kernel_grads[i] = outputs[i].T @ delta + (alpha / total) * kernels[i]
            bias_grads[i] = delta.sum(axis=0)
            if i:
                delta = delta @ kernels[i].T
                derivative = self._derivatives[i - 1]
                if derivative is not None:
                    delta *= derivative(outputs[i])
        grad = np.concatenate([g.ravel() for g in kernel_grads + bias_grads])
        return value, grad


def build(layout, spec):
    """The NumPy objective of ``layout`` for :class:`LbfgsSpec` ``spec``."""
    return NumpyValueAndGrad(layout, spec)
