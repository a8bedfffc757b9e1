"""Keras' backend chosen once, at ``import skkeras`` (skkeras._backend_choice)."""

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from skkeras._backend_choice import choose, keras_json_backend

ALL = {"tensorflow", "jax", "torch"}
NO_TF = {"jax", "torch"}


# -- the user's choice is kept -------------------------------------------------


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch", "numpy"])
def test_keras_backend_set_by_the_user_is_kept(backend):
    choice = choose(backend, "tensorflow", ALL)
    assert choice == (backend, False, None, False)


def test_keras_backend_wins_over_keras_json():
    assert choose("tensorflow", "jax", ALL).backend == "tensorflow"
    assert choose("jax", "torch", ALL).backend == "jax"


def test_a_backend_in_keras_json_is_kept_without_tensorflow():
    choice = choose(None, "torch", NO_TF)
    assert choice.backend == "torch" and not choice.set_env and not choice.error


def test_an_empty_keras_backend_counts_as_unset():
    # Keras ignores KERAS_BACKEND="" too.
    assert choose("", None, NO_TF).backend == "jax"
    assert choose("", "torch", NO_TF).backend == "torch"


@pytest.mark.parametrize("config", [None, "tensorflow"])
def test_with_tensorflow_installed_nothing_changes(config):
    assert choose(None, config, ALL) == ("tensorflow", False, None, False)
    assert choose(None, config, {"tensorflow"}) == ("tensorflow", False, None, False)


# -- the automatic choice, only when TensorFlow is missing --------------------


@pytest.mark.parametrize("config", [None, "tensorflow"])
def test_without_tensorflow_jax_is_selected(config):
    # keras.json's "tensorflow" is what Keras writes into a new file.
    choice = choose(None, config, NO_TF)
    assert choice.backend == "jax" and choice.set_env and not choice.error
    assert "TensorFlow is not installed" in choice.message
    assert "KERAS_BACKEND" in choice.message


def test_without_tensorflow_and_jax_torch_is_selected():
    choice = choose(None, None, {"torch"})
    assert choice.backend == "torch" and choice.set_env


def test_without_any_backend_the_error_says_what_to_install():
    choice = choose(None, None, set())
    assert choice.error and choice.backend is None
    assert "pip install tensorflow" in choice.message
    assert "skkeras[jax]" in choice.message


# -- a chosen backend that is missing -----------------------------------------


def test_tensorflow_chosen_but_missing_names_the_fix():
    choice = choose("tensorflow", None, NO_TF)
    assert choice.error and not choice.set_env
    assert "KERAS_BACKEND=tensorflow" in choice.message
    assert "pip install tensorflow" in choice.message
    assert "KERAS_BACKEND=jax" in choice.message
    assert 'pip install "skkeras[jax]"' in choice.message


def test_jax_chosen_in_keras_json_but_missing_names_the_fix():
    choice = choose(None, "jax", {"tensorflow"})
    assert choice.error and "keras.json" in choice.message
    assert 'pip install "skkeras[jax]"' in choice.message


def test_keras_already_imported_is_left_alone():
    choice = choose(None, None, NO_TF, keras_backend="torch")
    assert choice == ("torch", False, None, False)
    assert choose("jax", None, ALL, keras_backend="tensorflow").backend == (
        "tensorflow"
    )
    choice = choose(None, None, NO_TF, keras_backend="tensorflow")
    assert choice.error and not choice.set_env
    assert "already imported" in choice.message
    assert "pip install tensorflow" in choice.message


# -- keras.json, found where Keras finds it -----------------------------------


def test_keras_json_backend_reads_keras_home(tmp_path):
    assert keras_json_backend({"KERAS_HOME": str(tmp_path)}) is None
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax"}))
    assert keras_json_backend({"KERAS_HOME": str(tmp_path)}) == "jax"
    (tmp_path / "keras.json").write_text("{not json")
    assert keras_json_backend({"KERAS_HOME": str(tmp_path)}) is None
    (tmp_path / "keras.json").write_text("[1, 2]")
    assert keras_json_backend({"KERAS_HOME": str(tmp_path)}) is None


# -- the real import, TensorFlow hidden ---------------------------------------

# TensorFlow made to look uninstalled before anything else runs in the child
# process: ``import tensorflow`` raises ModuleNotFoundError and
# ``importlib.util.find_spec("tensorflow")`` is None.
_HIDE_TF = "import sys; sys.modules['tensorflow'] = None\n"


def _run_hidden_tf(code, tmp_path, **env):
    environ = {
        k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "KERAS_HOME")
    }
    environ.update(KERAS_HOME=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3", **env)
    return subprocess.run(
        [sys.executable, "-c", _HIDE_TF + code],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="needs JAX")
def test_import_without_tensorflow_selects_jax(tmp_path):
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "tensorflow"}))
    code = (
        "import logging; logging.basicConfig(level=logging.INFO)\n"
        "import importlib.util\n"
        "assert importlib.util.find_spec('tensorflow') is None\n"
        "import skkeras, keras, os\n"
        "print('BACKEND', keras.backend.backend(), os.environ['KERAS_BACKEND'])\n"
        "from skkeras import MLPClassifier\n"
        "clf = MLPClassifier((4,), max_iter=5, random_state=0)\n"
        "print('SCORE', clf.fit([[0.0], [1.0]] * 5, [0, 1] * 5).score([[0.0]], [0]))\n"
        "import sys; print('TF', sys.modules.get('tensorflow'))\n"
    )
    proc = _run_hidden_tf(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "BACKEND jax jax" in proc.stdout
    assert "SCORE" in proc.stdout and "TF None" in proc.stdout
    assert "selected Keras' jax backend" in proc.stderr


def test_import_with_tensorflow_chosen_but_hidden_fails_clearly(tmp_path):
    proc = _run_hidden_tf("import skkeras\n", tmp_path, KERAS_BACKEND="tensorflow")
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr and "pip install tensorflow" in proc.stderr
