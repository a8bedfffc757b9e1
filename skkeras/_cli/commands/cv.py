"""``skkeras cv TASK``: cross-validate a task's recipe."""

import time

from ..jobs import choose_n_jobs
from ..output import say, since_start
from ..report_file import check_report_path, report_info, write_report
from ..summary_lines import cv_line, data_line, model_line
from ..task_setup import baseline_scores, configured_pipeline, find_task, load_data


def handle(args):
    """Print the scores of each fold, their mean and the baseline's."""
    from ...reports._text import Progress, cv_text, duration
    from ...tasks._run import quiet_workers

    task = find_task(args.task)
    report = check_report_path(args.report)
    pipe, overrides = configured_pipeline(task, args)
    from ...model_selection import cross_validate  # Keras is started now

    X, y = load_data(task, args)
    cv = task.cv(seed=args.seed, n_splits=args.folds)
    n_jobs, serial_note, jobs_note = choose_n_jobs(args)
    say(
        args,
        f"{task.name}: {data_line(task, X, y)}",
        f"model: {model_line(task, overrides)}",
        f"cv: {cv_line(cv, args.seed)}, n_jobs={n_jobs}",
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
    baseline = baseline_scores(task, X, y, cv)
    base_name = "majority class" if task.is_classifier else "predicting the mean"
    print(f"{task.name}: {cv_line(cv, args.seed)}")
    print(cv_text(result, scoring=task.scoring, baseline=baseline))
    print(
        f"baseline: {base_name}.  wall time: {duration(wall)} (n_jobs={n_jobs}); "
        f"{since_start(args)}"
    )
    if report:
        write_report(
            args,
            result,
            title=f"{task.title}: cross-validation",
            description=task.description,
            info=report_info(task, X, y, cv, args, overrides, wall, command="cv"),
            scoring=task.scoring,
            baseline=baseline,
        )
    return 0
