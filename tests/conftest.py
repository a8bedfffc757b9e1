"""Shared test set-up: quiet TensorFlow and small, fast builders."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
