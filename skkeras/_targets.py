"""Targets: from scikit-learn labels to network outputs and back.

A classifier's labels become whatever its network's loss expects (class
indices, one-hot rows, a 0/1 column, a 0/1 label matrix) and the network's
outputs become probabilities in ``classes_`` order and labels of the type the
user gave (one-hot rows stay one-hot rows under a categorical loss).  A
regressor's targets become a float matrix, one column per output.
"""

import keras
import numpy as np
from sklearn.utils.multiclass import check_classification_targets, type_of_target

ORDINAL = "ordinal"  # class index per sample: sparse categorical losses
ONE_HOT = "one_hot"  # one column per class: categorical losses
BINARY = "binary"  # one 0/1 column: a single sigmoid unit
MULTILABEL = "multilabel"  # 0/1 matrix: one sigmoid unit per label
# One-hot rows given as y (Keras 2's ``to_categorical(labels)``) with a
# categorical loss: one softmax unit per class, predictions as one-hot rows.
ONE_HOT_ROWS = "one_hot_rows"

_CATEGORICAL_LOSSES = (
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "kl_divergence",
    "kld",
    "poisson",
)


def is_one_hot(y):
    """Return whether ``y`` is a matrix of one-hot rows (a single 1 per row)."""
    y = np.asarray(y)
    return bool(
        y.ndim == 2
        and y.size
        and np.all((y == 0) | (y == 1))
        and np.all(np.sum(y, axis=1) == 1)
    )


def check_columns(y, fitted):
    """Refuse a target ``y`` whose number of columns is not ``fitted``.

    A partial or warm fit, or ``validation_data``, must give the target the
    columns of the fit that built the network.
    """
    y = np.asarray(y)
    n = 1 if y.ndim == 1 else int(np.prod(y.shape[1:]))
    if n != fitted:
        raise ValueError(
            f"Detected ``y`` to have {n} outputs (columns) with y.shape="
            f"{y.shape}, but the estimator was fitted on y of {fitted} column(s): its "
            "target features cannot change between fits. Pass y with the "
            "columns of the first fit, or call fit (with warm_start=False) to "
            "train a new model on this target."
        )


def loss_name(loss):
    """Return a lower-case name for a loss given as name, object or function."""
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower()
    name = getattr(loss, "name", None) or getattr(loss, "__name__", "")
    if not name:
        name = type(loss).__name__
    return str(name).lower()


class ClassifierTarget:
    """Encodes classification targets for a network and decodes its outputs.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Training labels (any type that :func:`numpy.unique` sorts), or a 0/1
        label indicator matrix for multilabel problems.
    classes : array-like, default=None
        All classes, for ``partial_fit`` when the first batch lacks some.
    one_class : bool, default=False
        Accept a ``y`` of a single class, as scikit-learn's MLP does: the
        network learns a constant, and every prediction is that class, with
        probability 1.  Otherwise such a ``y`` is refused.
    """

    def __init__(self, y, classes=None, one_class=False):
        check_classification_targets(y)
        self.target_type = type_of_target(y)
        if self.target_type == "multiclass-multioutput":
            raise ValueError(
                "Multiclass-multioutput targets (several columns of non-binary "
                "labels) are not supported; fit one classifier per column, for "
                "example with sklearn.multioutput.MultiOutputClassifier."
            )
        y = np.asarray(y)
        if self.target_type == "multilabel-indicator":
            self.classes = np.arange(y.shape[1])
            self.n_outputs = y.shape[1]
        else:
            found = np.unique(y.ravel())
            if classes is not None:
                self.classes = np.unique(np.asarray(classes))
                unseen = np.setdiff1d(found, self.classes)
                if unseen.size:
                    raise ValueError(
                        f"y contains labels {unseen.tolist()} that are not in "
                        f"`classes` {self.classes.tolist()}."
                    )
                if self.classes.size == 2:
                    self.target_type = "binary"
                elif self.classes.size > 2:
                    self.target_type = "multiclass"
            else:
                self.classes = found
            self.n_outputs = 1
        single = self.target_type != "multilabel-indicator" and self.classes.size < 2
        if single and not one_class:
            raise ValueError(
                "Classifier can't train when only one class is present: y has "
                f"the single class {self.classes[0]!r}. Give at least two "
                "classes."
            )
        self.mode = None

    @property
    def n_classes(self):
        return self.classes.size

    def output_units(self):
        """Return the number of output units a default network should have."""
        if self.target_type == "multilabel-indicator":
            return self.classes.size
        if self.target_type == "binary":
            return 1
        return self.classes.size

    def default_loss(self, units):
        """Return the loss to compile a network with ``units`` outputs."""
        if self.target_type == "multilabel-indicator" or units == 1:
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def choose_mode(self, loss, units, y=None):
        """Decide the encoding from the compiled loss and the output units.

        ``y``, the training target, tells one-hot rows (which a categorical
        loss makes one class per sample) from a multilabel target.
        """
        name = loss_name(loss)
        categorical = any(
            name.startswith(c) or name == c for c in _CATEGORICAL_LOSSES
        ) and not name.startswith("sparse")
        if self.target_type == "multilabel-indicator":
            one_hot = categorical and y is not None and is_one_hot(y)
            self.mode = ONE_HOT_ROWS if one_hot else MULTILABEL
        elif units == 1 and self.target_type == "binary":
            self.mode = BINARY
        else:
            if units == self.n_classes and (categorical or name.startswith("binary")):
                self.mode = ONE_HOT
            else:
                self.mode = ORDINAL
        if units is not None and self.mode != BINARY and units != self.n_classes:
            raise ValueError(
                f"The network has {units} output unit(s) but the target has "
                f"{self.n_classes} classes ({self.target_type}). Build the last "
                f"layer with meta['n_classes_'] units (or 1 sigmoid unit for a "
                "binary target)."
            )
        return self.mode

    def _index(self, y):
        """Return the index in ``classes`` of each label of ``y``."""
        index = np.searchsorted(self.classes, y.ravel())
        index = np.clip(index, 0, self.classes.size - 1)
        if np.any(self.classes[index] != y.ravel()):
            unseen = np.setdiff1d(y.ravel(), self.classes)
            raise ValueError(
                f"Found unknown categories {unseen.tolist()} in y: the "
                f"classifier knows only the classes {self.classes.tolist()} it "
                "was fitted on. Give every class on the first call of "
                "partial_fit (`classes=`), or call fit on data with all of them."
            )
        return index

    def build_target(self, y):
        """Return ``y`` as ``keras.wrappers`` hands it to a build function.

        One-hot rows, one column per class (two for a binary target), or the
        label matrix of a multilabel target, as floats.
        """
        y = np.asarray(y)
        if self.target_type == "multilabel-indicator":
            return y.astype(np.float32)
        return np.eye(self.classes.size, dtype=np.float32)[self._index(y)]

    def encode(self, y):
        """Return ``y`` as the network's training target."""
        y = np.asarray(y)
        check_columns(y, self.n_outputs)
        if self.mode in (MULTILABEL, ONE_HOT_ROWS):
            return y.astype(np.float32)
        index = self._index(y)
        if self.mode == ONE_HOT:
            return np.eye(self.classes.size, dtype=np.float32)[index]
        if self.mode == BINARY:
            return index.astype(np.float32).reshape(-1, 1)
        return index.astype(np.int32)

    def proba(self, output):
        """Return class probabilities from the network's output."""
        output = np.asarray(output, dtype=np.float64)
        if output.ndim == 1:
            output = output.reshape(-1, 1)
        if self.classes.size == 1 and self.target_type != "multilabel-indicator":
            return np.ones((output.shape[0], 1))
        if self.mode == BINARY or (
            self.target_type == "binary" and output.shape[1] == 1
        ):
            p = np.clip(output[:, 0], 0.0, 1.0)
            return np.column_stack([1.0 - p, p])
        return output

    def decode(self, proba):
        """Return labels in the user's type from :meth:`proba`'s output."""
        if self.mode == MULTILABEL:
            return (proba > 0.5).astype(int)
        if self.mode == ONE_HOT_ROWS:
            return np.eye(self.classes.size, dtype=int)[np.argmax(proba, axis=1)]
        return self.classes[np.argmax(proba, axis=1)]


class RegressorTarget:
    """Encodes regression targets as a float matrix and decodes predictions."""

    def __init__(self, y):
        y = np.asarray(y)
        self.ndim = y.ndim
        self.n_outputs = 1 if y.ndim == 1 else y.shape[1]
        self.target_type = type_of_target(y) if y.size else "continuous"
        if self.target_type not in ("continuous", "continuous-multioutput"):
            self.target_type = (
                "continuous" if self.n_outputs == 1 else "continuous-multioutput"
            )

    def output_units(self):
        return self.n_outputs

    def default_loss(self, units):
        return "mean_squared_error"

    def choose_mode(self, loss, units, y=None):
        """Check that the network has one output unit per target column."""
        if units != self.n_outputs:
            raise ValueError(
                f"The network has {units} output unit(s) but the target has "
                f"{self.n_outputs} column(s). Build the last layer with "
                "meta['n_outputs_'] units."
            )

    def encode(self, y):
        # In Keras' float type, whose range the estimators check y against.
        y = np.asarray(y, dtype=keras.config.floatx())
        check_columns(y, self.n_outputs)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def build_target(self, y):
        """Return ``y`` as ``keras.wrappers`` hands it to a build function:
        a matrix, one column per target."""
        return self.encode(y)

    def decode(self, output):
        output = np.asarray(output, dtype=np.float64)
        if output.ndim == 2 and output.shape[1] != self.n_outputs:
            raise ValueError(
                f"The network has {output.shape[1]} outputs but the target has "
                f"{self.n_outputs}; build the last layer with "
                "meta['n_outputs_'] units."
            )
        if self.ndim == 1 and output.ndim == 2:
            return output[:, 0]
        return output
