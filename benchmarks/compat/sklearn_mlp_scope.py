"""Which of scikit-learn's MLP tests ``sklearn_mlp_suite.py`` counts, and why not.

Read by ``sklearn_mlp_suite.py``. Patterns are ``fnmatch`` patterns on the
test's name within ``test_mlp.py`` (``test_x[params]``).

* ``OUT_OF_SCOPE``: ``(pattern, reason)``, tests that read scikit-learn's
  private internals, which skkeras (a Keras network, a Keras optimizer)
  does not have. The user-facing behaviour each one checks has a test of
  skkeras' own, named in the reason.
* ``NEEDS_LBFGS``: tests that need ``solver="lbfgs"`` (or ``max_fun``),
  added by another change; they are counted apart until it is merged.
* ``DEVIATIONS``: ``(pattern, reason)``, tests skkeras fails on purpose.
"""

OUT_OF_SCOPE: list[tuple[str, str]] = [
    (
        "test_gradient",
        "compares scikit-learn's private _loss_grad_lbfgs with a numerical "
        "gradient (Keras differentiates skkeras' networks); needs lbfgs too",
    ),
    (
        "test_learning_rate_warmstart",
        "reads scikit-learn's optimizer object (_optimizer.learning_rate); "
        "the invscaling rate after a warm start is tested on model_.optimizer "
        "in tests/test_mlp_iterations.py",
    ),
    (
        "test_adaptive_learning_rate",
        "reads scikit-learn's optimizer object (_optimizer.learning_rate); "
        "the adaptive rate falling below 1e-6 and stopping is tested on "
        "model_.optimizer in tests/test_mlp_iterations.py",
    ),
    (
        "test_n_iter_no_change",
        "reads scikit-learn's private _no_improvement_count; stopping before "
        "max_iter for each n_iter_no_change is tested in "
        "tests/test_mlp_iterations.py",
    ),
    (
        "test_n_iter_no_change_inf",
        "reads scikit-learn's private _no_improvement_count; "
        "n_iter_no_change=inf running all max_iter epochs is tested in "
        "tests/test_mlp_iterations.py",
    ),
]

NEEDS_LBFGS: list[str] = [
    "test_lbfgs_*",
    "test_multilabel_classification",
    "test_multioutput_regression",
    "test_predict_proba_multilabel",
    "test_sparse_matrices*",
    "test_warm_start",
    "test_mlp_warm_start_no_convergence[lbfgs-*",
    "test_partial_fit_errors",
    "test_mlp_vs_poisson_glm_equivalent",
]

DEVIATIONS: list[tuple[str, str]] = [
    (
        "test_nonfinite_params",
        "X holds values up to 1.8e308, beyond float32, the type Keras trains "
        "in: skkeras refuses X before training, naming the largest value and "
        "the fix (scale the features); scikit-learn trains in float64 and "
        "reports the non-finite weights afterwards. A diverging fit gives "
        "scikit-learn's message (tests/test_hostile_input.py)",
    ),
    (
        "test_early_stopping_stratified",
        "the same ValueError and text, but skkeras names the too-small class "
        "by its label ([1]) where scikit-learn names its label-binarized "
        "value (['True']) (tests/test_mlp.py)",
    ),
    (
        "test_mlp_param_dtypes[[]*-float32]",
        "skkeras' networks hold float32 weights (Keras' floatx) whatever X's "
        "dtype; coefs_, intercepts_ and predictions are float64 copies, "
        "computed in float64 by the NumPy forward pass, for float32 X too",
    ),
    (
        "test_preserve_feature_names[[]MLPClassifier]",
        "its y has a single class: skkeras' classifiers refuse it with a "
        "ValueError naming the fix (scikeras_deviations.py's _SINGLE_CLASS); "
        "the feature-name check itself passes for MLPRegressor",
    ),
]
