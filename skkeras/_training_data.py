"""The arrays of one training call: encoded targets, weights, validation split.

:class:`TrainingDataMixin` gives :class:`~skkeras._base.BaseKerasEstimator`
the step of a fit between the validated data and the training loop.
"""

from dataclasses import dataclass

import numpy as np

from ._encoders import take
from ._fit_checks import check_float_range
from ._sklearn_compat import check_sample_weight


def mean_one(sample_weight):
    """Scale training weights to mean 1 (None stays None).

    Keras averages a weighted loss over the batch size, not over the sum of
    the weights; with weights of mean 1 the loss is the weighted mean that
    scikit-learn estimators minimise, so that multiplying every weight by a
    constant changes nothing and integer weights act like repeated samples.
    """
    if sample_weight is None:
        return None
    # The sum in float64: float32 weights near its largest value overflow it.
    scale = sample_weight.size / np.sum(sample_weight, dtype=np.float64)
    return (sample_weight.astype(np.float64) * scale).astype(np.float32)


@dataclass(frozen=True)
class RandomSplit:
    """A seeded random validation split of ``fraction`` of the data."""

    fraction: float


class TrainingDataMixin:
    """Encoding of the training arrays and the validation split (a mixin of
    :class:`~skkeras._base.BaseKerasEstimator`)."""

    def _training_data(self, X, y, sample_weight, validation, seed):
        """Return ``(x, y, w, validation_data)`` for the training loop.

        ``validation`` is ``None``; a float, the last fraction of the data as
        ``keras.Model.fit(validation_split=...)`` takes it; a
        :class:`RandomSplit`, a seeded random split (stratified for
        classifiers); or a tuple ``(X_val, y_val[, w_val])`` of raw data.
        """
        X = self._model_input(X)
        y_enc = self.target_encoder_.encode(y)
        sample_weight = self._class_sample_weight(y, sample_weight)
        if validation is None or (
            not isinstance(validation, (tuple, list, RandomSplit)) and not validation
        ):
            return X, y_enc, mean_one(sample_weight), None
        if isinstance(validation, (tuple, list)):
            return (
                X,
                y_enc,
                mean_one(sample_weight),
                self._encode_validation(validation),
            )
        n = len(y)
        if isinstance(validation, RandomSplit):
            val_idx = self._random_validation_indices(y, validation.fraction, seed)
        else:
            n_val = int(np.floor(n * float(validation)))
            val_idx = np.arange(n - n_val, n)
        if val_idx.size == 0 or val_idx.size == n:
            raise ValueError(
                f"The validation fraction leaves {n - val_idx.size} training and "
                f"{val_idx.size} validation samples out of {n}; use a fraction "
                "that leaves samples on both sides, or more data."
            )
        val = np.zeros(n, dtype=bool)
        val[val_idx] = True
        w_fit = None if sample_weight is None else sample_weight[~val]
        val_data = (take(X, val), take(y_enc, val))
        if sample_weight is not None:
            val_data += (sample_weight[val],)
        return take(X, ~val), take(y_enc, ~val), mean_one(w_fit), val_data

    def _encode_validation(self, validation):
        """Validate and encode user-given ``(X_val, y_val[, w_val])``."""
        if len(validation) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (X_val, y_val) or "
                f"(X_val, y_val, sample_weight_val); got {len(validation)} items."
            )
        X_val, _ = self._validate_X(validation[0], reset=False)
        y_val = np.asarray(validation[1])
        if self._y_numeric:
            check_float_range(y_val, "y of validation_data")
        if len(y_val) != X_val.shape[0]:
            raise ValueError(
                f"validation_data has {X_val.shape[0]} samples in X but "
                f"{len(y_val)} in y."
            )
        out = (self._model_input(X_val), self.target_encoder_.encode(y_val))
        if len(validation) == 3 and validation[2] is not None:
            out += (check_sample_weight(validation[2], X_val),)
        return out

    def _random_validation_indices(self, y, fraction, seed):
        from sklearn.model_selection import train_test_split

        stratify = self._stratify_labels(y)
        _, val_idx = train_test_split(
            np.arange(len(y)),
            test_size=fraction,
            random_state=seed,
            stratify=stratify,
        )
        return np.sort(val_idx)

    def _stratify_labels(self, y):
        return None

    def _class_sample_weight(self, y, sample_weight):
        return sample_weight
