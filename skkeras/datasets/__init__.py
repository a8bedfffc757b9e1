"""Small tabular data sets bundled with skkeras, and toy data generators.

The loaders follow scikit-learn's conventions (:func:`sklearn.datasets.load_iris`):
they return a :class:`~sklearn.utils.Bunch` with ``data``, ``target``,
``feature_names``, ``target_names``, ``frame``, ``DESCR`` and ``filename``,
or ``(data, target)`` with ``return_X_y=True``. The data are read from files
shipped inside the package, so no network access is needed.
"""

from ._base import (
    load_bank_marketing,
    load_boston_housing,
    load_pima_indians_diabetes,
    make_gender,
)

__all__ = [
    "load_bank_marketing",
    "load_boston_housing",
    "load_pima_indians_diabetes",
    "make_gender",
]
