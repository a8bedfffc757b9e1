"""The training loop: the one place where a compiled Keras model meets data.

Every estimator trains and predicts through :func:`train` and
:func:`predict`, so the loop can be replaced without touching the
estimators.  Calls run on a compiled engine (whole epochs per compiled
call; see :mod:`skkeras._engine.tensorflow` and :mod:`skkeras._engine.jax`) when it
can reproduce ``Model.fit`` exactly, and on ``keras.Model.fit`` /
``keras.Model.predict`` otherwise.

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

Dispatch
--------
The compiled engine runs when the backend is TensorFlow or JAX, ``x``,
``y``, ``sample_weight`` and the validation arrays are numeric NumPy arrays,
the model is a compiled, built, single-input single-output ``keras.Model``
whose class keeps Keras' ``train_step``/``test_step`` (and whose ``fit``
is ``keras.Model.fit``, not overridden nor replaced on the instance, which
:func:`predict` likewise asks of ``predict``), ``fit_kwargs`` holds
only keys the engine implements, ``shuffle`` is a bool, and every callback
works at epoch granularity (no batch hooks, apart from those of
``ProgbarLogger``, ``TerminateOnNaN`` and ``ModelCheckpoint(save_freq=
"epoch")``, which the engine reproduces).  Anything else, or anything the
engine fails to trace, goes to ``Model.fit``; nothing is ignored silently.
The configuration key ``engine="keras"`` (:mod:`skkeras.config`;
environment variable ``SKKERAS_ENGINE=keras``), read at each call, always
uses ``Model.fit``/``Model.predict``.  :func:`last_dispatch` tells which
path the last call in this thread took, and why.

Layout
------
* :mod:`~skkeras._engine.dispatch`: :func:`train`, :func:`predict`, which
  path a call takes.
* :mod:`~skkeras._engine.types`: the types that travel between modules.
* :mod:`~skkeras._engine.rules`: every rule of eligibility.
* :mod:`~skkeras._engine.loop`: the epochs and callbacks around a runner.
* :mod:`~skkeras._engine.cache`: compiled functions kept for reuse.
* :mod:`~skkeras._engine.structure`: which models may share them.
* :mod:`~skkeras._engine.sizing`, :mod:`~skkeras._engine.models`: padding
  and casting arrays; what the loops read from a model.
* :mod:`~skkeras._engine.tensorflow`, :mod:`~skkeras._engine.jax`: the
  backends' compiled loops and prediction.
* :mod:`~skkeras._engine.batch` (planning many fits), with
  :mod:`~skkeras._engine.members`, :mod:`~skkeras._engine.batch_report`,
  :mod:`~skkeras._engine.runs` (shared runs, one fit at a time) and
  :mod:`~skkeras._engine.jax_batch` (vectorized groups, JAX only).
"""

from .dispatch import (
    last_dispatch,
    predict,
    train,
    train_call,
)
from .rules import KERAS_BY_CONFIG
from .types import TrainCall

__all__ = [
    "KERAS_BY_CONFIG",
    "TrainCall",
    "last_dispatch",
    "predict",
    "train",
    "train_call",
]
