"""Fits trained ahead of time are found by fingerprint, once, only while served,
and only by the fits of the context that serves them."""

import threading

import keras
import numpy as np
from sklearn.base import clone

from skkeras import KerasClassifier, MLPClassifier, _replay, _trained_ahead


def _build(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


def test_fingerprint_follows_parameters_and_data():
    X = np.arange(12.0).reshape(6, 2)
    y = np.array([0, 1] * 3)
    est = MLPClassifier((3,), random_state=0)
    key = _replay.fingerprint(est, X, y, None, {})
    assert key == _replay.fingerprint(clone(est), X.copy(), y.copy(), None, {})
    assert key != _replay.fingerprint(clone(est).set_params(alpha=0.5), X, y, None, {})
    assert key != _replay.fingerprint(est, X + 1, y, None, {})
    assert key != _replay.fingerprint(est, X, y, np.ones(6), {})
    wrapped = KerasClassifier(_build, optimizer=keras.optimizers.Adam(0.01))
    assert _replay.fingerprint(wrapped, X, y, None, {}) == _replay.fingerprint(
        clone(wrapped), X, y, None, {}
    )


def test_a_fit_is_handed_out_once_and_only_while_served():
    X = np.random.RandomState(0).normal(size=(20, 2)).astype(np.float32)
    y = np.array([0, 1] * 10)
    trained = MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    store = _replay.Store()
    fresh = MLPClassifier((3,), max_iter=2, random_state=0)
    store.put(_replay.fingerprint(fresh, X, y, None, {}), trained, ("c", "s", 1.0))
    assert _trained_ahead.current() is None  # not served yet
    with _trained_ahead.serving(store):
        fresh.fit(X, y)
        assert fresh.model_ is trained.model_
        assert store.taken == [("c", "s", 1.0)]
        other = MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
        assert other.model_ is not trained.model_  # handed out once: trained anew
    assert len(store) == 0
    assert _trained_ahead.current() is None


def _data():
    X = np.random.RandomState(0).normal(size=(20, 2)).astype(np.float32)
    return X, np.array([0, 1] * 10)


class Spy:
    """A source of fits trained ahead that records who asks it."""

    def __init__(self, fitted=None):
        self.fitted = fitted
        self.asked = []

    def take(self, estimator, X, y, sample_weight, fit_params):
        self.asked.append(threading.get_ident())
        return self.fitted


def test_a_fit_outside_the_serving_context_consults_no_source():
    X, y = _data()
    spy = Spy()
    installed, done = threading.Event(), threading.Event()

    def serve():
        with _trained_ahead.serving(spy):
            installed.set()
            done.wait(60)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        installed.wait(60)
        fresh = MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    finally:
        done.set()
        thread.join()
    assert spy.asked == [] and fresh.n_iter_ == 2  # trained, nothing asked
    with _trained_ahead.serving(spy):
        MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
    assert spy.asked == [threading.get_ident()]


def test_concurrent_stores_each_serve_their_own_thread():
    X, y = _data()
    twins = [
        MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y) for _ in range(2)
    ]
    stores = [_replay.Store(), _replay.Store()]
    key = _replay.fingerprint(
        MLPClassifier((3,), max_iter=2, random_state=0), X, y, None, {}
    )
    for i, store in enumerate(stores):  # the same fingerprint in both stores
        store.put(key, twins[i], (i, 0, 1.0))
    both_served = threading.Barrier(2, timeout=60)
    got = [None, None]

    def search(i):
        with _trained_ahead.serving(stores[i]):
            both_served.wait()
            fresh = MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
            got[i] = fresh.model_

    threads = [threading.Thread(target=search, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got[0] is twins[0].model_ and got[1] is twins[1].model_
    assert [store.taken for store in stores] == [[(0, 0, 1.0)], [(1, 0, 1.0)]]
