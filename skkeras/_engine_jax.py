"""Compiled training loop and prediction for the JAX backend.

The JAX trainer of Keras is already functional: ``model.train_step(state,
data)`` and ``model.test_step(state, data)`` map a state tuple
``(trainable, non_trainable, optimizer, metrics)`` of arrays to a new one.
The engine jits a loop around them: up to
:data:`~skkeras._engine_common.EPOCH_CHUNK` epochs per call, each resetting
the metrics (statelessly), drawing a permutation from a key folded from
``(seed, epoch)``, running the full mini-batches in a ``lax.while_loop`` and
the last, partial batch after it, reading the epoch's metric results and
evaluating the validation data, and ending early where the loss rule of
:func:`skkeras._engine_common.stop_rule` might stop training.  After each
call the new state is assigned to the model's variables, so callbacks see
(and may change, e.g. the learning rate) the model between calls.

Arrays are padded to a bucket size (:func:`skkeras._engine_common.bucket`)
and the size of the partial batch is a static argument, so XLA compiles once
per architecture, batch size, bucket and remainder size.  The state is
passed explicitly, so a function traced with one model serves every model
with the same :func:`~skkeras._structure.structure_key`; models whose
configuration does not describe them fully get functions of their own.
"""

import functools
import threading
import weakref

import jax
import jax.numpy as jnp
import keras
import numpy as np

from . import _engine_common as common
from ._config import get_config
from ._engine_common import Unsupported
from ._structure import structure_key

_SHARED = common.FunctionCache(maxsize=16)
_PER_MODEL = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()

# XLA:CPU options for the compiled loops: the loop emitters instead of the
# fusion emitters, no XNNPACK graph fusion, optimization level 1.  Measured
# on the tutorial Pima network (vectorized over 27 fits): compiling takes
# 1.0 s instead of 3 s, and a step runs as fast.  The configuration key
# xla_options=False (skkeras.config; SKKERAS_XLA_OPTIONS=0) leaves XLA's
# defaults.
_CPU_OPTIONS = {
    "xla_cpu_use_fusion_emitters": False,
    "xla_cpu_experimental_xnn_graph_fusion_mode": "XNN_GRAPH_FUSION_MODE_DISABLED",
    "xla_backend_optimization_level": 1,
}


@functools.cache
def _xla_accepts(options):
    """Whether this XLA compiles with ``options`` (a tuple of items)."""
    try:
        jax.jit(lambda a: a + 1, compiler_options=dict(options)).lower(1.0).compile()
    except Exception:  # noqa: BLE001 - unknown to this XLA: its defaults
        return False
    return True


def _compiler_options(cpu_options=_CPU_OPTIONS):
    """The options :func:`jit` passes: ``cpu_options`` on the CPU when the
    configuration's ``xla_options`` is True and this XLA accepts them (they
    are XLA debug options, which come and go between releases), else none."""
    if not get_config().xla_options or jax.default_backend() != "cpu":
        return None
    items = tuple(sorted(cpu_options.items()))
    return dict(cpu_options) if _xla_accepts(items) else None


def jit(fn, **kwargs):
    """``jax.jit`` with the engine's compiler options."""
    return jax.jit(fn, compiler_options=_compiler_options(), **kwargs)


def model_reason(model):
    try:
        if keras.distribution.distribution() is not None:
            return "a keras.distribution is set"
    except AttributeError:  # pragma: no cover - old Keras
        pass
    nnx = getattr(keras.config, "is_nnx_enabled", None)
    if nnx is not None and nnx():
        return "Flax NNX mode"
    return None


def _array(a):
    if a is None:
        return None
    return jnp.asarray(a.astype(common.cast_dtype(a), copy=False))


def _per_model_key(model):
    return (
        id(model.optimizer),
        tuple(id(m) for m in model.metrics),
        tuple(id(v) for g in common.state_groups(model) for v in g),
        repr(getattr(model, "loss", None)),
    )


def _lookup(model, shared_key, local_key, settings, build):
    # Functions jitted with and without the compiler options are kept apart.
    settings = (settings, get_config().xla_options)
    with _LOCK:
        if shared_key is not None:
            entry = _SHARED.get((shared_key, settings))
            if entry is None:
                entry = common.build_or_fail(build, model, True)
                _SHARED.put((shared_key, settings), entry)
        else:
            per_model = _PER_MODEL.setdefault(model, {})
            entry = per_model.get((local_key, settings))
            if entry is None:
                entry = common.build_or_fail(build, model, False)
                per_model[(local_key, settings)] = entry
    if isinstance(entry, common.Failed):
        raise Unsupported(entry.reason)
    return entry


# --------------------------------------------------------------------------
# Training


class _TrainEntry:
    def __init__(self, template, shared, settings):
        self.model_ref = common.model_ref(template, strong=shared)
        self.shareable = shared
        self.settings = settings
        self.template_id = id(template)
        self.metric_specs = [
            (tuple(v.shape), v.dtype) for v in template.metrics_variables
        ]
        self.signature = [
            [(tuple(v.shape), str(v.dtype)) for v in g]
            for g in common.state_groups(template)
        ]
        self.names = None
        self.raw = None
        self.run = None


def _make_run(entry):
    batch_size, val_batch_size, shuffle, _, has_val = entry.settings[:5]
    names = entry.names
    width = len(names)
    model_ref = entry.model_ref

    def scope(model, mv):
        return keras.StatelessScope(
            state_mapping=list(zip(model.metrics_variables, mv))
        )

    def reset(model, mv):
        with scope(model, mv) as s:
            for m in model.metrics:
                m.reset_state()
        return [s.get_current_value(v) for v in model.metrics_variables]

    def results(model, mv):
        with scope(model, mv):
            out = model.get_metrics_result()
        values = []
        for name, value in out.items():
            value = jnp.asarray(value)
            if value.ndim != 0:
                raise Unsupported(f"metric {name} is not a scalar")
            values.append((name, value.astype(jnp.float32)))
        return values

    def loss_is_bad(model, mv, check_nan):
        with scope(model, mv):
            value = jnp.asarray(common.loss_metric(model).result())
        return jnp.logical_and(check_nan, jnp.logical_not(jnp.all(jnp.isfinite(value))))

    def data(x, y, sw, idx):
        batch = (jnp.take(x, idx, axis=0), jnp.take(y, idx, axis=0))
        if sw is not None:
            batch = batch + (jnp.take(sw, idx, axis=0),)
        return batch

    def run(
        state,
        x,
        y,
        sw,
        xv,
        yv,
        swv,
        n,
        nv,
        seed,
        epoch0,
        n_epochs,
        check_nan,
        ri,
        vri,
        tol,
        patience,
        best,
        count,
        r,
        vr,
        nan,
    ):
        # ``nan`` (static): whether any fit checks its loss for NaN; without
        # it the check, and the stop it may cause, are not traced at all.
        # ``tol, patience, best, count``: the loss rule that may end the call
        # early (skkeras._engine_common.stop_rule).
        model = model_ref()
        bucket = x.shape[0]
        bs, vbs = batch_size, val_batch_size

        def train_batch(st, idx):
            _, st = model.train_step(st, data(x, y, sw, idx))
            return st

        def test_batch(st, idx):
            _, st = model.test_step(st, data(xv, yv, swv, idx))
            return st

        def mark(st, at, stop):
            """``at`` if the loss just went bad (and NaN is checked), else ``stop``."""
            if not nan:
                return stop
            return jnp.where(loss_is_bad(model, st[3], check_nan), at, stop)

        def one_epoch(k, carry):
            st, buf, _ = carry
            epoch = epoch0 + k
            st = (st[0], st[1], st[2], reset(model, st[3]))
            if shuffle:
                key = jax.random.fold_in(jax.random.key(seed), epoch)
                u = jax.random.uniform(key, (bucket,))
                u = jnp.where(jnp.arange(bucket) < n, u, 2.0)
                perm = jnp.argsort(u).astype(jnp.int32)
            else:
                perm = jnp.arange(bucket, dtype=jnp.int32)
            full = n // bs

            def cond(c):
                i, _, stop = c
                if not nan:
                    return i < full
                return jnp.logical_and(i < full, stop < 0)

            def body(c):
                i, st, stop = c
                st = train_batch(st, jax.lax.dynamic_slice(perm, (i * bs,), (bs,)))
                return i + 1, st, mark(st, i, stop)

            _, st, stop = jax.lax.while_loop(
                cond, body, (jnp.int32(0), st, jnp.int32(-1))
            )
            if any(r):

                def last(size):
                    def step(args):
                        st, stop = args
                        if not size:
                            return st, stop
                        st = train_batch(
                            st, jax.lax.dynamic_slice(perm, (full * bs,), (size,))
                        )
                        return st, mark(st, full, stop)

                    return step

                step = _select(ri, [last(size) for size in r])
                if nan:
                    st, stop = jax.lax.cond(stop < 0, step, lambda a: a, (st, stop))
                else:
                    st, stop = step((st, stop))
            row = results(model, st[3])
            if has_val:
                tst = (st[0], st[1], reset(model, st[3]))
                vfull = nv // vbs

                def vbody(i, tst):
                    return test_batch(tst, i * vbs + jnp.arange(vbs, dtype=jnp.int32))

                tst = jax.lax.fori_loop(0, vfull, vbody, tst)
                if any(vr):

                    def vlast(size):
                        def step(tst):
                            if not size:
                                return tst
                            idx = vfull * vbs + jnp.arange(size, dtype=jnp.int32)
                            return test_batch(tst, idx)

                        return step

                    tst = _select(vri, [vlast(size) for size in vr])(tst)
                row += [("val_" + k, v) for k, v in results(model, tst[2])]
                st = (tst[0], tst[1], st[2], tst[2])
            if [k for k, _ in row] != names:
                raise Unsupported("metric names differ between eager and jit")
            buf = buf.at[k].set(jnp.stack([v for _, v in row]))
            return st, buf, stop

        iloss = names.index("loss")

        def cond(c):
            k, (_, _, stop), _, count = c
            go = jnp.logical_and(k < n_epochs, count.astype(jnp.float32) <= patience)
            if not nan:
                return go
            return jnp.logical_and(go, stop < 0)

        def body(c):
            k, carry, best, count = c
            carry = one_epoch(k, carry)
            best, count = common.rule_update(
                carry[1][k, iloss],
                tol,
                best,
                count,
                where=jnp.where,
                isfinite=jnp.isfinite,
                absolute=jnp.abs,
            )
            return k + 1, carry, best, count

        buf = jnp.zeros((common.EPOCH_CHUNK, width), jnp.float32)
        k, (state, buf, stop), _, _ = jax.lax.while_loop(
            cond, body, (jnp.int32(0), (state, buf, jnp.int32(-1)), best, count)
        )
        return state, buf, k, stop

    return run


def _rule_arrays(rule):
    """The loss rule ``(tol, patience, best, count)`` as the loop's arguments
    (one of each, or stacked per member)."""
    tol, patience, best, count = (np.asarray(v) for v in rule)
    return (
        jnp.asarray(tol, jnp.float32),
        jnp.asarray(patience, jnp.float32),
        jnp.asarray(best, jnp.float32),
        jnp.asarray(count, jnp.int32),
    )


def _select(index, branches):
    """``branches[index]`` as one function (a ``lax.switch`` when several)."""
    if len(branches) == 1:
        return branches[0]
    return lambda operand: jax.lax.switch(index, branches, operand)


def _build_train_entry(template, shared, settings, arrays):
    x, y, sw = arrays[:3]
    common.ensure_built(template, x, y, sw, _array)
    if common.loss_metric(template) is None:
        raise Unsupported("the model has no 'loss' metric")
    entry = _TrainEntry(template, shared, settings)
    names = list(template.get_metrics_result())
    if settings[4]:
        names += ["val_" + k for k in names]
    entry.names = names
    # ``raw`` is the loop before jit, which skkeras._engine_group vmaps.
    entry.raw = _make_run(entry)
    entry.run = jit(entry.raw, static_argnames=("r", "vr", "nan"))
    return entry


class TrainRunner:
    """Runs chunks of epochs for :func:`skkeras._engine_common.drive`."""

    def __init__(self, entry, model, arrays, n, nv, seed, check_nan=False):
        self.entry = entry
        self.model = model
        self.names = entry.names
        self.has_validation = entry.settings[4]
        self.check_nan = check_nan
        batch_size, val_batch_size = entry.settings[:2]
        padded = [common.pad(a, common.rows_for(n, batch_size)) for a in arrays[:3]]
        padded += [
            common.pad(a, common.rows_for(nv, val_batch_size)) if nv else a
            for a in arrays[3:]
        ]
        self._data = tuple(_array(a) for a in padded)
        self._n = jnp.int32(n)
        self._nv = jnp.int32(nv)
        self._seed = jnp.uint32(seed)
        # The sizes of the last, partial batches are static (one each here;
        # skkeras._engine_group passes every size of a group, and an index).
        self._static = dict(
            r=(n % batch_size,), vr=((nv % val_batch_size) if nv else 0,)
        )
        self._own_metrics = (
            id(model) == entry.template_id and entry.model_ref() is model
        ) or [
            (tuple(v.shape), v.dtype) for v in model.metrics_variables
        ] == entry.metric_specs
        if [
            [(tuple(v.shape), str(v.dtype)) for v in g]
            for g in common.state_groups(model)
        ] != entry.signature:
            raise Unsupported("the model's variables do not match the trace")
        # Compile now, so that a model XLA cannot compile goes to Model.fit.
        self._call(0, 0)

    def _state(self):
        groups = common.state_groups(self.model)
        if self._own_metrics:
            metrics = [v.value for v in self.model.metrics_variables]
        else:
            metrics = [jnp.zeros(s, d) for s, d in self.entry.metric_specs]
        return tuple([v.value for v in g] for g in groups) + (metrics,)

    def _call(self, first_epoch, n_epochs, rule=common.NO_RULE):
        return self.entry.run(
            self._state(),
            *self._data,
            self._n,
            self._nv,
            self._seed,
            jnp.int32(first_epoch),
            jnp.int32(n_epochs),
            jnp.bool_(self.check_nan),
            jnp.int32(0),
            jnp.int32(0),
            *_rule_arrays(rule),
            nan=bool(self.check_nan),
            **self._static,
        )

    def run(self, first_epoch, n_epochs, rule=common.NO_RULE):
        result = self._call(first_epoch, n_epochs, rule)
        try:
            return self._take(result)
        except KeyboardInterrupt as exc:
            # A Ctrl-C while the call ran (it is awaited here) or while its
            # state was being assigned: the training is done; take all of it,
            # so that the model and the epochs reported agree.
            raise common.Interrupted(*self._take(result)) from exc

    def _take(self, result):
        """Assign a call's state to the model; return its rows and stopped batch."""
        state, buf, done, stopped = result
        done = int(done)
        stopped = int(stopped)
        rows = np.asarray(buf)[:done].tolist()
        model = self.model
        for group, values in zip(common.state_groups(model), state[:3]):
            for v, value in zip(group, values):
                v.assign(value)
        if self._own_metrics:
            for v, value in zip(model.metrics_variables, state[3]):
                v.assign(value)
        return rows, (stopped if stopped >= 0 else None)

    def finish(self, ran):
        if ran:
            self.model.optimizer.finalize_variable_values(self.model.trainable_weights)


def train_entry(model, settings, arrays, *, shared_only=False):
    """The compiled-loop entry for ``model``; raises :class:`Unsupported`.

    With ``shared_only``, a model without a
    :func:`~skkeras._structure.structure_key` is refused instead of
    getting a function of its own.
    """
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    groups = common.state_groups(model)
    shared_key = structure_key(model, groups)
    if shared_only and shared_key is None:
        raise Unsupported("the model's configuration does not describe it fully")

    def build(template, shared):
        return _build_train_entry(template, shared, settings, arrays)

    entry = _lookup(model, shared_key, _per_model_key(model), settings, build)
    # A loop traced for another model leaves this one's loss and metrics
    # unbuilt, and its callbacks read them.
    common.build_compiled(model, arrays[1])
    return entry


def make_train_runner(
    model, x, y, sw, val, *, batch_size, val_batch_size, shuffle, seed, check_nan=False
):
    """Return a runner for this call, or raise :class:`Unsupported`.

    ``check_nan``: stop an epoch at the batch whose loss is not finite.
    """
    settings, arrays = common.train_settings(
        x,
        y,
        sw,
        val,
        batch_size=batch_size,
        val_batch_size=val_batch_size,
        shuffle=shuffle,
    )
    entry = train_entry(model, settings, arrays)
    nv = len(val[0]) if val is not None else 0
    try:
        return TrainRunner(entry, model, arrays, len(x), nv, seed, check_nan)
    except Unsupported:
        raise
    except Exception as exc:  # noqa: BLE001 - XLA could not compile it
        raise Unsupported(f"XLA could not compile the loop: {exc!r}") from exc


# --------------------------------------------------------------------------
# Prediction


def _make_predict(model_ref):
    def fn(trainable, non_trainable, xs):
        model = model_ref()

        def one(xb):
            out, _ = model.predict_step((trainable, non_trainable), (xb,))
            return out

        out = jax.lax.map(one, xs)
        return jax.tree_util.tree_map(lambda o: o.reshape((-1,) + o.shape[2:]), out)

    return jit(fn)


def predict(model, x, batch_size=None):
    """Compiled ``model.predict(x)``; raises :class:`Unsupported`."""
    bs = common.predict_batch_size(x, batch_size)
    n = len(x)
    if n <= bs:
        chunks, size = 1, common.bucket(n)
    else:
        chunks, size = common.bucket(-(-n // bs)), bs
    settings = ("predict", tuple(x.shape[1:]), str(common.cast_dtype(x)))
    groups = [list(model.trainable_variables), list(model.non_trainable_variables)]
    shared_key = structure_key(model, groups, with_compile=False)
    local_key = ("predict",) + tuple(id(v) for g in groups for v in g)

    def build(template, shared):
        return _make_predict(common.model_ref(template, strong=shared))

    fn = _lookup(model, shared_key, local_key, settings, build)
    xs = common.pad(x.astype(common.cast_dtype(x), copy=False), chunks * size)
    xs = xs.reshape((chunks, size) + x.shape[1:])
    out = fn(
        [v.value for v in groups[0]], [v.value for v in groups[1]], jnp.asarray(xs)
    )
    return jax.tree_util.tree_map(lambda o: np.asarray(o)[:n], out)
