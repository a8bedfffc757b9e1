"""One-line descriptions of a command's data, model and folds, printed
before the results and kept in the reports."""


def data_line(task, X, y):
    """The samples and features, then the classes or the target's range."""
    from ..reports._text import plural

    shape = f"{plural(X.shape[0], 'sample')} x {plural(X.shape[1], 'feature')}"
    if task.is_classifier:
        counts = y.value_counts()
        target = ", ".join(f"{label}: {n}" for label, n in counts.items())
        return f"{shape}; classes {target}"
    return f"{shape}; target {y.name} from {y.min():g} to {y.max():g}"


def model_line(task, overrides):
    """The recipe's model, the ``--set`` changes and Keras' backend."""
    import keras

    line = task.model_summary
    if overrides.get("frame"):
        # Task.make_pipeline(frame=True) leaves the preprocessing out.
        line = "the data frame as it is -> " + line.split(" -> ", 1)[1]
    if overrides:
        line += "; changed: " + ", ".join(f"{k}={v!r}" for k, v in overrides.items())
    return f"{line}; Keras backend: {keras.backend.backend()}"


def cv_line(cv, seed):
    """The cross-validation splitter, its folds and seed."""
    return f"{cv.get_n_splits()}-fold {type(cv).__name__} (shuffled, seed {seed})"
