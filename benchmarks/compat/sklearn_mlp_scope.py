"""Which of scikit-learn's MLP tests ``sklearn_mlp_suite.py`` counts, and why not.

Read by ``sklearn_mlp_suite.py``. Patterns are ``fnmatch`` patterns on the
test's name within ``test_mlp.py`` (``test_x[params]``).

* ``OUT_OF_SCOPE``: ``(pattern, reason)``, tests that read scikit-learn's
  private internals, which skkeras (a Keras network, a Keras optimizer)
  does not have. The user-facing behaviour each one checks has a test of
  skkeras' own, named in the reason.
* ``DEVIATIONS``: ``(pattern, reason)``, tests skkeras fails on purpose.
"""

OUT_OF_SCOPE: list[tuple[str, str]] = [
    (
        "test_gradient",
        "compares scikit-learn's private _loss_grad_lbfgs with a numerical "
        "gradient (Keras differentiates skkeras' networks); skkeras' L-BFGS "
        "objective is checked against finite differences and against "
        "scikit-learn's loss_ at the same weights in tests/test_mlp_lbfgs.py",
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
        "test_mlp_diverging_loss",
        "the fit diverges (its training loss reaches inf) and is refused with "
        "a ValueError, as in scikit-learn, but a fit that fails leaves a "
        "skkeras estimator as it was (here unfitted, so the test's "
        "validation_scores_ does not exist afterwards; a fitted one keeps its "
        "previous model): scikit-learn keeps the diverged state. With "
        "early_stopping=True the best epoch's weights are finite, so the "
        "message names the loss, not non-finite weights "
        "(tests/test_base.py, tests/test_hostile_input.py)",
    ),
]
