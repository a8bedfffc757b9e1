"""scikeras' subclassing and build-function conventions: ``_keras_build_fn``,
subclass constructors, ``meta``, ``**kwargs`` build functions, routing sets."""

import inspect
import os
import pickle
import warnings

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import check_no_attributes_set_in_init

from skkeras import KerasClassifier, KerasRegressor, load, save

X = np.random.RandomState(0).rand(24, 3).astype(np.float32)
Y3 = np.arange(24) % 3


def dense(hidden_layer_sizes, meta, compile_kwargs):
    """A compiled network for any target, sized from ``meta``."""
    classes = meta.get("n_classes_")
    out = keras.layers.Dense(classes or meta["n_outputs_"])
    if classes:
        out = keras.layers.Dense(classes, activation="softmax")
    layers = [keras.layers.Dense(units) for units in hidden_layer_sizes]
    model = keras.Sequential([keras.Input((meta["n_features_in_"],)), *layers, out])
    model.compile(**compile_kwargs)
    return model


class OwnBuild(KerasClassifier):
    """A subclass that builds in ``_keras_build_fn``, as scikeras allows."""

    def _keras_build_fn(self, hidden, meta, compile_kwargs):
        return dense((hidden,), meta, compile_kwargs)


class OwnInit(KerasClassifier):
    """A subclass whose ``__init__`` passes the parent's parameters on."""

    def __init__(self, model__hidden_layer_sizes=(4,), loss=None, **kwargs):
        super().__init__(**kwargs)
        self.model__hidden_layer_sizes = model__hidden_layer_sizes
        self.loss = loss

    def _keras_build_fn(self, hidden_layer_sizes, meta, compile_kwargs):
        return dense(hidden_layer_sizes, meta, compile_kwargs)


def test_keras_build_fn_builds_when_model_is_none():
    clf = OwnBuild(hidden=3, epochs=1, random_state=0).fit(X, Y3)
    assert clf.model_.layers[0].units == 3
    assert clf.set_params(hidden=2).fit(X, Y3).model_.layers[0].units == 2
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))


def test_keras_build_fn_and_model_together_are_refused():
    with pytest.raises(ValueError, match="cannot implement ``_keras_build_fn``"):
        OwnBuild(model=dense, hidden=3).fit(X, Y3)
    with pytest.raises(ValueError, match="must implement ``_keras_build_fn``"):
        KerasClassifier().fit(X, Y3)


def test_subclass_init_keeps_the_parameters_it_passes_on():
    clf = OwnInit(model__hidden_layer_sizes=(3,), epochs=2, random_state=1)
    check_no_attributes_set_in_init(clf.__name__, clf)
    assert clf.__name__ == "OwnInit"
    params = clf.get_params()
    assert params["epochs"] == 2 and params["random_state"] == 1
    copy = clone(clf)
    assert (copy.epochs, copy.random_state) == (2, 1)
    assert copy.model__hidden_layer_sizes == (3,)
    clf.set_params(random_state=0, model__hidden_layer_sizes=(2,))
    assert clf.random_state == 0
    assert clf.model__hidden_layer_sizes == (2,)
    assert clf.fit(X, Y3).model_.layers[0].units == 2


def test_build_function_with_kwargs_gets_meta_compile_kwargs_and_params():
    seen = {}

    def build(**kwargs):
        seen.update(kwargs)
        sizes, meta = kwargs["hidden_layer_sizes"], kwargs["meta"]
        return dense(sizes, meta, kwargs["compile_kwargs"])

    clf = KerasClassifier(build, model__hidden_layer_sizes=(3,), epochs=1)
    clf.fit(X, Y3)
    assert list(seen) == ["hidden_layer_sizes", "meta", "compile_kwargs", "params"]
    assert seen["params"] == clf.get_params()
    assert set(seen["compile_kwargs"]) <= KerasClassifier._compile_kwargs


class _Dense(keras.Model):
    """A model class used as the build function: its ``**kwargs`` go to Keras."""

    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.out = keras.layers.Dense(units)

    def call(self, x):
        return self.out(x)


def test_model_class_with_kwargs_gets_no_meta():
    reg = KerasRegressor(_Dense, units=1, epochs=1).fit(X, X[:, 0])
    assert reg.predict(X).shape == (24,)


@pytest.mark.parametrize(
    "est, y, extra",
    [
        (KerasClassifier, Y3, {"classes_", "n_classes_"}),
        (KerasRegressor, X[:, 0], set()),
    ],
)
def test_meta_has_scikeras_keys_and_a_seed_only_when_seeded(est, y, extra):
    metas = []

    def build(hidden_layer_sizes, meta, compile_kwargs):
        metas.append(meta)
        return dense(hidden_layer_sizes, meta, compile_kwargs)

    base = {
        "X_dtype_",
        "y_dtype_",
        "target_type_",
        "n_features_in_",
        "X_shape_",
        "n_outputs_expected_",
        "y_ndim_",
        "n_outputs_",
        "feature_encoder_",
        "target_encoder_",
    }
    fitted = est(build, hidden_layer_sizes=(2,), epochs=1).fit(X, y)
    est(build, hidden_layer_sizes=(2,), epochs=1, random_state=3).fit(X, y)
    assert set(metas[0]) == base | extra
    assert set(metas[1]) == base | extra | {"seed_"}
    assert metas[0]["target_encoder_"] is fitted.target_encoder_
    assert metas[0]["feature_encoder_"] is fitted.feature_encoder_


def test_scikeras_fitted_attributes_survive_save_and_load(tmp_path):
    clf = KerasClassifier(dense, hidden_layer_sizes=(2,), epochs=1)
    assert not clf.initialized_
    clf.fit(X, Y3)
    assert clf.initialized_
    assert clf.target_type_ == "multiclass"
    assert isinstance(clf.feature_encoder_, FunctionTransformer)
    np.testing.assert_array_equal(clf.feature_encoder_.transform(X), X)
    path = os.fspath(tmp_path / "clf.skkeras")
    save(clf, path)
    loaded = load(path, custom_objects={"dense": dense})
    assert loaded.target_type_ == "multiclass"
    assert isinstance(loaded.feature_encoder_, FunctionTransformer)
    reg = KerasRegressor(dense, hidden_layer_sizes=(2,), epochs=1).fit(X, X[:, :2])
    assert reg.target_type_ == "continuous-multioutput"


@pytest.mark.parametrize("dest", ["fit", "predict", "compile"])
def test_routing_sets_name_keras_arguments(dest):
    accepted = set(inspect.signature(getattr(keras.Model, dest)).parameters)
    names = getattr(KerasClassifier, f"_{dest}_kwargs")
    assert names and names <= accepted - {"self", "x", "y", "sample_weight"}


def test_build_fn_warns_as_scikit_learn_and_scikeras_do():
    clf = KerasClassifier(build_fn=dense, hidden_layer_sizes=(2,), epochs=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, Y3)
    [warning] = [w for w in caught if "build_fn" in str(w.message)]
    assert issubclass(warning.category, FutureWarning)
    assert issubclass(warning.category, UserWarning)
