"""Tests for skkeras.tasks: the tutorial recipes and parameter names."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import check_scoring
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    ParameterGrid,
    StratifiedKFold,
    cross_validate,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import skkeras.model_selection
from skkeras import MLPClassifier, MLPRegressor
from skkeras.tasks import Task, get_task, list_tasks, resolve_param_names

NAMES = ["pima", "iris", "boston", "bank", "gender"]
SHAPES = {
    "pima": (768, 8),
    "iris": (150, 4),
    "boston": (506, 13),
    "bank": (4521, 15),
    "gender": (1000, 3),
}


def test_list_tasks_order_and_types():
    tasks = list_tasks()
    assert [t.name for t in tasks] == NAMES
    assert all(isinstance(t, Task) for t in tasks)


@pytest.mark.parametrize("name", ["pima", "PIMA", " Bank "])
def test_get_task_is_case_insensitive(name):
    assert get_task(name).name == name.strip().lower()


def test_get_task_unknown_suggests_the_closest():
    with pytest.raises(
        ValueError, match=r"unknown task 'pimaa'; did you mean 'pima'\?"
    ):
        get_task("pimaa")
    with pytest.raises(
        ValueError, match=r"'mnist'\. The tasks are: pima, iris, boston, bank, gender"
    ):
        get_task("mnist")


@pytest.mark.parametrize("name", NAMES)
def test_load_shapes_and_frames(name):
    task = get_task(name)
    X, y = task.load()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == SHAPES[name]
    assert len(y) == X.shape[0]
    assert not X.isna().any().any()
    # Fresh copies: changing one load does not change the next.
    X.iloc[0, 0] = -12345
    assert task.load()[0].iloc[0, 0] != -12345


def test_load_targets():
    _, y = get_task("iris").load()
    assert sorted(y.unique()) == ["setosa", "versicolor", "virginica"]
    assert y.value_counts().tolist() == [50, 50, 50]
    _, y = get_task("gender").load()
    assert y.value_counts().to_dict() == {"female": 500, "male": 500}
    _, y = get_task("pima").load()
    assert np.bincount(y).tolist() == [500, 268]
    _, y = get_task("bank").load()
    assert y.value_counts().to_dict() == {"no": 4000, "yes": 521}
    _, y = get_task("boston").load()
    assert y.dtype == np.float64 and y.max() == 50.0


def test_bank_has_nine_categorical_and_six_numeric_columns():
    X, _ = get_task("bank").load()
    numeric = X.select_dtypes("number").columns
    assert len(numeric) == 6 and "duration" not in X.columns
    assert X.shape[1] - len(numeric) == 9


def test_bank_keep_duration_option():
    task = get_task("bank")
    assert task.options["keep_duration"].default is False
    X, y = task.load(keep_duration=True)
    assert X.shape == (4521, 16) and "duration" in X.columns
    assert list(task.load(keep_duration=False)[0].columns) == [
        c for c in X.columns if c != "duration"
    ]
    with pytest.raises(ValueError, match="takes a bool, got 'yes'"):
        task.load(keep_duration="yes")
    with pytest.raises(ValueError, match="no data option 'keep_durations'"):
        task.load(keep_durations=True)
    with pytest.raises(ValueError, match="its options: none"):
        get_task("pima").load(keep_duration=True)
    assert get_task("pima").options == {}


@pytest.mark.parametrize("name", NAMES)
def test_recipe_attributes(name):
    task = get_task(name)
    assert task.kind in {"binary", "multiclass", "regression"}
    assert task.is_classifier == (task.kind != "regression")
    assert task.n_splits == 10
    assert task.refit == next(iter(task.scoring))
    assert task.description and task.tutorial and task.title
    assert task.estimator_step in task.model_summary.lower()
    assert str(task.estimator_params["max_iter"]) in task.model_short
    assert repr(task) == f"Task({name!r}, kind={task.kind!r})"
    X, y = task.load()
    pipe = task.make_pipeline()
    # Every scorer is valid for the pipeline.
    assert check_scoring(pipe, scoring=task.scoring) is not None
    # Every grid parameter is a parameter of the pipeline.
    for grid in (task.param_grid, task.quick_grid):
        for params in ParameterGrid(grid):
            pipe.set_params(**params)
    assert len(ParameterGrid(task.param_grid)) == task.n_candidates()
    assert len(ParameterGrid(task.quick_grid)) == task.n_candidates(quick=True) == 4


def test_containers_are_copies():
    task = get_task("pima")
    task.param_grid["mlpclassifier__max_iter"].append(1)
    task.scoring["extra"] = "r2"
    task.estimator_params["max_iter"] = 1
    assert 1 not in task.param_grid["mlpclassifier__max_iter"]
    assert "extra" not in task.scoring
    assert task.estimator_params["max_iter"] != 1


def test_pima_grid_is_the_tutorial_grid():
    grid = get_task("pima").param_grid
    assert grid == {
        "mlpclassifier__solver": ["rmsprop", "adam"],
        "mlpclassifier__kernel_initializer": ["glorot_uniform", "normal", "uniform"],
        "mlpclassifier__max_iter": [50, 100, 150],
        "mlpclassifier__batch_size": [5, 10, 20],
    }


@pytest.mark.parametrize(
    "name, estimator, pre",
    [
        ("pima", MLPClassifier, StandardScaler),
        ("iris", MLPClassifier, StandardScaler),
        ("boston", MLPRegressor, StandardScaler),
        ("bank", MLPClassifier, ColumnTransformer),
        ("gender", MLPClassifier, StandardScaler),
    ],
)
def test_make_pipeline_structure(name, estimator, pre):
    task = get_task(name)
    pipe = task.make_pipeline()
    assert isinstance(pipe, Pipeline)
    assert isinstance(pipe[0], pre) and isinstance(pipe[-1], estimator)
    assert pipe.steps[-1][0] == task.estimator_step
    assert pipe[-1].random_state == 0
    for key, value in task.estimator_params.items():
        assert pipe[-1].get_params()[key] == value
    # A fresh pipeline each time.
    assert task.make_pipeline() is not pipe
    assert task.make_pipeline()[-1] is not pipe[-1]


def test_make_pipeline_short_and_full_names():
    task = get_task("bank")
    pipe = task.make_pipeline(
        max_iter=7,
        mlpclassifier__batch_size=64,
        with_mean=False,  # the StandardScaler inside the ColumnTransformer
    )
    assert pipe[-1].max_iter == 7 and pipe[-1].batch_size == 64
    assert pipe.get_params()["columntransformer__standardscaler__with_mean"] is False
    # The final step wins over a pipeline parameter of the same short name.
    assert task.make_pipeline(verbose=True)[-1].verbose is True


def test_make_pipeline_frame_leaves_the_preprocessing_out():
    task = get_task("bank")
    pipe = task.make_pipeline(frame=True, max_iter=1)
    assert len(pipe.steps) == 1 and isinstance(pipe[-1], MLPClassifier)
    assert pipe[-1].max_iter == 1
    X, y = task.load()
    fitted = pipe.fit(X.head(40), y.head(40))
    assert fitted[-1].n_features_in_ == X.shape[1]
    with pytest.raises(ValueError, match="only bank has them, not pima"):
        get_task("pima").make_pipeline(frame=True)


def test_make_pipeline_unknown_parameter_suggests():
    with pytest.raises(
        ValueError, match=r"unknown parameter 'max_iters'; did you mean 'max_iter'"
    ):
        get_task("pima").make_pipeline(max_iters=5)
    with pytest.raises(
        ValueError, match="unknown parameter 'zzz'; the network's parameters are"
    ) as info:
        get_task("pima").make_pipeline(zzz=5)
    assert "hidden_layer_sizes" in str(info.value) and "max_iter" in str(info.value)


def test_resolve_param_names_errors():
    pipe = make_pipeline(StandardScaler(), StandardScaler(), MLPClassifier())
    with pytest.raises(ValueError, match="'with_mean' is ambiguous"):
        resolve_param_names(pipe, {"with_mean": False})
    with pytest.raises(ValueError, match="given twice"):
        resolve_param_names(pipe, {"max_iter": 1, "mlpclassifier__max_iter": 2})
    assert resolve_param_names(pipe, {"standardscaler-1__with_mean": False}) == {
        "standardscaler-1__with_mean": False
    }
    # Not a pipeline: names are the estimator's own.
    assert resolve_param_names(MLPClassifier(), {"max_iter": 3}) == {"max_iter": 3}
    with pytest.raises(ValueError, match="the valid names are activation, alpha"):
        resolve_param_names(MLPClassifier(), {"zzz": 3})


def test_cv_splitters():
    cv = get_task("pima").cv()
    assert isinstance(cv, StratifiedKFold)
    assert (cv.n_splits, cv.shuffle, cv.random_state) == (10, True, 0)
    cv = get_task("boston").cv(seed=3, n_splits=4)
    assert isinstance(cv, KFold)
    assert (cv.n_splits, cv.shuffle, cv.random_state) == (4, True, 3)
    X, y = get_task("iris").load()
    first = [test.tolist() for _, test in get_task("iris").cv(seed=1).split(X, y)]
    again = [test.tolist() for _, test in get_task("iris").cv(seed=1).split(X, y)]
    other = [test.tolist() for _, test in get_task("iris").cv(seed=2).split(X, y)]
    assert first == again and first != other


def test_baselines():
    task = get_task("bank")
    X, y = task.load()
    assert isinstance(task.make_baseline(), DummyClassifier)
    result = cross_validate(
        task.make_baseline(), X, y, cv=task.cv(), scoring=task.scoring
    )
    assert result["test_accuracy"].mean() == pytest.approx(0.885, abs=1e-3)
    assert result["test_roc_auc"].mean() == pytest.approx(0.5)
    assert isinstance(get_task("boston").make_baseline(), DummyRegressor)


def test_make_search_configuration():
    task = get_task("iris")
    search = task.make_search(quick=True, seed=2, n_splits=3, n_jobs=1, max_iter=4)
    assert isinstance(search, GridSearchCV)
    assert search.param_grid == task.quick_grid
    assert search.scoring == task.scoring and search.refit == "accuracy"
    assert search.cv.n_splits == 3 and search.cv.random_state == 2
    assert search.estimator[-1].random_state == 2
    assert search.estimator[-1].max_iter == 4
    assert search.error_score == "raise"
    assert task.make_search().param_grid == task.param_grid
    # The fits of the search are trained together where they can be.
    assert isinstance(search, skkeras.model_selection.GridSearchCV)


def test_progress_search_trains_ahead_and_reports_each_candidate():
    from skkeras.tasks._progress import make_progress_search

    task = get_task("iris")
    X, y = task.load()
    pipe = task.make_pipeline(random_state=0, hidden_layer_sizes=(4,), batch_size=50)
    grid = {"mlpclassifier__max_iter": [2, 3]}
    kwargs = dict(
        cv=task.cv(seed=0, n_splits=2), scoring=task.scoring, refit=task.refit
    )
    calls = []
    search = make_progress_search(
        pipe, grid, callback=lambda n, status="": calls.append((n, status)), **kwargs
    )
    search.fit(X, y)
    assert calls[0] == (0, "training")
    assert [n for n, _ in calls[1:]] == [1, 2]
    assert calls[-1][1] == "refitting the best on all data"
    # Both candidates differ only in max_iter: each fold trains one run for
    # both, ahead of scikit-learn's search, which takes the four fits over.
    assert search.grouping_["replayed"] == 4
    reference = GridSearchCV(pipe, grid, **kwargs).fit(X, y)
    for key in ("mean_test_accuracy", "rank_test_accuracy"):
        np.testing.assert_allclose(search.cv_results_[key], reference.cv_results_[key])


@pytest.mark.parametrize("name", ["bank", "boston"])
def test_recipe_cross_validates(name):
    """A tiny end-to-end run: the pipeline trains on the task's frames."""
    task = get_task(name)
    X, y = task.load()
    pipe = task.make_pipeline(max_iter=1, hidden_layer_sizes=(4,))
    result = cross_validate(
        pipe, X, y, cv=task.cv(n_splits=2), scoring=task.scoring, return_estimator=True
    )
    for metric in task.scoring:
        assert np.isfinite(result[f"test_{metric}"]).all()
    fitted = result["estimator"][0]
    assert list(fitted.feature_names_in_) == list(X.columns)
