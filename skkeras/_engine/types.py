"""The types that travel between the modules of the compiled engine."""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol


class Unsupported(Exception):
    """Raised when the engine cannot reproduce ``fit`` for a model."""


class Interrupted(KeyboardInterrupt):
    """A KeyboardInterrupt that reached a runner after its compiled call had
    trained: the model holds the weights of the epochs in ``rows`` (with
    ``stopped_batch`` as ``runner.train_epochs`` returns them), which :func:`drive`
    records before passing the interrupt on."""

    def __init__(self, rows, stopped_batch):
        super().__init__()
        self.rows = rows
        self.stopped_batch = stopped_batch


class CacheKey(NamedTuple):
    """Where :func:`skkeras._engine.cache.lookup` keeps an entry."""

    shared: Hashable | None  # the structure key, or None: not shareable
    local: Hashable  # the model's own identity (cache.model_identity)
    spec: Hashable  # what the function is specialised for


class PredictSpec(NamedTuple):
    """What a compiled prediction function is specialised for."""

    batch_size: int | None  # None: the batches are an axis of the input
    shape: tuple  # of a row of the input
    dtype: str


class CacheInfo(NamedTuple):
    """How many compiled entries :mod:`skkeras._engine.cache` keeps."""

    shared: int  # shared by architecture
    per_model: int  # kept for one model each


class LoopArrays(NamedTuple):
    """The arrays of one training call, as a compiled loop takes them."""

    x: object
    y: object
    sw: object  # sample weights, or None
    x_val: object  # validation arrays, or None
    y_val: object
    sw_val: object


@dataclass(frozen=True)
class LoopSpec:
    """What a compiled training loop is specialised for (part of its cache key).

    ``shapes`` holds, for every array of :class:`LoopArrays` in order, its
    shape past the first axis and its dtype, or None for an absent array.
    """

    batch_size: int
    val_batch_size: int
    shuffle: bool
    has_weights: bool
    has_validation: bool
    has_val_weights: bool
    shapes: tuple


class GroupKey(NamedTuple):
    """What the fits of one vectorized group agree on."""

    structure: Hashable  # the models' structure key
    spec: LoopSpec


@dataclass(frozen=True)
class TrainCall:
    """One call of :func:`skkeras._engine.train`: its arguments, completed
    with its defaults and normalised as it normalises them (fresh
    ``callbacks`` list and ``fit_kwargs`` dict; ``verbose="auto"`` is 1 and
    ``batch_size=None`` is 32, as in Keras).  See the package's docstring
    for what each means."""

    model: object
    x: object
    y: object
    sample_weight: object = None
    epochs: int = 1
    initial_epoch: int = 0
    batch_size: int = 32
    shuffle: object = True
    validation_data: object = None
    callbacks: list = field(default_factory=list)
    verbose: object = 0
    seed: int | None = None
    fit_kwargs: dict = field(default_factory=dict)

    def __post_init__(self):
        normalised = {
            "callbacks": list(self.callbacks or []),
            "fit_kwargs": dict(self.fit_kwargs or {}),
            "verbose": 1 if self.verbose == "auto" else self.verbose,
            "batch_size": 32 if self.batch_size is None else self.batch_size,
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)

    @property
    def val_batch_size(self):
        """The batch size of validation (``validation_batch_size`` in
        ``fit_kwargs``, else ``batch_size``)."""
        return self.fit_kwargs.get("validation_batch_size") or self.batch_size


class Plan(NamedTuple):
    """How one of many calls trains: in the group of ``key`` (a
    :class:`GroupKey`), or alone (``key`` None) for ``reason``."""

    key: GroupKey | None
    reason: str | None


class RunStart(NamedTuple):
    """What fixes a fit's run apart from its data and length: fits with
    equal starts (and data) share a run."""

    seed: int
    initial_epoch: int
    check_nan: bool
    state_hash: str  # of the model's weights and optimizer state


class LossRule(NamedTuple):
    """The loss rule a compiled call may stop on (see
    :func:`skkeras._engine.loop.stop_rule`)."""

    tol: float
    patience: float
    best: float
    count: int


class State(NamedTuple):
    """The training state the JAX loop carries (Keras' ``train_step`` state)."""

    trainable: list
    non_trainable: list
    optimizer: list
    metrics: list


class TestState(NamedTuple):
    """The state of Keras' JAX ``test_step``: no optimizer."""

    trainable: list
    non_trainable: list
    metrics: list


class LoopArgs(NamedTuple):
    """The arguments of the JAX epoch loop: a pytree, so that ``jax.vmap``
    axes are given per field (see :mod:`skkeras._engine.jax_batch`)."""

    state: State
    data: LoopArrays  # padded to a bucket of rows
    n: object  # the real numbers of training and validation rows
    nv: object
    seed: object
    first_epoch: object
    n_epochs: object  # at most this many epochs this call
    check_nan: object  # stop an epoch at a non-finite loss
    remainder_index: object  # which size of the last, partial batch
    val_remainder_index: object
    rule: LossRule


class LoopResult(NamedTuple):
    """What a call of the JAX epoch loop returns."""

    state: State
    rows: object  # logs, one row per epoch (EPOCH_CHUNK rows, ``done`` used)
    done: object  # epochs run
    stopped: object  # the batch a non-finite loss stopped at, or -1


class Runner(Protocol):
    """Trains chunks of epochs of one model in compiled calls, for
    :func:`skkeras._engine.loop.drive`."""

    names: list  # the log names of a row, in order
    has_validation: bool

    def train_epochs(self, first_epoch, n_epochs, rule):
        """Train up to ``n_epochs`` epochs from ``first_epoch`` in one call,
        ending early where the :class:`LossRule` ``rule`` may stop; return
        ``(rows, stopped batch or None)``, or raise :class:`Interrupted`."""

    def finish(self, ran):
        """End the training (``ran``: some epoch was trained)."""


class Backend(Protocol):
    """A compiled engine of one Keras backend."""

    name: str

    def model_reason(self, model):
        """Why this backend leaves ``model`` to Keras, or None."""

    def make_train_runner(
        self,
        model,
        x,
        y,
        sw,
        val,
        *,
        batch_size,
        val_batch_size,
        shuffle,
        seed,
        check_nan=False,
    ):
        """A :class:`Runner` for one training call; raises
        :class:`Unsupported`."""

    def predict(self, model, x, batch_size=None):
        """Compiled ``model.predict(x)``; raises :class:`Unsupported`."""


class ModuleBackend:
    """A :class:`Backend` whose functions are those of a backend module
    (:mod:`skkeras._engine.tensorflow`, :mod:`skkeras._engine.jax`),
    looked up at each call, so that patching the module patches the
    backend."""

    def __init__(self, name, module):
        self.name = name
        self._module = module

    def model_reason(self, model):
        return self._module.model_reason(model)

    def make_train_runner(self, model, x, y, sw, val, **options):
        return self._module.make_train_runner(model, x, y, sw, val, **options)

    def predict(self, model, x, batch_size=None):
        return self._module.predict(model, x, batch_size)


class Route(NamedTuple):
    """Where :func:`skkeras._engine.dispatch.compiled_route` sends a call:
    a backend and the call's validation arrays ``(x_val, y_val, sw_val)``
    (None without validation data), or Keras and the reason."""

    backend: Backend | None  # None: Keras
    validation: tuple | None
    reason: str | None


class Refusal(str):
    """Why a call goes to Keras: the message itself (a ``str``, as
    :func:`skkeras._engine.last_dispatch` reports it) and a short ``code``:
    ``"config"``, ``"arguments"``, ``"data"``, ``"model"``, ``"callbacks"``,
    ``"backend"`` or ``"trace"``."""

    code: str

    def __new__(cls, code, message):
        self = super().__new__(cls, message)
        self.code = code
        return self

    def __reduce__(self):
        return (type(self), (self.code, str(self)))

    def __repr__(self):
        return f"Refusal({self.code!r}, {str(self)!r})"


class ValueAndGrad(Protocol):
    """A compiled objective of the flat weights and its gradient, for
    :func:`skkeras._engine.lbfgs.minimize` (built by a backend's
    ``*_lbfgs`` module, kept in :mod:`skkeras._engine.cache`)."""

    shareable: bool  # whether models of the same architecture may run it

    def context(self):
        """A context manager that :meth:`convert` and :meth:`call` run in
        (JAX: 64-bit mode)."""

    def convert(self, x, y, sw, alpha):
        """The data of one fit as the backend's arrays (once per fit)."""

    def call(self, flat, data):
        """``(objective, gradient)`` at the float64 vector ``flat``: a
        Python float and a float64 NumPy array."""
