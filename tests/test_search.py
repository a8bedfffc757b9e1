"""skkeras.model_selection: scikit-learn's results, with the fits grouped."""

import contextvars
import warnings
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest
from sklearn import model_selection as sk
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import KerasClassifier, MLPClassifier, MLPRegressor
from skkeras import model_selection as ms
from skkeras.config import config_context

JAX = keras.backend.backend() == "jax"
jax_only = pytest.mark.skipif(not JAX, reason="vectorized training runs on JAX")


@pytest.fixture(autouse=True)
def _group_on_the_cpu_too():
    """On the CPU only groups with shared runs are grouped by default; the
    tests group every group."""
    with config_context(group="always"):
        yield


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
    params = dict(
        hidden_layer_sizes=(4,),
        max_iter=6,
        batch_size=16,
        random_state=0,
        learning_rate_init=0.05,
    )
    params.update(kw)
    return MLPClassifier(**params)


def _same_results(ours, theirs, atol=0.02):
    a, b = ours.cv_results_, theirs.cv_results_
    assert sorted(a) == sorted(b)
    for key in b:
        if hasattr(b[key], "dtype"):
            assert a[key].dtype == b[key].dtype, key
    assert a["params"] == b["params"]
    for key in b:
        if "test_score" in key or "train_score" in key:
            np.testing.assert_allclose(a[key], b[key], atol=atol, err_msg=key)
    np.testing.assert_array_equal(a["rank_test_score"], b["rank_test_score"])


def test_grid_search_matches_scikit_learn(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), _mlp())
    grid = {
        "mlpclassifier__kernel_initializer": ["glorot_uniform", "uniform"],
        "mlpclassifier__learning_rate_init": [0.002, 0.05],
        "mlpclassifier__max_iter": [3, 6],
    }
    ours = ms.GridSearchCV(pipe, grid, cv=3, return_train_score=True).fit(X, y)
    theirs = sk.GridSearchCV(pipe, grid, cv=3, return_train_score=True).fit(X, y)
    _same_results(ours, theirs)
    assert ours.best_params_ == theirs.best_params_
    assert ours.best_estimator_.score(X, y) == pytest.approx(
        theirs.best_estimator_.score(X, y), abs=0.02
    )
    report = ours.grouping_
    if JAX:
        assert report["reason"] is None
        # One architecture and batch size: every fit in one program.
        assert [len(g["fits"]) for g in report["groups"]] == [24]
        assert report["alone"] == {}
        assert report["replayed"] == 24
    else:
        # One fit at a time, but the max_iter pairs share a run: 12 runs.
        assert report["reason"] is None
        assert [len(g["fits"]) for g in report["groups"]] == [2] * 12
        assert not any(g["vectorized"] for g in report["groups"])
        assert all("one fit at a time" in r for r in report["alone"].values())
    assert np.all(ours.cv_results_["mean_fit_time"] > 0)


@jax_only
def test_groups_follow_the_architecture(iris):
    X, y = iris
    grid = {
        "hidden_layer_sizes": [(3,), (5,)],
        "batch_size": [16, 32],
        "learning_rate_init": [0.01, 0.05],
    }
    search = ms.GridSearchCV(_mlp(), grid, cv=2).fit(X, y)
    groups = search.grouping_["groups"]
    assert sorted(len(g["fits"]) for g in groups) == [4, 4, 4, 4]
    candidates = search.cv_results_["params"]
    for group in groups:
        shapes = {
            (candidates[c]["hidden_layer_sizes"], candidates[c]["batch_size"])
            for c, _ in group["fits"]
        }
        assert len(shapes) == 1
    _same_results(search, sk.GridSearchCV(_mlp(), grid, cv=2).fit(X, y))


@jax_only
def test_ungroupable_fits_are_trained_alone_and_say_why(iris):
    X, y = iris
    grid = {"verbose": [0, 1], "hidden_layer_sizes": [(3,), (3, 3)]}
    search = ms.GridSearchCV(_mlp(max_iter=2), grid, cv=2).fit(X, y)
    alone = search.grouping_["alone"]
    cands = search.cv_results_["params"]
    verbose = {(c, s) for c in range(4) for s in range(2) if cands[c]["verbose"]}
    assert set(alone) >= verbose
    assert all("verbose" in alone[k] for k in verbose)
    # A one-fit structure is trained alone too, and the scores still agree.
    _same_results(search, sk.GridSearchCV(_mlp(max_iter=2), grid, cv=2).fit(X, y))


class Doubler(keras.layers.Layer):
    def call(self, x):
        return 2.0 * x


def _custom_build(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            Doubler(),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


@jax_only
def test_custom_layers_fall_back_to_one_fit_at_a_time(iris):
    X, y = iris
    est = KerasClassifier(
        _custom_build,
        loss="sparse_categorical_crossentropy",
        epochs=2,
        batch_size=32,
        random_state=0,
        verbose=0,
    )
    search = ms.GridSearchCV(est, {"optimizer__learning_rate": [0.01, 0.1]}, cv=2).fit(
        X, y
    )
    assert search.grouping_["groups"] == []
    assert all("configuration" in r for r in search.grouping_["alone"].values())
    assert search.grouping_["replayed"] == 4


@jax_only
def test_early_stopping_class_and_sample_weights(iris):
    X, y = iris
    rng = np.random.RandomState(0)
    w = rng.uniform(0.5, 2.0, len(y))
    est = _mlp(
        max_iter=30,
        early_stopping=True,
        n_iter_no_change=2,
        validation_fraction=0.2,
        class_weight="balanced",
    )
    grid = {"learning_rate_init": [0.001, 0.1], "tol": [1e-4, 0.05]}
    ours = ms.GridSearchCV(est, grid, cv=3).fit(X, y, sample_weight=w)
    theirs = sk.GridSearchCV(est, grid, cv=3).fit(X, y, sample_weight=w)
    _same_results(ours, theirs)
    assert ours.grouping_["replayed"] == 12


def test_randomized_search_without_a_seed_scores_what_it_trained(iris):
    X, y = iris
    search = ms.RandomizedSearchCV(
        _mlp(), {"learning_rate_init": np.linspace(0.001, 0.1, 20)}, n_iter=3, cv=2
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    assert search.random_state is None
    if JAX:
        assert search.grouping_["replayed"] == 6


def test_cross_validate_and_cross_val_score_match_scikit_learn(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), _mlp())
    ours = ms.cross_validate(
        pipe, X, y, cv=4, return_estimator=True, return_train_score=True
    )
    theirs = sk.cross_validate(
        pipe, X, y, cv=4, return_estimator=True, return_train_score=True
    )
    assert sorted(ours) == sorted(theirs)
    np.testing.assert_allclose(ours["test_score"], theirs["test_score"], atol=0.02)
    np.testing.assert_allclose(ours["train_score"], theirs["train_score"], atol=0.02)
    for est in ours["estimator"]:
        assert est[-1].n_iter_ == 6
    np.testing.assert_allclose(
        ms.cross_val_score(pipe, X, y, cv=4),
        sk.cross_val_score(pipe, X, y, cv=4),
        atol=0.02,
    )


def test_regression_scoring_strings_and_callables(iris):
    X, y = iris
    target = X[:, 0] * 0.5 + y
    est = MLPRegressor((4,), max_iter=5, batch_size=16, random_state=0)
    scoring = {
        "r2": "r2",
        "neg_mae": lambda e, X, y: -np.mean(np.abs(e.predict(X) - y)),
    }
    grid = {"alpha": [1e-4, 1e-1]}
    ours = ms.GridSearchCV(est, grid, cv=2, scoring=scoring, refit="r2").fit(X, target)
    theirs = sk.GridSearchCV(est, grid, cv=2, scoring=scoring, refit="r2").fit(
        X, target
    )
    for key in ("mean_test_r2", "mean_test_neg_mae"):
        np.testing.assert_allclose(
            ours.cv_results_[key], theirs.cv_results_[key], rtol=0.05
        )


def test_failing_candidates_get_error_score(iris):
    X, y = iris
    grid = {"hidden_layer_sizes": [(4,), (0,)]}
    with pytest.warns(FitFailedWarning):
        ours = ms.GridSearchCV(_mlp(max_iter=2), grid, cv=2, error_score=np.nan).fit(
            X, y
        )
    assert np.isnan(ours.cv_results_["mean_test_score"][1])
    assert np.isfinite(ours.cv_results_["mean_test_score"][0])
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        ms.GridSearchCV(_mlp(max_iter=2), grid, cv=2, error_score="raise").fit(X, y)


@jax_only
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_groups_split_when_memory_is_short(iris, n_jobs):
    # With n_jobs=2 the fits are grouped in joblib's worker processes, which
    # receive the caller's configuration.
    X, y = iris
    search = ms.GridSearchCV(
        _mlp(max_iter=2), {"learning_rate_init": [0.01, 0.05]}, cv=2, n_jobs=n_jobs
    )
    with config_context(group_bytes=1):
        search.fit(X, y)
    assert search.grouping_["groups"] == []
    assert all("split down" in r for r in search.grouping_["alone"].values())
    assert search.grouping_["replayed"] == 4


@jax_only
def test_n_jobs_spreads_blocks_over_workers(iris):
    X, y = iris
    grid = {"learning_rate_init": [0.005, 0.01, 0.05, 0.1]}
    ours = ms.GridSearchCV(_mlp(), grid, cv=2, n_jobs=2).fit(X, y)
    assert len(ours.grouping_["groups"]) == 2
    assert ours.grouping_["replayed"] == 8
    _same_results(ours, sk.GridSearchCV(_mlp(), grid, cv=2).fit(X, y))


def test_concurrent_searches_each_take_their_own_fits(iris):
    X, y = iris
    grid = {"max_iter": [2, 4]}  # a shared run per split, on every backend

    def search():
        return ms.GridSearchCV(_mlp(), grid, cv=2, refit=False).fit(X, y)

    alone = [search(), search()]
    with ThreadPoolExecutor(2) as pool:  # each thread in a copy of this context
        runs = [pool.submit(contextvars.copy_context().run, search) for _ in range(2)]
        together = [run.result() for run in runs]
    for a, t in zip(alone, together, strict=True):
        assert a.grouping_["replayed"] == t.grouping_["replayed"] == 4
        _same_results(t, a, atol=1e-6)


def test_other_estimators_use_scikit_learns_search(iris):
    X, y = iris
    search = ms.GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).fit(X, y)
    assert "skkeras" in search.grouping_["reason"]
    _same_results(
        search,
        sk.GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).fit(X, y),
        atol=0,
    )
    assert search.get_params()["cv"] == 2 and search.n_jobs is None


@pytest.fixture
def group_by_default():
    with config_context(group="auto"):
        yield


def test_default_groups_only_where_it_pays(iris, group_by_default):
    from skkeras._engine import batch

    X, y = iris
    grid = {"learning_rate_init": [0.01, 0.05]}
    unshared = ms.GridSearchCV(_mlp(max_iter=2), grid, cv=2).fit(X, y)
    shared = ms.GridSearchCV(_mlp(), {"max_iter": [2, 4]}, cv=2).fit(X, y)
    # The two splits are two runs; each serves both max_iter candidates.
    assert shared.grouping_["reason"] is None
    assert sum(g["runs"] for g in shared.grouping_["groups"]) == 2
    assert shared.grouping_["replayed"] == 4
    _same_results(shared, sk.GridSearchCV(_mlp(), {"max_iter": [2, 4]}, cv=2).fit(X, y))
    if batch.unshared_reason() is None:  # JAX on an accelerator
        assert len(unshared.grouping_["groups"]) == 1
    else:  # nothing to share and fits train one at a time: scikit-learn's search
        assert "differ only in max_iter" in unshared.grouping_["reason"]
        assert unshared.grouping_["groups"] == []
    _same_results(unshared, sk.GridSearchCV(_mlp(max_iter=2), grid, cv=2).fit(X, y))
