"""Learning-rate schedules through the estimators' ``lr_schedule``."""

import math

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV

from skkeras import (
    ExponentialDecay,
    KerasRegressor,
    MLPClassifier,
    PlateauDecay,
    StepDecay,
    TimeBasedDecay,
)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def _fit(iris, schedule, **kw):
    X, y = iris
    params = dict(
        hidden_layer_sizes=(4,),
        max_iter=6,
        learning_rate_init=0.1,
        n_iter_no_change=np.inf,
        random_state=0,
        lr_schedule=schedule,
    )
    params.update(kw)
    with pytest.warns(Warning):  # maximum iterations reached
        return MLPClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    "schedule, expected",
    [
        (TimeBasedDecay(decay=0.5), [0.1 / (1 + 0.5 * e) for e in range(6)]),
        (StepDecay(drop=0.5, epochs_drop=2), [0.1 * 0.5 ** (e // 2) for e in range(6)]),
        (ExponentialDecay(k=0.2), [0.1 * math.exp(-0.2 * e) for e in range(6)]),
        ("time_based", [0.1 / (1 + (0.1 / 6) * e) for e in range(6)]),
    ],
    ids=["time", "step", "exponential", "time-by-name"],
)
def test_rate_of_each_epoch_is_recorded(iris, schedule, expected):
    clf = _fit(iris, schedule)
    np.testing.assert_allclose(clf.history_["learning_rate"], expected, rtol=1e-6)


def test_schedule_continues_over_warm_start(iris):
    clf = _fit(iris, StepDecay(drop=0.5, epochs_drop=4), max_iter=3, warm_start=True)
    with pytest.warns(Warning):
        clf.fit(*iris)
    np.testing.assert_allclose(
        clf.history_["learning_rate"], [0.1, 0.1, 0.1, 0.1, 0.05, 0.05], rtol=1e-6
    )


def test_plateau_reduces_when_the_loss_stalls(iris):
    # min_delta larger than any improvement: every epoch is a plateau.
    clf = _fit(iris, PlateauDecay(factor=0.5, patience=2, min_delta=100.0))
    lr = clf.history_["learning_rate"]
    assert lr[0] == pytest.approx(0.1)
    assert lr[-1] < 0.1
    assert all(b <= a for a, b in zip(lr, lr[1:]))


def test_schedule_is_a_searchable_parameter(iris):
    X, y = iris
    clf = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=3, lr_schedule=StepDecay(), random_state=0
    )
    assert clf.get_params()["lr_schedule__drop"] == 0.5
    cloned = clone(clf)
    assert cloned.lr_schedule is not clf.lr_schedule
    assert cloned.lr_schedule.get_params() == clf.lr_schedule.get_params()
    search = GridSearchCV(clf, {"lr_schedule__drop": [0.5, 0.9]}, cv=2).fit(X, y)
    assert search.best_params_["lr_schedule__drop"] in (0.5, 0.9)
    assert clf.lr_schedule.drop == 0.5  # the constructor argument is untouched


def test_general_wrapper_schedule_starts_from_the_optimizer_rate():
    def build(meta):
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])

    X = np.random.RandomState(0).rand(30, 2)
    reg = KerasRegressor(
        build,
        optimizer="sgd",
        optimizer__learning_rate=0.02,
        epochs=3,
        lr_schedule=StepDecay(drop=0.1, epochs_drop=1),
        random_state=0,
    )
    reg.fit(X, X.sum(1))
    np.testing.assert_allclose(
        reg.history_["learning_rate"], [0.02, 0.002, 0.0002], rtol=1e-5
    )
    reg.set_params(lr_schedule__drop=0.5)
    assert reg.lr_schedule.drop == 0.5


def test_bad_schedules_are_explained(iris):
    X, y = iris
    with pytest.raises(ValueError, match="Did you mean 'step'"):
        MLPClassifier(max_iter=1, lr_schedule="stepp").fit(X, y)
    with pytest.raises(ValueError, match="both set the learning rate"):
        MLPClassifier(max_iter=1, lr_schedule="step", learning_rate="adaptive").fit(
            X, y
        )
