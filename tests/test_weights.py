"""Reading a model's variables for the NumPy forward pass (skkeras._weights)."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skkeras._weights import reader


def test_values_are_read_at_each_call():
    kernel = keras.Variable(np.ones((2, 3), "float32"))
    bias = keras.Variable(np.zeros(3, "float32"))
    read = reader([kernel, bias])
    first = read()
    assert [v.dtype for v in first] == [np.float32, np.float32]
    assert_array_equal(first[0], np.ones((2, 3)))
    kernel.assign(np.full((2, 3), 2.0, "float32"))
    bias.assign_add(np.ones(3, "float32"))
    second = read()
    assert_array_equal(second[0], np.full((2, 3), 2.0))
    assert_array_equal(second[1], np.ones(3))
    # A value read earlier keeps what it read.
    assert_array_equal(first[0], np.ones((2, 3)))


@pytest.mark.filterwarnings("ignore:Explicitly requested dtype float64")
def test_each_variable_keeps_its_dtype():
    # float64 where the backend holds it (JAX without x64 holds float32).
    v = keras.Variable(np.arange(3.0), dtype="float64")
    (value,) = reader([v])()
    assert value.dtype == v.numpy().dtype
    assert value.dtype == np.float64 or keras.backend.backend() == "jax"
    assert_array_equal(value, np.arange(3.0))


def test_the_weights_of_a_trained_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    read = reader(model.weights)
    before = read()
    model.fit(np.ones((8, 3)), np.ones((8, 2)), epochs=1, verbose=0)
    after = read()
    for a, b, now in zip(before, after, model.get_weights()):
        assert_array_equal(b, now)
        assert not np.array_equal(a, b)
