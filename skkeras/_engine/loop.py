"""The epoch loop of ``Model.fit`` around a runner of compiled epochs.

A backend (:mod:`skkeras._engine.tensorflow`, :mod:`skkeras._engine.jax`)
builds a *runner*: an object whose ``run(first_epoch, n_epochs, rule)``
trains whole epochs in one compiled call and returns their logs.
:func:`drive` turns those calls into the epoch loop of ``Model.fit``: the
same callback calls, the same ``logs``, the same progress display and the
same History.  The loss rule (:func:`stop_rule`) lets one compiled call
run many epochs and still end where a callback may stop training.
"""

import math
import sys

import keras

from .types import Interrupted

# Epochs run by one compiled call when nothing needs to see each epoch as it
# ends.  A constant, so that one compiled program serves both modes.
EPOCH_CHUNK = 32


def _print_msg(message):
    if keras.config.is_interactive_logging_enabled():
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
    else:  # pragma: no cover - absl logging mode
        import logging

        logging.getLogger("keras").info(message)


# The loss rule of a loop with none: never stops.
NO_RULE = (0.0, math.inf, math.inf, 0)


def stop_rule(callbacks, verbose=0):
    """``(chunk, rule)``: how many epochs one compiled call may run, and the
    callback whose loss rule the loop evaluates (or None).

    Callbacks see the model between epochs, so with any, a call runs one
    epoch, except for a lone callback that stops on the training loss alone
    (:meth:`skkeras._callbacks.Convergence.loss_rule`, scikit-learn's
    ``tol`` and ``n_iter_no_change``).  The loop then evaluates that rule
    after every epoch, conservatively (an epoch counts as an improvement
    only if it improves by ``tol`` plus a margin that covers float32
    rounding), and ends the call at the first epoch where the callback
    might stop training; the callback, run on the logs afterwards, decides.
    """
    callbacks = list(callbacks or [])
    if verbose != 0:
        return 1, None
    if not callbacks:
        return EPOCH_CHUNK, None
    rule = getattr(callbacks[0], "loss_rule", None)
    if len(callbacks) == 1 and rule is not None and rule() is not None:
        return EPOCH_CHUNK, callbacks[0]
    return 1, None


def rule_values(callback):
    """The current ``(tol, patience, best loss, count)`` of ``callback``'s
    loss rule, or :data:`NO_RULE`."""
    return NO_RULE if callback is None else callback.loss_rule()


def rule_update(loss, tol, best, count, *, where, isfinite, absolute):
    """One epoch of the conservative loss rule (see :func:`stop_rule`), with
    the backend's ``where``, ``isfinite`` and ``absolute``: the new ``(best,
    count)``.  float32 ``loss``, ``tol`` and ``best``; int32 ``count``.

    The callback counts an epoch without improvement unless ``loss <= best -
    tol`` in float64; here it must count every such epoch (and may count
    more), so an improvement needs ``tol`` plus a margin of 1e-6 of
    ``|best| + tol``, well above float32's rounding of the subtraction.
    """
    margin = where(isfinite(best), 1e-6 * (absolute(best) + tol), 0.0 * tol)
    improved = loss <= best - tol - margin
    count = where(improved, count * 0, count + 1)
    best = where(loss < best, loss, best)
    return best, count


def nan_checks(callbacks):
    """The callbacks among ``callbacks`` that stop on a non-finite loss
    (``TerminateOnNaN``); the compiled loops check the loss after every batch
    only when there are some."""
    return [
        cb for cb in callbacks or () if isinstance(cb, keras.callbacks.TerminateOnNaN)
    ]


def drive(
    model,
    runner,
    *,
    epochs,
    initial_epoch,
    callbacks,
    verbose,
    steps,
):
    """Run ``epochs`` epochs through ``runner`` with ``Model.fit``'s callbacks.

    ``runner.train_epochs(first_epoch, n)`` trains up to ``n`` epochs and returns
    ``(rows, stopped_batch)``: one list of floats per epoch run, in the order
    of ``runner.names``, and the batch at which a non-finite loss stopped the
    last epoch (None if it did not).  A KeyboardInterrupt leaves the model
    either as it was before the call, or trained by it, and then it comes as
    :class:`Interrupted` with those rows.  ``runner.finish()`` is called once
    at the end.  Returns the History dict of this call.

    On a KeyboardInterrupt (a user's Ctrl-C), the History (``model.history``)
    records every epoch the model's weights were trained for, even those
    whose callbacks the interrupt cut short, and the interrupt goes on.
    """
    callbacks = list(callbacks or [])
    nan_callbacks = nan_checks(callbacks)
    recorder = next(
        (cb for cb in callbacks if isinstance(cb, keras.callbacks.History)), None
    )
    if recorder is None:
        # Where CallbackList(add_history=True) would put it: last.
        recorder = keras.callbacks.History()
        all_callbacks = callbacks + [recorder]
    else:
        all_callbacks = callbacks
    cbks = keras.callbacks.CallbackList(
        all_callbacks,
        add_history=False,
        add_progbar=verbose != 0,
        verbose=verbose,
        epochs=initial_epoch + epochs,
        steps=steps,
        model=model,
    )
    # One epoch per compiled call whenever something may look at, or act on,
    # the model between epochs; otherwise whole chunks of epochs per call.
    chunk, rule = stop_rule(callbacks, verbose)
    per_epoch = chunk == 1
    names = runner.names
    has_val = runner.has_validation
    model.stop_training = False
    cbks.on_train_begin()
    recorded = {key: len(values) for key, values in recorder.history.items()}
    training_logs = None
    epoch = trained = initial_epoch
    end = initial_epoch + epochs
    try:
        while epoch < end and not model.stop_training:
            if per_epoch:
                cbks.on_epoch_begin(epoch)
            interrupted = None
            try:
                rows, stopped_batch = runner.train_epochs(
                    epoch, min(chunk, end - epoch), rule_values(rule)
                )
            except Interrupted as exc:
                rows, stopped_batch, interrupted = exc.rows, exc.stopped_batch, exc
            first, trained = epoch, epoch + len(rows)
            try:
                epoch, logs = report_epochs(
                    cbks,
                    model,
                    names,
                    rows,
                    epoch,
                    stopped_batch,
                    per_epoch=per_epoch,
                    has_val=has_val,
                    nan_callbacks=nan_callbacks,
                )
            except KeyboardInterrupt:
                complete_history(
                    recorder, recorded, names, rows, first, first - initial_epoch
                )
                raise
            training_logs = logs or training_logs
            if interrupted is not None:
                raise interrupted
    finally:
        runner.finish(trained > initial_epoch)
    cbks.on_train_end(logs=training_logs)
    history = model.history.history if model.history is not None else {}
    return {key: [float(v) for v in values] for key, values in history.items()}


def complete_history(history, recorded, names, rows, first, offset):
    """Record in ``history`` the epochs of ``rows`` it has not recorded.

    A KeyboardInterrupt in the callbacks of an epoch (a slow checkpoint,
    say) cuts off the History's ``on_epoch_end`` of an epoch that was
    trained.  ``rows`` are the logs of epochs ``first``, ``first + 1`` ...
    in the order of ``names``; ``offset`` is the number of epochs this
    training call ran before them, and ``recorded`` the length of each of
    ``history``'s lists when it began.  Keys that callbacks add to the
    logs stay as they are: only the engine's own are known.
    """
    for j, key in enumerate(names):
        values = history.history.setdefault(key, [])
        done = len(values) - recorded.get(key, 0) - offset
        values.extend(row[j] for row in rows[max(done, 0) :])
    epochs = getattr(history, "epoch", None)
    if epochs is not None:
        epochs.extend(e for e in range(first, first + len(rows)) if e not in epochs)
    history.model.history = history


def report_epochs(
    cbks, model, names, rows, epoch, stopped_batch, *, per_epoch, has_val, nan_callbacks
):
    """Hand the logs of epochs a compiled run trained to the callbacks.

    ``rows`` are the runs' per-epoch values in the order of ``names``, the
    first for epoch ``epoch``; ``stopped_batch`` is the batch at which a
    non-finite loss ended the last one (or None).  With ``per_epoch`` the
    caller has already called ``on_epoch_begin``.  Stops early when a
    callback sets ``model.stop_training``.  Returns ``(next epoch, logs of
    the last epoch reported or None)``.
    """
    logs = None
    for i, row in enumerate(rows):
        logs = dict(zip(names, row))
        if not per_epoch:
            cbks.on_epoch_begin(epoch)
        if stopped_batch is not None and i == len(rows) - 1:
            for cb in nan_callbacks:
                _terminate_on_nan(cb, model, stopped_batch, logs)
        if has_val and per_epoch:
            val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
            cbks.on_test_begin()
            cbks.on_test_end(val)
        cbks.on_epoch_end(epoch, logs)
        epoch += 1
        if model.stop_training:
            break
    return epoch, logs


def _terminate_on_nan(cb, model, batch, logs):
    loss = logs.get("loss")
    if getattr(cb, "raise_error", False):
        raise RuntimeError(
            f"NaN or Inf loss encountered at batch {batch}. "
            f"Loss value: {loss}. Terminating training immediately."
        )
    _print_msg(f"Batch {batch}: Invalid loss, terminating training")
    model.stop_training = True
