"""Data at the door: the checks of ``X`` and ``y`` before a fit or a prediction.

:class:`InputValidationMixin` gives
:class:`~skkeras._base.BaseKerasEstimator` scikit-learn's validation of
numeric input (sparse input densified once), the raw text the general
wrappers pass to a ``TextVectorization`` layer, and the number of
dimensions of n-dimensional ``X``.
"""

import numpy as np
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    validate_data,
)

from ._fit_checks import check_float_range, check_text_backend


class InputValidationMixin:
    """Validation of ``X`` and ``y`` (a mixin of
    :class:`~skkeras._base.BaseKerasEstimator`)."""

    # Input dimensions beyond 2-D reach the model unchanged when True.
    _allow_nd = False

    def _validate_X(self, X, *, reset, y=None, fit=False):
        text = self._text_input(X)
        if text is not None:
            return self._validate_text(text, reset=reset, y=y, fit=fit)
        kwargs = dict(
            accept_sparse=("csr", "csc", "coo"),
            dtype=(np.float32, np.float64),
            allow_nd=self._allow_nd,
            reset=reset,
        )
        if fit:
            y = self._check_y(y)
            X, y = validate_data(
                self,
                X,
                y,
                multi_output=True,
                y_numeric=self._y_numeric,
                **kwargs,
            )
        else:
            X = validate_data(self, X, **kwargs)
        if hasattr(X, "toarray"):
            # Networks take dense batches; densify once, in the float type.
            X = X.toarray()
        check_float_range(X)
        self._check_X_ndim(X, reset)
        return X, y

    def _check_X_ndim(self, X, reset):
        """Record (``reset``) or check the number of dimensions of ``X``.

        scikit-learn's ``n_features_in_`` checks only ``X.shape[1]``; the
        wrappers, which take n-dimensional X, also need the same number of
        axes as at fit.
        """
        if not self._allow_nd:
            return
        if reset:
            self.X_shape_ = tuple(X.shape)
            return
        fitted = getattr(self, "X_shape_", None)
        if fitted is not None and X.ndim != len(fitted):
            dims = ", ".join(["n_samples"] + [str(d) for d in fitted[1:]])
            raise ValueError(
                f"X has {X.ndim} dimensions, but this {type(self).__name__} is "
                f"expecting {len(fitted)} dimensions in X: it was fitted on X of "
                f"shape ({dims}). Reshape X "
                "as at fit, or call fit (with warm_start=False) to train a new "
                "model on it."
            )

    _y_numeric = False

    def _text_input(self, X):
        """Return ``X`` as a 1-D object array if it is raw text, else None.

        The general wrappers pass a 1-D sequence of strings (one document
        per sample) to the model unchanged, for a ``TextVectorization``
        layer; every other input goes through scikit-learn's validation.
        """
        if not self._allow_nd or isinstance(X, (str, bytes)):
            return None
        if isinstance(X, (list, tuple)) or hasattr(X, "dtype"):
            values = getattr(X, "values", X)  # a pandas Series
            if hasattr(values, "toarray"):
                return None
            arr = np.asarray(values, dtype=object)
            if arr.ndim == 1 and arr.size > 0 and all(isinstance(v, str) for v in arr):
                return arr
        return None

    def _validate_text(self, X, *, reset, y, fit):
        """Validate raw text input (see :meth:`_text_input`)."""
        if fit:
            y = self._check_y(y)
            if y is None:
                raise ValueError(
                    f"{type(self).__name__} requires y to be passed, but the "
                    "target y is None."
                )
            y = check_array(
                y,
                ensure_2d=False,
                dtype="numeric" if self._y_numeric else None,
                input_name="y",
            )
            check_consistent_length(X, y)
        if reset:
            self.n_features_in_ = 1
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif getattr(self, "n_features_in_", 1) != 1:
            raise ValueError(
                f"X is a 1-D array of {X.size} strings, but "
                f"{type(self).__name__} was fitted on {self.n_features_in_} "
                "numeric features."
            )
        check_text_backend()
        self._check_X_ndim(X, reset)
        return X, y

    def _check_y(self, y):
        """Hook for target checks before validation (classifiers extend)."""
        return y
