"""Keras 2 tutorial code (``keras.wrappers.scikit_learn``) with only the import
changed: build-function arguments in set_params, ``nb_epoch``, one-hot targets."""

import numpy as np
import pytest
from keras.initializers import Constant
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import Adam, RMSprop
from keras.utils import to_categorical
from sklearn.datasets import load_iris, make_regression
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from skkeras import KerasClassifier, KerasRegressor, load, save
from skkeras.datasets import load_pima_indians_diabetes

pytestmark = [
    pytest.mark.filterwarnings("ignore:``build_fn`` will be renamed:FutureWarning"),
    # Keras 3 on the tutorials' ``input_shape=``/``input_dim=`` arguments.
    pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`:UserWarning"),
]


# The build functions of the classic Keras 2 tutorials, as they were written.
def create_model(optimizer="rmsprop", init="glorot_uniform"):
    model = Sequential()
    model.add(Dense(12, input_shape=(8,), kernel_initializer=init, activation="relu"))
    model.add(Dense(8, kernel_initializer=init, activation="relu"))
    model.add(Dense(1, kernel_initializer=init, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def baseline_model():
    model = Sequential()
    model.add(Dense(8, input_dim=4, activation="relu"))
    model.add(Dense(3, activation="softmax"))
    model.compile(
        loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"]
    )
    return model


def boston_model():
    model = Sequential()
    model.add(Dense(6, input_dim=5, kernel_initializer="normal", activation="relu"))
    model.add(Dense(1, kernel_initializer="normal"))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model


@pytest.fixture(scope="module")
def pima():
    X, Y = load_pima_indians_diabetes(return_X_y=True)
    return X[:60], Y[:60]


def test_build_fn_still_works_with_a_future_warning(pima):
    X, Y = pima
    model = KerasClassifier(build_fn=create_model, epochs=1, batch_size=30, verbose=0)
    with pytest.warns(FutureWarning, match="build_fn"):
        model.fit(X, Y)
    assert model.predict(X).shape == (len(X),)


def test_grid_search_over_build_function_arguments_runs_as_in_keras2(pima):
    X, Y = pima
    # The tutorial's code, with a smaller grid.
    model = KerasClassifier(build_fn=create_model, verbose=0)
    param_grid = dict(
        optimizer=["rmsprop", "adam"],
        init=["glorot_uniform", "normal"],
        epochs=[1],
        batch_size=[30],
    )
    grid = GridSearchCV(estimator=model, param_grid=param_grid, cv=3)
    grid_result = grid.fit(X, Y)
    means = grid_result.cv_results_["mean_test_score"]
    assert means.shape == (4,) and np.all(np.isfinite(means))
    assert set(grid_result.best_params_) == set(param_grid)
    # The searched values reached the build function.
    best = grid_result.best_estimator_
    kind = {"rmsprop": RMSprop, "adam": Adam}[grid_result.best_params_["optimizer"]]
    assert isinstance(best.model_.optimizer, kind)
    init = best.model_.layers[0].kernel_initializer
    expected = "RandomNormal" if best.init == "normal" else "GlorotUniform"
    assert type(init).__name__ == expected


def test_set_params_takes_build_arguments_and_suggests_near_misses(pima):
    X, Y = pima
    model = KerasClassifier(create_model, epochs=1, batch_size=30)
    assert model.set_params(init="normal", optimizer="adam") is model
    assert model.get_params()["init"] == "normal"
    model.fit(X, Y)
    assert isinstance(model.model_.optimizer, Adam)
    assert type(model.model_.layers[0].kernel_initializer).__name__ == "RandomNormal"
    with pytest.raises(ValueError, match="Did you mean `init`"):
        model.set_params(int="normal")
    # The model set in the same call decides which arguments are valid.
    fresh = KerasClassifier().set_params(model=create_model, init="uniform")
    assert fresh.init == "uniform"
    with pytest.raises(ValueError, match="Invalid parameter init for"):
        KerasClassifier(baseline_model).set_params(init="uniform")


def test_nb_epoch_is_keras1_epochs_with_a_future_warning(pima):
    X, Y = pima
    model = KerasClassifier(create_model, nb_epoch=2, batch_size=30, verbose=0)
    with pytest.warns(FutureWarning, match="nb_epoch"):
        model.fit(X, Y)
    assert model.n_iter_ == 2
    model.set_params(nb_epoch=3)
    with pytest.warns(FutureWarning, match="nb_epoch"):
        assert model.fit(X, Y).n_iter_ == 3
    with pytest.warns(FutureWarning, match="nb_epoch"):
        assert model.fit(X, Y, nb_epoch=1).n_iter_ == 1
    both = KerasClassifier(create_model, nb_epoch=2, epochs=5)
    with pytest.raises(ValueError, match="only `epochs`"), pytest.warns(FutureWarning):
        both.fit(X, Y)
    with pytest.raises(ValueError, match="only `epochs`"), pytest.warns(FutureWarning):
        KerasClassifier(create_model).fit(X, Y, epochs=2, nb_epoch=3)


@pytest.fixture(scope="module")
def iris_one_hot():
    X, Y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X, Y, to_categorical(Y)


def test_one_hot_targets_predict_one_hot_rows(iris_one_hot, tmp_path):
    X, Y, dummy_y = iris_one_hot
    estimator = KerasClassifier(
        build_fn=baseline_model, epochs=20, batch_size=5, verbose=0, random_state=0
    )
    estimator.fit(X, dummy_y)
    proba = estimator.predict_proba(X)
    assert proba.shape == (150, 3)
    pred = estimator.predict(X)
    # One-hot rows, as given, with the most probable class set (never a row
    # of zeros, as thresholding softmax outputs at 0.5 would give).
    assert pred.shape == (150, 3)
    np.testing.assert_array_equal(pred.sum(axis=1), 1)
    np.testing.assert_array_equal(pred.argmax(axis=1), proba.argmax(axis=1))
    assert estimator.score(X, dummy_y) == pytest.approx(np.mean(pred.argmax(1) == Y))
    assert estimator.score(X, dummy_y) > 0.8
    path = tmp_path / "iris.skkeras"
    save(estimator, path)
    loaded = load(path, custom_objects={"baseline_model": baseline_model})
    np.testing.assert_array_equal(loaded.predict(X), pred)


def test_one_hot_prediction_is_the_most_probable_class_below_one_half(iris_one_hot):
    X, _, dummy_y = iris_one_hot

    def flat_softmax():
        # The same probabilities for every sample, each below 0.5.
        model = Sequential()
        model.add(Input((4,)))
        model.add(
            Dense(
                3,
                activation="softmax",
                kernel_initializer="zeros",
                bias_initializer=Constant([0.5, 0.3, 0.0]),
            )
        )
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        return model

    clf = KerasClassifier(flat_softmax).initialize(X, dummy_y)
    assert np.all(clf.predict_proba(X).max(axis=1) < 0.5)
    np.testing.assert_array_equal(clf.predict(X[:3]), [[1, 0, 0]] * 3)


def test_one_hot_targets_in_keras2_cross_validation(iris_one_hot):
    X, _, dummy_y = iris_one_hot
    estimator = KerasClassifier(
        build_fn=baseline_model, epochs=2, batch_size=10, verbose=0
    )
    kfold = KFold(n_splits=3, shuffle=True, random_state=0)
    results = cross_val_score(estimator, X, dummy_y, cv=kfold)
    assert results.shape == (3,) and np.all((results >= 0) & (results <= 1))


def test_regressor_score_is_r2_not_keras2s_negative_loss():
    X, y = make_regression(n_samples=40, n_features=5, noise=1.0, random_state=0)
    y = y / y.std()
    reg = KerasRegressor(build_fn=boston_model, epochs=3, batch_size=5, verbose=0)
    reg.fit(X, y)
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)))
