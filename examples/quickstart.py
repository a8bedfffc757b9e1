"""
==========
Quickstart
==========

The five tutorial tasks are ready-made recipes in :mod:`skkeras.tasks`: a
loader, a scikit-learn pipeline, a seeded cross-validation splitter, the
scoring and a hyperparameter grid. Take one, change it, cross-validate it,
and write a report. The same runs from the command line::

    skkeras tasks
    skkeras cv pima --report pima.html
    skkeras grid iris --quick --report iris.md
    skkeras fit bank --out bank.skkeras
    skkeras predict bank.skkeras --csv new_clients.csv
"""

# %%
import os
import tempfile
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate

from skkeras.reports import cv_summary, make_report, plot_fold_scores
from skkeras.tasks import get_task, list_tasks

# The recipes train for a fixed number of epochs, as the tutorials do, so
# scikit-learn's "maximum iterations reached" warning is expected.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

for task in list_tasks():
    print(f"{task.name:7} {task.kind:11} {task.model_short}")

# %%
# Take a recipe and change it: here, half the tutorial's 150 epochs.
task = get_task("pima")
X, y = task.load()
pipe = task.make_pipeline(max_iter=75)  # short for mlpclassifier__max_iter
result = cross_validate(
    pipe,
    X,
    y,
    cv=task.cv(seed=0),
    scoring=task.scoring,
    n_jobs=2,
    return_estimator=True,
)
baseline = cross_validate(
    task.make_baseline(), X, y, cv=task.cv(seed=0), scoring=task.scoring
)
print(cv_summary(result, scoring=task.scoring, baseline=baseline))

# %%
# The ROC AUC of each fold, beside always answering the majority class (0.5).
plot_fold_scores(
    result, "roc_auc", scoring=task.scoring, baseline=baseline["test_roc_auc"].mean()
)

# %%
# A self-contained HTML report (a ``.md`` name gives Markdown), with the
# per-fold scores and learning curves when matplotlib is installed.
path = os.path.join(tempfile.mkdtemp(), "pima.html")
make_report(
    result, path, title="Pima, 75 epochs", scoring=task.scoring, baseline=baseline
)
print(f"open {path} in a browser")
plt.show()
