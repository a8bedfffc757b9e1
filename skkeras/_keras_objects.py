"""Fresh Keras optimizers, losses, metrics and callbacks from parameters.

Estimator parameters name Keras objects as strings, classes or instances, and
routed parameters (``optimizer__learning_rate=0.01``) configure them.  Every
fit gets new objects: an instance given by the user is copied, never trained
or mutated, so that ``clone`` and cross-validation folds stay independent.
"""

import copy
import functools
import inspect

import keras

from ._keras_compat import registered_metric_name
from ._routing import routed, suggest

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


# The Keras namespace of each kind of object (``keras.losses`` ...).
_PLURAL = {"optimizer": "optimizers", "loss": "losses", "metric": "metrics"}


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _fresh(obj, kwargs, kind, getter):
    """Instantiate or copy ``obj`` with ``kwargs``; ``getter`` resolves names."""
    if obj is None:
        return None
    if inspect.isclass(obj):
        _check_arguments(obj, kwargs, kind)
        return obj(**kwargs)
    if isinstance(obj, str):
        if not kwargs:
            return getter(obj)
        class_name = _LOSS_ALIASES.get(obj.lower(), _camel(obj))
        namespace = getattr(keras, _PLURAL[kind], None)
        cls = getattr(namespace, class_name, None)
        if not inspect.isclass(cls):
            try:
                cls = type(getter(obj))
            except (ValueError, TypeError):
                cls = None
        if inspect.isclass(cls) and cls.__name__ != "function":
            _check_arguments(cls, kwargs, kind)
        try:
            return getter({"class_name": class_name, "config": kwargs})
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"Could not create the {kind} {obj!r} with arguments {kwargs}: "
                f"{exc}. Pass the {kind} class instead, e.g. "
                f"`{kind}=keras.{_PLURAL[kind]}.{class_name}`."
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


def _init_arguments(cls):
    """The keyword arguments ``cls(...)`` names along its class hierarchy, or
    None when one ``__init__`` takes ``**kwargs`` that it does not pass on to
    a base class (then any name may be valid)."""
    names = set()
    for klass in inspect.getmro(cls):
        init = vars(klass).get("__init__")
        if init is None:
            continue
        try:
            parameters = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        forwards = False
        for p in parameters:
            if p.kind is p.VAR_KEYWORD:
                forwards = True
            elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                names.add(p.name)
        if not forwards:
            return names - {"self"}
    return names - {"self"}


def _check_arguments(cls, kwargs, kind):
    """Refuse ``kind__*`` arguments that ``cls`` does not take, naming the
    closest ones (``optimizer__learnng_rate``: "did you mean
    ``optimizer__learning_rate``?")."""
    if kind not in ("optimizer", "loss"):
        return  # metrics__* reach every metric (and their own errors say so)
    names = _init_arguments(cls)
    if names is None or not cls.__module__.startswith("keras"):
        return  # a user's class: let it raise its own error
    unknown = sorted(set(kwargs) - names)
    if not unknown:
        return
    valid = sorted(f"{kind}__{n}" for n in names if not n.startswith("_"))
    hints = "".join(suggest(f"{kind}__{k}", valid) for k in unknown)
    listed = ", ".join(f"`{kind}__{k}`" for k in unknown)
    verb = "is not an argument" if len(unknown) == 1 else "are not arguments"
    raise ValueError(
        f"{listed} {verb} of {cls.__name__}.{hints} Its arguments are: {valid}."
    )


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


def make_callbacks(callbacks, params, *, copy_instances=True, keep=None):
    """Return a list of new callbacks from ``callbacks`` and ``callbacks__*``.

    ``callbacks`` is a callback class or instance, a list of them, or a dict
    of them by name; ``callbacks__name=value`` configures classes and
    ``callbacks__<index or key>__name=value`` one of them; a name made of
    digits (``callbacks__0=value``, or ``callbacks__es__0=value`` for the
    class at key ``"es"``) is a positional argument, by its number, as in
    scikeras.  Instances are deep-copied unless ``copy_instances`` is False,
    so that the estimator's parameter is never touched by training.  Only
    the classes and instances for which ``keep`` (if given) is true are
    built or copied.
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
        if keep is not None and not keep(cb):
            continue
        own = {**shared, **routed(kwargs, str(key))}
        if inspect.isclass(cb):
            numbers = sorted((k for k in own if k.isdigit()), key=int)
            args = [own.pop(k) for k in numbers]
            out.append(cb(*args, **own))
        else:
            if own:
                raise ValueError(
                    f"callbacks__* arguments {sorted(own)} can only configure a "
                    f"callback given as a class, but {cb!r} is an instance."
                )
            out.append(copy.deepcopy(cb) if copy_instances else cb)
    for cb in out:
        if not isinstance(cb, keras.callbacks.Callback):
            raise TypeError(
                f"{cb!r} is not a keras.callbacks.Callback; pass Keras callback "
                "classes or instances in `callbacks`."
            )
    return out


_PREDICT_HOOKS = (
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def acts_in_predict(callback):
    """Whether a callback (class or instance) has a ``Model.predict`` hook.

    Its class overrides, or the instance sets (as ``LambdaCallback`` does),
    one of ``keras.callbacks.Callback``'s ``on_predict_*`` methods.
    """
    cls = callback if inspect.isclass(callback) else type(callback)
    if cls is not callback and any(h in vars(callback) for h in _PREDICT_HOOKS):
        return True
    return any(
        getattr(cls, h, None) is not getattr(keras.callbacks.Callback, h)
        for h in _PREDICT_HOOKS
    )


@functools.lru_cache(maxsize=512)
def _full_metric_name(name):
    return registered_metric_name(name) or name


def history_names(keys):
    """Map Keras log names to their ``history_`` names, as scikeras records them.

    A metric logged by a Keras shorthand or class name (``"mae"``,
    ``"MeanAbsoluteError"``) is recorded by the default name of that metric
    (``"mean_absolute_error"``), and its validation log likewise
    (``"val_mae"`` as ``"val_mean_absolute_error"``), so that every metric
    pairs with its ``val_`` log; ``loss``, custom metrics and names Keras
    does not register keep theirs.  A name that another log already has
    (``"AUC"`` next to ``"auc"``) is kept, so no two logs merge.  Callbacks
    see Keras' own names during training.
    """
    keys = list(keys)
    taken = set(keys)
    out = {}
    for key in keys:
        prefix = "val_" if key.startswith("val_") else ""
        base = key[len(prefix) :]
        name = key
        if base != "loss":
            full = prefix + _full_metric_name(base)
            if full != key and full not in taken:
                name = full
                taken.add(full)
        out[key] = name
    return out
