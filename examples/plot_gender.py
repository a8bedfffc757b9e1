"""
==============================================
Gender from height, weight and age
==============================================

A toy classifier from the Keras tutorials: guess a person's gender from
three standardised measurements. The data come from
:func:`skkeras.datasets.make_gender`, two Gaussian clouds whose best
possible accuracy (the Bayes rate) is about 0.807, so we know how close the
network gets to perfect.

.. note::
    The documentation build runs this example with
    ``SKKERAS_EXAMPLES_QUICK=1``: 5-fold instead of 10-fold
    cross-validation and a 2-fold instead of 3-fold grid search.
    ``python plot_gender.py`` runs the full setting.
"""

# %%
# Data and pipeline
# -----------------
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier
from skkeras.datasets import make_gender
from skkeras.reports import HistoryDisplay, plot_search_scores, search_frame

# Fixed epochs, as in the tutorial: "maximum iterations reached" is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The documentation build sets SKKERAS_EXAMPLES_QUICK=1 (see the note
# above) for a shorter run; the script alone runs the full setting.
QUICK = os.environ.get("SKKERAS_EXAMPLES_QUICK") == "1"
FOLDS, GRID_FOLDS = (5, 2) if QUICK else (10, 3)

X, y = make_gender(1000, random_state=0, as_frame=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        hidden_layer_sizes=(8,),
        learning_rate_init=0.003,
        max_iter=50,
        batch_size=32,
        n_iter_no_change=np.inf,
        random_state=0,
    ),
)

# %%
# How good can it be?
# -------------------
# The class means are sqrt(3) apart with unit variance in every direction,
# so the best rule errs with probability ``Phi(-sqrt(3) / 2)``.
bayes = norm.cdf(np.sqrt(3) / 2)
print(f"Bayes-optimal accuracy: {bayes:.3f}")

# %%
# 10-fold cross-validation
# ------------------------
cv = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
scores = cross_val_score(pipe, X, y, cv=cv, n_jobs=2)
print(f"accuracy: {scores.mean():.3f} ± {scores.std():.3f} (Bayes: {bayes:.3f})")

# %%
# How wide, how long?
# -------------------
search = GridSearchCV(
    pipe,
    {
        "mlpclassifier__hidden_layer_sizes": [(2,), (8,), (16, 8)],
        "mlpclassifier__max_iter": [10, 50],
    },
    cv=StratifiedKFold(n_splits=GRID_FOLDS, shuffle=True, random_state=0),
    n_jobs=2,
).fit(X, y)
print(
    search_frame(search)[
        ["rank", "hidden_layer_sizes", "max_iter", "score", "score_std"]
    ]
)
ax = plot_search_scores(search, "hidden_layer_sizes")
ax.axhline(bayes, color="black", linestyle="--", label="Bayes-optimal")
ax.legend()

# %%
# Learning curves, with 20 % of the data held out
# -----------------------------------------------
# ``early_stopping=True`` holds out ``validation_fraction`` of the data and
# records ``val_loss``; with ``n_iter_no_change=np.inf`` all epochs still run.
model = pipe.set_params(
    mlpclassifier__early_stopping=True, mlpclassifier__validation_fraction=0.2
)
HistoryDisplay.from_estimator(model.fit(X, y))
plt.show()
