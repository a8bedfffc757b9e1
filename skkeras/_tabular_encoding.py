"""The MLPs' encoding of a data frame: standardised numbers, categories as codes.

:func:`fit_encoding` learns a :class:`TabularEncoding` from a training
frame; :meth:`TabularEncoding.transform` turns a frame into the float
matrix the network takes, laid out as

``[numeric columns | one-hot blocks | embedding codes]``

Numeric columns are standardised (with ``standardize=True``); a categorical
column with at most ``max_onehot_categories`` levels becomes a one-hot block,
one with more an integer code that the network looks up in a learned
embedding (:mod:`skkeras._tabular_network`).  A missing value (None, NaN,
``pd.NA``) is a level of its own; a value not seen in training goes to the
column's unknown slot (an all-zero one-hot block, or an embedding row of its
own that training never updates) with a :class:`UnknownCategoryWarning`.

The encoding is plain data (names, levels, means, scales): :meth:`to_data`
and :meth:`from_data` carry it through :func:`skkeras.save` without pickle.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np


class UnknownCategoryWarning(UserWarning):
    """A categorical column holds values not seen in training."""


def auto_embedding_dim(n_levels):
    """fastai's rule of thumb (``emb_sz_rule``), ``round(1.6 * n ** 0.56)``,
    capped at 50 (fastai caps at 600) to keep the networks small."""
    return int(min(50, round(1.6 * n_levels**0.56)))


def _native(value):
    """A numpy scalar as the Python scalar it holds (levels are saved as data)."""
    return value.item() if isinstance(value, np.generic) else value


def _sorted_levels(values):
    try:
        return sorted(values)
    except TypeError:  # mixed types: order by type name, then value
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


@dataclass(frozen=True)
class CategoricalColumn:
    """One categorical column: its levels and how the network sees it.

    Codes ``0 .. len(levels) - 1`` are the levels, then the missing slot
    (if training had missing values), then the unknown slot.
    """

    name: str
    levels: tuple
    has_missing: bool
    embedding_dim: int  # 0: a one-hot block

    @property
    def n_known(self):
        """Levels seen in training, the missing slot included."""
        return len(self.levels) + int(self.has_missing)

    @property
    def unknown_code(self):
        return self.n_known

    def codes(self, series):
        """The codes of ``series``'s values, and the unknown values found."""
        import pandas as pd

        missing = series.isna().to_numpy()
        values = series.astype(object).to_numpy()
        codes = pd.Index(self.levels, dtype=object).get_indexer(values)
        if self.has_missing:
            codes[missing] = len(self.levels)
        unknown = codes < 0
        if self.has_missing:
            unknown &= ~missing
        codes[unknown] = self.unknown_code
        found = pd.unique(values[unknown]) if unknown.any() else ()
        return codes, list(found)

    def feature_names(self):
        if self.embedding_dim:
            return [f"{self.name}_code"]
        names = [f"{self.name}_{level}" for level in self.levels]
        return names + ([f"{self.name}_nan"] if self.has_missing else [])


@dataclass(frozen=True)
class TabularEncoding:
    """How the MLPs encode a data frame (see the module docstring)."""

    columns: tuple  # the frame's columns, in order
    numeric: tuple  # names of the numeric columns
    mean: tuple  # per numeric column (0.0 without standardisation)
    scale: tuple  # per numeric column (1.0 without standardisation)
    categorical: tuple  # of CategoricalColumn

    @property
    def onehot(self):
        return tuple(c for c in self.categorical if not c.embedding_dim)

    @property
    def embedded(self):
        return tuple(c for c in self.categorical if c.embedding_dim)

    @property
    def n_dense(self):
        """Columns before the embedding codes: numbers and one-hot blocks."""
        return len(self.numeric) + sum(c.n_known for c in self.onehot)

    @property
    def width(self):
        return self.n_dense + len(self.embedded)

    def feature_names_out(self):
        """Names of the encoded matrix's columns."""
        names = list(self.numeric)
        for column in self.onehot + self.embedded:
            names += column.feature_names()
        return np.asarray(names, dtype=object)

    def transform(self, frame):
        """Return ``frame`` encoded as a float32 matrix of :attr:`width` columns."""
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ValueError(
                f"X lacks the column(s) {missing} seen at fit; it has "
                f"{list(frame.columns)}."
            )
        out = np.zeros((len(frame), self.width), dtype=np.float32)
        if self.numeric:
            out[:, : len(self.numeric)] = (
                _numeric(frame, self.numeric) - np.asarray(self.mean)
            ) / np.asarray(self.scale)
        start = len(self.numeric)
        rows = np.arange(len(frame))
        for column in self.onehot:
            codes, found = column.codes(frame[column.name])
            _warn_unknown(column.name, found)
            known = codes < column.n_known
            out[rows[known], start + codes[known]] = 1.0
            start += column.n_known
        for column in self.embedded:
            codes, found = column.codes(frame[column.name])
            _warn_unknown(column.name, found)
            out[:, start] = codes
            start += 1
        return out

    def to_data(self):
        """The encoding as lists, strings and numbers (for skkeras.save)."""
        return {
            "columns": [str(c) for c in self.columns],
            "numeric": [str(c) for c in self.numeric],
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "categorical": [
                {
                    "name": str(c.name),
                    "levels": [_native(v) for v in c.levels],
                    "has_missing": bool(c.has_missing),
                    "embedding_dim": int(c.embedding_dim),
                }
                for c in self.categorical
            ],
        }

    @classmethod
    def from_data(cls, data):
        """The inverse of :meth:`to_data`; raises ValueError on other data."""
        try:
            categorical = tuple(
                CategoricalColumn(
                    name=c["name"],
                    levels=tuple(c["levels"]),
                    has_missing=c["has_missing"],
                    embedding_dim=c["embedding_dim"],
                )
                for c in data["categorical"]
            )
            encoding = cls(
                columns=tuple(data["columns"]),
                numeric=tuple(data["numeric"]),
                mean=tuple(data["mean"]),
                scale=tuple(data["scale"]),
                categorical=categorical,
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a tabular encoding: {exc}") from exc
        if not encoding.is_valid():
            raise ValueError("not a tabular encoding: fields of the wrong type")
        return encoding

    def is_valid(self):
        """Whether every field holds data of its type (for skkeras.load)."""

        def names(values):
            return isinstance(values, tuple) and all(isinstance(v, str) for v in values)

        def floats(values):
            return (
                isinstance(values, tuple)
                and len(values) == len(self.numeric)
                and all(isinstance(v, float) and math.isfinite(v) for v in values)
            )

        def column(c):
            return (
                type(c) is CategoricalColumn
                and isinstance(c.name, str)
                and all(isinstance(v, (str, int, float, bool)) for v in c.levels)
                and isinstance(c.has_missing, bool)
                and isinstance(c.embedding_dim, int)
                and c.embedding_dim >= 0
            )

        return (
            names(self.columns)
            and names(self.numeric)
            and floats(self.mean)
            and floats(self.scale)
            and 0.0 not in self.scale
            and isinstance(self.categorical, tuple)
            and all(column(c) for c in self.categorical)
        )


def _warn_unknown(name, found):
    if found:
        shown = ", ".join(repr(v) for v in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        warnings.warn(
            f"Column {name!r} holds values not seen in training: {shown}{more}; "
            "they are encoded as the column's unknown slot.",
            UnknownCategoryWarning,
            stacklevel=5,
        )


def _numeric(frame, names):
    """The numeric columns ``names`` of ``frame`` as a float64 matrix."""
    import pandas as pd

    for name in names:
        series = frame[name]
        if not (
            pd.api.types.is_numeric_dtype(series.dtype)
            or pd.api.types.is_bool_dtype(series.dtype)
        ):
            raise ValueError(
                f"Column {name!r} has the non-numeric dtype {series.dtype} and is "
                "not among categorical_features; list it there (or use "
                "categorical_features='from_dtype')."
            )
    values = frame[list(names)].astype("float64").to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        bad = [n for n, has in zip(names, np.isnan(values).any(axis=0)) if has]
        raise ValueError(
            f"Input X contains NaN in the numeric column(s) {bad}. Impute them "
            "(e.g. with sklearn.impute.SimpleImputer, in a pipeline before the "
            "estimator) or, if they are categories, list the columns in "
            "categorical_features."
        )
    return values


def fit_encoding(frame, mask, *, max_onehot_categories, embedding_dim, standardize):
    """Learn the :class:`TabularEncoding` of the training frame ``frame``.

    ``mask`` flags its categorical columns (from
    :func:`skkeras._tabular_columns.categorical_mask`).
    """
    import pandas as pd

    columns = tuple(str(c) for c in frame.columns)
    frame = frame.set_axis(columns, axis=1)
    numeric = tuple(c for c, cat in zip(columns, mask) if not cat)
    if numeric:
        values = _numeric(frame, numeric)
        if not np.isfinite(values).all():
            raise ValueError("Input X contains infinity in a numeric column.")
    if numeric and standardize:
        mean = values.mean(axis=0)
        scale = values.std(axis=0)
        scale[scale == 0] = 1.0
    else:
        mean, scale = np.zeros(len(numeric)), np.ones(len(numeric))
    categorical = []
    for name in (c for c, cat in zip(columns, mask) if cat):
        series = frame[name]
        if isinstance(series.dtype, pd.CategoricalDtype):
            levels = [_native(v) for v in series.cat.categories]
        else:
            levels = _sorted_levels({_native(v) for v in series.dropna().unique()})
        n_levels = len(levels) + int(series.isna().any())
        if n_levels <= max_onehot_categories:
            dim = 0
        elif embedding_dim == "auto":
            dim = auto_embedding_dim(n_levels)
        else:
            dim = int(embedding_dim)
        categorical.append(
            CategoricalColumn(
                name=name,
                levels=tuple(levels),
                has_missing=bool(series.isna().any()),
                embedding_dim=dim,
            )
        )
    return TabularEncoding(
        columns=columns,
        numeric=numeric,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        categorical=tuple(categorical),
    )
