"""The training loop: the one place where a compiled Keras model meets data.

Every estimator trains and predicts through :func:`train` and
:func:`predict`, so the loop can be replaced without touching the
estimators.  Calls run on a compiled engine (whole epochs per compiled
call; see :mod:`skkeras._engine_tf` and :mod:`skkeras._engine_jax`) when it
can reproduce ``Model.fit`` exactly, and on ``keras.Model.fit`` /
``keras.Model.predict`` otherwise.

Contract of :func:`train`
-------------------------
* ``model`` is built and compiled (optimizer, loss, metrics).  Its optimizer
  state persists between calls, which is what ``partial_fit`` and
  ``warm_start`` rely on.
* ``x``, ``y``, ``sample_weight`` are in-memory arrays already encoded for
  the network (``x`` float, or whatever the model takes; ``y`` as the loss
  expects).  ``sample_weight`` already includes any class weights.
* ``validation_data`` is ``None`` or a tuple ``(x_val, y_val)`` or
  ``(x_val, y_val, w_val)``; the caller splits it off the training data.
* ``epochs`` counts the epochs to run in this call; ``initial_epoch`` is the
  number already run, so callbacks and ``verbose`` see the right numbers.
* ``seed`` (int or None) makes shuffling repeatable.
* ``callbacks`` is a list of Keras callbacks, used at epoch granularity at
  least, with the same ``logs`` as ``Model.fit``.
* ``fit_kwargs`` holds any further keyword arguments for ``Model.fit``.
* Returns the history of this call: a plain ``dict`` mapping each log name
  (``"loss"``, metric names, ``"val_*"``) to a list of floats, one per epoch
  run.

Dispatch
--------
The compiled engine runs when the backend is TensorFlow or JAX, ``x``,
``y``, ``sample_weight`` and the validation arrays are numeric NumPy arrays,
the model is a compiled, built, single-input single-output ``keras.Model``
whose class keeps Keras' ``train_step``/``test_step`` (and whose ``fit``
is ``keras.Model.fit``, not overridden nor replaced on the instance, which
:func:`predict` likewise asks of ``predict``), ``fit_kwargs`` holds
only keys the engine implements, ``shuffle`` is a bool, and every callback
works at epoch granularity (no batch hooks, apart from those of
``ProgbarLogger``, ``TerminateOnNaN`` and ``ModelCheckpoint(save_freq=
"epoch")``, which the engine reproduces).  Anything else, or anything the
engine fails to trace, goes to ``Model.fit``; nothing is ignored silently.
The configuration key ``engine="keras"`` (:mod:`skkeras.config`;
environment variable ``SKKERAS_ENGINE=keras``), read at each call, always
uses ``Model.fit``/``Model.predict``.  :func:`last_dispatch` tells which
path the last call in this thread took, and why.
"""

import inspect
import threading

import keras
import numpy as np

from . import _engine_common as common
from ._config import get_config
from ._seeding import MAX_SEED, seeded

# The reason of calls that the configuration sends to Keras.
KERAS_BY_CONFIG = "engine='keras' in skkeras.config"

_local = threading.local()


def last_dispatch():
    """``(path, reason)`` of the last train/predict call in this thread.

    ``path`` is ``"compiled"`` or ``"keras"``; ``reason`` says why the call
    went to Keras (None for compiled calls).
    """
    return getattr(_local, "path", None), getattr(_local, "reason", None)


def _record(path, reason=None):
    _local.path = path
    _local.reason = reason


def _backend_module():
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from . import _engine_tf as module
    elif backend == "jax":
        from . import _engine_jax as module
    else:
        return None, f"the {backend} backend has no compiled engine"
    return module, None


def _unpack_validation(validation_data):
    if validation_data is None:
        return None, None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (
        2,
        3,
    ):
        return None, "validation_data is not a (x, y[, sample_weight]) tuple"
    xv, yv = validation_data[0], validation_data[1]
    wv = validation_data[2] if len(validation_data) == 3 else None
    reason = common.data_reason(xv, yv, wv)
    if reason:
        return None, "validation " + reason
    return (xv, yv, wv), None


def _train_reason(
    model,
    x,
    y,
    sample_weight,
    epochs,
    batch_size,
    shuffle,
    callbacks,
    verbose,
    fit_kwargs,
):
    if get_config().engine == "keras":
        return KERAS_BY_CONFIG
    unknown = sorted(set(fit_kwargs) - common.SUPPORTED_FIT_KWARGS)
    if unknown:
        return f"fit_kwargs {unknown} are left to Model.fit"
    if not isinstance(shuffle, (bool, np.bool_)):
        return f"shuffle={shuffle!r}"
    if verbose not in (0, 1, 2):
        return f"verbose={verbose!r}"
    for name, value in (
        ("batch_size", batch_size),
        ("epochs", epochs),
        ("validation_batch_size", fit_kwargs.get("validation_batch_size") or 1),
    ):
        if (
            not isinstance(value, (int, np.integer))
            or isinstance(value, bool)
            or value < 1
        ):
            return f"{name}={value!r}"
    return (
        common.model_reason(model)
        or common.data_reason(x, y, sample_weight)
        or common.callback_reason(callbacks)
    )


def compiled_route(
    model,
    x,
    y,
    *,
    sample_weight,
    epochs,
    batch_size,
    shuffle,
    validation_data,
    callbacks,
    verbose,
    fit_kwargs,
):
    """``(backend module, validation tuple, None)`` for a call the compiled
    engine may run, or ``(None, None, reason)`` for one it leaves to Keras."""
    reason = _train_reason(
        model,
        x,
        y,
        sample_weight,
        epochs,
        batch_size,
        shuffle,
        callbacks,
        verbose,
        fit_kwargs,
    )
    module = None
    if reason is None:
        module, reason = _backend_module()
    if reason is None:
        reason = module.model_reason(model)
    val = None
    if reason is None:
        val, reason = _unpack_validation(validation_data)
    if reason is not None:
        return None, None, reason
    return module, val, None


def shuffle_seed(seed):
    """The seed the compiled loop shuffles with.

    Unseeded runs draw it from NumPy's global generator, so that a globally
    seeded program (keras.utils.set_random_seed) repeats.
    """
    return int(np.random.randint(0, MAX_SEED)) if seed is None else int(seed)


def _normalized(fit_kwargs, callbacks, verbose, batch_size):
    """Fresh containers and Keras' meaning of ``"auto"`` and ``None``."""
    return (
        dict(fit_kwargs or {}),
        list(callbacks or []),
        1 if verbose == "auto" else verbose,
        32 if batch_size is None else batch_size,
    )


def call_arguments(**kwargs):
    """:func:`train`'s keyword arguments, completed with its defaults and
    normalised as it normalises them (for callers that train many calls)."""
    bound = inspect.signature(train).bind(**kwargs)
    bound.apply_defaults()
    kw = dict(bound.arguments)
    kw["fit_kwargs"], kw["callbacks"], kw["verbose"], kw["batch_size"] = _normalized(
        kw["fit_kwargs"], kw["callbacks"], kw["verbose"], kw["batch_size"]
    )
    return kw


def train(
    model,
    x,
    y,
    *,
    sample_weight=None,
    epochs=1,
    initial_epoch=0,
    batch_size=32,
    shuffle=True,
    validation_data=None,
    callbacks=None,
    verbose=0,
    seed=None,
    fit_kwargs=None,
):
    """Train ``model`` for ``epochs`` epochs and return its history dict."""
    fit_kwargs, callbacks, verbose, batch_size = _normalized(
        fit_kwargs, callbacks, verbose, batch_size
    )
    module, val, reason = compiled_route(
        model,
        x,
        y,
        sample_weight=sample_weight,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=shuffle,
        validation_data=validation_data,
        callbacks=callbacks,
        verbose=verbose,
        fit_kwargs=fit_kwargs,
    )
    runner = None
    if reason is None:
        run_seed = shuffle_seed(seed)
        try:
            runner = module.make_train_runner(
                model,
                x,
                y,
                sample_weight,
                val,
                batch_size=int(batch_size),
                val_batch_size=int(
                    fit_kwargs.get("validation_batch_size") or batch_size
                ),
                shuffle=bool(shuffle),
                seed=int(run_seed),
                check_nan=bool(common.nan_checks(callbacks)),
            )
        except Exception as exc:  # noqa: BLE001 - anything untraceable: fit
            reason = f"the compiled engine could not trace this model: {exc!r}"
    if runner is None:
        _record("keras", reason)
        return _keras_train(
            model,
            x,
            y,
            sample_weight=sample_weight,
            epochs=epochs,
            initial_epoch=initial_epoch,
            batch_size=batch_size,
            shuffle=shuffle,
            validation_data=validation_data,
            callbacks=callbacks,
            verbose=verbose,
            seed=seed,
            fit_kwargs=fit_kwargs,
        )
    _record("compiled")
    return common.drive(
        model,
        runner,
        epochs=int(epochs),
        initial_epoch=int(initial_epoch),
        callbacks=callbacks,
        verbose=verbose,
        steps=common.num_steps(len(x), int(batch_size)),
    )


def _keras_train(
    model,
    x,
    y,
    *,
    sample_weight,
    epochs,
    initial_epoch,
    batch_size,
    shuffle,
    validation_data,
    callbacks,
    verbose,
    seed,
    fit_kwargs,
):
    """The reference implementation: ``keras.Model.fit``."""
    fit_kwargs = dict(fit_kwargs or {})
    with seeded(seed):
        history = model.fit(
            x=x,
            y=y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            epochs=initial_epoch + epochs,
            initial_epoch=initial_epoch,
            shuffle=shuffle,
            validation_data=validation_data,
            callbacks=list(callbacks or []),
            verbose=verbose,
            **fit_kwargs,
        )
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def _predict_reason(model, x, predict_kwargs):
    if get_config().engine == "keras":
        return KERAS_BY_CONFIG
    unknown = sorted(set(predict_kwargs) - {"verbose"})
    if unknown:
        return f"predict_kwargs {unknown} are left to Model.predict"
    if predict_kwargs.get("verbose", 0) not in (0, False):
        return "verbose prediction"
    if not isinstance(model, keras.Model) or not model.built:
        return "model is not a built keras.Model"
    if common._function_of(model, "predict") is not common._function_of(
        keras.Model, "predict"
    ):
        return "the model's predict is not keras.Model.predict"
    if common._function_of(type(model), "predict_step") is not common._function_of(
        keras.Model, "predict_step"
    ):
        return f"{type(model).__name__} overrides predict_step"
    return common.array_reason(x, "x")


def predict(model, x, *, batch_size=None, predict_kwargs=None):
    """Return the network's outputs for ``x`` as NumPy array(s)."""
    predict_kwargs = dict(predict_kwargs or {})
    predict_kwargs.setdefault("verbose", 0)
    reason = _predict_reason(model, x, predict_kwargs)
    module = None
    if reason is None:
        module, reason = _backend_module()
    if reason is None:
        reason = module.model_reason(model)
    if reason is None:
        try:
            out = module.predict(model, x, batch_size=batch_size)
        except Exception as exc:  # noqa: BLE001 - anything untraceable: Keras
            reason = f"the compiled engine could not trace this model: {exc!r}"
        else:
            _record("compiled")
            return _as_numpy(out)
    _record("keras", reason)
    out = model.predict(x=x, batch_size=batch_size, **predict_kwargs)
    return _as_numpy(out)


def _as_numpy(out):
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    if isinstance(out, dict):
        return {k: np.asarray(v) for k, v in out.items()}
    return np.asarray(out)
