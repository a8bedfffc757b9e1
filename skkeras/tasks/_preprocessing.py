"""The preprocessing steps of the recipes' pipelines."""

from collections.abc import Callable
from typing import NamedTuple

__all__ = ["PREPROCESSING", "Preprocessing"]


class Preprocessing(NamedTuple):
    """A recipe's preprocessing step.

    Attributes
    ----------
    make : callable
        Returns a fresh, unfitted transformer.
    name : str
        Describes the step, for :attr:`Task.model_summary`.
    short : str
        A shorter description, for :attr:`Task.model_short`.
    """

    make: Callable
    name: str
    short: str


def _scaler():
    from sklearn.preprocessing import StandardScaler

    return StandardScaler()


def _bank_columns():
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    # Selectors (not fixed column lists) so that a user may drop a column,
    # e.g. the leaky ``duration``, and reuse the recipe unchanged.
    return make_column_transformer(
        (
            OneHotEncoder(handle_unknown="ignore"),
            make_column_selector(dtype_exclude="number"),
        ),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )


PREPROCESSING = {
    "scale": Preprocessing(_scaler, "StandardScaler", "scale"),
    "bank": Preprocessing(
        _bank_columns,
        "ColumnTransformer(OneHotEncoder on the 9 categorical columns, "
        "StandardScaler on the numeric ones)",
        "one-hot + scale",
    ),
}
