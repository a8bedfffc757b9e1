"""``skkeras fit TASK --out MODEL``: train a task's recipe on its data and
save it as an skkeras model file."""

import os
import time

from ..errors import CLIError
from ..model_file import PICKLE_EXTENSIONS
from ..output import PROG, say
from ..summary_lines import model_line
from ..task_setup import configured_pipeline, find_task, load_data


def _fit_with_progress(task, pipe, X, y, args):
    """``pipe.fit(X, y)`` with the epochs shown on stderr (unless ``-q``).

    The progress callback is added to the network's ``callbacks`` for this
    fit only, so the fitted pipeline keeps the recipe's parameters.
    """
    if args.quiet:
        return pipe.fit(X, y)
    from ..epoch_progress import EpochProgress

    name = f"{task.estimator_step}__callbacks"
    given = pipe.get_params()[name]
    pipe.set_params(**{name: [*(given or []), EpochProgress(f"fit {task.name}")]})
    try:
        return pipe.fit(X, y)
    finally:
        pipe.set_params(**{name: given})


def handle(args):
    """Train, save to ``args.out``, and print how to predict with it."""
    from ... import save
    from ...reports._text import duration

    task = find_task(args.task)
    if args.out.lower().endswith(PICKLE_EXTENSIONS):
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
    pipe, overrides = configured_pipeline(task, args)
    X, y = load_data(task, args)
    model = model_line(task, overrides)
    say(args, f"training {task.name}: {model} on {X.shape[0]} samples...")
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
