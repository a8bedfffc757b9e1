"""The CSV file of ``predict``: read with its separator, or refused with a
hint when its rows seem separated by something else than commas."""

import os
import sys

from .errors import CLIError

_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _wrong_separator(text):
    """The separator a one-column CSV's first lines seem to use, if not ','."""
    import csv

    sample = "\n".join(text.splitlines()[:20])
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(_SEPARATORS))
    except csv.Error:
        return None
    return found.delimiter


def read_csv(path, sep=None):
    """The rows of the CSV file ``path`` (``"-"``: stdin) as a DataFrame.

    Parameters
    ----------
    path : str
        The file, or ``"-"`` for stdin.
    sep : str, default=None
        The separator (``"\\t"`` and ``"tab"`` mean a tab); None: commas.

    Raises
    ------
    CLIError
        A missing, unreadable or empty file, or one that seems separated
        by semicolons, tabs or vertical bars when ``sep`` is None.
    """
    import io

    import pandas as pd

    if path != "-" and not os.path.isfile(path):
        raise CLIError(f"no such CSV file: {path!r}")
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        sep = {"\\t": "\t", "tab": "\t"}.get(sep, sep)
        frame = pd.read_csv(io.StringIO(text), sep=sep or ",")
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        OSError,
    ) as exc:
        first = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise CLIError(f"cannot read {path!r} as CSV: {first}") from None
    if sep is None and frame.shape[1] == 1:
        found = _wrong_separator(text)
        if found is not None:
            raise CLIError(
                f"{path!r} seems to be separated by {_SEPARATORS[found]}, not "
                f"commas: pass --sep {found!r}"
            )
    if frame.empty:
        raise CLIError(f"{path!r} has no rows to predict")
    return frame
