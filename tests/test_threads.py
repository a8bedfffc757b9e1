"""Parallel search: loky, threading and Dask workers, without oversubscription."""

import os

import joblib
import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV

from skkeras import MLPClassifier

GRID = {"learning_rate_init": [0.003, 0.1], "hidden_layer_sizes": [(2,), (6,)]}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return ((X - X.mean(0)) / X.std(0)).astype(np.float32), y


def _search(n_jobs=1):
    est = MLPClassifier(
        max_iter=8, batch_size=16, random_state=0, n_iter_no_change=np.inf
    )
    return GridSearchCV(est, GRID, cv=2, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def serial(iris):
    return _search().fit(*iris)


def _fit_in_worker(X, y):
    est = MLPClassifier((3,), max_iter=1, random_state=0).fit(X, y)
    budget = os.environ.get("OMP_NUM_THREADS")
    threads = None
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        threads = tf.config.threading.get_intra_op_parallelism_threads()
    elif keras.backend.backend() == "torch":
        import torch

        threads = torch.get_num_threads()
    return budget, threads, est.n_iter_


def test_process_workers_use_their_share_of_the_cores(iris):
    results = joblib.Parallel(n_jobs=2)(
        joblib.delayed(_fit_in_worker)(*iris) for _ in range(2)
    )
    for budget, threads, n_iter in results:
        assert n_iter == 1
        assert budget is not None  # loky sets the budget: cores // n_jobs
        if threads is not None:
            assert threads == int(budget)


def test_threading_backend_gives_the_serial_result(iris, serial):
    with joblib.parallel_backend("threading", n_jobs=2):
        search = _search(n_jobs=2).fit(*iris)
    assert search.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
        atol=1e-6,
    )


def test_loky_backend_gives_the_serial_result(iris, serial):
    search = _search(n_jobs=2).fit(*iris)
    assert search.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
        atol=1e-6,
    )


@pytest.mark.timeout(300)
def test_dask_local_cluster_gives_the_serial_result(iris, serial):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        with (
            distributed.get_task_stream(client) as stream,
            joblib.parallel_backend("dask"),
        ):
            search = _search(n_jobs=-1).fit(*iris)
        # The fits ran as tasks in the workers' processes.
        workers = {task["worker"] for task in stream.data}
        assert stream.data and workers <= set(client.scheduler_info()["workers"])
    assert search.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
        atol=1e-6,
    )


def _warm_start_in_worker():
    from skkeras.tasks._run import import_keras_quietly

    import_keras_quietly()
    if keras.backend.backend() != "tensorflow":
        return os.environ.get("OMP_NUM_THREADS"), None
    import tensorflow as tf

    budget = os.environ.get("OMP_NUM_THREADS")
    return budget, tf.config.threading.get_intra_op_parallelism_threads()


def test_cli_worker_warm_up_sizes_the_pools_first():
    """The CLI starts Keras in its workers before any fit; the pools must
    still get the worker's share of the cores, not every core."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)  # fresh workers
    results = joblib.Parallel(n_jobs=2)(
        joblib.delayed(_warm_start_in_worker)() for _ in range(2)
    )
    for budget, threads in results:
        assert budget is not None
        if threads is not None:
            assert threads == int(budget)
