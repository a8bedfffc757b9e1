"""Model selection that trains the folds and candidates of a search together.

Drop-in replacements for scikit-learn's :func:`~sklearn.model_selection.cross_validate`,
:func:`~sklearn.model_selection.cross_val_score`,
:class:`~sklearn.model_selection.GridSearchCV` and
:class:`~sklearn.model_selection.RandomizedSearchCV`: the same arguments and
results, with the fits of skkeras estimators that share an architecture
trained as one vectorized program on the JAX backend (one after another on
the others).  :func:`cross_validate` also takes a ``progress`` callback,
called with a :class:`CVProgress` as the folds finish.
:class:`HalvingGridSearchCV` and :class:`HalvingRandomSearchCV` are
scikit-learn's successive halving (no ``enable_halving_search_cv`` import
needed), where, with the number of epochs as the resource, a candidate that
survives a rung continues its run instead of training again.
"""

from ._cv_progress import CVProgress
from ._halving import HalvingGridSearchCV, HalvingRandomSearchCV
from ._search import GridSearchCV, RandomizedSearchCV, cross_val_score, cross_validate

__all__ = [
    "CVProgress",
    "GridSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "RandomizedSearchCV",
    "cross_val_score",
    "cross_validate",
]
