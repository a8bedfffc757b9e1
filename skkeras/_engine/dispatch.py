"""Which path a training or prediction call takes, and taking it.

:func:`train` and :func:`predict` run a call on the compiled engine of the
backend when :mod:`skkeras._engine.rules` allow it, and on
``keras.Model.fit`` / ``keras.Model.predict`` otherwise;
:func:`last_dispatch` tells which path the last call in this thread took.
"""

import threading

import keras
import numpy as np

from .._seeding import MAX_SEED, seeded
from . import loop, rules, sizing
from .types import Refusal, Route, TrainCall

_local = threading.local()


def last_dispatch():
    """``(path, reason)`` of the last train/predict call in this thread.

    ``path`` is ``"compiled"`` or ``"keras"``; ``reason`` says why the call
    went to Keras (None for compiled calls).
    """
    return getattr(_local, "path", None), getattr(_local, "reason", None)


def _note_dispatch(path, reason=None):
    _local.path = path
    _local.reason = reason


def _compiled_backend():
    """``(backend, None)``: the :class:`~skkeras._engine.types.Backend` of
    Keras' backend, or ``(None, reason)`` when it has none."""
    name = keras.backend.backend()
    if name == "tensorflow":
        from .tensorflow import BACKEND
    elif name == "jax":
        from .jax import BACKEND
    else:
        return None, Refusal("backend", f"the {name} backend has no compiled engine")
    return BACKEND, None


def compiled_route(call):
    """The :class:`~skkeras._engine.types.Route` of ``call`` (a
    :class:`~skkeras._engine.types.TrainCall`): the compiled engine of the
    backend, or Keras and why."""
    reason = rules.train_reason(call)
    backend = None
    if reason is None:
        backend, reason = _compiled_backend()
    if reason is None:
        reason = backend.model_reason(call.model)
    val = None
    if reason is None:
        val, reason = rules.validation_arrays(call.validation_data)
    if reason is not None:
        return Route(None, None, reason)
    return Route(backend, val, None)


def shuffle_seed(seed):
    """The seed the compiled loop shuffles with.

    Unseeded runs draw it from NumPy's global generator, so that a globally
    seeded program (keras.utils.set_random_seed) repeats.
    """
    return int(np.random.randint(0, MAX_SEED)) if seed is None else int(seed)


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
    return train_call(
        TrainCall(
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
    )


def train_call(call):
    """:func:`train` for a :class:`~skkeras._engine.types.TrainCall`."""
    route = compiled_route(call)
    reason = route.reason
    runner = None
    if reason is None:
        try:
            runner = route.backend.make_train_runner(
                call.model,
                call.x,
                call.y,
                call.sample_weight,
                route.validation,
                batch_size=int(call.batch_size),
                val_batch_size=int(call.val_batch_size),
                shuffle=bool(call.shuffle),
                seed=int(shuffle_seed(call.seed)),
                check_nan=bool(loop.nan_checks(call.callbacks)),
            )
        except Exception as exc:  # noqa: BLE001 - anything untraceable: fit
            reason = Refusal(
                "trace", f"the compiled engine could not trace this model: {exc!r}"
            )
    if runner is None:
        _note_dispatch("keras", reason)
        return keras_train(call)
    _note_dispatch("compiled")
    return loop.drive(
        call.model,
        runner,
        epochs=int(call.epochs),
        initial_epoch=int(call.initial_epoch),
        callbacks=call.callbacks,
        verbose=call.verbose,
        steps=sizing.num_steps(len(call.x), int(call.batch_size)),
    )


def keras_train(call):
    """The reference implementation: ``keras.Model.fit``."""
    with seeded(call.seed):
        history = call.model.fit(
            x=call.x,
            y=call.y,
            sample_weight=call.sample_weight,
            batch_size=call.batch_size,
            epochs=call.initial_epoch + call.epochs,
            initial_epoch=call.initial_epoch,
            shuffle=call.shuffle,
            validation_data=call.validation_data,
            callbacks=list(call.callbacks),
            verbose=call.verbose,
            **call.fit_kwargs,
        )
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def predict(model, x, *, batch_size=None, predict_kwargs=None):
    """Return the network's outputs for ``x`` as NumPy array(s)."""
    predict_kwargs = dict(predict_kwargs or {})
    predict_kwargs.setdefault("verbose", 0)
    reason = rules.predict_reason(model, x, predict_kwargs)
    backend = None
    if reason is None:
        backend, reason = _compiled_backend()
    if reason is None:
        reason = backend.model_reason(model)
    if reason is None:
        try:
            out = backend.predict(model, x, batch_size=batch_size)
        except Exception as exc:  # noqa: BLE001 - anything untraceable: Keras
            reason = Refusal(
                "trace", f"the compiled engine could not trace this model: {exc!r}"
            )
        else:
            _note_dispatch("compiled")
            return _as_numpy(out)
    _note_dispatch("keras", reason)
    out = model.predict(x=x, batch_size=batch_size, **predict_kwargs)
    return _as_numpy(out)


def _as_numpy(out):
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    if isinstance(out, dict):
        return {k: np.asarray(v) for k, v in out.items()}
    return np.asarray(out)
