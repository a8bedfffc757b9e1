"""The fitted attributes a file may set, and their types (B6)."""

import json
import warnings
import zipfile
from dataclasses import replace

import keras
import numpy as np
import pandas as pd
import pytest

from skkeras import (
    KerasClassifier,
    KerasRegressor,
    MLPClassifier,
    MLPRegressor,
    load,
    save,
)
from skkeras._saving_schema import RUNTIME_ONLY, declared_attributes

X = np.random.RandomState(0).normal(size=(40, 3)).astype(np.float32)
Y = np.arange(40) % 2


def build(meta):
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(meta["n_outputs_expected_"])]
    )


@pytest.mark.parametrize(
    "est, y",
    [
        (MLPClassifier(hidden_layer_sizes=(2,), max_iter=2), Y),
        (MLPClassifier(hidden_layer_sizes=(2,), max_iter=2, early_stopping=True), Y),
        (MLPRegressor(hidden_layer_sizes=(2,), max_iter=2), X[:, 0]),
        (KerasClassifier(build, epochs=1, loss="binary_crossentropy"), Y),
        (KerasRegressor(build, epochs=1), X[:, :2]),
    ],
)
def test_every_fitted_attribute_is_declared(est, y):
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(frame, y)
    declared = declared_attributes(type(est))
    state = {
        k
        for k in vars(est)
        if (k.endswith("_") or k.startswith("_"))
        and k not in ("model_", "_extra", *RUNTIME_ONLY)
    }
    assert state <= set(declared), state - set(declared)
    assert not any(hasattr(type(est), name) for name in declared)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "clf.skkeras"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(MLPClassifier(hidden_layer_sizes=(2,), max_iter=2).fit(X, Y), path)
    return path


def _edited(path, tmp_path, change):
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    state = json.loads(entries["attributes.json"])
    change(state)
    entries["attributes.json"] = json.dumps(state).encode()
    target = tmp_path / "edited.skkeras"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


def _regressor_target(state):
    target = state["fitted"]["target_encoder_"]
    target["class"] = "RegressorTarget"
    target["attributes"] = {"ndim": 1, "n_outputs": 1, "target_type": "continuous"}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s["fitted"].update(classes_=5), "'classes_' must be a 1-D array"),
        (lambda s: s["fitted"].update(n_iter_=-1), "'n_iter_' must be an int >= 0"),
        (lambda s: s["fitted"].update(history_=[1]), "'history_' must be a dict"),
        (
            lambda s: s["private"]["_fit_plan"].update(weight_scale=0.0),
            "weight_scale a positive finite float",
        ),
        (
            lambda s: s["private"]["_fit_plan"].update(batch_size=None),
            "batch_size an int >= 1",
        ),
        (lambda s: s["private"]["_fit_plan"].pop("seed"), "'_fit_plan' must be"),
        (
            lambda s: s["private"]["_fit_plan"].update(x_dtype="float16"),
            "x_dtype 'float32' or 'float64'",
        ),
        (lambda s: s["private"].update(_weight_scale=1.0), "sets '_weight_scale'"),
        (lambda s: s["fitted"].pop("n_iter_"), "lacks the fitted attribute"),
        (
            lambda s: s["fitted"].update(
                classes_={
                    "__skkeras__": "ndarray",
                    "dtype": "<i8",
                    "shape": [2],
                    "data": "!!",
                }
            ),
            "invalid base64",
        ),
        (_regressor_target, "must be a ClassifierTarget"),
        (
            lambda s: s["fitted"]["target_encoder_"]["attributes"].update(mode="evil"),
            "invalid mode",
        ),
        (
            lambda s: s["fitted"]["target_encoder_"]["attributes"].update(proba=1),
            "has the attributes",
        ),
        (lambda s: s["fitted"].update(_fit_plan=1.0), "in its 'fitted' section"),
    ],
)
def test_wrong_attributes_are_refused_naming_file_and_entry(
    saved, tmp_path, change, message
):
    path = _edited(saved, tmp_path, change)
    with pytest.raises(ValueError, match=message) as info:
        load(path)
    assert "edited.skkeras" in str(info.value)


def test_unchanged_file_passes_the_schema(saved):
    assert load(saved).predict(X).shape == (40,)


def _in_earlier_format(state):
    """A file's attributes as skkeras wrote them before the fit plan: the
    plan's fields as private attributes (the MLPs' four, the wrappers' last
    two), no seed."""
    fields = state["private"].pop("_fit_plan")
    names = {
        "_fit_batch_size": "batch_size",
        "_n_train_samples": "n_train",
        "_weight_scale": "weight_scale",
        "_initial_learning_rate": "initial_learning_rate",
    }
    mlp = "loss_curve_" in state["fitted"]
    for name, field in names.items():
        if mlp or field in ("weight_scale", "initial_learning_rate"):
            state["private"][name] = fields[field]


@pytest.mark.parametrize(
    "est, y",
    [
        (MLPClassifier(hidden_layer_sizes=(2,), max_iter=2, random_state=0), Y),
        (KerasRegressor(build, epochs=1, random_state=0), X[:, 0]),
    ],
)
def test_files_of_earlier_versions_load_their_plan(est, y, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y, sample_weight=np.arange(1.0, 41.0))
    save(est, tmp_path / "now.skkeras")
    path = _edited(tmp_path / "now.skkeras", tmp_path, _in_earlier_format)
    loaded = load(path, custom_objects={"build": build})
    plan = est._fit_plan
    # (Earlier files have no x_dtype either: they read as float64.)
    if isinstance(est, MLPClassifier):
        assert loaded._fit_plan == replace(plan, seed=None, x_dtype="float64")
        assert loaded.t_ == est.t_
    else:
        unknown = dict(batch_size=None, n_train=None, seed=None, x_dtype="float64")
        assert loaded._fit_plan == replace(plan, **unknown)
    for name in ("_weight_scale", "_fit_batch_size", "_initial_learning_rate"):
        assert not hasattr(loaded, name)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded.partial_fit(X, y)
    # An MLP's n_iter_ counts its last call's epochs (scikit-learn's), a
    # wrapper's every epoch.
    mlp = isinstance(est, MLPClassifier)
    assert loaded.n_iter_ == (1 if mlp else est.n_iter_ + 1)
    assert loaded._fit_plan.weight_scale == plan.weight_scale
    assert loaded._fit_plan.n_train == 40


def test_files_without_the_float_type_read_as_float64(tmp_path):
    # Files written before FitPlan.x_dtype existed: their MLPs' parameters
    # and predictions were float64 whatever X's type, and still are.
    est = MLPRegressor(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X.astype(np.float32), X[:, 0])
    assert est.predict(X).dtype == np.float32
    save(est, tmp_path / "now.skkeras")

    def without_x_dtype(state):
        state["private"]["_fit_plan"].pop("x_dtype")

    loaded = load(_edited(tmp_path / "now.skkeras", tmp_path, without_x_dtype))
    assert loaded._fit_plan.x_dtype == "float64"
    assert loaded.coefs_[0].dtype == np.float64
    np.testing.assert_allclose(loaded.predict(X), est.predict(X), rtol=1e-6)
