"""What every command prints besides its results: notes on stderr (unless
``--quiet``), the time since the command started, and the warnings that
training raised, collected into one line each."""

import contextlib
import logging
import sys
import time
import warnings

PROG = "skkeras"


def say(args, *lines):
    """Print ``lines`` on stderr, unless ``args.quiet``."""
    if not args.quiet:
        for line in lines:
            print(line, file=sys.stderr)


def since_start(args):
    """The command's whole time so far, imports included, as a phrase."""
    from ..reports._text import duration

    whole = time.perf_counter() - args.started
    return f"{duration(whole)} since the command started, importing Keras included"


@contextlib.contextmanager
def collected_warnings(quiet):
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
