"""Hostile input: every case ends in a correct result or a clear error.

The rule for each input a user can pass: either the estimator handles it
(predictions of the right shape, finite) or it raises ``ValueError`` /
``TypeError`` whose message names the problem; never another exception
type (a framework error from deep inside Keras), a hang, or a silently
wrong shape.  Inputs are generated with hypothesis; the networks are tiny
and train for one epoch, so each example costs milliseconds once the first
fit has traced.
"""

import keras
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from skkeras import KerasClassifier, KerasRegressor, MLPClassifier, MLPRegressor

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
CLEAR_ERRORS = (ValueError, TypeError)


def _tiny(cls=MLPClassifier):
    return cls(hidden_layer_sizes=(3,), max_iter=1, random_state=0)


def _fits_or_refuses(estimator, X, y, **fit_params):
    """Fit; return the fitted estimator, or None after a clear refusal."""
    try:
        return estimator.fit(X, y, **fit_params)
    except CLEAR_ERRORS as exc:
        assert str(exc).strip(), "an error must say what is wrong"
        return None


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32)
any_float = st.floats(allow_nan=True, allow_infinity=True, width=64)


@SETTINGS
@given(
    X=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=6), elements=any_float)
)
def test_any_float_matrix(X):
    y = np.arange(X.shape[0]) % 2
    est = _fits_or_refuses(_tiny(), X, y)
    if est is not None:
        assert np.all(np.isfinite(X)) and X.shape[0] >= 2
        pred = est.predict(X)
        assert pred.shape == (X.shape[0],)
        assert np.all(np.isfinite(est.predict_proba(X)))


@SETTINGS
@given(scale=st.sampled_from([1e-30, 1e-8, 1.0, 1e8, 1e30]))
def test_huge_and_tiny_magnitudes(scale):
    rng = np.random.RandomState(0)
    X = rng.rand(10, 3) * scale
    y = rng.rand(10)
    est = _fits_or_refuses(_tiny(MLPRegressor), X, y)
    if est is not None:
        pred = est.predict(X)
        assert pred.shape == (10,)


@pytest.mark.parametrize(
    "X",
    [
        [[1, 2], [3]],  # ragged
        np.array([[1, "a"], [2, "b"]], dtype=object),  # mixed types
        np.array([[1 + 2j, 0], [1, 1j]]),  # complex
        np.zeros((4, 2, 2)),  # 3-D for an MLP
        np.zeros((4,)),  # 1-D
        np.zeros((0, 3)),  # empty
        "not an array",
    ],
    ids=["ragged", "mixed-object", "complex", "3d", "1d", "empty", "string"],
)
def test_malformed_X_is_refused_clearly(X):
    with pytest.raises(CLEAR_ERRORS) as info:
        _tiny().fit(X, [0, 1] * 2 if np.ndim(X) != 0 else [0, 1])
    assert str(info.value).strip()


def test_booleans_and_object_numbers_are_numbers():
    X = np.array([[True, False], [False, True], [True, True], [False, False]])
    est = _tiny().fit(X, [0, 1, 1, 0])
    assert est.predict(X.astype(object)).shape == (4,)


@SETTINGS
@given(
    weights=st.lists(st.one_of(st.floats(-2, 5), st.just(0.0), st.just(np.nan)), min_size=6, max_size=6)
)
def test_sample_weights(weights):
    X = np.random.RandomState(0).rand(6, 2)
    y = [0, 1] * 3
    w = np.array(weights)
    est = _fits_or_refuses(_tiny(), X, y, sample_weight=w)
    if est is not None:
        assert np.all(np.isfinite(w)) and np.all(w >= 0) and np.any(w > 0)


@pytest.mark.parametrize(
    "weights", [["a"] * 4, np.ones((4, 2)), np.ones(3), [None] * 4], ids=["str", "2d", "short", "none"]
)
def test_sample_weight_of_the_wrong_kind(weights):
    with pytest.raises(CLEAR_ERRORS):
        _tiny().fit(np.random.rand(4, 2), [0, 1, 0, 1], sample_weight=weights)


def _softmax_wrapper():
    def build(meta):
        return keras.Sequential([
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ])

    return KerasClassifier(build, random_state=0)


@pytest.mark.parametrize("scale, problem", [(1e-46, "round to zero"), (1e39, "infinite")])
@pytest.mark.parametrize("make", [_tiny, _softmax_wrapper], ids=["mlp", "wrapper"])
def test_sample_weights_beyond_float32_are_refused_before_training(make, scale, problem):
    # float32 turns them into zeros (a division by zero) or infinities (a
    # "diverged" network): refuse them, saying so and how to rescale.
    est = make()
    with pytest.raises(ValueError, match=f"sample_weight has values .*{problem}.*Rescale"):
        est.fit(np.random.RandomState(0).rand(6, 2), [0, 1] * 3, sample_weight=np.full(6, scale))
    assert not hasattr(est, "model_")


def _linear_wrapper():
    def build(meta):
        return keras.Sequential([keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)])

    return KerasRegressor(build, random_state=0)


def test_targets_beyond_the_float_type_are_refused_naming_y():
    # B7: the fit diverged and the message blamed large values in X.
    X = np.random.RandomState(0).rand(10, 2)
    huge = np.r_[1e39, np.ones(9)]
    with pytest.raises(ValueError, match=r"^y has values up to 1e\+39, beyond .*float32.*Scale the target"):
        _tiny(MLPRegressor).fit(X, huge)
    est = _linear_wrapper()
    with pytest.raises(ValueError, match=r"^y has values up to 1e\+39"):
        est.fit(X, huge)
    with pytest.raises(ValueError, match=r"^y of validation_data has values up to 1e\+39"):
        est.fit(X, np.ones(10), validation_data=(X, huge))
    assert not hasattr(est, "model_")


def test_one_row_and_one_class():
    with pytest.raises(ValueError, match="class"):
        _tiny().fit([[1.0, 2.0]], [1])
    with pytest.raises(ValueError, match="class"):
        _tiny().fit(np.random.rand(5, 2), [3] * 5)


def test_unseen_labels_in_score():
    est = _tiny().fit(np.random.rand(6, 2), ["a", "b"] * 3)
    # scikit-learn's accuracy handles unseen labels: they count as errors.
    assert est.score(np.random.rand(2, 2), ["c", "c"]) == 0.0


def test_dataframe_columns_missing_or_reordered():
    frame = pd.DataFrame(np.random.rand(6, 3), columns=["a", "b", "c"])
    est = _tiny().fit(frame, [0, 1] * 3)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(frame[["c", "b", "a"]])
    with pytest.raises(ValueError, match="feature"):
        est.predict(frame[["a", "b"]])


def test_wrong_number_of_features():
    est = _tiny().fit(np.random.rand(6, 3), [0, 1] * 3)
    with pytest.raises(ValueError, match="3 features"):
        est.predict(np.random.rand(2, 4))


def test_y_of_the_wrong_length_or_none():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _tiny().fit(np.random.rand(6, 2), [0, 1])
    with pytest.raises(ValueError, match="y"):
        _tiny().fit(np.random.rand(6, 2), None)


def test_diverging_training_is_reported():
    # A huge learning rate on huge targets drives the loss to inf/NaN.
    X = np.random.RandomState(0).rand(20, 2)
    y = np.random.RandomState(1).rand(20) * 1e30
    est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=3, learning_rate_init=1e10, random_state=0)
    try:
        est.fit(X, y)
    except CLEAR_ERRORS as exc:
        assert "NaN" in str(exc) or "inf" in str(exc) or "finite" in str(exc)
    else:
        assert est.predict(X).shape == (20,)
