"""Tests for skkeras.datasets: bundled loaders and the make_gender generator."""

import gzip
import hashlib
import io
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import Bunch

import skkeras.datasets
from skkeras.datasets import (
    load_bank_marketing,
    load_boston_housing,
    load_pima_indians_diabetes,
    make_gender,
)

PIMA_FEATURES = [
    "Pregnancies",
    "Glucose",
    "BloodPressure",
    "SkinThickness",
    "Insulin",
    "BMI",
    "DiabetesPedigreeFunction",
    "Age",
]
BOSTON_FEATURES = "CRIM ZN INDUS CHAS NOX RM AGE DIS RAD TAX PTRATIO B LSTAT".split()
BANK_FEATURES = (
    "age job marital education default balance housing loan contact day month "
    "duration campaign pdays previous poutcome"
).split()
BANK_NUMERIC = ["age", "balance", "day", "duration", "campaign", "pdays", "previous"]

# Expected sha256 (of the uncompressed CSV text), rows excluding the header,
# and columns, from the data README that documents the bundled files.
BUNDLED_FILES = {
    "pima_indians_diabetes.csv": (
        "27939f6c904b6c58a3ae9fe48a50cefadd42b46ce92ebad9cb4114334b28ee66",
        768,
        9,
    ),
    "boston_housing.csv": (
        "ebf8b4a9ceaf375f9591be7b862b3eafc6efc952251e77f09dd6c2df9e216ba0",
        506,
        14,
    ),
    "bank_marketing.csv": (
        "09de0bb208744ae3f9856b3cdf80c47bc249e651fb3f42d21aff19f927e61f5a",
        4521,
        17,
    ),
    "bank_marketing_full.csv.gz": (
        "b44507c26634736d4a0619ec2d7c4b6ff56a2c63cbeb5176d3134e7b25e416f0",
        45211,
        17,
    ),
}

LOADERS = [
    load_pima_indians_diabetes,
    load_boston_housing,
    load_bank_marketing,
]


def test_public_api():
    assert sorted(skkeras.datasets.__all__) == [
        "load_bank_marketing",
        "load_boston_housing",
        "load_pima_indians_diabetes",
        "make_gender",
    ]
    for name in skkeras.datasets.__all__:
        assert getattr(skkeras.datasets, name).__doc__


@pytest.mark.parametrize("filename", sorted(BUNDLED_FILES))
def test_bundled_file_checksum_and_shape(filename):
    expected_sha256, n_rows, n_columns = BUNDLED_FILES[filename]
    raw = (resources.files("skkeras.datasets") / "data" / filename).read_bytes()
    if filename.endswith(".gz"):
        raw = gzip.decompress(raw)
    assert hashlib.sha256(raw).hexdigest() == expected_sha256
    text = raw.decode("ascii")
    assert text.endswith("\n") and "\r" not in text
    lines = text.splitlines()
    assert len(lines) == n_rows + 1
    assert {line.count(",") for line in lines} == {n_columns - 1}


def test_pima():
    bunch = load_pima_indians_diabetes()
    assert isinstance(bunch, Bunch)
    assert set(bunch) >= {
        "data",
        "target",
        "frame",
        "target_names",
        "feature_names",
        "DESCR",
        "filename",
    }
    assert bunch.data.shape == (768, 8) and bunch.data.dtype == np.float64
    assert bunch.target.shape == (768,) and bunch.target.dtype == np.int64
    assert bunch.feature_names == PIMA_FEATURES
    assert list(bunch.target_names) == ["negative", "positive"]
    assert np.bincount(bunch.target).tolist() == [500, 268]
    assert bunch.frame is None
    assert bunch.filename == "pima_indians_diabetes.csv"
    np.testing.assert_array_equal(bunch.data[0], [6, 148, 72, 35, 0, 33.6, 0.627, 50])
    # Zeros mean "missing" and are kept as in the source.
    glucose, insulin = bunch.data[:, 1], bunch.data[:, 4]
    assert (glucose == 0).sum() == 5 and (insulin == 0).sum() == 374


def test_pima_as_frame():
    bunch = load_pima_indians_diabetes(as_frame=True)
    assert isinstance(bunch.data, pd.DataFrame)
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "Outcome"
    assert bunch.frame.shape == (768, 9)
    assert list(bunch.frame.columns) == PIMA_FEATURES + ["Outcome"]
    floats = {"BMI", "DiabetesPedigreeFunction"}
    for name, dtype in bunch.frame.dtypes.items():
        assert dtype == (np.float64 if name in floats else np.int64), name
    assert bunch.target.value_counts().to_dict() == {0: 500, 1: 268}


def test_boston():
    bunch = load_boston_housing()
    assert bunch.data.shape == (506, 13) and bunch.data.dtype == np.float64
    assert bunch.target.shape == (506,) and bunch.target.dtype == np.float64
    assert bunch.feature_names == BOSTON_FEATURES
    assert list(bunch.target_names) == ["MEDV"]
    assert bunch.frame is None
    assert bunch.filename == "boston_housing.csv"
    assert bunch.target.mean() == pytest.approx(22.532806, abs=1e-6)
    assert bunch.target.min() == 5.0 and bunch.target.max() == 50.0
    assert (bunch.target == 50.0).sum() == 16


def test_boston_as_frame():
    X, y = load_boston_housing(return_X_y=True, as_frame=True)
    assert isinstance(X, pd.DataFrame) and X.shape == (506, 13)
    assert isinstance(y, pd.Series) and y.name == "MEDV" and y.dtype == np.float64
    for name, dtype in X.dtypes.items():
        assert dtype == (np.int64 if name in ("CHAS", "RAD") else np.float64), name
    assert X["CHAS"].value_counts().to_dict() == {0: 471, 1: 35}


def test_bank_marketing():
    bunch = load_bank_marketing()
    assert bunch.data.shape == (4521, 16) and bunch.data.dtype == object
    assert bunch.target.shape == (4521,) and bunch.target.dtype == object
    assert bunch.feature_names == BANK_FEATURES
    assert list(bunch.target_names) == ["no", "yes"]
    assert bunch.frame is None
    assert bunch.filename == "bank_marketing.csv"
    assert bunch.data[0].tolist() == [
        30, "unemployed", "married", "primary", "no", 1787, "no", "no",
        "cellular", 19, "oct", 79, 1, -1, 0, "unknown",
    ]  # fmt: skip
    labels, counts = np.unique(bunch.target, return_counts=True)
    assert labels.tolist() == ["no", "yes"] and counts.tolist() == [4000, 521]


def test_bank_marketing_as_frame():
    bunch = load_bank_marketing(as_frame=True)
    X, y = bunch.data, bunch.target
    assert X.shape == (4521, 16) and bunch.frame.shape == (4521, 17)
    assert list(bunch.frame.columns) == BANK_FEATURES + ["y"]
    for name, dtype in X.dtypes.items():
        assert dtype == (np.int64 if name in BANK_NUMERIC else object), name
    assert y.name == "y" and y.dtype == object
    assert isinstance(X["job"].iloc[0], str)
    # Categorical columns feed straight into OneHotEncoder.
    categorical = [name for name in BANK_FEATURES if name not in BANK_NUMERIC]
    encoded = OneHotEncoder().fit_transform(X[categorical])
    assert encoded.shape[0] == 4521
    assert encoded.shape[1] == sum(X[name].nunique() for name in categorical)


def test_bank_marketing_full():
    X, y = load_bank_marketing(full=True, return_X_y=True, as_frame=True)
    assert X.shape == (45211, 16) and list(X.columns) == BANK_FEATURES
    assert y.value_counts().to_dict() == {"no": 39922, "yes": 5289}
    assert load_bank_marketing(full=True).filename == "bank_marketing_full.csv.gz"
    # The small file is a 10 % sample of the full one.
    small = load_bank_marketing(as_frame=True).frame
    full = pd.concat([X, y], axis=1)
    assert len(small.merge(full.drop_duplicates(), how="inner")) == len(small)


@pytest.mark.parametrize("loader", LOADERS)
def test_return_X_y(loader):
    bunch = loader()
    X, y = loader(return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
    X_df, y_s = loader(return_X_y=True, as_frame=True)
    pd.testing.assert_frame_equal(X_df, loader(as_frame=True).data)
    np.testing.assert_array_equal(X_df.to_numpy(dtype=X.dtype), X)
    np.testing.assert_array_equal(y_s.to_numpy(), y)


@pytest.mark.parametrize("loader", LOADERS)
def test_cache_cannot_be_mutated(loader):
    bunch = loader()
    bunch.data[:] = 0
    bunch.target[:] = bunch.target[-1]
    bunch.feature_names.append("spam")
    frame = loader(as_frame=True).frame
    frame.iloc[:, 0] = 0
    del frame[frame.columns[1]]
    fresh = loader()
    assert not np.array_equal(fresh.data, bunch.data)
    assert not np.array_equal(fresh.target, bunch.target)
    assert "spam" not in fresh.feature_names
    assert fresh.data.flags.writeable and fresh.target.flags.writeable
    fresh_frame = loader(as_frame=True).frame
    assert fresh_frame.shape[1] == len(fresh.feature_names) + 1
    assert fresh_frame.iloc[:, 0].nunique() > 1


def test_descr_pima():
    descr = load_pima_indians_diabetes().DESCR
    assert descr.startswith(".. _pima_indians_diabetes_dataset:")
    assert "**Data Set Characteristics:**" in descr
    assert "Smith, J. W." in descr and "NIDDK" in descr
    assert "License" in descr
    assert "zeros stand for missing values" in descr.lower()
    for name in ["Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI"]:
        assert name in descr
    assert "500" in descr and "268" in descr


def test_descr_boston():
    descr = load_boston_housing().DESCR
    assert "**Data Set Characteristics:**" in descr
    assert "Harrison" in descr and "Rubinfeld" in descr
    assert "License" in descr
    assert "proportion of Black residents" in descr
    assert "ethically problematic" in descr
    assert "removed it in version 1.2" in descr
    assert "censored" in descr


def test_descr_bank_marketing():
    descr = load_bank_marketing().DESCR
    assert load_bank_marketing(full=True).DESCR == descr
    assert "**Data Set Characteristics:**" in descr
    assert "Moro" in descr and "Cortez" in descr and "10.24432/C5K306" in descr
    assert "CC BY 4.0" in descr
    assert "duration" in descr and "leaks the target" in descr
    assert "drop it for a realistic predictive model" in descr
    assert "11.52 %" in descr and "521" in descr
    assert "unknown" in descr


def test_make_gender_shapes_and_balance():
    X, y = make_gender(random_state=0)
    assert X.shape == (1000, 3) and X.dtype == np.float64
    assert y.shape == (1000,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [500, 500]
    # Odd n_samples: the first n_samples // 2 are male (1).
    _, y_odd = make_gender(7, random_state=0)
    assert np.bincount(y_odd).tolist() == [4, 3]
    _, y_two = make_gender(2, random_state=0)
    assert sorted(y_two.tolist()) == [0, 1]


def test_make_gender_class_means():
    X, y = make_gender(20000, random_state=0)
    diff = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    np.testing.assert_allclose(diff, [1.0, 1.0, -1.0], atol=0.05)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), 0.0, atol=0.05)
    np.testing.assert_allclose(X.std(axis=0), np.sqrt(1.25), atol=0.05)
    # Shuffled: the labels are not sorted.
    assert not (np.all(y[:10000] == 1) or np.all(y[:10000] == 0))


def test_make_gender_determinism():
    X1, y1 = make_gender(100, random_state=42)
    X2, y2 = make_gender(100, random_state=np.random.RandomState(42))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, y3 = make_gender(100, random_state=43)
    assert not np.allclose(X1, X3)
    assert not np.array_equal(y1, y3)


def test_make_gender_as_frame():
    X, y = make_gender(50, random_state=1, as_frame=True)
    X_np, y_np = make_gender(50, random_state=1)
    assert isinstance(X, pd.DataFrame)
    assert list(X.columns) == ["weight", "height", "age"]
    assert isinstance(y, pd.Series) and y.name == "gender" and y.dtype == np.int64
    np.testing.assert_array_equal(X.to_numpy(), X_np)
    np.testing.assert_array_equal(y.to_numpy(), y_np)


def test_make_gender_logistic_regression_near_bayes_rate():
    X, y = make_gender(2000, random_state=0)
    X_test, y_test = make_gender(2000, random_state=1)
    score = LogisticRegression().fit(X, y).score(X_test, y_test)
    assert 0.74 < score < 0.86


@pytest.mark.parametrize("n_samples", [0, 1, -5, 1.5, 10.0, "100", None, True])
def test_make_gender_bad_n_samples(n_samples):
    with pytest.raises(ValueError, match="n_samples must be an integer"):
        make_gender(n_samples)


def test_make_gender_accepts_numpy_integer():
    X, y = make_gender(np.int64(10), random_state=0)
    assert X.shape == (10, 3) and y.shape == (10,)


def test_docstring_examples_run():
    import doctest

    import skkeras.datasets._base as base

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(base) if t.examples]
    assert len(tests) == 4
    out = io.StringIO()
    for test in tests:
        runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()
