"""Crafted .skkeras files must never act: not at load, fit or predict.

Each attack is built at test time, with skkeras.save itself or by editing a
legitimate file's JSON, and aims at a marker file (code that ran), a victim
folder (deleted) and a victim file (overwritten).  Whatever load, fit,
partial_fit, predict, predict_proba and score then do, raise or not, none
of them may leave a trace, and Keras' safe mode must be as it was.
"""

import json
import os
import pathlib
import tempfile
import tracemalloc
import warnings
import zipfile

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skkeras
from skkeras import KerasClassifier, MLPClassifier, get_untrusted_types, load, save
from skkeras._keras_compat import safe_mode_setting

X = np.random.RandomState(0).normal(size=(30, 4)).astype(np.float32)
Y = np.arange(30) % 3


def build(meta):
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
    )


class Scene:
    """A folder with a victim file and a victim folder, and the marker."""

    def __init__(self, root):
        self.root = root
        self.marker = root / "PWNED"
        self.victim_dir = root / "victim_dir"
        self.victim_dir.mkdir()
        (self.victim_dir / "keep.txt").write_text("precious")
        self.victim_file = root / "victim.txt"
        self.victim_file.write_text("precious")
        self.files = self._listing()

    def _listing(self):
        return sorted(
            os.path.relpath(os.path.join(d, f), self.root)
            for d, _, files in os.walk(self.root)
            for f in files
        )

    def assert_untouched(self, allowed_new=()):
        assert not self.marker.exists(), "code from the file ran"
        assert (self.victim_dir / "keep.txt").read_text() == "precious"
        assert self.victim_file.read_text() == "precious"
        new = set(self._listing()) - set(self.files) - set(allowed_new)
        assert not new, f"files appeared: {sorted(new)}"


@pytest.fixture
def scene(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = safe_mode_setting()
    yield Scene(tmp_path)
    assert safe_mode_setting() == before, "Keras' safe mode changed"


def _use(path, **load_kwargs):
    """load, then every method a user calls; errors are fine, traces are not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            est = load(path, **load_kwargs)
        except ValueError:
            return None
        for call in (
            lambda: est.fit(X, Y),
            lambda: est.partial_fit(X, Y),
            lambda: est.predict(X),
            lambda: est.predict_proba(X),
            lambda: est.score(X, Y),
        ):
            try:
                call()
            except Exception:  # an error is an acceptable outcome
                pass
        return est


def _edit(path, target, entry, change):
    """Copy ``path`` to ``target`` with ``change(json)`` applied to ``entry``."""
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    data = json.loads(entries[entry])
    change(data)
    entries[entry] = json.dumps(data).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return target


def _lambda_config(marker):
    def evil(x):  # the payload: leaves a marker when it runs
        open(marker, "w").close()
        return x

    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Lambda(evil),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    config = json.loads(model.to_json())
    # Building the model ran the payload once, here: only later runs count.
    os.remove(marker)
    return config


def _import(path):
    return {"__skkeras__": "import", "path": path}


# ----------------------------------------------------------------------
# S1, S2: a file names a loader or a global switch as its build function
# ----------------------------------------------------------------------
def test_s1_deserializer_as_build_function_is_refused(scene):
    clf = KerasClassifier(
        keras.saving.deserialize_keras_object,
        model__config=_lambda_config(str(scene.marker)),
        model__safe_mode=False,
    )
    save(clf, "e.skkeras")
    with pytest.raises(ValueError, match="deserialize_keras_object.*does not resolve"):
        load("e.skkeras")
    assert _use("e.skkeras") is None
    scene.assert_untouched(allowed_new=["e.skkeras"])


def test_s1_load_model_as_build_function_is_refused(scene):
    evil = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
    )
    evil.save("evil.keras")
    clf = KerasClassifier(
        keras.models.load_model, model__filepath="evil.keras", model__safe_mode=False
    )
    save(clf, "e.skkeras")
    with pytest.raises(ValueError, match="load_model"):
        load("e.skkeras")
    names = get_untrusted_types("e.skkeras")
    assert names == ["keras.saving:load_model"]
    # Not even when the caller names it: only the object itself would do.
    with pytest.raises(ValueError, match="no file may name it"):
        load("e.skkeras", trusted=names)
    scene.assert_untouched(allowed_new=["e.skkeras", "evil.keras"])


def test_s2_safe_mode_switch_is_refused(scene):
    save(KerasClassifier(keras.config.enable_unsafe_deserialization), "f.skkeras")
    with pytest.raises(ValueError, match="enable_unsafe_deserialization"):
        load("f.skkeras")
    assert _use("f.skkeras") is None
    scene.assert_untouched(allowed_new=["f.skkeras"])


def test_load_runs_in_safe_mode_even_when_the_process_is_not(scene):
    """A model with a Lambda layer is refused although the process has
    switched safe deserialization off; the switch survives the load."""
    from keras.src.saving import serialization_lib

    network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    save(KerasClassifier(network), "n.skkeras")

    def add_lambda(params):
        params["model"] = {
            "__skkeras__": "keras",
            "config": _lambda_config(str(scene.marker)),
        }

    _edit("n.skkeras", "lam.skkeras", "params.json", add_lambda)
    previous = serialization_lib.in_safe_mode()
    keras.config.enable_unsafe_deserialization()
    try:
        with pytest.raises(ValueError, match="__lambda__|Lambda"):
            load("lam.skkeras")
        assert serialization_lib.in_safe_mode() is False
    finally:
        serialization_lib.global_state.set_global_attribute(
            "safe_mode_saving", previous
        )
    scene.assert_untouched(allowed_new=["n.skkeras", "lam.skkeras"])


# ----------------------------------------------------------------------
# S3: attributes.json replaces methods
# ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["_predict_options", "_check_params", "predict"])
@pytest.mark.parametrize("section", ["private", "fitted"])
def test_s3_attributes_cannot_replace_methods(scene, name, section):
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(clf.fit(X, Y), "ok.skkeras")

    def inject(state):
        state[section][name] = _import("keras.config:enable_unsafe_deserialization")

    _edit("ok.skkeras", "s3.skkeras", "attributes.json", inject)
    with pytest.raises(ValueError):
        load("s3.skkeras")
    _use("s3.skkeras")
    scene.assert_untouched(allowed_new=["ok.skkeras", "s3.skkeras"])


def test_s3_undeclared_attribute_with_harmless_value_is_refused(scene):
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(clf.fit(X, Y), "ok.skkeras")
    _edit(
        "ok.skkeras",
        "extra.skkeras",
        "attributes.json",
        lambda state: state["private"].update(_made_up=1),
    )
    with pytest.raises(ValueError, match="'_made_up', which is not a fitted attribute"):
        load("extra.skkeras")


# ----------------------------------------------------------------------
# S4: callbacks and parameters that write, delete or send
# ----------------------------------------------------------------------
def _acting_estimator(scene):
    return KerasClassifier(
        build,
        epochs=2,
        checkpoint=str(scene.victim_file),
        callbacks=[
            keras.callbacks.BackupAndRestore(
                str(scene.victim_dir), delete_checkpoint=True
            ),
            keras.callbacks.CSVLogger(str(scene.victim_file)),
            keras.callbacks.ModelCheckpoint(str(scene.victim_file) + ".keras"),
            keras.callbacks.TensorBoard(str(scene.victim_dir)),
            keras.callbacks.EarlyStopping(monitor="loss", patience=3),
        ],
    )


def test_s4_file_acting_callbacks_and_checkpoint_are_dropped(scene):
    save(_acting_estimator(scene), "s4.skkeras")
    with pytest.warns(UserWarning, match="left out") as record:
        est = load("s4.skkeras", custom_objects={"build": build})
    message = str(record[0].message)
    for name in ("BackupAndRestore", "CSVLogger", "ModelCheckpoint", "TensorBoard"):
        assert name in message
    assert "'checkpoint'" in message
    assert est.checkpoint is None
    # The harmless callback stays.
    assert [type(cb).__name__ for cb in est.callbacks] == ["EarlyStopping"]
    _use("s4.skkeras", custom_objects={"build": build})
    scene.assert_untouched(allowed_new=["s4.skkeras"])


def test_s4_callback_classes_with_routed_paths_are_dropped(scene):
    clf = KerasClassifier(
        build,
        epochs=2,
        callbacks=[keras.callbacks.CSVLogger],
        callbacks__filename=str(scene.victim_file),
    )
    save(clf, "cls.skkeras")
    with pytest.warns(UserWarning, match="CSVLogger"):
        est = load("cls.skkeras", custom_objects={"build": build})
    assert est.callbacks == []
    _use("cls.skkeras", custom_objects={"build": build})
    scene.assert_untouched(allowed_new=["cls.skkeras"])


def test_s4_trusted_callbacks_come_back_with_their_paths(scene):
    log = scene.root / "mine.csv"
    clf = KerasClassifier(
        build, epochs=2, callbacks=[keras.callbacks.CSVLogger(str(log))]
    )
    save(clf, "mine.skkeras")
    assert get_untrusted_types("mine.skkeras") == [
        "keras.callbacks:CSVLogger",
        f"{build.__module__}:build",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is left out
        est = load(
            "mine.skkeras",
            custom_objects={"build": build},
            trusted=get_untrusted_types("mine.skkeras"),
        )
    (logger,) = est.callbacks
    assert isinstance(logger, keras.callbacks.CSVLogger)
    assert logger.filename == str(log)
    est.fit(X, Y)
    assert log.exists()


# ----------------------------------------------------------------------
# S5: decompression bombs
# ----------------------------------------------------------------------
def _bomb(path, entry, size, base=None):
    """A zip whose ``entry`` decompresses to ``size`` bytes of zeros."""
    entries = {}
    if base is not None:
        with zipfile.ZipFile(base) as archive:
            entries = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            if name != entry:
                archive.writestr(name, content)
        archive.writestr(entry, b"0" * size)
    return path


def _peak_while(function):
    tracemalloc.start()
    try:
        function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_s5_bomb_is_refused_before_it_allocates(scene):
    save(MLPClassifier(), "ok.skkeras")
    bomb = _bomb(scene.root / "bomb.skkeras", "params.json", 400 << 20, "ok.skkeras")
    assert 300_000 < os.path.getsize(bomb) < 500_000  # a ~400 KB file

    def attempt():
        with pytest.raises(ValueError, match="refused.*max_bytes"):
            load(bomb)

    assert _peak_while(attempt) < 4 << 20
    # The declared size may lie: the count while decompressing catches it.
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("params.json").file_size == 400 << 20


def test_s5_bomb_inside_the_keras_model_is_refused(scene):
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(clf.fit(X, Y), "ok.skkeras")
    with zipfile.ZipFile("ok.skkeras") as archive:
        model = archive.read("model.keras")
    (scene.root / "m.keras").write_bytes(model)
    inner = _bomb(scene.root / "inner.keras", "model.weights.h5", 150 << 20, "m.keras")
    with zipfile.ZipFile("ok.skkeras") as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries["model.keras"] = inner.read_bytes()
    with zipfile.ZipFile("bomb.skkeras", "w", zipfile.ZIP_STORED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))

    def attempt():
        with pytest.raises(ValueError, match="refused: model.keras declares"):
            load("bomb.skkeras")

    assert _peak_while(attempt) < 4 << 20
    assert set(os.listdir(os.environ.get("TMPDIR", "/tmp"))) <= before


def test_s5_a_trusted_large_file_loads_with_max_bytes(scene):
    save(MLPClassifier(), "ok.skkeras")
    _bomb(scene.root / "big.skkeras", "padding.bin", 30 << 20, "ok.skkeras")
    with pytest.raises(ValueError, match="max_bytes"):
        load("big.skkeras")
    assert (
        load("big.skkeras", max_bytes=64 << 20).get_params()
        == MLPClassifier().get_params()
    )


# ----------------------------------------------------------------------
# Mutations of legitimate files
# ----------------------------------------------------------------------
def _public_callables():
    """Every public function and class under keras and skkeras, by path."""
    names, seen, queue = set(), set(), [keras]
    while queue:
        module = queue.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        for attr in dir(module):
            if attr.startswith("_"):
                continue
            try:
                obj = getattr(module, attr)
            except Exception:
                continue
            if type(obj).__name__ == "module" and obj.__name__.startswith("keras."):
                if not obj.__name__.startswith("keras.src"):
                    queue.append(obj)
            elif callable(obj):
                names.add(f"{module.__name__}:{attr}")
    names.update(f"skkeras:{name}" for name in skkeras.__all__ if name[0] != "_")
    return sorted(names)


CALLABLES = _public_callables()


@pytest.fixture(scope="module")
def legitimate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("legitimate")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
        save(mlp.fit(X, Y), folder / "mlp.skkeras")
        wrapper = KerasClassifier(build, epochs=1, random_state=0)
        save(wrapper.fit(X, Y), folder / "wrapper.skkeras")
    return folder


def _json_slots(value, prefix=()):
    """Every place in a JSON value that a mutation may replace."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_slots(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_slots(item, prefix + (i,))


def _replace(value, slot, new):
    if not slot:
        return new
    value[slot[0]] = _replace(value[slot[0]], slot[1:], new)
    return value


def test_public_callables_cover_keras_loaders():
    assert "keras.saving:load_model" in CALLABLES
    assert "keras.config:enable_unsafe_deserialization" in CALLABLES
    assert "keras.layers:Dense" in CALLABLES and len(CALLABLES) > 1000


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    which=st.sampled_from(["mlp.skkeras", "wrapper.skkeras"]),
    entry=st.sampled_from(["params.json", "attributes.json"]),
    choice=st.integers(min_value=0, max_value=10**6),
    name=st.sampled_from(CALLABLES),
    extra=st.one_of(st.none(), st.from_regex(r"_[a-z_]{1,20}", fullmatch=True)),
)
def test_mutated_files_never_act(
    legitimate, tmp_path, monkeypatch, which, entry, choice, name, extra
):
    from skkeras._saving_trust import REFUSED, Trust

    root = tempfile.mkdtemp(dir=tmp_path)
    monkeypatch.chdir(root)
    scene = Scene(pathlib.Path(root))
    safe_mode = safe_mode_setting()
    with zipfile.ZipFile(legitimate / which) as archive:
        data = json.loads(archive.read(entry))
    slots = list(_json_slots(data))[1:]
    slot = slots[choice % len(slots)]

    def mutate(value):
        _replace(value, slot, _import(name))
        if extra is not None and entry == "attributes.json":
            value["private"][extra] = _import(name)

    target = _edit(legitimate / which, tmp_path / "mutated.skkeras", entry, mutate)
    refused = Trust({"build": build}).verdict(name).decision == REFUSED
    if refused:
        # Invalid input is refused, whatever the slot.
        with pytest.raises(ValueError):
            load(target, custom_objects={"build": build})
    _use(target, custom_objects={"build": build})
    scene.assert_untouched()
    assert safe_mode_setting() == safe_mode


def test_unmutated_legitimate_files_load_and_predict(legitimate):
    for which in ("mlp.skkeras", "wrapper.skkeras"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            est = load(legitimate / which, custom_objects={"build": build})
        assert est.predict(X).shape == (30,)


# ----------------------------------------------------------------------
# Legitimate files the docs show still round-trip
# ----------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="skkeras_tests")
class Scale(keras.layers.Layer):
    """A custom layer, registered with Keras as users do."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="skkeras_tests")
def scaled_crossentropy(y_true, y_pred):
    return 0.5 * keras.losses.sparse_categorical_crossentropy(y_true, y_pred)


def build_custom(meta):
    return keras.Sequential(
        [
            keras.Input((4,)),
            Scale(0.5),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def test_documented_estimators_round_trip_identically(tmp_path):
    mlp = MLPClassifier(
        hidden_layer_sizes=(5,),
        max_iter=3,
        lr_schedule=skkeras.StepDecay(drop=0.5, epochs_drop=1),
        kernel_constraint=2.0,
        kernel_initializer=keras.initializers.HeNormal(seed=1),
        random_state=0,
    )
    wrapper = KerasClassifier(
        build_custom,
        loss=scaled_crossentropy,
        optimizer=keras.optimizers.Adam,
        optimizer__learning_rate=0.01,
        callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=2)],
        epochs=2,
        random_state=0,
    )
    custom = {
        "build_custom": build_custom,
        "Scale": Scale,
        "scaled_crossentropy": scaled_crossentropy,
    }
    for est in (mlp, wrapper):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, Y)
        path = tmp_path / f"{type(est).__name__}.skkeras"
        save(est, path)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nothing left out, no noise
            loaded = load(path, custom_objects=custom)
        np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
        assert loaded.get_params().keys() == est.get_params().keys()
    # Without the custom objects, the error says what to pass.
    partial = {k: v for k, v in custom.items() if k != "build_custom"}
    with pytest.raises(ValueError, match=r"custom_objects=\{'build_custom'"):
        load(tmp_path / "KerasClassifier.skkeras", custom_objects=partial)
    names = get_untrusted_types(tmp_path / "KerasClassifier.skkeras")
    assert f"{__name__}:build_custom" in names
    assert any("Scale" in name for name in names)
