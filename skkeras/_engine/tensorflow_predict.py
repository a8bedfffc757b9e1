"""Compiled prediction for the TensorFlow backend."""

import tensorflow as tf

from . import cache, sizing
from .structure import structure_key
from .tensorflow_variables import cast, flat, native, signature, tensor_spec
from .types import CacheKey, PredictSpec, Unsupported


class _PredictEntry:
    def __init__(self, template, shared):
        self.model_ref = cache.model_ref(template, strong=shared)
        self.shareable = shared
        self.function = None


def _predict_function(model_ref, bs):
    def fn(variables, x):
        del variables  # bound to the model's variables, as in training
        model = model_ref()
        n = tf.shape(x)[0]
        steps = (n + bs - 1) // bs
        first = model.predict_step((x[:bs],))
        flat = tf.nest.flatten(first)
        arrays = [
            tf.TensorArray(
                f.dtype,
                size=steps,
                infer_shape=False,
                element_shape=tf.TensorShape([None]).concatenate(f.shape[1:]),
            ).write(0, f)
            for f in flat
        ]

        def body(i, arrays):
            out = tf.nest.flatten(model.predict_step((x[i * bs : (i + 1) * bs],)))
            return i + 1, [a.write(i, o) for a, o in zip(arrays, out)]

        _, arrays = tf.while_loop(
            lambda i, _: i < steps, body, (tf.constant(1), arrays)
        )
        return tf.nest.pack_sequence_as(first, [a.concat() for a in arrays])

    return tf.function(fn, autograph=False)


def predict(model, x, batch_size=None):
    """Compiled ``model.predict(x)``; raises :class:`Unsupported`."""
    bs = sizing.predict_batch_size(x, batch_size)
    predict_spec = PredictSpec(bs, tuple(x.shape[1:]), str(sizing.cast_dtype(x)))
    groups = [list(model.trainable_variables), list(model.non_trainable_variables)]
    variables = [native(v) for v in flat(groups)]
    shared_key = structure_key(model, groups, with_compile=False)
    local_key = ("predict",) + tuple(id(v) for v in variables)

    def build(template, shared):
        entry = _PredictEntry(template, shared)
        function = _predict_function(entry.model_ref, bs)
        entry.function = function.get_concrete_function(variables, tensor_spec(x, "x"))
        entry.signature = signature(variables)
        if list(entry.function.captured_inputs):
            entry.shareable = False
            entry.model_ref = cache.model_ref(template, strong=False)
        return entry

    entry = cache.lookup(model, CacheKey(shared_key, local_key, predict_spec), build)
    if signature(variables) != entry.signature:
        raise Unsupported("the model's variables do not match the trace")
    out = entry.function(variables, cast(x))
    return tf.nest.map_structure(lambda t: t.numpy(), out)
