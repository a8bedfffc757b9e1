"""solver="lbfgs" of MLPClassifier and MLPRegressor: scikit-learn's objective,
budgets, weights and warm starts, on the backend the suite runs with."""

import keras
import numpy as np
import pytest
import scipy.optimize
from sklearn.datasets import load_iris, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

import skkeras
from skkeras import MLPClassifier, MLPRegressor
from skkeras._engine import cache, lbfgs
from skkeras._mlp_lbfgs import _loss_kind
from skkeras._sklearn_compat import InvalidParameterError


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _problem(kind):
    rng = np.random.RandomState(0)
    if kind == "multilabel":
        X, y = make_multilabel_classification(
            n_samples=30, n_features=4, n_classes=3, random_state=0
        )
        return StandardScaler().fit_transform(X), y
    X = rng.normal(size=(30, 4))
    if kind == "regression":
        return X, X @ rng.normal(size=4) + 0.1 * rng.normal(size=30)
    if kind == "multioutput":
        return X, X @ rng.normal(size=(4, 2)) + 0.1 * rng.normal(size=(30, 2))
    return X, rng.randint(0, 3 if kind == "multiclass" else 2, size=30)


def _objective(estimator, X, y, sample_weight=None):
    """skkeras' compiled objective and gradient at the estimator's weights,
    as the lbfgs fit evaluates them (and the flat weights)."""
    model = estimator.model_
    x, y_enc, _, _ = estimator._training_data(X, y, None, None, None)
    spec = lbfgs.LbfgsSpec(
        _loss_kind(estimator), x.shape[1], y_enc.shape[1] if y_enc.ndim > 1 else 1
    )
    entry, layout = lbfgs.value_and_grad(model, spec)
    sw = np.ones(len(x)) if sample_weight is None else sample_weight

    def fun(flat):
        with entry.context():
            return entry.call(flat, entry.convert(x, y_enc, sw, estimator.alpha))

    return fun, lbfgs.pack(model, layout)


@pytest.mark.parametrize(
    "kind", ["multiclass", "binary", "multilabel", "regression", "multioutput"]
)
@pytest.mark.parametrize("weighted", [False, True])
def test_objective_is_scikit_learns(kind, weighted):
    # scikit-learn's loss_ is its objective at its final weights: the same
    # weights in skkeras' network give the same objective.
    X, y = _problem(kind)
    sw = np.random.RandomState(1).randint(1, 4, size=len(X)) if weighted else None
    sk_cls, cls = (
        (SkMLPRegressor, MLPRegressor)
        if kind in ("regression", "multioutput")
        else (SkMLPClassifier, MLPClassifier)
    )
    params = dict(hidden_layer_sizes=(5, 4), activation="tanh", alpha=0.3)
    with pytest.warns(ConvergenceWarning):
        sk = sk_cls(solver="lbfgs", max_iter=4, random_state=0, **params)
        sk.fit(X, y, sample_weight=sw)
    est = cls(solver="lbfgs", **params).initialize(X, y)
    for layer, w, b in zip(est.model_.layers, sk.coefs_, sk.intercepts_):
        layer.set_weights([w, b])
    fun, flat = _objective(est, X, y, sw)
    value, grad = fun(flat)
    np.testing.assert_allclose(value, sk.loss_, rtol=1e-5)
    assert grad.dtype == np.float64 and grad.shape == flat.shape


@pytest.mark.parametrize("kind", ["multiclass", "binary", "regression"])
def test_gradient_is_the_objectives(kind):
    X, y = _problem(kind)
    cls = MLPRegressor if kind == "regression" else MLPClassifier
    est = cls((6,), activation="logistic", solver="lbfgs", alpha=0.1, random_state=0)
    fun, flat = _objective(est.initialize(X, y), X, y)
    error = scipy.optimize.check_grad(
        lambda w: fun(w)[0], lambda w: fun(w)[1], flat, epsilon=1e-6
    )
    assert error < 1e-5 * max(1.0, np.linalg.norm(fun(flat)[1]))


def test_fits_iris_and_xor(iris):
    X, y = iris
    clf = MLPClassifier((20,), solver="lbfgs", random_state=0).fit(X, y)
    assert clf.score(X, y) >= 0.98
    assert 0 < clf.n_iter_ <= 200 and clf.loss_ < 0.1
    X_xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 5, dtype=float)
    y_xor = np.array([0, 1, 1, 0] * 5)
    xor = MLPClassifier((8,), activation="tanh", solver="lbfgs", random_state=1)
    assert xor.fit(X_xor, y_xor).score(X_xor, y_xor) == 1.0


def test_regression_fits():
    X, y = make_regression(n_samples=60, n_features=3, noise=0.1, random_state=0)
    reg = MLPRegressor((10,), solver="lbfgs", random_state=0, max_iter=500)
    assert reg.fit(X, y / y.std()).score(X, y / y.std()) > 0.99


def test_fitted_attributes_are_scikit_learns_for_lbfgs(iris):
    X, y = iris
    clf = MLPClassifier((5,), solver="lbfgs", random_state=0, early_stopping=True)
    clf.fit(X, y)
    assert isinstance(clf.loss_, float) and clf.n_layers_ == 3
    for name in ("loss_curve_", "best_loss_", "validation_scores_"):
        assert not hasattr(clf, name)
    # early_stopping does not apply to lbfgs: every row is trained on.
    assert clf._fit_plan.n_train == len(X)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("budget", [{"max_iter": 3}, {"max_fun": 4}])
def test_budget_stops_with_convergence_warning(iris, budget):
    X, y = iris
    clf = MLPClassifier((5,), solver="lbfgs", random_state=0, **budget)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        clf.fit(X, y)
    assert clf.n_iter_ <= min(budget.values())
    if "max_iter" in budget:
        assert clf.n_iter_ == budget["max_iter"]


def test_converged_fit_does_not_warn(iris):
    X, y = iris
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = MLPClassifier((5,), solver="lbfgs", tol=1e-2, random_state=0)
        clf.fit(X, y)
    assert clf.n_iter_ < clf.max_iter


def test_integer_weights_are_repeated_rows():
    X, y = _problem("multiclass")
    w = np.random.RandomState(2).randint(0, 3, size=len(X))
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=15, alpha=0.2)
    with pytest.warns(ConvergenceWarning):
        weighted = MLPClassifier(random_state=0, **params).fit(X, y, sample_weight=w)
    with pytest.warns(ConvergenceWarning):
        repeated = MLPClassifier(random_state=0, **params).fit(
            np.repeat(X, w, axis=0), np.repeat(y, w)
        )
    np.testing.assert_allclose(weighted.loss_, repeated.loss_, rtol=1e-6)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-5
    )


def test_partial_fit_does_not_exist_for_lbfgs():
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPClassifier(solver="sgd"), "partial_fit")
    with pytest.raises(AttributeError, match="no attribute 'partial_fit'") as info:
        MLPRegressor(solver="lbfgs").partial_fit  # noqa: B018
    assert "lbfgs is not stochastic" in str(info.value.__cause__)


def test_warm_start_continues(iris):
    X, y = iris
    clf = MLPClassifier((5,), solver="lbfgs", max_iter=5, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.set_params(warm_start=True).fit(X, y)
    model, first = clf.model_, clf.loss_
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.model_ is model and clf.loss_ < first
    assert clf.n_iter_ == 5  # as scikit-learn: the iterations of the last fit
    with pytest.warns(ConvergenceWarning):
        cold = MLPClassifier((5,), solver="lbfgs", max_iter=5, random_state=0)
        cold.fit(X, y)
    assert cold.loss_ == pytest.approx(first)


def test_random_state_sets_the_initial_weights(iris):
    X, y = iris
    fits = [
        MLPClassifier((5,), solver="lbfgs", max_iter=20, random_state=s)
        for s in (0, 0, 1)
    ]
    with pytest.warns(ConvergenceWarning):
        losses = [f.fit(X, y).loss_ for f in fits]
    assert losses[0] == losses[1] != losses[2]


def test_one_compiled_function_per_architecture(iris):
    X, y = iris
    cache.clear_caches()
    for seed in range(2):
        for alpha in (1e-4, 1e-2):
            MLPClassifier((7,), solver="lbfgs", alpha=alpha, random_state=seed).fit(
                X[: 120 + seed], y[: 120 + seed]
            )
    assert cache.cache_info().shared == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"dropout": 0.2},
        {"input_dropout": 0.1},
        {"batch_normalization": True},
        {"kernel_constraint": 3.0},
        {"callbacks": [keras.callbacks.TerminateOnNaN()]},
        {"lr_schedule": "step"},
        {"checkpoint": "best.skkeras"},
    ],
)
def test_keras_extras_are_refused(iris, extra):
    X, y = iris
    with pytest.raises(ValueError, match="solver='lbfgs'.*does not take"):
        MLPClassifier((4,), solver="lbfgs", **extra).fit(X, y)
    MLPClassifier((4,), solver="adam", max_iter=1, **extra)  # others take them


def test_max_fun_is_validated(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="max_fun"):
        MLPClassifier(solver="lbfgs", max_fun=0).fit(X, y)


def _layout_and_spec(activation, loss="softmax"):
    est = MLPClassifier((3,), activation=activation, solver="lbfgs")
    est.initialize(np.zeros((4, 2)), [0, 1, 2, 0])
    return lbfgs.dense_layout(est.model_), lbfgs.LbfgsSpec(loss, 2, 3)


def test_other_backends_use_numpy_for_scikit_learns_networks(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    layout, spec = _layout_and_spec("tanh")
    assert lbfgs.backend_module(layout, spec).__name__.endswith("numpy_lbfgs")
    # Another activation, or a Keras loss, needs a compiled function.
    for layout, spec in (_layout_and_spec("elu"), _layout_and_spec("relu", "huber")):
        with pytest.raises(ValueError, match="jax and tensorflow backends"):
            lbfgs.backend_module(layout, spec)


@pytest.mark.parametrize(
    "kind", ["multiclass", "binary", "multilabel", "regression", "poisson"]
)
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_numpy_objective_is_the_compiled_one(kind, activation):
    from skkeras._engine import numpy_lbfgs

    if kind == "poisson":
        X, y = _problem("regression")
        y = np.abs(y)
        est = MLPRegressor((5, 4), activation=activation, loss="poisson")
    else:
        X, y = _problem(kind)
        cls = MLPRegressor if kind == "regression" else MLPClassifier
        est = cls((5, 4), activation=activation)
    est.set_params(solver="lbfgs", alpha=0.3, random_state=0).initialize(X, y)
    x, y_enc, _, _ = est._training_data(X, y, None, None, None)
    spec = lbfgs.LbfgsSpec(
        _loss_kind(est), x.shape[1], y_enc.shape[1] if y_enc.ndim > 1 else 1
    )
    layout = lbfgs.dense_layout(est.model_)
    assert numpy_lbfgs.supports(layout, spec)
    sw = np.random.RandomState(2).randint(1, 4, size=len(x)).astype(float)
    flat = lbfgs.pack(est.model_, layout)
    compiled = lbfgs.compiled_module().build(layout, spec)
    with compiled.context():
        expected = compiled.call(flat, compiled.convert(x, y_enc, sw, 0.3))
    ours = numpy_lbfgs.build(layout, spec)
    value, grad = ours.call(flat, ours.convert(x, y_enc, sw, 0.3))
    # XLA's float64 tanh on the CPU is an approximation: on JAX the tanh
    # networks differ from NumPy's by ~1e-9 in the objective and ~5e-8 in
    # the gradient (TensorFlow's agree with NumPy's to 1e-12).
    np.testing.assert_allclose(value, expected[0], rtol=1e-8)
    np.testing.assert_allclose(grad, expected[1], rtol=1e-7, atol=2e-7)


def test_search_and_saving(iris, tmp_path):
    X, y = iris
    search = skkeras.model_selection.GridSearchCV(
        MLPClassifier((5,), solver="lbfgs", random_state=0, max_iter=50),
        {"alpha": [1e-4, 1.0]},
        cv=2,
    ).fit(X, y)
    assert search.best_score_ > 0.8
    best = search.best_estimator_
    skkeras.save(best, tmp_path / "mlp.skk")
    loaded = skkeras.load(tmp_path / "mlp.skk")
    np.testing.assert_allclose(loaded.predict_proba(X), best.predict_proba(X))
    assert loaded.get_params()["max_fun"] == 15000


def test_poisson_loss_has_scikit_learns_exponential_output():
    # Without hidden layers, the Poisson MLP is a Poisson GLM: its fit by
    # L-BFGS reaches PoissonRegressor's predictions and scikit-learn's loss_.
    from sklearn.linear_model import PoissonRegressor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 3))
    y = rng.poisson(np.exp(X @ [0.3, -0.2, 0.1]))
    params = dict(hidden_layer_sizes=(), loss="poisson", solver="lbfgs", alpha=0.0)
    ours = MLPRegressor(**params, random_state=0).fit(X, y)
    theirs = SkMLPRegressor(**params, random_state=0).fit(X, y)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-5)
    glm = PoissonRegressor(alpha=0.0).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), glm.predict(X), rtol=1e-3)
    # The squared error keeps the identity output, which can go negative.
    linear = MLPRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, y - 5.0)
    assert linear.out_activation_ == "identity" and linear.predict(X).min() < 0
