"""Tests of skkeras._engine.structure: which models may share a compiled function."""

import random

import keras
import pytest

from skkeras._engine.structure import structure_key


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_structure_key_trusts_only_keras_objects():
    def key(loss, metrics=("accuracy",)):
        random.seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(optimizer="adam", loss=loss, metrics=list(metrics))
        return structure_key(model, [model.trainable_variables])

    def my_loss(y_true, y_pred):
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)

    builtin = key(keras.losses.sparse_categorical_crossentropy)
    assert builtin is not None and builtin == key(
        keras.losses.sparse_categorical_crossentropy
    )
    assert builtin != key("mse")
    assert key(keras.losses.SparseCategoricalCrossentropy(from_logits=True)) is not None
    assert key(my_loss) is None
    with pytest.warns(UserWarning, match="lambda"):
        assert key("mse", metrics=[lambda y, p: p]) is None


def test_models_differing_only_in_initializers_share_a_trace():
    def build(init):
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3, kernel_initializer=init)]
        )
        model.compile(optimizer="adam", loss="mse")
        model.optimizer.build(model.trainable_variables)
        return model

    a, b, c = build("glorot_uniform"), build("random_normal"), build("zeros")
    keys = {structure_key(m, [m.trainable_variables]) for m in (a, b, c)}
    assert len(keys) == 1 and None not in keys
    d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    d.compile(optimizer="adam", loss="mse")
    assert structure_key(d, [d.trainable_variables]) not in keys


def test_the_cached_key_follows_changes_to_the_model():
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)]
    )
    model.compile(optimizer="adam", loss="mse")
    before = structure_key(model, [model.trainable_variables])
    assert structure_key(model, [model.trainable_variables]) == before
    model.layers[0].trainable = False
    frozen = structure_key(model, [model.trainable_variables])
    assert frozen is not None and frozen != before
    model.compile(optimizer="sgd", loss="mse")
    assert structure_key(model, [model.trainable_variables]) not in (before, frozen)
