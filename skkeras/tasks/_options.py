"""The data options of a task (bank's ``keep_duration``)."""

from typing import Any, NamedTuple

__all__ = ["RecipeOption", "check_options"]


class RecipeOption(NamedTuple):
    """An option of a task's data, given to :meth:`Task.load`.

    Attributes
    ----------
    default : object
        The value :meth:`Task.load` uses when the option is not given.
    kind : type
        The type a value must have.
    help : str
        What the option does.

    Examples
    --------
    >>> from skkeras.tasks import get_task
    >>> get_task("bank").options["keep_duration"].default
    False
    """

    default: Any
    kind: type
    help: str


def check_options(task_name, known, options):
    """Refuse data options a task does not have, or of the wrong type.

    Parameters
    ----------
    task_name : str
        The task's name, for the messages.
    known : dict of str to RecipeOption
        The task's options.
    options : dict of str to object
        The options given to :meth:`Task.load`.

    Raises
    ------
    ValueError
        If an option is unknown (the message lists the task's options) or
        its value is not of the option's ``kind``.
    """
    for name, value in options.items():
        if name not in known:
            valid = ", ".join(known) if known else "none"
            raise ValueError(
                f"{task_name} has no data option {name!r}; its options: {valid}."
            )
        kind = known[name].kind
        if not isinstance(value, kind):
            raise ValueError(f"option {name} takes a {kind.__name__}, got {value!r}.")
