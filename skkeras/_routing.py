"""Routed parameters (``model__hidden``, ``optimizer__learning_rate``, ...).

The general wrappers take scikeras-style parameters: a double underscore
after a known prefix sends a value to one destination (the build function,
``compile``, the optimizer, the loss, the metrics, the callbacks,
``Model.fit`` or ``Model.predict``).  This module is the single place that
knows the prefixes, splits parameters by destination, calls a build function
with the arguments it asks for, and turns a misspelled name into an error that
suggests the right one.
"""

import difflib
import inspect

ROUTE_PREFIXES = (
    "model",
    "fit",
    "compile",
    "optimizer",
    "loss",
    "metrics",
    "callbacks",
    "predict",
)

# Arguments a build function may ask for by name, besides its own parameters.
SPECIAL_BUILD_ARGS = ("meta", "compile_kwargs", "params", "X")


def split_route(name):
    """Return ``(prefix, rest)`` for ``"prefix__rest"``, else ``(None, name)``."""
    prefix, sep, rest = name.partition("__")
    if sep and prefix in ROUTE_PREFIXES and rest:
        return prefix, rest
    return None, name


def routed(params, prefix):
    """Return the parameters routed to ``prefix``, with the prefix removed."""
    start = prefix + "__"
    return {k[len(start) :]: v for k, v in params.items() if k.startswith(start)}


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
        ``model__*`` parameters, prefix removed; they take precedence.
    specials : dict
        ``meta``, ``compile_kwargs`` and ``params``, passed when named.
    """
    names, var_kw = signature_of(fn)
    kwargs = {}
    for source in (base_params, extra_params, model_params):
        for key, value in source.items():
            if key in names or (var_kw and source is not base_params):
                kwargs[key] = value
    for key, value in specials.items():
        if key in names:
            kwargs[key] = value
    return fn(**kwargs)


def check_unused(extra_params, model_params, build_fn, valid_names):
    """Raise if an extra or ``model__`` parameter reaches no build argument.

    Only applies when ``build_fn`` has a fixed signature; a build function
    with ``**kwargs`` takes everything.
    """
    if build_fn is None:
        names, var_kw = (), False
    else:
        names, var_kw = signature_of(build_fn)
    if var_kw:
        return
    accepted = set(names)
    for key in list(extra_params) + [f"model__{k}" for k in model_params]:
        bare = key[len("model__") :] if key.startswith("model__") else key
        if bare not in accepted:
            close = difflib.get_close_matches(bare, list(names), n=1, cutoff=0.6)
            if close:
                hint = f" Did you mean `model__{close[0]}`?"
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
