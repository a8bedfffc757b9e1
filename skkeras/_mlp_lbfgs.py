"""scikit-learn's ``solver="lbfgs"`` for the MLP estimators.

A fit with ``solver="lbfgs"`` skips Keras' training loop: the network is
built as for the other solvers (``random_state`` sets its initial weights;
``warm_start`` keeps the fitted ones), then
:func:`skkeras._engine.lbfgs.minimize` runs SciPy's L-BFGS-B on the whole
training set at once, with scikit-learn's objective, and leaves the
result in ``model_``.  As in scikit-learn, ``max_iter`` counts L-BFGS
iterations, ``max_fun`` evaluations of the objective and ``tol`` is the
projected gradient's tolerance; ``batch_size``, ``shuffle``,
``learning_rate*``, ``momentum``, ``beta_*``, ``epsilon``,
``n_iter_no_change`` and ``early_stopping`` do not apply, and
``partial_fit`` does not exist.  ``n_iter_`` is the iterations of the last
fit and ``loss_`` the objective it reached; there is no ``loss_curve_``.
"""

import contextlib

import numpy as np
from sklearn.base import is_classifier

from ._engine import lbfgs
from ._fit_checks import check_finite_weights
from ._sklearn_compat import check_optimize_result, lbfgs_options

# Fitted attributes of the stochastic solvers that scikit-learn's lbfgs
# estimators do not have.
_STOCHASTIC_ONLY = (
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
)

# skkeras' extras that have no meaning for a deterministic full-batch solver.
_REFUSED = {
    "dropout": lambda v: not _all_zero(v),
    "input_dropout": lambda v: not _all_zero(v),
    "batch_normalization": bool,
    "kernel_constraint": lambda v: v is not None,
    "callbacks": lambda v: v is not None and v != [],
    "lr_schedule": lambda v: v is not None,
    "checkpoint": lambda v: v is not None,
}


def _all_zero(rates):
    """True if a dropout rate, or every rate of a list, is zero."""
    return bool(np.all(np.asarray(rates, dtype=float) == 0))


def uses_lbfgs(estimator):
    """True if ``estimator`` trains with scikit-learn's lbfgs solver."""
    return isinstance(estimator.solver, str) and estimator.solver == "lbfgs"


def stochastic_solver(estimator):
    """``partial_fit``'s availability check, with scikit-learn's error."""
    if uses_lbfgs(estimator):
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. "
            f"{estimator.solver} is not stochastic."
        )
    return True


def check_lbfgs_params(estimator):
    """Refuse the Keras extras that L-BFGS cannot honour."""
    set_ = [
        name for name, is_set in _REFUSED.items() if is_set(getattr(estimator, name))
    ]
    if set_:
        raise ValueError(
            f"solver='lbfgs' minimises the full-batch training loss of a plain "
            f"dense network, so it does not take {', '.join(set_)}; leave "
            f"{'them' if len(set_) > 1 else 'it'} at the default, or use a "
            "stochastic solver (e.g. solver='adam')."
        )


def _loss_kind(estimator):
    """The objective's data loss (see :mod:`skkeras._engine.lbfgs`)."""
    if is_classifier(estimator):
        return estimator.model_.layers[-1].activation.__name__
    if estimator.loss == "squared_error":
        return "squared_error"
    return estimator._loss(None)


def fit_lbfgs(estimator, X, y, sample_weight, fit_params, *, warm):
    """Fit ``estimator`` with L-BFGS (the body of ``fit`` for lbfgs)."""
    if fit_params:
        raise TypeError(
            f"{type(estimator).__name__}.fit got unexpected keyword arguments "
            f"{sorted(fit_params)}; set training options as estimator parameters."
        )
    with contextlib.nullcontext() if warm else estimator._unchanged_on_failure():
        estimator._check_params()
        check_lbfgs_params(estimator)
        X, y, sample_weight, plan = estimator._begin_fit(X, y, sample_weight, warm=warm)
        x, y_enc, _, _ = estimator._training_data(X, y, sample_weight, None, None)
        weights = estimator._class_sample_weight(y, sample_weight)
        spec = lbfgs.LbfgsSpec(
            loss=_loss_kind(estimator),
            n_features=int(x.shape[1]),
            n_outputs=int(y_enc.shape[1]) if y_enc.ndim > 1 else 1,
        )
        verbose = estimator.verbose is True or estimator.verbose >= 1
        result = lbfgs.minimize(
            estimator.model_,
            x,
            y_enc,
            weights,
            spec,
            alpha=float(estimator.alpha),
            max_iter=estimator.max_iter,
            max_fun=estimator.max_fun,
            tol=float(estimator.tol),
            options=lbfgs_options("iprint", 1 if verbose else -1),
        )
        estimator.n_iter_ = check_optimize_result("lbfgs", result, estimator.max_iter)
        estimator._fit_plan = plan
        estimator._derive_fitted()
        for name in _STOCHASTIC_ONLY:
            vars(estimator).pop(name, None)
        # After _derive_fitted, which takes loss_ from the (stochastic) curve.
        estimator.loss_ = float(result.fun)
        check_finite_weights(estimator.model_)
    return estimator
