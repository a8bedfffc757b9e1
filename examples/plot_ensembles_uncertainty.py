"""
===============================================
Deep ensembles and uncertainty (Boston housing)
===============================================

A deep ensemble fits the same network several times from different seeds
and averages the members (Lakshminarayanan et al., 2017). The average is
usually more accurate than one member, and the members' disagreement, the
standard deviation of their predictions, tells which predictions to trust
less. :class:`~skkeras.ensemble.DeepEnsembleRegressor` wraps any skkeras
regressor: here the Boston recipe of :mod:`skkeras.tasks` (standardised
inputs, a ``(13, 6)`` network, 200 epochs), with 5 members. On the JAX
backend the members train as one vectorized program.

.. note::
    The documentation build runs this example with
    ``SKKERAS_EXAMPLES_QUICK=1``: 50 epochs instead of 200 and 5 folds
    instead of 10, so its errors are higher than the full setting's.
    ``python plot_ensembles_uncertainty.py`` runs the full setting.
"""

# %%
# One network against an ensemble of five, fold by fold
# -----------------------------------------------------
# The same folds, the same recipe: the ensemble replaces the network step
# of the pipeline. Each test row gets the ensemble's mean prediction and
# the members' standard deviation (``predict(X, return_std=True)``).
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline

from skkeras.ensemble import DeepEnsembleRegressor
from skkeras.tasks import get_task

# Fixed epochs, as in the tutorial: "maximum iterations reached" is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The documentation build sets SKKERAS_EXAMPLES_QUICK=1 (see the note
# above) for a shorter run; the script alone runs the full setting.
QUICK = os.environ.get("SKKERAS_EXAMPLES_QUICK") == "1"
EPOCHS, FOLDS = (50, 5) if QUICK else (200, 10)

task = get_task("boston")
X, y = task.load()
y = np.asarray(y, dtype=float)
single = task.make_pipeline(max_iter=EPOCHS)
scaler, network = single.steps[0][1], single.steps[-1][1]
ensemble = Pipeline(
    [
        ("scale", clone(scaler)),
        ("ensemble", DeepEnsembleRegressor(network, n_members=5, random_state=0)),
    ]
)

pred_single = np.empty_like(y)
pred_mean, pred_std = np.empty_like(y), np.empty_like(y)
rmse_single, rmse_ensemble = [], []
for train, test in task.cv(n_splits=FOLDS).split(X, y):
    one = clone(single).fit(X.iloc[train], y[train])
    ens = clone(ensemble).fit(X.iloc[train], y[train])
    pred_single[test] = one.predict(X.iloc[test])
    # A Pipeline passes return_std on to its last step's predict.
    pred_mean[test], pred_std[test] = ens.predict(X.iloc[test], return_std=True)
    rmse_single.append(np.sqrt(np.mean((pred_single[test] - y[test]) ** 2)))
    rmse_ensemble.append(np.sqrt(np.mean((pred_mean[test] - y[test]) ** 2)))

print(f"{FOLDS}-fold RMSE, one network:    {np.mean(rmse_single):.2f}")
print(f"{FOLDS}-fold RMSE, 5-member mean:  {np.mean(rmse_ensemble):.2f}")
better = np.sum(np.array(rmse_ensemble) < np.array(rmse_single))
print(f"the ensemble has the lower RMSE on {better} of {FOLDS} folds")

# %%
# Does the spread flag the larger errors?
# ---------------------------------------
# Left: each test row's absolute error against the members' standard
# deviation. Right: the rows cut into five groups by their standard
# deviation, from the most confident to the least, with the mean absolute
# error of each group. An informative spread makes the errors grow from left
# to right; the printed rank correlation says how strongly the two go
# together over all rows (in a quick run, 0.09 overall, while the most
# uncertain fifth of the rows had clearly the largest errors: the spread
# flags the worst rows more than it ranks the others).
error = np.abs(pred_mean - y)
order = np.argsort(pred_std)
groups = np.array_split(order, 5)
group_std = [pred_std[g].mean() for g in groups]
group_error = [error[g].mean() for g in groups]
ranks = np.argsort(np.argsort(pred_std)), np.argsort(np.argsort(error))
spearman = np.corrcoef(*ranks)[0, 1]
print(f"rank correlation of spread and absolute error: {spearman:.2f}")
for s, e in zip(group_std, group_error, strict=True):
    print(f"mean std {s:5.2f}  ->  mean absolute error {e:5.2f}")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.scatter(pred_std, error, s=8, alpha=0.5)
left.set_xlabel("members' standard deviation (k$)")
left.set_ylabel("absolute error of the mean (k$)")
left.set_title(f"held-out rows, {FOLDS} folds")
right.bar(range(1, 6), group_error)
right.set_xticks(range(1, 6), [f"{s:.2f}" for s in group_std])
right.set_xlabel("quintile of standard deviation (its mean)")
right.set_ylabel("mean absolute error (k$)")
right.set_title("mean error by spread quintile")
fig.tight_layout()
plt.show()
