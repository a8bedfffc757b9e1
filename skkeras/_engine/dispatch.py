"""Which path a training or prediction call takes, and taking it.

:func:`train` and :func:`predict` run a call on the compiled engine of the
backend when :mod:`skkeras._engine.rules` allow it, and on
``keras.Model.fit`` / ``keras.Model.predict`` otherwise;
:func:`last_dispatch` tells which path the last call in this thread took.
"""

import inspect
import threading

import keras
import numpy as np

from .._seeding import MAX_SEED, seeded
from . import loop, rules, sizing

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


def _backend_module():
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from . import tensorflow as module
    elif backend == "jax":
        from . import jax as module
    else:
        return None, f"the {backend} backend has no compiled engine"
    return module, None


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
    reason = rules.train_reason(
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
        val, reason = rules.validation_arrays(validation_data)
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
                check_nan=bool(loop.nan_checks(callbacks)),
            )
        except Exception as exc:  # noqa: BLE001 - anything untraceable: fit
            reason = f"the compiled engine could not trace this model: {exc!r}"
    if runner is None:
        _note_dispatch("keras", reason)
        return keras_train(
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
    _note_dispatch("compiled")
    return loop.drive(
        model,
        runner,
        epochs=int(epochs),
        initial_epoch=int(initial_epoch),
        callbacks=callbacks,
        verbose=verbose,
        steps=sizing.num_steps(len(x), int(batch_size)),
    )


def keras_train(
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


def predict(model, x, *, batch_size=None, predict_kwargs=None):
    """Return the network's outputs for ``x`` as NumPy array(s)."""
    predict_kwargs = dict(predict_kwargs or {})
    predict_kwargs.setdefault("verbose", 0)
    reason = rules.predict_reason(model, x, predict_kwargs)
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
