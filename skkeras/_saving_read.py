"""Reading a file: :func:`load`, which trusts nothing in it (the format:
:mod:`skkeras._saving`)."""

import os
import warnings

from ._keras_compat import safe_mode_scope
from ._saving_archive import _check, _Damaged
from ._saving_codec import (
    _ATTRIBUTES,
    _MANIFEST,
    _MODEL,
    _PARAMS,
    DROPPED,
    _Decoder,
    load_keras_model,
)
from ._saving_format import (
    PATH_PARAMS,
    check_manifest,
    estimator_class,
    open_archive,
    pipeline_layout,
)
from ._saving_pipeline import join_pipeline, read_pipeline
from ._saving_schema import attribute_problem, with_plan
from ._saving_trust import Trust

__all__ = ["load"]


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
        return open_archive(
            path,
            max_bytes,
            lambda archive: _load_archive(archive, path, trust, trusted),
        )


def _load_archive(archive, path, trust, trusted):
    manifest = archive.read_json(_MANIFEST)
    try:
        name = check_manifest(manifest)
    except ValueError as exc:
        raise ValueError(f"{path!r} cannot be loaded: {exc}.") from None
    decoder = _Decoder(trust, archive)
    layout = pipeline_layout(manifest)
    if layout is not None:
        # Checked (and refused) before anything else is built.
        pipeline, dropped = read_pipeline(archive, layout, trusted, path)
        decoder.dropped.extend(dropped)
    params = archive.read_json(_PARAMS)
    _check(isinstance(params, dict), "params.json is not a dict of parameters")
    params = {k: decoder.decode(v, f"the parameter {k!r}") for k, v in params.items()}
    params = {k: (None if v is DROPPED else v) for k, v in params.items()}
    for key in PATH_PARAMS:
        if params.get(key) is not None:
            where = f"the parameter {key!r}"
            decoder.dropped.append((where, repr(params[key]), "it names a file"))
            params[key] = None
    cls = estimator_class(name)
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
    estimator._restore_runtime_state()


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
