"""Shared test set-up: quiet TensorFlow and small, fast builders."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# skkeras first: without TensorFlow it selects the backend before Keras loads.
import skkeras  # noqa: E402, F401, I001
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


class InterruptAt(keras.callbacks.Callback):
    """Raise KeyboardInterrupt when epoch ``epoch`` begins (a user's Ctrl-C)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


@pytest.fixture
def interrupt_at():
    """The :class:`InterruptAt` callback class."""
    return InterruptAt


def _assert_same_fits(alone, together, *, rtol, atol):
    """Estimators trained together (a vectorized group, a shared run) match
    the same estimators fitted one by one: epochs, loss curves, weights."""
    assert len(alone) == len(together)
    for a, t in zip(alone, together):
        assert a.n_iter_ == t.n_iter_
        np.testing.assert_allclose(a.loss_curve_, t.loss_curve_, rtol=rtol, atol=atol)
        for wa, wt in zip(a.model_.get_weights(), t.model_.get_weights()):
            np.testing.assert_allclose(wa, wt, rtol=rtol, atol=atol)


@pytest.fixture
def assert_same_fits():
    """``assert_same_fits(alone, together, rtol=..., atol=...)``."""
    return _assert_same_fits
