"""Seeded fits and the global random state (skkeras._seeding)."""

import numpy as np
import pytest

from skkeras import MLPClassifier, _engine
from skkeras._seeding import seeded
from skkeras.config import config_context

tf = pytest.importorskip(
    "tensorflow", reason="these tests check that fits keep TensorFlow's global seed"
)


def _tf_seed():
    """TensorFlow's global seed (random_seed.get_seed(None) would draw an
    operation seed, advancing the sequence)."""
    from tensorflow.python.eager import context

    return context.global_seed()


@pytest.fixture
def tf_seed_777():
    tf.random.set_seed(777)
    yield
    tf.random.set_seed(None)


def test_a_seeded_block_keeps_the_users_tensorflow_seed(tf_seed_777):
    # B4: it cleared it (tf.random.set_seed(None)) on the way out.
    before = tf.random.uniform([3], seed=None).numpy()  # one op seed drawn
    with seeded(0):
        assert _tf_seed() == 0
    assert _tf_seed() == 777
    # Operation seeds go on from where they were, not from the start again.
    after = tf.random.uniform([3]).numpy()
    tf.random.set_seed(777)
    first, second = tf.random.uniform([3]).numpy(), tf.random.uniform([3]).numpy()
    np.testing.assert_array_equal(before, first)
    np.testing.assert_array_equal(after, second)


def test_a_seeded_block_leaves_no_tensorflow_seed_where_there_was_none():
    tf.random.set_seed(None)
    with seeded(0):
        pass
    assert _tf_seed() is None


def test_a_seeded_fit_on_model_fit_keeps_the_users_tensorflow_seed(tf_seed_777):
    # The fallback engine (engine="keras") trains with Model.fit under
    # seeded(seed), which sets TensorFlow's seed for tf.data's shuffling.
    rng = np.random.RandomState(0)
    X = rng.rand(30, 3)
    y = (X[:, 0] > 0.5).astype(int)
    with config_context(engine="keras"), pytest.warns(Warning):
        MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, y)
    assert _engine.last_dispatch() == ("keras", "engine='keras' in skkeras.config")
    from tensorflow.python.framework import random_seed

    assert _tf_seed() == 777 == random_seed.get_seed(None)[0]
