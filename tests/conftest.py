"""Shared test set-up: quiet TensorFlow and small, fast builders."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
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
