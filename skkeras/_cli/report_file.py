"""The ``--report`` file of ``cv`` and ``grid``: its name checked before
training, the table of what was run, and the file written."""

import os

from .errors import CLIError
from .output import PROG, say
from .summary_lines import cv_line, data_line, model_line


def check_report_path(path):
    """``path`` if a report can be written there (None stays None).

    Raises
    ------
    CLIError
        An unknown suffix (exit status 2), or a folder that does not exist.
    """
    if path is None:
        return None
    from ..reports._render import _FORMATS, _report_format

    try:
        _report_format(path, None)
    except ValueError:
        suffixes = ", ".join(_FORMATS)
        raise CLIError(
            f"bad --report {path!r}: the format comes from the file name's "
            f"suffix, one of {suffixes} (e.g. --report report.html)",
            code=2,
        ) from None
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CLIError(
            f"cannot write the report {path!r}: folder {folder!r} does not exist"
        )
    return path


def report_info(task, X, y, cv, args, overrides, wall, *, command, extra=None):
    """The report's table of the task, data, model, folds, time and command."""
    from ..reports._text import duration

    info = {
        "task": f"{task.name} ({task.kind})",
        "data": data_line(task, X, y),
        "model": model_line(task, overrides),
        "cross-validation": cv_line(cv, args.seed),
        "scoring": ", ".join(f"{k} ({v})" for k, v in task.scoring.items()),
    }
    info.update(extra or {})
    info["wall time"] = f"{duration(wall)} with n_jobs={args.n_jobs}"
    info["command"] = " ".join([PROG, command, *args.argv])
    return info


def write_report(args, result, **kwargs):
    """Write ``result``'s report to ``args.report`` and say so."""
    from ..reports import make_report

    try:
        make_report(result, args.report, **kwargs)
    except OSError as exc:
        raise CLIError(
            f"cannot write the report {args.report!r}: {exc.strerror or exc}"
        ) from None
    from ..reports._matplotlib import has_matplotlib

    note = (
        ""
        if has_matplotlib()
        else " (tables only: install skkeras[plot] for the plots)"
    )
    say(args, f"report written to {args.report}{note}")
