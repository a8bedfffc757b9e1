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
    could be learned from them, and weights outside float32's range (the
    type they are trained in): larger ones would become infinite, and if
    even the largest is below float32's smallest normal number they would
    all round to zero or lose their precision.
    """
    if sample_weight is None:
        return None
    sw = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if not np.any(sw > 0):
        raise ValueError(
            "sample_weight is zero for every sample, so there is nothing to "
            "learn from; give at least one sample a positive weight."
        )
    finfo = np.finfo(np.float32)
    largest = float(np.max(sw))
    if largest > finfo.max or largest < finfo.tiny:
        problem = (
            f"above float32's largest value ({finfo.max:.3g}): they would become "
            "infinite"
            if largest > finfo.max
            else f"all below float32's smallest normal value ({finfo.tiny:.3g}): "
            "they would round to zero"
        )
        raise ValueError(
            f"sample_weight has values up to {largest:.3g}, {problem} when "
            "converted to float32, the type the network trains in. Rescale the "
            "weights, e.g. sample_weight / sample_weight.max(): a sample's weight "
            "counts relative to the others."
        )
    return sw.astype(np.float32)


# Parameter validation: scikit-learn's constraint objects, its error (both
# a ValueError and a TypeError) and the estimator method that checks
# ``_parameter_constraints``.
from sklearn.utils._param_validation import (  # noqa: E402
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)


def validate_params(estimator):
    """Check ``estimator``'s parameters against its ``_parameter_constraints``."""
    estimator._validate_params()


# Per-split data and fit parameters, indexed as scikit-learn's own
# cross-validation indexes them (skkeras.model_selection).
from sklearn.utils import _safe_indexing as safe_indexing  # noqa: E402
from sklearn.utils.validation import _check_method_params  # noqa: E402


def split_params(X, params, indices):
    """``params`` for the rows ``indices`` of ``X``: arrays indexed, the rest kept."""
    return _check_method_params(X, params=params or {}, indices=indices)


# Successive halving is experimental in scikit-learn: its classes are
# importable only after this import (skkeras.model_selection subclasses them).
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.model_selection import (  # noqa: E402
    HalvingGridSearchCV as SkHalvingGridSearchCV,
)
from sklearn.model_selection import (  # noqa: E402
    HalvingRandomSearchCV as SkHalvingRandomSearchCV,
)

# The L-BFGS solver's result check (iterations run, ConvergenceWarning) and
# SciPy's ``iprint`` option where this SciPy still takes it, as scikit-learn's
# MLP uses them (skkeras._mlp_lbfgs).
from sklearn.utils.fixes import (  # noqa: E402
    _get_additional_lbfgs_options_dict as lbfgs_options,
)
from sklearn.utils.optimize import (  # noqa: E402
    _check_optimize_result as check_optimize_result,
)

__all__ = [
    "Interval",
    "InvalidParameterError",
    "SkHalvingGridSearchCV",
    "SkHalvingRandomSearchCV",
    "Options",
    "StrOptions",
    "check_optimize_result",
    "check_sample_weight",
    "lbfgs_options",
    "safe_indexing",
    "split_params",
    "validate_params",
]
