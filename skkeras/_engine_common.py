"""Backend-neutral pieces of the compiled training engine.

:mod:`skkeras._engine` decides, for every call of ``train``/``predict``,
whether the compiled engine applies (the rules live here) and then lets a
backend module (:mod:`skkeras._engine_tf`, :mod:`skkeras._engine_jax`) build
a *runner*: an object whose ``run(first_epoch, n_epochs)`` trains whole
epochs in one compiled call and returns their logs.  :func:`drive` turns
those runs into the epoch loop of ``Model.fit``: the same callback calls,
the same ``logs``, the same progress display and the same History.

This module also holds the cache shared by the backends
(:class:`FunctionCache`), whose entries are keyed by
:func:`skkeras._structure.structure_key`.
"""

import collections
import math
import sys
import threading
import weakref

import keras
import numpy as np

from . import _keras_compat

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
    if _function_of(model, "fit") is not _function_of(keras.Model, "fit"):
        # Overridden in the class, or replaced on the instance (a wrapper or
        # a mock): the engine reproduces keras.Model.fit, not that one.
        return "the model's fit is not keras.Model.fit"
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
    return [
        cb for cb in callbacks or () if isinstance(cb, keras.callbacks.TerminateOnNaN)
    ]


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
    last epoch (None if it did not).  A KeyboardInterrupt leaves the model
    either as it was before the call, or trained by it, and then it comes as
    :class:`Interrupted` with those rows.  ``runner.finish()`` is called once
    at the end.  Returns the History dict of this call.

    On a KeyboardInterrupt (a user's Ctrl-C), the History (``model.history``)
    records every epoch the model's weights were trained for, even those
    whose callbacks the interrupt cut short, and the interrupt goes on.
    """
    callbacks = list(callbacks or [])
    nan_callbacks = nan_checks(callbacks)
    recorder = next(
        (cb for cb in callbacks if isinstance(cb, keras.callbacks.History)), None
    )
    if recorder is None:
        # Where CallbackList(add_history=True) would put it: last.
        recorder = keras.callbacks.History()
        all_callbacks = callbacks + [recorder]
    else:
        all_callbacks = callbacks
    cbks = keras.callbacks.CallbackList(
        all_callbacks,
        add_history=False,
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
    recorded = {key: len(values) for key, values in recorder.history.items()}
    training_logs = None
    epoch = trained = initial_epoch
    end = initial_epoch + epochs
    try:
        while epoch < end and not model.stop_training:
            if per_epoch:
                cbks.on_epoch_begin(epoch)
            interrupted = None
            try:
                rows, stopped_batch = runner.run(
                    epoch, min(chunk, end - epoch), rule_values(rule)
                )
            except Interrupted as exc:
                rows, stopped_batch, interrupted = exc.rows, exc.stopped_batch, exc
            first, trained = epoch, epoch + len(rows)
            try:
                epoch, logs = report_epochs(
                    cbks,
                    model,
                    names,
                    rows,
                    epoch,
                    stopped_batch,
                    per_epoch=per_epoch,
                    has_val=has_val,
                    nan_callbacks=nan_callbacks,
                )
            except KeyboardInterrupt:
                complete_history(
                    recorder, recorded, names, rows, first, first - initial_epoch
                )
                raise
            training_logs = logs or training_logs
            if interrupted is not None:
                raise interrupted
    finally:
        runner.finish(trained > initial_epoch)
    cbks.on_train_end(logs=training_logs)
    history = model.history.history if model.history is not None else {}
    return {key: [float(v) for v in values] for key, values in history.items()}


def complete_history(history, recorded, names, rows, first, offset):
    """Record in ``history`` the epochs of ``rows`` it has not recorded.

    A KeyboardInterrupt in the callbacks of an epoch (a slow checkpoint,
    say) cuts off the History's ``on_epoch_end`` of an epoch that was
    trained.  ``rows`` are the logs of epochs ``first``, ``first + 1`` ...
    in the order of ``names``; ``offset`` is the number of epochs this
    training call ran before them, and ``recorded`` the length of each of
    ``history``'s lists when it began.  Keys that callbacks add to the
    logs stay as they are: only the engine's own are known.
    """
    for j, key in enumerate(names):
        values = history.history.setdefault(key, [])
        done = len(values) - recorded.get(key, 0) - offset
        values.extend(row[j] for row in rows[max(done, 0) :])
    epochs = getattr(history, "epoch", None)
    if epochs is not None:
        epochs.extend(e for e in range(first, first + len(rows)) if e not in epochs)
    history.model.history = history


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


class Interrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that reached a runner after its compiled call had
    trained: the model holds the weights of the epochs in ``rows`` (with
    ``stopped_batch`` as ``runner.run`` returns them), which :func:`drive`
    records before passing the interrupt on."""

    def __init__(self, rows, stopped_batch):
        super().__init__()
        self.rows = rows
        self.stopped_batch = stopped_batch


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


def build_compiled(model, y):
    """Build ``model``'s compiled loss and metrics for targets like ``y``.

    :func:`ensure_built` evaluates them for the model a loop is traced
    with; a model that runs a loop traced for another (same
    :func:`~skkeras._structure.structure_key`) has them built here, the
    objects ``Model.fit`` builds, from the specs of ``y`` and of its output
    (under a millisecond, once per model).  The loop never reads them, but
    callbacks do: ``EarlyStopping``, ``ReduceLROnPlateau`` and
    ``ModelCheckpoint`` with ``mode="auto"`` look the monitored metric up by
    name for its direction.  Models without a symbolic output (subclassed ones) have no
    structure key, so they only run loops traced for themselves.
    """
    outputs = getattr(model, "outputs", None)
    if not outputs or len(outputs) != 1:
        return
    y_true = keras.KerasTensor((None,) + tuple(y.shape[1:]), str(cast_dtype(y)))
    _keras_compat.build_compiled(model, y_true, outputs[0])


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
