"""A fitted model's input columns, matched against the rows to predict: the
columns it needs, categories it never saw, and the value it cannot take."""

from typing import NamedTuple

from .errors import CLIError
from .output import say


class Columns(NamedTuple):
    """The input columns of a fitted model, by how its first step encodes
    them: as numbers, or as the categories an encoder saw in training."""

    numeric: list
    # column name -> (its categories, the encoder's handle_unknown and name)
    categories: dict


def model_columns(model, frame, csv):
    """The columns of ``frame`` that ``model`` takes, in its order.

    Raises
    ------
    CLIError
        ``frame`` (read from ``csv``) lacks some, or has the wrong number.
    """
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        n = getattr(model, "n_features_in_", None)
        if n is not None and frame.shape[1] != n:
            raise CLIError(
                f"the model takes {n} columns but {csv!r} has {frame.shape[1]}"
            )
        return list(frame.columns)
    names = [str(c) for c in names]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise CLIError(
            f"{csv!r} lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} that the model needs (it needs: {', '.join(names)})"
        )
    return names


def column_kinds(model, columns):
    """The :class:`Columns` of ``model``'s first step, among ``columns``."""
    first = model.steps[0][1] if hasattr(model, "steps") else model
    numeric, categories = [], {}
    if hasattr(first, "transformers_"):  # a ColumnTransformer
        for _, transformer, cols in first.transformers_:
            if isinstance(transformer, str) and transformer == "drop":
                continue
            cols = [c for c in (cols if isinstance(cols, list) else []) if c in columns]
            found = getattr(transformer, "categories_", None)
            if found is not None and len(found) == len(cols):
                unknown = getattr(transformer, "handle_unknown", "error")
                for column, seen in zip(cols, found, strict=True):
                    categories[column] = (seen, unknown, type(transformer).__name__)
            elif found is None:
                numeric += cols
    elif getattr(first, "categories_", None) is None:
        numeric = list(columns)
    return Columns(numeric, categories)


def _rows(positions, limit=5):
    shown = ", ".join(str(i + 1) for i in positions[:limit])
    more = len(positions) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def prepare_categories(X, kinds, args):
    """Categories as the model saw them (strings read as numbers back to
    strings), with a warning naming the columns and values it never saw."""
    import numpy as np
    import pandas as pd

    X = X.copy()
    for column, (seen, unknown, encoder) in kinds.categories.items():
        values = X[column]
        if all(isinstance(v, str) for v in seen):
            values = values.where(values.isna(), values.astype(str))
            X[column] = values
        unseen = ~values.isin(seen)
        if unseen.any() and unknown != "error":
            rows = np.flatnonzero(unseen.to_numpy())
            names = ", ".join(repr(v) for v in pd.unique(values[unseen])[:10])
            where = f"row {rows[0] + 1}" if len(rows) == 1 else f"rows {_rows(rows)}"
            say(
                args,
                f"warning: column {column!r} has values the model never saw in "
                f"training: {names} ({where}); they are predicted as no known "
                f"category, as its {encoder}(handle_unknown={unknown!r}) does",
            )
    return X


def first_bad_value(X, kinds):
    """Where a prediction failed: the first value of a column the model
    cannot take, with its column and row, or None if none is found."""
    import numpy as np
    import pandas as pd

    for column in kinds.numeric:
        values = X[column]
        numbers = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero(numbers.isna().to_numpy())
        if len(bad):
            value = values.iloc[bad[0]]
            what = "is empty" if pd.isna(value) else f"has {value!r}"
            return (
                f"column {column!r}, row {bad[0] + 1} (line {bad[0] + 2}) {what}, "
                "where the "
                "model needs a number"
            )
    for column, (seen, _, _) in kinds.categories.items():
        bad = np.flatnonzero(~X[column].isin(seen).to_numpy())
        if len(bad):
            known = ", ".join(map(repr, seen[:10]))
            return (
                f"column {column!r}, row {bad[0] + 1} (line {bad[0] + 2}) has "
                f"{X[column].iloc[bad[0]]!r}, which the model does not know "
                f"(it knows {known})"
            )
    return None
