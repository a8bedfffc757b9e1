"""A task as the commands use it: found by name, its pipeline with the
``--set`` changes, its data with the recipe's options, its baseline."""

from typing import NamedTuple

from .errors import CLIError
from .option_values import parse_assignments


class ConfiguredPipeline(NamedTuple):
    """A task's pipeline with the ``--set`` changes applied."""

    pipeline: object
    # All the --set values, the recipe's options (see load_data) included.
    overrides: dict


def find_task(name):
    """The task called ``name``; an unknown name is a usage error."""
    from ..tasks import get_task

    try:
        return get_task(name)
    except ValueError as exc:
        raise CLIError(str(exc), code=2) from None


def configured_pipeline(task, args):
    """The task's pipeline, seeded, with the ``--set`` changes applied.

    Starts Keras (recording its start-up time as ``args.import_seconds``).

    Returns
    -------
    configured : ConfiguredPipeline
    """
    from ..tasks._run import import_keras_quietly

    args.import_seconds = import_keras_quietly()
    overrides = parse_assignments(args.set, "--set")
    params = {"random_state": args.seed}
    params.update((k, v) for k, v in overrides.items() if k not in task.options)
    try:
        pipe = task.make_pipeline(**params)
    except ValueError as exc:
        raise CLIError(f"bad --set: {exc}", code=2) from None
    return ConfiguredPipeline(pipe, overrides)


def load_data(task, args):
    """The task's data, with the recipe's options given by ``--set``."""
    overrides = parse_assignments(getattr(args, "set", None), "--set")
    options = {k: v for k, v in overrides.items() if k in task.options}
    try:
        return task.load(**options)
    except ValueError as exc:
        raise CLIError(f"bad --set: {exc}", code=2) from None


def baseline_scores(task, X, y, cv):
    """The cross-validated scores of the task's baseline (majority class or
    mean), as :func:`sklearn.model_selection.cross_validate` returns them."""
    from sklearn.model_selection import cross_validate

    return cross_validate(task.make_baseline(), X, y, cv=cv, scoring=task.scoring)
