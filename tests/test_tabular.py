"""Data frames with categorical columns in MLPClassifier and MLPRegressor."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score

import skkeras
from skkeras import MLPClassifier, MLPRegressor


def _frame(n=60, seed=0, levels=3, text_dtype="str"):
    rng = np.random.default_rng(seed)
    color = rng.choice([f"c{i}" for i in range(levels)], n)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n) * 10 + 5,
            "color": pd.array(color, dtype=text_dtype),
            "size": pd.Categorical(rng.choice(["s", "m", "l"], n)),
            "flag": rng.random(n) > 0.5,
            "count": rng.integers(0, 5, n),
        }
    )
    y = (frame["color"].astype(object) == "c0").to_numpy() ^ (frame["x"] > 5)
    return frame, y.astype(int).to_numpy()


def _small(**params):
    return MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0, **params)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        yield


@pytest.mark.parametrize("text_dtype", ["object", "str", "string", "category"])
def test_from_dtype_finds_text_and_category_columns(text_dtype):
    X, y = _frame(text_dtype=text_dtype)
    clf = _small().fit(X, y)
    encoding = clf._tabular_encoding
    assert [c.name for c in encoding.categorical] == ["color", "size"]
    # bool and integer columns are numbers, in the other direction.
    assert encoding.numeric == ("x", "flag", "count")
    assert clf.n_features_in_ == 5
    assert list(clf.feature_names_in_) == list(X.columns)
    assert clf.predict(X).shape == (len(X),)


def test_numbers_only_take_the_numeric_path_unchanged():
    X, y = _frame()
    numeric = X[["x", "count"]]
    a = _small().fit(numeric, y)
    b = _small().fit(numeric.to_numpy(), y)
    assert not hasattr(a, "_tabular_encoding")
    np.testing.assert_array_equal(
        a.predict_proba(numeric), b.predict_proba(numeric.to_numpy())
    )


def test_standardize_scales_numeric_columns():
    X, y = _frame()
    on = _small().fit(X, y)._tabular_encoding
    off = _small(standardize=False).fit(X, y)._tabular_encoding
    assert on.mean[0] == pytest.approx(X["x"].mean())
    assert on.scale[0] == pytest.approx(X["x"].std(ddof=0))
    assert off.mean == (0.0, 0.0, 0.0) and off.scale == (1.0, 1.0, 1.0)
    encoded = on.transform(X)
    np.testing.assert_allclose(encoded[:, :3].mean(axis=0), 0, atol=1e-5)


def test_list_mask_and_none_forms():
    X, y = _frame()
    by_name = _small(categorical_features=["color", "size", "count"]).fit(X, y)
    names = [c.name for c in by_name._tabular_encoding.categorical]
    assert names == ["color", "size", "count"]
    by_index = _small(categorical_features=[1, 2, -1]).fit(X, y)
    assert by_index._tabular_encoding == by_name._tabular_encoding
    mask = [False, True, True, False, True]
    by_mask = _small(categorical_features=mask).fit(X, y)
    assert by_mask._tabular_encoding == by_name._tabular_encoding
    # None switches the encoding off: text columns are then refused.
    with pytest.raises(ValueError):
        _small(categorical_features=None).fit(X, y)
    after = _small().fit(X, y).set_params(categorical_features=None).fit(X[["x"]], y)
    assert not hasattr(after, "_tabular_encoding")


def test_categorical_features_errors():
    X, y = _frame()
    with pytest.raises(ValueError, match="did you mean 'color'"):
        _small(categorical_features=["colour"]).fit(X, y)
    with pytest.raises(ValueError, match="mask of length 2.*5 columns"):
        _small(categorical_features=[True, False]).fit(X, y)
    with pytest.raises(ValueError, match="'size' has the non-numeric dtype"):
        _small(categorical_features=["color"]).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features"):
        _small(categorical_features="auto").fit(X, y)
    with pytest.raises(ValueError, match="max_onehot_categories"):
        _small(max_onehot_categories=0).fit(X, y)


def test_a_list_or_mask_needs_a_frame():
    X, y = _frame()
    numbers = X[["x", "count"]].to_numpy()
    with pytest.raises(ValueError, match="pass X as a pandas DataFrame"):
        _small(categorical_features=[True, False]).fit(numbers, y)
    # the default and None leave arrays alone.
    assert _small(categorical_features=None).fit(numbers, y).n_features_in_ == 2


def test_numeric_nan_is_refused():
    X, y = _frame()
    X.loc[0, "x"] = np.nan
    with pytest.raises(ValueError, match=r"NaN in the numeric column\(s\) \['x'\]"):
        _small().fit(X, y)


def test_onehot_below_and_embedding_above_the_threshold():
    X, y = _frame(levels=6)
    onehot = _small(max_onehot_categories=6).fit(X, y)
    assert not onehot._tabular_encoding.embedded
    assert type(onehot.model_).__name__ == "Sequential"
    embedded = _small(max_onehot_categories=5).fit(X, y)
    (column,) = embedded._tabular_encoding.embedded
    assert column.name == "color"
    assert column.embedding_dim == round(1.6 * 6**0.56)
    assert embedded._tabular_encoding.width == 1 + 1 + 1 + 3 + 1
    fixed = _small(max_onehot_categories=5, embedding_dim=2).fit(X, y)
    assert fixed._tabular_encoding.embedded[0].embedding_dim == 2
    assert embedded.predict_proba(X).shape == (len(X), 2)


@pytest.mark.parametrize("max_onehot", [32, 1])
def test_unseen_categories_warn_and_take_the_unknown_slot(max_onehot):
    X, y = _frame()
    clf = _small(max_onehot_categories=max_onehot).fit(X, y)
    new = X.iloc[[0, 0, 0]].copy()
    new["color"] = pd.array(["c0", "purple", "teal"], dtype="str")
    with pytest.warns(UserWarning, match="'color'.*'purple', 'teal'"):
        proba = clf.predict_proba(new)
    encoding = clf._tabular_encoding
    column = next(c for c in encoding.categorical if c.name == "color")
    codes, found = column.codes(new["color"])
    assert found == ["purple", "teal"]
    assert list(codes) == [0, column.unknown_code, column.unknown_code]
    # both unseen values get the same output: one slot.
    np.testing.assert_array_equal(proba[1], proba[2])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*not seen in training")
        clf.predict(X)


def test_missing_values_are_a_category():
    X, y = _frame()
    X["color"] = X["color"].astype(object)
    X.loc[:9, "color"] = None
    clf = _small(max_onehot_categories=1).fit(X, y)
    column = clf._tabular_encoding.embedded[0]
    assert column.has_missing
    codes, found = column.codes(pd.Series([None, np.nan, "c1"], dtype=object))
    assert list(codes) == [3, 3, 1] and found == []


def test_numpy_input_refused_after_a_frame_fit():
    X, y = _frame()
    clf = _small().fit(X, y)
    with pytest.raises(ValueError, match="fitted on a data frame"):
        clf.predict(X.to_numpy())


@pytest.mark.parametrize("max_onehot", [32, 1])
def test_save_load_round_trip(tmp_path, max_onehot):
    X, y = _frame()
    clf = _small(max_onehot_categories=max_onehot).fit(X, y)
    path = tmp_path / "model.skkeras"
    skkeras.save(clf, path)
    loaded = skkeras.load(path)
    assert loaded._tabular_encoding == clf._tabular_encoding
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_embedded_predictions_are_batch_invariant():
    X, y = _frame()
    clf = _small(max_onehot_categories=1).fit(X, y)
    whole = clf.predict_proba(X)
    rows = np.vstack([clf.predict_proba(X.iloc[[i]]) for i in range(10)])
    np.testing.assert_allclose(rows, whole[:10], rtol=1e-12, atol=1e-15)


def test_regressor_and_search_take_frames():
    X, y = _frame()
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    assert reg.fit(X, y.astype(float)).predict(X).shape == (len(X),)
    scores = cross_val_score(_small(), X, y, cv=2)
    assert scores.shape == (2,)
    search = GridSearchCV(_small(), {"max_onehot_categories": [1, 32]}, cv=2)
    search.fit(X, y)
    assert set(search.cv_results_["param_max_onehot_categories"]) == {1, 32}


def test_polars_frames_are_converted():
    import polars as pl

    X, y = _frame()
    columns = {name: X[name].tolist() for name in X.columns}
    frame = pl.DataFrame(columns).with_columns(pl.col("size").cast(pl.Categorical))
    clf = _small().fit(frame, y)
    assert [c.name for c in clf._tabular_encoding.categorical] == ["color", "size"]
    # The same model as on the pandas frame with the same columns.
    reference = _small().fit(X.astype({"color": object}), y)
    np.testing.assert_allclose(
        clf.predict_proba(frame), reference.predict_proba(X), rtol=1e-6
    )
    # A numeric null is refused, naming its column, as a pandas NaN is.
    broken = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(None)
        .otherwise(pl.col("x"))
        .alias("x")
    )
    with pytest.raises(ValueError, match=r"NaN in the numeric column\(s\) \['x'\]"):
        _small().fit(broken, y)


@pytest.mark.parametrize("max_onehot", [32, 1])
def test_frames_train_in_the_compiled_engine(max_onehot):
    from skkeras import _engine

    X, y = _frame()
    _small(max_onehot_categories=max_onehot).fit(X, y)
    path, reason = _engine.last_dispatch()
    assert path == "compiled", reason


def test_skkeras_search_on_frames_matches_separate_fits():
    from skkeras.model_selection import GridSearchCV as SkkerasGridSearchCV

    X, y = _frame()
    grid = {"max_onehot_categories": [1, 32]}
    search = SkkerasGridSearchCV(_small(), grid, cv=2).fit(X, y)
    plain = GridSearchCV(_small(), grid, cv=2).fit(X, y)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"],
        plain.cv_results_["mean_test_score"],
        atol=1e-6,
    )


def test_partial_fit_and_warm_start_keep_the_encoding():
    X, y = _frame()
    clf = _small(max_onehot_categories=1)
    clf.partial_fit(X, y, classes=[0, 1])
    encoding = clf._tabular_encoding
    clf.partial_fit(X.head(20), y[:20])
    # loss_curve_ spans every call since the network was made (scikit-learn's).
    assert clf._tabular_encoding is encoding and len(clf.loss_curve_) == 2
    warm = _small(warm_start=True).fit(X, y)
    first = warm._tabular_encoding
    warm.fit(X.head(30), y[:30])  # fewer rows: the encoding is not relearnt
    assert warm._tabular_encoding is first and len(warm.loss_curve_) == 6
