"""The traced TensorFlow program that trains a chunk of epochs.

See :mod:`skkeras._engine.tensorflow` for how it is shared between models.
"""

import tensorflow as tf

from . import loop, models
from .tensorflow_variables import function_variables, tensor_spec
from .types import Unsupported


def make_epochs_function(entry, jit):
    """The compiled loop: up to EPOCH_CHUNK epochs per call.

    The arrays arrive padded with zero rows to a bucket size (see
    :func:`~skkeras._engine.sizing.bucket`); ``n`` and ``nv`` give the real
    numbers of rows.  The full mini-batches of an epoch run in an
    XLA-compiled inner function whose shapes depend only on the bucket, so
    XLA compiles once per architecture, batch size and bucket rather than
    once per dataset size; the last, partial batch (whose size varies) runs
    in the plain-graph outer function, which also shuffles, reads the logs
    and loops over epochs.
    """
    spec = entry.spec
    batch_size, val_batch_size = spec.batch_size, spec.val_batch_size
    shuffle, has_val = spec.shuffle, spec.has_validation
    names = entry.names
    width = len(names)
    model_ref = entry.model_ref
    out_rows, out_info = entry.out

    def gather(x, y, sw, idx):
        data = (tf.gather(x, idx), tf.gather(y, idx))
        if sw is not None:
            data = data + (tf.gather(sw, idx),)
        return data

    def results(model):
        out = []
        for name, value in model.get_metrics_result().items():
            value = tf.convert_to_tensor(value)
            if value.shape.rank != 0:
                raise Unsupported(f"metric {name} is not a scalar")
            out.append((name, tf.cast(value, tf.float32)))
        return out

    def loss_is_bad(model, check_nan):
        value = tf.convert_to_tensor(models.loss_metric(model).result())
        return tf.logical_and(
            check_nan, tf.logical_not(tf.reduce_all(tf.math.is_finite(value)))
        )

    def full_train_batches(x, y, sw, perm, full, check_nan):
        model = model_ref()
        bs = batch_size

        def cond(i, stop):
            return tf.logical_and(i < full, stop < 0)

        def body(i, stop):
            idx = tf.slice(perm, [i * bs], [bs])
            model.train_step(gather(x, y, sw, idx))
            return i + 1, tf.where(loss_is_bad(model, check_nan), i, stop)

        _, stop = tf.while_loop(
            cond, body, (tf.constant(0), tf.constant(-1)), parallel_iterations=1
        )
        return stop

    def full_test_batches(x, y, sw, full):
        model = model_ref()
        bs = val_batch_size

        def body(i):
            model.test_step(gather(x, y, sw, i * bs + tf.range(bs)))
            return i + 1

        tf.while_loop(
            lambda i: i < full, body, (tf.constant(0),), parallel_iterations=1
        )
        return tf.constant(0)

    full_train_batches = tf.function(
        full_train_batches, jit_compile=jit, autograph=False
    )
    full_test_batches = tf.function(full_test_batches, jit_compile=jit, autograph=False)

    def fn(
        variables,
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
        tol,
        patience,
        best,
        count,
    ):
        # ``variables`` are not read here by name: the model's own variable
        # objects are, and TensorFlow binds each of them to the argument it
        # was passed as, so the traced function runs on whichever model's
        # variables a call passes.
        del variables
        model = model_ref()
        bucket = tf.shape(x)[0]

        def one_epoch(epoch):
            model.reset_metrics()
            if shuffle:
                u = tf.random.stateless_uniform([n], seed=tf.stack([seed, epoch]))
                perm = tf.argsort(u)
            else:
                perm = tf.range(n)
            full = n // batch_size
            padded = tf.concat([perm, tf.zeros([bucket - n], perm.dtype)], 0)
            stop = full_train_batches(x, y, sw, padded, full, check_nan)

            def last():
                model.train_step(gather(x, y, sw, perm[full * batch_size :]))
                return tf.where(loss_is_bad(model, check_nan), full, stop)

            stop = tf.cond(
                tf.logical_and(full * batch_size < n, stop < 0),
                last,
                lambda: tf.identity(stop),
            )
            logs = results(model)
            if has_val:
                model.reset_metrics()
                vfull = nv // val_batch_size
                with tf.control_dependencies([full_test_batches(xv, yv, swv, vfull)]):
                    rest = tf.range(vfull * val_batch_size, nv)

                def val_last():
                    model.test_step(gather(xv, yv, swv, rest))
                    return tf.constant(0)

                tf.cond(vfull * val_batch_size < nv, val_last, lambda: tf.constant(0))
                logs += [("val_" + k, v) for k, v in results(model)]
            if [k for k, _ in logs] != names:
                raise Unsupported("metric names differ between eager and graph")
            return tf.stack([v for _, v in logs]), stop

        iloss = names.index("loss")

        # The loss rule (tol, patience, best, count) may end the call early
        # (skkeras._engine.loop.stop_rule).
        def cond(k, buf, stopped, best, count):
            go = tf.logical_and(k < n_epochs, stopped < 0)
            return tf.logical_and(go, tf.cast(count, tf.float32) <= patience)

        def body(k, buf, stopped, best, count):
            row, stopped = one_epoch(epoch0 + tf.cast(k, tf.int64))
            buf = tf.tensor_scatter_nd_update(buf, [[k]], row[None])
            best, count = loop.rule_update(
                row[iloss],
                tol,
                best,
                count,
                where=tf.where,
                isfinite=tf.math.is_finite,
                absolute=tf.abs,
            )
            return k + 1, buf, stopped, best, count

        buf = tf.zeros([loop.EPOCH_CHUNK, width], tf.float32)
        k, buf, stopped, _, _ = tf.while_loop(
            cond,
            body,
            (tf.constant(0), buf, tf.constant(-1), best, count),
            parallel_iterations=1,
        )
        # The outputs also go to variables: a KeyboardInterrupt that Python
        # raises as the call returns loses the return values, not the
        # training (TrainRunner.train_epochs reads them back).
        info = tf.stack([epoch0, tf.cast(k, tf.int64), tf.cast(stopped, tf.int64)])
        with tf.control_dependencies([out_rows.assign(buf), out_info.assign(info)]):
            return tf.identity(buf), tf.identity(k), tf.identity(stopped)

    return tf.function(fn, autograph=False)


def trace(entry, arrays, jit):
    function = make_epochs_function(entry, jit)
    names = ("x", "y", "sw", "xv", "yv", "swv")
    state, metrics = function_variables(entry.model_ref())
    return function.get_concrete_function(
        state + metrics + entry.out,
        *[tensor_spec(a, name) for a, name in zip(arrays, names)],
        tf.TensorSpec([], tf.int32, name="n"),
        tf.TensorSpec([], tf.int32, name="nv"),
        tf.TensorSpec([], tf.int64, name="seed"),
        tf.TensorSpec([], tf.int64, name="epoch0"),
        tf.TensorSpec([], tf.int32, name="n_epochs"),
        tf.TensorSpec([], tf.bool, name="check_nan"),
        tf.TensorSpec([], tf.float32, name="tol"),
        tf.TensorSpec([], tf.float32, name="patience"),
        tf.TensorSpec([], tf.float32, name="best"),
        tf.TensorSpec([], tf.int32, name="count"),
    )


def out_variables(width):
    """Where a training call leaves its outputs: the logs of up to
    EPOCH_CHUNK epochs, and ``(first epoch, epochs run, stopped batch)``.

    The trace reads the entry's own; every runner passes its own in their
    place, as the model's variables are passed (see the module docstring).
    """
    return [
        tf.Variable(tf.zeros([loop.EPOCH_CHUNK, width], tf.float32), trainable=False),
        tf.Variable(tf.constant([-1, 0, -1], tf.int64), trainable=False),
    ]
