"""The network, parameters and training options shared by the MLP estimators.

:class:`_BaseMLP` maps scikit-learn's MLP parameters (``hidden_layer_sizes``,
``alpha``, ``solver``, ``learning_rate`` ...) onto a dense Keras network,
its optimizer and the training loop's options, and derives scikit-learn's
fitted attributes (``loss_curve_``, ``t_`` ...) from the history;
:mod:`skkeras._mlp` adds the classifier's and the regressor's outputs.
"""

import copy
import os
import random
import warnings
from numbers import Integral, Real

import keras
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._base import BaseKerasEstimator
from ._callbacks import Convergence, InverseScaling
from ._forward import ForwardCache, numpy_forward
from ._keras_objects import make_callbacks, make_loss
from ._mlp_attributes import MLPWeightsMixin, take_assigned
from ._mlp_init import SCIKIT_LEARN, assign_initial_weights, layer_initializers
from ._mlp_iterations import IterationLog, count_epochs
from ._mlp_lbfgs import fit_lbfgs, uses_lbfgs
from ._schedules import EpochSchedule, make_schedule
from ._sklearn_compat import Interval, Options, StrOptions, validate_params
from ._tabular_input import TABULAR_PARAMETER_CONSTRAINTS
from ._tabular_network import body_of
from ._training_data import RandomSplit

# scikit-learn's activation names, mapped to Keras' (Keras names pass through).
_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid"}
_KERAS_TO_SKLEARN_ACTIVATION = {
    "linear": "identity",
    "sigmoid": "logistic",
    "exponential": "exp",
}
SOLVERS = (
    "adam",
    "sgd",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adamax",
    "nadam",
    "adamw",
    "lbfgs",
)
# Keras' optimizer class of each solver name (lbfgs networks carry Adam).
_OPTIMIZER_CLASSES = {
    "adam": "Adam",
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "adamax": "Adamax",
    "nadam": "Nadam",
    "adamw": "AdamW",
}
_REGRESSION_LOSSES = {
    "squared_error": "mean_squared_error",
    "absolute_error": "mean_absolute_error",
    "huber": "huber",
    "poisson": "poisson",
}


def _is_scikit_learn_init(spec):
    return isinstance(spec, str) and spec == SCIKIT_LEARN


class _LayerSeeds:
    """Seeds for the random layers of one network, from the fit's seed.

    With ``seed=None`` every layer keeps Keras' default (a fresh draw).
    """

    def __init__(self, seed):
        self._rng = None if seed is None else random.Random(seed)

    def next(self):
        return None if self._rng is None else self._rng.randint(1, 10**9)

    def initializer(self, spec):
        """``spec`` (a name or an Initializer) as a new, seeded Initializer."""
        init = keras.initializers.get(
            copy.deepcopy(spec)
            if isinstance(spec, keras.initializers.Initializer)
            else spec
        )
        config = init.get_config()
        if self._rng is None or "seed" not in config or config["seed"] is not None:
            return init
        config["seed"] = self.next()
        return type(init).from_config(config)


class _BaseMLP(MLPWeightsMixin, BaseKerasEstimator):
    """Parameters and network of the MLP estimators."""

    _epochs_param = "max_iter"

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 0, None, closed="left"),
        ],
        "activation": [str],
        "solver": [StrOptions(set(SOLVERS)), keras.optimizers.Optimizer],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "input_dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_normalization": ["boolean"],
        "kernel_initializer": [str, keras.initializers.Initializer],
        "kernel_constraint": [
            None,
            Interval(Real, 0, None, closed="neither"),
            str,
            keras.constraints.Constraint,
        ],
        "callbacks": [None, list, keras.callbacks.Callback],
        "lr_schedule": [None, str, EpochSchedule],
        "checkpoint": [None, str, os.PathLike],
        **TABULAR_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        input_dropout=0.0,
        batch_normalization=False,
        kernel_initializer=SCIKIT_LEARN,
        kernel_constraint=None,
        callbacks=None,
        lr_schedule=None,
        checkpoint=None,
        categorical_features="from_dtype",
        max_onehot_categories=32,
        embedding_dim="auto",
        standardize=True,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.batch_normalization = batch_normalization
        self.kernel_initializer = kernel_initializer
        self.kernel_constraint = kernel_constraint
        self.callbacks = callbacks
        self.lr_schedule = lr_schedule
        self.checkpoint = checkpoint
        self.categorical_features = categorical_features
        self.max_onehot_categories = max_onehot_categories
        self.embedding_dim = embedding_dim
        self.standardize = standardize

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def _check_params(self):
        validate_params(self)
        if self.lr_schedule is not None and self.learning_rate != "constant":
            raise ValueError(
                f"lr_schedule={self.lr_schedule!r} and learning_rate="
                f"{self.learning_rate!r} both set the learning rate; use "
                "learning_rate='constant' with an lr_schedule."
            )
        sizes = self._hidden_sizes()
        if any(int(s) < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive layer widths; got "
                f"{self.hidden_layer_sizes!r}."
            )
        rates = self._dropout_rates(len(sizes))
        if any(not 0 <= r < 1 for r in rates):
            raise ValueError(f"dropout rates must be in [0, 1); got {self.dropout!r}.")
        try:
            keras.activations.get(_ACTIVATIONS.get(self.activation, self.activation))
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"activation={self.activation!r} is neither one of scikit-learn's "
                "('identity', 'logistic', 'tanh', 'relu') nor a Keras activation "
                "name (e.g. 'elu', 'gelu', 'selu', 'swish')."
            ) from exc

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, (Integral, np.integer)):
            return [int(sizes)]
        return [int(s) for s in sizes]

    def _dropout_rates(self, n_layers):
        dropout = self.dropout
        if isinstance(dropout, (Real, np.floating, np.integer)):
            return [float(dropout)] * n_layers
        rates = [float(r) for r in dropout]
        if len(rates) != n_layers:
            raise ValueError(
                f"dropout has {len(rates)} rates but there are {n_layers} hidden "
                "layers; give one rate per hidden layer, or a single float."
            )
        return rates

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"Got `batch_size` larger than the number of training samples "
                f"({n_samples}); it is clipped to {n_samples}.",
                UserWarning,
                stacklevel=2,
            )
        return min(self.batch_size, n_samples)

    # ------------------------------------------------------------------
    # Network
    # ------------------------------------------------------------------
    def _kernel_constraint(self):
        constraint = self.kernel_constraint
        if isinstance(constraint, Real) and not isinstance(constraint, bool):
            return keras.constraints.MaxNorm(float(constraint))
        if isinstance(constraint, keras.constraints.Constraint):
            return copy.deepcopy(constraint)
        return constraint

    def _train_rows(self, n_samples):
        if self.early_stopping and not uses_lbfgs(self):
            return n_samples - int(np.ceil(n_samples * self.validation_fraction))
        return n_samples

    def _planned_batch_size(self, n_train):
        if uses_lbfgs(self):
            return n_train  # full batch: batch_size does not apply
        return self._batch_size(max(n_train, 1))

    def _build_model(self, meta, X, y, plan):
        sizes = self._hidden_sizes()
        # scikit-learn's penalty: alpha / 2 * ||W||^2 over the sum of the
        # sample weights of a batch (the batch size times their mean).
        # (With lbfgs the penalty is in the L-BFGS objective instead.)
        l2 = self.alpha / (2.0 * plan.batch_size * plan.weight_scale)
        if uses_lbfgs(self):
            l2 = 0.0
        activation = _ACTIVATIONS.get(self.activation, self.activation)
        # Every random layer gets its seed from the fit's own generator, not
        # from Python's global one, which other threads (a Dask worker's)
        # may draw from while the model is built.
        seeds = _LayerSeeds(meta.get("seed_"))

        # Fixed names, the same in every fit: on TensorFlow each variable
        # created under a name not seen before (Keras' automatic ones:
        # "dense_7", "sequential_3", "adam_2" ...) adds an entry to the
        # eager kernel cache that is never freed (~35 KiB a variable, ~0.4
        # MiB a fit).  They are the network's own; Keras' name counters,
        # which the user's layers draw from, are left alone.
        sklearn_init = _is_scikit_learn_init(self.kernel_initializer)

        def dense(fan_in, units, act, name):
            if sklearn_init:
                kernel_init, bias_init = layer_initializers(
                    fan_in, units, self.activation, seeds.next()
                )
            else:
                kernel_init = seeds.initializer(self.kernel_initializer)
                bias_init = "zeros"
            return keras.layers.Dense(
                units,
                activation=act,
                kernel_initializer=kernel_init,
                bias_initializer=bias_init,
                kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None,
                kernel_constraint=self._kernel_constraint(),
                name=name,
            )

        def dropout(rate, name):
            return keras.layers.Dropout(rate, seed=seeds.next(), name=name)

        layers = [keras.Input((meta["n_features_in_"],), name="input")]
        if self.input_dropout:
            layers.append(dropout(self.input_dropout, "input_dropout"))
        rates = self._dropout_rates(len(sizes))
        fans_in = [meta["n_features_in_"], *sizes]
        for i, (width, rate) in enumerate(zip(sizes, rates), start=1):
            layers.append(dense(fans_in[i - 1], width, activation, f"hidden_{i}"))
            if self.batch_normalization:
                layers.append(
                    keras.layers.BatchNormalization(name=f"batch_normalization_{i}")
                )
            if rate:
                layers.append(dropout(rate, f"dropout_{i}"))
        units = meta["n_outputs_expected_"]
        layers.append(
            dense(fans_in[-1], units, self._output_activation(meta), "output")
        )
        model = keras.Sequential(layers, name="mlp")
        if sklearn_init:
            assign_initial_weights(
                [
                    layer
                    for layer in model.layers
                    if isinstance(layer, keras.layers.Dense)
                ],
                self.activation,
                meta.get("seed_"),
            )
        return model

    def _optimizer(self):
        if isinstance(self.solver, keras.optimizers.Optimizer):
            return type(self.solver).from_config(self.solver.get_config())
        # float(): Keras refuses an int learning rate or momentum (1, 0),
        # which scikit-learn's range [0, 1] includes.
        kwargs = {"learning_rate": float(self.learning_rate_init)}
        # An lbfgs network is compiled with Adam, so that model_ stays
        # trainable by Keras; the lbfgs fit itself never uses it.
        solver = "adam" if uses_lbfgs(self) else self.solver
        if solver == "sgd":
            kwargs.update(
                momentum=float(self.momentum),
                nesterov=bool(self.nesterovs_momentum and self.momentum > 0),
            )
        elif solver in ("adam", "adamax", "nadam", "adamw"):
            kwargs.update(
                beta_1=float(self.beta_1),
                beta_2=float(self.beta_2),
                epsilon=float(self.epsilon),
            )
        cls = getattr(keras.optimizers, _OPTIMIZER_CLASSES[solver])
        # A fixed name, as the network's layers have (see _build_model).
        return cls(name=solver, **kwargs)

    def _compile_model(self, model, default_loss):
        # The score (accuracy or R^2) is tracked only where it is used, for
        # early stopping on the validation data, as scikit-learn's MLP does:
        # computing it at every step costs ~20% of a small network's fit.
        # Scaled to scikit-learn's loss (its values in loss_curve_, its step
        # sizes for "sgd", its tol for stopping): see _loss_weight.
        weight = self._loss_weight()
        model.compile(
            optimizer=self._optimizer(),
            loss=make_loss(self._loss(default_loss), {}),
            loss_weights=None if weight == 1.0 else weight,
            metrics=[self._score_metric()] if self.early_stopping else None,
        )

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------
    def _network_output(self, X, **predict_params):
        # The network is evaluated in float64 with NumPy, from its current
        # weights: each row's output then depends on that row alone, not on
        # the batch around it as Keras' float32 products do, and a small
        # call skips Keras' dispatch.  A model it cannot evaluate exactly
        # (a replaced model_, a float16 policy ...) goes to Keras, as do
        # keyword arguments of predict (which the base class refuses).
        if predict_params:
            forward = None
        else:
            # The cache is set by each fit and by skkeras.load; an estimator
            # unpickled from an earlier version has none and builds the
            # function per call.
            cache = vars(self).get("_forward_cache")
            model = self.model_
            forward = numpy_forward(model) if cache is None else cache.forward(model)
        if forward is None:
            return super()._network_output(X, **predict_params)
        return forward(X)

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------
    def _fit_alone(self, X, y, sample_weight, fit_params, *, warm, epochs, classes):
        if uses_lbfgs(self):  # partial_fit does not exist for lbfgs
            return fit_lbfgs(self, X, y, sample_weight, fit_params, warm=warm)
        return super()._fit_alone(
            X, y, sample_weight, fit_params, warm=warm, epochs=epochs, classes=classes
        )

    def _prepare_fit(self, X, y, sample_weight, fit_params, **kwargs):
        if uses_lbfgs(self):
            # Searches train prepared calls ahead; lbfgs fits run one by one.
            raise ValueError("solver='lbfgs' does not train in the engine's loop")
        return super()._prepare_fit(X, y, sample_weight, fit_params, **kwargs)

    def _train_options(self, fit_params, X, plan):
        if fit_params:
            raise TypeError(
                f"{type(self).__name__}.fit got unexpected keyword arguments "
                f"{sorted(fit_params)}; set training options as estimator "
                "parameters (e.g. max_iter, batch_size, callbacks)."
            )
        convergence = Convergence(
            self.tol,
            self.n_iter_no_change,
            monitor_score=self.early_stopping,
            restore_best=self.early_stopping,
            adaptive=self.learning_rate == "adaptive",
        )
        callbacks = make_callbacks(self.callbacks, {})
        stops = (
            np.isfinite(self.n_iter_no_change)
            or self.early_stopping
            or self.learning_rate == "adaptive"
        )
        if stops:
            # With n_iter_no_change=inf and nothing else to do per epoch the
            # rule never acts and is left out.  On the training loss alone
            # the engine evaluates it inside its loop and still runs chunks
            # of epochs per compiled call (skkeras._engine.loop.stop_rule).
            callbacks.append(convergence)
        schedule = make_schedule(
            self.lr_schedule, plan.initial_learning_rate, self.max_iter
        )
        if schedule is not None:
            callbacks.append(schedule)
        if self.learning_rate == "invscaling":
            callbacks.append(
                InverseScaling(self.learning_rate_init, self.power_t, plan.n_train)
            )
        if self.verbose:
            # scikit-learn's lines ("Iteration 1, loss = ..."), not Keras' bar.
            callbacks.append(
                IterationLog(self.early_stopping, convergence if stops else None)
            )
        return {
            "epochs": self.max_iter,
            "batch_size": plan.batch_size,
            "shuffle": self.shuffle,
            "verbose": 0,
            "callbacks": callbacks,
            "validation": RandomSplit(self.validation_fraction)
            if self.early_stopping
            else None,
        }

    def _record(self, history, options):
        super()._record(history, options)
        convergence = next(
            (cb for cb in options["callbacks"] if isinstance(cb, Convergence)), None
        )
        converged = convergence is not None and convergence.converged
        if (
            not converged
            and self.max_iter > 1
            and len(history.get("loss", [])) == self.max_iter
        ):
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=2,
            )

    def _prepare_fit(
        self, X, y, sample_weight, fit_params, *, warm=False, epochs=None, classes=None
    ):
        partial = epochs is not None  # partial_fit trains one epoch
        if partial and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: one epoch "
                "has no validation score to stop on. Set early_stopping=False "
                "for partial_fit, or use fit."
            )
        assigned = take_assigned(self)
        plan = super()._prepare_fit(
            X,
            y,
            sample_weight,
            fit_params,
            warm=warm,
            epochs=epochs,
            classes=classes,
        )
        if assigned and not warm and (partial or self.warm_start):
            # As scikit-learn: coefs_/intercepts_ assigned before the first
            # partial_fit (or warm-started fit) are its starting weights.
            self._load_assigned_weights(assigned)
        return plan

    def _random_validation_indices(self, y, fraction, seed):
        val_idx = super()._random_validation_indices(y, fraction, seed)
        if val_idx.size < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset: early_stopping=True holds out "
                f"{val_idx.size} of the {len(y)} samples, and a validation "
                "score needs at least 2."
            )
        return val_idx

    def _initialize(self, X, y, plan, classes=None):
        learning_rate = super()._initialize(X, y, plan, classes=classes)
        self.t_ = 0
        # scikit-learn's n_outputs_: the output units (n_classes for a
        # multiclass target, 1 for a binary one), not the target's columns.
        self.n_outputs_ = int(self.target_encoder_.output_units())
        return learning_rate

    def _count_epochs(self, n_epochs):
        count_epochs(self, n_epochs)

    def _epochs_trained(self):
        return len(self.history_.get("loss", []))

    def _restore_runtime_state(self):
        # Filled at the first prediction (predict must not add attributes).
        self._forward_cache = ForwardCache()

    def _derive_fitted(self):
        """scikit-learn's fitted attributes, from ``history_`` and ``n_iter_``."""
        self._restore_runtime_state()
        self.loss_curve_ = list(self.history_.get("loss", []))
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        self.n_layers_ = len(self._hidden_sizes()) + 2
        output = body_of(self.model_).layers[-1]
        self.out_activation_ = _KERAS_TO_SKLEARN_ACTIVATION.get(
            output.activation.__name__, output.activation.__name__
        )
        if self.early_stopping:
            self.validation_scores_ = list(self.history_.get("val_score", []))
            self.best_validation_score_ = max(self.validation_scores_, default=None)
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_, default=None)
