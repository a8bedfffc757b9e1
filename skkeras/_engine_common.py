"""Backend-neutral pieces of the compiled training engine.

:mod:`skkeras._engine` decides, for every call of ``train``/``predict``,
whether the compiled engine applies (the rules live here) and then lets a
backend module (:mod:`skkeras._engine_tf`, :mod:`skkeras._engine_jax`) build
a *runner*: an object whose ``run(first_epoch, n_epochs)`` trains whole
epochs in one compiled call and returns their logs.  :func:`drive` turns
those runs into the epoch loop of ``Model.fit``: the same callback calls,
the same ``logs``, the same progress display and the same History.

This module also holds the cache shared by the backends
(:class:`FunctionCache`) and :func:`structure_key`, the key under which a
compiled function traced for one model may be reused by another model of
the same architecture.
"""

import collections
import json
import math
import sys
import threading
import weakref

import numpy as np

import keras

# Epochs run by one compiled call when nothing needs to see each epoch as it
# ends.  A constant, so that one compiled program serves both modes.
EPOCH_CHUNK = 32

# Keyword arguments of ``Model.fit`` that the compiled engine implements
# itself; any other key in ``fit_kwargs`` sends the call to ``Model.fit``.
SUPPORTED_FIT_KWARGS = frozenset({"validation_batch_size"})

_BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)


def _model_checkpoint_per_epoch(cb):
    return getattr(cb, "save_freq", None) == "epoch"


def _always(cb):
    return True


# Keras callbacks whose batch hooks the engine reproduces (ProgbarLogger: the
# bar is drawn at epoch end; TerminateOnNaN: checked after every batch inside
# the compiled loop) or that do nothing in them (ModelCheckpoint with
# save_freq="epoch").
_KNOWN_BATCH_HOOKS = (
    (
        keras.callbacks.ProgbarLogger,
        ("on_train_batch_end", "on_test_batch_end"),
        _always,
    ),
    (keras.callbacks.TerminateOnNaN, ("on_batch_end",), _always),
    (
        keras.callbacks.ModelCheckpoint,
        ("on_train_batch_end",),
        _model_checkpoint_per_epoch,
    ),
)


def _function_of(obj, name):
    fn = getattr(obj, name, None)
    return getattr(fn, "__func__", fn)


def callback_reason(callbacks):
    """Return why ``callbacks`` need ``Model.fit``, or None if they do not.

    A callback needs per-batch hooks when its class (or the instance itself,
    like ``LambdaCallback``) overrides one of the batch hooks of
    ``keras.callbacks.Callback``, unless it is one of the Keras callbacks the
    engine reproduces.
    """
    for cb in callbacks:
        if isinstance(cb, keras.callbacks.CallbackList):
            return "a CallbackList was passed as a callback"
        if not isinstance(cb, keras.callbacks.Callback):
            return f"{cb!r} is not a keras.callbacks.Callback"
        if isinstance(cb, keras.callbacks.BackupAndRestore):
            return "BackupAndRestore changes the initial epoch"
        for hook in _BATCH_HOOKS:
            if hook in vars(cb):
                return f"{type(cb).__name__} sets {hook} per instance"
            fn = _function_of(type(cb), hook)
            if fn is _function_of(keras.callbacks.Callback, hook):
                continue
            if any(
                isinstance(cb, cls)
                and hook in hooks
                and fn is _function_of(cls, hook)
                and ok(cb)
                for cls, hooks, ok in _KNOWN_BATCH_HOOKS
            ):
                continue
            return f"{type(cb).__name__} overrides {hook}"
    return None


def array_reason(a, name):
    """Return why ``a`` cannot be fed to the compiled engine, or None."""
    if not isinstance(a, np.ndarray):
        return f"{name} is a {type(a).__name__}, not a NumPy array"
    if a.dtype.kind not in "biuf":
        return f"{name} has dtype {a.dtype}"
    if a.ndim == 0 or a.shape[0] == 0:
        return f"{name} has no rows"
    return None


def data_reason(x, y, sample_weight):
    """Check one (x, y, sample_weight) triple; return a reason or None."""
    reason = array_reason(x, "x") or array_reason(y, "y")
    if reason:
        return reason
    if len(y) != len(x):
        return "x and y differ in length"
    if sample_weight is not None:
        reason = array_reason(sample_weight, "sample_weight")
        if reason:
            return reason
        if sample_weight.shape[0] != len(x):
            return "sample_weight and x differ in length"
    return None


def model_reason(model):
    """Reasons, common to all backends, to leave a model to ``Model.fit``."""
    if not isinstance(model, keras.Model):
        return "not a keras.Model"
    if not getattr(model, "compiled", False) or model.optimizer is None:
        return "model is not compiled"
    if not model.built:
        return "model is not built"
    if model.run_eagerly:
        return "model.run_eagerly is set"
    cls = type(model)
    for name in ("train_step", "test_step"):
        if _function_of(cls, name) is not _function_of(keras.Model, name):
            return f"{cls.__name__} overrides {name}"
    outputs = getattr(model, "outputs", None)
    if outputs is not None and len(outputs) != 1:
        return "model has several outputs"
    inputs = getattr(model, "inputs", None)
    if inputs is not None and len(inputs) != 1:
        return "model has several inputs"
    if keras.config.max_epochs() or keras.config.max_steps_per_epoch():
        return "keras.config limits epochs or steps"
    if isinstance(model.optimizer.learning_rate, (int, float)):
        return "optimizer learning rate is not a variable"
    return None


# --------------------------------------------------------------------------
# Keys under which compiled functions are shared between models


def iter_layers(layer):
    yield layer
    for sub in getattr(layer, "layers", None) or ():
        if sub is not layer:
            yield from iter_layers(sub)
    for attr in ("layer", "forward_layer", "backward_layer", "cell"):
        sub = getattr(layer, attr, None)
        if isinstance(sub, keras.layers.Layer):
            yield from iter_layers(sub)


def _keras_only(obj):
    """True if a serialized config names only classes shipped with Keras."""
    if isinstance(obj, dict):
        module = obj.get("module")
        if module is not None and not str(module).startswith("keras"):
            return False
        if obj.get("registered_name") not in (None, obj.get("class_name")):
            return False
        if obj.get("class_name") == "function" and module is None:
            return False
        return all(_keras_only(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_keras_only(v) for v in obj)
    return True


# Built-in layers whose behaviour is Python code their config cannot pin down.
_OPAQUE_LAYERS = tuple(
    cls
    for cls in (
        getattr(keras.layers, "Lambda", None),
        getattr(keras.layers, "TFSMLayer", None),
        getattr(keras.layers, "JaxLayer", None),
        getattr(keras.layers, "FlaxLayer", None),
        getattr(keras.layers, "TorchModuleWrapper", None),
    )
    if isinstance(cls, type)
)


_KEYS = weakref.WeakKeyDictionary()
_KEYS_LOCK = threading.Lock()


def structure_key(model, variable_groups, with_compile=True):
    """Cached :func:`_structure_key` (serializing a model costs ~1 ms).

    The cache entry is dropped when anything that could change the
    configuration changes: the variables, a layer's ``trainable`` flag or
    dtype policy, the optimizer or the compiled metrics (a new compile).
    """
    layers = list(iter_layers(model))
    fingerprint = (
        bool(with_compile),
        tuple(id(v) for group in variable_groups for v in group),
        tuple((id(la), la.trainable, str(la.dtype_policy.name)) for la in layers),
        id(getattr(model, "optimizer", None)),
        tuple(id(m) for m in model.metrics) if with_compile else (),
    )
    with _KEYS_LOCK:
        cached = _KEYS.get(model, {}).get(fingerprint, _MISSING)
    if cached is not _MISSING:
        return cached
    key = _structure_key(model, variable_groups, with_compile)
    with _KEYS_LOCK:
        per_model = _KEYS.setdefault(model, {})
        if len(per_model) > 8:
            per_model.clear()
        per_model[fingerprint] = key
    return key


_MISSING = object()


def _structure_key(model, variable_groups, with_compile=True):
    """A hashable key shared exactly by models a traced function fits.

    Returns None when the model may behave in ways its configuration does not
    describe (subclassed models, custom layers, custom losses/metrics), in
    which case compiled functions are reused only for the same model object.
    The key holds the model's configuration with layer names replaced by
    their position, the compile configuration without the learning rate
    (read from the optimizer variable at run time), and the shape and dtype
    of every variable the compiled function receives.
    """
    try:
        if type(model).__module__ not in (
            "keras.src.models.sequential",
            "keras.src.models.functional",
        ):
            return None
        layers = list(iter_layers(model))
        if any(not type(la).__module__.startswith("keras.") for la in layers):
            return None
        if any(isinstance(la, _OPAQUE_LAYERS) for la in layers):
            return None
        raw_config = model.get_config()
        if not _keras_only(raw_config):
            return None
        config = json.dumps(_without_initializers(raw_config), sort_keys=True, default=repr)
        compile_config = model.get_compile_config() if with_compile else {}
        if compile_config is None:
            return None
        compile_config = dict(compile_config)
        if with_compile:
            # Keras serializes a loss function by its name only; trust the
            # name when the function itself is one of Keras'.
            if not _keras_loss(getattr(model, "loss", None)):
                return None
            compile_config["loss"] = _loss_name(model.loss)
            optimizer = model.optimizer
            if getattr(optimizer, "_exclude_from_weight_decay", None) or getattr(
                optimizer, "_exclude_from_weight_decay_pattern", None
            ):
                return None  # per-variable choices the config does not hold
        if not _keras_only(compile_config):
            return None
        for name in ("metrics", "weighted_metrics"):
            if not _plain_compile_arg(compile_config.get(name)):
                return None
        opt = dict(compile_config.get("optimizer") or {})
        opt_conf = dict(opt.get("config") or {})
        if isinstance(opt_conf.get("learning_rate"), (int, float)):
            opt_conf.pop("learning_rate")
        opt_conf.pop("name", None)
        opt["config"] = opt_conf
        compile_config["optimizer"] = opt
        compile_json = json.dumps(compile_config, sort_keys=True, default=repr)
    except Exception:  # noqa: BLE001 - unserializable: no sharing
        return None
    names = [model.name]
    _layer_names(json.loads(config), names)
    for i, name in sorted(enumerate(names), key=lambda t: -len(t[1])):
        config = config.replace(json.dumps(name), f'"#layer{i}"')
    variables = tuple(
        tuple((tuple(v.shape), str(v.dtype)) for v in group)
        for group in variable_groups
    )
    return (
        type(model).__name__,
        config,
        compile_json,
        variables,
        keras.config.floatx(),
        str(keras.config.dtype_policy().name),
    )


# Layers whose ``seed`` only sets the starting state of their SeedGenerator
# variable, which compiled functions receive as an argument.
_SEEDED_BY_STATE = frozenset(
    {
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianDropout",
        "GaussianNoise",
        "AlphaDropout",
    }
)


def _without_initializers(config):
    """``config`` without ``*_initializer`` entries and dropout seeds.

    Initializers and the seeds of dropout layers set the variables' starting
    values, which a compiled function receives as arguments: models that
    differ only in them (grid searches over ``kernel_initializer``, fits with
    different ``random_state``) share one trace.
    """
    if isinstance(config, dict):
        out = {
            k: _without_initializers(v)
            for k, v in config.items()
            if not str(k).endswith("_initializer")
        }
        if config.get("class_name") in _SEEDED_BY_STATE and isinstance(
            out.get("config"), dict
        ):
            out["config"].pop("seed", None)
        return out
    if isinstance(config, list):
        return [_without_initializers(v) for v in config]
    return config


def _layer_names(config, names):
    """Collect the names of the layers listed in a model config."""
    if isinstance(config, dict):
        for item in config.get("layers") or ():
            if isinstance(item, dict):
                for name in (item.get("name"), (item.get("config") or {}).get("name")):
                    if isinstance(name, str) and name not in names:
                        names.append(name)
        for value in config.values():
            if isinstance(value, (dict, list)):
                _layer_names(value, names)
    elif isinstance(config, list):
        for value in config:
            _layer_names(value, names)


def _keras_loss(loss):
    """True if a compile() loss argument is made of Keras' own losses."""
    if loss is None or isinstance(loss, str):
        return True
    if isinstance(loss, dict):
        return all(_keras_loss(v) for v in loss.values())
    if isinstance(loss, (list, tuple)):
        return all(_keras_loss(v) for v in loss)
    if isinstance(loss, keras.losses.Loss):
        return type(loss).__module__.startswith("keras.") and _keras_only(
            keras.saving.serialize_keras_object(loss)
        )
    module = getattr(loss, "__module__", None) or ""
    name = getattr(loss, "__name__", "")
    return (
        callable(loss)
        and module.startswith("keras.")
        and getattr(keras.losses, name, None) is loss
    )


def _loss_name(loss):
    """A JSON-able description of a loss made of Keras' own losses."""
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        return {k: _loss_name(v) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_loss_name(v) for v in loss]
    if isinstance(loss, keras.losses.Loss):
        return keras.saving.serialize_keras_object(loss)
    return "keras.losses." + loss.__name__


def _plain_compile_arg(value):
    """Loss/metric compile args that serialize faithfully (no functions)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, dict):
        if "class_name" in value:
            module = str(value.get("module") or "")
            if value.get("class_name") == "function" or not module.startswith("keras"):
                return False
            return _keras_only(value)
        return all(_plain_compile_arg(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_plain_compile_arg(v) for v in value)
    return False


class FunctionCache:
    """A small thread-safe LRU map from keys to compiled-function entries."""

    def __init__(self, maxsize=32):
        self.maxsize = maxsize
        self._data = collections.OrderedDict()
        self._lock = threading.RLock()

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self):
        with self._lock:
            self._data.clear()

    def __len__(self):
        with self._lock:
            return len(self._data)


# --------------------------------------------------------------------------
# The epoch loop around a runner


def _print_msg(message):
    if keras.config.is_interactive_logging_enabled():
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
    else:  # pragma: no cover - absl logging mode
        import logging

        logging.getLogger("keras").info(message)


# The loss rule of a loop with none: never stops.
NO_RULE = (0.0, math.inf, math.inf, 0)


def stop_rule(callbacks, verbose=0):
    """``(chunk, rule)``: how many epochs one compiled call may run, and the
    callback whose loss rule the loop evaluates (or None).

    Callbacks see the model between epochs, so with any, a call runs one
    epoch, except for a lone callback that stops on the training loss alone
    (:meth:`skkeras._callbacks.Convergence.loss_rule`, scikit-learn's
    ``tol`` and ``n_iter_no_change``).  The loop then evaluates that rule
    after every epoch, conservatively (an epoch counts as an improvement
    only if it improves by ``tol`` plus a margin that covers float32
    rounding), and ends the call at the first epoch where the callback
    might stop training; the callback, run on the logs afterwards, decides.
    """
    callbacks = list(callbacks or [])
    if verbose != 0:
        return 1, None
    if not callbacks:
        return EPOCH_CHUNK, None
    rule = getattr(callbacks[0], "loss_rule", None)
    if len(callbacks) == 1 and rule is not None and rule() is not None:
        return EPOCH_CHUNK, callbacks[0]
    return 1, None


def rule_values(callback):
    """The current ``(tol, patience, best loss, count)`` of ``callback``'s
    loss rule, or :data:`NO_RULE`."""
    return NO_RULE if callback is None else callback.loss_rule()


def rule_update(loss, tol, best, count, *, where, isfinite, absolute):
    """One epoch of the conservative loss rule (see :func:`stop_rule`), with
    the backend's ``where``, ``isfinite`` and ``absolute``: the new ``(best,
    count)``.  float32 ``loss``, ``tol`` and ``best``; int32 ``count``.

    The callback counts an epoch without improvement unless ``loss <= best -
    tol`` in float64; here it must count every such epoch (and may count
    more), so an improvement needs ``tol`` plus a margin of 1e-6 of
    ``|best| + tol``, well above float32's rounding of the subtraction.
    """
    margin = where(isfinite(best), 1e-6 * (absolute(best) + tol), 0.0 * tol)
    improved = loss <= best - tol - margin
    count = where(improved, count * 0, count + 1)
    best = where(loss < best, loss, best)
    return best, count


def nan_checks(callbacks):
    """The callbacks among ``callbacks`` that stop on a non-finite loss
    (``TerminateOnNaN``); the compiled loops check the loss after every batch
    only when there are some."""
    return [cb for cb in callbacks or () if isinstance(cb, keras.callbacks.TerminateOnNaN)]


def drive(
    model,
    runner,
    *,
    epochs,
    initial_epoch,
    callbacks,
    verbose,
    steps,
):
    """Run ``epochs`` epochs through ``runner`` with ``Model.fit``'s callbacks.

    ``runner.run(first_epoch, n)`` trains up to ``n`` epochs and returns
    ``(rows, stopped_batch)``: one list of floats per epoch run, in the order
    of ``runner.names``, and the batch at which a non-finite loss stopped the
    last epoch (None if it did not).  ``runner.finish()`` is called once at
    the end.  Returns the History dict of this call.
    """
    callbacks = list(callbacks or [])
    nan_callbacks = nan_checks(callbacks)
    cbks = keras.callbacks.CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        verbose=verbose,
        epochs=initial_epoch + epochs,
        steps=steps,
        model=model,
    )
    # One epoch per compiled call whenever something may look at, or act on,
    # the model between epochs; otherwise whole chunks of epochs per call.
    chunk, rule = stop_rule(callbacks, verbose)
    per_epoch = chunk == 1
    names = runner.names
    has_val = runner.has_validation
    model.stop_training = False
    cbks.on_train_begin()
    training_logs = None
    epoch = initial_epoch
    end = initial_epoch + epochs
    try:
        while epoch < end and not model.stop_training:
            if per_epoch:
                cbks.on_epoch_begin(epoch)
            rows, stopped_batch = runner.run(
                epoch, min(chunk, end - epoch), rule_values(rule)
            )
            epoch, logs = report_epochs(
                cbks, model, names, rows, epoch, stopped_batch,
                per_epoch=per_epoch, has_val=has_val, nan_callbacks=nan_callbacks,
            )
            training_logs = logs or training_logs
    finally:
        runner.finish(epoch > initial_epoch)
    cbks.on_train_end(logs=training_logs)
    history = model.history.history if model.history is not None else {}
    return {key: [float(v) for v in values] for key, values in history.items()}


def report_epochs(
    cbks, model, names, rows, epoch, stopped_batch, *, per_epoch, has_val, nan_callbacks
):
    """Hand the logs of epochs a compiled run trained to the callbacks.

    ``rows`` are the runs' per-epoch values in the order of ``names``, the
    first for epoch ``epoch``; ``stopped_batch`` is the batch at which a
    non-finite loss ended the last one (or None).  With ``per_epoch`` the
    caller has already called ``on_epoch_begin``.  Stops early when a
    callback sets ``model.stop_training``.  Returns ``(next epoch, logs of
    the last epoch reported or None)``.
    """
    logs = None
    for i, row in enumerate(rows):
        logs = dict(zip(names, row))
        if not per_epoch:
            cbks.on_epoch_begin(epoch)
        if stopped_batch is not None and i == len(rows) - 1:
            for cb in nan_callbacks:
                _terminate_on_nan(cb, model, stopped_batch, logs)
        if has_val and per_epoch:
            val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
            cbks.on_test_begin()
            cbks.on_test_end(val)
        cbks.on_epoch_end(epoch, logs)
        epoch += 1
        if model.stop_training:
            break
    return epoch, logs


def _terminate_on_nan(cb, model, batch, logs):
    loss = logs.get("loss")
    if getattr(cb, "raise_error", False):
        raise RuntimeError(
            f"NaN or Inf loss encountered at batch {batch}. "
            f"Loss value: {loss}. Terminating training immediately."
        )
    _print_msg(f"Batch {batch}: Invalid loss, terminating training")
    model.stop_training = True


def train_settings(x, y, sw, val, *, batch_size, val_batch_size, shuffle):
    """``(settings, arrays)``: what a compiled loop is specialised for.

    ``settings`` is ``(batch size, validation batch size, shuffle, sample
    weights given, validation data given, validation weights given, the
    shape past the first axis and dtype of every array)``; ``arrays`` is
    ``(x, y, sw, x_val, y_val, sw_val)``.
    """
    arrays = (x, y, sw) + (tuple(val) if val is not None else (None, None, None))
    shapes = tuple(
        None if a is None else (tuple(a.shape[1:]), str(cast_dtype(a))) for a in arrays
    )
    settings = (
        int(batch_size),
        int(val_batch_size),
        bool(shuffle),
        sw is not None,
        val is not None,
        arrays[5] is not None,
        shapes,
    )
    return settings, arrays


def bucket(n):
    """Round ``n`` up to a size from a geometric ladder (<= 12.5% larger).

    Arrays are padded to these sizes so that XLA compiles once per size
    bucket rather than once per dataset size.
    """
    step = max(1, 1 << max(0, int(n).bit_length() - 4))
    return -(-int(n) // step) * step


def rows_for(n, batch_size):
    """Rows to pad ``n`` samples to: a bucket of at least one full batch.

    A compiled slice of ``batch_size`` rows must fit the padded array even
    when fewer rows are real (the loop over full batches then runs zero
    times, but XLA checks the shapes of its body).
    """
    return bucket(max(int(n), int(batch_size)))


def pad(a, size):
    """``a`` with zero rows appended up to ``size`` rows."""
    if a is None or len(a) == size:
        return a
    filler = np.zeros((size - len(a),) + a.shape[1:], a.dtype)
    return np.concatenate([a, filler])


def num_steps(n, batch_size):
    return int(math.ceil(n / batch_size))


# --------------------------------------------------------------------------
# Pieces both backends use


class Unsupported(Exception):
    """Raised when the engine cannot reproduce ``fit`` for a model."""


class Failed:
    """Cache marker for a key whose tracing failed (go to Keras at once)."""

    def __init__(self, reason):
        self.reason = reason


def build_or_fail(build, model, shared):
    """``build(model, shared)``, or a :class:`Failed` that says why not."""
    try:
        return build(model, shared)
    except Exception as exc:  # noqa: BLE001 - remembered, then Keras is used
        return Failed(f"the compiled engine could not trace this model: {exc!r}")


def model_ref(model, strong):
    """A callable returning ``model``: a strong reference, or a weak one."""
    if strong:
        return lambda: model
    return weakref.ref(model)


def loss_metric(model):
    """The compiled model's ``loss`` tracker, or None."""
    for m in model.metrics:
        if m.name == "loss":
            return m
    return None


def ensure_built(model, x, y, sw, convert):
    """Create the optimizer and compiled-metric variables before tracing.

    Variables cannot be created inside a compiled loop, so the loss and
    metrics are evaluated once, eagerly, on one row (``convert`` makes the
    backend's arrays) and then reset: the same effect as the symbolic build
    ``Model.fit`` runs first.
    """
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    x1, y1 = convert(x[:1]), convert(y[:1])
    sw1 = None if sw is None else convert(sw[:1])
    y_pred = model(x1, training=False)
    model.compute_loss(x1, y1, y_pred, sw1, training=False)
    model.compute_metrics(x1, y1, y_pred, sample_weight=sw1)
    model.reset_metrics()


def state_groups(model):
    """The state a training run reads and writes (metrics excluded)."""
    return [
        list(model.trainable_variables),
        list(model.non_trainable_variables),
        list(model.optimizer.variables),
    ]


def cast_dtype(a):
    """The dtype Keras' array adapter gives ``a``: floats become floatx."""
    if a.dtype.kind == "f":
        return np.dtype(keras.config.floatx())
    return a.dtype


# Bytes of input per prediction batch when predict() gets batch_size=None.
_PREDICT_CHUNK_BYTES = 1 << 20


def predict_batch_size(x, batch_size):
    """``batch_size``, or one that keeps a batch of ``x`` near 1 MiB."""
    if batch_size is not None:
        return int(batch_size)
    row_bytes = max(1, int(np.prod(x.shape[1:], dtype=np.int64)) * x.dtype.itemsize)
    return max(32, _PREDICT_CHUNK_BYTES // row_bytes)
