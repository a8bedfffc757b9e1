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
    attributes.json   {"fitted": {...}, "private": {"_fit_plan": {...}}}, encoded
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

:func:`save` is written in :mod:`skkeras._saving_write`, :func:`load` in
:mod:`skkeras._saving_read`, :func:`get_untrusted_types` in
:mod:`skkeras._saving_untrusted`, and what they share (the format's name
and versions, its estimators, the manifest) in :mod:`skkeras._saving_format`.
"""

from ._saving_read import load
from ._saving_untrusted import get_untrusted_types
from ._saving_write import save

__all__ = ["save", "load", "get_untrusted_types"]
