"""Unit tests of the training engine (skkeras._engine).

The compiled engine must reproduce ``keras.Model.fit``: without shuffling
the batch order is the same, so its histories and weights must match fit's
closely; with shuffling only the batch order differs.  The tests also check
the dispatch rules (what goes to ``Model.fit``) and the epoch-level
callbacks.

The modules' own tests are in tests/test_engine_<module>.py; the shared
data and helpers in tests/engine_helpers.py.
"""

import random

import keras
import numpy as np
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
    twin,
)

from skkeras import _engine

pytestmark = pytest.mark.skipif(
    BACKEND not in ("tensorflow", "jax"), reason="no compiled engine"
)


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
