"""Routed parameters (``model__hidden``, ``optimizer__learning_rate``, ...).

The general wrappers take scikeras-style parameters: a double underscore
after a known prefix sends a value to one destination (the build function,
``compile``, the optimizer, the loss, the metrics, the callbacks,
``Model.fit``, ``Model.predict`` or the scorer of ``score``).  The
``model_kwargs`` and ``fit_kwargs`` dicts of ``keras.wrappers`` hold
``model__*`` and ``fit__*`` parameters in one value.  This module is the
single place that knows the prefixes, splits parameters by destination,
calls a build function with the arguments it asks for, and turns a
misspelled name into an error that suggests the right one.
"""

import difflib
import inspect

from ._sklearn_compat import InvalidParameterError

ROUTE_PREFIXES = (
    "model",
    "fit",
    "compile",
    "optimizer",
    "loss",
    "metrics",
    "callbacks",
    "predict",
    "score",
)

# The parameter holding a dict of a prefix's routed values (``keras.wrappers``'
# spelling): ``model_kwargs={"hidden": 8}`` is ``model__hidden=8``.
ROUTE_DICTS = {"model": "model_kwargs", "fit": "fit_kwargs"}

# Arguments a build function may ask for by name, besides its own parameters.
SPECIAL_BUILD_ARGS = ("meta", "compile_kwargs", "params", "X", "y")
# Those of them that scikeras passes to a build function's ``**kwargs``.
SCIKERAS_BUILD_ARGS = ("meta", "compile_kwargs", "params")


def split_route(name):
    """Return ``(prefix, rest)`` for ``"prefix__rest"``, else ``(None, name)``."""
    prefix, sep, rest = name.partition("__")
    if sep and prefix in ROUTE_PREFIXES and rest:
        return prefix, rest
    return None, name


def routed(params, prefix):
    """Return the parameters routed to ``prefix``, with the prefix removed.

    For ``model`` and ``fit``, the entries of the ``model_kwargs`` or
    ``fit_kwargs`` dict come first, and ``prefix__name`` parameters replace
    them key by key (so that a search can tune one key of the dict).
    """
    start = prefix + "__"
    merged = dict(params.get(ROUTE_DICTS.get(prefix)) or {})
    for key, value in params.items():
        if key.startswith(start):
            merged[key[len(start) :]] = value
    return merged


def check_route_dicts(params, owner):
    """Refuse a ``model_kwargs`` or ``fit_kwargs`` that is not a dict of names
    (:class:`InvalidParameterError`, a TypeError)."""
    for prefix, name in ROUTE_DICTS.items():
        value = params.get(name)
        if value is None:
            continue
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise InvalidParameterError(
                f"{owner}'s `{name}` must be a dict of keyword arguments with str "
                f"keys (or None), e.g. {name}={{'hidden': 8}}; got "
                f"{type(value).__name__} {value!r}. Each entry acts as a "
                f"`{prefix}__<key>` parameter."
            )


def suggest(name, candidates):
    """Return a ``" Did you mean ...?"`` hint for ``name``, or ``""``."""
    candidates = sorted(set(candidates))
    matches = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not matches and "__" not in name:
        # An unprefixed build-function argument: suggest the routed spelling.
        matches = difflib.get_close_matches(
            "model__" + name, candidates, n=3, cutoff=0.6
        )
    if not matches:
        return ""
    quoted = " or ".join(f"`{m}`" for m in matches)
    return f" Did you mean {quoted}?"


def signature_of(fn):
    """Return ``(argument names, accepts **kwargs)`` of a callable."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and some C callables
        return (), True
    names = []
    var_kw = False
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
        elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            names.append(p.name)
    return tuple(names), var_kw


def call_build_fn(fn, *, base_params, extra_params, model_params, specials):
    """Call a build function with the arguments its signature asks for.

    Parameters
    ----------
    fn : callable
        The user's build function.
    base_params : dict
        The wrapper's own constructor parameters (``epochs``, ``loss``...);
        passed only when ``fn`` names them.
    extra_params : dict
        Unprefixed extra keyword arguments given to the wrapper (scikeras'
        ``KerasClassifier(model=f, hidden=10)`` style).
    model_params : dict
        ``model__*`` parameters and ``model_kwargs`` entries, prefix removed;
        they take precedence.
    specials : dict
        ``meta``, ``compile_kwargs``, ``params``, ``X`` and ``y``, passed
        when named; a function with ``**kwargs`` gets ``meta``,
        ``compile_kwargs`` and ``params`` in them too, after its own
        arguments, as scikeras passes them (a class does not: its
        ``**kwargs`` usually go on to ``keras.Model.__init__``).
    """
    names, var_kw = signature_of(fn)
    kwargs = {}
    for source in (base_params, extra_params, model_params):
        for key, value in source.items():
            if key in names or (var_kw and source is not base_params):
                kwargs[key] = value
    to_kwargs = () if inspect.isclass(fn) or not var_kw else SCIKERAS_BUILD_ARGS
    for key, value in specials.items():
        if key in names or key in to_kwargs:
            kwargs[key] = value
    return fn(**kwargs)


def check_unused(extra_params, model_params, build_fn, valid_names, from_dict=()):
    """Raise if an extra or ``model__`` parameter reaches no build argument.

    Only applies when ``build_fn`` has a fixed signature; a build function
    with ``**kwargs`` takes everything.  Keys of ``model_params`` listed in
    ``from_dict`` came from ``model_kwargs`` and are named so in the error.
    """
    if build_fn is None:
        names, var_kw = (), False
    else:
        names, var_kw = signature_of(build_fn)
    if var_kw:
        return
    accepted = set(names)

    def spell(bare, in_dict):
        return f"model_kwargs[{bare!r}]" if in_dict else f"model__{bare}"

    labelled = [(key, key, False) for key in extra_params] + [
        (spell(k, k in from_dict), k, k in from_dict) for k in model_params
    ]
    for key, bare, in_dict in labelled:
        if bare not in accepted:
            close = difflib.get_close_matches(bare, list(names), n=1, cutoff=0.6)
            if close:
                hint = f" Did you mean `{spell(close[0], in_dict)}`?"
            else:
                hint = suggest(key, list(valid_names))
            where = (
                f"the build function {getattr(build_fn, '__name__', build_fn)!r}"
                if build_fn is not None
                else "the model (a keras.Model instance takes no build arguments)"
            )
            raise ValueError(
                f"Parameter `{key}` is not an argument of {where}, nor a "
                f"parameter of the estimator.{hint}"
            )
