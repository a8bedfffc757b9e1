"""Many fits of one architecture, trained as one vectorized program.

Cross-validation and grid search train networks that share an architecture
and differ only in their data (the folds), their starting weights (seeds,
initializers) or their learning rate.  :func:`train_many` takes the prepared
training calls of such fits (the keyword arguments of
:func:`skkeras._engine.train`, see
:meth:`skkeras._base.BaseKerasEstimator._prepare_fit`), puts the calls that
one compiled loop can run together into groups, and trains each group as
one program: the JAX engine's epoch loop under ``jax.vmap``.  Every member
keeps its own weights, optimizer state (learning rate included), training
and validation arrays, shuffling seed, epoch count and callbacks, so a
member trains as it would alone, up to floating-point reassociation.

Grouping rule
-------------
Calls go into one group when the compiled engine accepts them, the backend
is JAX, ``verbose`` is 0 and they agree on the
:func:`~skkeras._structure.structure_key` of the model (layers, shapes,
optimizer type and settings other than the learning rate, loss, metrics;
initializers excluded), the batch sizes, ``shuffle``, the presence of
sample weights and validation data, and the array shapes past the first
axis.  The number of rows may differ (folds of unequal size): each member
trains its own last, partial batch.  The number of epochs may differ: a
member that is done, or that a callback stops (``EarlyStopping``,
scikit-learn's ``n_iter_no_change``), keeps its weights while the others
go on.  Everything else is trained one call at a time by
:func:`skkeras._engine.train`; :func:`train_many` says why.

Shared runs: fits that differ only in their number of epochs (a grid over
``max_iter`` or ``epochs``) train as one run, to the longest length, and
each takes the weights of the epoch it ends at (see :func:`_runs`).  Where
a group is not vectorized (TensorFlow; the CPU, below), its shared runs
train one fit at a time (:func:`skkeras._engine_runs.train_run`).

When: on an accelerator (GPU, TPU), every group.  On the CPU, only groups
in which some fits share a run: XLA runs the vectorized step of small
networks at about half the cost of their steps one after another
(measured: the tutorial Pima network, ~6 us per member and step at 9 to 27
members, against 10 to 15 us alone), but compiling a group's program takes
about a second, which a group of short fits does not win back (a grid over
two learning rates, 3 folds, 100 epochs: 8.7 s against 8.0 s one fit at a
time); the epochs that shared runs save do win it back.  The configuration key
``group="always"`` (:mod:`skkeras.config`; environment variable
``SKKERAS_GROUP``) groups every group on the CPU too, and ``"never"`` turns
grouping off everywhere.

Memory: a group holds every member's data and state at once.  Groups are
split so that one holds at most the configuration key ``group_bytes``
(environment variable ``SKKERAS_GROUP_BYTES``; by default 1 GiB, or a
quarter of the accelerator's memory when that is smaller), and a group that
the device cannot hold is halved and tried again.  Two worker threads each
build and train a group (:func:`_train_groups`), so two are held at once;
they run under the caller's configuration.
"""

import functools
import time
from concurrent.futures import ThreadPoolExecutor

import joblib
import keras
import numpy as np

from . import _engine
from . import _engine_common as common
from ._config import get_config, with_caller_config
from ._engine_common import Unsupported
from ._engine_runs import Fits, train_run
from ._structure import structure_key


def _default_group_bytes():
    budget = 1 << 30
    try:
        import jax

        stats = jax.devices()[0].memory_stats() or {}
        limit = stats.get("bytes_limit")
        if limit:
            budget = min(budget, int(limit) // 4)
    except Exception:  # noqa: BLE001 - no stats on this device: keep the default
        pass
    return budget


def vectorized_reason():
    """Why calls cannot be trained together here, or None."""
    config = get_config()
    if config.engine == "keras":
        return _engine.KERAS_BY_CONFIG
    if config.group == "never":
        return "group='never' in skkeras.config"
    backend = keras.backend.backend()
    if backend not in ("jax", "tensorflow"):
        return f"the {backend} backend has no compiled engine: fits train one at a time"
    return None


def unshared_reason():
    """Why fits that share no run train one at a time here, or None when
    every group is vectorized (JAX on an accelerator, or the configuration's
    ``group`` "always")."""
    backend = keras.backend.backend()
    if backend != "jax":
        return (
            f"the {backend} backend trains one fit at a time (vectorized "
            "training runs on the JAX backend)"
        )
    if get_config().group == "always":
        return None
    import jax

    if jax.default_backend() != "cpu":
        return None
    return (
        "on the CPU, a vectorized step saves about half of its members' step "
        "time, which short fits do not win back from compiling the group's "
        "program, and these fits share no run, so they train one at a time "
        "(group='always' in skkeras.config groups them anyway)"
    )


def _one_by_one_reason(shared):
    """Why a group trains one fit (or shared run) at a time, or None when it
    trains as one vectorized program; ``shared``: some of its fits share a run."""
    reason = unshared_reason()
    if reason is not None and keras.backend.backend() == "jax" and shared:
        return None  # the CPU vectorizes groups with shared runs
    return reason


def _reads_model(cb):
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


class _Member:
    """One training call, normalised as :func:`skkeras._engine.train` does."""

    def __init__(self, index, kwargs):
        kw = _engine.call_arguments(**kwargs)
        self.index = index
        self.kw = kw
        self.model = kw["model"]

    def plan(self):
        """Return ``(group key, None)`` or ``(None, reason)``."""
        kw = self.kw
        if kw["verbose"] != 0:
            return None, "verbose training reports each fit on its own"
        module, val, reason = _engine.compiled_route(
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
        self.settings, self.arrays = common.train_settings(
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
            common.build_compiled(self.model, self.arrays[1])
        except Exception as exc:  # noqa: BLE001 - Model.fit will say why
            return None, f"its loss and metrics could not be built: {exc!r}"
        shared = structure_key(self.model, common.state_groups(self.model))
        if shared is None:
            return None, "the model's configuration does not describe it fully"
        self.n = len(kw["x"])
        self.nv = len(val[0]) if val is not None else 0
        self.remainders = (self.n % bs, self.nv % vbs if self.nv else 0)
        return (shared, self.settings), None

    def variables(self):
        return [v for g in common.state_groups(self.model) for v in g]

    def start(self):
        """What fixes this member's run apart from its data and length, or
        None when its callbacks may change the run (see :func:`_runs`)."""
        kw = self.kw
        if kw["seed"] is None or any(_reads_model(cb) for cb in kw["callbacks"]):
            return None
        state = [np.asarray(v.value) for v in self.variables()]
        check_nan = bool(common.nan_checks(kw["callbacks"]))
        return (kw["seed"], kw["initial_epoch"], check_nan, joblib.hash(state))

    def data_key(self):
        if getattr(self, "_data_key", None) is None:
            self._data_key = joblib.hash((self.arrays, self.kw["fit_kwargs"]))
        return self._data_key

    def bytes(self, batch_size):
        data = sum(
            a.nbytes * common.rows_for(len(a), batch_size) / max(1, len(a))
            for a in self.arrays
            if a is not None
        )
        state = sum(
            int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in self.variables()
        )
        return int(data + 4 * state)


def train_many(calls, *, grouped=None):
    """Train every call in ``calls``; return ``(histories, report)``.

    ``grouped=True`` groups whatever can be grouped, without asking
    :func:`vectorized_reason` (a caller that asked it in another process);
    ``None`` asks it here.  The configuration (:mod:`skkeras.config`) is
    that of the calling thread: to call this in another thread or process,
    wrap it with :func:`skkeras._config.with_caller_config`.

    ``calls`` are dicts of :func:`skkeras._engine.train` keyword arguments.
    ``histories[i]`` is the History dict of ``calls[i]``, as ``train`` would
    return it, or None when its training raised an exception (the model
    may then be half trained; the caller should fit it afresh).  ``report``
    has ``"groups"``, a list of ``{"members": [indices], "runs": count,
    "vectorized": bool, "wall_s": seconds}``, one per vectorized program or
    shared run trained one fit at a time; ``"alone"``, a dict mapping the
    index of each call trained on its own to the reason; ``"failed"``,
    index to the exception; and ``"seconds"``, each call's training time
    (its share of its group's).
    """
    members = [_Member(i, kw) for i, kw in enumerate(calls)]
    histories = [None] * len(members)
    report = {"groups": [], "alone": {}, "failed": {}, "seconds": [0.0] * len(members)}
    groups = {}
    backend_reason = None if grouped else vectorized_reason()
    for member in members:
        key, reason = (None, backend_reason) if backend_reason else member.plan()
        if key is None:
            report["alone"][member.index] = reason
        else:
            groups.setdefault(key, []).append(member)
    alone = [m for m in members if m.index in report["alone"]]
    plans, shared = [], []
    for key, group in groups.items():
        if len(group) == 1:
            report["alone"][group[0].index] = "no other fit shares its structure"
            alone += group
            continue
        runs = _runs(group)
        reason = _one_by_one_reason(len(runs) < len(group))
        if reason is None:
            plans += [(chunk, key) for chunk in _split_by_memory(runs, key[1][0])]
            continue
        for run in runs:
            if len(run) > 1:
                shared.append(run)
            else:
                report["alone"][run[0].index] = reason
                alone += run
    alone += _train_groups(plans, histories, report)
    alone += _train_shared_runs(shared, histories, report)
    for member in sorted(alone, key=lambda m: m.index):
        start = time.perf_counter()
        try:
            histories[member.index] = _engine.train(**member.kw)
        except Exception as exc:  # noqa: BLE001 - reported; the caller refits
            report["failed"][member.index] = exc
        report["seconds"][member.index] = time.perf_counter() - start
    return histories, report


def _train_shared_runs(runs, histories, report):
    """Train each run of ``runs`` one fit at a time; return the members left
    alone (those of a run the engine cannot train)."""
    alone = []
    for run in runs:
        start = time.perf_counter()
        try:
            results = train_run(run)
        except Unsupported as exc:
            for m in run:
                report["alone"][m.index] = f"its shared run could not be trained: {exc}"
            alone += run
            continue
        except Exception as exc:  # noqa: BLE001 - e.g. a callback raised: refit each
            for m in run:
                report["failed"][m.index] = exc
            continue
        _record(run, results, 1, False, start, histories, report)
    return alone


def _record(members, results, runs, vectorized, start, histories, report):
    """Record the histories of ``members`` trained together since ``start``."""
    wall = time.perf_counter() - start
    for member, history in zip(members, results):
        histories[member.index] = history
        report["seconds"][member.index] = wall / len(members)
    report["groups"].append(
        {
            "members": [m.index for m in members],
            "runs": runs,
            "vectorized": vectorized,
            "wall_s": wall,
        }
    )


def _runs(group):
    """Split ``group`` into runs: lists of members that train the same way.

    Fits that differ only in their number of epochs (a grid over
    ``max_iter`` or ``epochs``) are one run up to the shortest of them:
    same initial state (weights, optimizer, random generators), seed,
    starting epoch, data and callbacks that only read the logs.  Such a run
    trains once, to the longest length, and each member takes the state of
    the epoch it ends at.  Every member keeps its own callbacks, so one that
    stops early ends its own fit there, and the run goes on for the others.
    """
    runs, by_start = [], {}
    for member in group:
        start = member.start()
        if start is None:
            runs.append([member])
            continue
        for run in by_start.setdefault(start, []):
            if run[0].data_key() == member.data_key():
                run.append(member)
                break
        else:
            by_start[start].append([member])
            runs.append(by_start[start][-1])
    return runs


def _split_by_memory(runs, batch_size):
    budget = get_config().group_bytes or _default_group_bytes()
    per_run = max(1, max(run[0].bytes(batch_size) for run in runs))
    size = max(1, int(budget // per_run))
    return [runs[i : i + size] for i in range(0, len(runs), size)]


def _train_or_split(runs, key, histories, report):
    """Train the group of ``runs``; halve it when the device runs out of memory.

    Returns the members that must be trained alone (the whole group when
    the vectorized loop cannot be built for it).
    """
    members = [m for run in runs for m in run]
    if len(members) == 1:
        report["alone"][members[0].index] = "the group was split down to one fit"
        return members
    start = time.perf_counter()
    try:
        results = _GroupTrainer(runs, key).train()
    except _OutOfMemory:
        if len(runs) == 1:
            for m in members:
                report["alone"][m.index] = "its run does not fit in the device's memory"
            return members
        half = len(runs) // 2
        return _train_or_split(runs[:half], key, histories, report) + _train_or_split(
            runs[half:], key, histories, report
        )
    except Unsupported as exc:
        for m in members:
            report["alone"][m.index] = f"the vectorized loop could not be built: {exc}"
        return members
    except Exception as exc:  # noqa: BLE001 - e.g. a callback raised: refit each
        for m in members:
            report["failed"][m.index] = exc
        return []
    _record(members, results, len(runs), True, start, histories, report)
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
    import jax

    from ._engine_jax import jit

    key = (remainders, nan, same_rows)
    cache = entry.__dict__.setdefault("vmapped", {})
    if key not in cache:
        r, vr = remainders
        # run(state, x, y, sw, xv, yv, swv, n, nv, seed, epoch0, n_epochs,
        #     check_nan, ri, vri, tol, patience, best, count): n and nv are
        #     shared when same_rows.
        rows = (None, None) if same_rows else (0, 0)
        fn = jit(
            jax.vmap(
                functools.partial(entry.raw, r=r, vr=vr, nan=nan),
                in_axes=(0,) * 7 + rows + (0,) * 10,
            )
        )
        cache[key] = (fn, {})
    return cache[key]


# Groups built and trained at once (each by its own thread).
GROUP_THREADS = 2


def _train_groups(plans, histories, report):
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
        own = {"groups": [], "alone": {}, "failed": {}, "seconds": report["seconds"]}
        return _train_or_split(*plan, histories, own), own

    work = with_caller_config(work)  # the workers start from the defaults
    alone = []
    with ThreadPoolExecutor(max_workers=min(GROUP_THREADS, len(plans))) as pool:
        for left, own in pool.map(work, plans):
            alone += left
            report["groups"] += own["groups"]
            report["alone"].update(own["alone"])
            report["failed"].update(own["failed"])
    return alone


class _GroupTrainer:
    """Runs one group: the stacked state (one slot per run), the callbacks
    of every member."""

    def __init__(self, runs, key):
        import jax.numpy as jnp

        self.jnp = jnp
        self.members = [m for run in runs for m in run]
        self.slot = [s for s, run in enumerate(runs) for _ in run]
        self.slots = len(runs)
        leaders = [run[0] for run in runs]
        settings = key[1]
        first = leaders[0]
        entry = first.engine.train_entry(
            first.model, settings, first.arrays, shared_only=True
        )
        for m in self.members:
            signature = [
                [(tuple(v.shape), str(v.dtype)) for v in g]
                for g in common.state_groups(m.model)
            ]
            if signature != entry.signature:
                raise Unsupported("the members' variables differ")
        self.entry = entry
        self.names = entry.names
        self.has_validation = settings[4]
        self.batch_size = settings[0]
        sizes = [sorted({m.remainders[j] for m in leaders}) for j in (0, 1)]
        checks = [bool(common.nan_checks(m.kw["callbacks"])) for m in leaders]
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
        bs, vbs = settings[:2]
        rows = max(common.rows_for(m.n, bs) for m in leaders)
        vrows = (
            max(common.rows_for(m.nv, vbs) for m in leaders)
            if self.has_validation
            else 0
        )
        self.data = tuple(
            None
            if first.arrays[j] is None
            else jnp.stack(
                [
                    jnp.asarray(
                        common.pad(m.arrays[j], rows if j < 3 else vrows).astype(
                            common.cast_dtype(m.arrays[j]), copy=False
                        )
                    )
                    for m in leaders
                ]
            )
            for j in range(6)
        )
        if same_rows:
            self.n, self.nv = jnp.int32(first.n), jnp.int32(first.nv)
        else:
            self.n = jnp.asarray([m.n for m in leaders], jnp.int32)
            self.nv = jnp.asarray([m.nv for m in leaders], jnp.int32)
        self.seeds = jnp.asarray(
            [_engine.shuffle_seed(m.kw["seed"]) for m in leaders], jnp.uint32
        )
        self.check_nan = jnp.asarray(checks)
        # Only a run of one member may have callbacks that read its model.
        self.reads_model = [
            any(_reads_model(cb) for cb in m.kw["callbacks"]) for m in self.members
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
            jnp = self.jnp
            flat = [jnp.asarray(a) for a in self._host]
            out, i = [], 0
            for group in common.state_groups(self.members[0].model):
                out.append(flat[i : i + len(group)])
                i += len(group)
            self._state = tuple(out) + (list(self.metrics),)
            self._dirty = False
        return self._state

    def _host_state(self):
        if self._host is None:
            self._host = [np.array(a) for g in self._state[:3] for a in g]
        return self._host

    def _write_model(self, i):
        import jax

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
        from ._engine_jax import _rule_arrays

        jnp = self.jnp
        rules = rules or [common.NO_RULE] * self.slots
        return (
            self._device_state(),
            *self.data,
            self.n,
            self.nv,
            self.seeds,
            jnp.asarray(epoch, jnp.int32),
            jnp.asarray(n_epochs, jnp.int32),
            self.check_nan,
            *self.remainder_index,
            *_rule_arrays(list(zip(*rules))),
        )

    def compile(self):
        """Trace and compile the group's program (once per argument shapes:
        a later group of the same shapes reuses it)."""
        import jax

        if self._compiled is None:
            args = self._args([0] * self.slots, [0] * self.slots)
            shapes = tuple(
                (a.shape, str(a.dtype)) for a in jax.tree_util.tree_leaves(args)
            )
            self._compiled = self._executables.get(shapes)
            if self._compiled is None:
                try:
                    self._compiled = self.fn.lower(*args).compile()
                except Exception as exc:  # noqa: BLE001 - sorted out here
                    if _is_out_of_memory(exc):
                        raise _OutOfMemory() from exc
                    raise Unsupported(f"XLA could not compile it: {exc!r}") from exc
                self._executables[shapes] = self._compiled
        return self._compiled

    def _call(self, epoch, n_epochs, rules=None):
        try:
            return self.compile()(*self._args(epoch, n_epochs, rules))
        except Exception as exc:  # noqa: BLE001 - sorted out below
            if _is_out_of_memory(exc):
                raise _OutOfMemory() from exc
            raise

    def _plan(self, fits, epochs):
        """``(first epochs, epoch counts, loss rules)`` per slot for the next
        call, given every member's epoch (None for a member that is not
        training): the members of a run are at one epoch, and it trains to
        the nearest end among them (see :meth:`Fits.span`)."""
        first, n_epochs = [0] * self.slots, [0] * self.slots
        rules = [common.NO_RULE] * self.slots
        for s in range(self.slots):
            indices = [
                i for i, e in enumerate(epochs) if e is not None and self.slot[i] == s
            ]
            if indices:
                first[s] = epochs[indices[0]]
                n_epochs[s] = fits.span(indices, epochs)
                rules[s] = fits.rule(indices)
        return first, n_epochs, rules

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
                for g0, g1, p0, p1 in zip(*pending[0][:2], *plan[:2])
                if p1
            ):
                out = pending[1]  # the guess held for every slot still training
            else:
                out = self._call(*plan)
            pending = None
            self._state, buf, done, stopped = out
            self._host = None
            if ahead:
                guess = self._plan(
                    fits,
                    [
                        e + plan[1][slot[i]]
                        if a and e + plan[1][slot[i]] < fits.end[i]
                        else None
                        for i, (e, a) in enumerate(zip(fits.epoch, fits.active))
                    ],
                )
                if any(guess[1]):
                    pending = (guess, self._call(*guess))
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
