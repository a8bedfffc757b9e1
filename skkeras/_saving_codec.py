"""The value codec of :mod:`skkeras._saving`: JSON with tagged objects.

:class:`_Encoder` turns parameters and fitted attributes into JSON data,
with tagged objects ``{"__skkeras__": tag, ...}`` for what JSON lacks;
:class:`_Decoder` turns them back without executing code from the file:
functions and classes are resolved only as :mod:`skkeras._saving_trust`
allows, Keras configurations are checked the same way before Keras reads
them, and ``.keras`` entries are read within the archive's size budget.
Keras models travel as bytes of Keras' ``.keras`` format.
"""

import base64
import binascii
import importlib
import inspect
import math
import os
import tempfile
import warnings
from collections.abc import Hashable

import numpy as np

from ._keras_compat import export_paths, is_private_module
from ._saving_archive import _check, _Damaged
from ._saving_schema import is_identity_transformer, target_problem
from ._saving_trust import ALLOWED, blocked
from ._saving_trust import DROPPED as DROPPED_VERDICT

_KERAS_NAMESPACES = (
    "activations",
    "callbacks",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "optimizers.schedules",
    "regularizers",
)


_TAG = "__skkeras__"
_MANIFEST = "manifest.json"
_PARAMS = "params.json"
_ATTRIBUTES = "attributes.json"
_MODEL = "model.keras"


# ----------------------------------------------------------------------
# Encoding
# ----------------------------------------------------------------------
def _public_keras_path(obj):
    """Return ``"keras.x:Name"`` under which Keras exports ``obj``, or None."""
    name = getattr(obj, "__name__", None)
    candidates = []
    for path in export_paths(obj):
        if "." in path and "._" not in path:
            module, _, attr = path.rpartition(".")
            candidates.append((module, attr))
    if name:
        candidates += [(f"keras.{ns}", name) for ns in _KERAS_NAMESPACES]
        candidates.append(("keras", name))
    for module_name, attr in candidates:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if getattr(module, attr, None) is obj:
            return f"{module_name}:{attr}"
    return None


def _import_path(obj, where):
    """Return the ``module:qualname`` path that names a function or class."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname:
        raise TypeError(
            f"skkeras.save cannot store {where} = {obj!r}: it has no module "
            "and qualified name to be found by."
        )
    if "<lambda>" in qualname:
        raise TypeError(
            f"skkeras.save cannot store {where} = {obj!r}: a lambda has no "
            "name to be found by on load. Define it with `def` at module level."
        )
    if module.split(".", 1)[0] == "keras":
        public = _public_keras_path(obj)
        if public is not None:
            return public
        if is_private_module(module):
            raise TypeError(
                f"skkeras.save cannot store {where} = {obj!r}: Keras does not "
                "export it under a public name."
            )
    return f"{module}:{qualname}"


def _is_named(obj):
    """Whether ``obj`` is a function or class, stored by import path."""
    return inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj)


def _b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _array_dtype(dtype, where):
    if dtype.kind not in "biufcUSmM" or dtype.fields is not None:
        raise TypeError(
            f"skkeras.save cannot store {where}: numpy dtype {dtype!r} is "
            "neither numeric, boolean, string nor object."
        )
    return dtype.str


class _Encoder:
    """Turns parameters and attributes into JSON-able data.

    Keras models found among the values are collected in ``models`` (entry
    name -> model) to be written as ``.keras`` entries of the archive.
    """

    def __init__(self):
        self.models = {}

    def encode(self, value, where):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and type(value) is int:
            return value
        if isinstance(value, float) and type(value) is float:
            if math.isfinite(value):
                return value
            return {_TAG: "float", "value": repr(value)}
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, np.generic):
            array = self._array(np.asarray(value), where)
            array[_TAG] = "scalar"
            return array
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
            return {_TAG: "tuple", "items": items}
        if isinstance(value, dict):
            return self._dict(value, where)
        if isinstance(value, bytes):
            return {_TAG: "bytes", "data": base64.b64encode(value).decode("ascii")}
        if isinstance(value, np.random.RandomState):
            state = self.encode(value.get_state(), where)
            return {_TAG: "random_state", "state": state}
        if _is_named(value):
            return {_TAG: "import", "path": _import_path(value, where)}
        return self._object(value, where)

    def _array(self, array, where):
        if array.dtype.kind == "O":
            items = [self.encode(v, f"{where}[...]") for v in array.ravel().tolist()]
            shape = list(array.shape)
            return {_TAG: "ndarray", "dtype": "object", "shape": shape, "items": items}
        return {
            _TAG: "ndarray",
            "dtype": _array_dtype(array.dtype, where),
            "shape": list(array.shape),
            "data": _b64(array),
        }

    def _dict(self, value, where):
        if all(isinstance(k, str) for k in value) and _TAG not in value:
            return {k: self.encode(v, f"{where}[{k!r}]") for k, v in value.items()}
        items = [
            [self.encode(k, f"{where} key {k!r}"), self.encode(v, f"{where}[{k!r}]")]
            for k, v in value.items()
        ]
        return {_TAG: "dict", "items": items}

    def _object(self, value, where):
        import keras
        from sklearn.base import BaseEstimator

        from ._targets import ClassifierTarget, RegressorTarget

        if isinstance(value, keras.Model):
            name = f"params/{len(self.models)}.keras"
            self.models[name] = value
            return {_TAG: "keras_model", "entry": name}
        if isinstance(value, (ClassifierTarget, RegressorTarget)):
            attrs = self.encode(dict(vars(value)), where)
            return {_TAG: "target", "class": type(value).__name__, "attributes": attrs}
        if is_identity_transformer(value):
            # The wrappers' feature_encoder_, stored without naming a class.
            return {_TAG: "identity_transformer"}
        if isinstance(value, BaseEstimator):
            # scikit-learn-style objects (skkeras' schedules ...): the
            # constructor arguments are get_params(deep=False).
            args = value.get_params(deep=False)
            return self._constructed(value, args, where)
        if hasattr(value, "get_config"):
            try:
                config = keras.saving.serialize_keras_object(value)
            except Exception as exc:  # Keras raises several types
                raise TypeError(
                    f"skkeras.save cannot store {where} = {value!r}: Keras could "
                    f"not serialize it ({exc})."
                ) from exc
            return {_TAG: "keras", "config": self.encode(config, where)}
        if isinstance(value, keras.callbacks.Callback):
            return self._constructed(value, self._callback_args(value, where), where)
        raise TypeError(
            f"skkeras.save cannot store {where} = {value!r} of type "
            f"{type(value).__name__}. It stores JSON-like values, numpy arrays, "
            "functions and classes (by import path), Keras objects with "
            "get_config, Keras callbacks and keras.Model instances."
        )

    def _constructed(self, value, args, where):
        path = _import_path(type(value), f"the class of {where}")
        args = {k: self.encode(v, f"{where}.{k}") for k, v in args.items()}
        return {_TAG: "object", "class": path, "args": args}

    @staticmethod
    def _callback_args(callback, where):
        """Return a Keras callback's constructor arguments, read back.

        Keras callbacks have no ``get_config``; their constructor arguments
        are read from the attributes of the same names (as scikit-learn's
        ``get_params`` does).  An argument without such an attribute keeps
        its default, with a warning.
        """
        signature = inspect.signature(type(callback).__init__)
        state = vars(callback)
        args, missing = {}, []
        for name, parameter in list(signature.parameters.items())[1:]:
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if name in state:
                args[name] = state[name]
            elif parameter.default is parameter.empty:
                raise TypeError(
                    f"skkeras.save cannot store {where} = {callback!r}: its "
                    f"required argument {name!r} is not kept as an attribute."
                )
            else:
                missing.append(name)
        if missing:
            warnings.warn(
                f"skkeras.save: {type(callback).__name__} in {where} does not "
                f"keep its argument(s) {missing} as attributes; they are saved "
                "with their default values.",
                UserWarning,
                stacklevel=5,
            )
        return args


# ----------------------------------------------------------------------
# Decoding
# ----------------------------------------------------------------------
def _cap(text):
    return text[:1].upper() + text[1:]


class _Dropped:
    """A value :class:`_Decoder` leaves out of the loaded estimator."""

    def __repr__(self):
        return "<dropped>"


DROPPED = _Dropped()


def refusal(where, path, verdict):
    """The error for a name that :class:`~skkeras._saving_trust.Trust` refused."""
    split = path.split(":", 1)[-1] if isinstance(path, str) else str(path)
    # "package>Name" is how Keras registers custom objects.
    name = split.rpartition(".")[2].rpartition(">")[2] or "obj"
    message = (
        f"{_cap(where)} is {path!r}, which skkeras.load does not resolve from a "
        f"file: {verdict.reason}."
    )
    module = path.split(":", 1)[0] if isinstance(path, str) else None
    if blocked(module):
        hint = (
            " If you mean it, pass the object itself: load(path, "
            f"custom_objects={{{split!r}: {name}}})."
        )
    else:
        hint = (
            " If you trust this file, pass it in: load(path, custom_objects="
            f"{{{split!r}: {name}}}), or load(path, trusted=[{path!r}])."
        )
    return ValueError(message + hint)


class _Decoder:
    """Turns encoded data back into values, trusting nothing in the file.

    Names are resolved by ``trust`` (a :class:`~skkeras._saving_trust.Trust`);
    ``.keras`` entries are read from ``archive`` (a
    :class:`~skkeras._saving_archive.BoundedArchive`).  What ``trust`` drops
    is recorded in ``dropped`` as ``(where, name, reason)``.
    """

    def __init__(self, trust, archive):
        self.trust = trust
        self.archive = archive
        self.dropped = []

    def decode(self, value, where):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            items = (self.decode(v, f"{where}[{i}]") for i, v in enumerate(value))
            return [item for item in items if item is not DROPPED]
        _check(isinstance(value, dict), f"{where} holds {type(value).__name__}")
        if _TAG not in value:
            out = {k: self.decode(v, f"{where}[{k!r}]") for k, v in value.items()}
            return {k: v for k, v in out.items() if v is not DROPPED}
        tag = value[_TAG]
        method = getattr(self, f"_tag_{tag}", None) if isinstance(tag, str) else None
        _check(method is not None, f"{where} has the unknown tag {tag!r}")
        try:
            return method(value, where)
        except (KeyError, TypeError, AttributeError) as exc:
            raise _Damaged(f"{where} is a malformed {tag!r} value ({exc!r})") from exc

    def _tag_float(self, value, where):
        _check(value["value"] in ("nan", "inf", "-inf"), f"{where} is not a float")
        return float(value["value"])

    def _tag_tuple(self, value, where):
        _check(isinstance(value["items"], list), f"{where} is not a tuple")
        return tuple(self.decode(value["items"], where))

    def _tag_dict(self, value, where):
        items = value["items"]
        _check(isinstance(items, list), f"{where} is not a dict")
        out = {}
        for pair in items:
            _check(isinstance(pair, list) and len(pair) == 2, f"{where} is not a dict")
            key, item = self.decode(pair[0], where), self.decode(pair[1], where)
            _check(isinstance(key, Hashable), f"{where} has an unhashable key")
            if key is not DROPPED and item is not DROPPED:
                out[key] = item
        return out

    def _tag_bytes(self, value, where):
        try:
            return base64.b64decode(value["data"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _Damaged(f"{where} holds invalid base64 data ({exc})") from exc

    def _tag_ndarray(self, value, where):
        shape = value["shape"]
        _check(
            isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape),
            f"{where} has an invalid array shape",
        )
        size = math.prod(shape)
        if value["dtype"] == "object":
            items = value["items"]
            _check(
                isinstance(items, list) and len(items) == size,
                f"{where} has the wrong number of items",
            )
            array = np.empty(size, dtype=object)
            for i, item in enumerate(self.decode(items, where)):
                array[i] = item
            return array.reshape(shape)
        try:
            dtype = np.dtype(value["dtype"])
        except (TypeError, ValueError) as exc:
            raise _Damaged(f"{where} has an invalid dtype") from exc
        _check(
            dtype.kind in "biufcUSmM" and dtype.fields is None,
            f"{where} has the unsupported dtype {value['dtype']!r}",
        )
        try:
            data = base64.b64decode(value["data"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _Damaged(f"{where} holds invalid base64 data") from exc
        _check(len(data) == size * dtype.itemsize, f"{where} has the wrong data size")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def _tag_scalar(self, value, where):
        array = self._tag_ndarray(value, where)
        _check(array.shape == (), f"{where} is not a scalar")
        return array[()]

    def _tag_random_state(self, value, where):
        state = self.decode(value["state"], where)
        random_state = np.random.RandomState()
        try:
            random_state.set_state(state)
        except (TypeError, ValueError) as exc:
            raise _Damaged(f"{where} is not a random state") from exc
        return random_state

    def _resolve(self, path, where):
        """The object ``path`` names, or DROPPED; refused names raise."""
        verdict = self.trust.verdict(path)
        if verdict.decision == ALLOWED:
            return verdict.obj
        if verdict.decision == DROPPED_VERDICT:
            self.dropped.append((where, path, verdict.reason))
            return DROPPED
        raise refusal(where, path, verdict)

    def check_config(self, config, where):
        """Refuse a Keras config that names anything ``trust`` does not allow."""
        for name, verdict in self.trust.config_names(config):
            if verdict.decision != ALLOWED:
                raise refusal(where, name, verdict)

    def _tag_import(self, value, where):
        return self._resolve(value["path"], where)

    def _tag_keras_model(self, value, where):
        data, config = self.archive.read_keras(value["entry"])
        self.check_config(config, where)
        with warnings.catch_warnings():
            # A model given as a parameter is cloned and recompiled for every
            # fit; Keras' note that its unbuilt optimizer had no state to
            # load is noise here.
            warnings.filterwarnings(
                "ignore", message="Skipping variable loading for optimizer"
            )
            return load_keras_model(data, self.trust, where)

    def _tag_keras(self, value, where):
        import keras

        config = self.decode(value["config"], where)
        _check(isinstance(config, (dict, str)), f"{where} is not a Keras object")
        self.check_config(config, where)
        try:
            return keras.saving.deserialize_keras_object(
                config, custom_objects=self.trust.custom_objects, safe_mode=True
            )
        except Exception as exc:  # Keras raises several types
            name = config.get("class_name") if isinstance(config, dict) else config
            raise ValueError(
                f"Could not restore the Keras object {name!r} of {where}: {exc} "
                "If it is a custom class or function, pass it in "
                "custom_objects={name: object}."
            ) from exc

    def _tag_object(self, value, where):
        import keras
        from sklearn.base import BaseEstimator

        cls = self._resolve(value["class"], f"the class of {where}")
        if cls is DROPPED:
            return DROPPED
        _check(
            inspect.isclass(cls)
            and issubclass(cls, (BaseEstimator, keras.callbacks.Callback)),
            f"{where} names {value['class']!r}, which is neither a scikit-learn "
            "style object nor a Keras callback",
        )
        args = self.decode(value["args"], where)
        _check(
            isinstance(args, dict) and all(isinstance(k, str) for k in args),
            f"{where} has no argument dict",
        )
        return cls(**args)

    def _tag_identity_transformer(self, value, where):
        from sklearn.preprocessing import FunctionTransformer

        _check(set(value) == {_TAG}, f"{where} is a malformed identity transformer")
        return FunctionTransformer()

    def _tag_target(self, value, where):
        from . import _targets

        name = value["class"]
        attrs = self.decode(value["attributes"], where)
        problem = target_problem(name, attrs)
        _check(problem is None, f"{where}: {problem}")
        cls = getattr(_targets, name)
        target = cls.__new__(cls)
        target.__dict__.update(attrs)
        return target


# ----------------------------------------------------------------------
# Keras models inside the archive
# ----------------------------------------------------------------------
def _keras_bytes(model):
    with tempfile.TemporaryDirectory(prefix="skkeras-save-") as folder:
        file = os.path.join(folder, "model.keras")
        model.save(file)
        with open(file, "rb") as f:
            return f.read()


def load_keras_model(data, trust, where):
    """Load a ``.keras`` archive whose entries and config were checked."""
    import keras

    with tempfile.TemporaryDirectory(prefix="skkeras-load-") as folder:
        file = os.path.join(folder, "model.keras")
        with open(file, "wb") as f:
            f.write(data)
        try:
            return keras.saving.load_model(
                file, custom_objects=trust.custom_objects or None, safe_mode=True
            )
        except Exception as exc:  # Keras raises several types
            raise ValueError(
                f"Could not load the Keras model of {where}: {exc} If the model "
                "uses custom layers, losses, metrics or functions, pass them in "
                "custom_objects={name: object}."
            ) from exc
