"""The training loop: the one place where a compiled Keras model meets data.

Every estimator trains and predicts through :func:`train` and
:func:`predict`, so the loop can be replaced without touching the
estimators.  This module is the reference implementation on top of
``keras.Model.fit`` and ``keras.Model.predict``.

Contract of :func:`train`
-------------------------
* ``model`` is built and compiled (optimizer, loss, metrics).  Its optimizer
  state persists between calls, which is what ``partial_fit`` and
  ``warm_start`` rely on.
* ``x``, ``y``, ``sample_weight`` are in-memory arrays already encoded for
  the network (``x`` float, or whatever the model takes; ``y`` as the loss
  expects).  ``sample_weight`` already includes any class weights.
* ``validation_data`` is ``None`` or a tuple ``(x_val, y_val)`` or
  ``(x_val, y_val, w_val)``; the caller splits it off the training data.
* ``epochs`` counts the epochs to run in this call; ``initial_epoch`` is the
  number already run, so callbacks and ``verbose`` see the right numbers.
* ``seed`` (int or None) makes shuffling repeatable.
* ``callbacks`` is a list of Keras callbacks, used at epoch granularity at
  least, with the same ``logs`` as ``Model.fit``.
* ``fit_kwargs`` holds any further keyword arguments for ``Model.fit``.
* Returns the history of this call: a plain ``dict`` mapping each log name
  (``"loss"``, metric names, ``"val_*"``) to a list of floats, one per epoch
  run.
"""

import numpy as np

from ._seeding import seeded


def train(
    model,
    x,
    y,
    *,
    sample_weight=None,
    epochs=1,
    initial_epoch=0,
    batch_size=32,
    shuffle=True,
    validation_data=None,
    callbacks=None,
    verbose=0,
    seed=None,
    fit_kwargs=None,
):
    """Train ``model`` for ``epochs`` epochs and return its history dict."""
    fit_kwargs = dict(fit_kwargs or {})
    with seeded(seed):
        history = model.fit(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            epochs=initial_epoch + epochs,
            initial_epoch=initial_epoch,
            shuffle=shuffle,
            validation_data=validation_data,
            callbacks=list(callbacks or []),
            verbose=verbose,
            **fit_kwargs,
        )
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def predict(model, x, *, batch_size=None, predict_kwargs=None):
    """Return the network's outputs for ``x`` as NumPy array(s)."""
    predict_kwargs = dict(predict_kwargs or {})
    predict_kwargs.setdefault("verbose", 0)
    out = model.predict(x, batch_size=batch_size, **predict_kwargs)
    if isinstance(out, (list, tuple)):
        return [np.asarray(o) for o in out]
    if isinstance(out, dict):
        return {k: np.asarray(v) for k, v in out.items()}
    return np.asarray(out)
