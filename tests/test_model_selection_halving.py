"""skkeras.model_selection's halving searches: scikit-learn's results, with
the survivors of each rung continuing their runs."""

import warnings

import keras
import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingGridSearchCV as SkHalvingGrid
from sklearn.model_selection import HalvingRandomSearchCV as SkHalvingRandom
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import KerasClassifier, MLPClassifier
from skkeras.config import config_context
from skkeras.model_selection import HalvingGridSearchCV, HalvingRandomSearchCV

GRID = {"learning_rate_init": [0.003, 0.01, 0.03, 0.1], "solver": ["adam", "sgd"]}
RUNGS = dict(resource="max_iter", min_resources=2, max_resources=18, factor=3, cv=3)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y


def _mlp(**kw):
    params = dict(hidden_layer_sizes=(4,), batch_size=16, random_state=0)
    params.update(kw)
    return MLPClassifier(**params)


def _same_results(ours, theirs, atol=1e-4):
    a, b = ours.cv_results_, theirs.cv_results_
    assert sorted(a) == sorted(b)
    assert a["params"] == b["params"]
    for key in ("iter", "n_resources"):
        np.testing.assert_array_equal(a[key], b[key])
    for key in b:
        if "test_score" in key:
            np.testing.assert_allclose(a[key], b[key], atol=atol, err_msg=key)
    np.testing.assert_array_equal(a["rank_test_score"], b["rank_test_score"])
    assert ours.best_params_ == theirs.best_params_
    assert ours.n_resources_ == theirs.n_resources_
    assert ours.n_candidates_ == theirs.n_candidates_
    assert ours.n_iterations_ == theirs.n_iterations_


def test_halving_grid_matches_scikit_learn_and_continues(iris):
    """The default MLP stops on its loss (n_iter_no_change=10): the resumed
    runs must count the epochs of the rung before, as a fresh run does."""
    X, y = iris
    ours = HalvingGridSearchCV(_mlp(), GRID, **RUNGS).fit(X, y)
    theirs = SkHalvingGrid(_mlp(), GRID, **RUNGS).fit(X, y)
    _same_results(ours, theirs)
    assert ours.best_estimator_.score(X, y) == pytest.approx(
        theirs.best_estimator_.score(X, y), abs=1e-6
    )
    assert ours.continuation_reason_ is None
    assert [r.n_resources for r in ours.rungs_] == ours.n_resources_
    assert ours.rungs_[0].fresh == ours.n_candidates_[0] * 3
    for rung, n in zip(ours.rungs_[1:], ours.n_candidates_[1:]):
        assert rung.continued + rung.copied == n * 3
        assert rung.fresh == 0 and not rung.alone


def test_survivors_train_only_the_new_epochs(iris):
    X, y = iris
    est = _mlp(n_iter_no_change=np.inf)  # every fit runs all its epochs
    ours = HalvingGridSearchCV(est, GRID, **RUNGS).fit(X, y)
    resources, candidates = ours.n_resources_, ours.n_candidates_
    assert len(resources) >= 2
    before = [0] + resources[:-1]
    expected = [n * (r - b) * 3 for n, r, b in zip(candidates, resources, before)]
    assert [r.epochs_trained for r in ours.rungs_] == expected
    # scikit-learn's search trains every rung from the first epoch.
    retrained = [n * r * 3 for n, r in zip(candidates, resources)]
    assert sum(expected) < sum(retrained)
    _same_results(ours, SkHalvingGrid(est, GRID, **RUNGS).fit(X, y))


def test_pipeline_resource_is_prefixed(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), _mlp(n_iter_no_change=np.inf))
    grid = {f"mlpclassifier__{k}": v for k, v in GRID.items()}
    rungs = dict(RUNGS, resource="mlpclassifier__max_iter")
    ours = HalvingGridSearchCV(pipe, grid, **rungs).fit(X, y)
    assert ours.continuation_reason_ is None
    assert sum(r.continued for r in ours.rungs_) > 0
    _same_results(ours, SkHalvingGrid(pipe, grid, **rungs).fit(X, y))


def test_halving_random_search_with_a_distribution(iris):
    X, y = iris
    space = {"learning_rate_init": loguniform(1e-3, 1e-1)}
    kw = dict(RUNGS, n_candidates=6, random_state=0)
    ours = HalvingRandomSearchCV(_mlp(), space, **kw).fit(X, y)
    theirs = SkHalvingRandom(_mlp(), space, **kw).fit(X, y)
    _same_results(ours, theirs)
    assert sum(r.continued + r.copied for r in ours.rungs_[1:]) > 0


def test_n_samples_is_scikit_learns_search(iris):
    X, y = iris
    kw = dict(cv=3, factor=2, min_resources=60, random_state=0)
    est = _mlp(max_iter=4)
    ours = HalvingGridSearchCV(est, GRID, **kw).fit(X, y)
    assert "n_samples" in ours.continuation_reason_ and ours.rungs_ == []
    _same_results(ours, SkHalvingGrid(est, GRID, **kw).fit(X, y))


def test_other_parameter_as_resource_retrains(iris):
    X, y = iris
    kw = dict(resource="batch_size", min_resources=8, max_resources=32, cv=3)
    est = _mlp(max_iter=3)
    grid = {"learning_rate_init": [0.01, 0.1]}
    ours = HalvingGridSearchCV(est, grid, factor=2, **kw).fit(X, y)
    assert "not the number of epochs" in ours.continuation_reason_
    _same_results(ours, SkHalvingGrid(est, grid, factor=2, **kw).fit(X, y))


def test_adaptive_learning_rate_trains_each_rung_afresh(iris):
    """ "adaptive" divides the learning rate: its callback changes the model,
    so a rung's fit cannot be shown as a continued run; it retrains."""
    X, y = iris
    est = _mlp(solver="sgd", learning_rate="adaptive", n_iter_no_change=1)
    grid = {"learning_rate_init": [0.01, 0.03, 0.1]}
    ours = HalvingGridSearchCV(est, grid, **RUNGS).fit(X, y)
    assert [r.continued + r.copied for r in ours.rungs_] == [0] * len(ours.rungs_)
    assert sum(r.fresh for r in ours.rungs_) == 3 * sum(ours.n_candidates_)
    _same_results(ours, SkHalvingGrid(est, grid, **RUNGS).fit(X, y))


def test_resource_that_is_not_a_parameter_is_refused(iris):
    X, y = iris
    search = HalvingGridSearchCV(_mlp(), GRID, resource="n_epochs", max_resources=9)
    with pytest.raises(ValueError, match="Cannot use resource=n_epochs"):
        search.fit(X, y)


def _net(meta):
    import keras

    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


def test_general_wrapper_continues_over_epochs(iris):
    X, y = iris
    est = KerasClassifier(
        _net, loss="sparse_categorical_crossentropy", batch_size=16, random_state=0
    )
    grid = {"optimizer__learning_rate": [0.003, 0.03, 0.1]}
    kw = dict(resource="epochs", min_resources=2, max_resources=6, cv=3)
    ours = HalvingGridSearchCV(est, grid, **kw).fit(X, y)
    assert ours.rungs_[1].continued == ours.n_candidates_[1] * 3
    _same_results(ours, SkHalvingGrid(est, grid, **kw).fit(X, y))


def test_unseeded_fits_are_not_continued(iris):
    """Without a seed two fits of a candidate start apart: nothing shows the
    rung's fit to be the earlier one continued, so it trains afresh."""
    X, y = iris
    ours = HalvingGridSearchCV(_mlp(random_state=None), GRID, **RUNGS).fit(X, y)
    assert ours.continuation_reason_ is None
    assert [r.continued + r.copied for r in ours.rungs_] == [0] * len(ours.rungs_)
    assert [r.fresh for r in ours.rungs_] == [3 * n for n in ours.n_candidates_]


@pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="vectorized training runs on JAX"
)
def test_continued_rungs_are_vectorized_on_jax(iris):
    """With every group vectorized (as on an accelerator), the continued fits
    of a rung train as one program, resuming each from its own epoch."""
    X, y = iris
    grid = {"learning_rate_init": [0.003, 0.01, 0.03, 0.1]}
    with config_context(group="always"):
        ours = HalvingGridSearchCV(_mlp(), grid, **RUNGS).fit(X, y)
    assert ours.rungs_[1].continued == ours.n_candidates_[1] * 3
    assert ours.rungs_[1].vectorized == ours.rungs_[1].continued
    _same_results(ours, SkHalvingGrid(_mlp(), grid, **RUNGS).fit(X, y))


_BUILT = []  # one entry per network _counted_net builds


def _counted_net(meta):
    _BUILT.append(meta["n_features_in_"])
    return _net(meta)


def test_survivors_continue_on_their_network_without_building_one(iris):
    """A survivor continues on the network its fit reached: only the first
    rung builds networks, where scikit-learn's search builds one per fit."""
    X, y = iris
    est = KerasClassifier(
        _counted_net,
        loss="sparse_categorical_crossentropy",
        batch_size=16,
        random_state=0,
    )
    grid = {"optimizer__learning_rate": [0.003, 0.03, 0.1]}
    kw = dict(resource="epochs", min_resources=2, max_resources=6, cv=3, refit=False)
    _BUILT.clear()
    ours = HalvingGridSearchCV(est, grid, **kw).fit(X, y)
    assert ours.rungs_[1].continued == ours.n_candidates_[1] * 3
    assert len(_BUILT) == ours.n_candidates_[0] * 3
    _BUILT.clear()
    theirs = SkHalvingGrid(est, grid, **kw).fit(X, y)
    assert len(_BUILT) == sum(theirs.n_candidates_) * 3
    _same_results(ours, theirs)
