"""MLPClassifier and MLPRegressor: scikit-learn's MLP parameters on Keras."""

import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=80, n_features=4, noise=0.1, random_state=0)
    return X, y / y.std()


def test_iris_pipeline_cross_val_score():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
    scores = cross_val_score(
        pipe, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)
    )
    assert scores.mean() >= 0.93


def test_fitted_attributes_follow_scikit_learn(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        clf = MLPClassifier(hidden_layer_sizes=(6, 5), max_iter=7, random_state=0).fit(
            X, y
        )
    assert clf.n_iter_ == 7 == len(clf.loss_curve_)
    assert clf.t_ == 7 * len(X)
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.n_layers_ == 4
    assert clf.out_activation_ == "softmax"
    # scikit-learn's n_outputs_: the softmax units.
    assert clf.n_outputs_ == 3 and list(clf.classes_) == [0, 1, 2]
    assert clf.n_features_in_ == 4
    assert [
        layer.units
        for layer in clf.model_.layers
        if isinstance(layer, keras.layers.Dense)
    ] == [6, 5, 3]
    # The score is tracked for early stopping only, as scikit-learn does.
    assert set(clf.history_) == {"loss"}


def test_binary_output_is_one_logistic_unit(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(
        X, y == 2
    )
    assert clf.out_activation_ == "logistic"
    assert clf.model_.layers[-1].units == 1
    assert clf.predict_proba(X).shape == (len(X), 2)
    assert clf.predict(X).dtype == bool


def test_tol_stops_training_before_max_iter(iris):
    X, y = iris
    from sklearn.neural_network import MLPClassifier as SklearnMLP

    kw = dict(max_iter=500, tol=10.0, n_iter_no_change=2, random_state=0)
    clf = MLPClassifier(**kw).fit(X, y)
    # With a tolerance no epoch can meet, both stop after the same count:
    # the first epoch, then n_iter_no_change + 1 epochs without improvement.
    assert clf.n_iter_ == SklearnMLP(**kw).fit(X, y).n_iter_ < 500


def test_early_stopping_records_validation_scores(iris):
    X, y = iris
    clf = MLPClassifier(
        max_iter=200,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=3,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    assert set(clf.history_) == {"loss", "score", "val_loss", "val_score"}


@pytest.mark.parametrize(
    "solver, cls",
    [
        ("sgd", keras.optimizers.SGD),
        ("rmsprop", keras.optimizers.RMSprop),
        ("adamax", keras.optimizers.Adamax),
    ],
)
def test_solver_names_are_keras_optimizers(iris, solver, cls):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        solver=solver,
        momentum=0.8,
        max_iter=1,
        learning_rate_init=0.05,
        random_state=0,
    )
    clf.fit(X, y)
    opt = clf.model_.optimizer
    assert isinstance(opt, cls)
    assert float(np.asarray(opt.learning_rate)) == pytest.approx(0.05)
    if solver == "sgd":
        assert opt.momentum == pytest.approx(0.8) and opt.nesterov


def test_keras_extras_build_the_layers(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(8, 4),
        dropout=[0.5, 0.0],
        input_dropout=0.1,
        batch_normalization=True,
        kernel_initializer="he_normal",
        kernel_constraint=3.0,
        max_iter=2,
        random_state=0,
    ).fit(X, y)
    kinds = [type(layer).__name__ for layer in clf.model_.layers]
    assert kinds == [
        "Dropout",
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
        "BatchNormalization",
        "Dense",
    ]
    first_dense = clf.model_.layers[1]
    assert isinstance(first_dense.kernel_constraint, keras.constraints.MaxNorm)
    assert isinstance(first_dense.kernel_initializer, keras.initializers.HeNormal)


def test_dropout_rates_must_match_the_layers(iris):
    X, y = iris
    with pytest.raises(ValueError, match="one rate per hidden layer"):
        MLPClassifier(hidden_layer_sizes=(4, 4), dropout=[0.1], max_iter=1).fit(X, y)


def test_invalid_parameters_are_refused(iris):
    X, y = iris
    with pytest.raises(ValueError, match="solver"):
        MLPClassifier(solver="newton").fit(X, y)
    with pytest.raises(ValueError, match="activation"):
        MLPClassifier(activation="nope", max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        MLPClassifier(hidden_layer_sizes=(0,), max_iter=1).fit(X, y)


def test_batch_size_auto_and_clipping(iris):
    X, y = iris
    with pytest.warns(UserWarning, match="batch_size"):
        MLPClassifier(batch_size=1000, max_iter=1).fit(X, y)


def test_class_weight_balanced_changes_the_model(iris):
    X, y = iris
    keep = np.r_[np.arange(50), np.arange(50, 60), np.arange(100, 150)]
    kw = dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    plain = MLPClassifier(**kw).fit(X[keep], y[keep]).predict_proba(X)
    balanced = (
        MLPClassifier(class_weight="balanced", **kw)
        .fit(X[keep], y[keep])
        .predict_proba(X)
    )
    assert not np.allclose(plain, balanced)


def test_multilabel_classification():
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    clf = MLPClassifier(
        hidden_layer_sizes=(16,), max_iter=30, learning_rate_init=0.01, random_state=0
    ).fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(
        clf.predict_proba(X[::-1]), proba[::-1], rtol=1e-12, atol=1e-15
    )
    assert clf.out_activation_ == "logistic"
    assert clf.score(X, Y) > 0.3


@pytest.mark.parametrize(
    "loss, keras_name",
    [
        ("squared_error", "mean_squared_error"),
        ("absolute_error", "mean_absolute_error"),
        ("huber", "huber"),
    ],
)
def test_regressor_losses(regression, loss, keras_name):
    X, y = regression
    reg = MLPRegressor(
        hidden_layer_sizes=(8,), loss=loss, max_iter=2, random_state=0
    ).fit(X, y)
    assert keras_name in str(
        getattr(reg.model_.loss, "__name__", reg.model_.loss)
    ) or keras_name in str(reg.model_.get_compile_config()["loss"])
    assert reg.out_activation_ == "identity"


def test_regressor_learns(regression):
    X, y = regression
    reg = MLPRegressor(
        hidden_layer_sizes=(32,), max_iter=200, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    assert reg.score(X, y) > 0.9
    pred = reg.predict(X)
    assert pred.shape == y.shape
    # Float64, as scikit-learn's MLP, and a row's prediction does not depend
    # on the rows predicted with it.
    assert pred.dtype == np.float64
    np.testing.assert_allclose(reg.predict(X[::-1]), pred[::-1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(reg.predict(X[5:6]), pred[5:6], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_learning_rate_schedules(iris, schedule):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        learning_rate=schedule,
        learning_rate_init=0.1,
        tol=10.0,
        n_iter_no_change=1,
        max_iter=6,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning) if schedule == "adaptive" else _nothing():
        clf.fit(X, y)
    final = float(np.asarray(clf.model_.optimizer.learning_rate))
    assert final < 0.1


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_warm_start_continues_the_same_network(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        max_iter=3,
        warm_start=True,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    model = clf.model_
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.model_ is model
    # As scikit-learn: n_iter_ counts the last fit's epochs, the curve all.
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 6


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_initialize_builds_the_network_untrained(iris, cls):
    X, y = iris
    est = cls(hidden_layer_sizes=(4,), max_iter=2, warm_start=True, random_state=0)
    assert est.initialize(X, y) is est
    assert est.n_iter_ == 0 and est.loss_curve_ == [] and est.t_ == 0
    assert est.best_loss_ is None and est.n_layers_ == 3
    assert est.predict(X[:5]).shape == (5,)
    model = est.model_
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.model_ is model and est.n_iter_ == 2 == len(est.loss_curve_)


def test_fit_keyword_arguments_are_refused(iris):
    X, y = iris
    with pytest.raises(TypeError, match="estimator parameters"):
        MLPClassifier(max_iter=1).fit(X, y, epochs=3)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor], ids=lambda c: c.__name__)
def test_every_fit_names_its_variables_alike(iris, cls):
    # On TensorFlow a variable under a name not seen before grows the eager
    # kernel cache for good: fits must not draw Keras' automatic names.
    X, y = iris
    params = dict(
        hidden_layer_sizes=(4, 3),
        max_iter=2,
        batch_normalization=True,
        early_stopping=True,
        validation_fraction=0.2,
    )

    def paths(seed):
        model = cls(**params, random_state=seed).fit(X, y).model_
        variables = model.variables + model.optimizer.variables
        # A metric's variables are created when it is first updated.
        return sorted(v.path for v in variables), sorted(m.name for m in model.metrics)

    first = paths(0)
    assert first == paths(1)
    assert "mlp/hidden_1/kernel" in first[0]
    # The user's layers still get Keras' own names.
    assert keras.layers.Dense(2).name.startswith("dense")


def test_partial_fit_classes_follow_scikit_learn(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X, y)
    clf = MLPClassifier(hidden_layer_sizes=(3,), random_state=0)
    with pytest.raises(ValueError, match=r"labels \[0\] that are not in `classes`"):
        clf.partial_fit(X[:5], y[:5], classes=[5, 6])  # labels not in classes
    clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X[:5], y[:5])  # later calls need no classes
    clf.partial_fit(X, y, classes=[2, 1, 0])  # the same classes
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="classifier knows only the classes"):
        clf.partial_fit(X[:2], [0, 7])


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_partial_fit_refuses_early_stopping(iris, cls):
    X, y = iris
    est = cls(hidden_layer_sizes=(3,), max_iter=2, early_stopping=True)
    kwargs = {"classes": [0, 1, 2]} if cls is MLPClassifier else {}
    with pytest.raises(ValueError, match="partial_fit does not support early_stopp"):
        est.partial_fit(X, y, **kwargs)
    assert not hasattr(est, "model_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_warm_start_refuses_other_classes(iris):
    X, y = iris
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, warm_start=True)
    clf.fit(X, y).fit(X, y[::-1])  # the same classes: continues
    with pytest.raises(ValueError, match=r"Previously got \[0 1 2\], `y` has \[0 1\]"):
        clf.fit(X, np.minimum(y, 1))
    clf.set_params(warm_start=False).fit(X, np.minimum(y, 1))  # a new network


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_refuses_data_it_cannot_split():
    X = [[1, 2], [2, 3], [3, 4], [4, 5]]
    with pytest.raises(ValueError, match=r"only 1 member.*too few members are: \[1\]"):
        MLPClassifier(early_stopping=True).fit(X, [0, 0, 0, 1])
    X, y = make_regression(n_samples=2, n_features=5, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        MLPRegressor(early_stopping=True, random_state=0).fit(X, y)
    # Enough of each class: accepted (validation_fraction=0.5: 2 per side).
    MLPClassifier(
        early_stopping=True, validation_fraction=0.5, max_iter=2, random_state=0
    ).fit(np.arange(8.0).reshape(4, 2), [0, 1, 0, 1])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_integer_momentum_and_learning_rate_are_accepted(iris):
    # scikit-learn's range [0, 1] includes the ints 0 and 1, which Keras'
    # SGD refuses as momentum (and as a learning rate).
    X, y = iris
    for momentum, rate in ((0, 1), (1, 0.01)):
        clf = MLPClassifier(
            solver="sgd", momentum=momentum, learning_rate_init=rate, max_iter=1
        ).fit(X, y)
        config = clf.model_.optimizer.get_config()
        assert config["momentum"] == momentum
        assert config["learning_rate"] == pytest.approx(rate)


@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_seeded_fits_start_from_scikit_learns_weights(iris, activation):
    from sklearn.neural_network import MLPClassifier as SkMLP

    X, y = iris
    X = StandardScaler().fit_transform(X)
    # One L-BFGS iteration (no batches, no shuffling) from the same start
    # reaches the same weights; from other starts it would not.
    params = dict(
        hidden_layer_sizes=(7, 4), activation=activation, solver="lbfgs", max_iter=1
    )
    with pytest.warns(ConvergenceWarning):
        ours = MLPClassifier(random_state=3, **params).fit(X, y)
        theirs = SkMLP(random_state=3, **params).fit(X, y)
        other_seed = SkMLP(random_state=4, **params).fit(X, y)
    for mine, sk, other in zip(
        ours.coefs_ + ours.intercepts_,
        theirs.coefs_ + theirs.intercepts_,
        other_seed.coefs_ + other_seed.intercepts_,
    ):
        np.testing.assert_allclose(mine, sk, atol=1e-5)
        assert np.abs(mine - other).max() > 1e-2


def test_keras_initializers_keep_zero_biases(iris):
    X, y = iris
    clf = MLPClassifier((5,), kernel_initializer="glorot_uniform", random_state=0)
    clf.initialize(X, y)
    assert all(np.all(b == 0) for b in clf.intercepts_)
    default = MLPClassifier((5,), random_state=0).initialize(X, y)
    assert all(np.any(b != 0) for b in default.intercepts_)
    unseeded = [MLPClassifier((5,)).initialize(X, y).coefs_[0] for _ in range(2)]
    assert not np.allclose(*unseeded)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fitted_parameters_and_predictions_keep_xs_float_type(dtype, tmp_path):
    import skkeras

    X, y = make_regression(40, 3, random_state=0)
    X = X.astype(dtype)
    reg = MLPRegressor((4,), max_iter=2, random_state=0)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, y)
    clf = MLPClassifier((4,), max_iter=2, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y > 0)
    for est in (reg, clf):
        assert {a.dtype for a in est.coefs_ + est.intercepts_} == {np.dtype(dtype)}
    assert reg.predict(X).dtype == dtype
    # Computed in float64 either way: float32 predictions are rounded ones.
    path = tmp_path / "reg.skkeras"
    skkeras.save(reg, path)
    loaded = skkeras.load(path)
    assert loaded.coefs_[0].dtype == dtype
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


def test_a_single_class_trains_and_is_predicted(iris):
    X, _ = iris
    clf = MLPClassifier((3,), early_stopping=True, random_state=0)
    clf.fit(X, np.full(len(X), "only"))
    assert list(clf.classes_) == ["only"] and clf.n_classes_ == 1
    assert set(clf.predict(X)) == {"only"}
    np.testing.assert_array_equal(clf.predict_proba(X), np.ones((len(X), 1)))
    assert clf.score(X, np.full(len(X), "only")) == 1.0
    # A second class at a warm start is refused, as for any change of classes.
    clf.set_params(warm_start=True)
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X, np.arange(len(X)) % 2)
