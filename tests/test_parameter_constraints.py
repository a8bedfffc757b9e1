"""Every public parameter of the estimators has a constraint, checked at fit:
a valid value is accepted, an invalid one refused with scikit-learn's
InvalidParameterError naming the parameter."""

import re

import keras
import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skkeras import (
    KerasClassifier,
    KerasRegressor,
    KerasTransformer,
    MLPClassifier,
    MLPRegressor,
)

X = np.random.RandomState(0).normal(size=(12, 3)).astype("float32")
Y_CLASS = np.array([0, 1] * 6)
Y_REAL = X.sum(axis=1)


def build(meta, hidden=4):
    binary = meta["target_type_"] == "binary"
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(hidden, activation="relu"),
            keras.layers.Dense(
                meta["n_outputs_expected_"], activation="sigmoid" if binary else None
            ),
        ]
    )


def other_build(meta):
    return build(meta, hidden=2)


class BadType:
    """No parameter takes an instance of this (as in scikit-learn's checks)."""


# One valid non-default value and invalid values of every parameter.
_WRAPPER_VALID = {
    "model": other_build,
    "build_fn": other_build,
    "warm_start": True,
    "random_state": np.random.default_rng(0),
    "optimizer": keras.optimizers.Adam,
    "metrics": ["mae"],
    "batch_size": -1,
    "validation_batch_size": 4,
    "verbose": "auto",
    "callbacks": [keras.callbacks.EarlyStopping],
    "validation_split": 0.25,
    "shuffle": "batch",
    "run_eagerly": True,
    "epochs": 0,
    "lr_schedule": "step",
    "checkpoint": "best.skkeras",
    "model_kwargs": {"hidden": 3},
    "fit_kwargs": {"epochs": 2},
}
_WRAPPER_INVALID = {
    "warm_start": ["yes"],
    "random_state": ["seed"],
    "optimizer": [3],
    "loss": [3],
    "metrics": [3],
    "batch_size": [0, -2, "all"],
    "validation_batch_size": [0, 1.5],
    "verbose": [-1, "loud"],
    "callbacks": ["early_stopping"],
    "validation_split": [1.0, -0.1],
    "shuffle": ["sometimes", 1],
    "run_eagerly": [1],
    "epochs": [-1, 2.5],
    "lr_schedule": [3],
    "checkpoint": [3],
    "model_kwargs": [[("hidden", 3)], {3: "hidden"}],
    "fit_kwargs": ["epochs=2"],
    "model": ["build"],
    "build_fn": [3],
}
_MLP_VALID = {
    "hidden_layer_sizes": (3, 2),
    "activation": "tanh",
    "solver": "sgd",
    "alpha": 0.1,
    "batch_size": 4,
    "learning_rate": "adaptive",
    "learning_rate_init": 0.01,
    "power_t": 0.25,
    "max_iter": 2,
    "shuffle": False,
    "random_state": 0,
    "tol": 0.1,
    "verbose": False,
    "warm_start": True,
    "momentum": 0.5,
    "nesterovs_momentum": False,
    "early_stopping": True,
    "validation_fraction": 0.25,
    "beta_1": 0.5,
    "beta_2": 0.5,
    "epsilon": 1e-7,
    "n_iter_no_change": np.inf,
    "max_fun": 50,
    "dropout": 0.1,
    "input_dropout": 0.1,
    "batch_normalization": True,
    "kernel_initializer": "he_normal",
    "kernel_constraint": 2.0,
    "callbacks": [keras.callbacks.EarlyStopping(patience=2)],
    "lr_schedule": "step",
    "checkpoint": "best.skkeras",
    "categorical_features": None,
    "max_onehot_categories": 4,
    "embedding_dim": 3,
    "standardize": False,
}
_MLP_INVALID = {
    "hidden_layer_sizes": [-1, "wide"],
    "activation": [3],
    "solver": ["newton"],
    "alpha": [-1.0],
    "batch_size": [0, "all"],
    "learning_rate": ["fast"],
    "learning_rate_init": [0.0],
    "power_t": [-1.0],
    "max_iter": [0],
    "shuffle": ["yes"],
    "random_state": ["seed"],
    "tol": [-1.0],
    "verbose": [-1],
    "warm_start": ["yes"],
    "momentum": [2.0],
    "nesterovs_momentum": ["yes"],
    "early_stopping": ["yes"],
    "validation_fraction": [1.0],
    "beta_1": [1.0],
    "beta_2": [1.0],
    "epsilon": [0.0],
    "n_iter_no_change": [0],
    "max_fun": [0, 2.5],
    "dropout": [1.0],
    "input_dropout": [1.0],
    "batch_normalization": ["yes"],
    "kernel_initializer": [3],
    "kernel_constraint": [-1.0],
    "callbacks": ["early_stopping"],
    "lr_schedule": [3],
    "checkpoint": [3],
    "categorical_features": ["auto"],
    "max_onehot_categories": [0],
    "embedding_dim": [0, "wide"],
    "standardize": ["yes"],
}

# Per estimator: settings for a tiny fit, the target, and the tables.
ESTIMATORS = {
    MLPClassifier: (
        dict(hidden_layer_sizes=(3,), max_iter=1),
        Y_CLASS,
        {**_MLP_VALID, "class_weight": "balanced"},
        {**_MLP_INVALID, "class_weight": ["unbalanced"]},
    ),
    MLPRegressor: (
        dict(hidden_layer_sizes=(3,), max_iter=1),
        Y_REAL,
        {**_MLP_VALID, "loss": "absolute_error"},
        {**_MLP_INVALID, "loss": [3]},
    ),
    KerasClassifier: (
        dict(model=build),
        Y_CLASS,
        {**_WRAPPER_VALID, "loss": "binary_crossentropy", "class_weight": "balanced"},
        {**_WRAPPER_INVALID, "class_weight": ["unbalanced"]},
    ),
    KerasRegressor: (
        dict(model=build),
        Y_REAL,
        {**_WRAPPER_VALID, "loss": keras.losses.MeanAbsoluteError()},
        _WRAPPER_INVALID,
    ),
    KerasTransformer: (
        dict(model=build),
        Y_REAL,
        {**_WRAPPER_VALID, "loss": "mse"},
        _WRAPPER_INVALID,
    ),
}


def _cases(table_index):
    for cls, spec in ESTIMATORS.items():
        for name, values in sorted(spec[table_index].items()):
            for value in values if table_index == 3 else [values]:
                yield pytest.param(
                    cls, name, value, id=f"{cls.__name__}-{name}-{value!r}"
                )


def _parameters(cls):
    return set(cls().get_params(deep=False))


@pytest.mark.parametrize("cls", list(ESTIMATORS), ids=lambda c: c.__name__)
def test_every_public_parameter_has_a_constraint(cls):
    assert set(cls._parameter_constraints) == _parameters(cls)


@pytest.mark.parametrize("cls", list(ESTIMATORS), ids=lambda c: c.__name__)
def test_every_public_parameter_is_tested_both_ways(cls):
    _, _, valid, invalid = ESTIMATORS[cls]
    assert set(valid) == _parameters(cls)
    assert set(invalid) == _parameters(cls)


def _refused(cls, name, value):
    settings, y, _, _ = ESTIMATORS[cls]
    est = cls(**settings).set_params(**{name: value})
    named = rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z_])"
    with pytest.raises(InvalidParameterError, match=named):
        est.fit(X, y)
    assert not hasattr(est, "model_")


@pytest.mark.parametrize("cls, name, value", list(_cases(2)))
def test_a_valid_value_is_accepted(cls, name, value, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings, y, _, _ = ESTIMATORS[cls]
    est = cls(**settings).set_params(**{name: value})
    assert est.initialize(X, y) is est
    assert isinstance(est.model_, keras.Model)


@pytest.mark.parametrize("cls, name, value", list(_cases(3)))
def test_an_invalid_value_is_refused_naming_the_parameter(cls, name, value):
    _refused(cls, name, value)


@pytest.mark.parametrize(
    "cls, name",
    [(cls, name) for cls in ESTIMATORS for name in sorted(_parameters(cls))],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_a_value_of_no_valid_type_is_refused_naming_the_parameter(cls, name):
    _refused(cls, name, BadType())


def test_refused_values_keep_their_own_messages():
    # Messages the wrappers gave before the constraints, now as
    # InvalidParameterError (a ValueError and a TypeError).
    cases = [
        ("model", "build", r"``model`` must be .* instance of str"),
        ("batch_size", 0, r"`batch_size=0` is not a batch size"),
        ("fit_kwargs", [("epochs", 2)], r"`fit_kwargs` must be a dict"),
    ]
    for name, value, message in cases:
        est = KerasRegressor(build).set_params(**{name: value})
        with pytest.raises(InvalidParameterError, match=message):
            est.fit(X, Y_REAL)
    est = KerasRegressor(build, epochs="1")
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'epochs' parameter of KerasRegressor must be .* Got '1' instead",
    ):
        est.fit(X, Y_REAL)


def test_routed_and_build_function_parameters_keep_their_own_checks():
    est = KerasRegressor(build, hidden=5, optimizer__learning_rate=0.1)
    assert est.initialize(X, Y_REAL) is est  # constraints leave both alone
    assert est.model_.layers[0].units == 5
    with pytest.raises(ValueError, match="routes further"):
        KerasRegressor(build, optimizer__learning_rate__x=1).fit(X, Y_REAL)
