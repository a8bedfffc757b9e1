"""scikeras' options of fit, partial_fit, predict and score, and its callbacks:
``current_epoch``, full metric names in ``history_``, ``batch_size=-1``,
keyword arguments of the methods, callbacks of fit and predict, ``scorer``
and ``score__*``."""

from collections import Counter

import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

from skkeras import KerasClassifier, KerasRegressor, MLPClassifier, _engine

CALLS = Counter()


def build(meta):
    units = meta["n_outputs_expected_"]
    act = "sigmoid" if meta["target_type_"] == "binary" else None
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(units, activation=act),
        ]
    )


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(24, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    return X, y


class Sentinel(keras.callbacks.Callback):
    """Counts its hooks in ``self.seen`` and, by tag, in ``CALLS`` (which a
    copy made by the estimator also updates)."""

    def __init__(self, tag="sentinel", *args):
        super().__init__()
        self.tag, self.args, self.seen = tag, args, Counter()

    def _saw(self, hook):
        self.seen[hook] += 1
        CALLS[self.tag, hook] += 1

    def on_train_begin(self, logs=None):
        self._saw("train")

    def on_test_begin(self, logs=None):
        self._saw("test")

    def on_predict_begin(self, logs=None):
        self._saw("predict")


class LogNames(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.names = set()

    def on_epoch_end(self, epoch, logs=None):
        self.names |= set(logs or {})


# ---------------------------------------------------------------- current_epoch
def test_current_epoch_counts_the_epochs_trained(data):
    X, y = data
    reg = KerasRegressor(build, epochs=2, random_state=0)
    assert reg.current_epoch == 0 and "current_epoch" not in vars(reg)
    reg.partial_fit(X, y)
    reg.partial_fit(X, y)
    assert reg.current_epoch == 2
    reg.fit(X, y)  # a new network
    assert reg.current_epoch == 2 == len(reg.history_["loss"])
    reg.partial_fit(X, y)
    assert reg.current_epoch == 3
    # skkeras' warm_start continues the count (and history_).
    reg.set_params(warm_start=True).fit(X, y)
    assert reg.current_epoch == 5 == reg.n_iter_


# ---------------------------------------------------------------- history_ names
def test_history_records_metric_shorthands_by_full_name(data):
    X, y = data
    names = LogNames()
    reg = KerasRegressor(
        build,
        metrics=["mae"],
        validation_split=0.25,
        epochs=2,
        fit__callbacks=[keras.callbacks.EarlyStopping(monitor="val_mae", patience=5)],
        random_state=0,
    )
    reg.fit(X, y.astype(float), callbacks=[names])
    assert set(reg.history_) == {
        "loss",
        "val_loss",
        "mean_absolute_error",
        "val_mean_absolute_error",
    }
    assert len(reg.history_["val_mean_absolute_error"]) == 2
    # Callbacks see Keras' own names.
    assert {"mae", "val_mae"} <= names.names


def test_history_keeps_unregistered_and_colliding_names(data):
    X, y = data
    clf = KerasClassifier(
        build,
        loss="binary_crossentropy",
        metrics=["acc", "AUC", "auc"],
        random_state=0,
    ).fit(X, y)
    assert {"acc", "AUC", "auc"} <= set(clf.history_)


def test_shorthand_metric_is_monitored_on_the_compiled_engine(data):
    X, y = data
    clf = KerasClassifier(
        build,
        loss="binary_crossentropy",
        metrics="acc",
        epochs=5,
        callbacks=keras.callbacks.EarlyStopping,
        callbacks__monitor="acc",
        callbacks__min_delta=1,
        random_state=0,
    ).fit(X, y)
    assert _engine.last_dispatch()[0] == "compiled"
    assert clf.current_epoch < 5


# ---------------------------------------------------------------- callbacks
def test_callbacks_of_fit_and_predict(data):
    X, y = data
    CALLS.clear()
    clf = KerasClassifier(
        build,
        loss="binary_crossentropy",
        validation_split=0.25,
        callbacks=Sentinel("all"),
        fit__callbacks=Sentinel("fit"),
        predict__callbacks=Sentinel,
        predict__callbacks__tag="pred",
        random_state=0,
    )
    clf.fit(X, y)
    assert CALLS == {
        ("all", "train"): 1,
        ("all", "test"): 1,
        ("fit", "train"): 1,
        ("fit", "test"): 1,
    }
    clf.predict(X)
    assert CALLS[("all", "predict")] == CALLS[("pred", "predict")] == 1
    assert CALLS[("fit", "predict")] == 0
    # The parameters' instances were copied: they never saw a call.
    assert not clf.callbacks.seen and not clf.fit__callbacks.seen
    # Callbacks given to the calls themselves are used as given.
    mine = Sentinel("mine")
    clf.fit(X, y, callbacks=mine)
    assert mine.seen == {"train": 1, "test": 1} and mine.model is clf.model_
    clf.predict_proba(X, callbacks=[mine])
    assert mine.seen["predict"] == 1


def test_callbacks_without_predict_hooks_keep_the_compiled_predict(data):
    X, y = data
    clf = KerasClassifier(
        build,
        loss="binary_crossentropy",
        random_state=0,
        callbacks=[keras.callbacks.EarlyStopping(monitor="loss")],
    ).fit(X, y)
    clf.predict(X)
    assert _engine.last_dispatch()[0] == "compiled"


def test_callback_classes_take_positional_arguments(data):
    X, y = data
    CALLS.clear()
    KerasClassifier(
        build,
        loss="binary_crossentropy",
        random_state=0,
        callbacks={"s": Sentinel},
        callbacks__s__1="b",
        callbacks__s__0="tagged",
    ).fit(X, y)
    assert CALLS == {("tagged", "train"): 1}


# ---------------------------------------------------------------- batch_size=-1
@pytest.mark.parametrize("name", ["batch_size", "fit__batch_size"])
def test_batch_size_minus_one_is_one_batch_of_all_samples(data, name):
    X, y = data
    n = len(X)
    whole = KerasRegressor(build, epochs=2, random_state=0, **{name: -1}).fit(X, y)
    same = KerasRegressor(build, epochs=2, random_state=0, **{name: n}).fit(X, y)
    np.testing.assert_allclose(whole.history_["loss"], same.history_["loss"], rtol=1e-6)
    assert whole.predict(X, batch_size=-1).shape == (n,)


def test_batch_size_minus_one_for_validation_and_predict(data):
    X, y = data
    reg = KerasRegressor(
        build,
        validation_split=0.25,
        validation_batch_size=-1,
        predict__batch_size=-1,
        random_state=0,
    ).fit(X, y)
    assert len(reg.history_["val_loss"]) == 1
    np.testing.assert_allclose(reg.predict(X), reg.predict(X, batch_size=7), rtol=1e-5)


@pytest.mark.parametrize("value", [0, -2])
def test_other_batch_sizes_below_one_are_refused(data, value):
    X, y = data
    with pytest.raises(ValueError, match=f"`batch_size={value}` is not a batch size"):
        KerasRegressor(build, batch_size=value).fit(X, y)
    reg = KerasRegressor(build).fit(X, y)
    with pytest.raises(ValueError, match="-1 for all the samples"):
        reg.predict(X, batch_size=value)


# ---------------------------------------------------------------- keyword arguments
@pytest.mark.parametrize("kwargs", [{"epochs": 2}, {"initial_epoch": 1}])
def test_partial_fit_refuses_epoch_arguments(data, kwargs):
    X, y = data
    with pytest.raises(TypeError, match="Invalid argument `.*` to `partial_fit`"):
        KerasClassifier(build).partial_fit(X, y, **kwargs)


def test_partial_fit_and_predict_take_keyword_arguments(data):
    X, y = data
    clf = KerasClassifier(build, loss="binary_crossentropy", random_state=0)
    clf.partial_fit(X, y, batch_size=4, shuffle=False)
    assert clf.current_epoch == 1
    assert clf.predict(X, batch_size=5).shape == (len(X),)
    with pytest.raises(TypeError, match="takes none"):
        MLPClassifier(max_iter=2).fit(X, y).predict(X, batch_size=5)


def test_a_model_with_its_own_fit_and_predict_gets_them_called(data):
    X, y = data
    calls = Counter()

    class OwnFit(keras.Sequential):
        def fit(self, *args, **kwargs):
            calls["fit"] += 1
            return super().fit(*args, **kwargs)

        def predict(self, *args, **kwargs):
            calls["predict"] += 1
            return super().predict(*args, **kwargs)

    def build_own(meta):
        return OwnFit([keras.Input((2,)), keras.layers.Dense(1)])

    reg = KerasRegressor(build_own, epochs=2, random_state=0).fit(X, y)
    reg.predict(X)
    assert calls == {"fit": 1, "predict": 1}


# ---------------------------------------------------------------- score
def test_score_is_accuracy_or_r2_by_default(data):
    X, y = data
    w = np.linspace(0.5, 2.0, len(y))
    clf = KerasClassifier(build, loss="binary_crossentropy", random_state=0).fit(X, y)
    assert clf.score(X, y, w) == accuracy_score(y, clf.predict(X), sample_weight=w)
    reg = KerasRegressor(build, random_state=0).fit(X, y)
    assert reg.score(X, y) == pytest.approx(r2_score(y, reg.predict(X)))


def test_scorer_override_and_score_parameters(data):
    X, y = data

    class MAERegressor(KerasRegressor):
        @staticmethod
        def scorer(y_true, y_pred, sample_weight=None, sign=-1.0):
            return sign * float(np.mean(np.abs(y_true - y_pred)))

    reg = MAERegressor(build, random_state=0).fit(X, y)
    mae = float(np.mean(np.abs(y - reg.predict(X))))
    assert reg.score(X, y) == pytest.approx(-mae)
    reg.set_params(score__sign=2.0)
    assert reg.score(X, y) == pytest.approx(2 * mae)
    assert reg.get_params()["score__sign"] == 2.0


def test_a_search_copies_fit_callbacks_for_the_fits_it_trains_together(data):
    from skkeras import model_selection as ms

    X, y = data
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=50)
    # Candidates that differ only in epochs share a run, trained ahead.
    gs = ms.GridSearchCV(
        KerasRegressor(build, random_state=0),
        {"epochs": [1, 2]},
        cv=2,
        error_score="raise",
    ).fit(X, y, callbacks=[stop])
    assert gs.grouping_["replayed"] == 4
    # The refit used the instance as given; the fits trained ahead, copies.
    assert stop.model is gs.best_estimator_.model_
