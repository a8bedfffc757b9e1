"""Vectorized groups: many fits trained as one program under ``jax.vmap``.

Imported on the JAX backend only (by :mod:`skkeras._engine.batch`).
"""

import functools
import time
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .._config import with_caller_config
from . import dispatch, loop, models, sizing
from .batch_report import BatchReport
from .jax import jit, train_entry
from .jax_loop import rule_arrays
from .members import reads_model
from .runs import Fits
from .types import LoopArgs, LoopArrays, State, Unsupported


def default_group_bytes():
    """The memory budget of a group: 1 GiB, or a quarter of the device's
    memory when that is smaller."""
    budget = 1 << 30
    try:
        stats = jax.devices()[0].memory_stats() or {}
        limit = stats.get("bytes_limit")
        if limit:
            budget = min(budget, int(limit) // 4)
    except Exception:  # noqa: BLE001 - no stats on this device: keep the default
        pass
    return budget


def on_accelerator():
    """Whether JAX runs on an accelerator (GPU, TPU), not the CPU."""
    return jax.default_backend() != "cpu"


def _train_or_split(runs, key, histories, report):
    """Train the group of ``runs``; halve it when the device runs out of memory.

    Returns the members that must be trained alone (the whole group when
    the vectorized loop cannot be built for it).
    """
    members = [m for run in runs for m in run]
    if len(members) == 1:
        report.leave_alone(members, "the group was split down to one fit")
        return members
    start = time.perf_counter()
    try:
        results = _GroupTrainer(runs, key).train()
    except _OutOfMemory:
        if len(runs) == 1:
            report.leave_alone(members, "its run does not fit in the device's memory")
            return members
        half = len(runs) // 2
        return _train_or_split(runs[:half], key, histories, report) + _train_or_split(
            runs[half:], key, histories, report
        )
    except Unsupported as exc:
        report.leave_alone(members, f"the vectorized loop could not be built: {exc}")
        return members
    except Exception as exc:  # noqa: BLE001 - e.g. a callback raised: refit each
        report.fail(members, exc)
        return []
    report.record_group(members, results, len(runs), True, start, histories)
    return []


class _OutOfMemory(Exception):
    pass


def _is_out_of_memory(exc):
    text = repr(exc)
    return "RESOURCE_EXHAUSTED" in text or "Out of memory" in text


def _vmapped(entry, remainders, nan, same_rows):
    """The entry's epoch loop, vmapped over members and jitted (cached).

    ``remainders`` is ``(r, vr)``: the sizes of the last, partial training
    and validation batches that the group's members have; each member picks
    its own by index.  ``nan``: some member checks its loss for NaN.
    ``same_rows``: every member has as many training and validation rows,
    passed once (not per member), so that the loop over batches is one loop
    rather than one per member (each masked once it is done).  Returns
    ``(function, executables)``, the latter a dict of its compiled programs
    by argument shapes.
    """
    key = (remainders, nan, same_rows)
    cache = entry.__dict__.setdefault("vmapped", {})
    if key not in cache:
        r, vr = remainders
        # Every argument has a member axis, but the numbers of rows when
        # every member has the same (passed once).
        rows = None if same_rows else 0
        axes = LoopArgs(
            state=0,
            data=0,
            n=rows,
            nv=rows,
            seed=0,
            first_epoch=0,
            n_epochs=0,
            check_nan=0,
            remainder_index=0,
            val_remainder_index=0,
            rule=0,
        )
        fn = jit(
            jax.vmap(
                functools.partial(entry.epochs_loop, r=r, vr=vr, nan=nan),
                in_axes=(axes,),
            )
        )
        cache[key] = (fn, {})
    return cache[key]


class SlotPlan(NamedTuple):
    """The next call of a group, per slot (one slot per run): the epoch it
    starts at, how many epochs it trains, and the loss rule it may stop on."""

    first_epochs: list
    n_epochs: list
    rules: list


class _Pending(NamedTuple):
    """A call dispatched ahead, on a guess of the next :class:`SlotPlan`."""

    plan: SlotPlan
    result: object  # the call's LoopResult


# Groups built and trained at once (each by its own thread).
GROUP_THREADS = 2


def train_groups(plans, histories, report):
    """Train each ``(runs, key)`` of ``plans``; return the members left alone.

    :data:`GROUP_THREADS` worker threads each take the next group, build it
    (its arrays on the device, its program traced and compiled) and train
    it.  XLA compiles, and runs the training loop, without holding the GIL,
    so one group compiles while another trains (or both train, on a CPU
    with a core for each).  Groups are recorded in the order of ``plans``;
    at most :data:`GROUP_THREADS` groups are held at once.
    """
    if not plans:
        return []

    def work(plan):
        own = BatchReport(seconds=report.seconds)
        return _train_or_split(*plan, histories, own), own

    work = with_caller_config(work)  # the workers start from the defaults
    alone = []
    with ThreadPoolExecutor(max_workers=min(GROUP_THREADS, len(plans))) as pool:
        for left, own in pool.map(work, plans):
            alone += left
            report.merge(own)
    return alone


class _GroupTrainer:
    """Runs one group: the stacked state (one slot per run), the callbacks
    of every member."""

    def __init__(self, runs, key):
        self.members = [m for run in runs for m in run]
        self.slot = [s for s, run in enumerate(runs) for _ in run]
        self.slots = len(runs)
        leaders = [run[0] for run in runs]
        spec = key.spec
        first = leaders[0]
        entry = train_entry(first.model, spec, first.arrays, shared_only=True)
        for m in self.members:
            signature = [
                [(tuple(v.shape), str(v.dtype)) for v in g]
                for g in models.state_groups(m.model)
            ]
            if signature != entry.signature:
                raise Unsupported("the members' variables differ")
        self.entry = entry
        self.names = entry.names
        self.has_validation = spec.has_validation
        self.batch_size = spec.batch_size
        sizes = [sorted({m.remainders[j] for m in leaders}) for j in (0, 1)]
        checks = [bool(loop.nan_checks(m.call.callbacks)) for m in leaders]
        same_rows = len({(m.n, m.nv) for m in leaders}) == 1
        self.nan = any(checks)
        self.fn, self._executables = _vmapped(
            entry, tuple(tuple(v) for v in sizes), self.nan, same_rows
        )
        self._compiled = None
        self.remainder_index = [
            jnp.asarray([v.index(m.remainders[j]) for m in leaders], jnp.int32)
            for j, v in enumerate(sizes)
        ]
        bs, vbs = spec.batch_size, spec.val_batch_size
        rows = max(sizing.rows_for(m.n, bs) for m in leaders)
        vrows = (
            max(sizing.rows_for(m.nv, vbs) for m in leaders)
            if self.has_validation
            else 0
        )
        self.data = LoopArrays(
            *(
                None
                if first.arrays[j] is None
                else jnp.stack(
                    [
                        jnp.asarray(
                            sizing.pad(m.arrays[j], rows if j < 3 else vrows).astype(
                                sizing.cast_dtype(m.arrays[j]), copy=False
                            )
                        )
                        for m in leaders
                    ]
                )
                for j in range(6)
            )
        )
        if same_rows:
            self.n, self.nv = jnp.int32(first.n), jnp.int32(first.nv)
        else:
            self.n = jnp.asarray([m.n for m in leaders], jnp.int32)
            self.nv = jnp.asarray([m.nv for m in leaders], jnp.int32)
        self.seeds = jnp.asarray(
            [dispatch.shuffle_seed(m.call.seed) for m in leaders], jnp.uint32
        )
        self.check_nan = jnp.asarray(checks)
        # Only a run of one member may have callbacks that read its model.
        self.reads_model = [
            any(reads_model(cb) for cb in m.call.callbacks) for m in self.members
        ]
        self.metrics = [
            jnp.zeros((self.slots,) + tuple(s), d) for s, d in entry.metric_specs
        ]
        self._host = [
            np.stack([np.asarray(v.value) for v in values])
            for values in zip(*(m.variables() for m in leaders))
        ]
        self._dirty = True
        self._state = None

    # The stacked state lives on the device; a host copy is made only for
    # members whose callbacks read or change their model between epochs.
    def _device_state(self):
        if self._dirty:
            flat = [jnp.asarray(a) for a in self._host]
            out, i = [], 0
            for group in models.state_groups(self.members[0].model):
                out.append(flat[i : i + len(group)])
                i += len(group)
            self._state = State(*out, list(self.metrics))
            self._dirty = False
        return self._state

    def _host_state(self):
        if self._host is None:
            state = self._state
            trained = (state.trainable, state.non_trainable, state.optimizer)
            self._host = [np.array(a) for g in trained for a in g]
        return self._host

    def _write_model(self, i):
        values = jax.device_put(
            [stacked[self.slot[i]] for stacked in self._host_state()]
        )
        for v, value in zip(self.members[i].variables(), values):
            v.assign(value)

    def _read_model(self, i):
        for v, stacked in zip(self.members[i].variables(), self._host_state()):
            stacked[self.slot[i]] = np.asarray(v.value)
        self._dirty = True

    def _args(self, epoch, n_epochs, rules=None):
        rules = rules or [loop.NO_RULE] * self.slots
        return LoopArgs(
            state=self._device_state(),
            data=self.data,
            n=self.n,
            nv=self.nv,
            seed=self.seeds,
            first_epoch=jnp.asarray(epoch, jnp.int32),
            n_epochs=jnp.asarray(n_epochs, jnp.int32),
            check_nan=self.check_nan,
            remainder_index=self.remainder_index[0],
            val_remainder_index=self.remainder_index[1],
            rule=rule_arrays(list(zip(*rules))),
        )

    def compile(self):
        """Trace and compile the group's program (once per argument shapes:
        a later group of the same shapes reuses it)."""
        if self._compiled is None:
            args = self._args([0] * self.slots, [0] * self.slots)
            shapes = tuple(
                (a.shape, str(a.dtype)) for a in jax.tree_util.tree_leaves(args)
            )
            self._compiled = self._executables.get(shapes)
            if self._compiled is None:
                try:
                    self._compiled = self.fn.lower(args).compile()
                except Exception as exc:  # noqa: BLE001 - sorted out here
                    if _is_out_of_memory(exc):
                        raise _OutOfMemory() from exc
                    raise Unsupported(f"XLA could not compile it: {exc!r}") from exc
                self._executables[shapes] = self._compiled
        return self._compiled

    def _call(self, epoch, n_epochs, rules=None):
        try:
            return self.compile()(self._args(epoch, n_epochs, rules))
        except Exception as exc:  # noqa: BLE001 - sorted out below
            if _is_out_of_memory(exc):
                raise _OutOfMemory() from exc
            raise

    def _plan(self, fits, epochs):
        """The :class:`SlotPlan` of the next call, given every member's epoch
        (None for a member that is not training): the members of a run are
        at one epoch, and it trains to the nearest end among them (see
        :meth:`Fits.span`)."""
        first, n_epochs = [0] * self.slots, [0] * self.slots
        rules = [loop.NO_RULE] * self.slots
        for s in range(self.slots):
            indices = [
                i for i, e in enumerate(epochs) if e is not None and self.slot[i] == s
            ]
            if indices:
                first[s] = epochs[indices[0]]
                n_epochs[s] = fits.span(indices, epochs)
                rules[s] = fits.rule(indices)
        return SlotPlan(first, n_epochs, rules)

    def train(self):
        members, slot = self.members, self.slot
        try:
            # Compile before any callback runs, so that a failure leaves every
            # member untouched for the one-by-one path.
            self._call([0] * self.slots, [0] * self.slots)
        except (_OutOfMemory, Unsupported):
            raise
        except Exception as exc:  # noqa: BLE001 - untraceable: train alone
            raise Unsupported(repr(exc)) from exc
        fits = Fits(members, self.batch_size, self.names, self.has_validation)
        # When calls run one epoch each, no callback reads the model and no
        # loss is checked for NaN, the next call is dispatched before this
        # one's callbacks run (the device trains while Python reports), on
        # the guess that no member stops; a member that does stop takes the
        # state of this call.
        ahead = fits.chunk == 1 and not self.nan and not any(self.reads_model)
        pending = None

        def read(i):
            if self.reads_model[i]:
                self._read_model(i)

        while fits.running():
            fits.begin_epoch(read)
            plan = self._plan(
                fits, [e if a else None for e, a in zip(fits.epoch, fits.active)]
            )
            if pending is not None and all(
                (g0, g1) == (p0, p1)
                for g0, g1, p0, p1 in zip(
                    pending.plan.first_epochs,
                    pending.plan.n_epochs,
                    plan.first_epochs,
                    plan.n_epochs,
                )
                if p1
            ):
                out = pending.result  # the guess held for every slot still training
            else:
                out = self._call(*plan)
            pending = None
            self._state, buf, done, stopped = out.state, out.rows, out.done, out.stopped
            self._host = None
            if ahead:
                guess = self._plan(
                    fits,
                    [
                        e + plan.n_epochs[slot[i]]
                        if a and e + plan.n_epochs[slot[i]] < fits.end[i]
                        else None
                        for i, (e, a) in enumerate(zip(fits.epoch, fits.active))
                    ],
                )
                if any(guess.n_epochs):
                    pending = _Pending(guess, self._call(*guess))
            buf, done, stopped = np.asarray(buf), np.asarray(done), np.asarray(stopped)
            for i in fits.running():
                s = slot[i]
                if self.reads_model[i]:
                    self._write_model(i)
                rows = buf[s, : int(done[s])].tolist()
                if fits.report(i, rows, int(stopped[s]) if stopped[s] >= 0 else None):
                    if not self.reads_model[i]:
                        # The run may go on for others: take its state now.
                        self._write_model(i)
        return fits.finish()
