"""KerasTransformer: a Keras model trained on (X, y), its output the transform."""

import keras
import numpy as np
import pytest
from sklearn.base import is_classifier, is_regressor
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import KerasTransformer, load, save


def build(meta, width=8):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(width, activation="tanh"),
            keras.layers.Dense(meta["n_outputs_"]),
        ]
    )


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    Y = np.column_stack([X.sum(axis=1), X[:, 0] * X[:, 1]])
    return X, Y


def test_is_a_transformer_not_a_predictor():
    trs = KerasTransformer(build)
    assert not is_regressor(trs) and not is_classifier(trs)
    assert not hasattr(trs, "predict")
    assert trs.__sklearn_tags__().transformer_tags is not None


def test_transform_is_the_network_output(data):
    X, Y = data
    trs = KerasTransformer(build, epochs=3, random_state=0).fit(X, Y)
    out = trs.transform(X)
    assert out.shape == (40, 2)
    np.testing.assert_allclose(out, trs.model_.predict(X, verbose=0), rtol=1e-5)
    assert trs.n_iter_ == 3


def test_fit_transform_equals_fit_then_transform(data):
    X, Y = data
    a = KerasTransformer(build, epochs=2, random_state=0).fit_transform(X, Y)
    b = KerasTransformer(build, epochs=2, random_state=0).fit(X, Y).transform(X)
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_one_dimensional_target_gives_one_column(data):
    X, Y = data
    out = KerasTransformer(build, random_state=0).fit(X, Y[:, 0]).transform(X)
    assert out.shape == (40, 1)


def test_feature_names_out_and_pandas_output(data):
    X, Y = data
    trs = KerasTransformer(build, random_state=0)
    with pytest.raises(NotFittedError):
        trs.get_feature_names_out()
    with pytest.raises(NotFittedError):
        trs.transform(X)
    trs.fit(X, Y)
    names = ["kerastransformer0", "kerastransformer1"]
    assert trs.get_feature_names_out().tolist() == names
    frame = trs.set_output(transform="pandas").transform(X)
    assert frame.columns.tolist() == names


def test_in_a_pipeline_before_a_scikit_learn_estimator():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(),
        KerasTransformer(
            build,
            epochs=100,
            optimizer="adam",
            optimizer__learning_rate=0.01,
            random_state=0,
        ),
        LogisticRegression(),
    )
    pipe.fit(X, y)
    assert pipe[1].transform(pipe[0].transform(X)).shape == (150, 1)
    assert pipe.score(X, y) > 0.8


def test_output_units_that_do_not_match_the_target_are_explained(data):
    X, Y = data

    def three_units(meta):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])

    with pytest.raises(ValueError, match=r"3 output unit\(s\) but the target has 2"):
        KerasTransformer(three_units).fit(X, Y)


def test_save_and_load(data, tmp_path):
    X, Y = data
    trs = KerasTransformer(build, fit_kwargs={"epochs": 2}, random_state=0).fit(X, Y)
    path = tmp_path / "trs.skkeras"
    save(trs, path)
    loaded = load(path, custom_objects={"build": build})
    np.testing.assert_array_equal(loaded.transform(X), trs.transform(X))
    assert loaded.get_params()["fit_kwargs"] == {"epochs": 2}


def test_docstring_example_runs():
    import doctest
    import io

    from skkeras import _transformer

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(_transformer) if t.examples]
    assert [t.name.rpartition(".")[2] for t in tests] == ["KerasTransformer"]
    out = io.StringIO()
    for test in tests:
        runner.run(test, out=out.write)
    assert runner.failures == 0, out.getvalue()
