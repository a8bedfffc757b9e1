"""What a fit refuses: data Keras cannot hold, and models it cannot train.

Each check raises a ``ValueError`` that says what to change: raw text on a
backend without string tensors, values beyond Keras' float type, a model
of several outputs or of outputs that are not one vector per sample, a
model without optimizer or loss, weights that training made non-finite.
"""

import keras
import numpy as np

from ._encoders import take


def check_text_backend():
    """Raise a clear error where raw text cannot reach a model: only the
    TensorFlow backend has string tensors (a ``TextVectorization`` layer
    inside the model)."""
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            "X is raw text (a 1-D array of strings), which needs Keras' "
            f"TensorFlow backend: the {backend} backend has no string tensors. "
            "Set KERAS_BACKEND=tensorflow (pip install tensorflow, on Python "
            "3.10 to 3.13), or turn the text into numbers before the "
            "estimator, e.g. sklearn.feature_extraction.text.TfidfVectorizer "
            "in a Pipeline."
        )


def check_float_range(X, name="X"):
    """Refuse values that overflow Keras' float type (float32: ~3.4e38).

    ``name`` is "X" for features, or names a target ("y" ...).
    """
    floatx = keras.config.floatx()
    if (
        X.dtype.kind != "f"
        or X.size == 0
        or np.dtype(floatx).itemsize >= X.dtype.itemsize
    ):
        return
    limit = float(np.finfo(floatx).max)
    largest = float(np.max(np.abs(X)))
    if largest > limit:
        fix = (
            "Scale the features (e.g. with StandardScaler)"
            if name == "X"
            else "Scale the target (e.g. with "
            "sklearn.compose.TransformedTargetRegressor and a StandardScaler as "
            "its transformer)"
        )
        raise ValueError(
            f"{name} has values up to {largest:.3g}, beyond the range of Keras' float "
            f"type {floatx} (about {limit:.3g}). {fix}, or call "
            "keras.config.set_floatx('float64') first."
        )


def check_finite_weights(model):
    """Refuse a model whose training diverged, as scikit-learn's MLP does."""
    for variable in model.trainable_weights:
        if not np.all(np.isfinite(keras.ops.convert_to_numpy(variable))):
            raise ValueError(
                # scikit-learn's MLP's words, then why and the fixes.
                "Solver produced non-finite parameter weights. The input data "
                "may contain large values and need to be preprocessed. Training "
                "diverged (NaN or inf weights): X and y need to be scaled (e.g. "
                "with StandardScaler), or the learning rate lowered."
            )


def check_finite_loss(history):
    """Refuse a fit whose training loss reached inf or NaN (``history``: the
    fit's per-epoch logs), though its weights stayed finite (a network whose
    units all died under huge inputs, for instance)."""
    losses = np.asarray(history.get("loss", []), dtype=float)
    if losses.size and not np.all(np.isfinite(losses)):
        raise ValueError(
            "Training diverged: the training loss reached "
            f"{losses[~np.isfinite(losses)][0]}. X and y need to be scaled (e.g. "
            "with StandardScaler), or the learning rate lowered."
        )


def output_shape(model, X):
    """Return the shape of a single-output model's output, batch axis first."""
    try:
        shape = model.output_shape
    except (AttributeError, ValueError):
        shape = None
    if shape is None or isinstance(shape, (list, dict)):
        out = model(take(X, slice(0, 1)), training=False)
        if isinstance(out, (list, tuple, dict)):
            raise _several_outputs(len(out))
        shape = tuple(out.shape)
    if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
        raise _several_outputs(len(shape))
    return tuple(shape)


def _several_outputs(n):
    """The error for a model of ``n`` outputs (the estimators train one)."""
    return ValueError(
        f"The model has {n} outputs, but the target y is one array (a training "
        "target input of size 1); skkeras estimators train single-output "
        "models with their own target encoding. Concatenate the outputs in "
        "the model, e.g. keras.layers.Concatenate()([out_1, out_2]), or "
        "subclass the estimator and override its target_encoder property to "
        "give the model one target per output (user guide: 'Multi-input and "
        "multi-output models')."
    )


def output_units(model, X):
    """Return the size of the last axis of a single-output model's output."""
    return shape_units(output_shape(model, X))


def shape_units(shape):
    return int(shape[-1]) if len(shape) > 1 else 1


def check_output_shape(shape, y, units):
    """Refuse a model whose output is not one vector per sample.

    Targets are at most 2-D (one row of ``units`` values per sample), so an
    output of more axes (a value per time step or pixel) cannot match them:
    Keras' losses would broadcast it against the target and train silently,
    and predictions would come out with the extra axes.
    """
    if len(shape) <= 2:
        return
    dims = ", ".join(
        ["n_samples"] + ["None" if d is None else str(d) for d in shape[1:]]
    )
    raise ValueError(
        f"The model's output has shape ({dims}), but the target y has shape "
        f"{np.shape(y)}: the estimator needs one output vector per sample, of "
        f"shape (n_samples, {units}) here. End the model with a layer that "
        "reduces the other axes, e.g. keras.layers.Flatten() or "
        "keras.layers.GlobalAveragePooling1D() (then a Dense layer of "
        f"{units} unit(s)), or, for one target per position, reshape y to "
        "(n_samples, n_targets) and flatten the output to match."
    )


def check_trainable(model):
    """Refuse a compiled model without an optimizer, or whose loss is a list
    or dict of None only (Keras fails on them later with an AttributeError)."""
    if model.optimizer is None:
        raise ValueError(
            "The model has no optimizer: `optimizer` is None and the model was "
            "not compiled with one. You must provide an optimizer or a compiled "
            'model: set `optimizer=` (e.g. "rmsprop", the default), or compile '
            "the model with an optimizer in the build function."
        )
    loss = model.loss
    entries = loss.values() if isinstance(loss, dict) else loss
    if isinstance(loss, (list, tuple, dict)) and all(v is None for v in entries):
        raise ValueError(
            f"The model's loss is {loss!r}: no loss to train with. Provide a "
            '`loss` (e.g. loss="mse"), leave loss=None for a default chosen '
            "from the target, or compile the model with a loss in the build "
            "function."
        )
