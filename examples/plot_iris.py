"""
==============================================
Iris species: multiclass classification
==============================================

The Keras multiclass tutorial: three iris species from four measurements,
one hidden layer of 8 relu units and a softmax output, 200 epochs of batch
5. :class:`~skkeras.MLPClassifier` one-hot encodes the string labels itself
(no ``LabelEncoder`` or ``to_categorical`` needed) and returns them from
``predict``.

.. note::
    The documentation build runs this example with
    ``SKKERAS_EXAMPLES_QUICK=1``: 50 epochs instead of 200, 5-fold instead
    of 10-fold cross-validation and 2-fold instead of 3-fold grid search,
    so its scores are rougher than the tutorial's. ``python plot_iris.py``
    runs the full setting.
"""

# %%
# Data and pipeline
# -----------------
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_predict,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import MLPClassifier
from skkeras.reports import cv_summary, plot_search_heatmap, search_frame

# Fixed epochs, as in the tutorial: "maximum iterations reached" is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The documentation build sets SKKERAS_EXAMPLES_QUICK=1 (see the note
# above) for a shorter run; the script alone runs the full setting.
QUICK = os.environ.get("SKKERAS_EXAMPLES_QUICK") == "1"
EPOCHS, FOLDS, GRID_FOLDS = (50, 5, 2) if QUICK else (200, 10, 3)

iris = load_iris(as_frame=True)
X = iris.data
y = iris.target_names[iris.target]  # species names, not numbers
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        hidden_layer_sizes=(8,),
        max_iter=EPOCHS,
        batch_size=5,
        n_iter_no_change=np.inf,
        random_state=0,
    ),
)

# %%
# 10-fold cross-validation
# ------------------------
# Accuracy and the one-vs-rest ROC AUC; :func:`~skkeras.reports.cv_summary`
# shows them beside the 1/3 of a majority-class guess.
cv = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
scoring = {"accuracy": "accuracy", "roc_auc": "roc_auc_ovr"}
result = cross_validate(pipe, X, y, cv=cv, scoring=scoring, n_jobs=2)
print(cv_summary(result, scoring=scoring, baseline={"accuracy": 1 / 3, "roc_auc": 0.5}))

# %%
# Which flowers are confused? The out-of-fold predictions of 5 folds.
y_pred = cross_val_predict(
    pipe, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0), n_jobs=2
)
ConfusionMatrixDisplay.from_predictions(y, y_pred)

# %%
# Width and batch size
# --------------------
# A small grid over the hidden layer's width and the batch size, 3 folds.
search = GridSearchCV(
    pipe,
    {
        "mlpclassifier__hidden_layer_sizes": [(4,), (8,), (16,)],
        "mlpclassifier__batch_size": [5, 16],
    },
    cv=StratifiedKFold(n_splits=GRID_FOLDS, shuffle=True, random_state=0),
    n_jobs=2,
).fit(X, y)
print(search_frame(search)[["rank", "hidden_layer_sizes", "batch_size", "score"]])
plot_search_heatmap(search)
plt.show()
