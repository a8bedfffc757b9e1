"""The TensorFlow engine (skkeras._engine.tensorflow): its use of XLA."""

import random

import keras
import pytest
from engine_helpers import (
    BACKEND,
    X_VAL,
    Y_VAL,
    X,
    Y,
    assert_history_close,
    assert_weights_close,
    compiled_train,
    fit_train,
    make_model,
)

from skkeras._engine import cache


@pytest.mark.skipif(
    BACKEND != "tensorflow", reason="XLA choice of the TensorFlow engine"
)
def test_only_dense_style_models_use_xla():
    from skkeras._engine import tensorflow as tf_engine

    conv = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Conv2D(2, 3),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )
    assert not tf_engine._xla_friendly(conv)
    assert tf_engine._xla_friendly(make_model())


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="the TensorFlow engine's XLA fallback, with a tf.numpy_function layer",
)
def test_model_xla_cannot_compile_runs_without_xla(monkeypatch):
    import tensorflow as tf

    from skkeras._engine import tensorflow as tf_engine

    # Pretend the custom layer is one XLA runs fast, so that XLA is tried.
    monkeypatch.setattr(tf_engine, "_xla_friendly", lambda model: True)

    class NumpyIdentity(keras.layers.Layer):
        def call(self, x):
            out = tf.numpy_function(lambda a: a, [x], tf.float32, stateful=False)
            return tf.ensure_shape(out, x.shape)

    def build():
        random.seed(0)
        model = keras.Sequential(
            [keras.Input((4,)), NumpyIdentity(), keras.layers.Dense(3, "softmax")]
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    a, b = build(), build()
    b.set_weights(a.get_weights())
    kw = dict(epochs=2, batch_size=16, shuffle=False, validation_data=(X_VAL, Y_VAL))
    h_engine = compiled_train(a, X, Y, **kw)
    h_fit = fit_train(b, X, Y, **kw)
    (entry,) = cache.model_entries(a)
    assert entry.jit is False and "PyFunc" in entry.xla_error
    assert_history_close(h_engine, h_fit)
    assert_weights_close(a, b)
