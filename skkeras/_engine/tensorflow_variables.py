"""TensorFlow variables and tensors as the traced functions take them."""

import keras
import tensorflow as tf

from . import models, sizing
from .types import Unsupported


def flat(groups):
    seen = set()
    out = []
    for group in groups:
        for v in group:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
    return out


def native(v):
    value = v.value if isinstance(v, keras.Variable) else v
    if not isinstance(value, tf.Variable):
        raise Unsupported(f"variable {getattr(v, 'path', v)} is not a tf.Variable")
    return value


def signature(variables):
    return [(tuple(v.shape), str(v.dtype)) for v in variables]


def tensor_spec(a, name):
    if a is None:
        return None
    return tf.TensorSpec((None,) + tuple(a.shape[1:]), sizing.cast_dtype(a), name=name)


def cast(a):
    """Convert an array as Keras' array adapter does (floats to floatx)."""
    if a is None:
        return None
    return tf.convert_to_tensor(a.astype(sizing.cast_dtype(a), copy=False))


def function_variables(model, extra_metrics=None):
    """Variables passed to a training function, in a fixed order."""
    variables = flat(models.state_groups(model))
    if extra_metrics is None:
        seen = {id(v) for v in variables}
        extra_metrics = [v for v in model.metrics_variables if id(v) not in seen]
    return [native(v) for v in variables], [native(v) for v in extra_metrics]
