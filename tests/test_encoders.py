"""scikeras' data-transformer hooks: ``target_encoder`` and ``feature_encoder``.

Subclasses of the general wrappers override the properties to train Keras
models with several outputs or inputs (:mod:`skkeras._encoders`).
"""

import pickle

import keras
import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import FunctionTransformer, LabelEncoder

import skkeras
from skkeras import KerasClassifier, KerasRegressor, _engine
from skkeras._targets import ClassifierTarget

# Where the default path trains: skkeras' compiled engine, where it has one.
COMPILED = (
    keras.backend.backend() in ("tensorflow", "jax")
    and skkeras.config.get_config().engine != "keras"
)


class ColumnsTarget(BaseEstimator, TransformerMixin):
    """One classification output per column of y, as class indices."""

    def fit(self, y):
        self.encoders_ = [LabelEncoder().fit(col) for col in y.T]
        self.n_classes_ = [e.classes_.size for e in self.encoders_]
        return self

    def transform(self, y):
        return [e.transform(col) for e, col in zip(self.encoders_, y.T, strict=True)]

    def inverse_transform(self, y, return_proba=False):
        if return_proba:
            return np.column_stack(y)
        pairs = zip(self.encoders_, y, strict=True)
        return np.column_stack([e.inverse_transform(p.argmax(1)) for e, p in pairs])

    def get_metadata(self):
        return {
            "n_classes_": self.n_classes_,
            "n_outputs_expected_": len(self.n_classes_),
        }


class MultiOutputClassifier(KerasClassifier):
    @property
    def target_encoder(self):
        return ColumnsTarget()

    def score(self, X, y, sample_weight=None):
        return float(np.mean(np.all(self.predict(X) == y, axis=1)))


def build_heads(meta, compile_kwargs):
    inp = keras.Input((meta["n_features_in_"],))
    hidden = keras.layers.Dense(16, activation="relu")(inp)
    outs = [
        keras.layers.Dense(n, activation="softmax")(hidden) for n in meta["n_classes_"]
    ]
    model = keras.Model(inp, outs)
    compile_kwargs["loss"] = "sparse_categorical_crossentropy"
    model.compile(**compile_kwargs)
    return model


def split_features(X):
    return {"first": X[:, :1], "rest": X[:, 1:]}


class MultiInputRegressor(KerasRegressor):
    @property
    def feature_encoder(self):
        return FunctionTransformer(split_features)


def build_two_inputs():
    a = keras.Input((1,), name="first")
    b = keras.Input((2,), name="rest")
    dense_a, dense_b = keras.layers.Dense(8)(a), keras.layers.Dense(8)(b)
    joined = keras.layers.Concatenate()([dense_a, dense_b])
    return keras.Model({"first": a, "rest": b}, keras.layers.Dense(1)(joined))


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(48, 3)).astype(np.float32)
    y = np.column_stack(
        [np.where(X[:, 0] > 0.5, 10, 20), np.digitize(X[:, 1], [0.33, 0.66])]
    )
    return X, y


def test_multi_output_classifier_through_target_encoder(data):
    X, y = data
    clf = MultiOutputClassifier(
        build_heads,
        epochs=15,
        optimizer="adam",
        optimizer__learning_rate=0.05,
        random_state=0,
    )
    clf.fit(X, y)
    assert _engine.last_dispatch()[0] == "keras"
    # get_metadata's items are fitted attributes and reached the build function
    assert clf.n_classes_ == [2, 3] and clf.n_outputs_expected_ == 2
    assert clf.target_type_ == "multiclass-multioutput"
    assert isinstance(clf.target_encoder_.transformer, ColumnsTarget)
    assert len(clf.model_.outputs) == 2
    assert clf.history_["loss"][-1] < clf.history_["loss"][0]

    pred = clf.predict(X)
    raw = clf.model_.predict(X, verbose=0)
    np.testing.assert_array_equal(pred, clf.target_encoder_.inverse_transform(raw))
    assert pred.shape == y.shape
    assert set(pred[:, 0]) <= {10, 20} and set(pred[:, 1]) <= {0, 1, 2}
    proba = clf.predict_proba(X)
    assert proba.shape == (48, 5)
    np.testing.assert_allclose(proba[:, :2].sum(axis=1), 1.0, rtol=1e-5)
    assert 0.0 <= clf.score(X, y) <= 1.0


def test_clone_and_cross_val_score(data):
    X, y = data
    clf = MultiOutputClassifier(build_heads, epochs=2, random_state=0)
    scores = cross_val_score(clone(clf), X, y, cv=2)
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))
    assert not hasattr(clf, "model_")


def test_multi_output_sample_weight_validation_and_partial_fit(data):
    X, y = data
    clf = MultiOutputClassifier(build_heads, epochs=2, validation_split=0.25)
    clf.fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(X)))
    assert len(clf.history_["val_loss"]) == 2
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 3


def test_multi_input_regressor_through_feature_encoder(data):
    X, _ = data
    y = X.sum(axis=1)
    reg = MultiInputRegressor(
        build_two_inputs,
        epochs=20,
        optimizer="adam",
        optimizer__learning_rate=0.05,
        validation_split=0.25,
        random_state=0,
    )
    reg.fit(X, y)
    assert _engine.last_dispatch()[0] == "keras"
    assert isinstance(reg.feature_encoder_, FunctionTransformer)
    assert reg.n_features_in_ == 3
    assert len(reg.history_["val_loss"]) == 20
    pred = reg.predict(X)
    assert pred.shape == y.shape
    expected = reg.model_.predict(split_features(X), verbose=0)[:, 0]
    np.testing.assert_allclose(pred, expected, rtol=1e-5, atol=1e-6)
    assert reg.score(X, y) > 0.5
    reg.partial_fit(X, y)
    assert reg.n_iter_ == 21


def test_single_output_target_encoder_stays_on_the_compiled_engine():
    class LogRegressor(KerasRegressor):
        @property
        def target_encoder(self):
            return FunctionTransformer(np.log1p, np.expm1)

    X = np.linspace(0, 1, 32).reshape(-1, 1)
    y = np.exp(X[:, :1])
    reg = LogRegressor(
        lambda: keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]),
        loss="mse",
        epochs=2,
        random_state=0,
    ).fit(X, y)
    assert _engine.last_dispatch()[0] == ("compiled" if COMPILED else "keras")
    raw = reg.model_.predict(X, verbose=0)
    np.testing.assert_allclose(reg.predict(X), np.expm1(raw), rtol=1e-5)


def test_default_encoding_is_unchanged(data):
    X, y = data
    clf = KerasClassifier(build_one_head, epochs=1, random_state=0).fit(X, y[:, 1])
    assert _engine.last_dispatch()[0] == ("compiled" if COMPILED else "keras")
    assert type(clf.target_encoder_) is ClassifierTarget
    assert clf.target_type_ == "multiclass"
    # scikeras' identity feature encoder: X reaches the network unchanged.
    identity = clf.feature_encoder_
    assert type(identity) is FunctionTransformer and identity.func is None
    assert clf.target_encoder is None and clf.feature_encoder is None


def build_one_head(meta):
    inp = keras.Input((meta["n_features_in_"],))
    out = keras.layers.Dense(meta["n_classes_"], activation="softmax")(inp)
    return keras.Model(inp, out)


def test_list_output_model_needs_a_target_encoder(data):
    X, y = data

    def two_heads(meta):
        inp = keras.Input((meta["n_features_in_"],))
        heads = [keras.layers.Dense(3)(inp), keras.layers.Dense(3)(inp)]
        return keras.Model(inp, heads)

    with pytest.raises(ValueError, match="2 outputs.*override its target_encoder"):
        KerasClassifier(two_heads).fit(X, y[:, 1])


def test_encoders_that_are_not_transformers_are_refused(data):
    X, y = data

    class NoInverse(KerasClassifier):
        @property
        def target_encoder(self):
            return FunctionTransformer().fit  # a method, not a transformer

    with pytest.raises(TypeError, match="target_encoder returned method.*lacks"):
        NoInverse(build_one_head).fit(X, y[:, 1])

    class BadMetadata(ColumnsTarget):
        def get_metadata(self):
            return {"n_heads": 2}

    class BadClassifier(MultiOutputClassifier):
        @property
        def target_encoder(self):
            return BadMetadata()

    with pytest.raises(ValueError, match="'n_heads', which is not a fitted attribute"):
        BadClassifier(build_heads).fit(X, y)
    assert not hasattr(BadClassifier(build_heads), "n_classes_")


def test_predict_proba_needs_return_proba(data):
    X, y = data

    class NoProba(ColumnsTarget):
        def inverse_transform(self, y):
            return super().inverse_transform(y)

    class Clf(MultiOutputClassifier):
        @property
        def target_encoder(self):
            return NoProba()

    clf = Clf(build_heads, epochs=1).fit(X, y)
    assert clf.predict(X).shape == y.shape
    with pytest.raises(TypeError, match="return_proba"):
        clf.predict_proba(X)


def test_save_refuses_subclasses_and_pickle_works(data, tmp_path):
    X, y = data
    clf = MultiOutputClassifier(build_heads, epochs=1, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="target_encoder or feature_encoder.*pickle"):
        skkeras.save(clf, tmp_path / "clf.skkeras")
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))
