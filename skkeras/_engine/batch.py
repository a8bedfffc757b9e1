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
:func:`~skkeras._engine.structure.structure_key` of the model (layers, shapes,
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
train one fit at a time (:func:`skkeras._engine.runs.train_run`).

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

import time

import keras

from .._config import get_config
from . import dispatch
from .batch_report import BatchReport
from .members import Member
from .rules import KERAS_BY_CONFIG
from .runs import train_run
from .types import Unsupported


def _jax_batch():
    """:mod:`skkeras._engine.jax_batch`, which imports JAX: on JAX only."""
    from . import jax_batch

    return jax_batch


def vectorized_reason():
    """Why calls cannot be trained together here, or None."""
    config = get_config()
    if config.engine == "keras":
        return KERAS_BY_CONFIG
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
    if _jax_batch().on_accelerator():
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


def train_many(calls, *, grouped=None):
    """Train every call in ``calls``; return ``(histories, report)``.

    ``grouped=True`` groups whatever can be grouped, without asking
    :func:`vectorized_reason` (a caller that asked it in another process);
    ``None`` asks it here.  The configuration (:mod:`skkeras.config`) is
    that of the calling thread: to call this in another thread or process,
    wrap it with :func:`skkeras._config.with_caller_config`.

    ``calls`` are :class:`~skkeras._engine.types.TrainCall` objects.
    ``histories[i]`` is the History dict of ``calls[i]``, as ``train`` would
    return it, or None when its training raised an exception (the model
    may then be half trained; the caller should fit it afresh).  ``report``
    has ``"groups"``, a list of ``{"members": [indices], "runs": count,
    "vectorized": bool, "wall_s": seconds}``, one per vectorized program or
    shared run trained one fit at a time; ``"alone"``, a dict mapping the
    index of each call trained on its own to the reason; ``"failed"``,
    index to the exception; and ``"seconds"``, each call's training time
    (its share of its group's); see :class:`~skkeras._engine.batch_report.BatchReport`.
    """
    members = [Member(i, call) for i, call in enumerate(calls)]
    histories = [None] * len(members)
    report = BatchReport.for_calls(len(members))
    groups = {}
    backend_reason = None if grouped else vectorized_reason()
    for member in members:
        key, reason = (None, backend_reason) if backend_reason else member.plan()
        if key is None:
            report.leave_alone([member], reason)
        else:
            groups.setdefault(key, []).append(member)
    alone = [m for m in members if m.index in report.alone]
    plans, shared = [], []
    for key, group in groups.items():
        if len(group) == 1:
            report.leave_alone(group, "no other fit shares its structure")
            alone += group
            continue
        runs = shared_runs(group)
        reason = _one_by_one_reason(len(runs) < len(group))
        if reason is None:
            plans += [
                (chunk, key) for chunk in _split_by_memory(runs, key.spec.batch_size)
            ]
            continue
        for run in runs:
            if len(run) > 1:
                shared.append(run)
            else:
                report.leave_alone(run, reason)
                alone += run
    if plans:
        alone += _jax_batch().train_groups(plans, histories, report)
    alone += _train_shared_runs(shared, histories, report)
    for member in sorted(alone, key=lambda m: m.index):
        start = time.perf_counter()
        try:
            histories[member.index] = dispatch.train_call(member.call)
        except Exception as exc:  # noqa: BLE001 - reported; the caller refits
            report.fail([member], exc)
        report.seconds[member.index] = time.perf_counter() - start
    return histories, report.as_dict()


def _train_shared_runs(runs, histories, report):
    """Train each run of ``runs`` one fit at a time; return the members left
    alone (those of a run the engine cannot train)."""
    alone = []
    for run in runs:
        start = time.perf_counter()
        try:
            results = train_run(run)
        except Unsupported as exc:
            report.leave_alone(run, f"its shared run could not be trained: {exc}")
            alone += run
            continue
        except Exception as exc:  # noqa: BLE001 - e.g. a callback raised: refit each
            report.fail(run, exc)
            continue
        report.record_group(run, results, 1, False, start, histories)
    return alone


def shared_runs(group):
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
    """``runs`` in chunks that each hold at most the group memory budget."""
    budget = get_config().group_bytes or _jax_batch().default_group_bytes()
    per_run = max(1, max(run[0].bytes(batch_size) for run in runs))
    size = max(1, int(budget // per_run))
    return [runs[i : i + size] for i in range(0, len(runs), size)]
