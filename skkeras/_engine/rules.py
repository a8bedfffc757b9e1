"""Every rule that decides whether the compiled engine runs a call.

Each ``*_reason`` function returns why a call must go to ``Model.fit`` (or
``Model.predict``), as a :class:`~skkeras._engine.types.Refusal` (a short
sentence with a code), or None when the compiled engine
may run it.  The backend adds its own rules (``model_reason`` of
:mod:`skkeras._engine.tensorflow` and :mod:`skkeras._engine.jax`).
"""

import keras
import numpy as np

from .._config import get_config
from .types import Refusal

# The reason of calls that the configuration sends to Keras.
KERAS_BY_CONFIG = Refusal("config", "engine='keras' in skkeras.config")

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


def function_of(obj, name):
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
            return Refusal("callbacks", "a CallbackList was passed as a callback")
        if not isinstance(cb, keras.callbacks.Callback):
            return Refusal("callbacks", f"{cb!r} is not a keras.callbacks.Callback")
        if isinstance(cb, keras.callbacks.BackupAndRestore):
            return Refusal("callbacks", "BackupAndRestore changes the initial epoch")
        for hook in _BATCH_HOOKS:
            if hook in vars(cb):
                return Refusal(
                    "callbacks", f"{type(cb).__name__} sets {hook} per instance"
                )
            fn = function_of(type(cb), hook)
            if fn is function_of(keras.callbacks.Callback, hook):
                continue
            if any(
                isinstance(cb, cls)
                and hook in hooks
                and fn is function_of(cls, hook)
                and ok(cb)
                for cls, hooks, ok in _KNOWN_BATCH_HOOKS
            ):
                continue
            return Refusal("callbacks", f"{type(cb).__name__} overrides {hook}")
    return None


def array_reason(a, name):
    """Return why ``a`` cannot be fed to the compiled engine, or None."""
    if not isinstance(a, np.ndarray):
        return Refusal("data", f"{name} is a {type(a).__name__}, not a NumPy array")
    if a.dtype.kind not in "biuf":
        return Refusal("data", f"{name} has dtype {a.dtype}")
    if a.ndim == 0 or a.shape[0] == 0:
        return Refusal("data", f"{name} has no rows")
    return None


def data_reason(x, y, sample_weight):
    """Check one (x, y, sample_weight) triple; return a reason or None."""
    reason = array_reason(x, "x") or array_reason(y, "y")
    if reason:
        return reason
    if len(y) != len(x):
        return Refusal("data", "x and y differ in length")
    if sample_weight is not None:
        reason = array_reason(sample_weight, "sample_weight")
        if reason:
            return reason
        if sample_weight.shape[0] != len(x):
            return Refusal("data", "sample_weight and x differ in length")
    return None


def model_reason(model):
    """Reasons, common to all backends, to leave a model to ``Model.fit``."""
    if not isinstance(model, keras.Model):
        return Refusal("model", "not a keras.Model")
    if not getattr(model, "compiled", False) or model.optimizer is None:
        return Refusal("model", "model is not compiled")
    if not model.built:
        return Refusal("model", "model is not built")
    if model.run_eagerly:
        return Refusal("model", "model.run_eagerly is set")
    cls = type(model)
    for name in ("train_step", "test_step"):
        if function_of(cls, name) is not function_of(keras.Model, name):
            return Refusal("model", f"{cls.__name__} overrides {name}")
    if function_of(model, "fit") is not function_of(keras.Model, "fit"):
        # Overridden in the class, or replaced on the instance (a wrapper or
        # a mock): the engine reproduces keras.Model.fit, not that one.
        return Refusal("model", "the model's fit is not keras.Model.fit")
    outputs = getattr(model, "outputs", None)
    if outputs is not None and len(outputs) != 1:
        return Refusal("model", "model has several outputs")
    inputs = getattr(model, "inputs", None)
    if inputs is not None and len(inputs) != 1:
        return Refusal("model", "model has several inputs")
    if keras.config.max_epochs() or keras.config.max_steps_per_epoch():
        return Refusal("model", "keras.config limits epochs or steps")
    if isinstance(model.optimizer.learning_rate, (int, float)):
        return Refusal("model", "optimizer learning rate is not a variable")
    return None


def validation_arrays(validation_data):
    if validation_data is None:
        return None, None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (
        2,
        3,
    ):
        return None, Refusal(
            "data", "validation_data is not a (x, y[, sample_weight]) tuple"
        )
    xv, yv = validation_data[0], validation_data[1]
    wv = validation_data[2] if len(validation_data) == 3 else None
    reason = data_reason(xv, yv, wv)
    if reason:
        return None, Refusal("data", "validation " + reason)
    return (xv, yv, wv), None


def train_reason(call):
    """Why ``call`` (a :class:`~skkeras._engine.types.TrainCall`) needs
    ``Model.fit``, before the backend and the validation data are asked,
    or None."""
    if get_config().engine == "keras":
        return KERAS_BY_CONFIG
    fit_kwargs = call.fit_kwargs
    unknown = sorted(set(fit_kwargs) - SUPPORTED_FIT_KWARGS)
    if unknown:
        return Refusal("arguments", f"fit_kwargs {unknown} are left to Model.fit")
    if not isinstance(call.shuffle, (bool, np.bool_)):
        return Refusal("arguments", f"shuffle={call.shuffle!r}")
    if call.verbose not in (0, 1, 2):
        return Refusal("arguments", f"verbose={call.verbose!r}")
    for name, value in (
        ("batch_size", call.batch_size),
        ("epochs", call.epochs),
        ("validation_batch_size", fit_kwargs.get("validation_batch_size") or 1),
    ):
        if (
            not isinstance(value, (int, np.integer))
            or isinstance(value, bool)
            or value < 1
        ):
            return Refusal("arguments", f"{name}={value!r}")
    return (
        model_reason(call.model)
        or data_reason(call.x, call.y, call.sample_weight)
        or callback_reason(call.callbacks)
    )


def predict_reason(model, x, predict_kwargs):
    if get_config().engine == "keras":
        return KERAS_BY_CONFIG
    unknown = sorted(set(predict_kwargs) - {"verbose"})
    if unknown:
        return Refusal(
            "arguments", f"predict_kwargs {unknown} are left to Model.predict"
        )
    if predict_kwargs.get("verbose", 0) not in (0, False):
        return Refusal("arguments", "verbose prediction")
    if not isinstance(model, keras.Model) or not model.built:
        return Refusal("model", "model is not a built keras.Model")
    if function_of(model, "predict") is not function_of(keras.Model, "predict"):
        return Refusal("model", "the model's predict is not keras.Model.predict")
    if function_of(type(model), "predict_step") is not function_of(
        keras.Model, "predict_step"
    ):
        return Refusal("model", f"{type(model).__name__} overrides predict_step")
    return array_reason(x, "x")
