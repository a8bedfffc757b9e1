"""Hostile input: every case ends in a correct result or a clear error.

The rule for each input a user can pass: either the estimator handles it
(predictions of the right shape, finite) or it raises ``ValueError`` /
``TypeError`` whose message names the problem; never another exception
type (a framework error from deep inside Keras), a hang, or a silently
wrong shape.

The properties check both directions. Hypothesis generates well-formed
inputs, which must be accepted, and ill-formed ones, each labelled with its
defect when it is made (a NaN put in, a row taken away), which must be
refused with the error naming that defect: a rule of the test, independent
of the code under test. The networks are tiny and train for one epoch, so
each example costs milliseconds once the first fit has traced.
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
# Each accepted example trains a new network (a new trace); refusals are cheap.
FIT_SETTINGS = settings(SETTINGS, max_examples=8)
CLEAR_ERRORS = (ValueError, TypeError)
FLOAT32 = np.finfo(np.float32)


def _tiny(cls=MLPClassifier):
    return cls(hidden_layer_sizes=(3,), max_iter=1, random_state=0)


def _refused(call, pattern):
    """Assert that ``call()`` raises ValueError with a message matching ``pattern``."""
    with pytest.raises(ValueError, match=pattern):
        call()


# ----------------------------------------------------------------------
# The feature matrix
# ----------------------------------------------------------------------
# Well-formed: at least 2 rows (two classes), at least 1 column, finite
# values in float32's range (zeros, subnormals and constant columns
# included).
in_range = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32)
good_X = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 6), st.integers(1, 3)),
    elements=in_range,
)

# Each ill-formed matrix is made from a well-formed one by one defect; the
# error must name that defect.
X_DEFECTS = {
    "nan": r"Input X contains NaN",
    "inf": r"Input X contains infinity",
    "-inf": r"Input X contains infinity",
    "beyond float32": r"^X has values up to .*beyond the range of .*float32",
    "no rows": r"0 sample\(s\)",
    "no columns": r"0 feature\(s\)",
}


@st.composite
def bad_X(draw):
    """An ill-formed matrix and its defect (a key of ``X_DEFECTS``)."""
    defect = draw(st.sampled_from(sorted(X_DEFECTS)))
    X = draw(good_X).copy()
    if defect == "no rows":
        return X[:0], defect
    if defect == "no columns":
        return X[:, :0], defect
    value = {
        "nan": np.nan,
        "inf": np.inf,
        "-inf": -np.inf,
        "beyond float32": draw(st.floats(1e39, 1e300)) * draw(st.sampled_from([-1, 1])),
    }[defect]
    row = draw(st.integers(0, X.shape[0] - 1))
    col = draw(st.integers(0, X.shape[1] - 1))
    X[row, col] = value
    return X, defect


def _two_classes(n_rows):
    return np.arange(n_rows) % 2


@FIT_SETTINGS
@given(X=good_X)
def test_well_formed_matrices_are_accepted(X):
    est = _tiny().fit(X, _two_classes(X.shape[0]))
    assert est.n_features_in_ == X.shape[1]
    pred = est.predict(X)
    assert pred.shape == (X.shape[0],)
    assert set(pred) <= {0, 1}
    proba = est.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


@SETTINGS
@given(case=bad_X())
def test_ill_formed_matrices_are_refused_naming_the_defect(case):
    X, defect = case
    est = _tiny()
    _refused(lambda: est.fit(X, _two_classes(X.shape[0])), X_DEFECTS[defect])
    assert not hasattr(est, "model_")


@pytest.fixture(scope="module")
def fitted():
    """A classifier fitted on 6 rows of 3 features."""
    X = np.random.RandomState(0).rand(6, 3)
    return _tiny().fit(X, _two_classes(6))


@SETTINGS
@given(
    X=hnp.arrays(
        np.float64, st.tuples(st.integers(1, 8), st.just(3)), elements=in_range
    )
)
def test_predict_accepts_well_formed_rows(fitted, X):
    assert fitted.predict(X).shape == (X.shape[0],)
    proba = fitted.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    assert np.all(np.isfinite(proba))


@st.composite
def bad_rows(draw):
    """Rows ill-formed for a model of 3 features, and their error's pattern."""
    defect = draw(
        st.sampled_from(["nan", "inf", "beyond float32", "no rows", "features"])
    )
    n_rows = draw(st.integers(1, 8))
    if defect == "features":
        n_features = draw(st.integers(1, 6).filter(lambda n: n != 3))
        X = np.zeros((n_rows, n_features))
        return X, rf"{n_features} features, but .* expecting 3 features"
    if defect == "no rows":
        return np.zeros((0, 3)), X_DEFECTS["no rows"]
    X = np.zeros((n_rows, 3))
    value = {"nan": np.nan, "inf": np.inf, "beyond float32": 1e39}[defect]
    X[draw(st.integers(0, n_rows - 1)), draw(st.integers(0, 2))] = value
    return X, X_DEFECTS[defect]


@SETTINGS
@given(case=bad_rows())
def test_predict_refuses_ill_formed_rows_naming_the_defect(fitted, case):
    X, pattern = case
    _refused(lambda: fitted.predict(X), pattern)
    _refused(lambda: fitted.predict_proba(X), pattern)


# ----------------------------------------------------------------------
# Magnitudes: the squared error of features scaled beyond about 1e19
# overflows float32 (3.4e38), so the training diverges and says so; up to
# 1e8 it trains, whatever the scale.
# ----------------------------------------------------------------------
def _scaled_fit(scale):
    rng = np.random.RandomState(0)
    X = rng.rand(10, 3) * scale
    return X, _tiny(MLPRegressor).fit(X, rng.rand(10))


@SETTINGS
@given(scale=st.integers(-30, 8).map(lambda e: 10.0**e))
def test_features_of_any_trainable_magnitude_are_accepted(scale):
    X, est = _scaled_fit(scale)
    pred = est.predict(X)
    assert pred.shape == (10,)
    assert np.all(np.isfinite(pred))


@SETTINGS
@given(scale=st.integers(20, 38).map(lambda e: 10.0**e))
def test_features_too_large_to_train_are_refused_as_diverged(scale):
    _refused(lambda: _scaled_fit(scale), r"diverged.*scaled")


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


# ----------------------------------------------------------------------
# Sample weights
# ----------------------------------------------------------------------
# Well-formed: finite, none negative, and the largest within float32's
# normal range (zeros and subnormals beside it are fine).
@st.composite
def good_weights(draw):
    weights = draw(st.lists(st.floats(0, 5), min_size=6, max_size=6))
    largest = draw(st.floats(float(FLOAT32.tiny) * 10, 5))
    weights[draw(st.integers(0, 5))] = largest
    return np.minimum(np.array(weights), largest)


WEIGHT_DEFECTS = {
    "negative": r"[Nn]egative",
    "nan": r"sample_weight contains NaN",
    "inf": r"sample_weight contains infinity",
    "all zero": r"non-zero|zero for every sample",
    "above float32": r"^sample_weight has values up to .*become infinite.*Rescale",
    "below float32": r"^sample_weight has values up to .*round to zero.*Rescale",
}


@st.composite
def bad_weights(draw):
    """Ill-formed weights and their defect (a key of ``WEIGHT_DEFECTS``)."""
    defect = draw(st.sampled_from(sorted(WEIGHT_DEFECTS)))
    if defect == "all zero":
        return np.zeros(6), defect
    if defect == "below float32":
        return np.array(
            draw(st.lists(st.floats(1e-300, 1e-39), min_size=6, max_size=6))
        ), defect
    weights = draw(good_weights())
    weights[draw(st.integers(0, 5))] = {
        "negative": lambda: draw(st.floats(-5, -1e-6)),
        "nan": lambda: np.nan,
        "inf": lambda: np.inf,
        "above float32": lambda: draw(st.floats(1e39, 1e300)),
    }[defect]()
    return weights, defect


WEIGHTED_X = np.random.RandomState(0).rand(6, 2)


@FIT_SETTINGS
@given(weights=good_weights())
def test_well_formed_sample_weights_are_accepted(weights):
    est = _tiny().fit(WEIGHTED_X, _two_classes(6), sample_weight=weights)
    assert est.predict(WEIGHTED_X).shape == (6,)
    assert np.all(np.isfinite(est.predict_proba(WEIGHTED_X)))


@SETTINGS
@given(case=bad_weights())
def test_ill_formed_sample_weights_are_refused_naming_the_defect(case):
    weights, defect = case
    est = _tiny()
    _refused(
        lambda: est.fit(WEIGHTED_X, _two_classes(6), sample_weight=weights),
        WEIGHT_DEFECTS[defect],
    )
    assert not hasattr(est, "model_")


@pytest.mark.parametrize(
    "weights",
    [["a"] * 4, np.ones((4, 2)), np.ones(3), [None] * 4],
    ids=["str", "2d", "short", "none"],
)
def test_sample_weight_of_the_wrong_kind(weights):
    with pytest.raises(CLEAR_ERRORS):
        _tiny().fit(np.random.rand(4, 2), [0, 1, 0, 1], sample_weight=weights)


def _softmax_wrapper():
    def build(meta):
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(meta["n_classes_"], activation="softmax"),
            ]
        )

    return KerasClassifier(build, random_state=0)


@pytest.mark.parametrize(
    "scale, problem", [(1e-46, "round to zero"), (1e39, "infinite")]
)
@pytest.mark.parametrize("make", [_tiny, _softmax_wrapper], ids=["mlp", "wrapper"])
def test_sample_weights_beyond_float32_are_refused_before_training(
    make, scale, problem
):
    # float32 turns them into zeros (a division by zero) or infinities (a
    # "diverged" network): refuse them, saying so and how to rescale.
    est = make()
    with pytest.raises(
        ValueError, match=f"sample_weight has values .*{problem}.*Rescale"
    ):
        est.fit(
            np.random.RandomState(0).rand(6, 2),
            [0, 1] * 3,
            sample_weight=np.full(6, scale),
        )
    assert not hasattr(est, "model_")


def _linear_wrapper():
    def build(meta):
        return keras.Sequential(
            [keras.Input((meta["n_features_in_"],)), keras.layers.Dense(1)]
        )

    return KerasRegressor(build, random_state=0)


def test_targets_beyond_the_float_type_are_refused_naming_y():
    # B7: the fit diverged and the message blamed large values in X.
    X = np.random.RandomState(0).rand(10, 2)
    huge = np.r_[1e39, np.ones(9)]
    with pytest.raises(
        ValueError,
        match=r"^y has values up to 1e\+39, beyond .*float32.*Scale the target",
    ):
        _tiny(MLPRegressor).fit(X, huge)
    est = _linear_wrapper()
    with pytest.raises(ValueError, match=r"^y has values up to 1e\+39"):
        est.fit(X, huge)
    with pytest.raises(
        ValueError, match=r"^y of validation_data has values up to 1e\+39"
    ):
        est.fit(X, np.ones(10), validation_data=(X, huge))
    assert not hasattr(est, "model_")


def test_one_row_and_one_class():
    # scikit-learn's MLP trains on a single class and predicts it; the
    # general wrappers refuse it (tests/test_wrappers.py).
    est = _tiny().fit([[1.0, 2.0]], [1])
    assert est.predict([[0.0, 0.0], [5.0, 5.0]]).tolist() == [1, 1]
    est = _tiny().fit(np.random.rand(5, 2), [3] * 5)
    assert est.predict(np.random.rand(3, 2)).tolist() == [3, 3, 3]


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
    est = MLPRegressor(
        hidden_layer_sizes=(3,), max_iter=3, learning_rate_init=1e10, random_state=0
    )
    _refused(
        lambda: est.fit(X, y),
        r"^Solver produced non-finite parameter weights\..*diverged",
    )
    # The same network with a usual learning rate on tame targets trains.
    est.set_params(learning_rate_init=1e-3)
    assert est.fit(X, y / 1e30).predict(X).shape == (20,)
