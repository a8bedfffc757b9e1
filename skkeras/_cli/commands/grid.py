"""``skkeras grid TASK``: grid-search a task's hyperparameters."""

import math
import time

from ..errors import CLIError
from ..halving import check_options, halving_plan, halving_search, rungs_text
from ..jobs import choose_n_jobs
from ..option_values import parse_assignments
from ..output import say, since_start
from ..report_file import check_report_path, report_info, write_report
from ..summary_lines import cv_line, data_line, model_line
from ..task_setup import baseline_scores, configured_pipeline, find_task, load_data


def _param_grid(task, pipe, args):
    """The grid given by ``--param``, else the recipe's (quick) grid."""
    if args.param:
        from ...tasks import resolve_param_names

        raw = parse_assignments(args.param, "--param")
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


def handle(args):
    """Print the ranked candidates, the best one and the baseline."""
    from ...reports._matplotlib import has_matplotlib
    from ...reports._text import Progress, best_text, duration, plural, search_text
    from ...tasks._run import quiet_workers, validation_history

    check_options(args)
    task = find_task(args.task)
    report = check_report_path(args.report)
    pipe, overrides = configured_pipeline(task, args)
    from ...tasks._progress import make_progress_search  # Keras is started now

    grid = _param_grid(task, pipe, args)
    halving = (
        halving_plan(pipe, task.estimator_step, grid, args) if args.halving else None
    )
    if halving is not None:
        grid = halving.grid
    X, y = load_data(task, args)
    cv = task.cv(seed=args.seed, n_splits=args.folds)
    n_jobs, serial_note, jobs_note = choose_n_jobs(args)
    n_candidates = math.prod(len(v) for v in grid.values())
    n_fits = n_candidates * cv.get_n_splits()
    short = ", ".join(f"{k.split('__')[-1]} {v}" for k, v in grid.items())
    fits = "rungs of fits" if halving else plural(n_fits, "fit")
    say(
        args,
        f"{task.name}: {data_line(task, X, y)}",
        f"model: {model_line(task, overrides)}",
        f"grid: {plural(n_candidates, 'candidate')} ({short})",
        *([halving.describe()] if halving else []),
        f"cv: {cv_line(cv, args.seed)}: {fits} + 1 refit, n_jobs={n_jobs}",
        *[serial_note] * bool(serial_note),
    )
    start = time.perf_counter()  # before the workers start
    progress = Progress(
        f"grid {task.name}", n_candidates, "candidate", enabled=not args.quiet
    )
    progress.update(0, status=jobs_note)
    if halving is None:
        search = make_progress_search(
            pipe,
            grid,
            cv=cv,
            scoring=task.scoring,
            refit=task.refit,
            n_jobs=n_jobs,
            callback=progress.update,
        )
    else:
        scoring = task.scoring[task.refit]  # halving ranks by one metric
        search = halving_search(
            pipe, halving, cv=cv, scoring=scoring, n_jobs=n_jobs, seed=args.seed
        )
    try:
        with quiet_workers(n_jobs):
            search.fit(X, y)
        if halving is not None:
            progress.update(n_candidates)
    finally:
        progress.close()
    wall = time.perf_counter() - start
    baseline = baseline_scores(task, X, y, cv)
    candidates = plural(n_candidates, "candidate")
    print(f"{task.name}: {candidates} x {cv_line(cv, args.seed)}")
    print(search_text(search, top=args.top))
    if halving is not None:
        print(rungs_text(search, halving))
    name = "majority class" if task.is_classifier else "predicting the mean"
    print(best_text(search, baseline=baseline, baseline_name=f"baseline, {name}"))
    print(f"wall time: {duration(wall)} (n_jobs={n_jobs}); {since_start(args)}")
    if report:
        history, caption = None, None
        if has_matplotlib():
            say(
                args,
                "retraining the best candidate with held-out data for the plots...",
            )
            history, caption = validation_history(search.best_estimator_, X, y)
        write_report(
            args,
            search,
            title=f"{task.title}: grid search",
            description=task.description,
            info=report_info(
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
