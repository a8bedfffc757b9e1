"""The parser of the ``skkeras`` command line: its commands, their options
and help, and one-line usage errors that suggest the option meant."""

import argparse
import difflib

from .commands import cv, fit, grid, predict, tasks
from .errors import CLIError
from .halving import factor_value
from .option_values import fold_count, job_count, positive_int
from .output import PROG


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and never exit.

    It records its option names (``option_names``) and its commands'
    parsers (``commands``), so that an unknown option gets a suggestion.
    """

    def __init__(self, *args, **kwargs):
        self.option_names = []  # before argparse adds --help
        self.commands = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        self.option_names.extend(action.option_strings)
        return action

    def error(self, message):
        raise CLIError(f"{message} (see '{self.prog} --help')", code=2)

    def parse_args(self, args=None, namespace=None):
        """Parse ``args``; unknown options name the closest known ones."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = self.commands.get(getattr(parsed, "command", None))
            known = self.option_names + (command.option_names if command else [])
            hints = []
            for extra in extras:
                name = extra.split("=", 1)[0]
                if name.startswith("-"):
                    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                    if close:
                        hints.append(f"did you mean {close[0]} (for {name})?")
            hint = f"; {' '.join(hints)}" if hints else ""
            parser = command or self
            parser.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed


_EPILOG = f"""examples:
  {PROG} tasks                                 the tasks, their data and models
  {PROG} cv pima --n-jobs 2                    10-fold cross-validation of the recipe
  {PROG} cv iris --folds 5 --set max_iter=100 hidden_layer_sizes="(16,)"
  {PROG} grid pima --quick --report pima.html  4-candidate grid search, HTML report
  {PROG} grid bank --param dropout=[0,0.2,0.4] --folds 5
  {PROG} grid pima --halving                   successive halving over max_iter
  {PROG} fit bank --out bank.skkeras && {PROG} predict bank.skkeras --csv rows.csv

Full grids are large (pima: 54 candidates x 10 folds = 540 fits); use
--quick (4 candidates), --param, --folds and --n-jobs to bound the time.
Model files are skkeras files (skkeras.save): loading one runs no code."""


_PREDICT_EPILOG = f"""example: five rows of the bundled bank data as rows.csv
  python -c "from skkeras.tasks import get_task
  get_task('bank').load()[0].head(5).to_csv('rows.csv', index=False)"
  {PROG} predict bank.skkeras --csv rows.csv --out predictions.csv

Each output row is the input row with a 'prediction' column (and, for a
classifier, one 'proba_CLASS' column per class)."""


def _add_common(parser, *, seed=True, jobs=True, settable=True):
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the results: no progress, notes or warnings",
    )
    if settable:
        parser.add_argument(
            "--set",
            action="extend",
            nargs="+",
            default=[],
            metavar="KEY=VALUE",
            help="change a pipeline parameter; values are Python literals "
            "(50, 0.1, (12, 8), 'adam', inf); short names such as max_iter "
            "refer to the network's parameters",
        )
    if seed:
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="seed of the shuffled folds and of the network (default: 0)",
        )
    if jobs:
        parser.add_argument(
            "--n-jobs",
            type=job_count,
            default=1,
            metavar="N",
            help="folds trained in parallel; -1 uses all cores (default: 1)",
        )


def _add_folds_and_report(parser):
    """The --folds and --report options of the commands that evaluate."""
    parser.add_argument(
        "--folds",
        type=fold_count,
        default=None,
        metavar="K",
        help="number of folds (default: the recipe's, 10)",
    )
    parser.add_argument(
        "--report",
        metavar="PATH",
        help="also write a report: .html (self-contained) or .md",
    )


def build_parser():
    """The :class:`Parser` of ``skkeras`` and its five commands.

    Each command's parsed arguments carry its ``handler``, the ``handle``
    function of its module in :mod:`skkeras._cli.commands`.
    """
    from .._version import __version__

    parser = Parser(
        prog=PROG,
        description="Run the classic Keras tutorial tasks with scikit-learn: "
        "cross-validation, grid search, reports, training and prediction.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of unexpected errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("tasks", help="list the tasks, or describe one")
    p.add_argument("task", nargs="?", metavar="TASK", help="a task to describe")
    p.set_defaults(handler=tasks.handle, quiet=False)

    p = sub.add_parser("cv", help="cross-validate a task's recipe")
    p.add_argument("task", metavar="TASK", help="pima, iris, boston, bank or gender")
    _add_folds_and_report(p)
    _add_common(p)
    p.set_defaults(handler=cv.handle)

    p = sub.add_parser("grid", help="grid-search a task's hyperparameters")
    p.add_argument("task", metavar="TASK", help="pima, iris, boston, bank or gender")
    p.add_argument(
        "--quick",
        action="store_true",
        help="search the 4-candidate quick grid instead of the full one",
    )
    p.add_argument(
        "--param",
        action="extend",
        nargs="+",
        default=[],
        metavar="KEY=[V1,V2]",
        help="search these values instead of the recipe's grid (repeatable)",
    )
    p.add_argument(
        "--halving",
        action="store_true",
        help="successive halving over the network's epochs (max_iter): each "
        "rung keeps the best candidates and continues their training; the "
        "grid's max_iter values, if any, give the largest number of epochs",
    )
    p.add_argument(
        "--factor",
        type=factor_value,
        default=None,
        metavar="F",
        help="with --halving: keep 1/F of the candidates and train F times "
        "more epochs at each rung (default: 3)",
    )
    p.add_argument(
        "--min-resources",
        type=positive_int,
        default=None,
        metavar="EPOCHS",
        help="with --halving: epochs of the first rung (default: as many as "
        "the rungs allow up to the largest max_iter)",
    )
    p.add_argument(
        "--top",
        type=positive_int,
        default=10,
        metavar="N",
        help="candidates to print (default: 10)",
    )
    _add_folds_and_report(p)
    _add_common(p)
    p.set_defaults(handler=grid.handle)

    p = sub.add_parser("fit", help="train a task's recipe on its data and save it")
    p.add_argument("task", metavar="TASK", help="pima, iris, boston, bank or gender")
    p.add_argument(
        "--out",
        required=True,
        metavar="MODEL",
        help="file to save the model to, e.g. bank.skkeras (skkeras.save's "
        "format, no pickle; skkeras.load reads it)",
    )
    _add_common(p, jobs=False)
    p.set_defaults(handler=fit.handle)

    p = sub.add_parser(
        "predict",
        help="predict the rows of a CSV file with a saved model",
        description=f"Predict the rows of a CSV file with a model saved by "
        f"'{PROG} fit'.\nThe CSV has a header row naming the task's feature "
        f"columns ('{PROG} tasks TASK'\nlists them; '{PROG} fit' prints them), "
        "in any order; other columns, such as\nthe target, are ignored.",
        epilog=_PREDICT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "model", metavar="MODEL", help="a model file written by 'skkeras fit'"
    )
    p.add_argument(
        "--csv",
        required=True,
        metavar="PATH",
        help="rows to predict: a header row with the task's feature columns, "
        "then one row per prediction ('-' reads stdin)",
    )
    p.add_argument(
        "--sep",
        metavar="CHAR",
        help="the CSV's separator, e.g. ';' or '\\t' (default: ',')",
    )
    p.add_argument(
        "--out", metavar="PATH", help="write the predictions here instead of to stdout"
    )
    _add_common(p, seed=False, jobs=False, settable=False)
    p.set_defaults(handler=predict.handle)
    parser.commands = sub.choices
    return parser
