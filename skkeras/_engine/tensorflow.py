"""Compiled training loop and prediction for the TensorFlow backend.

One ``tf.function`` runs up to :data:`~skkeras._engine.loop.EPOCH_CHUNK`
whole epochs: for each epoch it resets the metrics, draws a permutation of
the rows from a stateless generator seeded by ``(seed, epoch)``, runs
``model.train_step`` over the full mini-batches in a ``tf.while_loop`` and
then over the last, partial batch (as ``Model.fit`` does), reads the
epoch's metrics, and evaluates the validation data with
``model.test_step``.  The learning rate and every other piece of state live
in variables, so callbacks that change them between calls are honoured.  A
call also ends early where the loss rule of
:func:`skkeras._engine.loop.stop_rule` might stop training.

The full mini-batches run in an XLA-compiled inner function; the arrays are
padded to a bucket size so that XLA compiles once per architecture, batch
size and size bucket, not once per dataset size.  When XLA rejects the
model the loop is traced again without it.

Reuse across models.  Every variable the loop touches (weights,
non-trainable state such as seed generators, optimizer slots and
hyperparameter variables) is an *argument* of the traced function, not a
captured constant: TensorFlow binds each variable object the trace reads to
the argument it was passed as.  A function traced with one model therefore
runs unchanged on the variables of any other model with the same
architecture and compile settings, which is what makes cross-validation
folds and grid-search candidates after the first skip tracing and XLA
compilation.  The key (:func:`skkeras._engine.structure.structure_key`) is
only formed for Sequential/Functional models of built-in layers with
built-in losses and metrics, whose configuration describes them fully; a
traced function that captured anything beyond its arguments is kept for its
own model only.  Metric accumulators are reset every epoch and only their
results are reported, so models other than the one traced pass per-thread
scratch variables for them.  Other models get functions of their own.

Note: ``tf.random.set_seed`` clears TensorFlow's kernel and function caches,
so the first compiled call after it re-instantiates the function (~0.3 s).
"""

import sys
import threading

import keras
import tensorflow as tf

from .. import _keras_compat
from .._config import get_config
from . import cache, loop, models, sizing
from .structure import iter_layers, structure_key
from .tensorflow_loop import out_variables, trace
from .tensorflow_predict import predict  # noqa: F401 - BACKEND.predict
from .tensorflow_variables import cast, function_variables, signature
from .types import CacheKey, Interrupted, ModuleBackend, Refusal, Unsupported


def model_reason(model):
    if tf.distribute.has_strategy() or (
        _keras_compat.distribution_strategy(model) is not None
    ):
        return Refusal("backend", "a tf.distribute strategy is in use")
    return None


# --------------------------------------------------------------------------
# Training


class _TrainEntry:
    def __init__(self, template, shared, spec):
        self.model_ref = cache.model_ref(template, strong=shared)
        self.shareable = shared
        self.spec = spec
        self.names = None
        self.jit = None
        self.verified = False
        self.xla_error = None
        self.function = None
        self.template_id = id(template)
        state, metrics = function_variables(template)
        self.state_signature = signature(state)
        self.metric_specs = [(tuple(v.shape), v.dtype) for v in metrics]
        self._scratch = threading.local()

    def variables_for(self, model):
        """The argument list for a run of ``model``.

        The traced model passes its own variables; other models pass their
        state and per-thread scratch metric accumulators.
        """
        if id(model) == self.template_id and self.model_ref() is model:
            state, metrics = function_variables(model)
        else:
            scratch = getattr(self._scratch, "variables", None)
            if scratch is None:
                scratch = [
                    tf.Variable(tf.zeros(shape, dtype), trainable=False)
                    for shape, dtype in self.metric_specs
                ]
                self._scratch.variables = scratch
            state, metrics = function_variables(model, scratch)
        if signature(state) != self.state_signature:
            raise Unsupported("the model's variables do not match the trace")
        return state + metrics


def _build_train_entry(template, shared, spec, arrays, jit):
    x, y, sw = arrays[:3]
    models.ensure_built(template, x, y, sw, cast)
    if models.loss_metric(template) is None:
        raise Unsupported("the model has no 'loss' metric")
    entry = _TrainEntry(template, shared, spec)
    names = list(template.get_metrics_result())
    if spec.has_validation:
        names += ["val_" + k for k in names]
    entry.names = names
    entry.out = out_variables(len(names))
    entry.jit = jit and _xla_friendly(template)
    entry.function = trace(entry, arrays, entry.jit)
    if list(entry.function.captured_inputs):
        # Something beyond the arguments was baked in: this function is only
        # valid for its own model.
        entry.shareable = False
        entry.model_ref = cache.model_ref(template, strong=False)
    return entry


# Layers that XLA compiles into fast CPU code.  Convolutions and recurrent
# layers compile too, but measured ~12x slower than TensorFlow's own CPU
# kernels (a digits CNN: 44 s with XLA, 3.5 s without), and image
# augmentation layers do not compile at all; models with any other layer
# run the same in-graph loop without XLA.
_XLA_LAYERS = tuple(
    getattr(keras.layers, name)
    for name in (
        "InputLayer",
        "Dense",
        "Dropout",
        "AlphaDropout",
        "GaussianNoise",
        "GaussianDropout",
        "BatchNormalization",
        "LayerNormalization",
        "Activation",
        "ReLU",
        "LeakyReLU",
        "ELU",
        "PReLU",
        "Softmax",
        "Flatten",
        "Reshape",
        "Concatenate",
        "Add",
        "Multiply",
        "Normalization",
    )
    if hasattr(keras.layers, name)
)


def _xla_friendly(model):
    """True if every layer of ``model`` is one XLA runs fast on (above)."""
    return all(
        isinstance(layer, (keras.Model,) + _XLA_LAYERS) for layer in iter_layers(model)
    )


class TrainRunner:
    """Runs chunks of epochs for :func:`skkeras._engine.loop.drive`."""

    def __init__(self, entry, model, tensors, seed, arrays, check_nan=False):
        self.entry = entry
        self.model = model
        self.names = entry.names
        self.has_validation = entry.spec.has_validation
        self.check_nan = check_nan
        self._arrays = arrays
        self._out = out_variables(len(entry.names))
        self._variables = entry.variables_for(model) + self._out
        self._tensors = tensors
        self._seed = tf.constant(seed, tf.int64)

    def train_epochs(self, first_epoch, n_epochs, rule=loop.NO_RULE):
        entry = self.entry
        tol, patience, best, count = rule
        args = (
            self._variables,
            *self._tensors,
            self._seed,
            tf.constant(first_epoch, tf.int64),
            tf.constant(n_epochs, tf.int32),
            tf.constant(self.check_nan),
            tf.constant(tol, tf.float32),
            tf.constant(patience, tf.float32),
            tf.constant(best, tf.float32),
            tf.constant(count, tf.int32),
        )
        # The first XLA run of an entry may fail to compile part-way through
        # (the validation step after the training steps, say): keep a copy
        # of the state to roll back to before tracing again without XLA.
        snapshot = None
        if entry.jit and not entry.verified:
            snapshot = [v.numpy() for v in self._variables]
        try:
            try:
                buf, done, stopped = entry.function(*args)
            except tf.errors.OpError as exc:
                if snapshot is None:
                    raise
                for v, value in zip(self._variables, snapshot):
                    v.assign(value)
                with cache.LOCK:
                    if entry.jit:
                        entry.function = trace(entry, self._arrays, False)
                        entry.jit = False
                        entry.xla_error = f"{type(exc).__name__}: {str(exc)[:2000]}"
                buf, done, stopped = entry.function(*args)
            entry.verified = True
            done = int(done)
            stopped = int(stopped)
            rows = buf.numpy()[:done].tolist()
        except KeyboardInterrupt as exc:
            # TensorFlow raises a Ctrl-C pressed during the call as the call
            # returns: the model is trained, the return values are lost.
            finished = self._finished(first_epoch)
            if finished is None:  # the call never ran: the model is as it was
                raise
            raise Interrupted(*finished) from exc
        return rows, (stopped if stopped >= 0 else None)

    def _finished(self, first_epoch):
        """``(rows, stopped batch)`` of the call that began at ``first_epoch``,
        read from the variables it left them in, or None if it did not run."""
        rows, info = self._out
        epoch0, done, stopped = (int(v) for v in info.numpy())
        if epoch0 != first_epoch:
            return None
        return rows.numpy()[:done].tolist(), (stopped if stopped >= 0 else None)

    def finish(self, ran):
        if ran:
            self.model.optimizer.finalize_variable_values(self.model.trainable_weights)


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
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    groups = models.state_groups(model)
    shared_key = structure_key(model, groups)

    # XLA for the loop unless the configuration's engine_jit is False;
    # loops traced with and without it are kept apart.
    jit = get_config().engine_jit

    def build(template, shared):
        return _build_train_entry(template, shared, spec, arrays, jit)

    key = CacheKey(shared_key, cache.model_identity(model), (spec, jit))
    entry = cache.lookup(model, key, build)
    # A loop traced for another model leaves this one's loss and metrics
    # unbuilt, and its callbacks read them.
    models.build_compiled(model, y)
    n = len(x)
    nv = len(val[0]) if val is not None else 0
    padded = [sizing.pad(a, sizing.rows_for(n, batch_size)) for a in arrays[:3]]
    padded += [
        sizing.pad(a, sizing.rows_for(nv, val_batch_size)) if nv else a
        for a in arrays[3:]
    ]
    tensors = tuple(cast(a) for a in padded) + (
        tf.constant(n, tf.int32),
        tf.constant(nv, tf.int32),
    )
    return TrainRunner(entry, model, tensors, seed, arrays, check_nan)


BACKEND = ModuleBackend("tensorflow", sys.modules[__name__])
