"""Data, models and assertions shared by the tests of the training engine.

Models are seeded through Python's ``random`` (Keras draws the seeds of
unseeded initializers from it) rather than ``keras.utils.set_random_seed``,
whose ``tf.random.set_seed`` clears TensorFlow's function caches and would
make every test pay for re-instantiation.
"""

import random

import keras
import numpy as np

from skkeras import _engine
from skkeras._engine import dispatch
from skkeras._engine.types import TrainCall

BACKEND = keras.backend.backend()


rng = np.random.RandomState(0)
X = rng.normal(size=(150, 4)).astype("float32")
Y = ((X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)).astype("int64")
X_VAL = rng.normal(size=(37, 4)).astype("float32")
Y_VAL = ((X_VAL[:, 0] + X_VAL[:, 1] > 0).astype(int) + (X_VAL[:, 2] > 0.5)).astype(
    "int64"
)


def make_model(seed=0, loss="sparse_categorical_crossentropy", lr=0.01, units=8):
    random.seed(seed)
    np.random.seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr),
        loss=loss,
        metrics=["accuracy"],
    )
    return model


def twin(model, **kwargs):
    """A second model with the same architecture and initial weights."""
    other = make_model(**kwargs)
    other.set_weights(model.get_weights())
    return other


def compiled_train(model, *args, **kwargs):
    history = _engine.train(model, *args, **kwargs)
    path, reason = _engine.last_dispatch()
    assert path == "compiled", reason
    return history


def fit_train(model, x, y, **kwargs):
    kwargs.setdefault("sample_weight", None)
    kwargs.setdefault("epochs", 1)
    kwargs.setdefault("initial_epoch", 0)
    kwargs.setdefault("batch_size", 32)
    kwargs.setdefault("shuffle", True)
    kwargs.setdefault("validation_data", None)
    kwargs.setdefault("callbacks", None)
    kwargs.setdefault("verbose", 0)
    kwargs.setdefault("seed", None)
    kwargs.setdefault("fit_kwargs", None)
    return dispatch.keras_train(TrainCall(model, x, y, **kwargs))


def assert_weights_close(a, b, atol=1e-4):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=atol, rtol=1e-3)


def assert_history_close(h1, h2, rtol=1e-3, atol=1e-4):
    assert sorted(h1) == sorted(h2)
    for key in h1:
        np.testing.assert_allclose(h1[key], h2[key], rtol=rtol, atol=atol, err_msg=key)
