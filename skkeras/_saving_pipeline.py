"""Saving a scikit-learn ``Pipeline`` that ends in an skkeras estimator.

The file of such a pipeline is the file of its final estimator (see
:mod:`skkeras._saving`) with one more entry, ``pipeline.skops``: the
pipeline with its final step replaced by the marker ``"passthrough"``, in
skops' persistence format (``skops.io``: no pickle; a JSON schema and numpy
arrays), and a ``"pipeline"`` section in the manifest, a
:class:`PipelineLayout`, naming the step the estimator goes back into.

Loading reads the skops part within the archive's size budget
(:meth:`~skkeras._saving_archive.BoundedArchive.read_nested`), refuses it
unless every type it names is trusted (skops' defaults: scikit-learn's
estimators, numpy and scipy types; :data:`DEFAULT_TRUSTED`; or what the
caller trusts, block-listed modules excepted), then lets skops rebuild it
and leaves out the parameters that name folders a fit would write to
(``memory``).
"""

import copy
from dataclasses import dataclass

from ._saving_archive import _check, _Damaged
from ._saving_trust import blocked

ENTRY = "pipeline.skops"
MARKER = "passthrough"
# Parameters of scikit-learn estimators that name folders fit writes to.
_PATH_PARAMS = ("memory",)


def _type_name(obj):
    """A class's or function's name as skops writes it (``module.name``)."""
    return f"{obj.__module__}.{obj.__name__}"


def default_trusted():
    """scikit-learn types trusted beyond skops' defaults.

    ``make_column_selector``: the column selectors of a ``ColumnTransformer``
    (data only: dtypes and a name pattern), as the tasks' recipes use them.
    """
    from sklearn.compose import make_column_selector

    return [_type_name(make_column_selector)]


@dataclass(frozen=True)
class PipelineLayout:
    """Where a saved pipeline's skkeras estimator goes back.

    Attributes
    ----------
    final_step : str
        The name of the pipeline's last step, the skkeras estimator, which
        ``pipeline.skops`` holds as ``"passthrough"``.
    skops_version : str
        The version of skops that wrote ``pipeline.skops``.
    """

    final_step: str
    skops_version: str

    def to_json(self):
        return {"final_step": self.final_step, "skops_version": self.skops_version}

    @classmethod
    def from_json(cls, value):
        _check(
            isinstance(value, dict)
            and set(value) == {"final_step", "skops_version"}
            and all(isinstance(v, str) for v in value.values()),
            "its manifest's 'pipeline' section is not a final_step and a skops_version",
        )
        return cls(**value)


def is_pipeline(obj):
    """Whether ``obj`` is a scikit-learn ``Pipeline`` (or a subclass)."""
    from sklearn.pipeline import Pipeline

    return isinstance(obj, Pipeline)


def split_pipeline(pipeline):
    """Return the layout, the skops bytes of ``pipeline`` without its final
    step, and the final step.

    Raises TypeError for a subclass of ``Pipeline``, an empty pipeline, or
    an skkeras estimator before the final step.
    """
    import skops
    import skops.io
    from sklearn.pipeline import Pipeline

    from ._base import BaseKerasEstimator

    if type(pipeline) is not Pipeline:
        raise TypeError(
            "skkeras.save saves a sklearn.pipeline.Pipeline, not a subclass "
            f"({type(pipeline).__module__}.{type(pipeline).__qualname__}), whose "
            "code this format does not store."
        )
    steps = list(pipeline.steps)
    if not steps:
        raise TypeError("skkeras.save cannot save a Pipeline without steps.")
    name, final = steps[-1]
    head = copy.copy(pipeline)
    head.steps = [*steps[:-1], (name, MARKER)]
    for param, value in head.get_params(deep=True).items():
        if isinstance(value, BaseKerasEstimator):
            raise TypeError(
                f"skkeras.save saves a Pipeline whose only skkeras estimator "
                f"is its final step; {param!r} is a {type(value).__name__}. "
                "Save the pipeline's parts separately."
            )
    data = skops.io.dumps(head)
    nameless = [name for name in untrusted_types(data) if "<lambda>" in name]
    if nameless:
        raise TypeError(
            f"skkeras.save cannot store the pipeline: it holds {nameless[0]}, "
            "a lambda, which has no name to be found by on load. Define it "
            "with `def` at module level."
        )
    return PipelineLayout(name, skops.__version__), data, final


def _skops_names(trusted):
    """The names of ``load(trusted=...)`` as skops writes them."""
    names = []
    for item in trusted or ():
        if isinstance(item, str):
            names.append(item.replace(":", "."))
        elif hasattr(item, "__module__") and hasattr(item, "__name__"):
            names.append(_type_name(item))
    return [name for name in names if not blocked(name)]


def untrusted_types(data, trusted=()):
    """The types ``pipeline.skops`` names that load refuses, sorted."""
    import skops.io

    try:
        found = skops.io.get_untrusted_types(data=data)
    except Exception as exc:  # a schema skops cannot parse raises anything
        raise _Damaged(f"{ENTRY} is not a valid skops file ({exc!r})") from None
    return sorted(set(found) - set(default_trusted()) - set(_skops_names(trusted)))


def read_pipeline(archive, layout, trusted, path):
    """Rebuild the pipeline of ``pipeline.skops``, its final step the marker.

    Returns the pipeline and what was left out, as ``(where, value,
    reason)``; raises ValueError naming each untrusted type.
    """
    import skops.io
    from sklearn.pipeline import Pipeline

    data, _ = archive.read_nested(ENTRY, "schema.json", "a skops archive")
    refused = untrusted_types(data, trusted)
    if refused:
        shown = ", ".join(
            f"{name!r} (never: it may run code or touch files)"
            if blocked(name)
            else repr(name)
            for name in refused
        )
        fix = [name for name in refused if not blocked(name)]
        advice = (
            f"If you trust this file, pass load(path, trusted={fix!r})."
            if fix
            else "Build the pipeline again from code you trust."
        )
        raise ValueError(
            f"{path!r} cannot be loaded: its scikit-learn steps name types "
            f"skkeras.load does not trust: {shown}. Review them "
            f"(skkeras.get_untrusted_types lists them). {advice}"
        )
    try:
        pipeline = skops.io.loads(
            data, trusted=[*default_trusted(), *_skops_names(trusted)]
        )
    except Exception as exc:  # damage in a trusted file raises anything
        raise _Damaged(
            f"skops cannot read {ENTRY} ({type(exc).__name__}: {exc})"
        ) from None
    _check(
        type(pipeline) is Pipeline
        and bool(pipeline.steps)
        and tuple(pipeline.steps[-1]) == (layout.final_step, MARKER),
        f"{ENTRY} is not a Pipeline ending in the step {layout.final_step!r}",
    )
    return pipeline, _drop_path_params(pipeline)


def join_pipeline(pipeline, layout, estimator):
    """Put the loaded ``estimator`` back as the final step."""
    pipeline.steps[-1] = (layout.final_step, estimator)
    return pipeline


def _drop_path_params(pipeline):
    """Set to None the parameters of every estimator in ``pipeline`` that
    name folders fit writes to; return them as ``(where, value, reason)``."""
    from sklearn.base import BaseEstimator

    dropped, seen, stack = [], set(), [pipeline]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, BaseEstimator):
            for key in _PATH_PARAMS:
                value = vars(node).get(key)
                if value is not None:
                    where = f"the parameter {key!r} of {type(node).__name__}"
                    dropped.append((where, repr(value), "fit writes files there"))
                    setattr(node, key, None)
            stack.extend(vars(node).values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return dropped
