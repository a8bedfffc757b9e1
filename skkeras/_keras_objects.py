"""Fresh Keras optimizers, losses, metrics and callbacks from parameters.

Estimator parameters name Keras objects as strings, classes or instances, and
routed parameters (``optimizer__learning_rate=0.01``) configure them.  Every
fit gets new objects: an instance given by the user is copied, never trained
or mutated, so that ``clone`` and cross-validation folds stay independent.
"""

import copy
import inspect

import keras

from ._routing import routed

# Short names of Keras' loss functions whose class has another name.
_LOSS_ALIASES = {
    "mse": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
    "squared_error": "MeanSquaredError",
    "absolute_error": "MeanAbsoluteError",
    "kld": "KLDivergence",
    "kl_divergence": "KLDivergence",
    "log_cosh": "LogCosh",
    "logcosh": "LogCosh",
}


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _fresh(obj, kwargs, kind, getter):
    """Instantiate or copy ``obj`` with ``kwargs``; ``getter`` resolves names."""
    if obj is None:
        return None
    if inspect.isclass(obj):
        return obj(**kwargs)
    if isinstance(obj, str):
        if not kwargs:
            return getter(obj)
        class_name = _LOSS_ALIASES.get(obj.lower(), _camel(obj))
        try:
            return getter({"class_name": class_name, "config": kwargs})
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"Could not create the {kind} {obj!r} with arguments {kwargs}: "
                f"{exc}. Pass the {kind} class instead, e.g. "
                f"`{kind}=keras.{kind}s.{class_name}`."
            ) from exc
    if hasattr(obj, "get_config") and hasattr(type(obj), "from_config"):
        config = obj.get_config()
        config.update(kwargs)
        return type(obj).from_config(config)
    if kwargs:
        raise ValueError(
            f"Routed {kind}__* arguments {sorted(kwargs)} cannot be applied to "
            f"{obj!r}: it is neither a class nor a configurable Keras object."
        )
    return obj  # a plain function (e.g. a custom loss)


def make_optimizer(optimizer, params):
    """Return a new optimizer from ``optimizer`` and ``optimizer__*`` params."""
    return _fresh(
        optimizer, routed(params, "optimizer"), "optimizer", keras.optimizers.get
    )


def _loss_identity(loss):
    """Return the function or class a loss computes with; None if unknown.

    ``"mse"``, ``keras.losses.MeanSquaredError`` and an instance of it all
    compute with ``keras.losses.mean_squared_error``.
    """
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except (ValueError, TypeError):
            return None
    if inspect.isclass(loss):
        try:
            loss = loss()
        except Exception:  # a class that needs arguments: compare classes
            return loss
    if isinstance(loss, keras.losses.Loss):
        fn = getattr(loss, "fn", None)
        return fn if callable(fn) else type(loss)
    return loss if callable(loss) else None


def losses_differ(a, b):
    """Return whether losses ``a`` and ``b`` (names, classes, instances or
    functions) certainly compute different things."""
    a, b = _loss_identity(a), _loss_identity(b)
    return a is not None and b is not None and a is not b


def make_loss(loss, params):
    """Return a loss (or dict/list of losses) from ``loss`` and ``loss__*``."""
    kwargs = routed(params, "loss")
    if isinstance(loss, dict):
        return {k: _fresh(v, kwargs, "loss", keras.losses.get) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_fresh(v, kwargs, "loss", keras.losses.get) for v in loss]
    return _fresh(loss, kwargs, "loss", keras.losses.get)


def _metric_kwargs(kwargs, index):
    """Split ``metrics__*`` into those for every metric and the ``index``-th."""
    shared = {k: v for k, v in kwargs.items() if "__" not in k}
    own = routed(kwargs, str(index))
    return {**shared, **own}


def _make_metric(metric, kwargs):
    if isinstance(metric, str) and not kwargs:
        return metric  # Keras resolves names such as "accuracy" per output
    return _fresh(metric, kwargs, "metric", keras.metrics.get)


def make_metrics(metrics, params):
    """Return metrics from ``metrics`` and ``metrics__*`` parameters.

    ``metrics__name=value`` applies to every metric given as a class or a
    name; ``metrics__0__name=value`` to the first one only.
    """
    if metrics is None:
        return None
    kwargs = routed(params, "metrics")
    if isinstance(metrics, dict):
        return {
            out: make_metrics(m if isinstance(m, (list, tuple)) else [m], params)
            for out, m in metrics.items()
        }
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return [_make_metric(m, _metric_kwargs(kwargs, i)) for i, m in enumerate(metrics)]


def make_callbacks(callbacks, params):
    """Return a list of new callbacks from ``callbacks`` and ``callbacks__*``.

    ``callbacks`` is a callback class or instance, a list of them, or a dict
    of them by name; ``callbacks__name=value`` configures classes and
    ``callbacks__<index or key>__name=value`` one of them.  Instances are
    deep-copied, so the constructor argument is never touched by training.
    """
    if callbacks is None:
        return []
    kwargs = routed(params, "callbacks")
    if isinstance(callbacks, dict):
        items = list(callbacks.items())
    elif isinstance(callbacks, (list, tuple)):
        items = list(enumerate(callbacks))
    else:
        items = [(0, callbacks)]
    shared = {k: v for k, v in kwargs.items() if "__" not in k}
    out = []
    for key, cb in items:
        own = {**shared, **routed(kwargs, str(key))}
        if inspect.isclass(cb):
            out.append(cb(**own))
        else:
            if own:
                raise ValueError(
                    f"callbacks__* arguments {sorted(own)} can only configure a "
                    f"callback given as a class, but {cb!r} is an instance."
                )
            out.append(copy.deepcopy(cb))
    for cb in out:
        if not isinstance(cb, keras.callbacks.Callback):
            raise TypeError(
                f"{cb!r} is not a keras.callbacks.Callback; pass Keras callback "
                "classes or instances in `callbacks`."
            )
    return out
