"""Writing a file: :func:`save` (the format: :mod:`skkeras._saving`)."""

import json
import os
import uuid
import warnings
import zipfile

import numpy as np

from ._base import BaseKerasEstimator
from ._saving_codec import (
    _ATTRIBUTES,
    _MANIFEST,
    _MODEL,
    _PARAMS,
    _Encoder,
    _keras_bytes,
)
from ._saving_format import ESTIMATORS, FORMAT, PIPELINE_VERSION, estimator_class
from ._saving_pipeline import ENTRY as _PIPELINE
from ._saving_pipeline import is_pipeline, split_pipeline
from ._saving_schema import PLAN, declared_attributes, plan_fields
from ._tabular_input import TABULAR

__all__ = ["save"]


def _dumps(data):
    text = json.dumps(data, allow_nan=False, ensure_ascii=False, indent=1)
    return text.encode("utf-8")


def save(estimator, path):
    """Save an skkeras estimator, or a pipeline ending in one, without pickle.

    The file is a zip archive holding a ``manifest.json`` (format name and
    version, estimator class, library versions), the constructor parameters
    and the fitted attributes as JSON, and the trained network ``model_`` in
    Keras' ``.keras`` format, optimizer state included, so that a loaded
    estimator predicts the same and can go on training.  It is written to a
    temporary file in the same folder and then moved into place, so that an
    interrupted save never leaves a truncated file at ``path``.

    A scikit-learn ``Pipeline`` whose last step is one of these estimators
    (its other steps scikit-learn transformers, a ``ColumnTransformer``
    included) is saved as that estimator plus the other steps in skops'
    persistence format (``skops.io``, no pickle either).

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor, KerasClassifier, KerasRegressor \
or Pipeline
        The estimator, fitted or not, or a ``Pipeline`` ending in one.
        Parameters are stored as data: JSON
        values, numpy arrays, Keras objects with ``get_config``, Keras
        callbacks, ``keras.Model`` instances (as ``.keras`` entries), and
        functions and classes by import path (``module:qualname``); those not
        from ``keras``, ``sklearn`` or ``skkeras``, such as a build function,
        must be passed to :func:`load` in ``custom_objects``.
    path : str or path-like
        Where to write; an existing file is replaced.  The ``.skkeras``
        extension is a convention, not a requirement.

    Raises
    ------
    TypeError
        If ``estimator`` is not an skkeras estimator or a ``Pipeline`` ending
        in one, or a parameter or an attribute holds a value that cannot be
        stored as data (a lambda, an arbitrary Python object ...).

    See Also
    --------
    load : Read the file back.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier, load, save
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.skkeras")
    >>> save(clf, path)
    >>> bool((load(path).predict_proba(X) == clf.predict_proba(X)).all())
    True

    A pipeline:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=5))
    >>> pipe = pipe.fit(X, y)
    >>> save(pipe, path)
    >>> bool((load(path).predict(X) == pipe.predict(X)).all())
    True
    """
    layout = extra = None
    where = ""
    if is_pipeline(estimator):
        layout, extra, estimator = split_pipeline(estimator)
        where = "the final step of a Pipeline: "
    name = type(estimator).__name__
    if name not in ESTIMATORS or type(estimator) is not estimator_class(name):
        subclass = ""
        # skkeras.ensemble is built on the estimators: named, not imported.
        if any(c.__module__ == "skkeras.ensemble" for c in type(estimator).__mro__):
            subclass = (
                " An ensemble is not in this format: save each of its "
                "estimators_ with skkeras.save (its members are skkeras "
                "estimators), or pickle it (joblib.dump)."
            )
        if isinstance(estimator, BaseKerasEstimator):
            subclass = (
                " A subclass of one (e.g. one overriding target_encoder or "
                "feature_encoder) holds arbitrary code, which this format does "
                "not store: pickle it (joblib.dump) instead, or save the plain "
                "estimator."
            )
        raise TypeError(
            f"skkeras.save saves skkeras estimators ({', '.join(ESTIMATORS)}) "
            f"and Pipelines ending in one; got {where}"
            f"{type(estimator).__module__}.{type(estimator).__qualname__}." + subclass
        )
    import keras
    import sklearn

    from ._version import __version__

    encoder = _Encoder()
    params = {
        key: encoder.encode(value, f"parameter {key!r}")
        for key, value in estimator.get_params(deep=False).items()
    }
    fitted = estimator.__sklearn_is_fitted__()
    entries = {_PARAMS: _dumps(params)}
    if fitted:
        declared = declared_attributes(type(estimator))
        attributes, private = {}, {}
        for key, value in vars(estimator).items():
            if key in declared:
                section = private if key.startswith("_") else attributes
                if key == PLAN:
                    value = plan_fields(value)
                elif key == TABULAR:
                    value = value.to_data()
                section[key] = encoder.encode(value, f"attribute {key!r}")
            elif key.endswith("_") and not key.startswith("_") and key != "model_":
                warnings.warn(
                    f"skkeras.save: the attribute {key!r} is not a fitted "
                    f"attribute {name} declares; it is not saved.",
                    UserWarning,
                    stacklevel=2,
                )
        entries[_ATTRIBUTES] = _dumps({"fitted": attributes, "private": private})
        entries[_MODEL] = _keras_bytes(estimator.model_)
    for entry, model in encoder.models.items():
        entries[entry] = _keras_bytes(model)
    if layout is not None:
        entries[_PIPELINE] = extra
    manifest = {
        "format": FORMAT,
        "version": 1 if layout is None else PIPELINE_VERSION,
        "estimator": name,
        "module": "skkeras",
        "fitted": fitted,
        "entries": sorted(entries),
        "skkeras_version": __version__,
        "keras_version": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
    }
    if layout is not None:
        manifest["pipeline"] = layout.to_json()
    _write_atomically(os.fspath(path), {_MANIFEST: _dumps(manifest), **entries})


def _write_atomically(path, entries):
    folder = os.path.dirname(os.path.abspath(path))
    name = f".{os.path.basename(path)}.{uuid.uuid4().hex[:12]}.tmp"
    temp = os.path.join(folder, name)
    # os.open with mode 0o666 lets the umask decide the permissions, as for
    # any new file (tempfile's files are private to the user).
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name, data in entries.items():
                    archive.writestr(name, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.remove(temp)
        except OSError:
            pass
        raise
