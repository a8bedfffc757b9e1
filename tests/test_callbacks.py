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
