"""The L-BFGS objective and its gradient on TensorFlow: one ``tf.function``
per architecture, a ``GradientTape`` inside (see :mod:`skkeras._engine.lbfgs`).

The input signature fixes every shape but the number of rows, so the
function is traced once per architecture and serves every fit of it.
"""

import contextlib

import numpy as np
import tensorflow as tf

from .lbfgs import objective


class TensorFlowValueAndGrad:
    """:class:`~skkeras._engine.types.ValueAndGrad` on TensorFlow."""

    shareable = True

    def __init__(self, layout, spec):
        self._labels = spec.loss == "softmax"
        y_spec = (
            tf.TensorSpec([None], tf.int32)
            if self._labels
            else tf.TensorSpec([None, spec.n_outputs], tf.float64)
        )
        signature = [
            tf.TensorSpec([layout.n_params], tf.float64),
            tf.TensorSpec([None, spec.n_features], tf.float64),
            y_spec,
            tf.TensorSpec([None], tf.float64),
            tf.TensorSpec([], tf.float64),
        ]

        @tf.function(input_signature=signature, autograph=False, jit_compile=True)
        def value_and_grad(flat, x, y, sw, alpha):
            with tf.GradientTape() as tape:
                tape.watch(flat)
                value = objective(flat, x, y, sw, alpha, layout, spec.loss)
            return value, tape.gradient(value, flat)

        # The concrete function: a call skips tf.function's dispatch on
        # its arguments (~0.5 ms, as much as the computation on small data).
        self._fn = value_and_grad.get_concrete_function()

    def context(self):
        return contextlib.nullcontext()

    def convert(self, x, y, sw, alpha):
        y = np.asarray(y, np.int32) if self._labels else np.asarray(y, np.float64)
        return (
            tf.constant(x, tf.float64),
            tf.constant(y),
            tf.constant(sw, tf.float64),
            tf.constant(alpha, tf.float64),
        )

    def call(self, flat, data):
        value, grad = self._fn(tf.constant(flat, tf.float64), *data)
        return float(value.numpy()), grad.numpy()


def pays():
    """Whether the compiled function is used where NumPy's could be: with a
    GPU.  On a CPU its dispatch (~120 us a call on iris' network) costs more
    than NumPy's whole evaluation (~70 us): per L-BFGS step, SciPy's own work
    included, 239 against 147 us on iris' network, 263 against 222 us on
    pima's, 241 against 179 us on boston's."""
    return bool(tf.config.list_logical_devices("GPU"))


def build(layout, spec):
    """The compiled objective of ``layout`` for :class:`LbfgsSpec` ``spec``."""
    return TensorFlowValueAndGrad(layout, spec)
