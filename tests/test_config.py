"""skkeras.config: valid settings are accepted and take effect, invalid ones are
refused with the valid values, and settings stay in their thread and block."""

import os
import subprocess
import sys
import threading

import keras
import numpy as np
import pytest
from joblib import Parallel, delayed

import skkeras
from skkeras import MLPClassifier, _engine
from skkeras._config import with_caller_config
from skkeras.config import Config, config_context, get_config, set_config

COMPILED_BACKEND = keras.backend.backend() in ("tensorflow", "jax")
KEYS = (
    "SKKERAS_ENGINE",
    "SKKERAS_GROUP",
    "SKKERAS_GROUP_BYTES",
    "SKKERAS_ENGINE_JIT",
    "SKKERAS_XLA_OPTIONS",
)


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch):
    """The built-in defaults, whatever the environment running the tests."""
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.rand(30, 3).astype(np.float32)
    return X, (X[:, 0] > 0.5).astype(int)


VALID = [
    ("engine", "keras"),
    ("engine", "auto"),
    ("group", "always"),
    ("group", "never"),
    ("group", "auto"),
    ("group_bytes", 1),
    ("group_bytes", np.int64(2**30)),
    ("engine_jit", False),
    ("engine_jit", True),
    ("xla_options", False),
    ("xla_options", True),
]


@pytest.mark.parametrize("key, value", VALID)
def test_valid_values_are_accepted(key, value):
    with config_context(**{key: value}):
        assert getattr(get_config(), key) == value
    assert get_config() == Config()


@pytest.mark.parametrize(
    "key, value, valid",
    [
        ("engine", "Keras", "'auto', 'keras'"),
        ("engine", "tensorflow", "'auto', 'keras'"),
        ("group", "sometimes", "'auto', 'always', 'never'"),
        ("group", True, "'auto', 'always', 'never'"),
        ("group_bytes", 0, "a positive int"),
        ("group_bytes", -5, "a positive int"),
        ("group_bytes", 1.5, "a positive int"),
        ("group_bytes", True, "a positive int"),
        ("engine_jit", 0, "True or False"),
        ("xla_options", "no", "True or False"),
    ],
)
def test_invalid_values_are_refused_with_the_valid_ones(key, value, valid):
    with pytest.raises(ValueError, match=valid) as info:
        set_config(**{key: value})
    assert repr(key) in str(info.value) and repr(value) in str(info.value)
    with pytest.raises(ValueError, match=valid):
        with config_context(**{key: value}):
            pass
    assert get_config() == Config()


@pytest.mark.parametrize("setter", [set_config, config_context])
def test_a_misspelled_key_gets_did_you_mean(setter):
    with pytest.raises(TypeError, match="'engin'.*Did you mean 'engine'"):
        setter(engin="keras")
    with pytest.raises(TypeError, match="'group_byte'.*Did you mean 'group_bytes'"):
        setter(group_byte=10)
    with pytest.raises(TypeError, match="The keys are: engine, group"):
        setter(colour="blue")


def test_a_refused_call_changes_nothing():
    with pytest.raises(TypeError):
        set_config(group="never", engin="keras")
    with pytest.raises(ValueError):
        set_config(group="never", engine="fast")
    assert get_config().group == "auto"


def test_contexts_nest_and_restore():
    with config_context(engine="keras", group="never"):
        with config_context(group="always"):
            assert (get_config().engine, get_config().group) == ("keras", "always")
            set_config(group_bytes=10)  # undone when the enclosing block ends
        assert get_config() == Config(engine="keras", group="never")
        with config_context(engine=None):  # None: the default again
            assert get_config().engine == "auto"
        with pytest.raises(RuntimeError):
            with config_context(group="always"):
                raise RuntimeError
        assert get_config().group == "never"
    assert get_config() == Config()


def test_set_config_holds_until_reset():
    set_config(group="never", group_bytes=123)
    try:
        assert get_config() == Config(group="never", group_bytes=123)
        set_config(group=None)
        assert get_config() == Config(group_bytes=123)
    finally:
        set_config(group_bytes=None)
    assert get_config() == Config()


def test_threads_keep_their_own_configuration():
    seen = {}

    def worker():
        seen["start"] = get_config().engine
        set_config(engine="keras")
        seen["set"] = get_config().engine

    with config_context(engine="keras", group="never"):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        with config_context(group="always"):
            other = threading.Thread(
                target=lambda: seen.update(group=get_config().group)
            )
            other.start()
            other.join()
    # A new thread starts from the defaults, and its settings stay in it.
    assert seen == {"start": "auto", "set": "keras", "group": "auto"}
    assert get_config() == Config()


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_workers_get_the_configuration_of_the_caller_that_wraps(backend):
    with config_context(engine="keras", group_bytes=7):
        wrapped = with_caller_config(get_config)
        carried = Parallel(n_jobs=2, backend=backend)(
            delayed(wrapped)() for _ in range(2)
        )
        plain = Parallel(n_jobs=2, backend=backend)(
            delayed(get_config)() for _ in range(2)
        )
    assert carried == [Config(engine="keras", group_bytes=7)] * 2
    assert plain == [Config()] * 2  # without the wrapper: the defaults


def test_the_environment_gives_the_defaults_at_each_read(monkeypatch):
    monkeypatch.setenv("SKKERAS_GROUP", "Never")
    monkeypatch.setenv("SKKERAS_GROUP_BYTES", "4096")
    monkeypatch.setenv("SKKERAS_ENGINE_JIT", "off")
    monkeypatch.setenv("SKKERAS_XLA_OPTIONS", "0")
    assert get_config() == Config(
        group="never", group_bytes=4096, engine_jit=False, xla_options=False
    )
    with config_context(group="always", engine_jit=True):  # explicit settings win
        assert (get_config().group, get_config().engine_jit) == ("always", True)
        with config_context(group=None):
            assert get_config().group == "never"
    monkeypatch.setenv("SKKERAS_GROUP_BYTES", "0")  # 0: the built-in default
    monkeypatch.setenv("SKKERAS_ENGINE", "keras")
    assert get_config().group_bytes is None and get_config().engine == "keras"


@pytest.mark.parametrize(
    "name, text, valid, override",
    [
        ("SKKERAS_ENGINE", "fast", "auto, keras", {"engine": "auto"}),
        ("SKKERAS_GROUP_BYTES", "1GB", "a number of bytes", {"group_bytes": 10}),
        ("SKKERAS_ENGINE_JIT", "maybe", "1, true", {"engine_jit": True}),
    ],
)
def test_an_invalid_environment_variable_is_named(
    monkeypatch, name, text, valid, override
):
    monkeypatch.setenv(name, text)
    with pytest.raises(ValueError, match=f"{name}='{text}'.*{valid}"):
        get_config()
    with config_context(**override):  # an explicit setting does not read it
        assert get_config() == Config(**override)


def test_a_new_process_takes_its_defaults_from_the_environment():
    code = (
        "import sys, skkeras; print(skkeras.config.get_config().group, "
        "'keras' in sys.modules)"
    )
    env = dict(os.environ, SKKERAS_GROUP="never", PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    assert out == ["never", "False"]  # and the configuration does not import Keras
    assert "config" in dir(skkeras) and skkeras.config.get_config is get_config


@pytest.mark.skipif(not COMPILED_BACKEND, reason="no compiled engine on this backend")
def test_engine_keras_sends_fits_and_predictions_to_keras(data):
    X, y = data
    clf = MLPClassifier((3,), max_iter=2, random_state=0)
    with config_context(engine="keras"):
        clf.fit(X, y)
        assert _engine.last_dispatch() == ("keras", "engine='keras' in skkeras.config")
    clf.fit(X, y)
    assert _engine.last_dispatch() == ("compiled", None)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="the TF engine")
def test_engine_jit_false_traces_the_loop_without_xla(data):
    from skkeras._engine import tensorflow as tf_engine

    X, y = data

    def runner():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return tf_engine.make_train_runner(
            model,
            X,
            y,
            None,
            None,
            batch_size=8,
            val_batch_size=8,
            shuffle=True,
            seed=0,
        )

    with config_context(engine_jit=False):
        assert runner().entry.jit is False
    assert runner().entry.jit is True
