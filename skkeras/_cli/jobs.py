"""How many jobs a command that trains runs with, and the notes saying so."""

from typing import NamedTuple

_FRAMEWORKS = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


class JobsChoice(NamedTuple):
    """The jobs to train with, and what to tell the user about them."""

    n_jobs: int
    # Why n_jobs is fewer than asked, or "".
    serial_note: str
    # How the workers start, or "".
    start_note: str


def choose_n_jobs(args):
    """The jobs for ``args.n_jobs``, with the notes on how they run.

    On two cores or fewer, more than one job runs serially: each worker
    imports the framework and compiles its own training loop, and the
    numbers in docs/user_guide/parallel.rst show two workers much slower
    than one process there.  Otherwise the start note says how long the
    workers take to start, from this process's own start of Keras.

    Returns
    -------
    choice : JobsChoice
    """
    import keras
    from joblib import cpu_count, effective_n_jobs

    from ..reports._text import plural

    n = effective_n_jobs(args.n_jobs)
    if n <= 1:
        return JobsChoice(1, "", "")
    framework = _FRAMEWORKS.get(keras.backend.backend(), keras.backend.backend())
    started = getattr(args, "import_seconds", 0.0)
    each = f"each imports {framework}" + (
        f", ~{started:.0f}s" if started >= 0.5 else ""
    )
    cores = cpu_count()
    if cores <= 2:
        return JobsChoice(
            1,
            f"running serially: on {plural(cores, 'core')}, "
            f"{plural(n, 'worker')} are slower than one process ({each}, then "
            "compiles its own training loop; see 'Parallel and distributed "
            "searches' in the user guide)",
            "",
        )
    return JobsChoice(n, "", f"starting {plural(n, 'worker')} ({each})")
