"""The key under which a compiled function traced for one model serves another.

The compiled engines (:mod:`skkeras._engine_tf`, :mod:`skkeras._engine_jax`)
trace a training loop once and reuse it for every model of the same
architecture (the folds of a cross-validation, the candidates of a grid
search), passing each model's variables as arguments.
:func:`structure_key` says which models those are: equal keys mean the same
computation up to the values of the variables.  Models whose behaviour
their configuration does not pin down (subclassed models, custom layers,
losses or metrics, Python code in a ``Lambda``) get no key, and their
compiled functions serve only themselves.  :mod:`skkeras._engine_group`
groups fits by the same key.
"""

import json
import threading
import weakref

import keras

from ._keras_compat import is_sequential_or_functional, weight_decay_exclusions


def iter_layers(layer):
    """``layer`` and every layer inside it (sub-layers, wrapped layers, cells)."""
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
        if not is_sequential_or_functional(model):
            return None
        layers = list(iter_layers(model))
        if any(not type(la).__module__.startswith("keras.") for la in layers):
            return None
        if any(isinstance(la, _OPAQUE_LAYERS) for la in layers):
            return None
        raw_config = model.get_config()
        if not _keras_only(raw_config):
            return None
        config = json.dumps(
            _without_initializers(raw_config), sort_keys=True, default=repr
        )
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
            if any(weight_decay_exclusions(optimizer)):
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
