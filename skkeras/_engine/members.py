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
    """One training call, normalised as :func:`skkeras.dispatch.train` does."""

    def __init__(self, index, kwargs):
        kw = dispatch.call_arguments(**kwargs)
        self.index = index
        self.kw = kw
        self.model = kw["model"]

    def plan(self):
        """Return ``(group key, None)`` or ``(None, reason)``."""
        kw = self.kw
        if kw["verbose"] != 0:
            return None, "verbose training reports each fit on its own"
        module, val, reason = dispatch.compiled_route(
            self.model,
            kw["x"],
            kw["y"],
            sample_weight=kw["sample_weight"],
            epochs=kw["epochs"],
            batch_size=kw["batch_size"],
            shuffle=kw["shuffle"],
            validation_data=kw["validation_data"],
            callbacks=kw["callbacks"],
            verbose=0,
            fit_kwargs=kw["fit_kwargs"],
        )
        if reason is not None:
            return None, reason
        bs = int(kw["batch_size"])
        vbs = int(kw["fit_kwargs"].get("validation_batch_size") or bs)
        self.engine = module
        self.val = val
        self.settings, self.arrays = sizing.train_settings(
            kw["x"],
            kw["y"],
            kw["sample_weight"],
            val,
            batch_size=bs,
            val_batch_size=vbs,
            shuffle=bool(kw["shuffle"]),
        )
        if not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        # Every member but one runs a loop traced for another model; its
        # callbacks read its metrics.
        try:
            models.build_compiled(self.model, self.arrays[1])
        except Exception as exc:  # noqa: BLE001 - Model.fit will say why
            return None, f"its loss and metrics could not be built: {exc!r}"
        shared = structure_key(self.model, models.state_groups(self.model))
        if shared is None:
            return None, "the model's configuration does not describe it fully"
        self.n = len(kw["x"])
        self.nv = len(val[0]) if val is not None else 0
        self.remainders = (self.n % bs, self.nv % vbs if self.nv else 0)
        return (shared, self.settings), None

    def variables(self):
        return [v for g in models.state_groups(self.model) for v in g]

    def start(self):
        """What fixes this member's run apart from its data and length, or
        None when its callbacks may change the run (see :func:`_runs`)."""
        kw = self.kw
        if kw["seed"] is None or any(reads_model(cb) for cb in kw["callbacks"]):
            return None
        state = [np.asarray(v.value) for v in self.variables()]
        check_nan = bool(loop.nan_checks(kw["callbacks"]))
        return (kw["seed"], kw["initial_epoch"], check_nan, joblib.hash(state))

    def data_key(self):
        if getattr(self, "_data_key", None) is None:
            self._data_key = joblib.hash((self.arrays, self.kw["fit_kwargs"]))
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
