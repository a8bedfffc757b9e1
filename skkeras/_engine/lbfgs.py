"""Full-batch L-BFGS over the weights of a dense network (scikit-learn's lbfgs).

SciPy's ``minimize(method="L-BFGS-B")`` drives one compiled function that
maps the flattened weights (a float64 vector, laid out as scikit-learn's
``_pack(coefs_, intercepts_)``: every kernel, then every bias) to the
objective and its gradient.  The objective is scikit-learn's::

    sum_i w_i loss_i / sum_i w_i  +  0.5 * alpha * sum_l ||W_l||^2 / sum_i w_i

(``w`` all ones without sample weights; kernels only in the penalty).  The
data loss is computed from the output layer's pre-activation (the logits),
so that the cross-entropies' gradients are scikit-learn's ``act(z) - y``
without clipping: ``"softmax"`` (integer labels), ``"sigmoid"`` (0/1
columns, summed over columns as scikit-learn's ``binary_log_loss``),
``"squared_error"`` (half the mean over columns), or a Keras loss name
(e.g. ``"huber"``) applied to the output.

The function is compiled once per architecture and shared by every fit of
the process, under the engine's structure key in its cache
(:mod:`skkeras._engine.cache`); the backends build it
(:mod:`skkeras._engine.jax_lbfgs`: ``jax.jit(jax.value_and_grad(...))``,
:mod:`skkeras._engine.tensorflow_lbfgs`: a ``tf.function`` with a fixed
input signature).  Where the compiled function does not pay (on a CPU,
where a call's dispatch costs more than the evaluation) or does not exist
(PyTorch), scikit-learn's networks are evaluated by NumPy instead
(:mod:`skkeras._engine.numpy_lbfgs`), with the same objective and its
gradient written out; see :func:`backend_module`.

Either way the objective is computed in float64 whatever the model's dtype: the
line searches of L-BFGS compare objective values to ~1e-10 relative, which
float32 cannot resolve, and scikit-learn computes in float64 too.  After
the run the weights are cast back to the model's variables.
"""

import importlib
from typing import NamedTuple

import keras
import numpy as np
import scipy.optimize
from threadpoolctl import threadpool_limits

from . import cache
from .structure import structure_key
from .types import CacheKey, Unsupported

# Backends with a compiled loss-and-gradient, and the module that builds it.
BACKEND_MODULES = {
    "jax": "skkeras._engine.jax_lbfgs",
    "tensorflow": "skkeras._engine.tensorflow_lbfgs",
}
# The NumPy loss-and-gradient, for scikit-learn's activations and losses.
NUMPY_MODULE = "skkeras._engine.numpy_lbfgs"


class DenseLayout(NamedTuple):
    """Where each dense layer's weights sit in the flat vector."""

    shapes: tuple  # (fan_in, fan_out) of each layer's kernel, in order
    activations: tuple  # the hidden layers' activation functions

    @property
    def n_params(self):
        return sum(i * o + o for i, o in self.shapes)

    def slices(self):
        """``(kernel (start, stop, shape), bias (start, stop))`` per layer."""
        start, kernels = 0, []
        for shape in self.shapes:
            kernels.append((start, start + shape[0] * shape[1], shape))
            start += shape[0] * shape[1]
        biases = []
        for _, out in self.shapes:
            biases.append((start, start + out))
            start += out
        return list(zip(kernels, biases))


class LbfgsSpec(NamedTuple):
    """What a compiled loss-and-gradient is specialised for (cache key)."""

    loss: str  # "softmax", "sigmoid", "squared_error" or a Keras loss name
    n_features: int
    n_outputs: int


def dense_layout(model):
    """The :class:`DenseLayout` of ``model``, a stack of Dense layers with
    biases after its input; raises :class:`Unsupported` otherwise."""
    layers = list(model.layers)
    if not layers or any(
        type(la) is not keras.layers.Dense or not la.use_bias for la in layers
    ):
        names = [type(la).__name__ for la in layers]
        raise Unsupported(
            f"L-BFGS trains stacks of Dense layers with biases only; the network "
            f"has {names}."
        )
    shapes = tuple(tuple(int(d) for d in la.kernel.shape) for la in layers)
    return DenseLayout(shapes, tuple(la.activation for la in layers[:-1]))


def objective(flat, x, y, sw, alpha, layout, loss):
    """scikit-learn's objective at ``flat``, in ``keras.ops`` (traced by the
    backends; see the module's docstring)."""
    ops = keras.ops
    h, penalty = x, 0.0
    parts = layout.slices()
    for i, ((k0, k1, shape), (b0, b1)) in enumerate(parts):
        kernel = ops.reshape(flat[k0:k1], shape)
        penalty = penalty + ops.sum(kernel * kernel)
        h = ops.matmul(h, kernel) + flat[b0:b1]
        if i < len(parts) - 1:
            h = layout.activations[i](h)
    per_row = row_losses(y, h, loss)
    sw_sum = ops.sum(sw)
    return (ops.sum(sw * per_row) + 0.5 * alpha * penalty) / sw_sum


def row_losses(y, z, loss):
    """Each row's data loss, from the output layer's pre-activation ``z``."""
    ops = keras.ops
    if loss == "softmax":
        picked = ops.take_along_axis(z, ops.expand_dims(y, 1), axis=1)[:, 0]
        return ops.logsumexp(z, axis=1) - picked
    if loss == "sigmoid":
        return ops.sum(ops.softplus(z) - y * z, axis=1)
    if loss == "squared_error":
        # (Not ops.mean(ops.square(...)): on JAX in float64 its gradient in
        # this objective was off by ~2% against finite differences, Keras
        # 3.15 and JAX 0.10; each op alone differentiates right.)
        error = y - z
        return 0.5 * ops.sum(error * error, axis=1) / z.shape[1]
    if loss == "poisson":
        # scikit-learn's half Poisson deviance of the exponential output
        # exp(z): exp(z) - y z, plus its constant xlogy(y, y) - y.
        positive = y > 0
        ylogy = ops.where(positive, y * ops.log(ops.where(positive, y, 1.0)), 0.0)
        return ops.sum(ops.exp(z) - y * z + ylogy - y, axis=1)
    return keras.losses.get(loss)(y, z)


def compiled_module():
    """The module building the compiled function on this backend, or None
    on the backends without one."""
    name = keras.backend.backend()
    if name not in BACKEND_MODULES:
        return None
    return importlib.import_module(BACKEND_MODULES[name])


def backend_module(layout, spec):
    """The module whose ``build`` makes the loss-and-gradient of ``layout``
    for ``spec``: the backend's compiled function where it pays, else NumPy's
    (:mod:`skkeras._engine.numpy_lbfgs`) where it covers the network; raises
    :class:`ValueError` otherwise.

    The compiled function pays on an accelerator (a GPU); on a CPU a call
    costs more than NumPy's whole evaluation, on both backends (per L-BFGS
    step on iris' network, SciPy's work included: TensorFlow 239 us, JAX
    219 us, NumPy 145 us).
    """
    compiled = compiled_module()
    if compiled is not None and compiled.pays():
        return compiled
    numpy_module = importlib.import_module(NUMPY_MODULE)
    if numpy_module.supports(layout, spec):
        return numpy_module
    if compiled is not None:
        return compiled
    raise ValueError(
        f"solver='lbfgs' runs on the {' and '.join(sorted(BACKEND_MODULES))} "
        f"backends of Keras, and on others for scikit-learn's activations "
        f"({', '.join(numpy_module.ACTIVATIONS)}) and losses; this process uses "
        f"{keras.backend.backend()!r} with another activation or loss. Set "
        "KERAS_BACKEND to jax or tensorflow before importing keras, or choose "
        "another solver."
    )


def value_and_grad(model, spec):
    """The loss-and-gradient entry for ``model`` (shared by architecture
    through :func:`skkeras._engine.cache.lookup`)."""
    layout = dense_layout(model)
    module = backend_module(layout, spec)
    shared = structure_key(model, [list(model.trainable_variables)], False)
    key = CacheKey(
        None if shared is None else ("lbfgs", module.__name__, shared),
        ("lbfgs", module.__name__),
        ("lbfgs", spec),
    )

    def build(template, is_shared):
        return module.build(dense_layout(template), spec)

    entry = cache.lookup(model, key, build)
    return entry, layout


def pack(model, layout):
    """The model's weights as one float64 vector (kernels, then biases)."""
    layers = list(model.layers)
    arrays = [keras.ops.convert_to_numpy(la.kernel) for la in layers]
    arrays += [keras.ops.convert_to_numpy(la.bias) for la in layers]
    return np.concatenate([a.ravel() for a in arrays]).astype(np.float64)


def unpack_into(model, layout, flat):
    """Assign the flat vector ``flat`` to the model's kernels and biases."""
    for layer, ((k0, k1, shape), (b0, b1)) in zip(model.layers, layout.slices()):
        layer.kernel.assign(flat[k0:k1].reshape(shape).astype(layer.kernel.dtype))
        layer.bias.assign(flat[b0:b1].astype(layer.bias.dtype))


def minimize(model, x, y, sw, spec, *, alpha, max_iter, max_fun, tol, options=None):
    """Run L-BFGS-B from the model's weights and leave the result in them.

    ``x`` (n, n_features), ``y`` (integer labels for ``"softmax"``, else
    (n, n_outputs)) and ``sw`` (n,) or None are NumPy arrays.  Returns
    SciPy's ``OptimizeResult``; ``options`` are further options of SciPy's
    L-BFGS-B (``iprint`` where this SciPy takes it).
    """
    entry, layout = value_and_grad(model, spec)
    if sw is None:
        sw = np.ones(len(x))
    # SciPy's L-BFGS-B calls BLAS on vectors of the size of the network;
    # OpenBLAS' threads cost ~10x its single thread there (measured: 257
    # evaluations of a 183-weight problem, 0.35-1.0 s vs 0.04 s, 2 cores).
    with entry.context(), threadpool_limits(1, user_api="blas"):
        data = entry.convert(x, y, sw, alpha)
        result = scipy.optimize.minimize(
            lambda flat: entry.call(flat, data),
            pack(model, layout),
            method="L-BFGS-B",
            jac=True,
            options={
                "maxfun": max_fun,
                "maxiter": max_iter,
                "gtol": tol,
                **(options or {}),
            },
        )
    unpack_into(model, layout, result.x)
    return result
