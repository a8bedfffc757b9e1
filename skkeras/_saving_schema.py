"""Which fitted attributes a file may set on each estimator, and of what type.

:func:`declared_attributes` lists, for an estimator class, every attribute
that ``fit`` sets and :func:`skkeras.save` writes (``model_`` aside: it
travels as ``model.keras``), each with a check of its type and range.
:func:`skkeras.load` sets nothing else, and nothing that fails its check:
a name the class does not declare, or one the class defines (a method, a
property), is refused, as are a target encoder of another kind and a
``classes_`` that disagrees with it.
"""

import math
import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._fit_plan import (
    LATER_FIELDS,
    SAVED_FIELDS,
    X_DTYPES,
    FitPlan,
    with_plan_of_earlier_names,
)
from ._tabular_encoding import TabularEncoding
from ._tabular_input import TABULAR


class Spec(NamedTuple):
    """The type an attribute must have: a description and a check."""

    what: str
    check: Callable[[object], bool]
    required: bool = True


def _is_int(value, low=0):
    return (
        isinstance(value, (numbers.Integral, np.integer))
        and not isinstance(value, (bool, np.bool_))
        and value >= low
    )


def _is_float(value):
    return isinstance(value, (numbers.Real, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _is_float_list(value):
    return isinstance(value, list) and all(_is_float(v) for v in value)


def _is_history(value):
    return isinstance(value, dict) and all(
        isinstance(k, str) and _is_float_list(v) for k, v in value.items()
    )


def _is_labels(value):
    """A 1-D array of class labels (numbers, booleans or strings)."""
    if not isinstance(value, np.ndarray) or value.ndim != 1 or value.size == 0:
        return False
    if value.dtype.kind in "biufUS":
        return True
    return value.dtype.kind == "O" and all(
        isinstance(v, (str, numbers.Number, np.generic)) for v in value.tolist()
    )


def _is_names(value):
    return (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and value.dtype.kind in "OU"
        and all(isinstance(v, str) for v in value.tolist())
    )


def _optional(spec):
    return Spec(f"None or {spec.what}", lambda v: v is None or spec.check(v), False)


_INT = Spec("an int >= 0", _is_int)
_POSITIVE_INT = Spec("an int >= 1", lambda v: _is_int(v, 1))
_FLOAT = Spec("a float", _is_float)
_SCALE = Spec(
    "a positive finite float", lambda v: _is_float(v) and math.isfinite(v) and v > 0
)
_CURVE = Spec("a list of floats", _is_float_list)

_COMMON = {
    "n_features_in_": _INT,
    "feature_names_in_": Spec(
        "a 1-D array of feature names (strings)", _is_names, required=False
    ),
    "n_outputs_": _POSITIVE_INT,
    "history_": Spec("a dict of str to lists of floats", _is_history),
    "n_iter_": _INT,
    # The wrappers' (files written before it existed lack it).
    "X_shape_": Spec(
        "a tuple of ints >= 0",
        lambda v: isinstance(v, tuple) and all(_is_int(d) for d in v),
        required=False,
    ),
}
_CLASSIFIER = {
    "classes_": Spec("a 1-D array of class labels", _is_labels),
    "n_classes_": _POSITIVE_INT,
}
_MLP = {
    # solver="lbfgs" fits have loss_ and no loss_curve_, as scikit-learn's.
    "loss_curve_": Spec(_CURVE.what, _CURVE.check, required=False),
    "t_": _INT,
    "n_layers_": Spec("an int >= 2", lambda v: _is_int(v, 2)),
    "out_activation_": Spec("a str", lambda v: isinstance(v, str)),
    "validation_scores_": _optional(_CURVE),
    "best_validation_score_": _optional(_FLOAT),
    "best_loss_": _optional(_FLOAT),
    # None before any epoch; files written before it existed lack it.
    "loss_": Spec("None or a float", lambda v: v is None or _is_float(v), False),
}


# ----------------------------------------------------------------------
# The plan of the last fit
# ----------------------------------------------------------------------
PLAN = "_fit_plan"

# Private attributes an estimator keeps only while it lives: never saved, and
# made again by ``_restore_runtime_state`` after loading.
RUNTIME_ONLY = {
    "_forward_cache": "the MLPs' NumPy forward function, kept between predictions",
}
_PLAN_FIELDS = {
    "batch_size": _optional(_POSITIVE_INT),
    "n_train": _optional(_INT),
    "weight_scale": _SCALE,
    "initial_learning_rate": _FLOAT,
    "seed": _optional(_INT),
    "x_dtype": Spec("'float32' or 'float64'", lambda v: v in X_DTYPES),
}
# The MLPs' plans always hold these: their penalty and t_ are scaled by them.
_MLP_PLAN_FIELDS = {"batch_size": _POSITIVE_INT, "n_train": _INT}


def plan_fields(plan):
    """Return the fields of a :class:`~skkeras._fit_plan.FitPlan` that a
    file stores, by name (its training call is not stored)."""
    return {name: getattr(plan, name) for name in SAVED_FIELDS}


def with_plan(attributes):
    """Return a file's decoded attributes with its plan as a ``FitPlan``
    (and an MLP's data-frame encoding as a ``TabularEncoding``).

    The plan is stored as a dict of its fields, or, in files written
    before it existed, as the private attributes ``_fit_batch_size``,
    ``_n_train_samples``, ``_weight_scale`` and ``_initial_learning_rate``
    (the general wrappers' files have the last two only), converted here.
    Values are not checked: :func:`attribute_problem` checks the plan.
    """
    attributes = with_plan_of_earlier_names(attributes)
    encoding = attributes.get(TABULAR)
    if isinstance(encoding, dict):
        try:
            attributes = {**attributes, TABULAR: TabularEncoding.from_data(encoding)}
        except ValueError:
            pass  # attribute_problem refuses it
    fields = attributes.get(PLAN)
    if (
        isinstance(fields, dict)
        and set(fields) <= set(SAVED_FIELDS)
        and set(SAVED_FIELDS) - set(fields) <= set(LATER_FIELDS)
    ):
        attributes = {**attributes, PLAN: FitPlan(**fields)}
    return attributes


def _plan_spec(field_specs):
    what = "a fit plan of " + ", ".join(
        f"{name} {spec.what}" for name, spec in field_specs.items()
    )
    return Spec(
        what,
        lambda v: (
            type(v) is FitPlan
            and v.call is None
            and all(spec.check(getattr(v, n)) for n, spec in field_specs.items())
        ),
    )


def is_identity_transformer(value):
    """Whether ``value`` is ``FunctionTransformer()``: the wrappers'
    ``feature_encoder_``, which passes X on unchanged."""
    from sklearn.preprocessing import FunctionTransformer

    return type(value) is FunctionTransformer and (
        value.get_params(deep=False) == FunctionTransformer().get_params(deep=False)
    )


def declared_attributes(cls):
    """Return ``{name: Spec}`` for the fitted attributes ``cls`` declares."""
    from ._mlp_base import _BaseMLP
    from ._predictors import ClassifierBase, NumericTargetBase
    from ._targets import ClassifierTarget, RegressorTarget
    from ._wrappers import _KerasWrapper

    declared = dict(_COMMON)
    plan_fields = dict(_PLAN_FIELDS)
    if issubclass(cls, _BaseMLP):
        plan_fields.update(_MLP_PLAN_FIELDS)
    declared[PLAN] = _plan_spec(plan_fields)
    if issubclass(cls, ClassifierBase):
        declared.update(_CLASSIFIER)
        target = ClassifierTarget
    else:
        assert issubclass(cls, NumericTargetBase), cls
        target = RegressorTarget
    declared["target_encoder_"] = Spec(
        f"a {target.__name__}", lambda v: type(v) is target
    )
    # Files written before these attributes existed lack them.
    types = _TARGET_TYPES[target.__name__]
    declared["target_type_"] = Spec(
        f"one of {list(types)}", lambda v: isinstance(v, str) and v in types, False
    )
    if issubclass(cls, _BaseMLP):
        declared.update(_MLP)
        declared[TABULAR] = Spec(
            "a tabular encoding (names, levels, means and scales)",
            lambda v: type(v) is TabularEncoding and v.is_valid(),
            required=False,
        )
    if issubclass(cls, _KerasWrapper):
        # scikeras' fitted attribute.
        declared["feature_encoder_"] = Spec(
            "FunctionTransformer()", is_identity_transformer, False
        )
    return declared


def attribute_problem(cls, attributes):
    """Return why ``attributes`` cannot be an instance of ``cls``'s state,
    or None if they can."""
    declared = declared_attributes(cls)
    for name, value in attributes.items():
        spec = declared.get(name)
        if spec is None or hasattr(cls, name):
            return (
                f"it sets {name!r}, which is not a fitted attribute of {cls.__name__}"
            )
        if not spec.check(value):
            return (
                f"its attribute {name!r} must be {spec.what}; it is "
                f"{type(value).__name__} {_short(value)}"
            )
    missing = sorted(
        n for n, s in declared.items() if s.required and n not in attributes
    )
    if missing:
        return f"it lacks the fitted attribute(s) {missing} of {cls.__name__}"
    if "target_type_" in attributes and (
        attributes["target_type_"] != attributes["target_encoder_"].target_type
    ):
        return "its target_type_ disagrees with its target encoder's target type"
    if "classes_" in attributes:
        classes = attributes["target_encoder_"].classes
        if not np.array_equal(attributes["classes_"], classes):
            return "its classes_ disagree with its target encoder's classes"
        if attributes["n_classes_"] != classes.size:
            return "its n_classes_ is not the number of classes"
    return None


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ----------------------------------------------------------------------
# Target encoders
# ----------------------------------------------------------------------
_TARGET_TYPES = {
    "ClassifierTarget": ("binary", "multiclass", "multilabel-indicator"),
    "RegressorTarget": ("continuous", "continuous-multioutput"),
}


def target_problem(class_name, attributes):
    """Return why ``attributes`` cannot be a target encoder's state, or None."""
    from . import _targets

    if class_name not in _TARGET_TYPES:
        return f"it names the target class {class_name!r}"
    if not isinstance(attributes, dict):
        return "its target encoder has no attribute dict"
    types = _TARGET_TYPES[class_name]
    if class_name == "ClassifierTarget":
        modes = (
            _targets.ORDINAL,
            _targets.ONE_HOT,
            _targets.BINARY,
            _targets.MULTILABEL,
            _targets.ONE_HOT_ROWS,
        )
        expected = {
            "target_type": lambda v: isinstance(v, str) and v in types,
            "classes": _is_labels,
            "n_outputs": lambda v: _is_int(v, 1),
            "mode": lambda v: isinstance(v, str) and v in modes,
        }
    else:
        expected = {
            "ndim": lambda v: _is_int(v, 1) and v <= 2,
            "n_outputs": lambda v: _is_int(v, 1),
            "target_type": lambda v: isinstance(v, str) and v in types,
        }
    if set(attributes) != set(expected):
        return (
            f"its {class_name} has the attributes {sorted(attributes)}, not "
            f"{sorted(expected)}"
        )
    for name, check in expected.items():
        if not check(attributes[name]):
            return f"its {class_name} has the invalid {name} {_short(attributes[name])}"
    return None
