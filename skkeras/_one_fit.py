"""One fit of an estimator at a time: a second one, concurrent, is refused."""

import contextlib
import threading

# The estimators whose fit is running, by id, with the thread running it.  An
# entry lives only while its fit runs, which holds the estimator (so its id
# cannot be reused meanwhile); the estimator itself stores nothing, so
# clone, get_params, pickling, copy.deepcopy and skkeras.save never see it.
_FITTING = {}
_FITTING_LOCK = threading.Lock()


@contextlib.contextmanager
def one_fit_at_a_time(estimator):
    """Run the block as the only fit of ``estimator``; refuse a second one.

    Two fits of one estimator object at once (``fit`` or ``partial_fit``
    from two threads) would train one network with both and mix their
    fitted attributes; the second raises :class:`RuntimeError` at once
    instead of waiting, since the first one's result would be lost anyway.
    """
    key, me = id(estimator), threading.get_ident()
    with _FITTING_LOCK:
        owner = _FITTING.get(key)
        if owner is None:
            _FITTING[key] = me
    if owner is not None:
        name = type(estimator).__name__
        if owner == me:
            raise RuntimeError(
                f"This {name} is being fitted, and its fit was called again from "
                "within (by a callback?); fit a clone of it instead "
                "(sklearn.base.clone)."
            )
        raise RuntimeError(
            f"This {name} is already being fitted in another thread; clone it "
            "(sklearn.base.clone) and fit each clone in its own thread."
        )
    try:
        yield
    finally:
        with _FITTING_LOCK:
            del _FITTING[key]
