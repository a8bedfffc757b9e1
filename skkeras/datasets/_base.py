"""Loaders for the tabular data sets bundled with skkeras, and a toy generator.

The CSV files live in ``skkeras/datasets/data`` and their descriptions in
``skkeras/datasets/descr``; both are read as package resources through
:mod:`importlib.resources`, so the loaders work offline and from a wheel.
"""

import gzip
from functools import cache
from importlib import resources
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state

DATA_MODULE = "skkeras.datasets"

_PIMA_DTYPES = {
    name: "float64" if name in ("BMI", "DiabetesPedigreeFunction") else "int64"
    for name in (
        "Pregnancies Glucose BloodPressure SkinThickness Insulin BMI "
        "DiabetesPedigreeFunction Age Outcome"
    ).split()
}
_BOSTON_DTYPES = {
    name: "int64" if name in ("CHAS", "RAD") else "float64"
    for name in (
        "CRIM ZN INDUS CHAS NOX RM AGE DIS RAD TAX PTRATIO B LSTAT MEDV".split()
    )
}
_BANK_NUMERIC = ("age", "balance", "day", "duration", "campaign", "pdays", "previous")
_BANK_COLUMNS = (
    "age job marital education default balance housing loan contact day month "
    "duration campaign pdays previous poutcome y"
).split()
# Categorical columns are kept as plain Python ``str`` in ``object`` columns
# (also under pandas >= 3, whose default would be the ``str`` dtype), so that
# the frame is the same whatever the pandas version and feeds straight into
# OneHotEncoder.
_BANK_DTYPES = {
    name: "int64" if name in _BANK_NUMERIC else object for name in _BANK_COLUMNS
}


@cache
def _read_csv_cached(filename, dtypes):
    """Parse a bundled CSV once. Never hand the result out: see ``_read_csv``."""
    resource = resources.files(DATA_MODULE) / "data" / filename
    with resource.open("rb") as raw:
        if filename.endswith(".gz"):
            with gzip.open(raw) as fh:
                frame = pd.read_csv(fh, dtype=dict(dtypes))
        else:
            frame = pd.read_csv(raw, dtype=dict(dtypes))
    if list(frame.columns) != [name for name, _ in dtypes]:
        raise RuntimeError(f"Unexpected columns in bundled file {filename!r}.")
    return frame


def _read_csv(filename, dtypes):
    """Return a fresh deep copy of a bundled CSV, so the cache stays intact."""
    return _read_csv_cached(filename, tuple(dtypes.items())).copy(deep=True)


@cache
def _load_descr(descr_file):
    """Return the reStructuredText description ``descr/<descr_file>``."""
    resource = resources.files(DATA_MODULE) / "descr" / descr_file
    return resource.read_text(encoding="utf-8")


def _load(
    filename,
    dtypes,
    *,
    target_column,
    target_names,
    descr_file,
    data_dtype,
    target_dtype,
    return_X_y,
    as_frame,
):
    frame = _read_csv(filename, dtypes)
    feature_names = [name for name in frame.columns if name != target_column]
    if as_frame:
        data = frame[feature_names]
        target = frame[target_column]
    else:
        data = frame[feature_names].to_numpy(dtype=data_dtype, copy=True)
        target = frame[target_column].to_numpy(dtype=target_dtype, copy=True)
        frame = None
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        target_names=np.array(target_names),
        feature_names=feature_names,
        DESCR=_load_descr(descr_file),
        filename=filename,
    )


def load_pima_indians_diabetes(*, return_X_y=False, as_frame=False):
    """Load and return the Pima Indians diabetes data set (classification).

    768 women of Pima Indian heritage, 8 numeric features, and a binary
    target: 1 = tested positive for diabetes, 0 = negative (500 negative,
    268 positive). Zeros in ``Glucose``, ``BloodPressure``,
    ``SkinThickness``, ``Insulin`` and ``BMI`` mean "missing"; they are kept
    as in the source, see ``DESCR``.

    =================   ==============
    Classes                          2
    Samples per class     500 / 268
    Samples total                  768
    Dimensionality                   8
    Features            real, positive
    =================   ==============

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (``BMI`` and
        ``DiabetesPedigreeFunction`` float64, the other columns int64),
        ``target`` an int64 Series named ``Outcome``, and ``frame`` a
        DataFrame of both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {ndarray, DataFrame} of shape (768, 8)
            The features; a float64 array when ``as_frame=False``.
        target : {ndarray, Series} of shape (768,)
            The int64 target: 1 = positive, 0 = negative.
        feature_names : list of str
            The names of the feature columns.
        target_names : ndarray of shape (2,)
            ``array(['negative', 'positive'])``; ``target_names[target]``
            gives the meaning of each target value.
        frame : DataFrame of shape (768, 9) or None
            Features and target together; only when ``as_frame=True``.
        DESCR : str
            The full description of the data set: source, citation,
            licence and caveats.
        filename : str
            The name of the bundled CSV file.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or DataFrame and Series) described above.

    Examples
    --------
    >>> import numpy as np
    >>> from skkeras.datasets import load_pima_indians_diabetes
    >>> X, y = load_pima_indians_diabetes(return_X_y=True)
    >>> X.shape, X.dtype
    ((768, 8), dtype('float64'))
    >>> np.bincount(y)
    array([500, 268])
    """
    return _load(
        "pima_indians_diabetes.csv",
        _PIMA_DTYPES,
        target_column="Outcome",
        target_names=["negative", "positive"],
        descr_file="pima_indians_diabetes.rst",
        data_dtype=np.float64,
        target_dtype=np.int64,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


def load_boston_housing(*, return_X_y=False, as_frame=False):
    """Load and return the Boston housing data set (regression).

    506 census tracts, 13 features, target ``MEDV``: the median value of
    owner-occupied homes in $1000s (censored at 50.0).

    .. warning::
        The ``B`` feature is derived from the proportion of Black residents
        by town and encodes a racist assumption; for this reason
        scikit-learn removed ``load_boston`` in version 1.2. The data set is
        bundled for compatibility with existing material only: read
        ``DESCR`` before using it, do not build real models on it, and
        consider dropping ``B``.

    ==============   ==============
    Samples total               506
    Dimensionality               13
    Features         real, positive
    Targets           real 5. - 50.
    ==============   ==============

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (``CHAS`` and ``RAD`` int64,
        the other columns float64), ``target`` a float64 Series named
        ``MEDV``, and ``frame`` a DataFrame of both.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {ndarray, DataFrame} of shape (506, 13)
            The features; a float64 array when ``as_frame=False``.
        target : {ndarray, Series} of shape (506,)
            The float64 regression target ``MEDV``.
        feature_names : list of str
            The names of the feature columns.
        target_names : ndarray of shape (1,)
            ``array(['MEDV'])``, the name of the target.
        frame : DataFrame of shape (506, 14) or None
            Features and target together; only when ``as_frame=True``.
        DESCR : str
            The full description of the data set: source, citation,
            licence and caveats.
        filename : str
            The name of the bundled CSV file.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or DataFrame and Series) described above.

    Examples
    --------
    >>> from skkeras.datasets import load_boston_housing
    >>> X, y = load_boston_housing(return_X_y=True, as_frame=True)
    >>> X = X.drop(columns="B")
    >>> X.shape
    (506, 12)
    >>> float(y.max())
    50.0
    """
    return _load(
        "boston_housing.csv",
        _BOSTON_DTYPES,
        target_column="MEDV",
        target_names=["MEDV"],
        descr_file="boston_housing.rst",
        data_dtype=np.float64,
        target_dtype=np.float64,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


def load_bank_marketing(*, full=False, return_X_y=False, as_frame=False):
    """Load and return the UCI bank marketing data set (classification).

    Phone-call marketing campaigns of a Portuguese bank: 16 features (7
    integer, 9 categorical) and the target ``y``, whether the client
    subscribed a term deposit (``'yes'``/``'no'``, about 11.5 % ``'yes'``).
    The ``duration`` feature is only known after the call and leaks the
    target: drop it for a realistic model. Licensed CC BY 4.0; see
    ``DESCR`` for the citations to give.

    =================   ==========================
    Classes                                      2
    Samples total       4,521 (45,211 if ``full``)
    Dimensionality                              16
    Features            integer and categorical
    =================   ==========================

    Parameters
    ----------
    full : bool, default=False
        If False, load ``bank.csv``, the 10 % random sample (4,521 rows).
        If True, load ``bank-full.csv`` (45,211 rows, ordered by date:
        shuffle before splitting).

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame whose 7 numeric columns are
        int64 and whose 9 categorical columns hold Python ``str`` values in
        ``object`` columns (not ``category``), so they can be passed to
        :class:`~sklearn.preprocessing.OneHotEncoder` directly; ``target``
        is an ``object`` Series named ``y``. This is the recommended form.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 16)
            The features. With ``as_frame=False``, an ``object`` array
            mixing ``int`` and ``str`` values (as ``fetch_openml`` returns
            for mixed data).
        target : {ndarray, Series} of shape (n_samples,)
            The ``object`` target of strings ``'no'``/``'yes'``.
        feature_names : list of str
            The names of the feature columns.
        target_names : ndarray of shape (2,)
            ``array(['no', 'yes'])``, the class labels.
        frame : DataFrame of shape (n_samples, 17) or None
            Features and target together; only when ``as_frame=True``.
        DESCR : str
            The full description of the data set: source, citation,
            licence and caveats.
        filename : str
            The name of the bundled file: ``'bank_marketing.csv'``, or
            ``'bank_marketing_full.csv.gz'`` (gzip-compressed) if ``full``.

    (data, target) : tuple if ``return_X_y`` is True
        The arrays (or DataFrame and Series) described above.

    Examples
    --------
    >>> from skkeras.datasets import load_bank_marketing
    >>> X, y = load_bank_marketing(return_X_y=True, as_frame=True)
    >>> X = X.drop(columns="duration")
    >>> X.shape
    (4521, 15)
    >>> y.value_counts().to_dict()
    {'no': 4000, 'yes': 521}
    """
    return _load(
        "bank_marketing_full.csv.gz" if full else "bank_marketing.csv",
        _BANK_DTYPES,
        target_column="y",
        target_names=["no", "yes"],
        descr_file="bank_marketing.rst",
        data_dtype=object,
        target_dtype=object,
        return_X_y=return_X_y,
        as_frame=as_frame,
    )


_GENDER_FEATURES = ["weight", "height", "age"]
_GENDER_MALE_SHIFT = np.array([1.0, 1.0, -1.0])


def make_gender(n_samples=1000, *, random_state=None, as_frame=False):
    """Generate a toy binary "gender" classification problem.

    Three standard-normal features, in the order ``weight``, ``height``,
    ``age``. The first ``n_samples // 2`` samples are labelled male (1) and
    shifted by +1 in weight, +1 in height and -1 in age; the remaining
    ``n_samples - n_samples // 2`` are labelled female (0) and not shifted.
    The samples are then shuffled. The two classes are Gaussians whose
    means are ``sqrt(3)`` apart, so the Bayes-optimal accuracy is about
    0.81.

    Parameters
    ----------
    n_samples : int, default=1000
        The total number of samples; at least 2.

    random_state : int, RandomState instance or None, default=None
        Determines the random numbers drawn for the features and the
        shuffle. Pass an int for reproducible output across calls.

    as_frame : bool, default=False
        If True, return a pandas DataFrame with columns ``weight``,
        ``height``, ``age`` and an int64 Series named ``gender``.

    Returns
    -------
    X : {ndarray, DataFrame} of shape (n_samples, 3)
        The float64 features ``[weight, height, age]``.

    y : {ndarray, Series} of shape (n_samples,)
        The int64 labels: 1 = male, 0 = female.

    Examples
    --------
    >>> import numpy as np
    >>> from skkeras.datasets import make_gender
    >>> X, y = make_gender(100, random_state=0)
    >>> X.shape, X.dtype
    ((100, 3), dtype('float64'))
    >>> np.bincount(y)
    array([50, 50])
    """
    if (
        isinstance(n_samples, (bool, np.bool_))
        or not isinstance(n_samples, Integral)
        or n_samples < 2
    ):
        raise ValueError(
            f"n_samples must be an integer greater than or equal to 2; "
            f"got {n_samples!r}."
        )
    n_samples = int(n_samples)
    rng = check_random_state(random_state)
    n_male = n_samples // 2

    X = rng.standard_normal(size=(n_samples, len(_GENDER_FEATURES)))
    X[:n_male] += _GENDER_MALE_SHIFT
    y = np.zeros(n_samples, dtype=np.int64)
    y[:n_male] = 1

    order = rng.permutation(n_samples)
    X, y = X[order], y[order]
    if as_frame:
        X = pd.DataFrame(X, columns=_GENDER_FEATURES)
        y = pd.Series(y, name="gender")
    return X, y
