"""The MLPs' NumPy forward pass (skkeras._forward): exact, and batch-invariant."""

import functools

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import (
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_methods_sample_order_invariance,
    check_methods_subset_invariance,
)

from skkeras import MLPClassifier, MLPRegressor, _engine
from skkeras._forward import ACTIVATIONS, ForwardCache, numpy_forward

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Float32 rounding of a small network's output, relative and absolute.
RTOL, ATOL = 1e-5, 1e-6
# tests/test_common.py's TINY_SETTINGS for the MLPs.
TINY = {"hidden_layer_sizes": (16,), "max_iter": 100, "learning_rate_init": 0.01}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _keras_output(model, X):
    """The model's own (float32) inference output."""
    out = model(np.asarray(X, dtype="float32"), training=False)
    return keras.ops.convert_to_numpy(out).astype(np.float64)


def _assert_forward_matches_keras(model, X):
    """numpy_forward(model) exists, is float64 and equals Keras' output."""
    forward = numpy_forward(model)
    assert forward is not None
    out = forward(X)
    assert out.dtype == np.float64
    assert_allclose(out, _keras_output(model, X), rtol=RTOL, atol=ATOL)
    return out


# -- activations ----------------------------------------------------------------


@pytest.mark.parametrize(
    "activation",
    sorted(ACTIVATIONS, key=lambda fn: fn.__name__),
    ids=lambda fn: fn.__name__,
)
def test_each_activation_is_keras_own(activation):
    x = np.linspace(-6, 6, 97, dtype="float32").reshape(-1, 1) * np.float32(
        [1, 0.5, -0.25]
    )
    expected = keras.ops.convert_to_numpy(activation(keras.ops.convert_to_tensor(x)))
    got = ACTIVATIONS[activation](x.astype(np.float64))
    assert got.dtype == np.float64
    assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_the_documented_activations_are_covered():
    names = [
        "linear",
        "relu",
        "tanh",
        "sigmoid",
        "softmax",
        "elu",
        "selu",
        "gelu",
        "swish",
        "silu",
        "softplus",
        "softsign",
        "leaky_relu",
        "relu6",
        "exponential",
        "hard_sigmoid",
    ]
    for name in names:
        assert keras.activations.get(name) in ACTIVATIONS, name


def test_gelu_is_the_exact_form_keras_defaults_to():
    x = np.array([[-2.0, -0.5, 0.5, 2.0]])
    exact = keras.ops.convert_to_numpy(
        keras.ops.gelu(x.astype("float32"), approximate=False)
    )
    tanh_form = keras.ops.convert_to_numpy(
        keras.ops.gelu(x.astype("float32"), approximate=True)
    )
    got = ACTIVATIONS[keras.activations.gelu](x.copy())
    assert_allclose(got, exact, rtol=RTOL, atol=ATOL)
    assert not np.allclose(got, tanh_form, rtol=RTOL, atol=ATOL)


# -- which models --------------------------------------------------------------


class _Double(keras.layers.Layer):
    def call(self, x):
        return 2.0 * x


class _MyDense(keras.layers.Dense):
    pass


def _sequential(*layers, dtype=None):
    return keras.Sequential([keras.Input((4,), dtype=dtype), *layers])


def _functional():
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(3)(inputs))


def _unsupported_models():
    return {
        "lambda activation": _sequential(keras.layers.Dense(3, activation=lambda x: x)),
        "partial activation": _sequential(
            keras.layers.Dense(
                3, activation=functools.partial(keras.activations.relu, max_value=1.0)
            )
        ),
        "layer as activation": _sequential(
            keras.layers.Dense(3, activation=keras.layers.ReLU())
        ),
        "custom layer": _sequential(keras.layers.Dense(3), _Double()),
        "Dense subclass": _sequential(_MyDense(3)),
        "mixed_float16": _sequential(keras.layers.Dense(3, dtype="mixed_float16")),
        "functional": _functional(),
        "not built": keras.Sequential([keras.layers.Dense(3)]),
    }


@pytest.mark.parametrize("name", list(_unsupported_models()))
def test_models_it_cannot_evaluate_give_none(name):
    assert numpy_forward(_unsupported_models()[name]) is None


@pytest.mark.parametrize(
    "center, scale", [(True, True), (False, True), (True, False), (False, False)]
)
def test_batch_normalization_inference_form(center, scale):
    rng = np.random.RandomState(0)
    model = _sequential(
        keras.layers.Dense(5, activation="tanh"),
        keras.layers.BatchNormalization(center=center, scale=scale, epsilon=0.01),
        keras.layers.Dense(2),
    )
    bn = model.layers[1]
    # Statistics and parameters far from their initial values, so that a
    # term left out shows.
    values = [
        rng.uniform(0.5, 2.0, w.shape)
        if w.name in ("gamma", "moving_variance")
        else rng.normal(0, 1, w.shape)
        for w in bn.weights
    ]
    bn.set_weights(values)
    _assert_forward_matches_keras(model, rng.normal(0, 1, (20, 4)))


@pytest.mark.filterwarnings("ignore:Explicitly requested dtype float64")
def test_float64_models_are_evaluated():
    model = _sequential(
        keras.layers.Dense(3, activation="relu", dtype="float64"), dtype="float64"
    )
    _assert_forward_matches_keras(model, np.random.RandomState(0).normal(0, 1, (10, 4)))


def test_input_is_rounded_to_the_model_float_type():
    model = _sequential(keras.layers.Dense(1, use_bias=False))
    model.layers[0].set_weights([np.ones((4, 1))])
    X = np.full((1, 4), 1 + 2.0**-30)  # 1 in float32
    assert numpy_forward(model)(X)[0, 0] == 4.0


# -- the estimators ------------------------------------------------------------


def _classification(kind):
    if kind == "multilabel":
        X, Y = make_multilabel_classification(n_samples=80, n_classes=3, random_state=0)
        return StandardScaler().fit_transform(X), Y
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return X, (y == 2 if kind == "binary" else y)


CLASSIFIER_CASES = {
    "relu": ("multiclass", {}),
    "tanh": ("multiclass", {"activation": "tanh"}),
    "logistic": ("multiclass", {"activation": "logistic"}),
    "identity": ("multiclass", {"activation": "identity"}),
    "elu": ("multiclass", {"activation": "elu"}),
    "gelu": ("multiclass", {"activation": "gelu"}),
    "batch_normalization": (
        "multiclass",
        {"batch_normalization": True, "hidden_layer_sizes": (8, 6)},
    ),
    "dropout": ("multiclass", {"dropout": 0.3, "input_dropout": 0.2}),
    "binary": ("binary", {}),
    "multilabel": ("multilabel", {}),
}


@pytest.mark.parametrize("case", list(CLASSIFIER_CASES))
def test_classifier_predicts_through_the_forward_pass(case, monkeypatch):
    kind, params = CLASSIFIER_CASES[case]
    X, y = _classification(kind)
    clf = MLPClassifier(**{**TINY, "max_iter": 20, "random_state": 0, **params}).fit(
        X, y
    )
    out = _assert_forward_matches_keras(clf.model_, X)
    monkeypatch.setattr(_engine, "predict", _never)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64
    assert_array_equal(proba, clf.target_encoder_.proba(out))
    assert_array_equal(clf.predict(X), clf.target_encoder_.decode(proba))


def test_multioutput_regressor_predicts_through_the_forward_pass(monkeypatch):
    X, Y = make_regression(n_samples=60, n_features=5, n_targets=3, random_state=0)
    reg = MLPRegressor(**{**TINY, "max_iter": 20, "random_state": 0}).fit(
        X, Y / Y.std()
    )
    out = _assert_forward_matches_keras(reg.model_, X)
    monkeypatch.setattr(_engine, "predict", _never)
    pred = reg.predict(X)
    assert pred.dtype == np.float64 and pred.shape == Y.shape
    assert_array_equal(pred, out)


def _never(*args, **kwargs):
    raise AssertionError("the MLP predicted through the compiled Keras path")


def test_weights_are_read_at_each_call(iris):
    X, y = iris
    clf = MLPClassifier(**{**TINY, "max_iter": 5, "random_state": 0}).fit(X, y)
    before = clf.predict_proba(X)
    last = clf.model_.layers[-1]
    kernel, bias = last.get_weights()
    last.set_weights([3 * kernel, bias])
    after = clf.predict_proba(X)
    assert not np.allclose(before, after, rtol=RTOL, atol=ATOL)
    assert_allclose(after, _keras_output(clf.model_, X), rtol=RTOL, atol=ATOL)
    clf.partial_fit(X, y)
    assert_allclose(
        clf.predict_proba(X), _keras_output(clf.model_, X), rtol=RTOL, atol=ATOL
    )


def test_an_unsupported_model_falls_back_to_keras(iris, monkeypatch):
    X, y = iris
    clf = MLPClassifier(**{**TINY, "max_iter": 5, "random_state": 0}).fit(X, y)
    model = _sequential(
        keras.layers.Dense(8, activation="relu"),
        _Double(),
        keras.layers.Dense(3, activation="softmax"),
    )
    model.compile(loss="sparse_categorical_crossentropy")
    clf.model_ = model
    assert numpy_forward(model) is None
    calls = []
    predict = _engine.predict
    monkeypatch.setattr(
        _engine, "predict", lambda *a, **k: calls.append(1) or predict(*a, **k)
    )
    proba = clf.predict_proba(X)
    assert calls == [1]
    assert proba.dtype == np.float64
    assert_allclose(proba, _keras_output(model, X), rtol=RTOL, atol=ATOL)


def test_a_row_does_not_depend_on_its_batch(iris):
    X, y = iris
    clf = MLPClassifier(**{**TINY, "random_state": 0}).fit(X, y)
    full = clf.predict_proba(X)
    order = np.random.RandomState(0).permutation(len(X))
    assert_allclose(clf.predict_proba(X[order]), full[order], rtol=1e-12, atol=1e-15)
    for i in (0, 57, 149):
        assert_allclose(
            clf.predict_proba(X[i : i + 1]), full[i : i + 1], rtol=1e-12, atol=1e-15
        )


# -- scikit-learn's invariance checks, at any random_state ---------------------


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor], ids=lambda c: c.__name__)
def test_sklearn_invariance_checks_at_any_random_state(cls, seed):
    estimator = cls(**TINY, random_state=seed)
    check_methods_subset_invariance(cls.__name__, estimator)
    check_methods_sample_order_invariance(cls.__name__, estimator)


# -- the forward function kept per fit -----------------------------------------


def _assert_predicts_its_network(estimator, X):
    assert_allclose(
        estimator.predict_proba(X),
        _keras_output(estimator.model_, X),
        rtol=RTOL,
        atol=ATOL,
    )


def test_every_way_of_changing_the_network_is_seen(iris):
    X, y = iris
    clf = MLPClassifier(**{**TINY, "max_iter": 3, "random_state": 0}).fit(X, y)
    seen = [clf.predict_proba(X)]

    def check_new_network():
        _assert_predicts_its_network(clf, X)
        proba = clf.predict_proba(X)
        assert not any(np.allclose(proba, p, rtol=RTOL, atol=ATOL) for p in seen)
        seen.append(proba)

    clf.partial_fit(X, y)  # the same model, new weights
    check_new_network()
    clf.set_params(warm_start=True).fit(X, y)
    check_new_network()
    clf.set_params(warm_start=False, hidden_layer_sizes=(5, 4)).fit(X, y)
    assert len(clf.model_.layers) == 3  # a new model
    check_new_network()
    clf.model_ = (
        MLPClassifier(**{**TINY, "max_iter": 3, "random_state": 1}).fit(X, y).model_
    )
    check_new_network()


def test_a_loaded_estimator_predicts_its_network(iris, tmp_path):
    import pickle

    import skkeras

    X, y = iris
    clf = MLPClassifier(**{**TINY, "max_iter": 3, "random_state": 0}).fit(X, y)
    expected = clf.predict_proba(X)
    skkeras.save(clf, tmp_path / "clf.skkeras")
    loaded = [
        pickle.loads(pickle.dumps(clf)),
        skkeras.load(tmp_path / "clf.skkeras"),
    ]
    for other in loaded:
        assert_allclose(other.predict_proba(X), expected, rtol=1e-12, atol=1e-15)
        last = other.model_.layers[-1]
        kernel, bias = last.get_weights()
        last.set_weights([-kernel, bias])
        _assert_predicts_its_network(other, X)
        assert not np.allclose(other.predict_proba(X), expected, rtol=RTOL, atol=ATOL)
    # The original's network is its own.
    assert_allclose(clf.predict_proba(X), expected, rtol=1e-12, atol=1e-15)


def test_the_cache_builds_again_for_other_layers():
    rng = np.random.RandomState(0)
    X = rng.normal(0, 1, (6, 4))
    model = _sequential(keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(3))
    cache = ForwardCache()
    first = cache.forward(model)
    assert cache.forward(model) is first
    assert_allclose(first(X), _keras_output(model, X), rtol=RTOL, atol=ATOL)
    model.pop()
    model.add(keras.layers.Dense(2, activation="softmax"))
    out = cache.forward(model)(X)
    assert out.shape == (6, 2)
    assert_allclose(out, _keras_output(model, X), rtol=RTOL, atol=ATOL)
    other = _sequential(keras.layers.Dense(3))
    assert_allclose(
        cache.forward(other)(X), _keras_output(other, X), rtol=RTOL, atol=ATOL
    )


@pytest.mark.parametrize("activation", ["softmax", "log_softmax"])
def test_wide_outputs_match_keras_and_do_not_depend_on_the_batch(activation):
    # More columns than are reduced one by one, and more rows than take
    # NumPy's maximum: both ways give each row the same value.
    rng = np.random.RandomState(0)
    for units in (3, 40):
        model = _sequential(keras.layers.Dense(units, activation=activation))
        X = rng.normal(0, 2, (50, 4))
        full = _assert_forward_matches_keras(model, X)
        forward = numpy_forward(model)
        for rows in (slice(0, 1), slice(3, 20), slice(10, 50)):
            assert_array_equal(forward(X[rows]), full[rows])
