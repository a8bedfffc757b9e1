"""
=====================================================
Pima: a halving search whose survivors keep training
=====================================================

Successive halving searches neural networks on a budget: every candidate
trains for a few epochs, the best third goes on for three times as many,
and so on until a few candidates have had the full number of epochs.
:class:`skkeras.model_selection.HalvingGridSearchCV` is scikit-learn's
``HalvingGridSearchCV`` (no ``enable_halving_search_cv`` import needed)
with ``max_iter`` as the resource; where scikit-learn retrains each
survivor from its first epoch at every rung, skkeras continues it from the
weights and optimizer state it reached, and the results are the same.

.. note::
    The documentation build runs this example with
    ``SKKERAS_EXAMPLES_QUICK=1``: up to 30 epochs instead of 150 and a
    smaller grid (8 candidates instead of 18), so its scores are rougher
    than the full setting's. ``python plot_halving_search.py`` runs the
    full setting.
"""

# %%
# The tutorial network and its grid
# ---------------------------------
# The Pima tutorial's grid searches optimizers, initialisers, batch sizes
# and epochs. Here the epochs (``max_iter``) are the halving resource, so
# they leave the grid: ``max_resources`` is the tutorial's largest, 150.
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier
from skkeras.datasets import load_pima_indians_diabetes
from skkeras.model_selection import HalvingGridSearchCV

# The networks train for a fixed number of epochs, as in the tutorial, so
# scikit-learn's "maximum iterations reached" warning is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The documentation build sets SKKERAS_EXAMPLES_QUICK=1 (see the note
# above) for a shorter run; the script alone runs the full setting.
QUICK = os.environ.get("SKKERAS_EXAMPLES_QUICK") == "1"
MAX_EPOCHS = 30 if QUICK else 150

X, y = load_pima_indians_diabetes(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        hidden_layer_sizes=(12, 8),
        n_iter_no_change=np.inf,  # every epoch runs, as Keras' fit
        random_state=0,
    ),
)
param_grid = {
    "mlpclassifier__solver": ["rmsprop", "adam"],
    "mlpclassifier__kernel_initializer": ["glorot_uniform", "normal", "uniform"],
    "mlpclassifier__batch_size": [5, 10, 20],
}
if QUICK:
    param_grid["mlpclassifier__kernel_initializer"] = ["glorot_uniform", "uniform"]
    param_grid["mlpclassifier__batch_size"] = [10, 20]

# %%
# The search
# ----------
# ``factor=3``: each rung keeps a third of the candidates and trains them
# three times longer; ``min_resources="exhaust"`` (the default) picks the
# first rung's epochs so that the last rung reaches ``max_resources``.
search = HalvingGridSearchCV(
    pipe,
    param_grid,
    resource="mlpclassifier__max_iter",
    max_resources=MAX_EPOCHS,
    factor=3,
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    scoring="accuracy",
)
search.fit(X, y)
print("epochs per rung:", search.n_resources_)
print("candidates per rung:", search.n_candidates_)
print(f"best: {search.best_score_:.3f} with {search.best_params_}")

# %%
# What continuing saved
# ---------------------
# scikit-learn's search trains each rung's fits from the first epoch;
# here the survivors train only the rung's new epochs. ``rungs_`` reports
# what each rung trained.
retrained = [n * r * 3 for n, r in zip(search.n_candidates_, search.n_resources_)]
for rung, again in zip(search.rungs_, retrained):
    print(
        f"{rung.n_resources:4d} epochs: {rung.continued:2d} fits continued, "
        f"{rung.fresh:2d} fresh, {rung.epochs_trained:5d} epochs trained "
        f"(retraining: {again})"
    )

# %%
# The candidates' scores per rung
# -------------------------------
# Each line follows one candidate through the rungs it reached: most are
# dropped after the first, short rung (grey).
results = search.cv_results_
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")


def short(params):
    """A candidate's label: its searched values, without the epochs."""
    return ", ".join(
        f"{name.split('__')[-1]}={value}"
        for name, value in params.items()
        if not name.endswith("max_iter")
    )


labels = [short(params) for params in results["params"]]
finalists = 0
for label in dict.fromkeys(labels):
    rows = [i for i, other in enumerate(labels) if other == label]
    epochs = [results["n_resources"][i] for i in rows]
    scores = [results["mean_test_score"][i] for i in rows]
    if len(rows) == len(search.n_resources_):  # it reached the last rung
        ax.plot(epochs, scores, marker="o", color=f"C{finalists}", label=label)
        finalists += 1
    else:
        ax.plot(epochs, scores, marker="o", color="0.6", alpha=0.6)
ax.set_xscale("log")
ax.minorticks_off()
ax.set_xticks(search.n_resources_, [str(r) for r in search.n_resources_])
ax.set_xlabel("epochs (max_iter) of the rung")
ax.set_ylabel("mean accuracy, 3 folds")
ax.set_title("Halving search on Pima: the finalists in colour")
ax.legend(fontsize="x-small")
plt.show()
