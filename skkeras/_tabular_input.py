"""Data frames with categorical columns at the MLPs' door.

:class:`TabularInputMixin` gives :class:`skkeras.MLPClassifier` and
:class:`skkeras.MLPRegressor` their ``categorical_features``,
``max_onehot_categories``, ``embedding_dim`` and ``standardize``
parameters.  A pandas (or polars) data frame with categorical columns is
encoded by a :class:`~skkeras._tabular_encoding.TabularEncoding` learnt at
fit (kept as ``_tabular_encoding``, saved as data by :func:`skkeras.save`);
embedded columns get Keras ``Embedding`` layers in front of the dense
network (:mod:`skkeras._tabular_network`).  Any other input (arrays, sparse
matrices, frames without categorical columns) takes the numeric path
unchanged.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_X_y

from ._fit_checks import check_float_range
from ._sklearn_compat import Interval, StrOptions
from ._tabular_columns import as_pandas, categorical_mask
from ._tabular_encoding import fit_encoding
from ._tabular_network import tabular_forward, with_embeddings

TABULAR = "_tabular_encoding"

TABULAR_PARAMETER_CONSTRAINTS = {
    "categorical_features": [None, StrOptions({"from_dtype"}), "array-like"],
    "max_onehot_categories": [Interval(Integral, 1, None, closed="left")],
    "embedding_dim": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "standardize": ["boolean"],
}

TABULAR_DOC_PARAMS = (
    (
        '    categorical_features : "from_dtype", list, array-like of bool or None, '
        'default="from_dtype"\n'
    )
    + """        Categorical columns of a pandas (or polars) data frame X:
        "from_dtype" takes the ``category``, ``str``/``string`` and
        ``object`` columns; a list names them (or gives their indices); a
        boolean mask flags them; None switches the encoding off.  Other
        input (arrays, frames without categorical columns) is taken as
        numbers, unchanged.  A missing value is a category of its own; a
        category not seen in training is encoded as the column's unknown
        slot, with a warning.  Numeric columns may not hold NaN.
    max_onehot_categories : int, default=32
        A categorical column with at most this many categories (missing
        values counting as one) is one-hot encoded; one with more gets a
        learned embedding (a Keras ``Embedding`` layer).
    embedding_dim : int or "auto", default="auto"
        Width of each embedding; "auto" is fastai's rule
        ``round(1.6 * n_categories ** 0.56)``, capped at 50.
    standardize : bool, default=True
        Standardise the numeric columns of a data frame with categorical
        columns (mean 0, variance 1 over the training rows).  Arrays and
        frames without categorical columns are never changed.
"""
)


def _embedding_seeds(seed):
    from ._mlp_base import _LayerSeeds

    # Offset from the body's seeds, which draw from ``seed`` itself.
    return _LayerSeeds(None if seed is None else seed + 7919)


class TabularInputMixin:
    """Data-frame input with categorical columns (a mixin placed before the
    MLP estimators' other bases)."""

    def _validate_X(self, X, *, reset, y=None, fit=False):
        frame = as_pandas(X)
        if reset:
            vars(self).pop(TABULAR, None)
            encoding = None
            chosen = self.categorical_features
            if frame is None and chosen is not None and not isinstance(chosen, str):
                raise ValueError(
                    f"categorical_features={chosen!r} names columns of a data "
                    f"frame, but X is a {type(X).__name__}; pass X as a pandas "
                    "DataFrame, or encode the categories before the estimator "
                    "(e.g. with sklearn.preprocessing.OneHotEncoder)."
                )
            if frame is not None and frame.shape[1]:
                mask = categorical_mask(frame, self.categorical_features)
                if mask.any():
                    encoding = fit_encoding(
                        frame,
                        mask,
                        max_onehot_categories=self.max_onehot_categories,
                        embedding_dim=self.embedding_dim,
                        standardize=self.standardize,
                    )
        else:
            encoding = getattr(self, TABULAR, None)
            if encoding is not None and frame is None:
                raise ValueError(
                    f"This {type(self).__name__} was fitted on a data frame with "
                    "categorical columns; pass a pandas DataFrame with the "
                    f"columns {list(encoding.columns)}, not {type(X).__name__}."
                )
        if encoding is None:
            return super()._validate_X(X, reset=reset, y=y, fit=fit)
        encoded = encoding.transform(frame)
        if fit:
            y = self._check_y(y)
            _, y = check_X_y(
                encoded,
                y,
                dtype=None,
                multi_output=True,
                y_numeric=self._y_numeric,
                estimator=self,
            )
        check_float_range(encoded)
        if reset:
            setattr(self, TABULAR, encoding)
            self.n_features_in_ = len(encoding.columns)
            if all(isinstance(c, str) for c in frame.columns):
                self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
            else:
                vars(self).pop("feature_names_in_", None)
        return encoded, y

    def _build_model(self, meta, X, y, plan):
        encoding = getattr(self, TABULAR, None)
        if encoding is None:
            return super()._build_model(meta, X, y, plan)
        width = encoding.n_dense + sum(c.embedding_dim for c in encoding.embedded)
        body = super()._build_model({**meta, "n_features_in_": width}, X, y, plan)
        if not encoding.embedded:
            return body
        seeds = _embedding_seeds(meta.get("seed_"))
        return with_embeddings(encoding, body, lambda: seeds.initializer("uniform"))

    def _network_output(self, X, **predict_params):
        encoding = getattr(self, TABULAR, None)
        if encoding is None or not encoding.embedded or predict_params:
            return super()._network_output(X, **predict_params)
        forward = tabular_forward(self.model_, encoding)
        if forward is None:
            return super()._network_output(X, **predict_params)
        return forward(X)
