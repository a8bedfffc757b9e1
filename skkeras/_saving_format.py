"""The skkeras file format: its name, versions, estimators and manifest.

What :func:`skkeras.save` writes and :func:`skkeras.load` and
:func:`skkeras.get_untrusted_types` read alike: the format's name and
version, the estimator classes a file may name, the check of a file's
manifest, and the opening of a file within a size budget (see
:mod:`skkeras._saving` for the layout).
"""

import errno
import importlib
import os
import zipfile
import zlib

from ._saving_archive import (
    BoundedArchive,
    Limits,
    TooLarge,
    _check,
    _Damaged,
    default_max_bytes,
)
from ._saving_pipeline import PipelineLayout

FORMAT = "skkeras"
# Version 1: an estimator; version 2: a Pipeline ending in one (older
# skkeras refuses it as written by a newer one, rather than loading the
# final estimator alone).
VERSION = 2
PIPELINE_VERSION = 2

# The classes load() may rebuild, by name, and the module defining each.
ESTIMATORS = {
    "MLPClassifier": "skkeras._mlp",
    "MLPRegressor": "skkeras._mlp",
    "KerasClassifier": "skkeras._wrappers",
    "KerasRegressor": "skkeras._wrappers",
    "KerasTransformer": "skkeras._transformer",
}
# Parameters that name files the estimator writes: never restored from a file.
PATH_PARAMS = ("checkpoint",)


def estimator_class(name):
    module = importlib.import_module(ESTIMATORS[name])
    return getattr(module, name)


def check_manifest(manifest):
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
    if module != "skkeras" or not isinstance(name, str) or name not in ESTIMATORS:
        shown = name if module == "skkeras" else f"{module}.{name}"
        raise ValueError(
            f"its manifest names the class {shown!r}, which is not an skkeras "
            f"estimator ({', '.join(ESTIMATORS)})"
        )
    if not isinstance(manifest.get("fitted"), bool):
        raise _Damaged("its manifest does not say whether the estimator is fitted")
    return name


def open_archive(path, max_bytes, read):
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


def pipeline_layout(manifest):
    """The manifest's PipelineLayout, or None for an estimator's file."""
    if "pipeline" not in manifest:
        return None
    _check(manifest["version"] >= PIPELINE_VERSION, "its manifest is inconsistent")
    return PipelineLayout.from_json(manifest["pipeline"])
