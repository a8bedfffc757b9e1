"""The ``skkeras`` command line: run the tutorial tasks of :mod:`skkeras.tasks`.

::

    skkeras tasks [TASK]                      list the tasks, or show one
    skkeras cv TASK [--folds K] [--set k=v]   cross-validate the recipe
    skkeras grid TASK [--quick] [--report P]  grid-search its hyperparameters
    skkeras fit TASK --out MODEL              train on the bundled data, save
    skkeras predict MODEL --csv rows.csv      predict new rows

Expected errors (unknown task, bad ``--set``, missing CSV columns ...) are
one line on stderr and a non-zero exit status: 2 for usage errors, 1 for the
others; ``--debug`` shows the traceback of unexpected ones. Keras and the
estimators are imported only by the commands that train, so ``--help`` and
``tasks`` stay quick.

The modules: :func:`main` here; :mod:`.parser` (the options and their help),
:mod:`.commands` (one module per command), and the pieces the commands
share: :mod:`.errors`, :mod:`.output` (notes, warnings), :mod:`.option_values`
(``--set``, ``--param``), :mod:`.task_setup` (a task's pipeline and data),
:mod:`.summary_lines`, :mod:`.jobs` (``--n-jobs``), :mod:`.report_file`
(``--report``), and for ``predict`` :mod:`.model_file`, :mod:`.csv_input`
and :mod:`.model_columns`.
"""

import os
import sys
import time

from .errors import CLIError, one_line
from .output import PROG, collected_warnings
from .parser import build_parser

__all__ = ["main"]


def main(argv=None):
    """Run the ``skkeras`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 1 on errors, 2 on usage errors, 130 if interrupted.

    Examples
    --------
    >>> from skkeras._cli import main
    >>> main(["tasks"])  # doctest: +SKIP
    0
    """
    started = time.perf_counter()  # before Keras and its backend are imported
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    debug = "--debug" in argv
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version
            return int(exc.code or 0)
        if args.command is None:
            parser.print_help()
            return 2
        start = argv.index(args.command) + 1 if args.command in argv else len(argv)
        args.argv = argv[start:]
        args.started = started
        with collected_warnings(args.quiet):
            return args.handler(args)
    except CLIError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line, unless --debug
        if debug:
            raise
        print(
            f"{PROG}: error: {type(exc).__name__}: {one_line(exc)} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1
