"""Compiled training loop and prediction for the TensorFlow backend.

One ``tf.function`` runs up to :data:`~skkeras._engine_common.EPOCH_CHUNK`
whole epochs: for each epoch it resets the metrics, draws a permutation of
the rows from a stateless generator seeded by ``(seed, epoch)``, runs
``model.train_step`` over the full mini-batches in a ``tf.while_loop`` and
then over the last, partial batch (as ``Model.fit`` does), reads the
epoch's metrics, and evaluates the validation data with
``model.test_step``.  The learning rate and every other piece of state live
in variables, so callbacks that change them between calls are honoured.  A
call also ends early where the loss rule of
:func:`skkeras._engine_common.stop_rule` might stop training.

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
compilation.  The key (:func:`skkeras._structure.structure_key`) is
only formed for Sequential/Functional models of built-in layers with
built-in losses and metrics, whose configuration describes them fully; a
traced function that captured anything beyond its arguments is kept for its
own model only.  Metric accumulators are reset every epoch and only their
results are reported, so models other than the one traced pass per-thread
scratch variables for them.  Other models get functions of their own.

Note: ``tf.random.set_seed`` clears TensorFlow's kernel and function caches,
so the first compiled call after it re-instantiates the function (~0.3 s).
"""

import threading
import weakref

import keras
import tensorflow as tf

from . import _engine_common as common
from . import _keras_compat
from ._config import get_config
from ._engine_common import Unsupported
from ._structure import iter_layers, structure_key

_SHARED = common.FunctionCache(maxsize=16)
_PER_MODEL = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()


def model_reason(model):
    if tf.distribute.has_strategy() or (
        _keras_compat.distribution_strategy(model) is not None
    ):
        return "a tf.distribute strategy is in use"
    return None


def _flat(groups):
    seen = set()
    out = []
    for group in groups:
        for v in group:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
    return out


def _native(v):
    value = v.value if isinstance(v, keras.Variable) else v
    if not isinstance(value, tf.Variable):
        raise Unsupported(f"variable {getattr(v, 'path', v)} is not a tf.Variable")
    return value


def _signature(variables):
    return [(tuple(v.shape), str(v.dtype)) for v in variables]


def _spec(a, name):
    if a is None:
        return None
    return tf.TensorSpec((None,) + tuple(a.shape[1:]), common.cast_dtype(a), name=name)


def _cast(a):
    """Convert an array as Keras' array adapter does (floats to floatx)."""
    if a is None:
        return None
    return tf.convert_to_tensor(a.astype(common.cast_dtype(a), copy=False))


def _per_model_key(model, variables):
    """Identity of everything a per-model trace baked in."""
    return (
        id(model.optimizer),
        tuple(id(m) for m in model.metrics),
        tuple(id(v) for v in variables),
        repr(getattr(model, "loss", None)),
    )


def _lookup(model, shared_key, local_key, settings, build):
    """Find or build an entry: shared by architecture, else per model.

    ``build(model, shared)`` traces for ``model``; an entry whose trace
    captured more than its arguments comes back with ``shareable`` False and
    is kept for ``model`` only.
    """
    with _LOCK:
        entry = None
        if shared_key is not None:
            entry = _SHARED.get((shared_key, settings))
        if entry is None:
            per_model = _PER_MODEL.setdefault(model, {})
            entry = per_model.get((local_key, settings))
            if entry is None:
                entry = common.build_or_fail(build, model, shared_key is not None)
                if shared_key is not None and (
                    isinstance(entry, common.Failed) or entry.shareable
                ):
                    _SHARED.put((shared_key, settings), entry)
                else:
                    per_model[(local_key, settings)] = entry
        if isinstance(entry, common.Failed):
            raise Unsupported(entry.reason)
        return entry


# --------------------------------------------------------------------------
# Training


def _function_variables(model, extra_metrics=None):
    """Variables passed to a training function, in a fixed order."""
    flat = _flat(common.state_groups(model))
    if extra_metrics is None:
        seen = {id(v) for v in flat}
        extra_metrics = [v for v in model.metrics_variables if id(v) not in seen]
    return [_native(v) for v in flat], [_native(v) for v in extra_metrics]


class _TrainEntry:
    def __init__(self, template, shared, settings):
        self.model_ref = common.model_ref(template, strong=shared)
        self.shareable = shared
        self.settings = settings
        self.names = None
        self.jit = None
        self.verified = False
        self.xla_error = None
        self.function = None
        self.template_id = id(template)
        state, metrics = _function_variables(template)
        self.state_signature = _signature(state)
        self.metric_specs = [(tuple(v.shape), v.dtype) for v in metrics]
        self._scratch = threading.local()

    def variables_for(self, model):
        """The argument list for a run of ``model``.

        The traced model passes its own variables; other models pass their
        state and per-thread scratch metric accumulators.
        """
        if id(model) == self.template_id and self.model_ref() is model:
            state, metrics = _function_variables(model)
        else:
            scratch = getattr(self._scratch, "variables", None)
            if scratch is None:
                scratch = [
                    tf.Variable(tf.zeros(shape, dtype), trainable=False)
                    for shape, dtype in self.metric_specs
                ]
                self._scratch.variables = scratch
            state, metrics = _function_variables(model, scratch)
        if _signature(state) != self.state_signature:
            raise Unsupported("the model's variables do not match the trace")
        return state + metrics


def _make_train_function(entry, jit):
    """The compiled loop: up to EPOCH_CHUNK epochs per call.

    The arrays arrive padded with zero rows to a bucket size (see
    :func:`~skkeras._engine_common.bucket`); ``n`` and ``nv`` give the real
    numbers of rows.  The full mini-batches of an epoch run in an
    XLA-compiled inner function whose shapes depend only on the bucket, so
    XLA compiles once per architecture, batch size and bucket rather than
    once per dataset size; the last, partial batch (whose size varies) runs
    in the plain-graph outer function, which also shuffles, reads the logs
    and loops over epochs.
    """
    batch_size, val_batch_size, shuffle, _, has_val = entry.settings[:5]
    names = entry.names
    width = len(names)
    model_ref = entry.model_ref
    out_rows, out_info = entry.out

    def gather(x, y, sw, idx):
        data = (tf.gather(x, idx), tf.gather(y, idx))
        if sw is not None:
            data = data + (tf.gather(sw, idx),)
        return data

    def results(model):
        out = []
        for name, value in model.get_metrics_result().items():
            value = tf.convert_to_tensor(value)
            if value.shape.rank != 0:
                raise Unsupported(f"metric {name} is not a scalar")
            out.append((name, tf.cast(value, tf.float32)))
        return out

    def loss_is_bad(model, check_nan):
        value = tf.convert_to_tensor(common.loss_metric(model).result())
        return tf.logical_and(
            check_nan, tf.logical_not(tf.reduce_all(tf.math.is_finite(value)))
        )

    def full_train_batches(x, y, sw, perm, full, check_nan):
        model = model_ref()
        bs = batch_size

        def cond(i, stop):
            return tf.logical_and(i < full, stop < 0)

        def body(i, stop):
            idx = tf.slice(perm, [i * bs], [bs])
            model.train_step(gather(x, y, sw, idx))
            return i + 1, tf.where(loss_is_bad(model, check_nan), i, stop)

        _, stop = tf.while_loop(
            cond, body, (tf.constant(0), tf.constant(-1)), parallel_iterations=1
        )
        return stop

    def full_test_batches(x, y, sw, full):
        model = model_ref()
        bs = val_batch_size

        def body(i):
            model.test_step(gather(x, y, sw, i * bs + tf.range(bs)))
            return i + 1

        tf.while_loop(
            lambda i: i < full, body, (tf.constant(0),), parallel_iterations=1
        )
        return tf.constant(0)

    full_train_batches = tf.function(
        full_train_batches, jit_compile=jit, autograph=False
    )
    full_test_batches = tf.function(full_test_batches, jit_compile=jit, autograph=False)

    def fn(
        variables,
        x,
        y,
        sw,
        xv,
        yv,
        swv,
        n,
        nv,
        seed,
        epoch0,
        n_epochs,
        check_nan,
        tol,
        patience,
        best,
        count,
    ):
        # ``variables`` are not read here by name: the model's own variable
        # objects are, and TensorFlow binds each of them to the argument it
        # was passed as, so the traced function runs on whichever model's
        # variables a call passes.
        del variables
        model = model_ref()
        bucket = tf.shape(x)[0]

        def one_epoch(epoch):
            model.reset_metrics()
            if shuffle:
                u = tf.random.stateless_uniform([n], seed=tf.stack([seed, epoch]))
                perm = tf.argsort(u)
            else:
                perm = tf.range(n)
            full = n // batch_size
            padded = tf.concat([perm, tf.zeros([bucket - n], perm.dtype)], 0)
            stop = full_train_batches(x, y, sw, padded, full, check_nan)

            def last():
                model.train_step(gather(x, y, sw, perm[full * batch_size :]))
                return tf.where(loss_is_bad(model, check_nan), full, stop)

            stop = tf.cond(
                tf.logical_and(full * batch_size < n, stop < 0),
                last,
                lambda: tf.identity(stop),
            )
            logs = results(model)
            if has_val:
                model.reset_metrics()
                vfull = nv // val_batch_size
                with tf.control_dependencies([full_test_batches(xv, yv, swv, vfull)]):
                    rest = tf.range(vfull * val_batch_size, nv)

                def val_last():
                    model.test_step(gather(xv, yv, swv, rest))
                    return tf.constant(0)

                tf.cond(vfull * val_batch_size < nv, val_last, lambda: tf.constant(0))
                logs += [("val_" + k, v) for k, v in results(model)]
            if [k for k, _ in logs] != names:
                raise Unsupported("metric names differ between eager and graph")
            return tf.stack([v for _, v in logs]), stop

        iloss = names.index("loss")

        # The loss rule (tol, patience, best, count) may end the call early
        # (skkeras._engine_common.stop_rule).
        def cond(k, buf, stopped, best, count):
            go = tf.logical_and(k < n_epochs, stopped < 0)
            return tf.logical_and(go, tf.cast(count, tf.float32) <= patience)

        def body(k, buf, stopped, best, count):
            row, stopped = one_epoch(epoch0 + tf.cast(k, tf.int64))
            buf = tf.tensor_scatter_nd_update(buf, [[k]], row[None])
            best, count = common.rule_update(
                row[iloss],
                tol,
                best,
                count,
                where=tf.where,
                isfinite=tf.math.is_finite,
                absolute=tf.abs,
            )
            return k + 1, buf, stopped, best, count

        buf = tf.zeros([common.EPOCH_CHUNK, width], tf.float32)
        k, buf, stopped, _, _ = tf.while_loop(
            cond,
            body,
            (tf.constant(0), buf, tf.constant(-1), best, count),
            parallel_iterations=1,
        )
        # The outputs also go to variables: a KeyboardInterrupt that Python
        # raises as the call returns loses the return values, not the
        # training (TrainRunner.run reads them back).
        info = tf.stack([epoch0, tf.cast(k, tf.int64), tf.cast(stopped, tf.int64)])
        with tf.control_dependencies([out_rows.assign(buf), out_info.assign(info)]):
            return tf.identity(buf), tf.identity(k), tf.identity(stopped)

    return tf.function(fn, autograph=False)


def _trace(entry, arrays, jit):
    function = _make_train_function(entry, jit)
    names = ("x", "y", "sw", "xv", "yv", "swv")
    state, metrics = _function_variables(entry.model_ref())
    return function.get_concrete_function(
        state + metrics + entry.out,
        *[_spec(a, name) for a, name in zip(arrays, names)],
        tf.TensorSpec([], tf.int32, name="n"),
        tf.TensorSpec([], tf.int32, name="nv"),
        tf.TensorSpec([], tf.int64, name="seed"),
        tf.TensorSpec([], tf.int64, name="epoch0"),
        tf.TensorSpec([], tf.int32, name="n_epochs"),
        tf.TensorSpec([], tf.bool, name="check_nan"),
        tf.TensorSpec([], tf.float32, name="tol"),
        tf.TensorSpec([], tf.float32, name="patience"),
        tf.TensorSpec([], tf.float32, name="best"),
        tf.TensorSpec([], tf.int32, name="count"),
    )


def _build_train_entry(template, shared, settings, arrays, jit):
    x, y, sw = arrays[:3]
    common.ensure_built(template, x, y, sw, _cast)
    if common.loss_metric(template) is None:
        raise Unsupported("the model has no 'loss' metric")
    entry = _TrainEntry(template, shared, settings)
    names = list(template.get_metrics_result())
    if settings[4]:
        names += ["val_" + k for k in names]
    entry.names = names
    entry.out = _out_variables(len(names))
    entry.jit = jit and _xla_friendly(template)
    entry.function = _trace(entry, arrays, entry.jit)
    if list(entry.function.captured_inputs):
        # Something beyond the arguments was baked in: this function is only
        # valid for its own model.
        entry.shareable = False
        entry.model_ref = common.model_ref(template, strong=False)
    return entry


def _out_variables(width):
    """Where a training call leaves its outputs: the logs of up to
    EPOCH_CHUNK epochs, and ``(first epoch, epochs run, stopped batch)``.

    The trace reads the entry's own; every runner passes its own in their
    place, as the model's variables are passed (see the module docstring).
    """
    return [
        tf.Variable(tf.zeros([common.EPOCH_CHUNK, width], tf.float32), trainable=False),
        tf.Variable(tf.constant([-1, 0, -1], tf.int64), trainable=False),
    ]


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
    """Runs chunks of epochs for :func:`skkeras._engine_common.drive`."""

    def __init__(self, entry, model, tensors, seed, arrays, check_nan=False):
        self.entry = entry
        self.model = model
        self.names = entry.names
        self.has_validation = entry.settings[4]
        self.check_nan = check_nan
        self._arrays = arrays
        self._out = _out_variables(len(entry.names))
        self._variables = entry.variables_for(model) + self._out
        self._tensors = tensors
        self._seed = tf.constant(seed, tf.int64)

    def run(self, first_epoch, n_epochs, rule=common.NO_RULE):
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
                with _LOCK:
                    if entry.jit:
                        entry.function = _trace(entry, self._arrays, False)
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
            raise common.Interrupted(*finished) from exc
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
    settings, arrays = common.train_settings(
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
    groups = common.state_groups(model)
    shared_key = structure_key(model, groups)
    local_key = _per_model_key(model, _flat(groups))

    # XLA for the loop unless the configuration's engine_jit is False;
    # loops traced with and without it are kept apart.
    jit = get_config().engine_jit

    def build(template, shared):
        return _build_train_entry(template, shared, settings, arrays, jit)

    entry = _lookup(model, shared_key, local_key, (settings, jit), build)
    # A loop traced for another model leaves this one's loss and metrics
    # unbuilt, and its callbacks read them.
    common.build_compiled(model, y)
    n = len(x)
    nv = len(val[0]) if val is not None else 0
    padded = [common.pad(a, common.rows_for(n, batch_size)) for a in arrays[:3]]
    padded += [
        common.pad(a, common.rows_for(nv, val_batch_size)) if nv else a
        for a in arrays[3:]
    ]
    tensors = tuple(_cast(a) for a in padded) + (
        tf.constant(n, tf.int32),
        tf.constant(nv, tf.int32),
    )
    return TrainRunner(entry, model, tensors, seed, arrays, check_nan)


# --------------------------------------------------------------------------
# Prediction


class _PredictEntry:
    def __init__(self, template, shared):
        self.model_ref = common.model_ref(template, strong=shared)
        self.shareable = shared
        self.function = None


def _make_predict_function(model_ref, bs):
    def fn(variables, x):
        del variables  # bound to the model's variables, as in training
        model = model_ref()
        n = tf.shape(x)[0]
        steps = (n + bs - 1) // bs
        first = model.predict_step((x[:bs],))
        flat = tf.nest.flatten(first)
        arrays = [
            tf.TensorArray(
                f.dtype,
                size=steps,
                infer_shape=False,
                element_shape=tf.TensorShape([None]).concatenate(f.shape[1:]),
            ).write(0, f)
            for f in flat
        ]

        def body(i, arrays):
            out = tf.nest.flatten(model.predict_step((x[i * bs : (i + 1) * bs],)))
            return i + 1, [a.write(i, o) for a, o in zip(arrays, out)]

        _, arrays = tf.while_loop(
            lambda i, _: i < steps, body, (tf.constant(1), arrays)
        )
        return tf.nest.pack_sequence_as(first, [a.concat() for a in arrays])

    return tf.function(fn, autograph=False)


def predict(model, x, batch_size=None):
    """Compiled ``model.predict(x)``; raises :class:`Unsupported`."""
    bs = common.predict_batch_size(x, batch_size)
    settings = ("predict", bs, tuple(x.shape[1:]), str(common.cast_dtype(x)))
    groups = [list(model.trainable_variables), list(model.non_trainable_variables)]
    variables = [_native(v) for v in _flat(groups)]
    shared_key = structure_key(model, groups, with_compile=False)
    local_key = ("predict",) + tuple(id(v) for v in variables)

    def build(template, shared):
        entry = _PredictEntry(template, shared)
        function = _make_predict_function(entry.model_ref, bs)
        entry.function = function.get_concrete_function(variables, _spec(x, "x"))
        entry.signature = _signature(variables)
        if list(entry.function.captured_inputs):
            entry.shareable = False
            entry.model_ref = common.model_ref(template, strong=False)
        return entry

    entry = _lookup(model, shared_key, local_key, settings, build)
    if _signature(variables) != entry.signature:
        raise Unsupported("the model's variables do not match the trace")
    out = entry.function(variables, _cast(x))
    return tf.nest.map_structure(lambda t: t.numpy(), out)
