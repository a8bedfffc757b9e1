"""Tests of skkeras._keras_compat: each Keras internal skkeras relies on,
pinned against the installed Keras, and a scan of skkeras/ that finds no
other module reaching into Keras' (or TensorFlow's) internals."""

import ast
import importlib
import inspect
import pathlib
import sys

import keras
import numpy as np
import pytest

from skkeras import _keras_compat as compat
from skkeras import _saving_trust
from skkeras._engine.structure import structure_key

BACKEND = keras.config.backend()


def _sequential():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])


def _functional():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(2)

    def call(self, x):
        return self.dense(x)


class _MySequential(keras.Sequential):
    pass


# ----------------------------------------------------------------------
# Model classes
# ----------------------------------------------------------------------
@pytest.mark.parametrize("build", [_sequential, _functional])
def test_sequential_and_functional_models_are_recognised(build):
    assert compat.is_sequential_or_functional(build())


@pytest.mark.parametrize(
    "make",
    [
        _Subclassed,
        lambda: _MySequential([keras.Input((3,)), keras.layers.Dense(2)]),
        lambda: keras.layers.Dense(2),
        lambda: "Sequential",
    ],
    ids=["subclassed-model", "subclassed-sequential", "layer", "string"],
)
def test_other_objects_are_not_sequential_or_functional(make):
    assert not compat.is_sequential_or_functional(make())


def test_model_class_paths_name_keras_model_classes():
    found = {}
    for path in compat.MODEL_CLASS_PATHS:
        module, _, name = path.partition(":")
        assert compat.is_private_module(module)
        found[name] = getattr(importlib.import_module(module), name)
    assert found["Sequential"] is keras.Sequential
    assert found["Model"] is keras.Model
    assert found["Functional"] is type(_functional())
    assert found["Functional"] is not keras.Model


# ----------------------------------------------------------------------
# Optimizers, distribution strategies
# ----------------------------------------------------------------------
def test_weight_decay_exclusions_by_name_are_detected():
    optimizer = keras.optimizers.AdamW()
    assert compat.weight_decay_exclusions(optimizer) == (None, None)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    variables, pattern = compat.weight_decay_exclusions(optimizer)
    assert variables is None
    assert pattern is not None and pattern.search("dense/bias")


def test_weight_decay_exclusions_by_variable_are_detected():
    model = _sequential()
    optimizer = keras.optimizers.AdamW()
    optimizer.exclude_from_weight_decay(var_list=[model.layers[0].bias])
    variables, pattern = compat.weight_decay_exclusions(optimizer)
    assert variables and pattern is None


def test_weight_decay_exclusions_keep_models_from_sharing_a_trace():
    def key(exclude):
        model = _sequential()
        optimizer = keras.optimizers.AdamW()
        if exclude:
            optimizer.exclude_from_weight_decay(var_names=["bias"])
        model.compile(optimizer=optimizer, loss="mse")
        return structure_key(model, [model.trainable_variables])

    assert key(False) is not None
    assert key(True) is None


def test_models_of_no_strategy_have_none():
    assert compat.distribution_strategy(_sequential()) is None
    assert compat.distribution_strategy(object()) is None


@pytest.mark.skipif(BACKEND != "tensorflow", reason="tf.distribute")
def test_a_model_built_under_a_strategy_has_it():
    import tensorflow as tf

    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with strategy.scope():
        model = _sequential()
    assert compat.distribution_strategy(model) is strategy


# ----------------------------------------------------------------------
# Names and modules
# ----------------------------------------------------------------------
def test_export_paths_of_exported_objects():
    assert compat.export_paths(keras.layers.Dense) == ("keras.layers.Dense",)
    assert compat.export_paths(keras.optimizers.Adam) == ("keras.optimizers.Adam",)
    mse = compat.export_paths(keras.losses.mean_squared_error)
    assert "keras.losses.mean_squared_error" in mse
    assert all(isinstance(p, str) for p in mse)


def test_export_paths_of_objects_keras_does_not_export():
    def mine():
        pass

    assert compat.export_paths(mine) == ()
    assert compat.export_paths(1.5) == ()


def test_private_modules_are_recognised():
    assert compat.KERAS_PRIVATE_PACKAGE == "keras.src"
    assert compat.is_private_module(keras.layers.Dense.__module__)
    assert compat.is_private_module(type(_sequential()).__module__)
    assert compat.is_private_module("keras.src")


@pytest.mark.parametrize("module", ["keras", "keras.layers", "keras.srcs", "os", None])
def test_public_and_foreign_modules_are_not_private(module):
    assert not compat.is_private_module(module)


@pytest.mark.parametrize("name", sorted(compat._DEFINED_IN))
def test_defining_modules_hold_their_public_objects(name):
    (private,) = compat.defining_modules([name])
    assert importlib.util.find_spec(private) is not None
    module, _, attr = name.rpartition(".")
    try:
        objects = [getattr(importlib.import_module(module), attr)]
    except AttributeError:
        objects = []
    if not objects or inspect.ismodule(objects[0]):
        public = importlib.import_module(name)
        objects = [getattr(public, n) for n in dir(public) if not n.startswith("_")]
    defined = {
        o.__module__ for o in objects if inspect.isclass(o) or inspect.isfunction(o)
    }
    if name in ("keras.legacy", "keras.datasets"):  # no functions or classes
        return
    assert any(m == private or m.startswith(private + ".") for m in defined), defined


def test_defining_modules_refuse_an_unknown_namespace():
    with pytest.raises(KeyError):
        compat.defining_modules(["keras.layers"])


def _functions_and_classes(namespace):
    found = [(n, getattr(namespace, n)) for n in dir(namespace) if n[0] != "_"]
    return [(n, o) for n, o in found if inspect.isclass(o) or inspect.isfunction(o)]


@pytest.mark.parametrize(
    "public",
    [keras.saving, keras.config, keras.export],
    ids=lambda m: m.__name__,
)
def test_loaders_and_settings_stay_blocked_under_any_name(public):
    # Security policy of skkeras._saving_trust, built from the compat
    # layer: whatever public name reaches a loader, saver or global
    # setting, the module that defines it is block-listed.
    found = _functions_and_classes(public)
    assert found
    for name, obj in found:
        assert _saving_trust._in_modules(
            obj.__module__, _saving_trust._BLOCKED_DEFINITIONS
        ), f"{public.__name__}.{name} ({obj.__module__})"


@pytest.mark.parametrize("name", ["clone_model", "load_model", "save_model"])
def test_model_loaders_stay_blocked_under_any_name(name):
    module = getattr(keras.models, name).__module__
    assert _saving_trust._in_modules(module, _saving_trust._BLOCKED_DEFINITIONS)


def test_keras_private_package_is_blocked_for_files():
    assert _saving_trust.blocked("keras.src.layers.core.dense")
    assert _saving_trust.blocked(compat.KERAS_PRIVATE_PACKAGE)
    assert not _saving_trust.blocked("keras.layers")


def test_loaded_backend_reads_the_imported_keras(monkeypatch):
    assert compat.loaded_backend() == keras.config.backend()
    monkeypatch.delitem(sys.modules, "keras.src.backend.config")
    assert compat.loaded_backend() is None


# ----------------------------------------------------------------------
# Serialization, metrics, compiled state, seeds
# ----------------------------------------------------------------------
def test_safe_mode_scope_turns_safe_mode_on_and_restores_it():
    from keras.src.saving.serialization_lib import SafeModeScope

    before = compat.safe_mode_setting()
    with SafeModeScope(False):  # the user turned safe mode off
        assert compat.safe_mode_setting() is False
        with compat.safe_mode_scope():
            assert compat.safe_mode_setting() is True
        assert compat.safe_mode_setting() is False
    assert compat.safe_mode_setting() == before


def test_builtin_function_modules_are_public_keras_namespaces():
    modules = compat.builtin_function_modules()
    assert "keras.losses" in modules and "keras.activations" in modules
    for module in modules:
        assert module.startswith("keras.") and not compat.is_private_module(module)
        importlib.import_module(module)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("mae", "mean_absolute_error"),
        ("MeanAbsoluteError", "mean_absolute_error"),
        ("accuracy", "accuracy"),
        ("acc", None),
        ("my_metric", None),
    ],
)
def test_registered_metric_names(name, expected):
    assert compat.registered_metric_name(name) == expected


def test_build_compiled_builds_the_compiled_loss_and_metrics():
    model = _sequential()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    parts = (model._compile_loss, model._compile_metrics)
    assert not any(p.built for p in parts)
    spec = keras.KerasTensor((None, 2))
    compat.build_compiled(model, spec, spec)
    assert all(p.built for p in parts)
    assert [m.name for m in model._compile_metrics.metrics] == ["mae"]


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow's seed state")
def test_tf_seed_state_round_trips():
    import tensorflow as tf

    tf.random.set_seed(7)
    tf.random.uniform(())
    state = compat.tf_seed_state(tf)
    assert state[0] == 7 and state[1] is not None
    first = tf.random.uniform((3,)).numpy()
    tf.random.set_seed(123)
    compat.restore_tf_seed(tf, state)
    np.testing.assert_array_equal(tf.random.uniform((3,)).numpy(), first)


# ----------------------------------------------------------------------
# No other module reaches into Keras' internals
# ----------------------------------------------------------------------
PACKAGE = pathlib.Path(compat.__file__).parent
# Modules allowed to touch private attributes of foreign objects: this one
# for Keras and TensorFlow, skkeras._sklearn_compat for scikit-learn.
COMPAT_MODULES = {"_keras_compat.py", "_sklearn_compat.py"}
# Text naming the private packages of Keras and TensorFlow.
PRIVATE_PACKAGES = ("keras.src", "tensorflow.python")


def _skkeras_private_names(trees):
    """Private names skkeras itself defines (functions, classes, attributes
    and names it assigns): reading those on another object is skkeras
    talking to itself."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if ast.unparse(node.value) in ("self", "cls"):
                    names.add(node.attr)
    return {n for n in names if n.startswith("_")}


def _foreign_private_reads(tree, own):
    """``(line, object, attribute)`` of each private attribute of another object read or
    written in ``tree`` (``model._x``, ``getattr(model, "_x", None)``),
    leaving out ``self``, ``cls``, ``super()`` and the names in ``own``."""

    def private(name):
        return name.startswith("_") and not name.startswith("__") and name not in own

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = ast.unparse(node.value)
            if base not in ("self", "cls", "super()"):
                found.append((node.lineno, base, node.attr))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
            and ast.unparse(node.args[0]) not in ("self", "cls")
        ):
            found.append((node.lineno, ast.unparse(node.args[0]), node.args[1].value))
    return found


def _scan():
    sources = {
        p.relative_to(PACKAGE).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
    }
    trees = {name: ast.parse(text) for name, text in sources.items()}
    # What the compat modules read on foreign objects counts as foreign
    # everywhere, even where skkeras has a private name of the same spelling.
    touchpoints = {
        attr
        for name in COMPAT_MODULES
        for _, _, attr in _foreign_private_reads(trees[name], set())
    }
    own = (
        _skkeras_private_names(
            tree for name, tree in trees.items() if name not in COMPAT_MODULES
        )
        - touchpoints
    )
    reads = {name: _foreign_private_reads(tree, own) for name, tree in trees.items()}
    mentions = {
        name: [p for p in PRIVATE_PACKAGES if p in text]
        for name, text in sources.items()
    }
    return reads, mentions


def test_the_scan_finds_private_reads():
    tree = ast.parse(
        "model._foo\n"
        "getattr(opt, '_bar', None)\n"
        "layer._baz = 1\n"
        "self._mine\n"
        "super()._parent()\n"
        "x.__module__\n"
        "obj._known\n"
    )
    found = {(obj, attr) for _, obj, attr in _foreign_private_reads(tree, {"_known"})}
    assert found == {("model", "_foo"), ("opt", "_bar"), ("layer", "_baz")}


def test_the_scan_finds_the_touchpoints_in_the_compat_module():
    reads, mentions = _scan()
    names = {attr for _, _, attr in reads["_keras_compat.py"]}
    assert {
        "_compile_loss",
        "_compile_metrics",
        "_exclude_from_weight_decay",
        "_exclude_from_weight_decay_pattern",
        "_distribute_strategy",
        "_api_export_path",
        "_rng",
    } <= names
    assert set(mentions["_keras_compat.py"]) == set(PRIVATE_PACKAGES)
    assert reads["_sklearn_compat.py"]  # scikit-learn's private method


def test_no_other_module_reaches_into_keras_internals():
    reads, mentions = _scan()
    assert len(reads) > 30  # the whole package was scanned
    outside = {
        name: found
        for name, found in reads.items()
        if found and name not in COMPAT_MODULES
    }
    assert not outside, (
        "private attributes of Keras (or other foreign) objects are read outside "
        f"skkeras/_keras_compat.py: {outside}"
    )
    named = {
        name: found
        for name, found in mentions.items()
        if found and name != "_keras_compat.py"
    }
    assert not named, f"Keras' or TensorFlow's private packages named in {named}"
