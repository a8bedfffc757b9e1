"""What a file may name: the functions and classes :func:`skkeras.load` resolves.

A saved file names functions and classes in two ways: by import path
(``"keras.losses:Huber"``, in the ``import`` and ``object`` tags of
``params.json``) and inside Keras configurations (``module`` and
``class_name``, in ``keras`` tags and in the embedded ``.keras`` models).
:class:`Trust` decides each name:

allowed
    Keras' modelling objects under their public names: optimizers and
    their schedules, losses, metrics, activations, initializers,
    constraints, regularizers, layers (not ``Lambda``, ``TFSMLayer`` or
    other layers that wrap foreign code), callbacks that touch neither
    files nor the network; skkeras' epoch schedules; whatever the caller
    passes in ``custom_objects`` or names in ``trusted``.
dropped
    Callbacks that write, delete or send data (``ModelCheckpoint``,
    ``BackupAndRestore``, ``CSVLogger``, ``TensorBoard``,
    ``RemoteMonitor``) or run arbitrary functions (``LambdaCallback``):
    left out of the loaded estimator, with a warning, unless ``trusted``
    names them.
refused
    Everything else: a build function, a custom class, and every function
    that loads, saves, deserializes, runs code, touches files or changes
    global configuration.  Names on the block-list are refused even when
    ``trusted`` names them; a caller who means one passes the object
    itself in ``custom_objects``.
"""

import importlib
import inspect
from typing import NamedTuple

from ._keras_compat import (
    KERAS_PRIVATE_PACKAGE,
    MODEL_CLASS_PATHS,
    builtin_function_modules,
    defining_modules,
)

ALLOWED = "allowed"
DROPPED = "dropped"
REFUSED = "refused"

# Keras namespaces a file may name objects from: the base class of the
# classes each may give, and whether it may give functions.
_NAMESPACES = {
    "keras.optimizers": ("optimizers.Optimizer", False),
    "keras.optimizers.schedules": ("optimizers.schedules.LearningRateSchedule", False),
    "keras.losses": ("losses.Loss", True),
    "keras.metrics": ("metrics.Metric", True),
    "keras.activations": (None, True),
    "keras.initializers": ("initializers.Initializer", False),
    "keras.constraints": ("constraints.Constraint", False),
    "keras.regularizers": ("regularizers.Regularizer", False),
    "keras.layers": ("layers.Layer", False),
    "keras.callbacks": ("callbacks.Callback", False),
}
# Functions of those namespaces that look objects up or (de)serialize them.
_NOT_MODELLING = frozenset({"get", "serialize", "deserialize"})
# Layers that run foreign code or read files when built from a config.
_FOREIGN_LAYERS = frozenset(
    {"Lambda", "TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper"}
)
# Callbacks that act outside the process's memory, and what they do.
_ACTING_CALLBACKS = {
    "ModelCheckpoint": "writes files",
    "BackupAndRestore": "writes and deletes files",
    "CSVLogger": "writes a file",
    "TensorBoard": "writes files",
    "RemoteMonitor": "sends data over the network",
    "LambdaCallback": "runs arbitrary functions",
}
# Model and dtype-policy classes as Keras writes them in model configs.
_CONFIG_ONLY_CLASSES = frozenset(
    {
        "keras:Sequential",
        "keras:Functional",
        "keras:Model",
        "keras.models:Sequential",
        "keras.models:Model",
        *MODEL_CLASS_PATHS,
        "keras:DTypePolicy",
        "keras:FloatDTypePolicy",
        "keras.dtype_policies:DTypePolicy",
        "keras.dtype_policies:FloatDTypePolicy",
    }
)
# Data, not objects, in Keras configs; "__lambda__" and "__typespec__" are not.
_CONFIG_DATA = frozenset(
    {
        "__tuple__",
        "__numpy__",
        "__tensor__",
        "__bytes__",
        "__ellipsis__",
        "__slice__",
        "__keras_tensor__",
    }
)
# Layers whose config may name a vocabulary file to read.
_VOCABULARY_LAYERS = frozenset({"TextVectorization", "StringLookup", "IntegerLookup"})
# Modules no file may name, trusted or not: they load, save, run code, touch
# files or processes, or change global configuration; and Keras' private
# package, whose layout no file should depend on.  Security policy, not
# Keras internals (tests/test_keras_compat.py pins it).
_BLOCKED_MODULES = (
    "builtins",
    "os",
    "posix",
    "nt",
    "sys",
    "subprocess",
    "shutil",
    "importlib",
    "pickle",
    "marshal",
    "shelve",
    "runpy",
    "ctypes",
    "pathlib",
    "io",
    "socket",
    "tempfile",
    "code",
    "codeop",
    "pty",
    "multiprocessing",
    "threading",
    "urllib",
    "http",
    "zipfile",
    "tarfile",
    "glob",
    "keras.saving",
    "keras.config",
    "keras.utils",
    "keras.backend",
    "keras.datasets",
    "keras.applications",
    "keras.export",
    "keras.models",
    "keras.preprocessing",
    KERAS_PRIVATE_PACKAGE,
    "keras.visualization",
    "skkeras._saving",
    "skkeras._saving_codec",
    "skkeras._saving_format",
    "skkeras._saving_read",
    "skkeras._saving_trust",
    "skkeras._saving_untrusted",
    "skkeras._saving_write",
    "skkeras._cli",
    "skkeras.tasks",
    "skkeras.reports",
    "skkeras.datasets",
    "tensorflow",
    "jax",
    "torch",
    "numpy",
    "joblib",
    "pandas",
    "sklearn.utils",
)
_BLOCKED_NAMES = frozenset({"skkeras:load", "skkeras:save"})
# Where Keras defines its loaders, savers and global settings, whatever
# public name they are reached by (the private modules behind these public
# namespaces, from skkeras._keras_compat).
_BLOCKED_DEFINITIONS = (
    *defining_modules(
        (
            "keras.saving",
            "keras.utils",
            "keras.export",
            "keras.legacy",
            "keras.datasets",
            "keras.applications",
            "keras.config",
            "keras.models.clone_model",
            "keras.visualization",
            "keras.dtype_policies",
        )
    ),
    "skkeras._saving",
    "skkeras._saving_codec",
    "skkeras._saving_format",
    "skkeras._saving_read",
    "skkeras._saving_trust",
    "skkeras._saving_untrusted",
    "skkeras._saving_write",
)


class Verdict(NamedTuple):
    """What :class:`Trust` decided for one name, and why."""

    decision: str  # ALLOWED, DROPPED or REFUSED
    reason: str = ""
    obj: object = None


def _in_modules(module, prefixes):
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def blocked(module):
    """Whether no file may name anything of ``module``, trusted or not."""
    return not isinstance(module, str) or _in_modules(module, _BLOCKED_MODULES)


def _split(path):
    """``"module:qual.name"`` as (module, qualname parts), or None if malformed."""
    if not isinstance(path, str) or path.count(":") != 1:
        return None
    module, qualname = path.split(":")
    parts = qualname.split(".")
    names = module.split(".") + parts
    if not all(p.isidentifier() and not p.startswith("__") for p in names):
        return None
    return module, parts


def _keras_attr(dotted):
    import keras

    obj = keras
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def object_path(obj):
    """The ``module:qualname`` path of a function or class."""
    return f"{obj.__module__}:{obj.__qualname__}"


class Trust:
    """Decides which functions and classes a file may name.

    Parameters
    ----------
    custom_objects : dict of str to object
        Objects the caller passes, keyed by ``module:qualname``, qualified
        name, name, or (inside Keras configs) Keras' registered name.
    trusted : iterable of str or object
        Names (``"module:qualname"``) or objects the caller trusts beyond
        the allow-list; block-listed names stay refused.
    """

    def __init__(self, custom_objects=None, trusted=()):
        self.custom_objects = dict(custom_objects or {})
        self.trusted = set()
        for item in trusted or ():
            if isinstance(item, str):
                self.trusted.add(item)
            elif inspect.isclass(item) or callable(item):
                self.custom_objects.setdefault(object_path(item), item)
                self.trusted.add(object_path(item))
            else:
                raise TypeError(
                    "trusted must hold names ('module:qualname', as "
                    "skkeras.get_untrusted_types reports them) or functions "
                    f"and classes; got {item!r}."
                )

    def custom(self, *keys):
        """The caller's object for the first of ``keys`` it has, or None;
        Keras' registered names (``"package>name"``) match by name too."""
        for key in keys:
            if not isinstance(key, str):
                continue
            for candidate in (key, key.rpartition(">")[2]):
                if candidate in self.custom_objects:
                    return self.custom_objects[candidate]
        return None

    # ------------------------------------------------------------------
    # Names by import path
    # ------------------------------------------------------------------
    def verdict(self, path):
        """Decide the function or class named ``"module:qualname"``."""
        split = _split(path)
        if split is None:
            return Verdict(REFUSED, "it is not a valid 'module:qualname' name")
        module, parts = split
        given = self.custom(path, ".".join(parts), parts[-1])
        if given is not None:
            return Verdict(ALLOWED, obj=given)
        if blocked(module) or path in _BLOCKED_NAMES:
            return Verdict(
                REFUSED,
                "it may load or save files, run code or change global "
                "settings, so no file may name it",
            )
        trusted = path in self.trusted
        if not (trusted or module.split(".")[0] in ("keras", "skkeras")):
            return Verdict(REFUSED, "it is neither on the allow-list nor trusted")
        try:
            obj = importlib.import_module(module)
            for part in parts:
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            return Verdict(REFUSED, f"it cannot be imported ({exc})")
        # The path must lead to a function or class defined in that package
        # under that name, not to something it merely imported (os.system).
        defined = getattr(obj, "__module__", None)
        if not (
            (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj))
            and getattr(obj, "__name__", None) == parts[-1]
            and isinstance(defined, str)
            and defined.split(".")[0] == module.split(".")[0]
        ):
            return Verdict(REFUSED, "it is not a function or class defined there")
        if _in_modules(defined, _BLOCKED_DEFINITIONS) or (
            defined.startswith("keras") and parts[-1] in _NOT_MODELLING
        ):
            return Verdict(
                REFUSED,
                "it loads, saves or deserializes objects or changes global "
                "settings, so no file may name it",
            )
        if trusted:
            return Verdict(ALLOWED, obj=obj)
        return self._default(module, parts, obj)

    def _default(self, module, parts, obj):
        """The allow-list, for names the caller neither passed nor trusted."""
        name = parts[-1]
        refused = Verdict(REFUSED, "it is not on skkeras.load's allow-list")
        if len(parts) != 1:
            return refused
        if module.split(".")[0] == "skkeras":
            import skkeras

            from ._schedules import EpochSchedule

            public = name in skkeras.__all__ and getattr(skkeras, name) is obj
            if public and inspect.isclass(obj) and issubclass(obj, EpochSchedule):
                return Verdict(ALLOWED, obj=obj)
            return refused
        if module not in _NAMESPACES:
            return refused
        base, functions = _NAMESPACES[module]
        if inspect.isclass(obj):
            import keras

            if base is None or not issubclass(obj, _keras_attr(base)):
                return refused
            if issubclass(obj, keras.Model) or name in _FOREIGN_LAYERS:
                return Verdict(REFUSED, "it runs foreign code or reads files")
            for acting, what in _ACTING_CALLBACKS.items():
                if issubclass(obj, getattr(keras.callbacks, acting)):
                    return Verdict(DROPPED, f"it {what}", obj)
            return Verdict(ALLOWED, obj=obj)
        if functions and name not in _NOT_MODELLING and inspect.isfunction(obj):
            return Verdict(ALLOWED, obj=obj)
        return refused

    # ------------------------------------------------------------------
    # Names inside Keras configurations
    # ------------------------------------------------------------------
    def config_names(self, config):
        """Yield ``(name, verdict)`` for every object a Keras config names."""
        stack = [config]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            stack.extend(node.values())
            class_name = node.get("class_name")
            if isinstance(class_name, str):
                yield from self._config_object(node, class_name)

    def _config_object(self, node, class_name):
        module = node.get("module")
        registered = node.get("registered_name")
        if class_name in _CONFIG_DATA:
            return
        if class_name in ("__lambda__", "__typespec__"):
            yield class_name, Verdict(REFUSED, "it is code, not data")
            return
        if class_name == "function":
            name = node.get("config")
            if not isinstance(name, str):
                yield "function", Verdict(REFUSED, "it names no function")
            elif self.custom(registered, name) is None:
                yield from self._config_function(module, name)
            return
        if registered not in (None, class_name, "function") and (
            self.custom(registered) is None
        ):
            yield (
                str(registered),
                Verdict(
                    REFUSED, "it is a registered custom object not in custom_objects"
                ),
            )
            return
        if self.custom(registered, class_name) is not None:
            return
        path = f"{module}:{class_name}"
        if path in _CONFIG_ONLY_CLASSES:
            return
        verdict = self.verdict(path)
        if verdict.decision == DROPPED:
            verdict = Verdict(REFUSED, verdict.reason)
        yield path, verdict
        config = node.get("config")
        if (
            class_name in _VOCABULARY_LAYERS
            and isinstance(config, dict)
            and isinstance(config.get("vocabulary"), str)
        ):
            yield f"{path} vocabulary file", Verdict(REFUSED, "it reads a file")

    def _config_function(self, module, name):
        if module not in (None, "builtins"):
            yield f"{module}:{name}", self.verdict(f"{module}:{name}")
            return
        # Keras searches several namespaces, in no fixed order: every one
        # that has the name must give an allowed function.
        found = False
        for namespace in builtin_function_modules():
            try:
                present = hasattr(importlib.import_module(namespace), name)
            except ImportError:
                continue
            if present:
                found = True
                yield f"{namespace}:{name}", self.verdict(f"{namespace}:{name}")
        if not found:
            yield name, Verdict(REFUSED, "Keras defines no function of that name")
