"""The values of the options: ``--set`` and ``--param`` assignments, and
the whole numbers of ``--top``, ``--folds`` and ``--n-jobs``."""

import argparse
import ast
import math
import re

from .errors import CLIError

_WORDS = {
    "inf": math.inf,
    "+inf": math.inf,
    "infinity": math.inf,
    "-inf": -math.inf,
    "nan": math.nan,
    "true": True,
    "false": False,
    "none": None,
    "null": None,
}


def parse_value(text):
    """A ``--set`` value: a Python literal, a few words, or else a string."""
    text = text.strip()
    if text.lower() in _WORDS:
        return _WORDS[text.lower()]
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def parse_assignments(items, option):
    """``{key: value}`` from the ``key=value`` items given to ``option``.

    Parameters
    ----------
    items : list of str or None
        The option's items, e.g. ``["max_iter=50", "solver='sgd'"]``.
    option : str
        The option's name, for the error message, e.g. ``"--set"``.

    Returns
    -------
    params : dict
        The values parsed by :func:`parse_value`.

    Raises
    ------
    CLIError
        An item that is not ``key=value`` (exit status 2).
    """
    params = {}
    for item in items or []:
        key, sep, text = str(item).partition("=")
        key = key.strip()
        if not sep or not key or not re.fullmatch(r"[A-Za-z_][\w-]*", key):
            raise CLIError(
                f"bad {option} {item!r}: expected key=value, e.g. {option} max_iter=50",
                code=2,
            )
        params[key] = parse_value(text)
    return params


def _whole_number(minimum, hint):
    """An argparse type: an int >= ``minimum`` (0 is refused for --n-jobs)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number, got {text!r}"
            ) from None
        if value < minimum or (minimum < 0 and value == 0):
            raise argparse.ArgumentTypeError(f"{hint}, got {value}")
        return value

    return parse


positive_int = _whole_number(1, "expected a number >= 1")
fold_count = _whole_number(2, "cross-validation needs at least 2 folds")
job_count = _whole_number(-(2**31), "use 1 or more jobs, or -1 for all cores")
