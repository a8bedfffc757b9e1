"""KerasClassifier and KerasRegressor: build functions, routing, targets."""

import copy
import pickle

import joblib
import keras
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from skkeras import KerasClassifier, KerasRegressor


def build(meta, hidden=8, activation="relu"):
    """An uncompiled network sized from ``meta``; the wrapper compiles it."""
    if meta["target_type_"] == "multiclass":
        out = "softmax"
    elif meta["target_type_"] in ("binary", "multilabel-indicator"):
        out = "sigmoid"
    else:
        out = None
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(hidden, activation=activation),
            keras.layers.Dense(meta["n_outputs_expected_"], activation=out),
        ]
    )


def build_compiled(meta, compile_kwargs):
    model = build(meta)
    model.compile(**compile_kwargs)
    return model


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


def test_is_classifier_and_regressor():
    assert is_classifier(KerasClassifier(build))
    assert is_regressor(KerasRegressor(build))
    assert not is_regressor(KerasClassifier(build))


def test_routed_and_unprefixed_build_arguments_reach_the_model(iris):
    X, y = iris
    clf = KerasClassifier(build, model__hidden=5, activation="tanh", random_state=0)
    clf.fit(X, y)
    dense = clf.model_.layers[0]
    assert dense.units == 5
    assert dense.activation.__name__ == "tanh"
    assert clf.get_params()["model__hidden"] == 5
    assert clf.model__hidden == 5


def test_clone_preserves_routed_parameters():
    clf = KerasClassifier(
        build,
        model__hidden=3,
        optimizer__learning_rate=0.5,
        fit__validation_batch_size=7,
    )
    cloned = clone(clf)
    params = cloned.get_params()
    assert params["model__hidden"] == 3
    assert params["optimizer__learning_rate"] == 0.5
    assert params["fit__validation_batch_size"] == 7


def test_set_params_routes_and_rejects_misspellings():
    clf = KerasClassifier(build, model__hidden=3)
    clf.set_params(model__hidden=4, optimizer__learning_rate=0.1)
    assert clf.get_params()["model__hidden"] == 4
    with pytest.raises(ValueError, match="Did you mean `epochs`"):
        clf.set_params(epoch=3)


def test_misspelled_build_argument_suggests_the_right_one(iris):
    X, y = iris
    clf = KerasClassifier(build, model__hiden=4)
    with pytest.raises(ValueError, match="Did you mean `model__hidden`"):
        clf.fit(X, y)


def test_unknown_destination_is_refused(iris):
    X, y = iris
    clf = KerasClassifier(build, modle__hidden=4)
    with pytest.raises(ValueError, match="not a destination"):
        clf.fit(X, y)


def test_optimizer_and_loss_routing(iris):
    X, y = iris
    clf = KerasClassifier(
        build,
        optimizer=keras.optimizers.SGD,
        optimizer__learning_rate=0.05,
        optimizer__momentum=0.5,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        epochs=2,
        random_state=0,
    ).fit(X, y)
    opt = clf.model_.optimizer
    assert isinstance(opt, keras.optimizers.SGD)
    assert float(np.asarray(opt.learning_rate)) == pytest.approx(0.05)
    assert opt.momentum == pytest.approx(0.5)
    assert "accuracy" in clf.history_


def test_compiled_build_function_keeps_its_compile(iris):
    X, y = iris
    clf = KerasClassifier(
        build_compiled,
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        epochs=2,
    )
    clf.fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.Adam)


def test_model_instance_is_cloned_not_trained_in_place(iris):
    X, y = iris
    template = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")]
    )
    before = [w.copy() for w in template.get_weights()]
    clf = KerasClassifier(
        template,
        epochs=20,
        optimizer="adam",
        optimizer__learning_rate=0.05,
        random_state=0,
    ).fit(X, y)
    assert clf.model_ is not template
    for a, b in zip(before, template.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert clf.score(X, y) > 0.8


@pytest.fixture(scope="module")
def pretrained():
    """A small regressor trained with plain Keras, and its data."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 3.0]) + 5.0).astype(np.float32)
    keras.utils.set_random_seed(0)
    net = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    net.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    net.fit(X, y, epochs=150, batch_size=60, verbose=0)
    mse = float(np.mean((net.predict(X, verbose=0)[:, 0] - y) ** 2))
    assert mse < 0.5
    return net, X, y, mse


def test_pretrained_model_trains_on_from_its_weights(pretrained):
    net, X, y, mse = pretrained
    before = [w.copy() for w in net.get_weights()]
    reg = KerasRegressor(net, epochs=1, random_state=0).fit(X, y)
    fresh = KerasRegressor(keras.models.clone_model(net), epochs=1, random_state=0)
    fresh.fit(X, y)
    # The first epoch continues from the pretrained level, far below a fresh
    # network's (about 30 here).
    assert reg.history_["loss"][0] < 10 * mse + 0.5
    assert fresh.history_["loss"][0] > 20 * reg.history_["loss"][0]
    # Compile settings are the model's own; its optimizer starts afresh.
    assert isinstance(reg.model_.optimizer, keras.optimizers.Adam)
    assert float(np.asarray(reg.model_.optimizer.learning_rate)) == pytest.approx(0.05)
    assert reg.model_ is not net
    for a, b in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_pretrained_model_in_clone_and_cross_validation(pretrained):
    net, X, y, _ = pretrained
    before = [w.copy() for w in net.get_weights()]
    reg = KerasRegressor(net, epochs=1, random_state=0)
    # clone deep-copies the model, weights included.
    copied = clone(reg).get_params()["model"]
    for a, b in zip(before, copied.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    scores = cross_val_score(clone(reg), X, y, cv=3)
    # Every fold starts from the pretrained weights.
    assert scores.min() > 0.9
    for a, b in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


class _Wrapping(keras.Model):
    """A subclassed model that clone_model cannot copy (a layer argument)."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.inner = layer

    def call(self, x):
        return self.inner(x)


class _Simple(keras.Model):
    """A subclassed model that Keras can re-create from its arguments."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden(x))


def test_subclassed_model_is_copied_with_its_weights_or_refused(pretrained):
    _, X, y, _ = pretrained
    simple = _Simple()
    simple(X[:1])
    # A learning rate of 0 keeps the weights the fit started from.
    reg = KerasRegressor(simple, epochs=1, optimizer__learning_rate=0.0).fit(X, y)
    assert reg.model_ is not simple
    for a, b in zip(simple.get_weights(), reg.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    wrapping = _Wrapping(keras.layers.Dense(1))
    wrapping(X[:1])
    with pytest.raises(TypeError, match="cannot be copied.*get_config.*function"):
        KerasRegressor(wrapping, epochs=1).fit(X, y)


@pytest.mark.parametrize(
    "y, loss",
    [
        (np.array([0, 1] * 10), "binary_crossentropy"),
        (np.array([0, 1, 2, 3] * 5), "sparse_categorical_crossentropy"),
        (np.array([[0, 1], [1, 0], [1, 1], [0, 0]] * 5), "binary_crossentropy"),
    ],
    ids=["binary", "multiclass", "multilabel"],
)
def test_default_loss_follows_the_target(y, loss):
    X = np.random.RandomState(0).rand(20, 3)
    clf = KerasClassifier(build, epochs=1, random_state=0).fit(X, y)
    assert getattr(clf.model_.loss, "__name__", clf.model_.loss) == loss
    assert clf.predict(X).shape == y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == (
        20,
        2 if y.ndim == 1 and loss.startswith("binary") else clf.n_classes_,
    )


def test_string_labels_come_back_as_strings(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]
    clf = KerasClassifier(
        build,
        epochs=30,
        optimizer="adam",
        optimizer__learning_rate=0.02,
        random_state=0,
    )
    clf.fit(X, names)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    pred = clf.predict(X)
    assert pred.dtype == object and set(pred) <= set(clf.classes_)
    assert clf.score(X, names) > 0.8


def test_one_hot_targets_with_categorical_loss(iris):
    X, y = iris

    def softmax_net(meta):
        return build(meta)

    clf = KerasClassifier(
        softmax_net, loss="categorical_crossentropy", epochs=2, random_state=0
    )
    clf.fit(X, y)
    assert clf.target_encoder_.mode == "one_hot"
    assert set(clf.predict(X)) <= {0, 1, 2}


def test_output_units_that_do_not_match_are_explained():
    def wrong(meta):
        return keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(5, activation="softmax")]
        )

    X = np.random.RandomState(0).rand(12, 3)
    with pytest.raises(ValueError, match="output unit"):
        KerasClassifier(wrong).fit(X, np.arange(12) % 3)


@pytest.mark.parametrize(
    "cls, units, activation",
    [(KerasRegressor, 1, None), (KerasClassifier, 3, "softmax")],
)
def test_an_output_with_more_axes_than_the_target_is_explained(cls, units, activation):
    # B5: a (n, 4, 1) output for a (n,) target trained silently (the loss
    # broadcast it); predict returned 3-D arrays and score failed.
    def per_step(meta):
        return keras.Sequential(
            [keras.Input((4, 2)), keras.layers.Dense(units, activation=activation)]
        )

    X = np.random.RandomState(0).rand(12, 4, 2)
    est = cls(per_step, epochs=1)
    message = (
        rf"output has shape \(n_samples, 4, {units}\), but the target y has shape "
        rf"\(12,\).*\(n_samples, {units}\).*Flatten"
    )
    with pytest.raises(ValueError, match=message):
        est.fit(X, np.arange(12) % 3)
    assert not hasattr(est, "model_")


def test_multi_output_regression():
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    Y = np.column_stack([X.sum(1), X[:, 0] - X[:, 1]])
    reg = KerasRegressor(build, epochs=5, random_state=0).fit(X, Y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (40, 2)
    assert reg.fit(X, Y[:, 0]).predict(X).shape == (40,)


def test_pandas_input_sets_feature_names(iris):
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = KerasClassifier(build, epochs=1, random_state=0).fit(frame, pd.Series(y))
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]
    # As scikit-learn: renamed columns are an error, a bare array a warning.
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame.rename(columns={"a": "z"}))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        clf.predict(X)


def test_sparse_input_is_densified(iris):
    X, y = iris
    clf = KerasClassifier(build, epochs=2, random_state=0)
    dense = clf.fit(X, y).predict_proba(X)
    sparse_pred = (
        clone(clf).fit(sparse.csr_matrix(X), y).predict_proba(sparse.csr_matrix(X))
    )
    np.testing.assert_allclose(dense, sparse_pred, rtol=1e-5, atol=1e-6)


def test_same_seed_same_model_different_seed_different_model(iris):
    X, y = iris
    a = KerasClassifier(build, epochs=3, random_state=1).fit(X, y).predict_proba(X)
    b = KerasClassifier(build, epochs=3, random_state=1).fit(X, y).predict_proba(X)
    c = KerasClassifier(build, epochs=3, random_state=2).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_seeded_fit_leaves_later_unseeded_fits_random(iris):
    X, y = iris
    KerasClassifier(build, epochs=1, random_state=0).fit(X, y)
    first = KerasClassifier(build, epochs=1).fit(X, y).predict_proba(X)
    KerasClassifier(build, epochs=1, random_state=0).fit(X, y)
    second = KerasClassifier(build, epochs=1).fit(X, y).predict_proba(X)
    assert not np.allclose(first, second)


@pytest.mark.parametrize("roundtrip", ["pickle", "joblib", "deepcopy"])
def test_fitted_estimator_roundtrips_and_keeps_training(iris, tmp_path, roundtrip):
    X, y = iris
    clf = KerasClassifier(build, epochs=2, optimizer="adam", random_state=0).fit(X, y)
    if roundtrip == "pickle":
        other = pickle.loads(pickle.dumps(clf))
    elif roundtrip == "joblib":
        joblib.dump(clf, tmp_path / "clf.joblib")
        other = joblib.load(tmp_path / "clf.joblib")
    else:
        other = copy.deepcopy(clf)
    np.testing.assert_array_equal(clf.predict_proba(X), other.predict_proba(X))
    # Optimizer state came along: continuing gives the same weights as
    # continuing the original.
    assert int(other.model_.optimizer.iterations) == int(
        clf.model_.optimizer.iterations
    )
    clf.partial_fit(X, y)
    other.partial_fit(X, y)
    np.testing.assert_allclose(
        clf.predict_proba(X), other.predict_proba(X), rtol=1e-5, atol=1e-6
    )


def test_unfitted_estimator_pickles():
    clf = KerasClassifier(build, model__hidden=3)
    other = pickle.loads(pickle.dumps(clf))
    assert other.get_params()["model__hidden"] == 3


def test_initialize_predicts_with_a_pretrained_model_without_training(pretrained):
    net, X, y, _ = pretrained
    reg = KerasRegressor(net, epochs=5)
    assert reg.initialize(X, y) is reg
    check_is_fitted(reg)
    assert reg.n_iter_ == 0 and reg.history_ == {}
    assert reg.n_features_in_ == 3 and reg.n_outputs_ == 1
    np.testing.assert_allclose(
        reg.predict(X), net.predict(X, verbose=0)[:, 0], rtol=1e-5, atol=1e-5
    )


def test_initialize_then_fit_warm_or_afresh(iris):
    X, y = iris
    clf = KerasClassifier(build, epochs=2, warm_start=True, random_state=0)
    clf.initialize(X, y)
    assert list(clf.classes_) == [0, 1, 2] and clf.n_classes_ == 3
    assert clf.predict_proba(X[:4]).shape == (4, 3)
    assert set(clf.predict(X)) <= {0, 1, 2}
    model = clf.model_
    start = [w.copy() for w in model.get_weights()]
    clf.fit(X, y)
    # warm_start: fit trains the network that initialize built.
    assert clf.model_ is model and clf.n_iter_ == 2
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(start, model.get_weights(), strict=True)
    )
    cold = KerasClassifier(build, epochs=2, random_state=0).initialize(X, y)
    model = cold.model_
    cold.fit(X, y)
    assert cold.model_ is not model and cold.n_iter_ == 2


def test_initialize_that_fails_leaves_the_estimator_unfitted(iris):
    X, _ = iris
    clf = KerasClassifier(build)
    with pytest.raises(ValueError, match="only one class"):
        clf.initialize(X, np.zeros(len(X)))
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


def test_partial_fit_with_classes_and_warm_start(iris):
    X, y = iris
    clf = KerasClassifier(build, random_state=0)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert list(clf.classes_) == [0, 1, 2]
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 2
    warm = KerasClassifier(build, epochs=2, warm_start=True, random_state=0)
    warm.fit(X, y)
    model = warm.model_
    warm.fit(X, y)
    assert warm.model_ is model and warm.n_iter_ == 4


def test_callbacks_class_with_routed_parameters_and_instances_copied(iris):
    X, y = iris
    stopper = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    clf = KerasClassifier(
        build,
        epochs=20,
        callbacks=[keras.callbacks.EarlyStopping, stopper],
        callbacks__0__monitor="loss",
        callbacks__0__patience=1,
        callbacks__0__min_delta=10.0,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ < 20
    # The constructor's instance was copied, never trained.
    assert stopper.model is None


def test_verbose_two_prints_a_line_per_epoch(iris, capsys):
    X, y = iris
    KerasClassifier(build, epochs=3, verbose=2, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("Epoch ") == 3


def test_missing_model_is_a_clear_error(iris):
    X, y = iris
    with pytest.raises(ValueError, match="needs a model"):
        KerasClassifier().fit(X, y)


def test_class_weight_is_applied(iris):
    X, y = iris
    mask = np.r_[np.arange(50), np.arange(50, 60), np.arange(100, 150)]
    plain = KerasClassifier(build, epochs=5, random_state=0).fit(X[mask], y[mask])
    weighted = KerasClassifier(
        build, epochs=5, class_weight="balanced", random_state=0
    ).fit(X[mask], y[mask])
    assert not np.allclose(plain.predict_proba(X), weighted.predict_proba(X))


def test_grid_search_over_routed_parameters_in_parallel(iris):
    X, y = iris
    search = GridSearchCV(
        KerasClassifier(
            build,
            epochs=20,
            optimizer="adam",
            optimizer__learning_rate=0.02,
            random_state=0,
        ),
        {"model__hidden": [2, 16]},
        cv=3,
        n_jobs=2,
    )
    search.fit(X, y)
    assert search.best_params_["model__hidden"] in (2, 16)
    assert (
        search.best_estimator_.model_.layers[0].units
        == search.best_params_["model__hidden"]
    )
    assert search.best_score_ > 0.7


def test_pipeline_cross_val_score_stratified(iris):
    X, y = load_iris(return_X_y=True)
    order = np.argsort(y)  # sorted labels: unstratified folds would fail
    pipe = make_pipeline(
        StandardScaler(),
        KerasClassifier(
            build,
            model__hidden=16,
            epochs=40,
            optimizer="adam",
            optimizer__learning_rate=0.02,
            random_state=0,
        ),
    )
    scores = cross_val_score(pipe, X[order], y[order], cv=StratifiedKFold(3))
    assert scores.min() > 0.8
