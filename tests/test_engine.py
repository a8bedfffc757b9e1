"""Unit tests of the training engine (skkeras._engine).

The compiled engine must reproduce ``keras.Model.fit``: without shuffling
the batch order is the same, so its histories and weights must match fit's
closely; with shuffling only the batch order differs.  The tests also check
the dispatch rules (what goes to ``Model.fit``) and the epoch-level
callbacks.

Models are seeded through Python's ``random`` (Keras draws the seeds of
unseeded initializers from it) rather than ``keras.utils.set_random_seed``,
whose ``tf.random.set_seed`` clears TensorFlow's function caches and would
make every test pay for re-instantiation.
"""

import random

import keras
import numpy as np
import pytest

from skkeras import _engine

BACKEND = keras.backend.backend()

pytestmark = pytest.mark.skipif(
    BACKEND not in ("tensorflow", "jax"), reason="no compiled engine"
)

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
    return _engine._keras_train(model, x, y, **kwargs)


def assert_weights_close(a, b, atol=1e-4):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=atol, rtol=1e-3)


def assert_history_close(h1, h2, rtol=1e-3, atol=1e-4):
    assert sorted(h1) == sorted(h2)
    for key in h1:
        np.testing.assert_allclose(h1[key], h2[key], rtol=rtol, atol=atol, err_msg=key)


# -- equivalence with Model.fit --------------------------------------------


def test_matches_fit_without_shuffling():
    a = make_model()
    b = twin(a)
    kw = dict(epochs=4, batch_size=16, shuffle=False)
    h_engine = compiled_train(a, X, Y, **kw)
    h_fit = fit_train(b, X, Y, **kw)
    assert list(h_engine) == list(h_fit)
    assert len(h_engine["loss"]) == 4
    assert_history_close(h_engine, h_fit)
    assert_weights_close(a, b)
    assert int(a.optimizer.iterations.numpy()) == int(b.optimizer.iterations.numpy())


def test_close_to_fit_with_shuffling():
    a = make_model()
    b = twin(a)
    kw = dict(epochs=12, batch_size=16, shuffle=True, seed=3)
    h_engine = compiled_train(a, X, Y, **kw)
    h_fit = fit_train(b, X, Y, **kw)
    assert h_engine["loss"][-1] < h_engine["loss"][0]
    np.testing.assert_allclose(h_engine["loss"], h_fit["loss"], rtol=0.05, atol=0.06)
    assert abs(h_engine["accuracy"][-1] - h_fit["accuracy"][-1]) < 0.07


def test_sample_weight_matches_fit():
    w = np.ones(len(X), dtype="float32")
    w[::2] = 0.0
    a = make_model()
    b = twin(a)
    c = twin(a)
    kw = dict(epochs=3, batch_size=16, shuffle=False, sample_weight=w)
    h_engine = compiled_train(a, X, Y, **kw)
    h_fit = fit_train(b, X, Y, **kw)
    assert_history_close(h_engine, h_fit)
    assert_weights_close(a, b)
    # The weights matter: training on all rows gives another model.
    compiled_train(c, X, Y, epochs=3, batch_size=16, shuffle=False)
    assert not np.allclose(a.get_weights()[0], c.get_weights()[0])


def test_sample_weight_scale():
    # With "mean_with_sample_weight" the loss is a weighted mean: scaling
    # all weights changes nothing.
    loss = keras.losses.SparseCategoricalCrossentropy(
        reduction="mean_with_sample_weight"
    )
    a = make_model(loss=loss)
    b = twin(a, loss=loss)
    kw = dict(epochs=2, batch_size=16, shuffle=False)
    h1 = compiled_train(a, X, Y, sample_weight=np.ones(len(X)), **kw)
    h2 = compiled_train(b, X, Y, sample_weight=np.full(len(X), 2.0), **kw)
    assert_history_close(h1, h2, rtol=1e-5, atol=1e-6)
    assert_weights_close(a, b, atol=1e-6)
    # With Keras' default "sum_over_batch_size" the loss doubles (as in fit,
    # which test_sample_weight_matches_fit compares with).
    c = make_model()
    d = twin(c)
    h3 = compiled_train(c, X, Y, sample_weight=np.full(len(X), 2.0, "float32"), **kw)
    h4 = compiled_train(d, X, Y, sample_weight=np.ones(len(X), "float32"), **kw)
    np.testing.assert_allclose(h3["loss"][0], 2 * h4["loss"][0], rtol=0.01)


W_VAL = np.linspace(0.0, 2.0, len(X_VAL)).astype("float32")
VALIDATION = dict(
    validation_data=(X_VAL, Y_VAL, W_VAL), fit_kwargs={"validation_batch_size": 10}
)


def test_validation_logs_match_fit():
    a = make_model()
    b = twin(a)
    kw = dict(epochs=3, batch_size=16, shuffle=False, **VALIDATION)
    h_engine = compiled_train(a, X, Y, **kw)
    h_fit = fit_train(b, X, Y, **kw)
    assert set(h_engine) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert_history_close(h_engine, h_fit)
    # The last validation loss is that of the final model.
    val_loss = a.evaluate(
        X_VAL, Y_VAL, sample_weight=W_VAL, verbose=0, return_dict=True
    )["loss"]
    np.testing.assert_allclose(h_engine["val_loss"][-1], val_loss, rtol=1e-4)


# -- callbacks ---------------------------------------------------------------


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []
        self.weights = []
        self.lrs = []

    def on_train_begin(self, logs=None):
        self.events.append(("train_begin", self.params.get("epochs")))

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, tuple(sorted(logs))))
        self.weights.append([w.copy() for w in self.model.get_weights()])
        self.lrs.append(float(np.asarray(self.model.optimizer.learning_rate)))

    def on_train_end(self, logs=None):
        self.events.append(("train_end", tuple(sorted(logs or {}))))


def test_user_callback_sees_the_same_calls_and_logs_as_fit():
    a = make_model()
    b = twin(a)
    ra, rb = Recorder(), Recorder()
    kw = dict(epochs=2, initial_epoch=1, batch_size=16, shuffle=False, **VALIDATION)
    compiled_train(a, X, Y, callbacks=[ra], **kw)
    fit_train(b, X, Y, callbacks=[rb], **kw)
    assert ra.events == rb.events
    assert ra.events[0] == ("train_begin", 3)
    for wa, wb in zip(ra.weights[-1], rb.weights[-1]):
        np.testing.assert_allclose(wa, wb, atol=1e-4)


def test_history_callback():
    model = make_model()
    history = compiled_train(model, X, Y, epochs=3, batch_size=16, seed=0)
    assert isinstance(model.history, keras.callbacks.History)
    assert history == model.history.history
    assert model.history.epoch == [0, 1, 2]
    assert all(isinstance(v, float) for values in history.values() for v in values)


def test_early_stopping_restores_best_weights():
    model = make_model()
    recorder = Recorder()
    # In "max" mode a falling loss never improves: stop after epoch 1 and
    # restore the weights of epoch 0.
    stop = keras.callbacks.EarlyStopping(
        monitor="loss", mode="max", patience=1, restore_best_weights=True
    )
    history = compiled_train(
        model, X, Y, epochs=10, batch_size=16, seed=0, callbacks=[recorder, stop]
    )
    assert len(history["loss"]) == 2
    assert stop.stopped_epoch == 1
    for w, best in zip(model.get_weights(), recorder.weights[0]):
        np.testing.assert_array_equal(w, best)
    assert not np.array_equal(recorder.weights[0][0], recorder.weights[1][0])


def test_model_checkpoint(tmp_path):
    model = make_model()
    path = str(tmp_path / "w{epoch}.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_weights_only=True)
    compiled_train(model, X, Y, epochs=2, batch_size=16, seed=0, callbacks=[checkpoint])
    assert (tmp_path / "w1.weights.h5").exists()
    assert (tmp_path / "w2.weights.h5").exists()
    other = make_model(seed=5)
    other.optimizer.build(other.trainable_variables)
    other.load_weights(str(tmp_path / "w2.weights.h5"))
    for w1, w2 in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(w1, w2)


def test_model_checkpoint_per_batch_goes_to_fit(tmp_path):
    model = make_model()
    path = str(tmp_path / "b.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(
        path, save_weights_only=True, save_freq=3
    )
    _engine.train(model, X, Y, epochs=1, batch_size=16, callbacks=[checkpoint])
    assert _engine.last_dispatch()[0] == "keras"
    assert (tmp_path / "b.weights.h5").exists()


def test_learning_rate_scheduler():
    a = make_model()
    recorder = Recorder()
    start = [w.copy() for w in a.get_weights()]
    # Learning rate 0 from epoch 1 on: the weights move in epoch 0 only.
    scheduler = keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: 0.01 if epoch == 0 else 0.0
    )
    history = compiled_train(
        a, X, Y, epochs=3, batch_size=16, seed=0, callbacks=[scheduler, recorder]
    )
    assert recorder.lrs == pytest.approx([0.01, 0.0, 0.0])
    assert history["learning_rate"] == pytest.approx([0.01, 0.0, 0.0])
    assert not np.array_equal(start[0], recorder.weights[0][0])
    np.testing.assert_array_equal(recorder.weights[0][0], recorder.weights[2][0])
    assert float(np.asarray(a.optimizer.learning_rate)) == 0.0


def test_reduce_lr_on_plateau_matches_fit():
    a = make_model()
    b = twin(a)
    callbacks = []
    for _ in range(2):
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor="loss", mode="max", factor=0.5, patience=0, min_lr=1e-4
            )
        )
    kw = dict(epochs=4, batch_size=16, shuffle=False)
    h_engine = compiled_train(a, X, Y, callbacks=[callbacks[0]], **kw)
    h_fit = fit_train(b, X, Y, callbacks=[callbacks[1]], **kw)
    lr_a = float(np.asarray(a.optimizer.learning_rate))
    lr_b = float(np.asarray(b.optimizer.learning_rate))
    assert lr_a < 0.01
    assert lr_a == pytest.approx(lr_b)
    assert_history_close(h_engine, h_fit)


def test_terminate_on_nan(capsys):
    # A NaN weight on row 40 makes the loss of batch 2 of epoch 0 NaN.
    w = np.ones(len(X), "float32")
    w[40] = np.nan
    a = make_model()
    b = twin(a)
    kw = dict(epochs=5, batch_size=16, shuffle=False, sample_weight=w)
    h_engine = compiled_train(
        a, X, Y, callbacks=[keras.callbacks.TerminateOnNaN()], **kw
    )
    out_engine = capsys.readouterr().out
    h_fit = fit_train(b, X, Y, callbacks=[keras.callbacks.TerminateOnNaN()], **kw)
    out_fit = capsys.readouterr().out
    assert len(h_engine["loss"]) == len(h_fit["loss"]) == 1
    assert np.isnan(h_engine["loss"][0])
    assert "Batch 2: Invalid loss, terminating training" in out_engine
    assert "Batch 2: Invalid loss, terminating training" in out_fit
    assert a.stop_training
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        _engine.train(
            twin(a),
            X,
            Y,
            callbacks=[keras.callbacks.TerminateOnNaN(raise_error=True)],
            **kw,
        )


class BatchCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def test_per_batch_callback_goes_to_fit():
    counter = BatchCounter()
    history = _engine.train(
        make_model(), X, Y, epochs=2, batch_size=16, callbacks=[counter]
    )
    path, reason = _engine.last_dispatch()
    assert path == "keras"
    assert "on_train_batch_end" in reason
    assert counter.batches == 2 * 10
    assert len(history["loss"]) == 2


def test_lambda_callback_dispatch():
    ends = []
    per_epoch = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: ends.append(e)
    )
    compiled_train(make_model(), X, Y, epochs=2, batch_size=16, callbacks=[per_epoch])
    assert ends == [0, 1]
    batches = []
    per_batch = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: batches.append(b)
    )
    _engine.train(make_model(), X, Y, epochs=1, batch_size=16, callbacks=[per_batch])
    assert _engine.last_dispatch()[0] == "keras"
    assert len(batches) == 10


def test_verbose_output(capsys):
    compiled_train(make_model(), X, Y, epochs=2, batch_size=16, verbose=2, seed=0)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "10/10" in out and "loss:" in out and "accuracy:" in out
    compiled_train(make_model(), X, Y, epochs=2, batch_size=16, verbose=0, seed=0)
    assert capsys.readouterr().out == ""


# -- dispatch, determinism, reuse --------------------------------------------


def test_fit_kwargs_the_engine_does_not_know_go_to_fit():
    history = _engine.train(
        make_model(),
        X,
        Y,
        epochs=2,
        batch_size=16,
        fit_kwargs={"steps_per_epoch": 3},
    )
    path, reason = _engine.last_dispatch()
    assert path == "keras" and "steps_per_epoch" in reason
    assert len(history["loss"]) == 2


def test_non_array_input_goes_to_fit():
    import pandas as pd

    _engine.train(make_model(), pd.DataFrame(X), Y, epochs=1, batch_size=16)
    assert _engine.last_dispatch()[0] == "keras"
    _engine.train(make_model(), X, Y, epochs=1, batch_size=16, shuffle="batch")
    assert _engine.last_dispatch()[0] == "keras"


def test_same_seed_same_model():
    a = make_model()
    b, c = twin(a), twin(a)
    kw = dict(epochs=3, batch_size=16)
    compiled_train(a, X, Y, seed=7, **kw)
    compiled_train(b, X, Y, seed=7, **kw)
    compiled_train(c, X, Y, seed=8, **kw)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


def test_per_epoch_calls_and_chunks_agree():
    # Callbacks make the engine run one epoch per compiled call; without
    # them it runs chunks of epochs.  Both must give the same model, and
    # so must training in two calls (as partial_fit does).
    a = make_model()
    b, c = twin(a), twin(a)
    h_a = compiled_train(a, X, Y, epochs=5, batch_size=16, seed=1)
    h_b = compiled_train(
        b, X, Y, epochs=5, batch_size=16, seed=1, callbacks=[Recorder()]
    )
    compiled_train(c, X, Y, epochs=3, batch_size=16, seed=1)
    compiled_train(c, X, Y, epochs=2, initial_epoch=3, batch_size=16, seed=1)
    assert h_a == h_b
    for wa, wb, wc in zip(a.get_weights(), b.get_weights(), c.get_weights()):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(wa, wc)


@pytest.mark.parametrize("tol", [0.0, 1e-4, 0.05, 3.0])
def test_the_compiled_loss_rule_counts_every_epoch_the_callback_counts(tol):
    # The loop ends a call where the callback might stop training: every
    # epoch it takes as an improvement must be one for the callback (float64)
    # too, whatever float32 rounding does; away from the edge (a loss near
    # best - tol) the two agree.
    from skkeras._engine_common import rule_update

    rng = np.random.RandomState(int(tol * 100))
    losses = [np.float32(1.0)]
    for _ in range(400):
        step = rng.choice(
            [
                tol,
                tol * (1 + 1e-7),
                tol * (1 - 1e-7),
                0.0,
                -tol,
                2 * tol,
                1e-3,
                -1e-3,
                1e-2,
            ]
        )
        nudge = np.float32(rng.choice([1.0, 1.0000001, 0.9999999]))
        losses.append(np.float32(max(losses[-1] - step, 1e-3)) * nudge)
    best, count = np.float32(np.inf), np.int32(0)
    exact_best, exact_count = np.inf, 0
    agree = 0
    for loss in losses:
        exact = float(loss) <= exact_best - tol
        edge = np.isfinite(exact_best) and (
            abs(float(loss) - (exact_best - tol)) <= 1e-5 * (abs(exact_best) + tol)
        )
        best, new_count = rule_update(
            loss,
            np.float32(tol),
            best,
            count,
            where=np.where,
            isfinite=np.isfinite,
            absolute=np.abs,
        )
        improved = int(new_count) == 0
        assert exact or not improved
        if not edge:
            assert improved == exact
            agree += 1
        exact_count = 0 if exact else exact_count + 1
        assert int(new_count) >= exact_count
        count = new_count
        exact_best = min(exact_best, float(loss))
    assert agree > len(losses) // 4  # the rules were compared off the edge, too


def test_compiled_functions_are_shared_between_models():
    module = _engine_tf_or_jax()
    saved = dict(module._SHARED._data)  # restored below, for later tests
    module._SHARED.clear()
    try:
        _check_sharing(module)
    finally:
        module._SHARED._data.update(saved)


def _check_sharing(module):
    from skkeras import _structure

    a = make_model(units=5)
    b = twin(a, units=5)
    b_fresh = twin(a, units=5)
    compiled_train(a, X, Y, epochs=2, batch_size=16, seed=0)
    assert len(module._SHARED) == 1
    a_weights = [w.copy() for w in a.get_weights()]
    compiled_train(b, X, Y, epochs=2, batch_size=16, seed=0)
    assert len(module._SHARED) == 1
    # Training b did not touch a, and b got exactly what a fresh trace
    # gives it.
    for w, w0 in zip(a.get_weights(), a_weights):
        np.testing.assert_array_equal(w, w0)
    module._SHARED.clear()
    compiled_train(b_fresh, X, Y, epochs=2, batch_size=16, seed=0)
    for wb, wf in zip(b.get_weights(), b_fresh.get_weights()):
        np.testing.assert_array_equal(wb, wf)
    keys = [_structure.structure_key(m, [m.trainable_variables]) for m in (a, b)]
    assert keys[0] is not None and keys[0] == keys[1]
    assert (
        _structure.structure_key(make_model(units=6), [a.trainable_variables])
        != keys[0]
    )


def _engine_tf_or_jax():
    if BACKEND == "tensorflow":
        from skkeras import _engine_tf as module
    else:
        from skkeras import _engine_jax as module
    return module


class Doubler(keras.layers.Layer):
    """A custom layer: its model is compiled, but not shared."""

    def call(self, x):
        return x * 2.0


def test_custom_layer_model_is_compiled_but_not_shared():
    from skkeras import _structure

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


class OwnStep(keras.Sequential):
    def train_step(self, *args):
        return super().train_step(*args)


def test_custom_train_step_goes_to_fit():
    random.seed(0)
    model = OwnStep([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    _engine.train(model, X, Y, epochs=1, batch_size=16)
    path, reason = _engine.last_dispatch()
    assert path == "keras" and "train_step" in reason


@pytest.mark.skipif(
    BACKEND != "tensorflow", reason="XLA choice of the TensorFlow engine"
)
def test_only_dense_style_models_use_xla():
    from skkeras import _engine_tf

    conv = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Conv2D(2, 3),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )
    assert not _engine_tf._xla_friendly(conv)
    assert _engine_tf._xla_friendly(make_model())


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="the TensorFlow engine's XLA fallback, with a tf.numpy_function layer",
)
def test_model_xla_cannot_compile_runs_without_xla(monkeypatch):
    import tensorflow as tf

    from skkeras import _engine_tf

    # Pretend the custom layer is one XLA runs fast, so that XLA is tried.
    monkeypatch.setattr(_engine_tf, "_xla_friendly", lambda model: True)

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
    (entry,) = _engine_tf._PER_MODEL[a].values()
    assert entry.jit is False and "PyFunc" in entry.xla_error
    assert_history_close(h_engine, h_fit)
    assert_weights_close(a, b)


@pytest.mark.skipif(BACKEND != "jax", reason="XLA:CPU options of the JAX engine")
def test_cpu_compiler_options_fall_back_when_xla_does_not_know_them():
    import jax

    from skkeras import _engine_jax
    from skkeras.config import config_context

    options = _engine_jax._compiler_options()
    if jax.default_backend() == "cpu":
        assert options == _engine_jax._CPU_OPTIONS
    assert _engine_jax._compiler_options({"xla_no_such_option": True}) is None
    with config_context(xla_options=False):
        assert _engine_jax._compiler_options() is None
        assert float(_engine_jax.jit(lambda a: a * 2)(2.0)) == 4.0


# -- predict -------------------------------------------------------------------


def test_predict_matches_model_predict():
    model = make_model()
    compiled_train(model, X, Y, epochs=1, batch_size=16, seed=0)
    for x, batch_size in ((X[:1], None), (X_VAL, 7)):
        out = _engine.predict(model, x, batch_size=batch_size)
        assert _engine.last_dispatch()[0] == "compiled"
        assert isinstance(out, np.ndarray)
        assert out.shape == (len(x), 3)
        np.testing.assert_allclose(
            out, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
        )
    # A second model of the same architecture gets its own outputs.
    other = make_model(seed=3)
    np.testing.assert_allclose(
        _engine.predict(other, X), other.predict(X, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_predict_fallbacks():
    model = make_model()
    out = _engine.predict(model, X[:5], predict_kwargs={"verbose": 0, "steps": 1})
    assert _engine.last_dispatch()[0] == "keras"
    assert out.shape == (5, 3)
