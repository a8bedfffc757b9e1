"""The estimators' own callbacks (convergence rules, checkpoints) and Keras'
callbacks that monitor a compiled metric."""

import os

import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_validate

import skkeras
from skkeras import KerasClassifier, MLPClassifier, MLPRegressor, _engine


def build_logistic(meta):
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]
    )


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 3)
    return X, (X[:, 0] + X[:, 1] > 1).astype(int)


class _Noop(keras.callbacks.Callback):
    """Any callback makes the engine run one epoch per compiled call."""


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "tol, n_iter_no_change", [(1e-4, 10), (1e-3, 3), (0.05, 1), (0.0, 2)]
)
def test_the_loss_rule_runs_chunks_of_epochs_and_stops_where_the_callback_does(
    data, monkeypatch, tol, n_iter_no_change
):
    # scikit-learn's rule on the training loss alone lets the compiled loop
    # run many epochs per call, ending a call where the rule may fire; the
    # fit must equal the one that runs an epoch per call.
    from skkeras._engine import loop

    X, y = data
    calls = []
    report = loop.report_epochs

    def counting(*args, **kwargs):
        calls.append(len(args[3]))
        return report(*args, **kwargs)

    monkeypatch.setattr(loop, "report_epochs", counting)
    params = dict(
        hidden_layer_sizes=(8,),
        batch_size=16,
        max_iter=80,
        learning_rate_init=0.02,
        tol=tol,
        n_iter_no_change=n_iter_no_change,
        random_state=0,
    )
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
    clf = MLPClassifier(
        hidden_layer_sizes=(8,),
        max_iter=8,
        learning_rate_init=0.05,
        n_iter_no_change=np.inf,
        checkpoint=str(path),
        random_state=0,
    )
    with pytest.warns(Warning):
        clf.fit(X, y)
    best = skkeras.load(path)
    epoch = int(np.argmin(clf.loss_curve_))
    assert best.n_iter_ == epoch + 1
    assert best.loss_curve_ == clf.loss_curve_[: epoch + 1]
    assert best.best_loss_ == min(clf.loss_curve_)
    if epoch == clf.n_iter_ - 1:  # the last epoch was the best: same weights
        np.testing.assert_allclose(
            best.predict_proba(X), clf.predict_proba(X), rtol=1e-6
        )
    assert [p.name for p in tmp_path.iterdir()] == [
        "best.skkeras"
    ]  # no temp files left


def test_interrupted_run_resumes_from_its_checkpoint(tmp_path, data, interrupt_at):
    X, y = data
    path = tmp_path / "run.skkeras"
    clf = KerasClassifier(
        build_logistic,
        epochs=20,
        optimizer="adam",
        optimizer__learning_rate=0.05,
        validation_split=0.2,
        callbacks=[interrupt_at(5)],
        checkpoint=str(path),
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    assert os.path.exists(path)
    resumed = skkeras.load(
        path,
        custom_objects={"build_logistic": build_logistic, "InterruptAt": interrupt_at},
    )
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
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        max_iter=3,
        callbacks=[_Epochs()],
        checkpoint=where,
        random_state=0,
    )
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
        build_logistic,
        loss=lambda y_true, y_pred: keras.ops.mean((y_true - y_pred) ** 2),
        callbacks=[_Epochs()],
        checkpoint=str(tmp_path / "best.skkeras"),
        epochs=2,
    )
    with pytest.raises(TypeError, match="cannot be kept.*lambda"):
        clf.fit(X, y)
    assert _SEEN_EPOCHS == []
    assert not hasattr(clf, "model_")
    assert os.listdir(tmp_path) == []


def test_the_first_checkpoint_removes_the_temporary_files_of_a_killed_save(
    tmp_path, data
):
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
    clf = MLPClassifier(
        hidden_layer_sizes=(4,),
        max_iter=2,
        n_iter_no_change=np.inf,
        checkpoint=str(tmp_path / "best.skkeras"),
        random_state=0,
    )
    with pytest.warns(Warning):
        clf.fit(X, y)
    assert sorted(os.listdir(tmp_path)) == sorted(others + ["best.skkeras"])


# --------------------------------------------------------------------------
# Callbacks that monitor a compiled metric, on the compiled engine.  Every fit
# but the first of an architecture runs a loop traced for another model; the
# metrics of its own model must still be built, as Model.fit builds them, or
# mode="auto" cannot find the monitored metric's direction.

_MONITOR_FITS = []


class _Recorded:
    """Records each fit of a copy of it in ``_MONITOR_FITS``: the path the
    training call took, the direction found for the monitored metric, the
    epochs run and the learning rate before and after."""

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._fit = {
            "path": _engine.last_dispatch()[0],
            "epochs": 0,
            "lr": float(self.model.optimizer.learning_rate),
        }
        _MONITOR_FITS.append(self._fit)

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        self._fit["epochs"] += 1

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        self._fit["up"] = self.monitor_op is keras.ops.greater
        self._fit["final_lr"] = float(self.model.optimizer.learning_rate)


class _EarlyStopping(_Recorded, keras.callbacks.EarlyStopping):
    reads_model = False  # as Keras' own without restore_best_weights


class _ReduceLROnPlateau(_Recorded, keras.callbacks.ReduceLROnPlateau):
    pass


class _ModelCheckpoint(_Recorded, keras.callbacks.ModelCheckpoint):
    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        saved = os.path.exists(self.filepath)
        self._fit["saves"] = self._fit.get("saves", 0) + saved
        if saved:
            os.remove(self.filepath)  # fits trained together share the path


# Nothing improves by min_delta=1 after the first epoch: EarlyStopping stops
# after its second epoch and ReduceLROnPlateau halves the rate every epoch
# after the first, whichever the direction.  ModelCheckpoint saves the first
# epoch (no best yet).
def _monitors(tmp_path):
    return {
        "early_stopping": _EarlyStopping(
            monitor="val_accuracy", min_delta=1.0, patience=1
        ),
        "reduce_lr": _ReduceLROnPlateau(
            monitor="accuracy", min_delta=1.0, patience=1, factor=0.5
        ),
        "checkpoint": _ModelCheckpoint(
            str(tmp_path / "best.keras"), monitor="val_auc", save_best_only=True
        ),
    }


def _assert_acted(kind, fit, epochs, stopped):
    """``fit`` of callback ``kind``, in a fit of ``epochs`` epochs that the
    EarlyStopping above ends (``stopped``) or not, found the metric's
    direction and acted."""
    assert fit["up"], fit  # accuracy, AUC and the MLPs' score are maximised
    ran = 2 if stopped else epochs
    assert fit["epochs"] == ran < epochs if stopped else fit["epochs"] == ran
    if kind == "reduce_lr":
        assert fit["final_lr"] == pytest.approx(fit["lr"] * 0.5 ** (ran - 1), rel=1e-5)
    if kind == "checkpoint":
        assert fit["saves"] >= 1  # the first epoch, at least


def _monitoring_classifier(callbacks, metrics=("accuracy", "auc")):
    return KerasClassifier(
        build_logistic,
        metrics=list(metrics),
        optimizer="adam",
        optimizer__learning_rate=0.05,
        validation_split=0.25,
        epochs=4,
        callbacks=callbacks,
        random_state=0,
    )


@pytest.fixture
def group_on_the_cpu_too():
    """skkeras.model_selection groups every group, not only those with
    shared runs (the default on the CPU)."""
    with skkeras.config.config_context(group="always"):
        yield


@pytest.mark.parametrize("kind", ["early_stopping", "reduce_lr", "checkpoint"])
def test_metric_monitors_find_their_direction_in_every_fold(tmp_path, data, kind):
    X, y = data
    _MONITOR_FITS.clear()
    # A metric object, monitored by its name.
    metrics = ["accuracy", keras.metrics.AUC(name="auc")]
    clf = _monitoring_classifier([_monitors(tmp_path)[kind]], metrics)
    result = cross_validate(clf, X, y, cv=3, return_estimator=True, error_score="raise")
    assert len(_MONITOR_FITS) == 3
    for fit, estimator in zip(_MONITOR_FITS, result["estimator"], strict=True):
        assert fit["path"] == "compiled"
        _assert_acted(kind, fit, 4, stopped=kind == "early_stopping")
        assert estimator.n_iter_ == fit["epochs"]


@pytest.mark.parametrize("search", ["scikit-learn", "skkeras"])
def test_metric_monitors_find_their_direction_in_every_candidate(
    tmp_path, data, group_on_the_cpu_too, search
):
    from skkeras import model_selection as ms

    X, y = data
    _MONITOR_FITS.clear()
    monitors = _monitors(tmp_path)
    clf = _monitoring_classifier(list(monitors.values()))
    grid = {"optimizer__learning_rate": [0.01, 0.05]}
    cls = GridSearchCV if search == "scikit-learn" else ms.GridSearchCV
    gs = cls(clf, grid, cv=2, error_score="raise").fit(X, y)
    # 2 candidates x 2 folds, and the refit; each fit records its callbacks
    # in order.
    assert len(_MONITOR_FITS) == 5 * len(monitors)
    for i, fit in enumerate(_MONITOR_FITS):
        _assert_acted(list(monitors)[i % len(monitors)], fit, 4, stopped=True)
    if search == "skkeras" and keras.backend.backend() == "jax":
        # Trained as one vectorized group (which records no dispatch per
        # fit), then handed to scikit-learn's search.
        assert gs.grouping_["reason"] is None
        assert [len(g["fits"]) for g in gs.grouping_["groups"]] == [4]
        assert gs.grouping_["groups"][0]["vectorized"]
        assert gs.grouping_["replayed"] == 4
        assert {fit["path"] for fit in _MONITOR_FITS[-len(monitors) :]} == {"compiled"}
    else:
        assert {fit["path"] for fit in _MONITOR_FITS} == {"compiled"}


def test_metric_monitors_find_their_direction_in_shared_runs(
    data, group_on_the_cpu_too
):
    # Candidates that differ only in their epochs share one run: one fit
    # trains it, the others take its state (on JAX, in a vectorized group).
    from skkeras import model_selection as ms

    X, y = data
    _MONITOR_FITS.clear()
    stop = _EarlyStopping(monitor="val_accuracy", min_delta=1.0, patience=1)
    gs = ms.GridSearchCV(
        _monitoring_classifier([stop]), {"epochs": [3, 5]}, cv=2, error_score="raise"
    ).fit(X, y)
    report = gs.grouping_
    assert report["reason"] is None
    # Two runs (one per fold) of two fits each.
    assert sum(len(g["fits"]) for g in report["groups"]) == 4
    assert sum(g["runs"] for g in report["groups"]) == 2
    assert report["replayed"] == 4
    assert len(_MONITOR_FITS) == 5
    for fit in _MONITOR_FITS:
        _assert_acted("early_stopping", fit, 3, stopped=True)
    assert _MONITOR_FITS[-1]["path"] == "compiled"  # the refit


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_mlp_early_stopping_score_is_monitored_in_every_fold(data, cls):
    # The MLPs' early stopping compiles a "score" metric (accuracy, or R2
    # whose variables are created on its first update).
    X, y = data
    target = y if cls is MLPClassifier else X @ [1.0, -2.0, 0.5]
    _MONITOR_FITS.clear()
    stop = _EarlyStopping(monitor="val_score", min_delta=1.0, patience=1)
    mlp = cls(
        hidden_layer_sizes=(4,),
        max_iter=5,
        early_stopping=True,
        callbacks=[stop],
        random_state=0,
    )
    result = cross_validate(
        mlp, X, target, cv=3, return_estimator=True, error_score="raise"
    )
    assert len(_MONITOR_FITS) == 3
    for fit, estimator in zip(_MONITOR_FITS, result["estimator"], strict=True):
        assert fit["path"] == "compiled"
        _assert_acted("early_stopping", fit, 5, stopped=True)
        assert estimator.n_iter_ == 2
