"""The Keras backend, chosen once per process before Keras is imported.

Keras reads its backend once, when it is first imported: the environment
variable ``KERAS_BACKEND`` if set (and not empty), else the ``"backend"`` of
its configuration file ``keras.json`` (in ``$KERAS_HOME``, else ``~/.keras``,
else ``/tmp/.keras``), else ``"tensorflow"``.  skkeras installs TensorFlow
only where TensorFlow publishes wheels (Python < 3.14) and JAX elsewhere, so
on a machine without TensorFlow Keras' default would fail at import.

:func:`apply` runs at the top of ``skkeras/__init__.py``, before anything
imports Keras, and decides once for the process (the one piece of
process-level configuration skkeras keeps):

* a backend the user chose (``KERAS_BACKEND``, or a ``keras.json`` naming a
  backend other than ``"tensorflow"``) is never changed;
* when nothing was chosen (Keras writes ``"backend": "tensorflow"`` into a
  new ``keras.json`` itself, so that value counts as Keras' default, not as
  a choice) and TensorFlow is not installed, skkeras sets
  ``os.environ["KERAS_BACKEND"] = "jax"`` (or ``"torch"`` without JAX),
  logs it once on the ``skkeras`` logger, and worker processes inherit it;
* a chosen backend that is not installed raises :class:`ImportError` naming
  the package to install;
* if Keras is already imported, its backend stands; only a TensorFlow
  backend without TensorFlow gets the explanatory error.

:func:`choose` is the decision as a pure function, for the tests.
"""

import importlib.util
import json
import logging
import os
from typing import NamedTuple

from ._keras_compat import loaded_backend

__all__ = ["Choice", "apply", "choose", "keras_json_backend"]

logger = logging.getLogger("skkeras")

#: Backends skkeras can select, with the module each one imports.
_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
#: Where TensorFlow is missing and no backend was chosen, in this order.
_FALLBACKS = ("jax", "torch")
#: How to install each backend.
_INSTALL = {
    "tensorflow": "pip install tensorflow",
    "jax": 'pip install "skkeras[jax]"',
    "torch": 'pip install "skkeras[torch]"',
}


class Choice(NamedTuple):
    """What :func:`choose` decided.

    Attributes
    ----------
    backend : str or None
        The backend Keras will use (None: Keras decides, or no usable one).
    set_env : bool
        Whether to set ``KERAS_BACKEND`` to ``backend`` before Keras' import.
    message : str or None
        What to log (on ``set_env``) or raise as :class:`ImportError`.
    error : bool
        Whether ``message`` is an error.
    """

    backend: str | None
    set_env: bool = False
    message: str | None = None
    error: bool = False


def _missing_message(backend, source):
    alternative = "tensorflow" if backend == "jax" else "jax"
    return (
        f"Keras' backend is {backend!r} ({source}), but {_MODULES[backend]} is "
        f"not installed. Install it ({_INSTALL[backend]}), or choose another "
        f"backend: KERAS_BACKEND={alternative} with {_INSTALL[alternative]}."
    )


def choose(env_value, config_value, importable, keras_backend=None):
    """Decide the Keras backend (a pure function of its arguments).

    Parameters
    ----------
    env_value : str or None
        ``os.environ.get("KERAS_BACKEND")``; None or ``""`` means unset, as
        for Keras.
    config_value : str or None
        The ``"backend"`` of ``keras.json``, None without one.
        ``"tensorflow"`` there is Keras' own default (Keras writes it into a
        new file), not a choice.
    importable : container of str
        The modules that can be imported (``"tensorflow"``, ``"jax"``,
        ``"torch"``).
    keras_backend : str or None, default=None
        The backend of an already imported Keras, None if Keras is not
        imported yet.

    Returns
    -------
    Choice
    """
    if keras_backend is not None:
        if keras_backend in _MODULES and _MODULES[keras_backend] not in importable:
            return Choice(
                keras_backend,
                message=_missing_message(keras_backend, "Keras is already imported"),
                error=True,
            )
        return Choice(keras_backend)
    if env_value:
        chosen, source = env_value, f"KERAS_BACKEND={env_value}"
    elif config_value and config_value != "tensorflow":
        chosen, source = config_value, "the backend set in keras.json"
    else:
        chosen, source = "tensorflow", None
    if chosen not in _MODULES or _MODULES[chosen] in importable:
        return Choice(chosen)
    if source is not None:
        return Choice(chosen, message=_missing_message(chosen, source), error=True)
    for backend in _FALLBACKS:
        if _MODULES[backend] in importable:
            return Choice(
                backend,
                set_env=True,
                message=(
                    f"TensorFlow is not installed: skkeras selected Keras' "
                    f"{backend} backend (KERAS_BACKEND={backend}). Set "
                    "KERAS_BACKEND before importing skkeras to choose another."
                ),
            )
    return Choice(
        None,
        message=(
            "No Keras backend is installed: install TensorFlow (pip install "
            'tensorflow) or JAX (pip install "skkeras[jax]"), or set '
            "KERAS_BACKEND to an installed backend."
        ),
        error=True,
    )


def keras_json_backend(environ=None):
    """The ``"backend"`` in Keras' ``keras.json``, found as Keras finds it.

    Parameters
    ----------
    environ : mapping, default=None
        The environment (``os.environ`` if None).

    Returns
    -------
    str or None
        None without a readable file or a ``"backend"`` entry.
    """
    environ = os.environ if environ is None else environ
    if "KERAS_HOME" in environ:
        keras_dir = environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        keras_dir = os.path.join(base, ".keras")
    path = os.path.expanduser(os.path.join(keras_dir, "keras.json"))
    try:
        with open(path) as f:
            value = json.load(f).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _importable(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a blocked or half-imported module
        return False


def apply():
    """Make the decision of :func:`choose` for this process.

    Sets ``KERAS_BACKEND`` and logs once when skkeras picks the backend;
    raises :class:`ImportError` when the chosen backend is not installed.
    """
    importable = {m for m in _MODULES.values() if _importable(m)}
    keras_backend = loaded_backend()
    choice = choose(
        os.environ.get("KERAS_BACKEND"),
        keras_json_backend() if keras_backend is None else None,
        importable,
        keras_backend,
    )
    if choice.error:
        raise ImportError(choice.message)
    if choice.set_env:
        os.environ["KERAS_BACKEND"] = choice.backend
        logger.info(choice.message)
    return choice
