"""Short parameter names (``max_iter``) resolved to a pipeline's full ones."""

import difflib

__all__ = ["resolve_param_names"]


def resolve_param_names(estimator, params):
    """Return ``params`` with full parameter names of ``estimator``.

    Names are resolved in this order: a name without ``__`` that is a
    parameter of a pipeline's final step (``max_iter`` ->
    ``mlpclassifier__max_iter``); a full name (``standardscaler__with_mean``
    or a pipeline parameter such as ``memory``); finally, a name that ends
    exactly one full name after a ``__`` (``with_mean`` ->
    ``standardscaler__with_mean``).

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn estimator, usually a
        :class:`~sklearn.pipeline.Pipeline`.
    params : dict of str to object
        Parameter names, short or full, to values.

    Returns
    -------
    resolved : dict of str to object
        The same values under full names, ready for ``set_params``.

    Raises
    ------
    ValueError
        If a name matches no parameter (the message suggests the closest
        names), matches several, or two names resolve to the same
        parameter.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skkeras import MLPClassifier
    >>> from skkeras.tasks import resolve_param_names
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier())
    >>> resolve_param_names(pipe, {"max_iter": 50, "with_mean": False})
    {'mlpclassifier__max_iter': 50, 'standardscaler__with_mean': False}
    """
    valid = estimator.get_params(deep=True)
    steps = getattr(estimator, "steps", None)
    prefix = f"{steps[-1][0]}__" if steps else None
    resolved = {}
    for key, value in params.items():
        full = _resolve_one(str(key), valid, prefix)
        if full in resolved:
            raise ValueError(
                f"parameter {key!r} is given twice (as {full!r}); give it once."
            )
        resolved[full] = value
    return resolved


def _resolve_one(key, valid, prefix):
    if prefix and "__" not in key and prefix + key in valid:
        return prefix + key
    if key in valid:
        return key
    matches = [name for name in valid if name.endswith("__" + key)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValueError(
            f"parameter {key!r} is ambiguous: it could be any of "
            f"{', '.join(sorted(matches))}; give the full name."
        )
    candidates = list(valid)
    short = []
    if prefix:
        short = [name.removeprefix(prefix) for name in valid if name.startswith(prefix)]
        candidates += short
    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)
    if close:
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?"
    elif short:
        hint = (
            f"; the network's parameters are {', '.join(sorted(short))} (other "
            "steps' parameters take their full names, as get_params() gives them)."
        )
    else:
        hint = f"; the valid names are {', '.join(sorted(valid))}."
    raise ValueError(f"unknown parameter {key!r}{hint}")
