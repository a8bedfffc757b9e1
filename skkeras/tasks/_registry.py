"""The five tutorial tasks, by name."""

import difflib

from ._recipes import RECIPES
from ._task import Task

__all__ = ["get_task", "list_tasks"]

_TASKS = {name: Task(name, spec) for name, spec in RECIPES.items()}


def list_tasks():
    """Return all the tutorial tasks, in a fixed order.

    Returns
    -------
    tasks : list of Task
        pima, iris, boston, bank and gender.

    Examples
    --------
    >>> from skkeras.tasks import list_tasks
    >>> [task.name for task in list_tasks()]
    ['pima', 'iris', 'boston', 'bank', 'gender']
    """
    return list(_TASKS.values())


def get_task(name):
    """Return a tutorial task by name.

    Parameters
    ----------
    name : str
        ``"pima"``, ``"iris"``, ``"boston"``, ``"bank"`` or ``"gender"``
        (case-insensitive).

    Returns
    -------
    task : Task
        The recipe.

    Raises
    ------
    ValueError
        If there is no task of that name; the message lists the tasks and
        the closest name.

    Examples
    --------
    >>> from skkeras.tasks import get_task
    >>> get_task("bank").scoring
    {'accuracy': 'accuracy', 'roc_auc': 'roc_auc'}
    """
    key = str(name).strip().lower()
    if key in _TASKS:
        return _TASKS[key]
    close = difflib.get_close_matches(key, list(_TASKS), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    raise ValueError(f"unknown task {name!r}{hint} The tasks are: {', '.join(_TASKS)}.")
