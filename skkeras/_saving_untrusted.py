"""Listing what a file names that :func:`skkeras.load` would not resolve."""

import os

from ._saving_codec import _ATTRIBUTES, _MANIFEST, _MODEL, _PARAMS, _TAG
from ._saving_format import check_manifest, open_archive, pipeline_layout
from ._saving_pipeline import ENTRY as _PIPELINE
from ._saving_pipeline import untrusted_types
from ._saving_trust import ALLOWED, Trust

__all__ = ["get_untrusted_types"]


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
            check_manifest(manifest)
        except ValueError as exc:
            raise ValueError(f"{path!r} cannot be read: {exc}.") from None
        if pipeline_layout(manifest) is not None:
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

    return open_archive(path, max_bytes, read)
