"""Migrating from Keras 3's ``keras.wrappers``: only the import changes.

The examples of ``keras.wrappers.SKLearnClassifier``, ``SKLearnRegressor``
and ``SKLearnTransformer``'s docstrings (Keras 3.15) run with
``from skkeras import ... as SKLearn...``; ``model_kwargs`` and
``fit_kwargs`` are parameters that ``clone`` keeps.
"""

import keras
import numpy as np
import pytest
from keras.layers import Dense, Input
from keras.models import Model
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import KerasClassifier as SKLearnClassifier
from skkeras import KerasRegressor as SKLearnRegressor
from skkeras import KerasTransformer as SKLearnTransformer


# Keras' docstring examples, verbatim but for the import ------------------
def dynamic_classifier_model(X, y, loss, layers=[10]):  # noqa: B006 (verbatim)
    # Creates a basic MLP model dynamically choosing the input and
    # output shapes.
    n_features_in = X.shape[1]
    inp = Input(shape=(n_features_in,))

    hidden = inp
    for layer_size in layers:
        hidden = Dense(layer_size, activation="relu")(hidden)

    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    out = Dense(n_outputs, activation="softmax")(hidden)
    model = Model(inp, out)
    model.compile(loss=loss, optimizer="rmsprop")

    return model


def dynamic_regressor_model(X, y, loss, layers=[10]):  # noqa: B006 (verbatim)
    # Creates a basic MLP model dynamically choosing the input and
    # output shapes.
    n_features_in = X.shape[1]
    inp = Input(shape=(n_features_in,))

    hidden = inp
    for layer_size in layers:
        hidden = Dense(layer_size, activation="relu")(hidden)

    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    out = Dense(n_outputs)(hidden)
    model = Model(inp, out)
    model.compile(loss=loss, optimizer="rmsprop")

    return model


def test_keras_docs_classifier_example():
    X, y = make_classification(n_samples=1000, n_features=10)
    est = SKLearnClassifier(
        model=dynamic_classifier_model,
        model_kwargs={
            "loss": "categorical_crossentropy",
            "layers": [20, 20, 20],
        },
    )

    est.fit(X, y, epochs=5)

    assert est.n_iter_ == 5
    assert est.model_.output_shape == (None, 2)  # y arrived one-hot
    assert set(est.predict(X[:20])) <= {0, 1}


def test_keras_docs_classifier_example_with_fit_kwargs():
    X, y = make_classification(n_samples=200, n_features=10, random_state=0)
    est = SKLearnClassifier(
        model=dynamic_classifier_model,
        model_kwargs={"loss": "categorical_crossentropy", "layers": [20, 20, 20]},
        fit_kwargs={"epochs": 5},
    )
    est.fit(X, y)
    assert est.n_iter_ == 5
    assert [layer.units for layer in est.model_.layers[1:]] == [20, 20, 20, 2]


def test_keras_docs_regressor_example():
    X, y = make_regression(n_samples=1000, n_features=10)
    est = SKLearnRegressor(
        model=dynamic_regressor_model,
        model_kwargs={
            "loss": "mse",
            "layers": [20, 20, 20],
        },
    )

    est.fit(X, y, epochs=5)

    assert est.n_iter_ == 5
    assert est.predict(X[:7]).shape == (7,)


def test_keras_docs_transformer_example_with_a_fitted_model():
    # Keras' example freezes an unfitted SKLearnTransformer, which
    # FrozenEstimator refuses (with Keras' wrapper as with this one): the
    # embedding model is fitted once, then frozen.
    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    inp = Input(shape=(6,))
    my_model = Model(inp, Dense(3, activation="tanh")(inp))
    my_model.compile(loss="mse", optimizer="rmsprop")

    with pytest.raises(NotFittedError):
        make_pipeline(
            FrozenEstimator(SKLearnTransformer(model=my_model)),
            HistGradientBoostingClassifier(max_iter=5),
        ).fit(X, y)

    embedding_targets = X[:, :3]
    trs = SKLearnTransformer(model=my_model, random_state=0).fit(X, embedding_targets)
    frozen = FrozenEstimator(trs)
    pipe = make_pipeline(frozen, HistGradientBoostingClassifier(max_iter=5))
    pipe.fit(X, y)
    assert pipe.predict(X[:4]).shape == (4,)
    assert frozen.transform(X[:4]).shape == (4, 3)
    assert trs.n_iter_ == 1  # the pipeline's fit did not train it again


# keras.wrappers' defects, fixed ------------------------------------------
@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


def _iris_classifier(**kwargs):
    return SKLearnClassifier(
        model=dynamic_classifier_model,
        model_kwargs={"loss": "categorical_crossentropy", "layers": [8]},
        random_state=0,
        **kwargs,
    )


def test_cross_validation_trains_fit_kwargs_epochs_in_every_fold(iris):
    X, y = iris
    est = _iris_classifier(fit_kwargs={"epochs": 3})
    result = cross_validate(est, X, y, cv=5, return_estimator=True)
    assert [fold.n_iter_ for fold in result["estimator"]] == [3] * 5


def test_clone_keeps_model_kwargs_and_fit_kwargs():
    est = _iris_classifier(fit_kwargs={"epochs": 3, "batch_size": 16})
    params = clone(est).get_params()
    assert params["model_kwargs"] == {
        "loss": "categorical_crossentropy",
        "layers": [8],
    }
    assert params["fit_kwargs"] == {"epochs": 3, "batch_size": 16}


def test_predict_proba(iris):
    X, y = iris
    est = _iris_classifier(fit_kwargs={"epochs": 2}).fit(X, y)
    proba = est.predict_proba(X[:5])
    assert proba.shape == (5, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(est.predict(X[:5]), est.classes_[proba.argmax(1)])


# What the build function receives ----------------------------------------
def _recording_build(seen, activation=None):
    def build(X, y):
        seen["X"], seen["y"] = X, y
        model = keras.Sequential(
            [Input((X.shape[1],)), Dense(y.shape[1], activation=activation)]
        )
        model.compile(loss="categorical_crossentropy" if activation else "mse")
        return model

    return build


@pytest.mark.parametrize(
    "labels, expected",
    [
        (["b", "a", "c", "a"], [[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]]),
        ([3, 7, 7, 3], [[1, 0], [0, 1], [0, 1], [1, 0]]),  # binary: two columns
    ],
)
def test_classifier_build_function_gets_y_one_hot(labels, expected):
    seen = {}
    X = np.arange(8.0).reshape(4, 2)
    est = SKLearnClassifier(_recording_build(seen, "softmax")).fit(X, labels)
    np.testing.assert_array_equal(seen["y"], expected)
    np.testing.assert_array_equal(seen["X"], X)
    assert est.predict_proba(X).shape == (4, len(expected[0]))


@pytest.mark.parametrize("cls", [SKLearnRegressor, SKLearnTransformer])
@pytest.mark.parametrize("shape", [(6,), (6, 2)])
def test_regression_build_function_gets_y_as_columns(cls, shape):
    seen = {}
    X = np.arange(12.0).reshape(6, 2)
    y = np.arange(np.prod(shape), dtype=float).reshape(shape)
    cls(_recording_build(seen)).fit(X, y)
    np.testing.assert_array_equal(seen["y"], y.reshape(6, -1))


# Precedence of fit_kwargs and model_kwargs -------------------------------
def _regressor(**kwargs):
    return SKLearnRegressor(
        dynamic_regressor_model, model_kwargs={"loss": "mse"}, **kwargs
    )


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    return X, y / 100


@pytest.mark.parametrize(
    "kwargs, fit_params, epochs",
    [
        ({}, {}, 1),
        ({"fit_kwargs": {"epochs": 3}}, {}, 3),  # over the default of epochs
        ({"fit_kwargs": {"epochs": 3}, "epochs": 3}, {}, 3),  # agreeing
        ({"fit_kwargs": {"epochs": 3}, "fit__epochs": 2}, {}, 2),
        ({"fit_kwargs": {"epochs": 3}, "fit__epochs": 2}, {"epochs": 4}, 4),
    ],
)
def test_epochs_precedence(data, kwargs, fit_params, epochs):
    est = _regressor(**kwargs).fit(*data, **fit_params)
    assert est.n_iter_ == epochs


def test_fit_kwargs_batch_size_reaches_training(data):
    X, y = data
    est = _regressor(fit_kwargs={"batch_size": 7, "epochs": 2}).fit(X, y)
    assert est.n_iter_ == 2
    assert est.model_.optimizer.iterations.numpy() == 2 * int(np.ceil(30 / 7))


def test_named_parameter_contradicting_fit_kwargs_is_an_error(data):
    est = _regressor(fit_kwargs={"epochs": 3}, epochs=5)
    with pytest.raises(ValueError, match=r"`epochs` is set twice.*Keep one"):
        est.fit(*data)
    assert not hasattr(est, "model_")


def test_grid_search_over_one_fit_kwargs_key(data):
    est = _regressor(fit_kwargs={"epochs": 3})
    search = GridSearchCV(est, {"fit__epochs": [1, 2]}, cv=2, refit=True)
    search.fit(*data)
    assert search.best_estimator_.n_iter_ == search.best_params_["fit__epochs"]


def test_model_param_replaces_model_kwargs_entry(data):
    est = _regressor(model__layers=[4, 5]).set_params(
        model_kwargs={"loss": "mse", "layers": [9]}
    )
    est.fit(*data)
    assert [layer.units for layer in est.model_.layers[1:]] == [4, 5, 1]


def test_misspelled_model_kwargs_key_is_named_with_a_suggestion(data):
    est = SKLearnRegressor(
        dynamic_regressor_model, model_kwargs={"loss": "mse", "layerz": [3]}
    )
    message = r"model_kwargs\['layerz'\].*Did you mean `model_kwargs\['layers'\]`"
    with pytest.raises(ValueError, match=message):
        est.fit(*data)


@pytest.mark.parametrize("name", ["model_kwargs", "fit_kwargs"])
@pytest.mark.parametrize("value", [[("epochs", 3)], {3: "epochs"}])
def test_kwargs_dicts_must_be_dicts_of_names(data, name, value):
    est = _regressor().set_params(**{name: value})
    with pytest.raises(TypeError, match=f"`{name}` must be a dict"):
        est.fit(*data)
