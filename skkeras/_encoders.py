"""scikeras' data-transformer hooks: ``feature_encoder`` and ``target_encoder``.

A :class:`~skkeras.KerasClassifier` or :class:`~skkeras.KerasRegressor`
subclass may override the property ``target_encoder`` and/or
``feature_encoder`` to return an unfitted scikit-learn transformer, as in
scikeras 0.13, typically for Keras models with several outputs or inputs:

* the target encoder is fitted on the validated ``y`` at every fit that
  builds a network (stored as ``target_encoder_``, wrapped in
  :class:`TransformerTarget`), replaces skkeras' own encoding: its
  ``transform`` output (an array, or a list or dict of arrays, one per model
  output) is what the network trains on, its ``inverse_transform`` turns the
  network's output into predictions, and ``inverse_transform(...,
  return_proba=True)`` into ``predict_proba``'s probabilities;
* the feature encoder is fitted on the validated ``X`` (stored as
  ``feature_encoder_``), and its ``transform`` output (an array, or a list
  or dict of arrays, one per model input) is what the network takes, at fit
  and at predict.

``get_metadata()``, when an encoder has it, returns further fitted
attributes (``n_classes_``, ``n_outputs_expected_`` ...): they are set on
the estimator and passed to the build function in ``meta``.  The default
properties return None: skkeras' own encoding, chosen from the loss and the
output units, on the compiled training engine.  Models with several inputs
or outputs train on ``keras.Model.fit``.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.multiclass import type_of_target


def take(data, index):
    """Index the rows of an array, or of each array of a list, tuple or dict."""
    if isinstance(data, dict):
        return {key: take(value, index) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(take(value, index) for value in data)
    return data[index]


def n_rows(data):
    """The number of rows of an array, or of the arrays of a list, tuple or dict."""
    while isinstance(data, (dict, list, tuple)):
        data = next(iter(data.values() if isinstance(data, dict) else data))
    return int(data.shape[0]) if hasattr(data, "shape") else len(data)


def _check(estimator, name, encoder, methods):
    missing = [m for m in methods if not callable(getattr(encoder, m, None))]
    if missing:
        raise TypeError(
            f"{type(estimator).__name__}.{name} returned {type(encoder).__name__}, "
            f"which lacks {', '.join(missing)}: return an unfitted scikit-learn "
            f"transformer (with {', '.join(methods)}), or None for skkeras' own "
            "encoding."
        )


def _fit(encoder, data):
    fitted = encoder.fit(data)
    # scikit-learn's fit returns the transformer itself; tolerate None.
    return encoder if fitted is None else fitted


def _metadata(estimator, name, fitted):
    """``fitted.get_metadata()``, checked to name fitted attributes only."""
    get = getattr(fitted, "get_metadata", None)
    metadata = dict(get()) if callable(get) else {}
    for key in metadata:
        if not (isinstance(key, str) and key.endswith("_") and not key.startswith("_")):
            raise ValueError(
                f"The get_metadata() of {type(estimator).__name__}.{name} returned "
                f"the key {key!r}, which is not a fitted attribute name: the keys "
                "become attributes of the estimator, so they must end with '_' "
                "and not start with it (e.g. 'n_classes_')."
            )
    return metadata


class TransformerTarget:
    """skkeras' target codec around a subclass's fitted ``target_encoder``.

    It trains the network on ``transformer.transform(y)`` and predicts with
    ``transformer.inverse_transform``; ``transform``, ``inverse_transform``
    and ``get_metadata`` pass through to the transformer (``transformer``),
    so that code written for scikeras' ``target_encoder_`` works unchanged.

    Parameters
    ----------
    transformer : object
        The fitted target encoder.
    y : ndarray
        The validated training target it was fitted on.
    metadata : dict
        Its ``get_metadata()`` (with ``classes_``/``n_classes_`` for a
        classifier whose encoder has them as attributes).
    """

    def __init__(self, transformer, y, metadata):
        self.transformer = transformer
        self.metadata = metadata
        y = np.asarray(y)
        self.target_type = metadata.get("target_type_") or type_of_target(y)
        self.n_outputs = metadata.get("n_outputs_", 1 if y.ndim == 1 else y.shape[1])
        self.mode = None

    # skkeras' codec interface -------------------------------------------
    def output_units(self):
        return self.metadata.get("n_outputs_expected_", self.n_outputs)

    def default_loss(self, units):
        """No default: the encoded target may be anything; Keras decides."""
        return None

    def choose_mode(self, loss, units, y=None):
        """The transformer decides the encoding; nothing to choose."""

    def encode(self, y):
        return self.transformer.transform(y)

    def build_target(self, y):
        return self.encode(y)

    def decode(self, output):
        return self.transformer.inverse_transform(output)

    def proba(self, output):
        try:
            return self.transformer.inverse_transform(output, return_proba=True)
        except TypeError as exc:
            if "return_proba" not in str(exc):
                raise
            raise TypeError(
                f"predict_proba needs the target_encoder's inverse_transform to "
                f"take `return_proba=True` (and return probabilities then), as "
                f"scikeras' ClassifierLabelEncoder does; "
                f"{type(self.transformer).__name__}.inverse_transform does not "
                "take it. Add the argument (default False) to it."
            ) from exc

    # scikeras' target_encoder_ interface ----------------------------------
    def transform(self, y):
        return self.transformer.transform(y)

    def inverse_transform(self, y, *args, **kwargs):
        return self.transformer.inverse_transform(y, *args, **kwargs)

    def get_metadata(self):
        return dict(self.metadata)


def fit_encoders(estimator, X, y):
    """Fit a subclass's ``target_encoder`` and ``feature_encoder``.

    Returns ``(X_model, target)``: ``X`` as the network takes it, and a
    :class:`TransformerTarget`, or None where the ``target_encoder``
    property returns None (skkeras' own encoding).  Sets
    ``feature_encoder_`` (``FunctionTransformer()`` where the property
    returns None) and the
    encoders' metadata as attributes.
    """
    target = None
    encoder = estimator.target_encoder
    if encoder is not None:
        _check(
            estimator,
            "target_encoder",
            encoder,
            ("fit", "transform", "inverse_transform"),
        )
        fitted = _fit(encoder, y)
        metadata = _metadata(estimator, "target_encoder", fitted)
        if is_classifier(estimator):
            for key in ("classes_", "n_classes_"):
                if key not in metadata and hasattr(fitted, key):
                    metadata[key] = getattr(fitted, key)
        vars(estimator).update(metadata)
        target = TransformerTarget(fitted, y, metadata)
    encoder = estimator.feature_encoder
    if encoder is None:
        # scikeras' attribute: X reaches the network unchanged.
        estimator.feature_encoder_ = FunctionTransformer()
        return X, target
    _check(estimator, "feature_encoder", encoder, ("fit", "transform"))
    fitted = _fit(encoder, X)
    vars(estimator).update(_metadata(estimator, "feature_encoder", fitted))
    estimator.feature_encoder_ = fitted
    return fitted.transform(X), target


def metadata(estimator):
    """The fitted encoders' metadata, for the build function's ``meta``."""
    meta = {}
    target = vars(estimator).get("target_encoder_")
    if isinstance(target, TransformerTarget):
        meta.update(target.metadata)
    features = vars(estimator).get("feature_encoder_")
    if not _is_identity(features):
        meta.update(_metadata(estimator, "feature_encoder", features))
    return meta


def model_input(estimator, X):
    """``X`` as the network takes it: through ``feature_encoder_``, if any."""
    features = vars(estimator).get("feature_encoder_")
    return X if _is_identity(features) else features.transform(X)


def _is_identity(features):
    """Whether ``features`` passes X on unchanged (None, or the default
    ``FunctionTransformer()``, which :func:`fit_encoders` sets)."""
    return features is None or (
        type(features) is FunctionTransformer and features.func is None
    )
