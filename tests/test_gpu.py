"""On a GPU: the same results as the CPU, and no device memory growth.

Skipped cleanly where no GPU is visible (the usual CI machine); run on a GPU
machine with the JAX backend: ``KERAS_BACKEND=jax python -m pytest -m gpu``.
"""

import keras
import numpy as np
import pytest
from sklearn.datasets import load_iris

from skkeras import MLPClassifier


def _jax_gpu():
    if keras.backend.backend() != "jax":
        return None
    import jax

    gpus = [d for d in jax.devices() if d.platform == "gpu"]
    return gpus[0] if gpus else None


pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(_jax_gpu() is None, reason="needs a GPU and the JAX backend"),
]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return ((X - X.mean(0)) / X.std(0)).astype(np.float32), y


def _fit(X, y, seed=0):
    return MLPClassifier(
        (16,), max_iter=20, batch_size=16, random_state=seed, n_iter_no_change=np.inf
    ).fit(X, y)


def test_gpu_and_cpu_agree(iris):
    import jax

    X, y = iris
    on_gpu = _fit(X, y)
    assert {
        d.platform for v in on_gpu.model_.trainable_variables for d in v.value.devices()
    } == {"gpu"}
    with jax.default_device(jax.devices("cpu")[0]):
        on_cpu = _fit(X, y)
    np.testing.assert_allclose(
        on_gpu.loss_curve_, on_cpu.loss_curve_, rtol=1e-3, atol=1e-4
    )
    np.testing.assert_allclose(
        on_gpu.predict_proba(X), on_cpu.predict_proba(X), atol=1e-3
    )


def test_gpu_memory_does_not_grow_over_100_fits(iris):
    import gc

    X, y = iris
    device = _jax_gpu()
    used = []
    for i in range(100):
        _fit(X, y, seed=i)
        if i in (9, 99):
            gc.collect()
            used.append(device.memory_stats()["bytes_in_use"])
    assert used[1] - used[0] < 16 * 2**20, used
