"""Clear errors of KerasClassifier and KerasRegressor for invalid models,
parameters, and data that changes between fits (scikeras' wording kept
where it is accurate, so scikeras users recognise it)."""

import keras
import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning

from skkeras import KerasClassifier, KerasRegressor, load, save


def dense(meta):
    """An uncompiled network for any X (flattened) and any target."""
    return keras.Sequential(
        [
            keras.Input(meta["X_shape_"][1:]),
            keras.layers.Flatten(),
            keras.layers.Dense(meta["n_outputs_expected_"]),
        ]
    )


def compiled_with(loss):
    def build(meta):
        model = dense(meta)
        model.compile(optimizer="sgd", loss=loss)
        return model

    return build


X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], dtype=np.float32)
y_clf = np.array([1, 3, 1, 3])
y_reg = np.array([0.5, 1.0, 1.5, 2.0], dtype=np.float32)


def test_set_params_unknown_name_says_how_to_set_it():
    with pytest.raises(ValueError, match="Invalid parameter test for estimator") as err:
        KerasClassifier().set_params(test=1)
    # Without a build function, the fix: the constructor, or `model` first.
    assert "resolved by setting this parameter in the constructor" in str(err.value)

    def build(meta, test=0):
        return dense(meta)

    assert KerasClassifier().set_params(model=build, test=1).test == 1
    with pytest.raises(ValueError, match="Invalid parameter tset") as err:
        KerasClassifier(build).set_params(tset=1)
    assert "Did you mean `test`" in str(err.value)
    assert "constructor" not in str(err.value)


def test_model_that_is_neither_a_model_nor_callable():
    class NotAModel:
        pass

    with pytest.raises(TypeError, match="``model`` must be .* instance of NotAModel"):
        KerasClassifier(model=NotAModel()).fit(X, y_clf)


def test_missing_model_names_the_subclass_hook():
    class NoBuildFn(KerasClassifier):
        pass

    with pytest.raises(ValueError, match="must implement ``_keras_build_fn``"):
        NoBuildFn().fit(X, y_clf)


def test_build_method_and_model_function_are_ambiguous():
    class Clf(KerasClassifier):
        def _keras_build_fn(self, meta):
            return dense(meta)

    with pytest.raises(ValueError, match="cannot implement ``_keras_build_fn``"):
        Clf(model=dense).fit(X, y_clf)
    with pytest.raises(ValueError, match="cannot implement ``_keras_build_fn``"):
        Clf(build_fn=dense).fit(X, y_clf)


def test_X_of_other_dimensions_than_at_fit():
    X3 = X.reshape(4, 2, 1)
    reg = KerasRegressor(dense, random_state=0).fit(X3, y_reg)
    assert reg.X_shape_ == (4, 2, 1)
    with pytest.raises(ValueError, match="X has 2 dimensions, .* expecting 3 dim"):
        reg.partial_fit(X, y_reg)
    with pytest.raises(ValueError, match="dimensions in X"):
        reg.predict(X)
    with pytest.raises(ValueError, match="dimensions in X"):
        reg.fit(X3, y_reg, validation_data=(X, y_reg))
    assert reg.partial_fit(X3, y_reg).predict(X3).shape == (4,)
    # A new fit (warm_start=False) takes the new shape.
    assert KerasRegressor(dense).fit(X3, y_reg).fit(X, y_reg).X_shape_ == (4, 2)


def test_X_shape_is_saved(tmp_path):
    reg = KerasRegressor(dense).fit(X.reshape(4, 2, 1), y_reg)
    save(reg, tmp_path / "reg.skkeras")
    loaded = load(tmp_path / "reg.skkeras", custom_objects={"dense": dense})
    assert loaded.X_shape_ == (4, 2, 1)
    with pytest.raises(ValueError, match="dimensions in X"):
        loaded.predict(X)


def test_target_columns_that_change_between_fits():
    reg = KerasRegressor(dense).fit(X, y_reg.reshape(-1, 1))
    with pytest.raises(ValueError, match="Detected ``y`` to have 2 outputs"):
        reg.partial_fit(X, np.column_stack([y_reg, y_reg]))
    with pytest.raises(ValueError, match="fitted on y of 1 column"):
        reg.fit(X, y_reg, validation_data=(X, np.column_stack([y_reg, y_reg])))
    reg.partial_fit(X, y_reg)  # (n,) and (n, 1) are both one column

    with pytest.warns(DataConversionWarning):
        clf = KerasClassifier(dense).fit(X, y_clf.reshape(-1, 1))
    with pytest.raises(ValueError, match="Detected ``y`` to have 2 outputs .*features"):
        clf.partial_fit(X, np.column_stack([y_clf, y_clf]))


def test_labels_unknown_to_the_classifier():
    clf = KerasClassifier(dense).fit(X, y_clf)
    with pytest.raises(ValueError, match=r"Found unknown categories \[10\] in y"):
        clf.partial_fit(X, np.array([10, 3, 1, 3]))


def test_changes_scikit_learn_accepts_between_partial_fits():
    # Intended deviations from scikeras, as scikit-learn's partial_fit: X of
    # another dtype is converted, labels are compared by value, and a column
    # of labels is flattened with a DataConversionWarning.
    clf = KerasClassifier(dense).fit(X.astype(np.int64), y_clf)
    clf.partial_fit(X.astype(np.float64), y_clf.astype(np.float64))
    with pytest.warns(DataConversionWarning):
        clf.partial_fit(X, y_clf.reshape(-1, 1))
    assert clf.n_iter_ == 3


@pytest.mark.parametrize("compile", [True, False])
def test_no_optimizer(compile):
    def build(meta, compile_kwargs):
        model = dense(meta)
        if compile:
            model.compile(**compile_kwargs)
        return model

    with pytest.raises(ValueError, match="You must provide an optimizer"):
        KerasRegressor(build, optimizer=None).fit(X, y_reg)


@pytest.mark.parametrize("compile", [True, False])
@pytest.mark.parametrize("loss", [[None], {"out": None}])
def test_loss_of_nothing_but_none(compile, loss):
    def build(meta, compile_kwargs):
        inp = keras.Input((meta["n_features_in_"],))
        model = keras.Model(inp, keras.layers.Dense(1, name="out")(inp))
        if compile:
            model.compile(**compile_kwargs)
        return model

    with pytest.raises(ValueError, match="Provide a `loss`"):
        KerasRegressor(build, loss=loss).fit(X, y_reg)


def test_loss_that_the_compiled_model_does_not_use():
    mae = keras.losses.MeanAbsoluteError
    reg = KerasRegressor(compiled_with(mae()), loss=keras.losses.CosineSimilarity())
    expected = "loss='cosine_similarity' but model compiled with 'mean_absolute_error'"
    with pytest.raises(ValueError, match=expected):
        reg.fit(X, y_reg)
    # The same loss, however spelled, is no conflict.
    for same in ("mae", "mean_absolute_error", mae, mae()):
        KerasRegressor(compiled_with(mae()), loss=same).fit(X, y_reg)
    # A compiled keras.Model given as `model` keeps its loss too.
    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    net.compile(optimizer="sgd", loss="mse")
    KerasRegressor(net, loss="mean_squared_error").fit(X, y_reg)
    with pytest.raises(ValueError, match="but model compiled with 'mse'"):
        KerasRegressor(net, loss="mae").fit(X, y_reg)


def test_compiled_loss_against_a_subclass_default_loss():
    class CosineRegressor(KerasRegressor):
        def __init__(
            self,
            model=None,
            *,
            loss=keras.losses.CosineSimilarity(),  # noqa: B008
            **kwargs,
        ):
            super().__init__(model=model, loss=loss, **kwargs)

    mae = keras.losses.MeanAbsoluteError()
    # The default loss, not set by the user, gives way to the compiled one.
    assert CosineRegressor(compiled_with(mae)).fit(X, y_reg).model_.loss is mae
    with pytest.raises(ValueError, match="but model compiled with"):
        CosineRegressor(compiled_with(mae), loss="categorical_hinge").fit(X, y_reg)


def test_optimizer_arguments_cannot_route_further():
    clf = KerasClassifier(dense, optimizer__learning_rate__abc=0.1)
    with pytest.raises(ValueError, match="routes further.*`optimizer__learning_rate="):
        clf.fit(X, y_clf)


def test_model_with_several_outputs():
    def two_outputs(meta):
        inp = keras.Input((meta["n_features_in_"],))
        outputs = [keras.layers.Dense(1)(inp), keras.layers.Dense(2)(inp)]
        return keras.Model(inp, outputs)

    with pytest.raises(ValueError, match="The model has 2 outputs.*Concatenate"):
        KerasClassifier(two_outputs).fit(X, y_clf)


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"optimizer__learnng_rate": 0.1},
            r"`optimizer__learnng_rate` is not an argument of RMSprop\. Did you "
            r"mean `optimizer__learning_rate`",
        ),
        (
            {"optimizer": "adam", "optimizer__bta_1": 0.8},
            r"not an argument of Adam\. Did you mean `optimizer__beta_1`",
        ),
        (
            {"optimizer": keras.optimizers.SGD, "optimizer__momentm": 0.9},
            r"not an argument of SGD\. Did you mean `optimizer__momentum`",
        ),
        (
            {"loss": "sparse_categorical_crossentropy", "loss__from_logit": True},
            r"not an argument of SparseCategoricalCrossentropy\. Did you mean "
            r"`loss__from_logits`",
        ),
    ],
)
def test_misspelled_routed_arguments_name_the_right_one(params, message):
    X, y = _two_class_data()
    with pytest.raises(ValueError, match=message):
        KerasClassifier(_softmax_build, **params).fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"optimizer__learning_rate": 0.01},
        {"optimizer": "adam", "optimizer__beta_1": 0.8, "optimizer__clipnorm": 1.0},
        {"optimizer": keras.optimizers.SGD, "optimizer__momentum": 0.9},
        {"loss": "sparse_categorical_crossentropy", "loss__from_logits": False},
    ],
)
def test_correct_routed_arguments_are_accepted(params):
    X, y = _two_class_data()
    clf = KerasClassifier(_softmax_build, **params).fit(X, y)
    optimizer = clf.model_.optimizer
    for key, value in params.items():
        if key.startswith("optimizer__"):
            name = key[len("optimizer__") :]
            got = keras.ops.convert_to_numpy(getattr(optimizer, name))
            assert got == pytest.approx(value)


def _two_class_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(24, 3)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(int)


def _softmax_build(meta):
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )
