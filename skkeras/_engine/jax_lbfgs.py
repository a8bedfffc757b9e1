"""The L-BFGS objective and its gradient on JAX: one ``jax.jit`` of
``jax.value_and_grad`` per architecture (see :mod:`skkeras._engine.lbfgs`).

JAX computes in float32 unless 64-bit mode is on; the function is traced
and called inside ``jax.enable_x64(True)`` (:meth:`JaxValueAndGrad.context`,
entered once per fit), a context of the calling thread only, so the rest of
the process keeps its configuration.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .jax import jit
from .jax_batch import on_accelerator
from .lbfgs import objective


class JaxValueAndGrad:
    """:class:`~skkeras._engine.types.ValueAndGrad` on JAX."""

    shareable = True

    def __init__(self, layout, spec):
        self._labels = spec.loss == "softmax"

        def fun(flat, data):
            x, y, sw, alpha = data
            return objective(flat, x, y, sw, alpha, layout, spec.loss)

        self._fn = jit(jax.value_and_grad(fun))

    def context(self):
        return jax.enable_x64(True)

    def convert(self, x, y, sw, alpha):
        y = np.asarray(y, np.int32) if self._labels else np.asarray(y, np.float64)
        return (
            jnp.asarray(x, jnp.float64),
            jnp.asarray(y),
            jnp.asarray(sw, jnp.float64),
            jnp.asarray(alpha, jnp.float64),
        )

    def call(self, flat, data):
        value, grad = self._fn(flat, data)
        return float(value), np.asarray(grad)


def pays():
    """Whether the compiled function is used where NumPy's could be: on an
    accelerator.  On a CPU, called from L-BFGS inside ``enable_x64``, a
    call costs more than NumPy's whole evaluation (measured per L-BFGS
    step, SciPy's own work included: 219 against 145 us on iris' network,
    294 against 217 us on pima's, 273 against 176 us on boston's)."""
    return on_accelerator()


def build(layout, spec):
    """The compiled objective of ``layout`` for :class:`LbfgsSpec` ``spec``."""
    return JaxValueAndGrad(layout, spec)
