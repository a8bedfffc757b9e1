"""The plan of one fit: what it decided before its training loop.

:meth:`BaseKerasEstimator._prepare_fit <skkeras._base.BaseKerasEstimator._prepare_fit>`
returns a :class:`FitPlan`; the training loop runs its :class:`TrainingCall`,
and the fitted estimator keeps the plan of its last fit, without the call, as
``_fit_plan``: a warm fit continues from it, and :func:`skkeras.save` stores
its fields.
"""

from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True)
class TrainingCall:
    """One training call of a fit, and what the estimator reads back.

    Attributes
    ----------
    train : skkeras._engine.TrainCall
        What the training loop runs (the model, the arrays and the training
        options), as :func:`skkeras._engine.train_call` takes it.
    options : dict
        The estimator's training options (its callbacks among them), which
        :meth:`BaseKerasEstimator._finish_fit` reads back.
    previous_history : keras.callbacks.History or None
        The model's history before this call, to tell the epochs of an
        interrupted call from earlier ones.
    """

    train: object
    options: dict
    previous_history: object = None


@dataclass(frozen=True)
class FitPlan:
    """What one fit decided before training.

    Attributes
    ----------
    batch_size : int or None
        Rows per training step.  None where a file of an earlier skkeras
        did not record it (the general wrappers decide it again at each fit).
    n_train : int or None
        Training rows, those held out for validation excluded.  None as
        ``batch_size``.
    weight_scale : float
        The mean sample weight of the fit that built the network (1.0
        without weights): training weights are rescaled to mean 1, and a
        penalty scikit-learn divides by their sum is divided by it.
    initial_learning_rate : float or None
        The learning rate of the compiled network before training, from
        which learning-rate schedules start; None only in the plan that
        ``_build_model`` sees, before the network is compiled.
    seed : int or None
        The fit's seed (None: not seeded).
    x_dtype : {"float32", "float64"}
        The float type of ``X`` at the fit that built the network: the MLPs'
        ``coefs_``, ``intercepts_`` and regression predictions are in it, as
        scikit-learn's MLP's are.  "float64" in files of earlier skkeras.
    call : TrainingCall or None
        The training call; None in the plan the estimator keeps, which
        holds no training data.
    """

    batch_size: int | None
    n_train: int | None
    weight_scale: float
    initial_learning_rate: float | None
    seed: int | None
    x_dtype: str = "float64"
    call: TrainingCall | None = field(default=None, repr=False, compare=False)

    @property
    def train_call(self):
        """The :class:`skkeras._engine.TrainCall` the training loop runs."""
        return self.call.train

    def kept(self):
        """This plan without its training call: what the estimator keeps."""
        return replace(self, call=None)


# The fields a saved plan has (the call is not saved).
SAVED_FIELDS = tuple(f.name for f in fields(FitPlan) if f.name != "call")
# Saved fields that files of earlier skkeras versions lack (their default
# holds for those files).
LATER_FIELDS = ("x_dtype",)
X_DTYPES = ("float32", "float64")


def x_dtype(X):
    """The name of ``X``'s float type as a plan records it: "float32" for
    float32 ``X``, "float64" for anything else."""
    return "float32" if getattr(X, "dtype", None) == "float32" else "float64"


# The private attributes that held the plan's fields before it existed, in
# pickles and files of earlier skkeras versions (the seed was not kept; the
# general wrappers kept the last two only).
EARLIER_NAMES = {
    "_fit_batch_size": "batch_size",
    "_n_train_samples": "n_train",
    "_weight_scale": "weight_scale",
    "_initial_learning_rate": "initial_learning_rate",
}


def with_plan_of_earlier_names(state):
    """Return an estimator's attributes ``state`` with the attributes that
    earlier versions kept (:data:`EARLIER_NAMES`) turned into ``_fit_plan``.

    ``state`` is returned unchanged if it holds none of them, or a plan
    already.  The values are not checked.
    """
    if "_fit_plan" in state or not any(name in state for name in EARLIER_NAMES):
        return state
    state = dict(state)
    fields = {field: state.pop(name, None) for name, field in EARLIER_NAMES.items()}
    state["_fit_plan"] = FitPlan(**fields, seed=None)
    return state
