"""The classic Keras tutorial tasks as ready-made scikit-learn recipes.

Each task bundles a data loader, a preprocessing + network pipeline, a
shuffled and seeded cross-validation splitter, a scoring dict and a
hyperparameter grid in the spirit of the original tutorials:

========  ==========  ==============================================  ==================
name      kind        data                                            metrics
========  ==========  ==============================================  ==================
pima      binary      Pima Indians diabetes, 768 x 8                  accuracy, ROC AUC
iris      multiclass  Fisher's iris, 150 x 4                          accuracy, ROC AUC
boston    regression  Boston housing, 506 x 13                        RMSE, R²
bank      binary      UCI bank marketing, 4,521 x 15 (9 categorical)  accuracy, ROC AUC
gender    binary      ``make_gender``, 1,000 x 3                      accuracy, ROC AUC
========  ==========  ==============================================  ==================

Everything is plain scikit-learn: take a recipe's pipeline, change it, and
pass it to :func:`~sklearn.model_selection.cross_validate` or
:class:`~sklearn.model_selection.GridSearchCV`. The command line
(``skkeras cv TASK``, ``skkeras grid TASK``) runs the same recipes.

The bank recipe leaves out the ``duration`` column, which is known only
after the call whose outcome is the target; ``load(keep_duration=True)``
keeps it, as the Keras tutorial does.

Examples
--------
>>> from skkeras.tasks import get_task
>>> task = get_task("pima")
>>> X, y = task.load()
>>> X.shape
(768, 8)
>>> pipe = task.make_pipeline(max_iter=5)
>>> pipe.get_params()["mlpclassifier__max_iter"]
5
"""

from ._options import RecipeOption
from ._param_names import resolve_param_names
from ._registry import get_task, list_tasks
from ._task import Task

__all__ = ["RecipeOption", "Task", "get_task", "list_tasks", "resolve_param_names"]
