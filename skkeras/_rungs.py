"""The fits of a successive-halving search, each rung continuing the last.

scikit-learn's successive halving (:mod:`skkeras._halving`) evaluates the
surviving candidates at each rung with more of a resource; when the
resource is the number of epochs, the fit of a candidate at one rung is the
fit of the rung before, trained for more epochs.  :class:`Rungs` trains the
fits of one rung ahead of scikit-learn's search (as :mod:`skkeras._search`
does for a whole grid) and, where the engine's shared-run rule holds,
continues each fit from the state its candidate reached on the same split
at the rung before instead of training it again from the start.

Why that gives the same fit: the compiled engine shuffles epoch ``e`` of a
fit seeded ``s`` from ``(s, e)``, and fits that differ only in their number
of epochs share one run when they start from the same state, seed, data
and callbacks that only read the logs
(:meth:`skkeras._engine.members.Member.start`,
:func:`skkeras._engine.batch.shared_runs`).  The first rung builds each fit
afresh and records its start; a surviving candidate's fit on the same split
has the same parameters but the number of epochs, so it would be built
under the same seed from the same data (a network follows from the
estimator's parameters and the fit's seed, :mod:`skkeras._seeding`) and
start where that fit started.  It therefore takes over the fit of the rung
before itself: the estimator gets
the attributes the earlier fit had before training (its network is the
earlier fit's network, trained since), a training call is planned on it as
a warm fit (:meth:`skkeras._base.BaseKerasEstimator._prepare_fit`), and it
trains the missing epochs, from the epoch it reached, without building,
initializing or copying a network.  The call's seed, NaN checks and data
must equal those recorded, or the fit trains afresh.  Its callbacks first
see the logs of the epochs already trained (:class:`Resumed`), so that a
stopping rule counts them.  Anything else (no seed, a callback that reads
or changes the model, such as an adaptive learning rate, a schedule over
``max_iter`` or restoring the best weights; a fit the engine does not
compile) trains from the start, as scikit-learn's search trains it.
"""

import copy
import time
from dataclasses import dataclass, field, replace

import joblib
import keras

from . import _replay
from ._engine import batch as engine_batch
from ._engine import loop
from ._engine.members import Member, reads_model


class Resumed(keras.callbacks.Callback):
    """Callback ``inner`` of a fit that resumes a run: on ``on_train_begin``
    it is shown the logs ``past`` (``[(epoch, logs), ...]``) of the epochs
    the run trained before, then follows the training as usual.

    Only for callbacks that read the logs alone (not the model): for them,
    seeing the earlier epochs' logs is the same as having trained them.
    """

    def __init__(self, inner, past):
        super().__init__()
        self.inner = inner
        self.past = past

    @property
    def reads_model(self):
        return reads_model(self.inner)

    def loss_rule(self):
        rule = getattr(self.inner, "loss_rule", None)
        return None if rule is None else rule()

    def set_model(self, model):
        super().set_model(model)
        self.inner.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        self.inner.set_params(params)

    def on_train_begin(self, logs=None):
        self.inner.on_train_begin(logs)
        for epoch, past_logs in self.past:
            self.inner.on_epoch_begin(epoch)
            self.inner.on_epoch_end(epoch, dict(past_logs))

    def on_epoch_begin(self, epoch, logs=None):
        self.inner.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.inner.on_epoch_end(epoch, logs)

    def on_test_begin(self, logs=None):
        self.inner.on_test_begin(logs)

    def on_test_end(self, logs=None):
        self.inner.on_test_end(logs)

    def on_train_end(self, logs=None):
        self.inner.on_train_end(logs)


@dataclass(frozen=True)
class Reached:
    """Where a (candidate, split) fit stood at the end of a rung."""

    prepared: dict  # the estimator's attributes before its first training
    start: tuple  # its run's RunStart, before training
    data_key: str  # its run's data, as the engine keys it
    planned: int  # the epochs it was asked for
    history: dict  # the engine's logs of every epoch trained, by log name


def _attributes(estimator):
    """A copy of ``estimator``'s attributes other than its parameters, that
    later training leaves as they are (dicts and lists copied; the network
    is shared)."""
    params = estimator.get_params(deep=False)
    return _attributes_from(
        {k: v for k, v in vars(estimator).items() if k not in params}
    )


@dataclass
class RungReport:
    """How the fits of one rung were trained.

    Attributes
    ----------
    n_resources : int
        The rung's number of epochs.
    continued : int
        Fits that continued the run of the rung before, on its network.
    copied : int
        Fits whose run had already ended at the rung before (a stopping
        rule, or no more epochs): they took it over without training.
    fresh : int
        Fits trained from the start (the first rung, or no run to continue).
    epochs_trained : int
        Epochs trained by all the rung's fits together.
    vectorized : int
        Fits trained in vectorized groups (JAX, see
        :class:`skkeras.model_selection.GridSearchCV`); the others trained
        one at a time.
    alone : dict
        ``(candidate index, split index)`` to why scikit-learn's search fits
        it itself (not prepared, or its training failed).
    """

    n_resources: int
    continued: int = 0
    copied: int = 0
    fresh: int = 0
    epochs_trained: int = 0
    vectorized: int = 0
    alone: dict = field(default_factory=dict)


@dataclass
class _Job:
    """One (candidate, split) fit of a rung and how it trains."""

    cand: int
    split: int
    key: str  # the fit's fingerprint (skkeras._replay.fingerprint)
    final: object
    plan: object
    identity: str  # the candidate without its resource, and the split
    how: str = "fresh"  # or "continued", "copied"
    call: object = None  # the TrainCall to train, None when copied
    before: dict = field(default_factory=dict)  # logs of the epochs before
    start: tuple | None = None
    data_key: str | None = None
    prepared: dict | None = None  # the attributes before the run's training
    new: dict | None = None  # logs of the epochs trained now
    seconds: float = 0.0


def _attributes_from(attributes):
    """``attributes`` (see :func:`_attributes`) to give an estimator."""
    return {
        k: copy.copy(v) if isinstance(v, (dict, list)) else v
        for k, v in attributes.items()
    }


def _past_logs(history, first_epoch=0):
    """``[(epoch, logs), ...]`` of a History dict of the engine."""
    names = list(history)
    n = len(history[names[0]]) if names else 0
    return [(first_epoch + e, {k: history[k][e] for k in names}) for e in range(n)]


def _joined(before, after):
    return {k: list(before.get(k, [])) + list(after.get(k, [])) for k in after} or {
        k: list(v) for k, v in before.items()
    }


class Rungs:
    """Trains the fits of each rung of a halving search over epochs.

    Parameters
    ----------
    estimator : estimator
        The search's estimator: an skkeras estimator or a Pipeline ending in one.
    resource : str
        The parameter that sets the number of epochs (``"max_iter"``,
        ``"epochs"``, or ``"step__max_iter"`` in a pipeline).
    splits : list of (train, test)
        The search's splits, the same at every rung.
    X, y, fit_params
        The search's data and fit parameters.
    """

    def __init__(self, estimator, resource, splits, X, y, fit_params):
        self.estimator = estimator
        self.resource = resource
        self.splits = splits
        self.X = X
        self.y = y
        self.fit_params = fit_params
        self.reports = []
        # Per rung, the (candidate, split) seconds spent training ahead,
        # filled in by the search once scikit-learn has taken the fits.
        self.fit_times = []
        self._reached = {}

    def _identity(self, params, split):
        kept = {k: _replay.token(v) for k, v in params.items() if k != self.resource}
        return joblib.hash((kept, split))

    def train(self, candidates):
        """Train every (candidate, split) fit of a rung; return the
        :class:`skkeras._replay.Store` scikit-learn's search takes them from."""
        store = _replay.Store()
        report = RungReport(int(candidates[0][self.resource]) if candidates else 0)
        # The candidates scikit-learn dropped at the rung before go on no more.
        alive = {
            self._identity(params, split)
            for params in candidates
            for split in range(len(self.splits))
        }
        self._reached = {k: v for k, v in self._reached.items() if k in alive}
        jobs = []
        for cand, params in enumerate(candidates):
            for split, (train, _) in enumerate(self.splits):
                start = time.perf_counter()
                try:
                    job = self._plan_job(cand, split, params, train)
                except Exception as exc:  # noqa: BLE001 - scikit-learn fits it
                    report.alone[(cand, split)] = (
                        f"not prepared ({exc!r}); fitted by scikit-learn"
                    )
                    continue
                job.seconds = time.perf_counter() - start
                jobs.append(job)
        trained = [j for j in jobs if j.call is not None]
        histories, result = engine_batch.train_many(
            [j.call for j in trained], grouped=True
        )
        report.vectorized = sum(
            len(group["members"]) for group in result["groups"] if group["vectorized"]
        )
        for i, job in enumerate(trained):
            job.new = histories[i]
            job.seconds += result["seconds"][i]
            if histories[i] is None:
                failure = result["failed"].get(i)
                report.alone[(job.cand, job.split)] = (
                    f"training failed ({failure!r}); fitted by scikit-learn"
                )
        for job in jobs:
            if job.call is None or job.new is not None:
                self._finish(job, store, report)
        self.reports.append(report)
        return store

    def _fit_inputs(self, params, train):
        from ._search import fit_inputs

        return fit_inputs(
            self.estimator, params, self.X, self.y, train, self.fit_params
        )

    def _plan_job(self, cand, split, params, train):
        """The :class:`_Job` of a fit: it continues the run its candidate
        reached on this split at the rung before, or trains afresh."""
        identity = self._identity(params, split)
        # The job takes the run over: a job that fails leaves none behind.
        prev = self._reached.pop(identity, None)
        fit = self._fit_inputs(params, train)
        if prev is not None:
            job = self._continued_job(cand, split, identity, fit, prev)
            if job is not None:
                return job
            fit = self._fit_inputs(params, train)  # a clone it did not touch
        final = fit.final
        plan = final._prepare_fit(fit.X, fit.y, fit.sample_weight, fit.fit_params)
        job = _Job(cand, split, fit.key, final, plan, identity)
        job.call = plan.train_call
        member = Member(0, job.call)
        if member.plan().key is not None:
            job.start = member.start()
            if job.start is not None:
                job.data_key = member.data_key()
                job.prepared = _attributes(final)
        return job

    def _continued_job(self, cand, split, identity, fit, prev):
        """The job that continues ``prev`` on its network, or None when the
        fit differs from the one recorded (its seed, NaN checks or data)."""
        final = fit.final
        vars(final).update(_attributes_from(prev.prepared))
        plan = final._prepare_fit(
            fit.X, fit.y, fit.sample_weight, fit.fit_params, warm=True
        )
        call = plan.train_call
        member = Member(0, call)
        if (
            member.plan().key is None
            or call.seed != prev.start.seed
            or call.initial_epoch != prev.start.initial_epoch
            or bool(loop.nan_checks(call.callbacks)) != prev.start.check_nan
            or any(reads_model(cb) for cb in call.callbacks)
            or member.data_key() != prev.data_key
            or getattr(call.model.optimizer, "use_ema", False)
        ):
            return None
        job = _Job(cand, split, fit.key, final, plan, identity, before=prev.history)
        job.start, job.data_key, job.prepared = prev.start, prev.data_key, prev.prepared
        done = len(next(iter(prev.history.values()), []))
        if done < prev.planned or done >= call.epochs:
            # The run ended there (a stopping rule), or has no epochs to add.
            job.how, job.call = "copied", None
            return job
        past = _past_logs(prev.history)
        callbacks = [
            cb if isinstance(cb, keras.callbacks.TerminateOnNaN) else Resumed(cb, past)
            for cb in call.callbacks
        ]
        job.how = "continued"
        job.call = replace(
            call,
            initial_epoch=call.initial_epoch + done,
            epochs=call.epochs - done,
            callbacks=callbacks,
        )
        return job

    def _finish(self, job, store, report):
        new = job.new or {}
        history = _joined(job.before, new)
        start = time.perf_counter()
        try:
            job.final._finish_fit(job.plan, copy.deepcopy(history))
        except Exception as exc:  # noqa: BLE001 - scikit-learn's search refits it
            report.alone[(job.cand, job.split)] = (
                f"not finished ({exc!r}); fitted by scikit-learn"
            )
            return
        seconds = job.seconds + time.perf_counter() - start
        store.put(job.key, job.final, (job.cand, job.split, seconds))
        setattr(report, job.how, getattr(report, job.how) + 1)
        report.epochs_trained += len(next(iter(new.values()), []))
        if job.prepared is not None:
            self._reached[job.identity] = Reached(
                job.prepared,
                job.start,
                job.data_key,
                int(job.plan.train_call.epochs),
                history,
            )
