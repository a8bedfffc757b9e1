"""The estimators' own callbacks: convergence rules and checkpoints."""

import os

import keras
import numpy as np
import pytest

import skkeras
from skkeras import KerasClassifier, MLPClassifier


def build_logistic(meta):
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 3)
    return X, (X[:, 0] + X[:, 1] > 1).astype(int)


class _Noop(keras.callbacks.Callback):
    """Any callback makes the engine run one epoch per compiled call."""


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("tol, n_iter_no_change", [(1e-4, 10), (1e-3, 3), (0.05, 1), (0.0, 2)])
def test_the_loss_rule_runs_chunks_of_epochs_and_stops_where_the_callback_does(
    data, monkeypatch, tol, n_iter_no_change
):
    # scikit-learn's rule on the training loss alone lets the compiled loop
    # run many epochs per call, ending a call where the rule may fire; the
    # fit must equal the one that runs an epoch per call.
    from skkeras import _engine_common

    X, y = data
    calls = []
    report = _engine_common.report_epochs

    def counting(*args, **kwargs):
        calls.append(len(args[3]))
        return report(*args, **kwargs)

    monkeypatch.setattr(_engine_common, "report_epochs", counting)
    params = dict(hidden_layer_sizes=(8,), batch_size=16, max_iter=80, learning_rate_init=0.02,
                  tol=tol, n_iter_no_change=n_iter_no_change, random_state=0)
    chunked = MLPClassifier(**params).fit(X, y)
    chunked_calls, calls[:] = list(calls), []
    per_epoch = MLPClassifier(callbacks=[_Noop()], **params).fit(X, y)
    assert chunked.n_iter_ == per_epoch.n_iter_
    np.testing.assert_array_equal(chunked.loss_curve_, per_epoch.loss_curve_)
    for a, b in zip(chunked.model_.get_weights(), per_epoch.model_.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert calls == [1] * per_epoch.n_iter_
    if chunked.n_iter_ > 5:
        assert len(chunked_calls) < chunked.n_iter_
    assert sum(chunked_calls) == chunked.n_iter_


def test_checkpoint_keeps_the_best_epoch(tmp_path, data):
    X, y = data
    path = tmp_path / "best.skkeras"
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=8, learning_rate_init=0.05,
                        n_iter_no_change=np.inf, checkpoint=str(path), random_state=0)
    with pytest.warns(Warning):
        clf.fit(X, y)
    best = skkeras.load(path)
    epoch = int(np.argmin(clf.loss_curve_))
    assert best.n_iter_ == epoch + 1
    assert best.loss_curve_ == clf.loss_curve_[: epoch + 1]
    assert best.best_loss_ == min(clf.loss_curve_)
    if epoch == clf.n_iter_ - 1:  # the last epoch was the best: same weights
        np.testing.assert_allclose(best.predict_proba(X), clf.predict_proba(X), rtol=1e-6)
    assert [p.name for p in tmp_path.iterdir()] == ["best.skkeras"]  # no temp files left


def test_interrupted_run_resumes_from_its_checkpoint(tmp_path, data, interrupt_at):
    X, y = data
    path = tmp_path / "run.skkeras"
    clf = KerasClassifier(
        build_logistic,
        epochs=20, optimizer="adam", optimizer__learning_rate=0.05, validation_split=0.2,
        callbacks=[interrupt_at(5)], checkpoint=str(path), random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    assert os.path.exists(path)
    resumed = skkeras.load(path, custom_objects={"build_logistic": build_logistic, "InterruptAt": interrupt_at})
    assert 1 <= resumed.n_iter_ <= 5
    assert min(resumed.history_["val_loss"]) == resumed.history_["val_loss"][-1]
    resumed.set_params(callbacks=None, checkpoint=None, warm_start=True, epochs=3)
    resumed.fit(X, y)
    assert resumed.n_iter_ == len(resumed.history_["loss"]) >= 4


_SEEN_EPOCHS = []


class _Epochs(keras.callbacks.Callback):
    """Records the epochs every copy of it sees (the estimators copy callbacks)."""

    def on_epoch_end(self, epoch, logs=None):
        _SEEN_EPOCHS.append(epoch)


@pytest.mark.parametrize(
    "where, message",
    [
        ("missing/best.skkeras", "does not exist; create it"),
        ("", "empty path"),
        (".", "is a directory; give a file in it"),
    ],
    ids=["missing-folder", "empty", "directory"],
)
def test_a_checkpoint_that_cannot_be_written_is_refused_before_training(
    tmp_path, data, monkeypatch, where, message
):
    # B2: it failed after the first epoch and left the estimator looking fitted.
    X, y = data
    monkeypatch.chdir(tmp_path)
    _SEEN_EPOCHS.clear()
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, callbacks=[_Epochs()],
                        checkpoint=where, random_state=0)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert _SEEN_EPOCHS == []
    assert not hasattr(clf, "model_")
    # A fitted estimator keeps the model it had.
    clf.set_params(checkpoint=None).fit(X, y)
    model, proba = clf.model_, clf.predict_proba(X)
    clf.set_params(checkpoint=where)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert clf.model_ is model and clf.n_iter_ == 3
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert sorted(os.listdir(tmp_path)) == []


def test_a_checkpoint_save_cannot_store_is_refused_before_training(tmp_path, data):
    X, y = data
    _SEEN_EPOCHS.clear()
    clf = KerasClassifier(
        build_logistic, loss=lambda y_true, y_pred: keras.ops.mean((y_true - y_pred) ** 2),
        callbacks=[_Epochs()], checkpoint=str(tmp_path / "best.skkeras"), epochs=2,
    )
    with pytest.raises(TypeError, match="cannot be kept.*lambda"):
        clf.fit(X, y)
    assert _SEEN_EPOCHS == []
    assert not hasattr(clf, "model_")
    assert os.listdir(tmp_path) == []


def test_the_first_checkpoint_removes_the_temporary_files_of_a_killed_save(tmp_path, data):
    # skkeras.save writes .{name}.{12 hex digits}.tmp and renames it; a run
    # killed meanwhile leaves it.  Only those of this checkpoint go.
    X, y = data
    stale = ".best.skkeras.0123456789ab.tmp"
    others = [
        ".best.skkeras.0123456789AB.tmp",
        ".best.skkeras.0123456789a.tmp",
        ".best.skkeras.0123456789ab.tmp.keep",
        ".other.skkeras.0123456789ab.tmp",
        "best.skkeras.0123456789ab.tmp",
    ]
    for name in [stale] + others:
        (tmp_path / name).write_bytes(b"partial")
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, n_iter_no_change=np.inf,
                        checkpoint=str(tmp_path / "best.skkeras"), random_state=0)
    with pytest.warns(Warning):
        clf.fit(X, y)
    assert sorted(os.listdir(tmp_path)) == sorted(others + ["best.skkeras"])
