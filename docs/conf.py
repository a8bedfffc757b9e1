"""Sphinx configuration of the skkeras documentation.

Build (offline, warnings as errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build executes the example gallery, with its printed output and
figures, in the examples' reduced setting (``SKKERAS_EXAMPLES_QUICK=1``, set
here unless given); ``SKKERAS_DOCS_RUN_EXAMPLES=0`` renders them without
running them (see the gallery section below and ``docs/README.md``).
"""

import importlib
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Document the checkout, not an older installed copy.
sys.path.insert(0, str(ROOT))
# Small helpers of this build (``_ext/``).
sys.path.insert(0, str(HERE / "_ext"))

# Quiet TensorFlow while autodoc imports the estimators.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import skkeras  # noqa: E402

# -- Project -----------------------------------------------------------------
project = "skkeras"
author = "The skkeras developers"
copyright = "the skkeras developers"
release = skkeras.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # Figures of the user guide, drawn at build time from the code shown.
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "README.md",
    "generated/_stubs.rst",
    "Thumbs.db",
    ".DS_Store",
]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# No intersphinx: the build must work offline, so references to
# scikit-learn, Keras or NumPy objects render as plain names.
# No math extension either: Sphinx renders math with MathJax (its default,
# even unlisted), loaded from a CDN; write formulas as text
# (``Phi(-sqrt(3) / 2)``). .ci/check_docs.py fails on any page that loads a
# script, stylesheet or font from the network.

# -- API reference: generated from ``__all__`` --------------------------------
# One autosummary table per public module, written at configuration time from
# the module's ``__all__``, so that a name added to ``__all__`` appears in the
# reference without editing any page (and none can be forgotten).
# A new public module also needs its section in ``api.rst``.
API_MODULES = [
    "skkeras",
    "skkeras.model_selection",
    "skkeras.ensemble",
    "skkeras.datasets",
    "skkeras.tasks",
    "skkeras.reports",
    "skkeras.config",
]
# Names of ``__all__`` that are not documented objects.
API_SKIP = {"__version__"}


def public_names(modname):
    """The documented names of a module's ``__all__``, in its order."""
    module = importlib.import_module(modname)
    return [name for name in module.__all__ if name not in API_SKIP]


def _write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_api_tables():
    """Write the autosummary tables of ``api.rst`` from ``__all__``.

    ``generated/api_<module>.inc`` holds one table per module; ``api.rst``
    includes it.  autosummary writes stub pages only for tables it finds in
    ``autosummary_generate`` files, and reads an included table's
    ``:toctree:`` relative to that file, so the same tables are also written
    to ``generated/_stubs.rst`` (not a page: see ``exclude_patterns``) with
    ``:toctree: .``; both put the stubs in ``generated/``.
    """
    stubs = []
    for modname in API_MODULES:
        names = public_names(modname)

        def table(toctree, modname=modname, names=names):
            lines = [
                f".. currentmodule:: {modname}",
                "",
                ".. autosummary::",
                f"   :toctree: {toctree}",
                "   :nosignatures:",
                "",
            ]
            return lines + [f"   {name}" for name in names] + [""]

        _write_if_changed(
            HERE / "generated" / f"api_{modname}.inc", "\n".join(table("generated/"))
        )
        stubs += table(".")
    _write_if_changed(HERE / "generated" / "_stubs.rst", "\n".join(stubs))


write_api_tables()

autosummary_generate = ["generated/_stubs.rst"]
autodoc_default_options = {"members": False}
autodoc_typehints = "none"
autoclass_content = "class"
add_module_names = False

# numpydoc renders the sections; the class template lists the members itself.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- Example gallery -----------------------------------------------------------
# The build executes every example, so that the gallery shows their output
# and figures (and its thumbnails are real plots: .ci/check_docs.py checks).
# At their full setting the examples train for minutes on a 2-core CPU, so
# the build runs them in their reduced setting: each example reads
# SKKERAS_EXAMPLES_QUICK and says on its page what it reduces. sphinx-gallery
# runs the examples in this process, so they see the variable set here.
#   SKKERAS_EXAMPLES_QUICK=0                the examples' full setting
#   SKKERAS_DOCS_RUN_EXAMPLES=0             none executed (fast, for editing
#                                           prose): an earlier build's output,
#                                           else none (fails the check)
#   SKKERAS_DOCS_RUN_EXAMPLES=plot_gender   execute only those whose file
#                                           name matches this expression
os.environ.setdefault("SKKERAS_EXAMPLES_QUICK", "1")
_RUN = os.environ.get("SKKERAS_DOCS_RUN_EXAMPLES", "1").strip()
if _RUN.lower() in {"0", "false", "no"}:
    RUN_EXAMPLES, RUN_PATTERN = False, r"[/\\](plot_|quickstart)"
elif _RUN.lower() in {"", "1", "true", "yes", "all"}:
    RUN_EXAMPLES, RUN_PATTERN = True, r"[/\\](plot_|quickstart)"
else:
    RUN_EXAMPLES, RUN_PATTERN = True, _RUN

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # The scripts to execute (``plot_*`` and ``quickstart``) when executing.
    "filename_pattern": RUN_PATTERN,
    "plot_gallery": RUN_EXAMPLES,
    "download_all_examples": False,
    "remove_config_comments": True,
    # The quickstart first, then the tutorials by file name.
    "within_subsection_order": "gallery_order.QuickstartFirst",
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    # The printed output of the examples, without the repr of the axes and
    # displays that a block's last line returns (``<Axes: ...>``).
    "ignore_repr_types": r"matplotlib\.|skkeras\.reports\.|sklearn\.metrics\._plot",
    "show_memory": False,
    # No "computation times" pages: they load jQuery and DataTables from a
    # CDN, and the site must work offline. Each example's page still says
    # how long it ran.
    "write_computation_times": False,
    # "Examples using X" at the end of each API page (found by reading the
    # code, so it works without executing the examples too).
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skkeras",),
    "reference_url": {"skkeras": None},
}


# -- Figures in the user guide (``.. plot::``) ----------------------------------
# Executed at build time (offline), shown with their code; PNG only.
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

# -- HTML ------------------------------------------------------------------------
try:
    import pydata_sphinx_theme  # noqa: F401

    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "navigation_with_keys": False,
        "show_toc_level": 2,
        "navbar_align": "left",
        "secondary_sidebar_items": ["page-toc"],
        "footer_start": ["copyright"],
        "footer_end": ["sphinx-version"],
    }
    html_sidebars = {"index": [], "api": []}
except ImportError:  # the default theme
    html_theme = "alabaster"
    html_theme_options = {"description": "Keras 3 networks as scikit-learn estimators"}

html_title = f"skkeras {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
html_last_updated_fmt = None


# -- Work-arounds for docstrings outside docs/ ------------------------------------
# What scikit-learn's inherited methods bring along.

# The metadata-routing request methods that every scikit-learn estimator
# inherits (``set_fit_request`` ...) are scikit-learn's, documented there; their
# docstrings refer to scikit-learn's own pages, which this build cannot link.
_METADATA_METHOD = re.compile(r"^(get_metadata_routing|set_\w+_request)$")


def _skip_member(app, what, name, obj, skip, options):
    if _METADATA_METHOD.match(name):
        return True
    return None


# scikit-learn's inherited ``score`` docstrings refer to labels of its user
# guide (no intersphinx offline): leave those names unlinked, quietly.
_SKLEARN_LABELS = {"accuracy_score", "r2_score", "metadata_routing", "meta-estimator"}


def _missing_reference(app, env, node, contnode):
    # Resolve to the plain text of the reference, so nothing warns.
    if (
        node.get("reftype") in ("ref", "term")
        and node.get("reftarget") in _SKLEARN_LABELS
    ):
        return contnode
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("missing-reference", _missing_reference)
