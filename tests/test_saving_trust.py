"""The allow-list of skkeras.load: what a file may name, both ways."""

import inspect

import keras
import pytest

from skkeras import StepDecay
from skkeras._saving_trust import ALLOWED, DROPPED, REFUSED, Trust


def build(meta):
    return None


@pytest.mark.parametrize(
    "path",
    [
        "keras.layers:Dense",
        "keras.losses:Huber",
        "keras.losses:mean_squared_error",
        "keras.metrics:AUC",
        "keras.activations:relu",
        "keras.optimizers:Adam",
        "keras.optimizers.schedules:ExponentialDecay",
        "keras.initializers:HeNormal",
        "keras.constraints:MaxNorm",
        "keras.regularizers:L2",
        "keras.callbacks:EarlyStopping",
        "keras.callbacks:ReduceLROnPlateau",
        "skkeras._schedules:StepDecay",
    ],
)
def test_modelling_objects_are_allowed(path):
    verdict = Trust().verdict(path)
    assert verdict.decision == ALLOWED, verdict.reason
    assert inspect.isclass(verdict.obj) or inspect.isfunction(verdict.obj)


@pytest.mark.parametrize(
    "path",
    [
        "keras.saving:deserialize_keras_object",
        "keras.saving:load_model",
        "keras.models:load_model",
        "keras.models:model_from_json",
        "keras.config:enable_unsafe_deserialization",
        "keras.utils:get_file",
        "keras.layers:deserialize",
        "keras.activations:get",
        "keras.layers:Lambda",
        "keras.layers:TFSMLayer",
        "keras:Sequential",
        "keras.ops:relu",
        "skkeras:load",
        "skkeras:MLPClassifier",
        "os:system",
        "builtins:eval",
        "skkeras._saving:os.system",
        "keras.src.saving.serialization_lib:enable_unsafe_deserialization",
        "tests.test_saving_trust:build",
        "not a path",
        "keras.layers:__class__",
    ],
)
def test_everything_else_is_refused(path):
    assert Trust().verdict(path).decision == REFUSED


@pytest.mark.parametrize(
    "name",
    [
        "ModelCheckpoint",
        "BackupAndRestore",
        "CSVLogger",
        "TensorBoard",
        "RemoteMonitor",
        "LambdaCallback",
    ],
)
def test_acting_callbacks_are_dropped_unless_trusted(name):
    path = f"keras.callbacks:{name}"
    assert Trust().verdict(path).decision == DROPPED
    assert Trust(trusted=[path]).verdict(path).decision == ALLOWED
    cls = getattr(keras.callbacks, name)
    assert Trust(trusted=[cls]).verdict(path).obj is cls


def test_custom_objects_and_trusted_names_extend_the_list():
    path = f"{__name__}:build"
    assert Trust().verdict(path).decision == REFUSED
    assert Trust({"build": build}).verdict(path).obj is build
    assert Trust(trusted=[path]).verdict(path).obj is build
    assert (
        Trust(trusted=["keras.ops:relu"]).verdict("keras.ops:relu").decision == ALLOWED
    )


def test_block_list_holds_even_when_trusted():
    for path in ("keras.saving:load_model", "keras.layers:deserialize", "os:system"):
        assert Trust(trusted=[path]).verdict(path).decision == REFUSED


def test_trusted_refuses_other_values():
    with pytest.raises(TypeError, match="trusted must hold names"):
        Trust(trusted=[3])


def test_keras_configs_are_checked_name_by_name():
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(2, kernel_regularizer="l2")]
    )
    model.compile(optimizer="adam", loss=keras.losses.mean_squared_error)
    config = keras.saving.serialize_keras_object(model)
    assert all(v.decision == ALLOWED for _, v in Trust().config_names(config))
    for bad in (
        {
            "module": "keras.config",
            "class_name": "function",
            "config": "enable_unsafe_deserialization",
        },
        {"module": "builtins", "class_name": "function", "config": "deserialize"},
        {"module": "keras.layers", "class_name": "TFSMLayer", "config": {}},
        {
            "module": "my.module",
            "class_name": "Custom",
            "config": {},
            "registered_name": "My>Custom",
        },
        {"class_name": "__lambda__", "config": {"value": "..."}},
        {
            "module": "keras.layers",
            "class_name": "StringLookup",
            "config": {"vocabulary": "/etc/passwd"},
        },
    ):
        verdicts = [v.decision for _, v in Trust().config_names({"layer": bad})]
        assert REFUSED in verdicts, bad
    custom = {
        "module": "my.module",
        "class_name": "Custom",
        "config": {},
        "registered_name": "My>Custom",
    }
    trusted = Trust({"My>Custom": object})
    assert all(v.decision == ALLOWED for _, v in trusted.config_names(custom))


def test_schedule_objects_resolve_to_the_public_class():
    assert Trust().verdict("skkeras._schedules:StepDecay").obj is StepDecay
