"""Fits trained ahead of time are found by fingerprint, once, only while served."""

import keras
import numpy as np
from sklearn.base import clone

from skkeras import KerasClassifier, MLPClassifier
from skkeras import _replay


def _build(meta):
    return keras.Sequential([keras.Input((meta["n_features_in_"],)),
                             keras.layers.Dense(meta["n_classes_"], activation="softmax")])


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
    assert _replay.take(fresh, X, y, None, {}) is None  # not served yet
    with _replay.serving(store):
        fresh.fit(X, y)
        assert fresh.model_ is trained.model_
        assert store.taken == [("c", "s", 1.0)]
        other = MLPClassifier((3,), max_iter=2, random_state=0).fit(X, y)
        assert other.model_ is not trained.model_  # handed out once: trained anew
    assert len(store) == 0
