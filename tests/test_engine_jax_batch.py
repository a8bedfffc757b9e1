"""Vectorized training of many fits (skkeras._engine.jax_batch, planned by
skkeras._engine.batch): each member trains as it would alone."""

import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier
from skkeras._engine import TrainCall, batch, dispatch
from skkeras.config import config_context

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="vectorized training runs on JAX"
)


@pytest.fixture(autouse=True)
def _group_on_the_cpu_too():
    """On the CPU only groups with shared runs are grouped by default; the
    tests group every group."""
    with config_context(group="always"):
        yield


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


def _estimators(**varying):
    base = dict(
        hidden_layer_sizes=(5,),
        max_iter=8,
        batch_size=16,
        random_state=0,
        learning_rate_init=0.05,
    )
    names = list(varying)
    return [
        MLPClassifier(**dict(base, **dict(zip(names, values))))
        for values in zip(*varying.values())
    ]


def _train_both(make, X, y, fit_params=None, rows=None):
    """Fit ``make()`` estimators one by one and as one group; return both.

    ``rows[i]``, when given, is how many rows of ``X`` estimator ``i`` gets.
    """
    n = len(make())
    rows = rows or [len(X)] * n
    alone = [
        est.fit(X[:r], y[:r], **(fit_params or {})) for est, r in zip(make(), rows)
    ]
    grouped = make()
    calls = [
        est._prepare_fit(X[:r], y[:r], None, dict(fit_params or {}))
        for est, r in zip(grouped, rows)
    ]
    histories, report = batch.train_many([c.train_call for c in calls], grouped=True)
    for est, call, history in zip(grouped, calls, histories):
        est._finish_fit(call, history)
    return alone, grouped, report


def test_members_differ_in_seed_initializer_rate_and_epochs(data, assert_same_fits):
    X, y = data

    def make():
        return _estimators(
            random_state=[0, 1, 2, 3],
            kernel_initializer=[
                "glorot_uniform",
                "uniform",
                "normal",
                "glorot_uniform",
            ],
            learning_rate_init=[0.001, 0.01, 0.05, 0.1],
            max_iter=[3, 8, 5, 8],
        )

    alone, grouped, report = _train_both(make, X, y)
    assert [g["members"] for g in report["groups"]] == [[0, 1, 2, 3]]
    assert [g.n_iter_ for g in grouped] == [3, 8, 5, 8]
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_fits_that_differ_only_in_epochs_share_one_run(data, assert_same_fits):
    X, y = data

    def make():
        return _estimators(max_iter=[2, 8, 5, 8], random_state=[0, 0, 0, 1])

    alone, grouped, report = _train_both(make, X, y)
    # Seed 0 at 2, 5 and 8 epochs is one run; seed 1 is another.
    assert [(g["members"], g["runs"]) for g in report["groups"]] == [([0, 1, 2, 3], 2)]
    assert [g.n_iter_ for g in grouped] == [2, 8, 5, 8]
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_a_run_is_not_shared_when_callbacks_change_the_model(data, assert_same_fits):
    X, y = data

    def make():
        return _estimators(max_iter=[3, 6], lr_schedule=["step", "step"])

    alone, grouped, report = _train_both(make, X, y)
    assert report["groups"][0]["runs"] == 2
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_folds_of_unequal_size_train_in_one_group(data, assert_same_fits):
    X, y = data

    def make():
        # 135, 126 and 117 training rows (last batches of 7, 14 and 5) and
        # 15, 14 and 13 validation rows.
        return _estimators(
            random_state=[0, 1, 2],
            early_stopping=[True] * 3,
            validation_fraction=[0.1] * 3,
        )

    alone, grouped, report = _train_both(make, X, y, rows=[150, 140, 130])
    assert [g["members"] for g in report["groups"]] == [[0, 1, 2]]
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_each_member_stops_on_its_own(data, assert_same_fits):
    X, y = data

    def make():
        # scikit-learn's rule on the training loss: a large tol stops early.
        return _estimators(
            tol=[0.5, 1e-4, 0.05], n_iter_no_change=[1, 2, 1], max_iter=[30, 30, 30]
        )

    alone, grouped, report = _train_both(make, X, y)
    assert len(report["groups"]) == 1
    assert len({g.n_iter_ for g in grouped}) > 1
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_validation_split_and_restoring_callbacks(data, assert_same_fits):
    X, y = data

    def make():
        cbs = [
            keras.callbacks.EarlyStopping(
                "val_loss", patience=1, restore_best_weights=True
            )
        ]
        return _estimators(
            early_stopping=[True, True],
            validation_fraction=[0.2, 0.2],
            n_iter_no_change=[3, 3],
            max_iter=[12, 12],
            random_state=[0, 5],
            callbacks=[cbs, cbs],
        )

    alone, grouped, report = _train_both(make, X, y)
    assert len(report["groups"]) == 1
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_sample_and_class_weights(data, assert_same_fits):
    X, y = data
    w = np.random.RandomState(0).uniform(0.2, 3.0, len(y))

    def make():
        return _estimators(class_weight=["balanced", None], random_state=[0, 1])

    alone = [est.fit(X, y, sample_weight=w) for est in make()]
    grouped = make()
    calls = [est._prepare_fit(X, y, w, {}) for est in grouped]
    histories, report = batch.train_many([c.train_call for c in calls], grouped=True)
    for est, call, history in zip(grouped, calls, histories):
        est._finish_fit(call, history)
    assert len(report["groups"]) == 1
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def _keras_twins(seeds):
    """Pairs of identical small Keras models, one per seed."""
    pairs = []
    for seed in seeds:
        models = []
        for _ in range(2):
            model = keras.Sequential(
                [
                    keras.Input((4,)),
                    keras.layers.Dense(
                        3,
                        activation="softmax",
                        kernel_initializer=keras.initializers.GlorotUniform(seed),
                    ),
                ]
            )
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            models.append(model)
        pairs.append(models)
    return pairs


def test_a_member_that_stops_on_nan_leaves_the_others_training(data):
    X, y = data
    # A NaN weight on row 40 makes the loss of batch 2 of epoch 0 NaN.
    bad = np.ones(len(X), "float32")
    bad[40] = np.nan
    weights = [bad, np.ones(len(X), "float32"), np.ones(len(X), "float32")]
    checks = [True, True, False]

    def calls(models):
        return [
            TrainCall(
                model=m,
                x=X,
                y=y,
                sample_weight=w,
                epochs=4,
                batch_size=16,
                shuffle=True,
                seed=0,
                callbacks=[keras.callbacks.TerminateOnNaN()] if check else [],
            )
            for m, w, check in zip(models, weights, checks)
        ]

    pairs = _keras_twins([0, 1, 2])
    alone = [dispatch.train_call(call) for call in calls([p[0] for p in pairs])]
    together, report = batch.train_many(calls([p[1] for p in pairs]), grouped=True)
    assert [g["members"] for g in report["groups"]] == [[0, 1, 2]]
    assert [len(h["loss"]) for h in together] == [1, 4, 4]
    assert np.isnan(together[0]["loss"][0])
    for a, t in zip(alone[1:], together[1:]):
        np.testing.assert_allclose(a["loss"], t["loss"], rtol=1e-5)
    for a, t in pairs[1:]:
        for wa, wt in zip(a.get_weights(), t.get_weights()):
            np.testing.assert_allclose(wa, wt, rtol=1e-5, atol=1e-6)


def test_groups_train_two_at_a_time_and_report_in_order(data, assert_same_fits):
    X, y = data

    def make():
        # Three groups (hidden sizes), two fits each.
        return _estimators(
            hidden_layer_sizes=[(5,), (6,), (7,), (5,), (6,), (7,)],
            random_state=[0, 1, 2, 3, 4, 5],
        )

    alone, grouped, report = _train_both(make, X, y)
    assert [g["members"] for g in report["groups"]] == [[0, 3], [1, 4], [2, 5]]
    assert_same_fits(alone, grouped, rtol=1e-4, atol=1e-5)


def test_what_cannot_be_grouped_trains_alone(data):
    X, y = data
    ests = _estimators(verbose=[0, 0, 1], hidden_layer_sizes=[(5,), (6,), (5,)])
    calls = [est._prepare_fit(X, y, None, {}) for est in ests]
    histories, report = batch.train_many([c.train_call for c in calls], grouped=True)
    assert report["groups"] == []
    assert "verbose" in report["alone"][2]
    assert "shares its structure" in report["alone"][0]
    assert all(len(h["loss"]) == 8 for h in histories)


def test_a_group_xla_cannot_compile_trains_one_fit_at_a_time(data, monkeypatch):
    X, y = data

    class Refused:
        def lower(self, *args):
            raise RuntimeError("XLA says no")

    from skkeras._engine import jax_batch

    monkeypatch.setattr(jax_batch, "_vmapped", lambda entry, *options: (Refused(), {}))
    ests = _estimators(random_state=[0, 1])
    calls = [est._prepare_fit(X, y, None, {}) for est in ests]
    histories, report = batch.train_many([c.train_call for c in calls], grouped=True)
    assert report["groups"] == [] and report["failed"] == {}
    assert all("XLA says no" in r for r in report["alone"].values())
    assert all(len(h["loss"]) == 8 for h in histories)


def test_a_failing_callback_is_reported_not_raised(data):
    X, y = data

    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("boom")

    ests = _estimators(callbacks=[[Boom()], None], random_state=[0, 1])
    calls = [est._prepare_fit(X, y, None, {}) for est in ests]
    histories, report = batch.train_many([c.train_call for c in calls], grouped=True)
    assert histories == [None, None]
    assert all("boom" in repr(e) for e in report["failed"].values())


def test_grouping_modes():
    with config_context(group="auto"):
        assert batch.vectorized_reason() is None
    with config_context(group="never"):
        assert batch.vectorized_reason() == "group='never' in skkeras.config"
    with config_context(engine="keras"):
        assert batch.vectorized_reason() == "engine='keras' in skkeras.config"
