"""Fits trained together: their callbacks, and shared runs trained in turn.

Fits that differ only in their number of epochs share one run (see
:func:`skkeras._engine_group._runs`).  :func:`train_run` trains such a run
through the compiled engine of any backend, one fit at a time: the fit that
goes on longest carries the run, and every other fit takes the carrier's
state at the epoch it ends at.  :class:`Fits` keeps the callbacks and the
progress of fits trained together, here and in the vectorized groups of
:mod:`skkeras._engine_group`: each fit has its own callbacks, history and
stopping, fed with the logs of the epochs its run (or group slot) trained.
"""

import keras

from . import _engine
from . import _engine_common as common
from ._engine_common import Unsupported


class Fits:
    """The callbacks and progress of ``members`` (see ``_engine_group._Member``).

    ``epoch[i]``, ``end[i]`` and ``active[i]`` follow member ``i``; the
    members of one run that are still active are always at the same epoch.
    """

    def __init__(self, members, batch_size, names, has_validation):
        self.members = members
        self.names = names
        self.has_validation = has_validation
        self.lists = []
        for m in members:
            m.model.stop_training = False
            cbks = keras.callbacks.CallbackList(
                m.kw["callbacks"],
                add_history=True,
                add_progbar=False,
                verbose=0,
                epochs=m.kw["initial_epoch"] + m.kw["epochs"],
                steps=common.num_steps(m.n, batch_size),
                model=m.model,
            )
            cbks.on_train_begin()
            self.lists.append(cbks)
        plans = [common.stop_rule(m.kw["callbacks"]) for m in members]
        self.chunk = min(chunk for chunk, _ in plans)
        self.per_epoch = self.chunk == 1
        self.rules = [rule for _, rule in plans]
        self.epoch = [int(m.kw["initial_epoch"]) for m in members]
        self.end = [e + int(m.kw["epochs"]) for e, m in zip(self.epoch, members)]
        self.active = [e < stop for e, stop in zip(self.epoch, self.end)]
        self.last_logs = [None] * len(members)
        self.nan_callbacks = [common.nan_checks(m.kw["callbacks"]) for m in members]

    def running(self):
        """Indices of the members still training."""
        return [i for i, a in enumerate(self.active) if a]

    def begin_epoch(self, then=None):
        """``on_epoch_begin`` for every active member (when the callbacks
        run per epoch), then ``then(i)``."""
        if self.per_epoch:
            for i in self.running():
                self.lists[i].on_epoch_begin(self.epoch[i])
                if then is not None:
                    then(i)

    def span(self, indices, epochs=None):
        """How many epochs the run of active members ``indices`` trains next
        (from ``epochs``, by default their own): to the nearest end among
        them, and one at a time where their loss rules differ (a call can
        stop on one rule only, see :meth:`rule`)."""
        epochs = self.epoch if epochs is None else epochs
        span = min(min(self.chunk, self.end[i] - epochs[i]) for i in indices)
        if span > 1 and len({common.rule_values(self.rules[i]) for i in indices}) > 1:
            return 1
        return span

    def rule(self, indices):
        """The loss rule that may end the next call of the run of active
        members ``indices`` (:func:`skkeras._engine_common.stop_rule`)."""
        return (
            common.rule_values(self.rules[indices[0]])
            if self.chunk > 1
            else common.NO_RULE
        )

    def report(self, i, rows, stopped_batch):
        """Hand member ``i`` the logs of the epochs its run trained; return
        True when the member is done (its epochs run, or a callback stopped it)."""
        m = self.members[i]
        self.epoch[i], logs = common.report_epochs(
            self.lists[i],
            m.model,
            self.names,
            rows,
            self.epoch[i],
            stopped_batch,
            per_epoch=self.per_epoch,
            has_val=self.has_validation,
            nan_callbacks=self.nan_callbacks[i],
        )
        self.last_logs[i] = logs or self.last_logs[i]
        if m.model.stop_training or self.epoch[i] >= self.end[i] or not rows:
            self.active[i] = False
        return not self.active[i]

    def finish(self):
        """End every member's training; return their History dicts."""
        histories = []
        for i, m in enumerate(self.members):
            if self.epoch[i] > m.kw["initial_epoch"]:
                m.model.optimizer.finalize_variable_values(m.model.trainable_weights)
            self.lists[i].on_train_end(logs=self.last_logs[i])
            history = m.model.history.history if m.model.history is not None else {}
            histories.append(
                {k: [float(v) for v in values] for k, values in history.items()}
            )
        return histories


def copy_state(source, target):
    """Give model ``target`` the weights and optimizer state of ``source``."""
    pairs = zip(
        (v for g in common.state_groups(target) for v in g),
        (v for g in common.state_groups(source) for v in g),
    )
    for t, s in pairs:
        t.assign(s.value)


def _runner(member):
    kw = member.kw
    settings = member.settings
    return member.engine.make_train_runner(
        member.model,
        kw["x"],
        kw["y"],
        kw["sample_weight"],
        member.val,
        batch_size=settings[0],
        val_batch_size=settings[1],
        shuffle=settings[2],
        seed=_engine.shuffle_seed(kw["seed"]),
        check_nan=bool(common.nan_checks(kw["callbacks"])),
    )


def train_run(run):
    """Train the members of ``run`` one fit at a time; return their histories.

    Raises :class:`Unsupported` (before any callback runs) when the engine
    cannot train it.
    """
    ends = [m.kw["initial_epoch"] + m.kw["epochs"] for m in run]
    carrier = max(range(len(run)), key=ends.__getitem__)
    try:
        runner = _runner(run[carrier])
    except Unsupported:
        raise
    except Exception as exc:  # noqa: BLE001 - untraceable: train each alone
        raise Unsupported(f"the compiled engine could not trace it: {exc!r}") from exc
    fits = Fits(run, run[0].settings[0], runner.names, runner.has_validation)
    while fits.running():
        active = fits.running()
        if carrier not in active:
            # The carrier is done; the one going on longest carries on.
            previous, carrier = carrier, max(active, key=fits.end.__getitem__)
            copy_state(run[previous].model, run[carrier].model)
            runner = _runner(run[carrier])
        fits.begin_epoch()
        rows, stopped_batch = runner.run(
            fits.epoch[carrier], fits.span(active), fits.rule(active)
        )
        for i in active:
            if fits.report(i, rows, stopped_batch) and i != carrier:
                copy_state(run[carrier].model, run[i].model)
    return fits.finish()
