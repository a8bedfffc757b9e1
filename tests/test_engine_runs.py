"""Fits that share a run, trained one fit at a time: each as it would alone."""

import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier
from skkeras._engine import batch, members, runs

pytestmark = pytest.mark.skipif(
    keras.backend.backend() not in ("tensorflow", "jax"), reason="no compiled engine"
)


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


def _estimators(**varying):
    base = dict(
        hidden_layer_sizes=(5,), batch_size=16, random_state=0, learning_rate_init=0.05
    )
    names = list(varying)
    return [
        MLPClassifier(**dict(base, **dict(zip(names, values))))
        for values in zip(*varying.values())
    ]


def _run_both(make, X, y):
    """Fit ``make()`` one by one and as one shared run; return both."""
    alone = [est.fit(X, y) for est in make()]
    shared = make()
    calls = [est._prepare_fit(X, y, None, {}) for est in shared]
    planned = [members.Member(i, c.train_call) for i, c in enumerate(calls)]
    for m in planned:
        key, reason = m.plan()
        assert reason is None
    (run,) = batch.shared_runs(planned)
    assert len(run) == len(planned)
    histories = runs.train_run(run)
    for est, call, history in zip(shared, calls, histories):
        est._finish_fit(call, history)
    return alone, shared


def test_each_fit_takes_the_weights_of_its_own_epoch(data, assert_same_fits):
    X, y = data
    alone, shared = _run_both(lambda: _estimators(max_iter=[2, 7, 4, 7]), X, y)
    assert [s.n_iter_ for s in shared] == [2, 7, 4, 7]
    assert_same_fits(alone, shared, rtol=1e-5, atol=1e-6)


def test_the_run_goes_on_when_its_carrier_stops(data, assert_same_fits):
    X, y = data

    def make():
        # The longest fit (12 epochs) stops after a few on a large tol; the
        # 9-epoch fit then carries the run to its end.
        return _estimators(
            max_iter=[12, 9, 3], tol=[0.5, 1e-4, 1e-4], n_iter_no_change=[1, 10, 10]
        )

    alone, shared = _run_both(make, X, y)
    assert shared[0].n_iter_ < 9 and shared[1].n_iter_ == 9
    assert_same_fits(alone, shared, rtol=1e-5, atol=1e-6)


def test_search_over_epochs_shares_runs_on_every_engine(data):
    from sklearn import model_selection as sk

    from skkeras import model_selection as ms

    X, y = data
    grid = {"max_iter": [2, 5], "learning_rate_init": [0.01, 0.05]}
    ours = ms.GridSearchCV(_estimators(max_iter=[2])[0], grid, cv=2).fit(X, y)
    theirs = sk.GridSearchCV(_estimators(max_iter=[2])[0], grid, cv=2).fit(X, y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"],
        theirs.cv_results_["mean_test_score"],
        atol=1e-6,
    )
    assert ours.best_params_ == theirs.best_params_
    # Two learning rates x two splits: four runs, each serving both max_iter.
    assert sorted(len(g["fits"]) for g in ours.grouping_["groups"]) in (
        [2, 2, 2, 2],
        [8],
    )
    assert sum(g["runs"] for g in ours.grouping_["groups"]) == 4
    assert ours.grouping_["replayed"] == 8
