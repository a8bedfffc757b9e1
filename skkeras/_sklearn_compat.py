"""The only module that touches private scikit-learn helpers.

scikit-learn keeps a few widely used validation helpers private.  Importing
them here, and nowhere else, means a rename in a future scikit-learn release
is mended in one place.
"""

import numpy as np
from sklearn.utils.validation import _check_sample_weight


def check_sample_weight(sample_weight, X):
    """Validate ``sample_weight`` against ``X``; return float32 weights.

    ``None`` gives ``None`` (no weighting); a scalar is broadcast.  Negative
    weights are refused, and so are weights that are all zero, since nothing
    could be learned from them.
    """
    if sample_weight is None:
        return None
    sw = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    if not np.any(sw > 0):
        raise ValueError(
            "sample_weight is zero for every sample, so there is nothing to "
            "learn from; give at least one sample a positive weight."
        )
    return sw.astype(np.float32)


# Parameter validation: scikit-learn's constraint objects and the
# estimator method that checks ``_parameter_constraints``.
from sklearn.utils._param_validation import Interval, Options, StrOptions  # noqa: E402


def validate_params(estimator):
    """Check ``estimator``'s parameters against its ``_parameter_constraints``."""
    estimator._validate_params()


__all__ = ["Interval", "Options", "StrOptions", "check_sample_weight", "validate_params"]
