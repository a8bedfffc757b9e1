"""Saving and loading skkeras estimators without pickle.

:func:`save` writes one zip archive: a ``manifest.json`` (format name and
version, estimator class, library versions), the constructor parameters and
the fitted attributes as JSON, and the trained network in Keras' own
``.keras`` format (weights, architecture, compile configuration and
optimizer state).  :func:`load` reads it back without executing code from
the file: values are plain JSON data, numpy arrays are raw bytes with a
dtype and a shape, Keras objects go through Keras' safe-mode
deserialization, and a function or class named in the file is imported only
from ``keras``, ``sklearn`` or ``skkeras``, or taken from the caller's
``custom_objects``.

Layout of the archive (format version 1)::

    manifest.json     {"format": "skkeras", "version": 1, "estimator": ...}
    params.json       get_params(deep=False), encoded
    attributes.json   {"fitted": {...}, "private": {...}}, encoded
    model.keras       model_ (fitted estimators only)
    params/N.keras    a keras.Model given as a parameter (model=...)

Encoded values are JSON, with tagged objects ``{"__skkeras__": tag, ...}``
for what JSON lacks (tuples, dicts with non-string keys, non-finite floats,
numpy arrays and scalars, functions and classes by import path, Keras
objects, callbacks, target encoders).
"""

import errno
import importlib
import json
import os
import uuid
import warnings
import zipfile
import zlib

import numpy as np

__all__ = ["save", "load"]

FORMAT = "skkeras"
VERSION = 1

# The classes load() may rebuild, by name, and the module defining each.
_ESTIMATORS = {
    "MLPClassifier": "skkeras._mlp",
    "MLPRegressor": "skkeras._mlp",
    "KerasClassifier": "skkeras._wrappers",
    "KerasRegressor": "skkeras._wrappers",
}
# Private attributes that the estimators need after fit: saving fails rather
# than drop one of them.  Other private attributes are kept when they can be
# encoded and skipped with a warning otherwise.
_REQUIRED_PRIVATE = (
    "_weight_scale",
    "_initial_learning_rate",
    "_fit_batch_size",
    "_n_train_samples",
)
# Instance entries that are not state of their own: routed parameters live in
# ``_extra`` and come back through the constructor.
_NOT_STATE = ("_extra",)


from ._saving_codec import (
    _ATTRIBUTES,
    _MANIFEST,
    _MODEL,
    _PARAMS,
    _check,
    _Damaged,
    _Decoder,
    _Encoder,
    _keras_bytes,
    _load_keras_model,
)

# ----------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------
def _estimator_class(name):
    module = importlib.import_module(_ESTIMATORS[name])
    return getattr(module, name)


def _dumps(data):
    text = json.dumps(data, allow_nan=False, ensure_ascii=False, indent=1)
    return text.encode("utf-8")


def save(estimator, path):
    """Save an skkeras estimator to one file, without pickle.

    The file is a zip archive holding a ``manifest.json`` (format name and
    version, estimator class, library versions), the constructor parameters
    and the fitted attributes as JSON, and the trained network ``model_`` in
    Keras' ``.keras`` format, optimizer state included, so that a loaded
    estimator predicts the same and can go on training.  It is written to a
    temporary file in the same folder and then moved into place, so that an
    interrupted save never leaves a truncated file at ``path``.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor, KerasClassifier or KerasRegressor
        The estimator, fitted or not.  Parameters are stored as data: JSON
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
        If ``estimator`` is not an skkeras estimator, or a parameter or an
        attribute holds a value that cannot be stored as data (a lambda, an
        arbitrary Python object ...).

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
    """
    name = type(estimator).__name__
    if name not in _ESTIMATORS or type(estimator) is not _estimator_class(name):
        raise TypeError(
            f"skkeras.save saves skkeras estimators ({', '.join(_ESTIMATORS)}); "
            f"got {type(estimator).__module__}.{type(estimator).__qualname__}."
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
        attributes, private = {}, {}
        for key, value in vars(estimator).items():
            if key in _NOT_STATE or key == "model_" or key.startswith("__"):
                continue
            if not key.startswith("_"):
                if key.endswith("_"):
                    attributes[key] = encoder.encode(value, f"attribute {key!r}")
                continue
            try:
                private[key] = encoder.encode(value, f"attribute {key!r}")
            except TypeError:
                if key in _REQUIRED_PRIVATE:
                    raise
                warnings.warn(
                    f"skkeras.save: the private attribute {key!r} of type "
                    f"{type(value).__name__} is not saved.",
                    UserWarning,
                    stacklevel=2,
                )
        entries[_ATTRIBUTES] = _dumps({"fitted": attributes, "private": private})
        entries[_MODEL] = _keras_bytes(estimator.model_)
    for entry, model in encoder.models.items():
        entries[entry] = _keras_bytes(model)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
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


def _read_json(archive, name):
    try:
        text = archive.read(name)
    except KeyError:
        raise _Damaged(f"it has no {name}") from None
    try:
        return json.loads(
            text.decode("utf-8"), parse_constant=lambda c: _raise_damaged(name, c)
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Damaged(f"{name} is not valid JSON ({exc})") from exc


def _raise_damaged(name, constant):
    raise _Damaged(f"{name} holds {constant}, which is not JSON")


def _check_manifest(manifest):
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        what = "no format" if found is None else f"the format {found!r}"
        raise ValueError(
            f"its manifest names {what}, not {FORMAT!r}: it was not written by "
            "skkeras.save"
        )
    version = manifest.get("version")
    if type(version) is not int or version < 1:
        raise _Damaged(f"its manifest has the invalid version {version!r}")
    if version > VERSION:
        raise ValueError(
            f"it has format version {version}, written by a newer skkeras; this "
            f"skkeras reads versions up to {VERSION}. Upgrade skkeras to load it"
        )
    name = manifest.get("estimator")
    module = manifest.get("module")
    if module != "skkeras" or not isinstance(name, str) or name not in _ESTIMATORS:
        shown = name if module == "skkeras" else f"{module}.{name}"
        raise ValueError(
            f"its manifest names the class {shown!r}, which is not an skkeras "
            f"estimator ({', '.join(_ESTIMATORS)})"
        )
    if not isinstance(manifest.get("fitted"), bool):
        raise _Damaged("its manifest does not say whether the estimator is fitted")
    return name


def load(path, *, custom_objects=None):
    """Load an estimator saved by :func:`save`.

    Nothing in the file is executed: parameters and attributes are JSON
    data, the network is read by ``keras.saving.load_model`` in safe mode,
    and functions or classes named in the file are imported only from
    ``keras``, ``sklearn`` or ``skkeras``; any other (a build function, a
    custom loss ...) must be given in ``custom_objects``.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    custom_objects : dict of str to object, default=None
        Functions and classes the file names but that are not imported from
        it, keyed by qualified name (``"build"``), or by module and
        qualified name (``"my_project.models:build"``).  Also passed to
        ``keras.saving.load_model`` for custom layers, losses and metrics,
        keyed as Keras names them.

    Returns
    -------
    estimator : MLPClassifier, MLPRegressor, KerasClassifier or KerasRegressor
        The estimator, with its parameters, fitted attributes and network
        (optimizer state included, so ``partial_fit`` continues training).

    Raises
    ------
    ValueError
        If the file is not an skkeras file, is damaged or truncated, was
        written by a newer skkeras, names a class that is not an skkeras
        estimator, or names a function or class that is neither importable
        from ``keras``, ``sklearn`` or ``skkeras`` nor in ``custom_objects``.

    See Also
    --------
    save : Write the file.

    Examples
    --------
    >>> import os, tempfile
    >>> from skkeras import MLPRegressor, load, save
    >>> path = os.path.join(tempfile.mkdtemp(), "reg.skkeras")
    >>> save(MLPRegressor(hidden_layer_sizes=(4,), alpha=0.01), path)
    >>> load(path).alpha
    0.01
    """
    path = os.fspath(path)
    if custom_objects is None:
        custom_objects = {}
    elif not isinstance(custom_objects, dict):
        raise TypeError(
            f"custom_objects must be a dict of name to object; got "
            f"{type(custom_objects).__name__}."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return _load_archive(archive, path, custom_objects)
    except _Damaged as exc:
        raise ValueError(
            f"{path!r} is not a valid skkeras file or is damaged: {exc}."
        ) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,  # a compression method zipfile does not know
        RuntimeError,  # an entry marked as encrypted
        OSError,
    ) as exc:
        # A file cut short can make zipfile seek before its start (EINVAL);
        # other system errors (no such file, permissions ...) are not damage.
        if isinstance(exc, OSError) and exc.errno not in (None, errno.EINVAL):
            raise
        raise ValueError(
            f"{path!r} is not a valid skkeras file or is damaged (truncated or "
            f"not a zip archive): {exc}."
        ) from None


def _load_archive(archive, path, custom_objects):
    manifest = _read_json(archive, _MANIFEST)
    try:
        name = _check_manifest(manifest)
    except ValueError as exc:
        raise ValueError(f"{path!r} cannot be loaded: {exc}.") from None

    def read_entry(entry):
        _check(isinstance(entry, str), "an entry name is not a string")
        try:
            return archive.read(entry)
        except KeyError:
            raise _Damaged(f"it has no {entry}") from None

    decoder = _Decoder(custom_objects, read_entry)
    params = _read_json(archive, _PARAMS)
    _check(isinstance(params, dict), "params.json is not a dict of parameters")
    params = {k: decoder.decode(v, f"the parameter {k!r}") for k, v in params.items()}
    cls = _estimator_class(name)
    try:
        estimator = cls(**params)
    except TypeError as exc:
        raise _Damaged(f"params.json does not fit {name} ({exc})") from exc
    if not manifest["fitted"]:
        return estimator
    state = _read_json(archive, _ATTRIBUTES)
    _check(
        isinstance(state, dict)
        and isinstance(state.get("fitted"), dict)
        and isinstance(state.get("private"), dict),
        "attributes.json lacks its 'fitted' and 'private' sections",
    )
    state = {
        section: {
            k: decoder.decode(v, f"the attribute {k!r}")
            for k, v in state[section].items()
        }
        for section in ("fitted", "private")
    }
    for key, value in state["fitted"].items():
        _check(
            key.isidentifier()
            and key.endswith("_")
            and not key.startswith("_")
            and key != "model_",
            f"attributes.json holds the invalid attribute name {key!r}",
        )
        setattr(estimator, key, value)
    for key, value in state["private"].items():
        _check(
            key.isidentifier()
            and key.startswith("_")
            and not key.startswith("__")
            and key not in _NOT_STATE,
            f"attributes.json holds the invalid private attribute name {key!r}",
        )
        setattr(estimator, key, value)
    estimator.model_ = _load_keras_model(read_entry(_MODEL), custom_objects, "model_")
    return estimator
