"""What the compiled loops read from, and build on, a Keras model."""

import keras

from .. import _keras_compat
from .sizing import cast_dtype


def loss_metric(model):
    """The compiled model's ``loss`` tracker, or None."""
    for m in model.metrics:
        if m.name == "loss":
            return m
    return None


def ensure_built(model, x, y, sw, convert):
    """Create the optimizer and compiled-metric variables before tracing.

    Variables cannot be created inside a compiled loop, so the loss and
    metrics are evaluated once, eagerly, on one row (``convert`` makes the
    backend's arrays) and then reset: the same effect as the symbolic build
    ``Model.fit`` runs first.
    """
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    x1, y1 = convert(x[:1]), convert(y[:1])
    sw1 = None if sw is None else convert(sw[:1])
    y_pred = model(x1, training=False)
    model.compute_loss(x1, y1, y_pred, sw1, training=False)
    model.compute_metrics(x1, y1, y_pred, sample_weight=sw1)
    model.reset_metrics()


def build_compiled(model, y):
    """Build ``model``'s compiled loss and metrics for targets like ``y``.

    :func:`ensure_built` evaluates them for the model a loop is traced
    with; a model that runs a loop traced for another (same
    :func:`~skkeras._engine.structure.structure_key`) has them built here, the
    objects ``Model.fit`` builds, from the specs of ``y`` and of its output
    (under a millisecond, once per model).  The loop never reads them, but
    callbacks do: ``EarlyStopping``, ``ReduceLROnPlateau`` and
    ``ModelCheckpoint`` with ``mode="auto"`` look the monitored metric up by
    name for its direction.  Models without a symbolic output (subclassed ones) have no
    structure key, so they only run loops traced for themselves.
    """
    outputs = getattr(model, "outputs", None)
    if not outputs or len(outputs) != 1:
        return
    y_true = keras.KerasTensor((None,) + tuple(y.shape[1:]), str(cast_dtype(y)))
    _keras_compat.build_compiled(model, y_true, outputs[0])


def state_groups(model):
    """The state a training run reads and writes (metrics excluded)."""
    return [
        list(model.trainable_variables),
        list(model.non_trainable_variables),
        list(model.optimizer.variables),
    ]
