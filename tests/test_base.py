"""The shared fit chain: inputs that reach the model unchanged, weights."""

import copy
import importlib
import pickle
import threading
import warnings

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score

import skkeras
from skkeras import KerasClassifier, KerasRegressor, MLPClassifier

POS = ["good", "great", "fine", "lovely"]
NEG = ["bad", "awful", "poor", "ugly"]
FILLER = ["the", "movie", "was", "plot", "really"]


def _corpus(n=120, seed=0):
    rng = np.random.RandomState(seed)
    docs, labels = [], []
    for i in range(n):
        label = i % 2
        words = list(rng.choice(FILLER, 4)) + list(rng.choice(POS if label else NEG, 2))
        rng.shuffle(words)
        docs.append(" ".join(words))
        labels.append("pos" if label else "neg")
    return np.array(docs), np.array(labels)


def build_text(meta, X):
    vectorize = keras.layers.TextVectorization(max_tokens=50, output_sequence_length=8)
    vectorize.adapt(X)
    return keras.Sequential(
        [
            keras.Input((), dtype="string"),
            vectorize,
            keras.layers.Embedding(50, 8),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="only TensorFlow has string tensors; on JAX and PyTorch Keras runs "
    "TextVectorization inside a tf.data pipeline, not in the model",
)
def test_raw_strings_reach_the_model():
    docs, labels = _corpus()
    clf = KerasClassifier(
        build_text,
        epochs=15,
        optimizer="adam",
        optimizer__learning_rate=0.05,
        random_state=0,
    )
    clf.fit(docs, labels)
    assert clf.n_features_in_ == 1
    assert list(clf.predict(["the plot was great lovely", "awful bad movie"])) == [
        "pos",
        "neg",
    ]
    assert clf.score(list(docs), list(labels)) > 0.9  # plain lists of str too
    with pytest.raises(ValueError, match="features"):
        clf.predict(np.random.rand(4, 3))


@pytest.mark.skipif(
    keras.backend.backend() == "tensorflow", reason="TensorFlow takes raw text"
)
def test_raw_strings_on_another_backend_fail_clearly():
    docs, labels = _corpus()
    clf = KerasClassifier(build_text, epochs=1, random_state=0)
    with pytest.raises(ValueError, match="needs Keras' TensorFlow backend") as info:
        clf.fit(docs, labels)
    assert "KERAS_BACKEND=tensorflow" in str(info.value)
    assert "TfidfVectorizer" in str(info.value)


def test_text_for_a_model_fitted_on_numbers_fails_clearly():
    def build(meta):
        return keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]
        )

    clf = KerasClassifier(build, random_state=0).fit(np.random.rand(6, 3), [0, 1] * 3)
    with pytest.raises(ValueError, match="fitted on 3 numeric features"):
        clf.predict(np.array(["some text", "more text"]))


def test_strings_for_a_numeric_model_fail_clearly():
    clf = MLPClassifier(max_iter=1)
    with pytest.raises(ValueError, match="could not convert|string"):
        clf.fit(np.array(["a b", "c d", "e f", "g h"]), [0, 1, 0, 1])


def test_images_reach_the_model_unchanged():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 6, 6, 1).astype("float32")
    y = (X[:, :3].mean(axis=(1, 2, 3)) > X[:, 3:].mean(axis=(1, 2, 3))).astype(int)

    def build(meta):
        assert meta["X_shape_"][1:] == (6, 6, 1)
        return keras.Sequential(
            [
                keras.Input(meta["X_shape_"][1:]),
                keras.layers.Conv2D(4, 3, activation="relu"),
                keras.layers.Flatten(),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )

    clf = KerasClassifier(build, epochs=2, random_state=0)
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.shape == (3,)
    assert clf.fit(X, y).predict_proba(X[:5]).shape == (5, 2)


def test_mlp_refuses_three_dimensional_input():
    with pytest.raises(ValueError, match="dim"):
        MLPClassifier(max_iter=1).fit(np.zeros((4, 2, 2)), [0, 1, 0, 1])


@pytest.mark.parametrize("scale", [100, 1e37, 1e-37])
def test_weight_scale_does_not_matter(scale):
    # Near float32's limits the sum of the weights overflows (or nearly
    # underflows) float32: it is taken in float64, so the weights still
    # count by their ratios (B1).
    rng = np.random.RandomState(0)
    X = rng.rand(30, 3)
    y = X.sum(1)
    w = rng.randint(1, 4, 30).astype(float)

    def build(meta):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])

    kw = dict(epochs=3, optimizer="sgd", optimizer__learning_rate=0.05, random_state=0)
    a = KerasRegressor(build, **kw).fit(X, y, sample_weight=w).predict(X)
    b = KerasRegressor(build, **kw).fit(X, y, sample_weight=scale * w).predict(X)
    np.testing.assert_allclose(a, b, rtol=1e-5)


def test_interrupted_fit_keeps_the_weights_reached_and_says_so(interrupt_at):
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    y = (X[:, 0] > 0.5).astype(int)
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        max_iter=50,
        callbacks=[interrupt_at(3)],
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted by the user after 3 epoch"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3 == len(clf.loss_curve_)
    assert clf.predict(X).shape == (40,)
    clf.set_params(callbacks=None, max_iter=2, warm_start=True)
    with pytest.warns(Warning):
        clf.fit(X, y)
    # The warm fit's epochs (scikit-learn's n_iter_); the curve has them all.
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 5


def _trained_epochs(clf):
    """Epochs the weights were trained for (one batch per epoch here)."""
    return int(keras.ops.convert_to_numpy(clf.model_.optimizer.iterations))


class _RaiseAfter(keras.callbacks.Callback):
    """Raise ``error`` in the callbacks of epoch ``epoch``, which has trained
    (``KeyboardInterrupt``: a user's Ctrl-C)."""

    def __init__(self, epoch, error=KeyboardInterrupt):
        super().__init__()
        self.epoch = epoch
        self.error = error

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise self.error


COMPILED = pytest.mark.skipif(
    skkeras.config.get_config().engine == "keras"
    or keras.backend.backend() not in ("tensorflow", "jax"),
    reason="the compiled engine's epochs (Model.fit's record what its callbacks saw)",
)


@COMPILED
def test_an_interrupt_in_the_callbacks_of_an_epoch_records_that_epoch():
    # B3: the epoch was trained, but its History entry came after the
    # interrupted callback, so n_iter_ was one short of the weights.
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    y = (X[:, 0] > 0.5).astype(int)
    clf = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=50, callbacks=[_RaiseAfter(3)], random_state=0
    )
    with pytest.warns(UserWarning, match="interrupted by the user after 4 epoch"):
        clf.fit(X, y)
    assert clf.n_iter_ == 4 == len(clf.loss_curve_) == _trained_epochs(clf)


class _InterruptWhenAwaited:
    """A compiled call's epoch count that a Ctrl-C interrupts once while it
    is awaited (where one lands on JAX, whose calls run asynchronously)."""

    def __init__(self, value):
        self.value = value
        self.raised = False

    def __int__(self):
        if not self.raised:
            self.raised = True
            raise KeyboardInterrupt
        return int(self.value)


def _interrupt_the_second_compiled_call(monkeypatch):
    """A Ctrl-C as the second compiled training call ends, after it trained."""
    backend = keras.backend.backend()
    module = importlib.import_module(
        "skkeras._engine.tensorflow"
        if backend == "tensorflow"
        else "skkeras._engine.jax"
    )
    make = module.make_train_runner
    calls = []

    def make_runner(*args, **kwargs):
        runner = make(*args, **kwargs)
        name = "function" if backend == "tensorflow" else "jitted_loop"
        compiled = getattr(runner.entry, name)

        def call(*a, **k):
            out = compiled(*a, **k)
            calls.append(1)
            if len(calls) == 2:
                if backend == "tensorflow":  # raised as the call returns
                    raise KeyboardInterrupt
                state, buf, done, stopped = out
                return state, buf, _InterruptWhenAwaited(done), stopped
            return out

        monkeypatch.setattr(runner.entry, name, call)
        return runner

    monkeypatch.setattr(module, "make_train_runner", make_runner)


@COMPILED
def test_an_interrupt_as_a_compiled_call_ends_keeps_the_epochs_it_trained(monkeypatch):
    # B3: with no callbacks a compiled call trains 32 epochs; a Ctrl-C
    # during one reaches Python after the weights were trained, and its 32
    # epochs were missing from n_iter_ and history_.
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    y = (X[:, 0] > 0.5).astype(int)
    _interrupt_the_second_compiled_call(monkeypatch)
    clf = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=100, n_iter_no_change=np.inf, random_state=0
    )
    with pytest.warns(UserWarning, match="interrupted by the user after 64 epoch"):
        clf.fit(X, y)
    assert clf.n_iter_ == 64 == len(clf.loss_curve_) == _trained_epochs(clf)
    # The loss curve is the one an uninterrupted fit records.
    full = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=64, n_iter_no_change=np.inf, random_state=0
    )
    with pytest.warns(Warning):
        full.fit(X, y)
    np.testing.assert_array_equal(clf.loss_curve_, full.loss_curve_)


def test_a_fit_that_fails_leaves_the_estimator_as_it_was():
    # B2: a failure during training left a fresh estimator looking fitted
    # (n_iter_=0, predict working) and a fitted one with a new, half-trained
    # model.
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    y = (X[:, 0] > 0.5).astype(int)
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        max_iter=5,
        callbacks=[_RaiseAfter(2, RuntimeError("failed on purpose"))],
        random_state=0,
    )
    with pytest.raises(RuntimeError, match="on purpose"):
        clf.fit(X, y)
    assert vars(clf) == vars(MLPClassifier(**clf.get_params()))
    with pytest.raises(NotFittedError):
        clf.predict(X)
    clf.set_params(callbacks=None).fit(X, y)
    state, proba = dict(vars(clf)), clf.predict_proba(X)
    clf.set_params(callbacks=[_RaiseAfter(2, RuntimeError("failed on purpose"))])
    with pytest.raises(RuntimeError, match="on purpose"):
        clf.fit(X[::-1], y[::-1])
    assert {k: v for k, v in vars(clf).items() if k != "callbacks"} == {
        k: v for k, v in state.items() if k != "callbacks"
    }
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


# Events a fit's callback waits on (the estimators deep-copy callbacks, and
# an Event cannot be copied).
_HELD = {}


class _HoldFirstEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            _HELD["started"].set()
            _HELD["release"].wait(20)


def test_fitting_one_estimator_in_two_threads_at_once_is_refused(tmp_path):
    # B8: both fits trained the same network: n_iter_ reached 100 with
    # max_iter=50.
    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    y = (X[:, 0] > 0.5).astype(int)
    _HELD.update(started=threading.Event(), release=threading.Event())
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        max_iter=5,
        n_iter_no_change=np.inf,
        callbacks=[_HoldFirstEpoch()],
        random_state=0,
    )
    errors = []

    def fit():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(X, y)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=fit)
    thread.start()
    try:
        assert _HELD["started"].wait(60)
        with pytest.raises(
            RuntimeError, match="already being fitted in another thread; clone it"
        ):
            clf.fit(X, y)
        with pytest.raises(
            RuntimeError, match="already being fitted in another thread"
        ):
            clf.partial_fit(X, y)
    finally:
        _HELD["release"].set()
        thread.join(60)
    assert errors == []
    assert clf.n_iter_ == 5 == len(clf.loss_curve_)
    # Once a fit ends (or fails) the estimator fits again, and keeps no trace
    # of the guard: it clones, copies, pickles and saves as before.
    clf.set_params(callbacks=None, max_iter=2)
    with pytest.raises(ValueError):
        clf.fit(X, y[:5])
    with pytest.warns(Warning):
        clf.partial_fit(X, y)
    assert (
        set(vars(clf))
        == set(vars(copy.deepcopy(clf)))
        == set(vars(pickle.loads(pickle.dumps(clf))))
    )
    assert clone(clf).get_params() == clf.get_params()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        skkeras.save(clf, tmp_path / "clf.skkeras")
    assert not [w for w in caught if "skkeras.save" in str(w.message)]
    assert skkeras.load(tmp_path / "clf.skkeras").n_iter_ == clf.n_iter_


def test_fit_called_from_within_its_own_fit_is_refused():
    rng = np.random.RandomState(0)
    X = rng.rand(20, 3)
    y = (X[:, 0] > 0.5).astype(int)

    class Refit(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            _HELD["clf"].fit(X, y)

    clf = _HELD["clf"] = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=2, callbacks=[Refit()]
    )
    with pytest.raises(RuntimeError, match="called again from within"):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


def test_fit_keeps_its_plan_and_pickles_of_earlier_versions_get_one():
    """A fit keeps its decisions in one frozen plan, without the training
    data; a pickle of an earlier version, which kept them as private
    attributes, is given a plan when it is unpickled."""
    from dataclasses import FrozenInstanceError, replace

    X = np.random.RandomState(0).normal(size=(30, 2))
    y = np.arange(30) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    plan = clf._fit_plan
    assert (plan.batch_size, plan.n_train, plan.weight_scale, plan.seed) == (
        30,
        30,
        1.0,
        0,
    )
    assert plan.call is None
    with pytest.raises(FrozenInstanceError):
        plan.batch_size = 1
    state = clf.__getstate__()
    del state["_fit_plan"]
    state.update(
        _fit_batch_size=30,
        _n_train_samples=30,
        _weight_scale=1.0,
        _initial_learning_rate=plan.initial_learning_rate,
    )
    earlier = MLPClassifier.__new__(MLPClassifier)
    earlier.__setstate__(state)
    assert earlier._fit_plan == replace(plan, seed=None)
    assert not hasattr(earlier, "_weight_scale")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        earlier.partial_fit(X, y)
    assert earlier.t_ == 3 * 30
