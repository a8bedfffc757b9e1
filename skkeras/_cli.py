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
"""

import argparse
import ast
import contextlib
import difflib
import logging
import math
import os
import re
import sys
import time
import warnings
from typing import NamedTuple

__all__ = ["main"]

PROG = "skkeras"


class CLIError(Exception):
    """An expected error: printed as one line, exit status ``code``."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
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


# ----------------------------------------------------------------------
# Quiet start-up and warnings
# ----------------------------------------------------------------------
@contextlib.contextmanager
def _quiet_run(quiet):
    """Silence routine warnings and TensorFlow's Python logger for a command.

    ``ConvergenceWarning`` ("maximum iterations reached") is dropped: the
    recipes choose their number of epochs. Other warnings that Python's
    filters let through are collected and printed once each, as one line,
    at the end (unless ``quiet``).
    """
    from sklearn.exceptions import ConvergenceWarning

    tf_logger = logging.getLogger("tensorflow")
    old_level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)
    with warnings.catch_warnings(record=True) as caught:
        # Python's filters stay (DeprecationWarnings from libraries hidden).
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        try:
            yield
        finally:
            tf_logger.setLevel(old_level)
            if not quiet:
                seen = {}
                for w in caught:
                    key = (w.category.__name__, " ".join(str(w.message).split()))
                    seen[key] = seen.get(key, 0) + 1
                for (category, message), count in seen.items():
                    times = f" (x{count})" if count > 1 else ""
                    print(f"{PROG}: {category}: {message}{times}", file=sys.stderr)


# ----------------------------------------------------------------------
# Argument values
# ----------------------------------------------------------------------
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


def _parse_value(text):
    """A ``--set`` value: a Python literal, a few words, or else a string."""
    text = text.strip()
    if text.lower() in _WORDS:
        return _WORDS[text.lower()]
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _parse_assignments(items, option):
    params = {}
    for item in items or []:
        key, sep, text = str(item).partition("=")
        key = key.strip()
        if not sep or not key or not re.fullmatch(r"[A-Za-z_][\w-]*", key):
            raise CLIError(
                f"bad {option} {item!r}: expected key=value, e.g. "
                f"{option} max_iter=50",
                code=2,
            )
        params[key] = _parse_value(text)
    return params


def _int_arg(minimum, hint):
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


_positive_int = _int_arg(1, "expected a number >= 1")
_folds = _int_arg(2, "cross-validation needs at least 2 folds")
_n_jobs = _int_arg(-(2**31), "use 1 or more jobs, or -1 for all cores")


# ----------------------------------------------------------------------
# Shared steps
# ----------------------------------------------------------------------
def _task(name):
    from .tasks import get_task

    try:
        return get_task(name)
    except ValueError as exc:
        raise CLIError(str(exc), code=2) from None


def _pipeline(task, args):
    """The task's pipeline, seeded, with the ``--set`` changes applied.

    Returns ``(pipeline, overrides)``: ``overrides`` are all the ``--set``
    values, the recipe's options (see :func:`_load`) included.
    """
    from .tasks._run import import_keras_quietly

    args.import_seconds = import_keras_quietly()
    overrides = _parse_assignments(args.set, "--set")
    params = {"random_state": args.seed}
    params.update((k, v) for k, v in overrides.items() if k not in task.options)
    try:
        pipe = task.make_pipeline(**params)
    except ValueError as exc:
        raise CLIError(f"bad --set: {exc}", code=2) from None
    return pipe, overrides


def _load(task, args):
    """The task's data, with the recipe's options given by ``--set``."""
    overrides = _parse_assignments(getattr(args, "set", None), "--set")
    options = {k: v for k, v in overrides.items() if k in task.options}
    try:
        return task.load(**options)
    except ValueError as exc:
        raise CLIError(f"bad --set: {exc}", code=2) from None


def _choose_n_jobs(args):
    """``(n_jobs, serial_note, start_note)``: the jobs to run with, why they
    are fewer than asked (or ""), and how the workers start (or "").

    On two cores or fewer, more than one job runs serially: each worker
    imports the framework and compiles its own training loop, and the
    numbers in docs/user_guide/parallel.rst show two workers much slower
    than one process there.  Otherwise the start note says how long the
    workers take to start, from this process's own start of Keras.
    """
    import keras
    from joblib import cpu_count, effective_n_jobs

    from .reports._text import plural

    n = effective_n_jobs(args.n_jobs)
    if n <= 1:
        return 1, "", ""
    framework = _FRAMEWORKS.get(keras.backend.backend(), keras.backend.backend())
    started = getattr(args, "import_seconds", 0.0)
    each = f"each imports {framework}" + (
        f", ~{started:.0f}s" if started >= 0.5 else ""
    )
    cores = cpu_count()
    if cores <= 2:
        return (
            1,
            f"running serially: on {plural(cores, 'core')}, "
            f"{plural(n, 'worker')} are slower than one process ({each}, then "
            "compiles its own training loop; see 'Parallel and distributed "
            "searches' in the user guide)",
            "",
        )
    return n, "", f"starting {plural(n, 'worker')} ({each})"


_FRAMEWORKS = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def _model_line(task, overrides):
    import keras

    line = task.model_summary
    if overrides:
        line += "; changed: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    return f"{line}; Keras backend: {keras.backend.backend()}"


def _data_line(task, X, y):
    from .reports._text import plural

    shape = f"{plural(X.shape[0], 'sample')} x {plural(X.shape[1], 'feature')}"
    if task.is_classifier:
        counts = y.value_counts()
        target = ", ".join(f"{label}: {n}" for label, n in counts.items())
        return f"{shape}; classes {target}"
    return f"{shape}; target {y.name} from {y.min():g} to {y.max():g}"


def _cv_line(cv, seed):
    return f"{cv.get_n_splits()}-fold {type(cv).__name__} (shuffled, seed {seed})"


def _baseline(task, X, y, cv):
    from sklearn.model_selection import cross_validate

    return cross_validate(task.make_baseline(), X, y, cv=cv, scoring=task.scoring)


def _since_start(args):
    """The command's whole time so far, imports included, as a phrase."""
    from .reports._text import duration

    whole = time.perf_counter() - args.started
    return f"{duration(whole)} since the command started, importing Keras included"


def _say(args, *lines):
    if not args.quiet:
        for line in lines:
            print(line, file=sys.stderr)


def _check_report_path(path):
    if path is None:
        return None
    from .reports._render import _FORMATS, _report_format

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


def _write_report(args, result, **kwargs):
    from .reports import make_report

    try:
        make_report(result, args.report, **kwargs)
    except OSError as exc:
        raise CLIError(
            f"cannot write the report {args.report!r}: {exc.strerror or exc}"
        ) from None
    from .reports._plots import has_matplotlib

    note = (
        ""
        if has_matplotlib()
        else " (tables only: install skkeras[plot] for the plots)"
    )
    _say(args, f"report written to {args.report}{note}")


# ----------------------------------------------------------------------
# skkeras tasks
# ----------------------------------------------------------------------
def _cmd_tasks(args):
    from .reports._text import text_table
    from .tasks import list_tasks

    if args.task:
        return _show_task(_task(args.task))
    rows = []
    for task in list_tasks():
        X, _ = task.load()
        rows.append(
            [
                task.name,
                task.kind,
                f"{X.shape[0]} x {X.shape[1]}",
                ", ".join(task.scoring),
                task.model_short,
            ]
        )
    header = ["task", "kind", "data", "metrics", "default model"]
    print(text_table(header, rows, left=(0, 1, 3, 4)))
    print(f"\nDetails: {PROG} tasks TASK.  Cross-validate: {PROG} cv TASK.")
    return 0


def _show_task(task):
    from .reports._text import plural

    X, y = task.load()
    cv = task.cv()
    grid = ", ".join(f"{k.split('__')[-1]} {v}" for k, v in task.param_grid.items())
    quick = ", ".join(f"{k.split('__')[-1]} {v}" for k, v in task.quick_grid.items())
    lines = [
        f"{task.name}: {task.title} ({task.kind})",
        "",
        task.description,
        "",
        f"tutorial:    {task.tutorial}",
        f"data:        {_data_line(task, X, y)}",
        f"columns:     {', '.join(map(str, X.columns))}",
        f"model:       {task.model_summary}",
        f"cv:          {_cv_line(cv, 0)}",
        f"scoring:     {', '.join(f'{k} ({v})' for k, v in task.scoring.items())}",
        f"grid:        {plural(task.n_candidates(), 'candidate')}: {grid}",
        f"quick grid:  {plural(task.n_candidates(quick=True), 'candidate')}: {quick}",
        f"step name:   {task.estimator_step} (--set max_iter=50 is short for "
        f"--set {task.estimator_step}__max_iter=50)",
    ]
    print("\n".join(lines))
    return 0


# ----------------------------------------------------------------------
# skkeras cv
# ----------------------------------------------------------------------
def _cmd_cv(args):
    from .reports._text import Progress, cv_text, duration
    from .tasks._run import quiet_workers

    task = _task(args.task)
    report = _check_report_path(args.report)
    pipe, overrides = _pipeline(task, args)
    from .model_selection import cross_validate  # Keras is started now

    X, y = _load(task, args)
    cv = task.cv(seed=args.seed, n_splits=args.folds)
    n_jobs, serial_note, jobs_note = _choose_n_jobs(args)
    _say(
        args,
        f"{task.name}: {_data_line(task, X, y)}",
        f"model: {_model_line(task, overrides)}",
        f"cv: {_cv_line(cv, args.seed)}, n_jobs={n_jobs}",
        *[serial_note] * bool(serial_note),
    )
    start = time.perf_counter()  # before the workers start
    progress = Progress(
        f"cv {task.name}", cv.get_n_splits(), "fold", enabled=not args.quiet
    )
    progress.update(0, status=jobs_note)
    try:
        with quiet_workers(n_jobs):
            result = cross_validate(
                pipe,
                X,
                y,
                cv=cv,
                scoring=task.scoring,
                n_jobs=n_jobs,
                return_estimator=True,
                error_score="raise",
                progress=lambda state: progress.update(state.done),
            )
    finally:
        progress.close()
    wall = time.perf_counter() - start
    baseline = _baseline(task, X, y, cv)
    base_name = "majority class" if task.is_classifier else "predicting the mean"
    print(f"{task.name}: {_cv_line(cv, args.seed)}")
    print(cv_text(result, scoring=task.scoring, baseline=baseline))
    print(
        f"baseline: {base_name}.  wall time: {duration(wall)} (n_jobs={n_jobs}); "
        f"{_since_start(args)}"
    )
    if report:
        _write_report(
            args,
            result,
            title=f"{task.title}: cross-validation",
            description=task.description,
            info=_report_info(task, X, y, cv, args, overrides, wall, command="cv"),
            scoring=task.scoring,
            baseline=baseline,
        )
    return 0


def _report_info(task, X, y, cv, args, overrides, wall, *, command, extra=None):
    from .reports._text import duration

    info = {
        "task": f"{task.name} ({task.kind})",
        "data": _data_line(task, X, y),
        "model": _model_line(task, overrides),
        "cross-validation": _cv_line(cv, args.seed),
        "scoring": ", ".join(f"{k} ({v})" for k, v in task.scoring.items()),
    }
    info.update(extra or {})
    info["wall time"] = f"{duration(wall)} with n_jobs={args.n_jobs}"
    info["command"] = " ".join([PROG, command, *args.argv])
    return info


# ----------------------------------------------------------------------
# skkeras grid
# ----------------------------------------------------------------------
def _grid(task, pipe, args):
    if args.param:
        from .tasks import resolve_param_names

        raw = _parse_assignments(args.param, "--param")
        grid = {k: v if isinstance(v, list) else [v] for k, v in raw.items()}
        try:
            grid = resolve_param_names(pipe, grid)
        except ValueError as exc:
            raise CLIError(f"bad --param: {exc}", code=2) from None
        empty = [k for k, v in grid.items() if not v]
        if empty:
            raise CLIError(f"bad --param: no values for {', '.join(empty)}", code=2)
        return grid
    return task.quick_grid if args.quick else task.param_grid


def _cmd_grid(args):
    from .reports._plots import has_matplotlib
    from .reports._text import Progress, best_text, duration, plural, search_text
    from .tasks._run import quiet_workers, validation_history

    task = _task(args.task)
    report = _check_report_path(args.report)
    pipe, overrides = _pipeline(task, args)
    from .tasks._progress import make_progress_search  # Keras is started now

    grid = _grid(task, pipe, args)
    X, y = _load(task, args)
    cv = task.cv(seed=args.seed, n_splits=args.folds)
    n_jobs, serial_note, jobs_note = _choose_n_jobs(args)
    n_candidates = math.prod(len(v) for v in grid.values())
    n_fits = n_candidates * cv.get_n_splits()
    short = ", ".join(f"{k.split('__')[-1]} {v}" for k, v in grid.items())
    _say(
        args,
        f"{task.name}: {_data_line(task, X, y)}",
        f"model: {_model_line(task, overrides)}",
        f"grid: {plural(n_candidates, 'candidate')} ({short})",
        f"cv: {_cv_line(cv, args.seed)}: {plural(n_fits, 'fit')} + 1 refit, "
        f"n_jobs={n_jobs}",
        *[serial_note] * bool(serial_note),
    )
    start = time.perf_counter()  # before the workers start
    progress = Progress(
        f"grid {task.name}", n_candidates, "candidate", enabled=not args.quiet
    )
    progress.update(0, status=jobs_note)
    search = make_progress_search(
        pipe,
        grid,
        cv=cv,
        scoring=task.scoring,
        refit=task.refit,
        n_jobs=n_jobs,
        callback=progress.update,
    )
    try:
        with quiet_workers(n_jobs):
            search.fit(X, y)
    finally:
        progress.close()
    wall = time.perf_counter() - start
    baseline = _baseline(task, X, y, cv)
    candidates = plural(n_candidates, "candidate")
    print(f"{task.name}: {candidates} x {_cv_line(cv, args.seed)}")
    print(search_text(search, top=args.top))
    name = "majority class" if task.is_classifier else "predicting the mean"
    print(best_text(search, baseline=baseline, baseline_name=f"baseline, {name}"))
    print(f"wall time: {duration(wall)} (n_jobs={n_jobs}); {_since_start(args)}")
    if report:
        history, caption = None, None
        if has_matplotlib():
            _say(
                args,
                "retraining the best candidate with held-out data for the plots...",
            )
            history, caption = validation_history(search.best_estimator_, X, y)
        _write_report(
            args,
            search,
            title=f"{task.title}: grid search",
            description=task.description,
            info=_report_info(
                task,
                X,
                y,
                cv,
                args,
                overrides,
                wall,
                command="grid",
                extra={"grid": f"{plural(n_candidates, 'candidate')}: {short}"},
            ),
            baseline=baseline,
            history=history,
            history_caption=caption,
        )
    return 0


# ----------------------------------------------------------------------
# skkeras fit / predict
# ----------------------------------------------------------------------
# Extensions of the pickles ``skkeras fit`` wrote before it used skkeras.save.
_PICKLE_EXTENSIONS = (".joblib", ".pkl", ".pickle")
_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _fit_with_progress(task, pipe, X, y, args):
    """``pipe.fit(X, y)`` with the epochs shown on stderr (unless ``-q``).

    The progress callback is added to the network's ``callbacks`` for this
    fit only, so the fitted pipeline keeps the recipe's parameters.
    """
    if args.quiet:
        return pipe.fit(X, y)
    from ._callbacks import EpochProgress

    name = f"{task.estimator_step}__callbacks"
    given = pipe.get_params()[name]
    pipe.set_params(**{name: [*(given or []), EpochProgress(f"fit {task.name}")]})
    try:
        return pipe.fit(X, y)
    finally:
        pipe.set_params(**{name: given})


def _cmd_fit(args):
    from . import save
    from .reports._text import duration

    task = _task(args.task)
    if args.out.lower().endswith(_PICKLE_EXTENSIONS):
        stem = os.path.splitext(args.out)[0]
        raise CLIError(
            f"{PROG} fit writes skkeras model files, not pickles: use "
            f"--out {stem}.skkeras (a file that runs no code when loaded)",
            code=2,
        )
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder):
        raise CLIError(
            f"cannot write the model {args.out!r}: folder {folder!r} does not exist"
        )
    pipe, overrides = _pipeline(task, args)
    X, y = _load(task, args)
    model = _model_line(task, overrides)
    _say(args, f"training {task.name}: {model} on {X.shape[0]} samples...")
    start = time.perf_counter()
    _fit_with_progress(task, pipe, X, y, args)
    wall = time.perf_counter() - start
    try:
        save(pipe, args.out)
    except OSError as exc:
        raise CLIError(
            f"cannot write the model {args.out!r}: {exc.strerror or exc}"
        ) from None
    metric = "accuracy" if task.is_classifier else "R²"
    print(
        f"saved the {task.name} model to {args.out} (trained in {duration(wall)}; "
        f"training {metric} {pipe.score(X, y):.4f}, in-sample)"
    )
    print(f"predict with: {PROG} predict {args.out} --csv rows.csv")
    print(f"rows.csv needs the columns: {', '.join(map(str, X.columns))}")
    return 0


def _wrong_separator(text):
    """The separator a one-column CSV's first lines seem to use, if not ','."""
    import csv

    sample = "\n".join(text.splitlines()[:20])
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(_SEPARATORS))
    except csv.Error:
        return None
    return found.delimiter


def _read_csv(path, sep=None):
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


def _load_model(path):
    import zipfile

    from . import load

    if not os.path.isfile(path):
        hint = f"write one with: {PROG} fit TASK --out {path}"
        raise CLIError(f"no such model file: {path!r} ({hint})")
    refit = f"write one with '{PROG} fit TASK --out MODEL.skkeras'"
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            head = f.read(2)
        if path.lower().endswith(_PICKLE_EXTENSIONS) or head[:1] == b"\x80":
            raise CLIError(
                f"{path!r} is a pickle (joblib) file, as '{PROG} fit' wrote "
                f"before; '{PROG} predict' reads only skkeras model files, which "
                f"run no code when loaded: {refit}"
            )
        raise CLIError(f"{path!r} is not an skkeras model file ({refit})")
    from .tasks._run import import_keras_quietly

    import_keras_quietly()
    try:
        model = load(path)
    except ValueError as exc:
        raise CLIError(f"cannot load the model: {_one_line(exc)}") from None
    if not hasattr(model, "predict"):
        raise CLIError(f"{path!r} holds a {type(model).__name__}, not a fitted model")
    return model


class _Columns(NamedTuple):
    """The input columns of a fitted model, by how its first step encodes
    them: as numbers, or as the categories an encoder saw in training."""

    numeric: list
    # column name -> (its categories, the encoder's handle_unknown and name)
    categories: dict


def _column_kinds(model, columns):
    first = model.steps[0][1] if hasattr(model, "steps") else model
    numeric, categories = [], {}
    if hasattr(first, "transformers_"):  # a ColumnTransformer
        for _, transformer, cols in first.transformers_:
            if isinstance(transformer, str) and transformer == "drop":
                continue
            cols = [c for c in (cols if isinstance(cols, list) else []) if c in columns]
            found = getattr(transformer, "categories_", None)
            if found is not None and len(found) == len(cols):
                unknown = getattr(transformer, "handle_unknown", "error")
                for column, seen in zip(cols, found, strict=True):
                    categories[column] = (seen, unknown, type(transformer).__name__)
            elif found is None:
                numeric += cols
    elif getattr(first, "categories_", None) is None:
        numeric = list(columns)
    return _Columns(numeric, categories)


def _rows(positions, limit=5):
    shown = ", ".join(str(i + 1) for i in positions[:limit])
    more = len(positions) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _prepare(X, kinds, args):
    """Categories as the model saw them (strings read as numbers back to
    strings), with a warning naming the columns and values it never saw."""
    import numpy as np
    import pandas as pd

    X = X.copy()
    for column, (seen, unknown, encoder) in kinds.categories.items():
        values = X[column]
        if all(isinstance(v, str) for v in seen):
            values = values.where(values.isna(), values.astype(str))
            X[column] = values
        unseen = ~values.isin(seen)
        if unseen.any() and unknown != "error":
            rows = np.flatnonzero(unseen.to_numpy())
            names = ", ".join(repr(v) for v in pd.unique(values[unseen])[:10])
            where = f"row {rows[0] + 1}" if len(rows) == 1 else f"rows {_rows(rows)}"
            _say(
                args,
                f"warning: column {column!r} has values the model never saw in "
                f"training: {names} ({where}); they are predicted as no known "
                f"category, as its {encoder}(handle_unknown={unknown!r}) does",
            )
    return X


def _bad_value(X, kinds):
    """Where a prediction failed: the first value of a column the model
    cannot take, with its column and row, or None if none is found."""
    import numpy as np
    import pandas as pd

    for column in kinds.numeric:
        values = X[column]
        numbers = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero(numbers.isna().to_numpy())
        if len(bad):
            value = values.iloc[bad[0]]
            what = "is empty" if pd.isna(value) else f"has {value!r}"
            return (
                f"column {column!r}, row {bad[0] + 1} (line {bad[0] + 2}) {what}, "
                "where the "
                "model needs a number"
            )
    for column, (seen, _, _) in kinds.categories.items():
        bad = np.flatnonzero(~X[column].isin(seen).to_numpy())
        if len(bad):
            known = ", ".join(map(repr, seen[:10]))
            return (
                f"column {column!r}, row {bad[0] + 1} (line {bad[0] + 2}) has "
                f"{X[column].iloc[bad[0]]!r}, which the model does not know "
                f"(it knows {known})"
            )
    return None


def _model_columns(model, frame, csv):
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        n = getattr(model, "n_features_in_", None)
        if n is not None and frame.shape[1] != n:
            raise CLIError(
                f"the model takes {n} columns but {csv!r} has {frame.shape[1]}"
            )
        return list(frame.columns)
    names = [str(c) for c in names]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise CLIError(
            f"{csv!r} lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} that the model needs (it needs: {', '.join(names)})"
        )
    return names


def _cmd_predict(args):
    model = _load_model(args.model)
    frame = _read_csv(args.csv, args.sep)
    columns = _model_columns(model, frame, args.csv)
    extra = [c for c in frame.columns if c not in columns]
    if extra:
        _say(args, f"note: columns not used by the model: {', '.join(map(str, extra))}")
    kinds = _column_kinds(model, columns)
    X = _prepare(frame[columns], kinds, args)
    try:
        predictions = model.predict(X)
        proba = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    except (ValueError, TypeError, KeyError) as exc:
        message = _bad_value(X, kinds) or " ".join(str(exc).split())
        raise CLIError(f"cannot predict the rows of {args.csv!r}: {message}") from None
    out = frame.copy()
    out["prediction"] = predictions
    if proba is not None:
        for i, label in enumerate(getattr(model, "classes_", range(proba.shape[1]))):
            out[f"proba_{label}"] = proba[:, i].round(6)
    if args.out:
        try:
            out.to_csv(args.out, index=False)
        except OSError as exc:
            raise CLIError(
                f"cannot write {args.out!r}: {exc.strerror or exc}"
            ) from None
        _say(args, f"wrote {len(out)} predictions to {args.out}")
    else:
        out.to_csv(sys.stdout, index=False)
    return 0


# ----------------------------------------------------------------------
# The parser
# ----------------------------------------------------------------------
_EPILOG = f"""examples:
  {PROG} tasks                                 the tasks, their data and models
  {PROG} cv pima --n-jobs 2                    10-fold cross-validation of the recipe
  {PROG} cv iris --folds 5 --set max_iter=100 hidden_layer_sizes="(16,)"
  {PROG} grid pima --quick --report pima.html  4-candidate grid search, HTML report
  {PROG} grid bank --param dropout=[0,0.2,0.4] --folds 5
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
            type=_n_jobs,
            default=1,
            metavar="N",
            help="folds trained in parallel; -1 uses all cores (default: 1)",
        )


def _add_folds_and_report(parser):
    """The --folds and --report options of the commands that evaluate."""
    parser.add_argument(
        "--folds",
        type=_folds,
        default=None,
        metavar="K",
        help="number of folds (default: the recipe's, 10)",
    )
    parser.add_argument(
        "--report",
        metavar="PATH",
        help="also write a report: .html (self-contained) or .md",
    )


def _build_parser():
    from ._version import __version__

    parser = _Parser(
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
    p.set_defaults(handler=_cmd_tasks, quiet=False)

    p = sub.add_parser("cv", help="cross-validate a task's recipe")
    p.add_argument("task", metavar="TASK", help="pima, iris, boston, bank or gender")
    _add_folds_and_report(p)
    _add_common(p)
    p.set_defaults(handler=_cmd_cv)

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
        "--top",
        type=_positive_int,
        default=10,
        metavar="N",
        help="candidates to print (default: 10)",
    )
    _add_folds_and_report(p)
    _add_common(p)
    p.set_defaults(handler=_cmd_grid)

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
    p.set_defaults(handler=_cmd_fit)

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
    p.set_defaults(handler=_cmd_predict)
    parser.commands = sub.choices
    return parser


def _one_line(exc):
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 400 else text[:397] + "..."


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
    parser = _build_parser()
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
        with _quiet_run(args.quiet):
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
            f"{PROG}: error: {type(exc).__name__}: {_one_line(exc)} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1
