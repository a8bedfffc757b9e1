"""scikit-learn's iteration bookkeeping and verbose lines of the MLPs
(skkeras._mlp_iterations)."""

import re

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from skkeras import MLPClassifier, MLPRegressor

LINE = re.compile(r"^Iteration (\d+), loss = (\d+\.\d{8})$")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def _small(cls, **kw):
    return cls(**{"hidden_layer_sizes": (4,), "random_state": 0, **kw})


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_warm_start_runs_max_iter_more_and_counts_that_call(iris, cls):
    # scikit-learn 1.9.1 (_fit_stochastic): n_iter_ counts the epochs of the
    # last call; t_, loss_curve_ go on over the calls (issue 24764).
    X, y = iris
    est = _small(cls, max_iter=3, warm_start=True, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\)"):
        est.fit(X, y)
    assert est.n_iter_ == 3 and est.t_ == 3 * len(X)
    est.set_params(max_iter=5)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(5\)"):
        est.fit(X, y)
    assert est.n_iter_ == 5 and len(est.loss_curve_) == 8
    assert est.t_ == 8 * len(X) and est.loss_ == est.loss_curve_[-1]
    est.partial_fit(X, y)
    assert est.n_iter_ == 1 and est.t_ == 9 * len(X)
    assert est.best_loss_ == min(est.loss_curve_)
    # A cold fit starts the counts again.
    est.set_params(warm_start=False, max_iter=2)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.n_iter_ == 2 and est.t_ == 2 * len(X) and len(est.loss_curve_) == 2


def test_epochs_over_several_calls_equal_one_fit(iris):
    # The k-th epoch shuffles the same way whether trained by one fit or by
    # k partial_fit calls: the networks end bit-identical.
    X, y = iris
    kw = {"solver": "sgd", "learning_rate_init": 0.05, "batch_size": 32}
    one = _small(MLPClassifier, max_iter=4, n_iter_no_change=np.inf, **kw)
    with pytest.warns(ConvergenceWarning):
        one.fit(X, y)
    many = _small(MLPClassifier, **kw)
    for _ in range(4):
        many.partial_fit(X, y, classes=[0, 1, 2])
    for a, b in zip(one.coefs_ + one.intercepts_, many.coefs_ + many.intercepts_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_verbose_prints_scikit_learns_lines(iris, capsys):
    X, y = iris
    clf = _small(MLPClassifier, max_iter=3, verbose=True).fit(X, y)
    clf.partial_fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines  # nothing else: no Keras progress bar
    assert [int(m[1]) for m in matches] == [1, 2, 3, 1]
    assert_allclose([float(m[2]) for m in matches], clf.loss_curve_, atol=1e-8)
    _small(MLPClassifier, max_iter=2).fit(X, y)
    assert capsys.readouterr().out == ""
    clf = _small(MLPClassifier, tol=0.5, max_iter=50, n_iter_no_change=2, verbose=1)
    lines = capsys.readouterr().out.splitlines() if clf.fit(X, y) else []
    assert len(lines) == clf.n_iter_ + 1 < 51
    assert lines[-1] == (
        "Training loss did not improve more than tol=0.500000 for 2 consecutive "
        "epochs. Stopping."
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_early_stopping_scores_and_verbose(iris, capsys, cls):
    X, y = iris
    est = _small(cls, max_iter=4, early_stopping=True, verbose=1, warm_start=True)
    est.fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert len(est.validation_scores_) == est.n_iter_ == len(out) // 2
    scores = [float(line.split(": ")[1]) for line in out[1::2]]
    assert all(line.startswith("Validation score: ") for line in out[1::2])
    assert_allclose(scores, est.validation_scores_, atol=1e-6)
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None
    first = len(est.validation_scores_)
    est.fit(X, y)  # warm start: the scores go on
    assert len(est.validation_scores_) == first + est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_n_iter_no_change_stops_or_runs_all(iris):
    X, y = iris
    for patience in (2, 5):
        clf = _small(MLPClassifier, tol=0.5, max_iter=50, n_iter_no_change=patience)
        clf.fit(X, y)
        # As scikit-learn: the first epoch sets the best loss, then it stops
        # when patience + 1 epochs in a row improve it by less than tol.
        assert clf.n_iter_ == patience + 2 < 50
    clf = _small(MLPClassifier, tol=1e9, max_iter=12, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.n_iter_ == 12


def _learning_rate(est):
    return float(keras.ops.convert_to_numpy(est.model_.optimizer.learning_rate))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_invscaling_rate_continues_over_warm_starts():
    # scikit-learn's test_learning_rate_warmstart, on the Keras optimizer.
    X = [[3, 2], [1, 6], [5, 6], [-2, -4]]
    y = [1, 1, 1, 0]
    for schedule in ("invscaling", "constant"):
        mlp = MLPClassifier(
            solver="sgd",
            hidden_layer_sizes=4,
            learning_rate=schedule,
            max_iter=1,
            power_t=0.25,
            warm_start=True,
        )
        mlp.fit(X, y)
        before = _learning_rate(mlp)
        mlp.fit(X, y)
        after = _learning_rate(mlp)
        if schedule == "constant":
            assert before == after == pytest.approx(0.001)
        else:
            assert after == pytest.approx(0.001 / 9**0.25, rel=1e-6)


def test_adaptive_rate_falls_until_training_stops():
    # scikit-learn's test_adaptive_learning_rate, on the Keras optimizer.
    X = [[3, 2], [1, 6]]
    y = [1, 0]
    clf = MLPClassifier(tol=0.5, max_iter=3000, solver="sgd", learning_rate="adaptive")
    clf.fit(X, y)
    assert clf.max_iter > clf.n_iter_
    assert _learning_rate(clf) < 1e-6
