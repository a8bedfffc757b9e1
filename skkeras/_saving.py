"""Saving and loading skkeras estimators without pickle.

:func:`save` writes one zip archive: a ``manifest.json`` (format name and
version, estimator class, library versions), the constructor parameters and
the fitted attributes as JSON, and the trained network in Keras' own
``.keras`` format (weights, architecture, compile configuration and
optimizer state).  :func:`load` reads it back, trusting nothing in it:
values are plain JSON data, numpy arrays are raw bytes with a dtype and a
shape, a function or class named in the file is resolved only from an
allow-list (:mod:`skkeras._saving_trust`) or the caller's
``custom_objects`` / ``trusted``, Keras objects go through Keras' safe-mode
deserialization after the same check, fitted attributes are only those the
estimator declares, with their types (:mod:`skkeras._saving_schema`), and
everything is decompressed within a size budget
(:mod:`skkeras._saving_archive`).

Layout of the archive (format version 1, an estimator)::

    manifest.json     {"format": "skkeras", "version": 1, "estimator": ...}
    params.json       get_params(deep=False), encoded
    attributes.json   {"fitted": {...}, "private": {...}}, encoded
    model.keras       model_ (fitted estimators only)
    params/N.keras    a keras.Model given as a parameter (model=...)

A scikit-learn ``Pipeline`` ending in an skkeras estimator is saved as that
estimator, with format version 2, a ``"pipeline"`` section in the manifest
and one more entry (:mod:`skkeras._saving_pipeline`)::

    pipeline.skops    the pipeline, final step "passthrough", in skops' format

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

from ._base import BaseKerasEstimator
from ._keras_compat import safe_mode_scope
from ._saving_archive import (
    BoundedArchive,
    Limits,
    TooLarge,
    _check,
    _Damaged,
    default_max_bytes,
)
from ._saving_codec import (
    _ATTRIBUTES,
    _MANIFEST,
    _MODEL,
    _PARAMS,
    _TAG,
    DROPPED,
    _Decoder,
    _Encoder,
    _keras_bytes,
    load_keras_model,
)
from ._saving_pipeline import ENTRY as _PIPELINE
from ._saving_pipeline import (
    PipelineLayout,
    is_pipeline,
    join_pipeline,
    read_pipeline,
    split_pipeline,
    untrusted_types,
)
from ._saving_schema import (
    PLAN,
    attribute_problem,
    declared_attributes,
    plan_fields,
    with_plan,
)
from ._saving_trust import ALLOWED, Trust

__all__ = ["save", "load", "get_untrusted_types"]

FORMAT = "skkeras"
# Version 1: an estimator; version 2: a Pipeline ending in one (older
# skkeras refuses it as written by a newer one, rather than loading the
# final estimator alone).
VERSION = 2
_PIPELINE_VERSION = 2

# The classes load() may rebuild, by name, and the module defining each.
_ESTIMATORS = {
    "MLPClassifier": "skkeras._mlp",
    "MLPRegressor": "skkeras._mlp",
    "KerasClassifier": "skkeras._wrappers",
    "KerasRegressor": "skkeras._wrappers",
    "KerasTransformer": "skkeras._transformer",
}
# Parameters that name files the estimator writes: never restored from a file.
_PATH_PARAMS = ("checkpoint",)


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
    if name not in _ESTIMATORS or type(estimator) is not _estimator_class(name):
        subclass = ""
        if isinstance(estimator, BaseKerasEstimator):
            subclass = (
                " A subclass of one (e.g. one overriding target_encoder or "
                "feature_encoder) holds arbitrary code, which this format does "
                "not store: pickle it (joblib.dump) instead, or save the plain "
                "estimator."
            )
        raise TypeError(
            f"skkeras.save saves skkeras estimators ({', '.join(_ESTIMATORS)}) "
            f"and Pipelines ending in one; got {where}"
            f"{type(estimator).__module__}.{type(estimator).__qualname__}."
            + subclass
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
        "version": 1 if layout is None else _PIPELINE_VERSION,
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


def _open_archive(path, max_bytes, read):
    """Run ``read(BoundedArchive)`` on the file at ``path``, turning damage
    and excess into ValueErrors that name the file."""
    if max_bytes is None:
        max_bytes = default_max_bytes(os.path.getsize(path))
    elif isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(
            f"max_bytes must be a positive int or None; got {max_bytes!r}."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return read(BoundedArchive(archive, Limits(max_bytes)))
    except _Damaged as exc:
        raise ValueError(
            f"{path!r} is not a valid skkeras file or is damaged: {exc}."
        ) from None
    except TooLarge as exc:
        raise ValueError(
            f"{path!r} is refused: {exc}. Load reads at most 20 times the file's "
            "size (at least 1 MiB); if you trust this file, pass a larger "
            "max_bytes."
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


def load(path, *, custom_objects=None, trusted=None, max_bytes=None):
    """Load an estimator saved by :func:`save`.

    Nothing in the file is executed, and nothing it names acts later, at
    ``fit`` or ``predict``: parameters and attributes are JSON data; a
    function or class the file names is resolved only from an allow-list
    (Keras' optimizers, losses, metrics, activations, initializers,
    constraints, regularizers, layers and callbacks, by their public names,
    and skkeras' schedules), from ``custom_objects``, or from ``trusted``;
    the networks are read by ``keras.saving.load_model`` in safe mode after
    the same check of their configuration; the file may set only the fitted
    attributes the estimator declares, with their types.  What would touch
    files (the ``checkpoint`` parameter; ``ModelCheckpoint``,
    ``BackupAndRestore``, ``CSVLogger``, ``TensorBoard``) or the network
    (``RemoteMonitor``), or run arbitrary functions (``LambdaCallback``), is
    left out, with a warning, unless trusted.  A pipeline's scikit-learn
    steps are rebuilt by ``skops.io.loads`` only if every type they name
    is trusted: skops' defaults (scikit-learn's estimators, numpy and scipy
    types), scikit-learn's ``make_column_selector``, or a type named in
    ``trusted``; their ``memory`` parameters (a folder fit writes to) are
    left out, with a warning.  See :ref:`saving` for the whole trust model.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    custom_objects : dict of str to object, default=None
        Functions and classes the file names, given by the caller, keyed by
        qualified name (``"build"``), or by module and qualified name
        (``"my_project.models:build"``).  Also passed to
        ``keras.saving.load_model`` for custom layers, losses and metrics,
        keyed as Keras names them.
    trusted : list of str or object, default=None
        Further functions and classes to resolve from the file: names as
        :func:`get_untrusted_types` lists them (``"module:qualname"``, and
        ``"module.name"`` for a pipeline's scikit-learn steps), or the
        objects themselves.  Trusting a file-writing callback restores
        it with its paths.  Functions that load, save or deserialize, run
        code or change global settings are never resolved by name, trusted
        or not.
    max_bytes : int, default=None
        The most bytes load decompresses from the file, nested ``.keras``
        archives included.  None means 20 times the file's size, at least
        1 MiB and at most 4 GiB.

    Returns
    -------
    estimator : MLPClassifier, MLPRegressor, KerasClassifier, KerasRegressor \
or Pipeline
        The estimator, with its parameters, fitted attributes and network
        (optimizer state included, so ``partial_fit`` continues training),
        or the pipeline that ends in it.

    Raises
    ------
    ValueError
        If the file is not an skkeras file, is damaged or truncated, was
        written by a newer skkeras, is larger than ``max_bytes`` allows,
        names a class that is not an skkeras estimator, names a function
        or class that is neither allowed, in ``custom_objects`` nor
        trusted, or sets an attribute the estimator does not declare or of
        the wrong type.

    Warns
    -----
    UserWarning
        When parameters or callbacks that would touch files or the network
        are left out.

    See Also
    --------
    save : Write the file.
    get_untrusted_types : What a file names that load does not resolve.

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
    if isinstance(trusted, (str, bytes)):
        raise TypeError(
            f"trusted must be a list of names or objects; got the string "
            f"{trusted!r}. Write trusted=[{trusted!r}]."
        )
    trust = Trust(custom_objects, trusted or ())
    with safe_mode_scope():
        return _open_archive(
            path,
            max_bytes,
            lambda archive: _load_archive(archive, path, trust, trusted),
        )


def _pipeline_layout(manifest):
    """The manifest's PipelineLayout, or None for an estimator's file."""
    if "pipeline" not in manifest:
        return None
    _check(manifest["version"] >= _PIPELINE_VERSION, "its manifest is inconsistent")
    return PipelineLayout.from_json(manifest["pipeline"])


def _load_archive(archive, path, trust, trusted):
    manifest = archive.read_json(_MANIFEST)
    try:
        name = _check_manifest(manifest)
    except ValueError as exc:
        raise ValueError(f"{path!r} cannot be loaded: {exc}.") from None
    decoder = _Decoder(trust, archive)
    layout = _pipeline_layout(manifest)
    if layout is not None:
        # Checked (and refused) before anything else is built.
        pipeline, dropped = read_pipeline(archive, layout, trusted, path)
        decoder.dropped.extend(dropped)
    params = archive.read_json(_PARAMS)
    _check(isinstance(params, dict), "params.json is not a dict of parameters")
    params = {k: decoder.decode(v, f"the parameter {k!r}") for k, v in params.items()}
    params = {k: (None if v is DROPPED else v) for k, v in params.items()}
    for key in _PATH_PARAMS:
        if params.get(key) is not None:
            where = f"the parameter {key!r}"
            decoder.dropped.append((where, repr(params[key]), "it names a file"))
            params[key] = None
    cls = _estimator_class(name)
    try:
        estimator = cls(**params)
    except TypeError as exc:
        raise _Damaged(f"params.json does not fit {name} ({exc})") from exc
    if manifest["fitted"]:
        _set_fitted_state(estimator, archive, decoder, trust)
    if decoder.dropped:
        _warn_dropped(path, decoder.dropped)
    if layout is not None:
        return join_pipeline(pipeline, layout, estimator)
    return estimator


def _set_fitted_state(estimator, archive, decoder, trust):
    state = archive.read_json(_ATTRIBUTES)
    _check(
        isinstance(state, dict)
        and set(state) == {"fitted", "private"}
        and all(isinstance(state[s], dict) for s in state),
        "attributes.json lacks its 'fitted' and 'private' sections",
    )
    attributes = {}
    for section, private in (("fitted", False), ("private", True)):
        for key, value in state[section].items():
            _check(
                isinstance(key, str) and key.startswith("_") == private,
                f"attributes.json has {key!r} in its {section!r} section",
            )
            attributes[key] = decoder.decode(value, f"the attribute {key!r}")
    attributes = with_plan(attributes)
    problem = attribute_problem(type(estimator), attributes)
    _check(problem is None, f"attributes.json: {problem}")
    data, config = archive.read_keras(_MODEL)
    decoder.check_config(config, "model_")
    model = load_keras_model(data, trust, "model_")
    vars(estimator).update(attributes)
    estimator.model_ = model


def _warn_dropped(path, dropped):
    lines = "; ".join(f"{where} ({name}: {reason})" for where, name, reason in dropped)
    warnings.warn(
        f"skkeras.load left out of {path!r} what would act outside the "
        f"estimator: {lines}. Set such parameters again with set_params after "
        "checking them, or, if you trust this file, name the callback classes in "
        "load(path, trusted=[...]).",
        UserWarning,
        stacklevel=3,
    )


def get_untrusted_types(path, *, max_bytes=None):
    """List what a file names that :func:`load` would not resolve by default.

    Review the list before loading a file from elsewhere; pass the names
    you trust to ``load(path, trusted=...)``, as with
    ``skops.io.get_untrusted_types``.  Nothing is imported or executed:
    the file is read as data, within the same limits as :func:`load`.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    max_bytes : int, default=None
        As for :func:`load`.

    Returns
    -------
    names : list of str
        Sorted ``"module:qualname"`` names (and Keras registered names)
        that load would refuse (a build function, a custom class, a
        block-listed function) or leave out (file-writing callbacks), and,
        for a pipeline, the ``"module.name"`` types of its scikit-learn
        steps that load would refuse, as ``skops.io.get_untrusted_types``
        names them.

    See Also
    --------
    load : Load the file, with ``trusted=`` these names.

    Examples
    --------
    >>> import os, tempfile
    >>> import keras
    >>> from skkeras import KerasClassifier, get_untrusted_types, save
    >>> path = os.path.join(tempfile.mkdtemp(), "clf.skkeras")
    >>> save(KerasClassifier(callbacks=[keras.callbacks.CSVLogger("log.csv")]), path)
    >>> get_untrusted_types(path)
    ['keras.callbacks:CSVLogger']
    """
    path = os.fspath(path)
    trust = Trust()

    def read(archive):
        names = set()
        manifest = archive.read_json(_MANIFEST)
        try:
            _check_manifest(manifest)
        except ValueError as exc:
            raise ValueError(f"{path!r} cannot be read: {exc}.") from None
        if _pipeline_layout(manifest) is not None:
            data, _ = archive.read_nested(_PIPELINE, "schema.json", "a skops archive")
            names.update(untrusted_types(data))
        values = [archive.read_json(_PARAMS)]
        configs = []
        if manifest["fitted"]:
            values.append(archive.read_json(_ATTRIBUTES))
            configs.append(archive.read_keras(_MODEL)[1])
        stack = values
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                tag = node.get(_TAG)
                if tag in ("import", "object"):
                    name = node.get("path" if tag == "import" else "class")
                    if trust.verdict(name).decision != ALLOWED:
                        names.add(str(name))
                elif tag == "keras":
                    configs.append(node.get("config"))
                elif tag == "keras_model":
                    configs.append(archive.read_keras(node.get("entry"))[1])
                stack.extend(node.values())
        for config in configs:
            names.update(
                name
                for name, verdict in trust.config_names(config)
                if verdict.decision != ALLOWED
            )
        return sorted(names)

    return _open_archive(path, max_bytes, read)
