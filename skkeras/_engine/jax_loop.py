"""The JAX program that trains a chunk of epochs (before ``jax.jit``).

See :mod:`skkeras._engine.jax` for the runner that calls it, and
:mod:`skkeras._engine.jax_batch` for the same program under ``jax.vmap``.
"""

import jax
import jax.numpy as jnp
import keras
import numpy as np

from . import loop, models
from .types import LoopResult, LossRule, State, TestState, Unsupported


def make_epochs_loop(entry):
    spec = entry.spec
    batch_size, val_batch_size = spec.batch_size, spec.val_batch_size
    shuffle, has_val = spec.shuffle, spec.has_validation
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
            value = jnp.asarray(models.loss_metric(model).result())
        return jnp.logical_and(check_nan, jnp.logical_not(jnp.all(jnp.isfinite(value))))

    def data(x, y, sw, idx):
        batch = (jnp.take(x, idx, axis=0), jnp.take(y, idx, axis=0))
        if sw is not None:
            batch = batch + (jnp.take(sw, idx, axis=0),)
        return batch

    def epochs_loop(args, r, vr, nan):
        # ``args``: a LoopArgs.  ``r``, ``vr`` (static): the sizes of the
        # last, partial batches, picked by ``args.remainder_index``.
        state = State(*args.state)
        x, y, sw, xv, yv, swv = args.data
        n, nv, seed, check_nan = args.n, args.nv, args.seed, args.check_nan
        epoch0, n_epochs = args.first_epoch, args.n_epochs
        ri, vri = args.remainder_index, args.val_remainder_index
        tol, patience, best, count = args.rule
        # ``nan`` (static): whether any fit checks its loss for NaN; without
        # it the check, and the stop it may cause, are not traced at all.
        # ``tol, patience, best, count``: the loss rule that may end the call
        # early (skkeras._engine.loop.stop_rule).
        model = model_ref()
        bucket = x.shape[0]
        bs, vbs = batch_size, val_batch_size

        def train_batch(st, idx):
            _, st = model.train_step(st, data(x, y, sw, idx))
            return State(*st)

        def test_batch(st, idx):
            _, st = model.test_step(st, data(xv, yv, swv, idx))
            return TestState(*st)

        def mark(st, at, stop):
            """``at`` if the loss just went bad (and NaN is checked), else ``stop``."""
            if not nan:
                return stop
            return jnp.where(loss_is_bad(model, st.metrics, check_nan), at, stop)

        def one_epoch(k, carry):
            st, buf, _ = carry
            epoch = epoch0 + k
            st = State(
                st.trainable, st.non_trainable, st.optimizer, reset(model, st.metrics)
            )
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

                step = select(ri, [last(size) for size in r])
                if nan:
                    st, stop = jax.lax.cond(stop < 0, step, lambda a: a, (st, stop))
                else:
                    st, stop = step((st, stop))
            row = results(model, st.metrics)
            if has_val:
                tst = TestState(
                    st.trainable, st.non_trainable, reset(model, st.metrics)
                )
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

                    tst = select(vri, [vlast(size) for size in vr])(tst)
                row += [("val_" + k, v) for k, v in results(model, tst.metrics)]
                st = State(tst.trainable, tst.non_trainable, st.optimizer, tst.metrics)
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
            best, count = loop.rule_update(
                carry[1][k, iloss],
                tol,
                best,
                count,
                where=jnp.where,
                isfinite=jnp.isfinite,
                absolute=jnp.abs,
            )
            return k + 1, carry, best, count

        buf = jnp.zeros((loop.EPOCH_CHUNK, width), jnp.float32)
        k, (state, buf, stop), _, _ = jax.lax.while_loop(
            cond, body, (jnp.int32(0), (state, buf, jnp.int32(-1)), best, count)
        )
        return LoopResult(state, buf, k, stop)

    return epochs_loop


def rule_arrays(rule):
    """The loss rule ``(tol, patience, best, count)`` as the loop's arguments
    (one of each, or stacked per member): a :class:`LossRule` of arrays."""
    tol, patience, best, count = (np.asarray(v) for v in rule)
    return LossRule(
        jnp.asarray(tol, jnp.float32),
        jnp.asarray(patience, jnp.float32),
        jnp.asarray(best, jnp.float32),
        jnp.asarray(count, jnp.int32),
    )


def select(index, branches):
    """``branches[index]`` as one function (a ``lax.switch`` when several)."""
    if len(branches) == 1:
        return branches[0]
    return lambda operand: jax.lax.switch(index, branches, operand)
