"""Compiled functions kept for reuse (skkeras._engine.cache): shared by
architecture, or kept per model."""

import random

import keras
import numpy as np
import pytest
from engine_helpers import (
    BACKEND,
    X,
    Y,
    assert_history_close,
    compiled_train,
    fit_train,
    make_model,
    twin,
)

from skkeras._engine import cache

pytestmark = pytest.mark.skipif(
    BACKEND not in ("tensorflow", "jax"), reason="no compiled engine"
)


def test_compiled_functions_are_shared_between_models():
    cache.clear_caches()
    try:
        _check_sharing()
    finally:
        cache.clear_caches()


def _check_sharing():
    from skkeras._engine import structure as _structure

    a = make_model(units=5)
    b = twin(a, units=5)
    b_fresh = twin(a, units=5)
    compiled_train(a, X, Y, epochs=2, batch_size=16, seed=0)
    assert cache.cache_info().shared == 1
    a_weights = [w.copy() for w in a.get_weights()]
    compiled_train(b, X, Y, epochs=2, batch_size=16, seed=0)
    assert cache.cache_info().shared == 1
    # Training b did not touch a, and b got exactly what a fresh trace
    # gives it.
    for w, w0 in zip(a.get_weights(), a_weights):
        np.testing.assert_array_equal(w, w0)
    cache.clear_caches()
    compiled_train(b_fresh, X, Y, epochs=2, batch_size=16, seed=0)
    for wb, wf in zip(b.get_weights(), b_fresh.get_weights()):
        np.testing.assert_array_equal(wb, wf)
    keys = [_structure.structure_key(m, [m.trainable_variables]) for m in (a, b)]
    assert keys[0] is not None and keys[0] == keys[1]
    assert (
        _structure.structure_key(make_model(units=6), [a.trainable_variables])
        != keys[0]
    )


class Doubler(keras.layers.Layer):
    """A custom layer: its model is compiled, but not shared."""

    def call(self, x):
        return x * 2.0


def test_custom_layer_model_is_compiled_but_not_shared():
    from skkeras._engine import structure as _structure

    random.seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), Doubler(), keras.layers.Dense(3, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert _structure.structure_key(model, [model.trainable_variables]) is None
    other = keras.models.clone_model(model)
    other.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    other.set_weights(model.get_weights())
    h1 = compiled_train(model, X, Y, epochs=2, batch_size=16, shuffle=False)
    h2 = fit_train(other, X, Y, epochs=2, batch_size=16, shuffle=False)
    assert_history_close(h1, h2)
