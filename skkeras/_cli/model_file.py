"""The model files of ``fit`` and ``predict``: skkeras files (see
:func:`skkeras.save`), never pickles, which run code when loaded."""

import os

from .errors import CLIError, one_line
from .output import PROG

# Extensions of the pickles ``skkeras fit`` wrote before it used skkeras.save.
PICKLE_EXTENSIONS = (".joblib", ".pkl", ".pickle")


def load_model(path):
    """The fitted model in the skkeras file ``path``.

    Raises
    ------
    CLIError
        A missing file, a pickle, a file that is not an skkeras model file,
        one that cannot be loaded, or one that holds no fitted model.
    """
    import zipfile

    from .. import load

    if not os.path.isfile(path):
        hint = f"write one with: {PROG} fit TASK --out {path}"
        raise CLIError(f"no such model file: {path!r} ({hint})")
    refit = f"write one with '{PROG} fit TASK --out MODEL.skkeras'"
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            head = f.read(2)
        if path.lower().endswith(PICKLE_EXTENSIONS) or head[:1] == b"\x80":
            raise CLIError(
                f"{path!r} is a pickle (joblib) file, as '{PROG} fit' wrote "
                f"before; '{PROG} predict' reads only skkeras model files, which "
                f"run no code when loaded: {refit}"
            )
        raise CLIError(f"{path!r} is not an skkeras model file ({refit})")
    from ..tasks._run import import_keras_quietly

    import_keras_quietly()
    try:
        model = load(path)
    except ValueError as exc:
        raise CLIError(f"cannot load the model: {one_line(exc)}") from None
    if not hasattr(model, "predict"):
        raise CLIError(f"{path!r} holds a {type(model).__name__}, not a fitted model")
    return model
