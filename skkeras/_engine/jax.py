"""Compiled training loop and prediction for the JAX backend.

The JAX trainer of Keras is already functional: ``model.train_step(state,
data)`` and ``model.test_step(state, data)`` map a state tuple
``(trainable, non_trainable, optimizer, metrics)`` of arrays to a new one.
The engine jits a loop around them: up to
:data:`~skkeras._engine.loop.EPOCH_CHUNK` epochs per call, each resetting
the metrics (statelessly), drawing a permutation from a key folded from
``(seed, epoch)``, running the full mini-batches in a ``lax.while_loop`` and
the last, partial batch after it, reading the epoch's metric results and
evaluating the validation data, and ending early where the loss rule of
:func:`skkeras._engine.loop.stop_rule` might stop training.  After each
call the new state is assigned to the model's variables, so callbacks see
(and may change, e.g. the learning rate) the model between calls.

Arrays are padded to a bucket size (:func:`skkeras._engine.sizing.bucket`)
and the size of the partial batch is a static argument, so XLA compiles once
per architecture, batch size, bucket and remainder size.  The state is
passed explicitly, so a function traced with one model serves every model
with the same :func:`~skkeras._engine.structure.structure_key`; models whose
configuration does not describe them fully get functions of their own.
"""

import functools
import sys

import jax
import jax.numpy as jnp
import keras
import numpy as np

from .._config import get_config
from . import cache, loop, models, sizing
from .jax_loop import make_epochs_loop, rule_arrays
from .structure import structure_key
from .types import (
    CacheKey,
    Interrupted,
    LoopArgs,
    LoopArrays,
    ModuleBackend,
    PredictSpec,
    Refusal,
    State,
    Unsupported,
)

# XLA:CPU options for the compiled loops: the loop emitters instead of the
# fusion emitters, no XNNPACK graph fusion, optimization level 1.  Measured
# on the tutorial Pima network (vectorized over 27 fits): compiling takes
# 1.0 s instead of 3 s, and a step runs as fast.  The configuration key
# xla_options=False (skkeras.config; SKKERAS_XLA_OPTIONS=0) leaves XLA's
# defaults.
_CPU_OPTIONS = {
    "xla_cpu_use_fusion_emitters": False,
    "xla_cpu_experimental_xnn_graph_fusion_mode": "XNN_GRAPH_FUSION_MODE_DISABLED",
    "xla_backend_optimization_level": 1,
}


@functools.cache
def _xla_accepts(options):
    """Whether this XLA compiles with ``options`` (a tuple of items)."""
    try:
        jax.jit(lambda a: a + 1, compiler_options=dict(options)).lower(1.0).compile()
    except Exception:  # noqa: BLE001 - unknown to this XLA: its defaults
        return False
    return True


def _compiler_options(cpu_options=_CPU_OPTIONS):
    """The options :func:`jit` passes: ``cpu_options`` on the CPU when the
    configuration's ``xla_options`` is True and this XLA accepts them (they
    are XLA debug options, which come and go between releases), else none."""
    if not get_config().xla_options or jax.default_backend() != "cpu":
        return None
    items = tuple(sorted(cpu_options.items()))
    return dict(cpu_options) if _xla_accepts(items) else None


def jit(fn, **kwargs):
    """``jax.jit`` with the engine's compiler options."""
    return jax.jit(fn, compiler_options=_compiler_options(), **kwargs)


def model_reason(model):
    try:
        if keras.distribution.distribution() is not None:
            return Refusal("backend", "a keras.distribution is set")
    except AttributeError:  # pragma: no cover - old Keras
        pass
    nnx = getattr(keras.config, "is_nnx_enabled", None)
    if nnx is not None and nnx():
        return Refusal("backend", "Flax NNX mode")
    return None


def _array(a):
    if a is None:
        return None
    return jnp.asarray(a.astype(sizing.cast_dtype(a), copy=False))


# --------------------------------------------------------------------------
# Training


class _TrainEntry:
    def __init__(self, template, shared, spec):
        self.model_ref = cache.model_ref(template, strong=shared)
        self.shareable = shared
        self.spec = spec
        self.template_id = id(template)
        self.metric_specs = [
            (tuple(v.shape), v.dtype) for v in template.metrics_variables
        ]
        self.signature = [
            [(tuple(v.shape), str(v.dtype)) for v in g]
            for g in models.state_groups(template)
        ]
        self.names = None
        self.epochs_loop = None
        self.jitted_loop = None


def _build_train_entry(template, shared, spec, arrays):
    x, y, sw = arrays[:3]
    models.ensure_built(template, x, y, sw, _array)
    if models.loss_metric(template) is None:
        raise Unsupported("the model has no 'loss' metric")
    entry = _TrainEntry(template, shared, spec)
    names = list(template.get_metrics_result())
    if spec.has_validation:
        names += ["val_" + k for k in names]
    entry.names = names
    # ``epochs_loop`` is the loop before jit, which skkeras._engine.jax_batch vmaps.
    entry.epochs_loop = make_epochs_loop(entry)
    entry.jitted_loop = jit(entry.epochs_loop, static_argnames=("r", "vr", "nan"))
    return entry


class TrainRunner:
    """Runs chunks of epochs for :func:`skkeras._engine.loop.drive`."""

    def __init__(self, entry, model, arrays, n, nv, seed, check_nan=False):
        self.entry = entry
        self.model = model
        self.names = entry.names
        self.has_validation = entry.spec.has_validation
        self.check_nan = check_nan
        batch_size, val_batch_size = entry.spec.batch_size, entry.spec.val_batch_size
        padded = [sizing.pad(a, sizing.rows_for(n, batch_size)) for a in arrays[:3]]
        padded += [
            sizing.pad(a, sizing.rows_for(nv, val_batch_size)) if nv else a
            for a in arrays[3:]
        ]
        self._data = LoopArrays(*(_array(a) for a in padded))
        self._n = jnp.int32(n)
        self._nv = jnp.int32(nv)
        self._seed = jnp.uint32(seed)
        # The sizes of the last, partial batches are static (one each here;
        # skkeras._engine.batch passes every size of a group, and an index).
        self._static = dict(
            r=(n % batch_size,), vr=((nv % val_batch_size) if nv else 0,)
        )
        self._own_metrics = (
            id(model) == entry.template_id and entry.model_ref() is model
        ) or [
            (tuple(v.shape), v.dtype) for v in model.metrics_variables
        ] == entry.metric_specs
        if [
            [(tuple(v.shape), str(v.dtype)) for v in g]
            for g in models.state_groups(model)
        ] != entry.signature:
            raise Unsupported("the model's variables do not match the trace")
        # Compile now, so that a model XLA cannot compile goes to Model.fit.
        self._call(0, 0)

    def _state(self):
        groups = models.state_groups(self.model)
        if self._own_metrics:
            metrics = [v.value for v in self.model.metrics_variables]
        else:
            metrics = [jnp.zeros(s, d) for s, d in self.entry.metric_specs]
        return State(*([v.value for v in g] for g in groups), metrics)

    def _call(self, first_epoch, n_epochs, rule=loop.NO_RULE):
        args = LoopArgs(
            state=self._state(),
            data=self._data,
            n=self._n,
            nv=self._nv,
            seed=self._seed,
            first_epoch=jnp.int32(first_epoch),
            n_epochs=jnp.int32(n_epochs),
            check_nan=jnp.bool_(self.check_nan),
            remainder_index=jnp.int32(0),
            val_remainder_index=jnp.int32(0),
            rule=rule_arrays(rule),
        )
        return self.entry.jitted_loop(
            args,
            nan=bool(self.check_nan),
            **self._static,
        )

    def train_epochs(self, first_epoch, n_epochs, rule=loop.NO_RULE):
        result = self._call(first_epoch, n_epochs, rule)
        try:
            return self._take(result)
        except KeyboardInterrupt as exc:
            # A Ctrl-C while the call ran (it is awaited here) or while its
            # state was being assigned: the training is done; take all of it,
            # so that the model and the epochs reported agree.
            raise Interrupted(*self._take(result)) from exc

    def _take(self, result):
        """Assign a call's state to the model; return its rows and stopped batch."""
        state, buf, done, stopped = result
        done = int(done)
        stopped = int(stopped)
        rows = np.asarray(buf)[:done].tolist()
        model = self.model
        trained = (state.trainable, state.non_trainable, state.optimizer)
        for group, values in zip(models.state_groups(model), trained):
            for v, value in zip(group, values):
                v.assign(value)
        if self._own_metrics:
            for v, value in zip(model.metrics_variables, state.metrics):
                v.assign(value)
        return rows, (stopped if stopped >= 0 else None)

    def finish(self, ran):
        if ran:
            self.model.optimizer.finalize_variable_values(self.model.trainable_weights)


def train_entry(model, spec, arrays, *, shared_only=False):
    """The compiled-loop entry for ``model``; raises :class:`Unsupported`.

    With ``shared_only``, a model without a
    :func:`~skkeras._engine.structure.structure_key` is refused instead of
    getting a function of its own.
    """
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    groups = models.state_groups(model)
    shared_key = structure_key(model, groups)
    if shared_only and shared_key is None:
        raise Unsupported("the model's configuration does not describe it fully")

    def build(template, shared):
        return _build_train_entry(template, shared, spec, arrays)

    key = CacheKey(
        shared_key, cache.model_identity(model), (spec, get_config().xla_options)
    )
    entry = cache.lookup(model, key, build)
    # A loop traced for another model leaves this one's loss and metrics
    # unbuilt, and its callbacks read them.
    models.build_compiled(model, arrays[1])
    return entry


def make_train_runner(
    model, x, y, sw, val, *, batch_size, val_batch_size, shuffle, seed, check_nan=False
):
    """Return a runner for this call, or raise :class:`Unsupported`.

    ``check_nan``: stop an epoch at the batch whose loss is not finite.
    """
    spec, arrays = sizing.loop_inputs(
        x,
        y,
        sw,
        val,
        batch_size=batch_size,
        val_batch_size=val_batch_size,
        shuffle=shuffle,
    )
    entry = train_entry(model, spec, arrays)
    nv = len(val[0]) if val is not None else 0
    try:
        return TrainRunner(entry, model, arrays, len(x), nv, seed, check_nan)
    except Unsupported:
        raise
    except Exception as exc:  # noqa: BLE001 - XLA could not compile it
        raise Unsupported(f"XLA could not compile the loop: {exc!r}") from exc


class _PredictEntry:
    """A jitted prediction function; shared whenever the model has a
    structure key (the weights are its arguments)."""

    shareable = True

    def __init__(self, function):
        self.function = function


def _make_predict(model_ref):
    def fn(trainable, non_trainable, xs):
        model = model_ref()

        def one(xb):
            out, _ = model.predict_step((trainable, non_trainable), (xb,))
            return out

        out = jax.lax.map(one, xs)
        return jax.tree_util.tree_map(lambda o: o.reshape((-1,) + o.shape[2:]), out)

    return jit(fn)


def predict(model, x, batch_size=None):
    """Compiled ``model.predict(x)``; raises :class:`Unsupported`."""
    bs = sizing.predict_batch_size(x, batch_size)
    n = len(x)
    if n <= bs:
        chunks, size = 1, sizing.bucket(n)
    else:
        chunks, size = sizing.bucket(-(-n // bs)), bs
    spec = PredictSpec(None, tuple(x.shape[1:]), str(sizing.cast_dtype(x)))
    groups = [list(model.trainable_variables), list(model.non_trainable_variables)]
    shared_key = structure_key(model, groups, with_compile=False)
    local_key = ("predict",) + tuple(id(v) for g in groups for v in g)

    def build(template, shared):
        return _PredictEntry(_make_predict(cache.model_ref(template, strong=shared)))

    key = CacheKey(shared_key, local_key, (spec, get_config().xla_options))
    fn = cache.lookup(model, key, build).function
    xs = sizing.pad(x.astype(sizing.cast_dtype(x), copy=False), chunks * size)
    xs = xs.reshape((chunks, size) + x.shape[1:])
    out = fn(
        [v.value for v in groups[0]], [v.value for v in groups[1]], jnp.asarray(xs)
    )
    return jax.tree_util.tree_map(lambda o: np.asarray(o)[:n], out)


BACKEND = ModuleBackend("jax", sys.modules[__name__])
