"""skkeras.save / skkeras.load: one file, no pickle, nothing executed on load."""

import json
import os
import warnings
import zipfile

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

import skkeras
from skkeras import (
    KerasClassifier,
    KerasRegressor,
    MLPClassifier,
    MLPRegressor,
    StepDecay,
    load,
    save,
)


def build(meta, hidden=8):
    """A build function the file can name but load() must not import."""
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


@pytest.fixture(scope="module")
def mlp_classifier(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
        return clf.fit(X, y)


@pytest.fixture(scope="module")
def saved_classifier(mlp_classifier, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "clf.skkeras"
    save(mlp_classifier, path)
    return path


def _rewrite(source, target, replacements):
    """Copy the archive ``source`` to ``target`` with some entries replaced."""
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries.update(replacements)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            if data is not None:
                archive.writestr(name, data)
    return target


def _manifest(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


# ----------------------------------------------------------------------
# Round trips
# ----------------------------------------------------------------------
def test_public_api_is_exported():
    assert "save" in skkeras.__all__ and "load" in skkeras.__all__
    from skkeras import _saving

    assert skkeras.save is _saving.save and skkeras.load is _saving.load


def test_mlp_classifier_round_trip_is_identical(iris, mlp_classifier, saved_classifier):
    X, _ = iris
    manifest = _manifest(saved_classifier)
    assert manifest["format"] == "skkeras" and manifest["version"] == 1
    assert manifest["estimator"] == "MLPClassifier" and manifest["module"] == "skkeras"
    with zipfile.ZipFile(saved_classifier) as archive:
        names = set(archive.namelist())
    assert {"manifest.json", "params.json", "attributes.json", "model.keras"} <= names

    loaded = load(saved_classifier)
    assert type(loaded) is MLPClassifier
    assert loaded.get_params() == mlp_classifier.get_params()
    proba = mlp_classifier.predict_proba(X)
    np.testing.assert_array_equal(loaded.predict_proba(X), proba)
    np.testing.assert_array_equal(loaded.predict(X), mlp_classifier.predict(X))
    np.testing.assert_array_equal(loaded.classes_, mlp_classifier.classes_)
    assert loaded.classes_.dtype == mlp_classifier.classes_.dtype
    assert loaded.history_ == mlp_classifier.history_
    assert loaded.loss_curve_ == mlp_classifier.loss_curve_
    names = ("n_iter_", "t_", "n_layers_", "n_outputs_", "n_features_in_", "best_loss_")
    for name in names:
        assert getattr(loaded, name) == getattr(mlp_classifier, name)
    assert loaded._fit_plan == mlp_classifier._fit_plan
    target, expected = loaded.target_encoder_, mlp_classifier.target_encoder_
    assert type(target) is type(expected)
    assert vars(target).keys() == vars(expected).keys()
    assert target.mode == expected.mode and target.target_type == expected.target_type


def test_loaded_estimator_continues_training(iris, mlp_classifier, saved_classifier):
    X, y = iris
    loaded = load(saved_classifier)
    steps = int(mlp_classifier.model_.optimizer.iterations)
    assert steps == 5  # one batch of 150 samples per epoch
    assert int(loaded.model_.optimizer.iterations) == steps
    # Adam's moments came back too.
    variables = loaded.model_.optimizer.variables
    expected = mlp_classifier.model_.optimizer.variables
    assert len(variables) == len(expected) > 2
    for variable, value in zip(variables, expected):
        np.testing.assert_array_equal(np.asarray(variable), np.asarray(value))
    # ... so both copies run the same next epoch.
    again = load(saved_classifier)
    loaded.partial_fit(X, y)
    again.partial_fit(X, y)
    assert int(loaded.model_.optimizer.iterations) == steps + 1
    assert loaded.n_iter_ == 1 and len(loaded.loss_curve_) == 6
    np.testing.assert_array_equal(loaded.predict_proba(X), again.predict_proba(X))
    assert not np.array_equal(loaded.predict_proba(X), mlp_classifier.predict_proba(X))


def test_mlp_regressor_round_trip_with_feature_names(tmp_path):
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    y = np.column_stack([X["a"] - X["b"], X["c"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
        reg.fit(X, y)
    save(reg, tmp_path / "reg.skkeras")
    loaded = load(tmp_path / "reg.skkeras")
    np.testing.assert_array_equal(loaded.feature_names_in_, reg.feature_names_in_)
    assert loaded.feature_names_in_.dtype == object
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.predict(X).shape == (40, 2)
    assert loaded.target_encoder_.ndim == 2


def test_keras_classifier_with_build_function(iris, tmp_path):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]
    clf = KerasClassifier(
        build,
        model__hidden=5,
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        callbacks=[keras.callbacks.EarlyStopping(monitor="loss", patience=2)],
        epochs=3,
        random_state=0,
    ).fit(X, labels)
    path = tmp_path / "keras.skkeras"
    save(clf, path)

    loaded = load(path, custom_objects={"build": build})
    assert loaded.model is build and loaded.model__hidden == 5
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert loaded.optimizer.get_config() == clf.optimizer.get_config()
    (early,) = loaded.callbacks
    assert isinstance(early, keras.callbacks.EarlyStopping)
    assert (early.monitor, early.patience) == ("loss", 2)
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    # Keyed by module and qualified name works too.
    key = f"{build.__module__}:{build.__qualname__}"
    assert load(path, custom_objects={key: build}).model is build


def test_unfitted_round_trip_keeps_params(tmp_path):
    clf = MLPClassifier(
        hidden_layer_sizes=(7, 3),
        alpha=0.5,
        n_iter_no_change=np.inf,
        class_weight={0: 1.0, 1: 2.5},
        lr_schedule=StepDecay(drop=0.25, epochs_drop=3),
        kernel_initializer=keras.initializers.HeNormal(seed=3),
        solver="sgd",
    )
    save(clf, tmp_path / "unfitted.skkeras")
    assert _manifest(tmp_path / "unfitted.skkeras")["fitted"] is False
    loaded = load(tmp_path / "unfitted.skkeras")
    with pytest.raises(NotFittedError):
        check_is_fitted(loaded)
    params, expected = loaded.get_params(deep=False), clf.get_params(deep=False)
    for key in ("lr_schedule", "kernel_initializer"):
        a, b = params.pop(key), expected.pop(key)
        assert type(a) is type(b) and a is not b
    assert loaded.lr_schedule.get_params() == clf.lr_schedule.get_params()
    assert loaded.kernel_initializer.get_config() == clf.kernel_initializer.get_config()
    assert params == expected
    assert loaded.hidden_layer_sizes == (7, 3)  # a tuple, not a list

    reg = KerasRegressor(loss=keras.losses.mean_squared_error, fit__verbose=0)
    save(reg, tmp_path / "reg.skkeras")
    back = load(tmp_path / "reg.skkeras")
    assert back.get_params() == reg.get_params()


def test_model_instance_and_random_state_parameters(iris, tmp_path):
    X, y = iris
    network = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
    )
    network.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    clf = KerasClassifier(network, random_state=np.random.RandomState(3), epochs=2)
    save(clf, tmp_path / "net.skkeras")
    with zipfile.ZipFile(tmp_path / "net.skkeras") as archive:
        assert "params/0.keras" in archive.namelist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no noise from Keras either
        loaded = load(tmp_path / "net.skkeras")
    assert isinstance(loaded.model, keras.Model) and loaded.model is not network
    assert loaded.model.to_json() == network.to_json()
    assert loaded.model.compiled
    state, expected = loaded.random_state.get_state(), clf.random_state.get_state()
    np.testing.assert_array_equal(state[1], expected[1])
    assert state[2:] == expected[2:]
    loaded.fit(X, y)
    assert loaded.predict(X).shape == (len(X),)


# ----------------------------------------------------------------------
# Damaged, foreign and tampered files
# ----------------------------------------------------------------------
def test_truncated_file_is_a_clear_error(saved_classifier, tmp_path):
    data = saved_classifier.read_bytes()
    cut = tmp_path / "cut.skkeras"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a valid skkeras file or is damaged"):
        load(cut)


@pytest.mark.parametrize(
    "replacements, message",
    [
        ({"manifest.json": None}, "damaged: it has no manifest.json"),
        ({"params.json": b'{"alpha": '}, "params.json is not valid JSON"),
        ({"attributes.json": None}, "damaged: it has no attributes.json"),
        ({"model.keras": None}, "damaged: it has no model.keras"),
    ],
)
def test_tampered_entries_are_clear_errors(
    saved_classifier, tmp_path, replacements, message
):
    path = _rewrite(saved_classifier, tmp_path / "bad.skkeras", replacements)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_not_a_zip_file(tmp_path):
    path = tmp_path / "text.skkeras"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not a valid skkeras file or is damaged"):
        load(path)


def test_manifest_naming_another_class_is_refused(saved_classifier, tmp_path):
    manifest = _manifest(saved_classifier)
    manifest["estimator"] = "Evil"
    replacements = {"manifest.json": json.dumps(manifest)}
    path = _rewrite(saved_classifier, tmp_path / "evil.skkeras", replacements)
    message = "names the class 'Evil', which is not an skkeras estimator"
    with pytest.raises(ValueError, match=message):
        load(path)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"format": "other"}, "names the format 'other'"),
        ({"format": None}, "names no format"),
        ({"version": 99}, "format version 99, written by a newer skkeras"),
    ],
)
def test_manifest_format_and_version_are_checked(
    saved_classifier, tmp_path, change, message
):
    manifest = {**_manifest(saved_classifier), **change}
    replacements = {"manifest.json": json.dumps(manifest)}
    path = _rewrite(saved_classifier, tmp_path / "m.skkeras", replacements)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_build_function_must_be_passed_in_custom_objects(tmp_path):
    path = tmp_path / "build.skkeras"
    save(KerasClassifier(build, epochs=2), path)
    message = r"parameter 'model' is '.*:build'.*custom_objects=\{'build': build\}"
    with pytest.raises(ValueError, match=message):
        load(path)


@pytest.mark.parametrize(
    "name",
    [
        "os:system",
        "builtins:eval",
        "skkeras._saving:os.system",
        "skkeras._saving:__builtins__",
    ],
)
def test_named_functions_are_imported_only_from_trusted_packages(tmp_path, name):
    path = tmp_path / "unfitted.skkeras"
    save(KerasClassifier(build), path)
    with zipfile.ZipFile(path) as archive:
        params = json.loads(archive.read("params.json"))
    params["model"] = {"__skkeras__": "import", "path": name}
    bad = _rewrite(path, tmp_path / "bad.skkeras", {"params.json": json.dumps(params)})
    with pytest.raises(ValueError, match="custom_objects"):
        load(bad)


def test_unsavable_parameter_is_a_clear_error(tmp_path):
    with pytest.raises(TypeError, match="lambda"):
        save(KerasClassifier(lambda meta: None), tmp_path / "x.skkeras")
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------
def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "model.skkeras"
    save(MLPRegressor(alpha=0.1), path)
    save(MLPRegressor(alpha=0.2), path)
    assert load(path).alpha == 0.2
    assert os.listdir(tmp_path) == ["model.skkeras"]
    # A save that fails leaves the previous file as it was.
    before = path.read_bytes()
    with pytest.raises(TypeError):
        save(MLPRegressor(alpha=object()), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.skkeras"]


def test_keras_own_saving_still_works(mlp_classifier, saved_classifier, tmp_path):
    for estimator in (mlp_classifier, load(saved_classifier)):
        config = json.loads(estimator.model_.to_json())
        assert config["class_name"] == "Sequential"
        estimator.model_.save_weights(tmp_path / "w.weights.h5")
        assert (tmp_path / "w.weights.h5").stat().st_size > 0


def test_docstring_examples_run():
    import doctest
    import io

    from skkeras import _saving_read, _saving_untrusted, _saving_write

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    modules = (_saving_write, _saving_read, _saving_untrusted)
    tests = [t for m in modules for t in finder.find(m) if t.examples]
    assert {t.name.rpartition(".")[2] for t in tests} == {
        "save",
        "load",
        "get_untrusted_types",
    }
    out = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()
