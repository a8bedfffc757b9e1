"""``skkeras tasks [TASK]``: list the tasks, or describe one."""

from ..output import PROG
from ..summary_lines import cv_line, data_line
from ..task_setup import find_task


def handle(args):
    """List the tasks in a table, or describe ``args.task``."""
    from ...reports._text import text_table
    from ...tasks import list_tasks

    if args.task:
        return _describe(find_task(args.task))
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


def _describe(task):
    from ...reports._text import plural

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
        f"data:        {data_line(task, X, y)}",
        f"columns:     {', '.join(map(str, X.columns))}",
        f"model:       {task.model_summary}",
        f"cv:          {cv_line(cv, 0)}",
        f"scoring:     {', '.join(f'{k} ({v})' for k, v in task.scoring.items())}",
        f"grid:        {plural(task.n_candidates(), 'candidate')}: {grid}",
        f"quick grid:  {plural(task.n_candidates(quick=True), 'candidate')}: {quick}",
        f"step name:   {task.estimator_step} (--set max_iter=50 is short for "
        f"--set {task.estimator_step}__max_iter=50)",
    ]
    print("\n".join(lines))
    return 0
