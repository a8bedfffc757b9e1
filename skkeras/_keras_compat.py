"""The Keras and backend internals skkeras relies on, in one place.

Keras' public API has no way to enter its safe-mode scope or to read
whether safe deserialization is on; both live in
``keras.src.saving.serialization_lib``.  TensorFlow has no public getter
for its global seed and the generator of operation seeds; both live in its
eager context.  Keras keeps a compiled model's loss and metrics on private
attributes.  Keras' registry of metric names (shorthands such as ``"mae"``
among them) and the snake-case rule that names its metrics are internal.
Everything else in skkeras uses public APIs only.
"""

import contextlib
import inspect


@contextlib.contextmanager
def safe_mode_scope():
    """Run the block with Keras' safe deserialization on, whatever the
    process-wide setting (``keras.config.enable_unsafe_deserialization``)
    says, and restore that setting afterwards."""
    from keras.src.saving import serialization_lib

    with serialization_lib.SafeModeScope(True):
        yield


def safe_mode_setting():
    """Keras' process-wide safe-mode setting: None (unset), True or False."""
    from keras.src.saving import serialization_lib

    return serialization_lib.in_safe_mode()


def builtin_function_modules():
    """The ``keras.*`` namespaces that Keras searches, in no fixed order, for
    a function serialized by name alone (``{"module": "builtins", ...}``)."""
    from keras.src.saving import serialization_lib

    return tuple(sorted(f"keras.{n}" for n in serialization_lib.BUILTIN_MODULES))


def registered_metric_name(name):
    """The default name of the Keras metric registered as ``name``, or None.

    ``"mae"`` and ``"MeanAbsoluteError"`` give ``"mean_absolute_error"``: a
    metric function's ``__name__``, or a metric class's name in snake case
    (Keras' own rule for default metric names).  None when ``name`` is not
    in Keras' registry (``"acc"``, a custom metric) or the registry cannot
    be read.  Nothing is instantiated.
    """
    try:
        from keras.src.metrics import ALL_OBJECTS_DICT
        from keras.src.utils.naming import to_snake_case
    except ImportError:  # a Keras without them: keep Keras' names
        return None
    obj = ALL_OBJECTS_DICT.get(name)
    if obj is None:
        return None
    if inspect.isclass(obj):
        return to_snake_case(obj.__name__)
    full = getattr(obj, "__name__", None)
    return full if isinstance(full, str) else None


def build_compiled(model, y_true, y_pred):
    """Build ``model``'s compiled loss and metrics where they are not built.

    ``y_true`` and ``y_pred`` are ``keras.KerasTensor`` specs of the
    targets and of the model's output.  ``Model.fit`` builds the same two
    objects, ``model._compile_loss`` and ``model._compile_metrics``, before
    its first epoch (checking the same ``built`` flags); building them
    resolves the metrics (``"accuracy"`` into the accuracy the shapes call
    for) and names them, without evaluating anything.  Metrics that create
    their variables on their first update (``R2Score``, ``F1Score``) create
    them then.
    """
    for part in (
        getattr(model, "_compile_loss", None),
        getattr(model, "_compile_metrics", None),
    ):
        if part is not None and not part.built:
            part.build(y_true, y_pred)


def tf_seed_state(tf):
    """TensorFlow's global seed (``tf.random.set_seed``'s, or None) and, when
    running eagerly, the state of the generator it draws operation seeds
    from, so that :func:`restore_tf_seed` puts both back.

    TensorFlow has no public getter: the eager context holds them
    (``tf.random.set_seed`` writes them there), a graph its ``seed``.
    """
    if not tf.executing_eagerly():
        return tf.compat.v1.get_default_graph().seed, None
    from tensorflow.python.eager import context

    ctx = context.context()
    rng = getattr(ctx, "_rng", None)
    return context.global_seed(), (rng.getstate() if rng is not None else None)


def restore_tf_seed(tf, state):
    seed, rng_state = state
    tf.random.set_seed(seed)
    if rng_state is not None:
        from tensorflow.python.eager import context

        rng = getattr(context.context(), "_rng", None)
        if rng is not None:
            # set_seed restarted the sequence of operation seeds; go on
            # where the user's program was.
            rng.setstate(rng_state)
