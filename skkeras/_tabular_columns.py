"""Which columns of a data frame are categorical.

:func:`as_pandas` takes a pandas or polars data frame (polars converted
without pyarrow) and :func:`categorical_mask` reads the MLPs'
``categorical_features`` parameter against its columns, as
scikit-learn's ``HistGradientBoostingClassifier`` does: ``"from_dtype"``
(pandas ``category``, ``str``/``string`` and ``object`` columns), a list
of column names or indices, a boolean mask, or None.
"""

import difflib
from numbers import Integral

import numpy as np


def as_pandas(X):
    """``X`` as a pandas DataFrame if it is a pandas or polars frame, else None."""
    module = type(X).__module__.split(".")[0]
    if module == "polars" and hasattr(X, "get_column"):
        return _polars_to_pandas(X)
    if module == "pandas" and hasattr(X, "columns") and hasattr(X, "dtypes"):
        return X
    return None


def _polars_to_pandas(X):
    """A polars frame as pandas, column by column through NumPy.

    Not polars' ``to_pandas``, which needs pyarrow.  ``Categorical`` and
    ``Enum`` columns become pandas ``category`` columns, strings (and
    booleans with nulls) ``object`` columns with None for null; numeric
    nulls become NaN, which the MLPs refuse, naming the column.
    """
    import pandas as pd

    columns = {}
    for name in X.columns:
        series = X.get_column(name)
        values = series.to_numpy()
        if str(series.dtype).startswith(("Categorical", "Enum")):
            values = pd.Categorical(values)
        columns[name] = values
    return pd.DataFrame(columns)


def is_categorical_dtype(dtype):
    """Whether a pandas column of ``dtype`` holds categories by its type:
    ``category``, ``str``/``string`` (pandas' StringDtype) or ``object``."""
    import pandas as pd

    if isinstance(dtype, (pd.CategoricalDtype, pd.StringDtype)):
        return True
    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _names_problem(names, columns):
    """Why the names ``names`` are not all columns, with close matches."""
    lines = []
    for name in names:
        close = difflib.get_close_matches(str(name), [str(c) for c in columns], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        lines.append(f"{name!r}{hint}")
    return ", ".join(lines)


def categorical_mask(frame, categorical_features):
    """Return the boolean mask of ``frame``'s categorical columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        The training data.
    categorical_features : "from_dtype", list, array-like of bool or None
        The MLPs' parameter (see :class:`skkeras.MLPClassifier`).

    Returns
    -------
    mask : ndarray of bool of shape (n_columns,)
    """
    columns = list(frame.columns)
    n = len(columns)
    spec = categorical_features
    if spec is None:
        return np.zeros(n, dtype=bool)
    if isinstance(spec, str):
        # _parameter_constraints admits "from_dtype" as the only string.
        return np.array([is_categorical_dtype(t) for t in frame.dtypes], dtype=bool)
    values = list(spec)
    if values and all(isinstance(v, (bool, np.bool_)) for v in values):
        if len(values) != n:
            raise ValueError(
                f"categorical_features is a boolean mask of length {len(values)}, "
                f"but X has {n} columns; give one flag per column."
            )
        return np.asarray(values, dtype=bool)
    mask = np.zeros(n, dtype=bool)
    names = [v for v in values if isinstance(v, str)]
    unknown = [v for v in names if v not in columns]
    if unknown:
        raise ValueError(
            "categorical_features names columns that X does not have: "
            f"{_names_problem(unknown, columns)}. X has the columns {columns}."
        )
    for value in values:
        if isinstance(value, str):
            mask[columns.index(value)] = True
        elif isinstance(value, (Integral, np.integer)) and not isinstance(
            value, (bool, np.bool_)
        ):
            if not -n <= value < n:
                raise ValueError(
                    f"categorical_features holds the index {value}, but X has "
                    f"{n} columns."
                )
            mask[value] = True
        else:
            raise ValueError(
                "categorical_features must be 'from_dtype', None, a list of "
                "column names or indices, or a boolean mask; it holds "
                f"{value!r}."
            )
    return mask
