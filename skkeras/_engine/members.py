"""One training call among many, planned for training together.

:mod:`skkeras._engine.batch` plans many calls as :class:`Member` objects;
:mod:`skkeras._engine.runs` and :mod:`skkeras._engine.jax_batch` train
them.
"""

import joblib
import keras
import numpy as np

from . import dispatch, loop, models, sizing
from .structure import structure_key
from .types import GroupKey, Plan, RunStart, TrainCall


def reads_model(cb):
    """Whether callback ``cb`` reads or changes the model between epochs.

    Callbacks that only read the logs (and may stop training) let a member
    stay inside the group's stacked state until the end; the others see
    their model updated after every epoch.  A callback states it with a
    ``reads_model`` attribute; Keras' own are known here.
    """
    flag = getattr(cb, "reads_model", None)
    if flag is not None:
        return bool(flag)
    if type(cb) in (keras.callbacks.History, keras.callbacks.TerminateOnNaN):
        return False
    if type(cb) is keras.callbacks.EarlyStopping:
        return bool(cb.restore_best_weights)
    return True


class Member:
    """One training call among many: a :class:`~skkeras._engine.types.TrainCall`
    (``call``) and, once :meth:`plan` accepted it, what its compiled loop
    takes: ``backend`` (a :class:`~skkeras._engine.types.Backend`), ``val``
    (validation arrays or None), ``spec`` and ``arrays``, the numbers of
    rows ``n`` and ``nv``, and the sizes of its last, partial batches
    ``remainders``."""

    def __init__(self, index, call):
        if not isinstance(call, TrainCall):
            raise TypeError(f"a Member trains a TrainCall, not {type(call).__name__}")
        self.index = index
        self.call = call
        self.model = self.call.model

    def plan(self):
        """The :class:`~skkeras._engine.types.Plan` of this call: its group
        key, or why it trains alone."""
        call = self.call
        # A callback that prints each epoch (``prints_progress``, such as
        # the MLPs' scikit-learn "Iteration" lines) is verbose training too.
        if call.verbose != 0 or any(
            getattr(cb, "prints_progress", False) for cb in call.callbacks
        ):
            return Plan(None, "verbose training reports each fit on its own")
        route = dispatch.compiled_route(call)
        if route.reason is not None:
            return Plan(None, route.reason)
        bs = int(call.batch_size)
        vbs = int(call.val_batch_size)
        self.backend = route.backend
        self.val = val = route.validation
        self.spec, self.arrays = sizing.loop_inputs(
            call.x,
            call.y,
            call.sample_weight,
            val,
            batch_size=bs,
            val_batch_size=vbs,
            shuffle=bool(call.shuffle),
        )
        if not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        # Every member but one runs a loop traced for another model; its
        # callbacks read its metrics.
        try:
            models.build_compiled(self.model, self.arrays.y)
        except Exception as exc:  # noqa: BLE001 - Model.fit will say why
            return Plan(None, f"its loss and metrics could not be built: {exc!r}")
        shared = structure_key(self.model, models.state_groups(self.model))
        if shared is None:
            return Plan(None, "the model's configuration does not describe it fully")
        self.n = len(call.x)
        self.nv = len(val[0]) if val is not None else 0
        self.remainders = (self.n % bs, self.nv % vbs if self.nv else 0)
        return Plan(GroupKey(shared, self.spec), None)

    def variables(self):
        return [v for g in models.state_groups(self.model) for v in g]

    def start(self):
        """What fixes this member's run apart from its data and length, or
        None when its callbacks may change the run (see
        :func:`skkeras._engine.batch.shared_runs`): a
        :class:`~skkeras._engine.types.RunStart`."""
        call = self.call
        if call.seed is None or any(reads_model(cb) for cb in call.callbacks):
            return None
        state = [np.asarray(v.value) for v in self.variables()]
        check_nan = bool(loop.nan_checks(call.callbacks))
        return RunStart(call.seed, call.initial_epoch, check_nan, joblib.hash(state))

    def data_key(self):
        if getattr(self, "_data_key", None) is None:
            self._data_key = joblib.hash((tuple(self.arrays), self.call.fit_kwargs))
        return self._data_key

    def bytes(self, batch_size):
        data = sum(
            a.nbytes * sizing.rows_for(len(a), batch_size) / max(1, len(a))
            for a in self.arrays
            if a is not None
        )
        state = sum(
            int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in self.variables()
        )
        return int(data + 4 * state)
