"""
===========================================================
Pima Indians diabetes: your first neural network, evaluated
===========================================================

The classic first Keras project: predict the onset of diabetes from eight
medical measurements with a small ``(12, 8)`` relu network trained with adam
for 150 epochs of batch 10. Here it is a scikit-learn pipeline, evaluated
with 10-fold stratified cross-validation, tuned with a grid search, and its
learning curves plotted.

.. note::
    The documentation build runs this example with
    ``SKKERAS_EXAMPLES_QUICK=1``: 40 epochs instead of 150 and 5-fold
    instead of 10-fold cross-validation, so its numbers and curves are
    rougher than the tutorial's. ``python plot_pima.py`` runs the full
    setting.
"""

# %%
# Load the data
# -------------
# 768 women, 8 numeric features, 35 % positive. The loader reads a file
# bundled with skkeras: no download.
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier
from skkeras.datasets import load_pima_indians_diabetes
from skkeras.reports import HistoryDisplay, plot_search_scores, search_frame

# The networks train for a fixed number of epochs, as in the tutorial, so
# scikit-learn's "maximum iterations reached" warning is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The documentation build sets SKKERAS_EXAMPLES_QUICK=1 (see the note
# above) for a shorter run; the script alone runs the full setting.
QUICK = os.environ.get("SKKERAS_EXAMPLES_QUICK") == "1"
EPOCHS, FOLDS = (40, 5) if QUICK else (150, 10)

X, y = load_pima_indians_diabetes(return_X_y=True, as_frame=True)
print(X.shape, y.value_counts().to_dict())

# %%
# The tutorial network, as a pipeline
# -----------------------------------
# ``max_iter`` is the number of epochs; ``n_iter_no_change=np.inf`` runs
# them all, like Keras' ``fit``. Standardising the inputs matters: the
# features range from 0-1 to 0-846. A small L2 penalty (``alpha``) keeps
# the network from overfitting 700 rows.
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        hidden_layer_sizes=(12, 8),
        activation="relu",
        solver="adam",
        alpha=0.7,
        max_iter=EPOCHS,
        batch_size=10,
        n_iter_no_change=np.inf,
        random_state=0,
    ),
)

# %%
# 10-fold cross-validation
# ------------------------
# Shuffled and seeded, so that the folds and the result are repeatable.
cv = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
scores = cross_val_score(pipe, X, y, cv=cv, scoring="accuracy", n_jobs=2)
print(f"accuracy: {scores.mean():.3f} ± {scores.std():.3f} (majority class: 0.651)")

# %%
# A grid search
# -------------
# The tutorial searches optimizers, initialisers, epochs and batch sizes
# (54 candidates: ``skkeras grid pima``). A corner of that grid on 3 folds
# keeps this example short.
param_grid = {
    "mlpclassifier__solver": ["rmsprop", "adam"],
    "mlpclassifier__batch_size": [10, 20],
}
search = GridSearchCV(
    pipe,
    param_grid,
    cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    scoring="accuracy",
    n_jobs=2,
)
search.fit(X, y)
print(search_frame(search))

# %%
# Score against each searched parameter: the best candidate with each value
# (and one standard deviation over the folds), every candidate in grey.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True, layout="constrained")
plot_search_scores(search, "solver", ax=axes[0])
plot_search_scores(search, "batch_size", ax=axes[1])

# %%
# Learning curves
# ---------------
# The tutorial's history plot: train the best network with a third of the
# data held out, and draw ``loss`` and ``val_loss`` per epoch.
best = search.best_estimator_.set_params(
    mlpclassifier__early_stopping=True, mlpclassifier__validation_fraction=0.33
)
best.fit(X, y)
HistoryDisplay.from_estimator(best)
plt.show()
