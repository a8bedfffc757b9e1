"""The fit chain shared by every skkeras estimator.

:class:`BaseKerasEstimator` validates data at the door, builds and compiles a
network (``_build_model``, supplied by each estimator), encodes the target,
splits off validation data, hands the arrays to the training loop in
:mod:`skkeras._engine`, and records the history.  The chain is a handful of
small methods so that each estimator overrides only what differs:

``fit`` / ``partial_fit``
    -> ``_fit``: validate, then ``_initialize`` unless continuing
    -> ``_training_data``: encode targets, weights, validation split
    -> ``_engine.train`` -> ``_record``: history and fitted attributes
``initialize``
    -> validate, then ``_initialize``: a network ready to predict, untrained

The steps that are not the chain itself live in their own modules: the
validation of ``X`` and ``y`` (:mod:`skkeras._input_validation`), the
training arrays and validation split (:mod:`skkeras._training_data`), the
checks of data and models (:mod:`skkeras._fit_checks`), the plan a fit
decides (:mod:`skkeras._fit_plan`) and the guard against concurrent fits
(:mod:`skkeras._one_fit`).
"""

import contextlib
import warnings
from dataclasses import replace

import keras
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import _engine, _trained_ahead
from ._callbacks import BestCheckpoint, check_checkpoint
from ._encoders import TransformerTarget, n_rows
from ._fit_checks import (
    check_finite_loss,
    check_finite_weights,
    check_float_range,
    check_output_shape,
    check_trainable,
    output_shape,
    shape_units,
)
from ._fit_plan import FitPlan, TrainingCall, with_plan_of_earlier_names, x_dtype
from ._input_validation import InputValidationMixin
from ._keras_objects import history_names
from ._one_fit import one_fit_at_a_time
from ._seeding import resolve_seed, seeded
from ._sklearn_compat import check_sample_weight
from ._threads import limit_framework_threads
from ._training_data import TrainingDataMixin


def _history_so_far(model, previous):
    """The epochs a Keras History recorded before training was interrupted."""
    current = getattr(model, "history", None)
    if current is None or current is previous:
        return {}
    return {k: [float(v) for v in values] for k, values in current.history.items()}


class BaseKerasEstimator(InputValidationMixin, TrainingDataMixin, BaseEstimator):
    """Base class of the skkeras estimators; not for direct use.

    Subclasses implement ``_build_model(meta, X, y, plan)`` (``y``: the
    validated target; ``plan``: the :class:`~skkeras._fit_plan.FitPlan` of
    the fit so far), returning a Keras model, and
    ``_train_options(fit_params, X, plan)``, returning the keyword
    arguments of :func:`skkeras._engine.train` that come from parameters.
    Neither sets attributes: what a fit decides travels in its plan.
    """

    # The constructor parameter that sets the number of epochs of a fit
    # (skkeras.model_selection shares the run of fits differing only in it).
    _epochs_param = "epochs"

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def __setstate__(self, state):
        # Pickles of earlier versions keep the plan's fields as attributes.
        super().__setstate__(with_plan_of_earlier_names(state))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.three_d_array = self._allow_nd
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Train the network on ``(X, y)``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data.  Sparse input is densified.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; ``None`` weighs every sample equally.
        **fit_params : dict
            Keyword arguments for the training loop (those of
            ``keras.Model.fit``, e.g. ``epochs=5``); they take precedence
            over the ``fit__*`` parameters.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        warm = bool(self.warm_start) and self.__sklearn_is_fitted__()
        if not warm:
            # A fit skkeras.model_selection trained ahead of time, if any.
            source = _trained_ahead.current()
            fitted = None
            if source is not None:
                fitted = source.take(self, X, y, sample_weight, fit_params)
            if fitted is not None:
                with one_fit_at_a_time(self):
                    vars(self).update(vars(fitted))
                return self
        return self._fit(X, y, sample_weight, fit_params, warm=warm)

    def initialize(self, X, y):
        """Build and compile the network for ``(X, y)`` without training it.

        Sets the fitted attributes (``model_``, ``n_features_in_``,
        ``target_encoder_``, ``classes_`` for a classifier ...) as ``fit``
        does, with an empty ``history_`` and ``n_iter_`` of 0, so that
        ``predict`` works at once: for a pretrained ``keras.Model`` given as
        ``model``, or to inspect the network before training.  Calling it
        before ``fit`` is not needed; with ``warm_start=True`` a following
        ``fit`` (and any ``partial_fit``) trains the network it built, while
        with ``warm_start=False`` ``fit`` builds a new one.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Samples, from which the network's input is sized.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, from which the classes (classifiers) and the network's
            output are sized.

        Returns
        -------
        self : object
            The estimator, ready to predict.

        Examples
        --------
        >>> import keras
        >>> import numpy as np
        >>> from skkeras import KerasRegressor
        >>> net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> X = np.arange(20.0).reshape(10, 2)
        >>> reg = KerasRegressor(net).initialize(X, X.sum(axis=1))
        >>> reg.n_iter_, reg.predict(X[:3]).shape
        (0, (3,))
        """
        with one_fit_at_a_time(self), self._unchanged_on_failure():
            self._check_params()
            _, _, _, plan = self._begin_fit(X, y, None, warm=False)
            self._fit_plan = plan
            self._derive_fitted()
        return self

    def _fit(self, X, y, sample_weight, fit_params, *, warm, epochs=None, classes=None):
        """``fit`` and ``partial_fit``: one at a time (:func:`one_fit_at_a_time`)."""
        with one_fit_at_a_time(self):
            return self._fit_alone(
                X,
                y,
                sample_weight,
                fit_params,
                warm=warm,
                epochs=epochs,
                classes=classes,
            )

    @contextlib.contextmanager
    def _unchanged_on_failure(self):
        """Put the estimator's attributes back as they were if the block fails."""
        before = dict(vars(self))
        try:
            yield
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    def _fit_alone(self, X, y, sample_weight, fit_params, *, warm, epochs, classes):
        # A fit that fails leaves the estimator as it was: unfitted, or with
        # the model of its previous fit (a new fit builds a new model, so the
        # old one is untouched).  A warm fit continues the same model, whose
        # weights a failure part-way through may have moved.
        with contextlib.nullcontext() if warm else self._unchanged_on_failure():
            plan = self._prepare_fit(
                X,
                y,
                sample_weight,
                fit_params,
                warm=warm,
                epochs=epochs,
                classes=classes,
            )
            try:
                history = _engine.train_call(plan.train_call)
            except KeyboardInterrupt:
                # As scikit-learn's MLP: keep what was learned, and say so.
                history = _history_so_far(self.model_, plan.call.previous_history)
                n = len(next(iter(history.values()), []))
                warnings.warn(
                    f"Training interrupted by the user after {n} epoch(s) of this "
                    f"call; {type(self).__name__} keeps the weights reached so far "
                    "and can predict or continue training (warm_start, partial_fit).",
                    UserWarning,
                    stacklevel=4,
                )
            return self._finish_fit(plan, history)

    def _prepare_fit(
        self, X, y, sample_weight, fit_params, *, warm=False, epochs=None, classes=None
    ):
        """Everything of a fit up to the training loop; returns its :class:`FitPlan`.

        Validates the data, builds the network unless ``warm``, and encodes
        the arrays.  :meth:`_finish_fit` completes the fit from the history
        that training ``plan.train_call`` with :func:`skkeras._engine.train_call`
        returns; :mod:`skkeras._engine.batch` trains many plans at once.  The
        estimator keeps the plan, without its call, as ``_fit_plan`` (a
        checkpoint saved during training stores it).
        """
        self._check_params()
        checkpoint = (
            None if self.checkpoint is None else check_checkpoint(self, self.checkpoint)
        )
        X, y, sample_weight, plan = self._begin_fit(
            X, y, sample_weight, warm=warm, classes=classes
        )
        # The options see X as the network takes it (batch_size=-1 needs
        # its shape); a subclass's feature_encoder may change it.
        options = self._train_options(dict(fit_params), self._model_input(X), plan)
        if checkpoint is not None:
            options["callbacks"] = list(options["callbacks"]) + [
                BestCheckpoint(self, checkpoint)
            ]
        if epochs is not None:
            options["epochs"] = epochs
        x_fit, y_fit, w_fit, validation_data = self._training_data(
            X, y, sample_weight, options.pop("validation", None), plan.seed
        )
        train = _engine.TrainCall(
            **options,
            model=self.model_,
            x=x_fit,
            y=y_fit,
            sample_weight=w_fit,
            validation_data=validation_data,
            # The engine draws epoch k's shuffle from (seed, k): with the
            # fit's own seed, epochs trained over several calls (partial_fit,
            # warm starts) are those of one call, as scikit-learn's MLP checks.
            initial_epoch=self._epochs_trained(),
            seed=plan.seed,
        )
        previous = getattr(self.model_, "history", None)
        call = TrainingCall(train, options, previous)
        plan = replace(
            plan, batch_size=options["batch_size"], n_train=n_rows(y_fit), call=call
        )
        self._fit_plan = plan.kept()
        return plan

    def _begin_fit(self, X, y, sample_weight, *, warm, classes=None):
        """Validate the data and, unless ``warm``, set up a new network.

        Returns ``(X, y, sample_weight, plan)``: validated, and the plan of
        the fit so far (no training call; a warm fit continues its last
        plan's batch size, weight scale and initial learning rate).
        """
        limit_framework_threads()
        X, y = self._validate_X(X, reset=not warm, y=y, fit=True)
        if self._y_numeric:
            check_float_range(np.asarray(y), "y")
        sample_weight = check_sample_weight(sample_weight, X)
        seed = resolve_seed(self.random_state)
        n_train = self._train_rows(X.shape[0])
        if warm:
            plan = replace(self._fit_plan, n_train=n_train, seed=seed)
            return X, y, sample_weight, plan
        # Weights are rescaled to mean 1 for training (see mean_one); a
        # penalty that scikit-learn divides by the sum of the weights
        # needs the original mean to stay equivalent.
        weight_scale = (
            1.0
            if sample_weight is None
            else float(np.mean(sample_weight, dtype=np.float64))
        )
        plan = FitPlan(
            batch_size=self._planned_batch_size(n_train),
            n_train=n_train,
            weight_scale=weight_scale,
            initial_learning_rate=None,
            seed=seed,
            x_dtype=x_dtype(X),
        )
        learning_rate = self._initialize(X, y, plan, classes=classes)
        return X, y, sample_weight, replace(plan, initial_learning_rate=learning_rate)

    def _train_rows(self, n_samples):
        """The training rows of ``n_samples``, before a validation split
        the options may ask for (the MLPs' early stopping holds out rows)."""
        return n_samples

    def _planned_batch_size(self, n_train):
        """The batch size a new network is built for, or None: decided by
        ``_train_options`` (the MLPs' penalty is scaled by it)."""
        return None

    def _finish_fit(self, plan, history):
        """Record ``history`` (of training ``plan``) and check the weights."""
        self._record(history, plan.call.options)
        check_finite_weights(self.model_)
        check_finite_loss(history)
        return self

    def _check_params(self):
        """Validate constructor parameters (subclasses extend)."""

    def _initialize(self, X, y, plan, classes=None):
        """Set up the target codec, the ``meta`` mapping and a fresh model.

        Returns the compiled network's learning rate, from which
        learning-rate schedules start.
        """
        X_model, target = self._fit_encoders(X, y)
        if target is None:
            target = self._make_target(y, classes)
        self.target_encoder_ = target
        self.n_outputs_ = target.n_outputs
        self.target_type_ = target.target_type
        meta = self._meta(X, y, plan.seed)
        with seeded(plan.seed, tensorflow=False):
            model = self._build_model(meta, X_model, y, plan)
            if isinstance(target, TransformerTarget):
                units = None  # the user's target_encoder matches the outputs
            else:
                shape = output_shape(model, X_model)
                check_output_shape(shape, y, target.output_units())
                units = shape_units(shape)
            if not model.compiled:
                self._compile_model(model, target.default_loss(units))
        check_trainable(model)
        target.choose_mode(model.loss, units, y)
        self.model_ = model
        self.history_ = {}
        self.n_iter_ = 0
        return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))

    def _fit_encoders(self, X, y):
        """Return ``(X as the network takes it, target codec or None)``.

        None: the estimator's own target codec (:meth:`_make_target`).  The
        general wrappers fit a subclass's ``feature_encoder`` and
        ``target_encoder`` here (:mod:`skkeras._encoders`).
        """
        return X, None

    def _model_input(self, X):
        """Return the validated ``X`` as the network takes it."""
        return X

    def _meta(self, X, y, seed):
        """Return what a build function may want to know about the data
        (``seed`` is the fit's seed, or None: then there is no ``seed_``)."""
        target = self.target_encoder_
        y = np.asarray(y)
        meta = {
            "n_features_in_": self.n_features_in_,
            "X_shape_": X.shape,
            "X_dtype_": X.dtype,
            "y_dtype_": y.dtype,
            "y_ndim_": y.ndim,
            "target_type_": target.target_type,
            "n_outputs_": target.n_outputs,
            "n_outputs_expected_": target.output_units(),
        }
        if seed is not None:
            meta["seed_"] = seed
        if hasattr(self, "feature_names_in_"):
            meta["feature_names_in_"] = self.feature_names_in_
        return meta

    def _record(self, history, options):
        """Append one training call's history and update fitted attributes.

        Metrics logged by a Keras shorthand are recorded by their full name
        (see :func:`skkeras._keras_objects.history_names`).
        """
        names = history_names(history)
        for key, values in history.items():
            self.history_.setdefault(names[key], []).extend(values)
        self._count_epochs(len(next(iter(history.values()), [])))
        self._derive_fitted()

    def _count_epochs(self, n_epochs):
        """Count one training call's ``n_epochs`` in ``n_iter_``: every
        call's, so far (the MLPs count scikit-learn's way)."""
        self.n_iter_ += n_epochs

    def _epochs_trained(self):
        """The epochs the network has been trained for over all calls: the
        number of the next call's first epoch."""
        return self.n_iter_

    def _derive_fitted(self):
        """Set fitted attributes derived from ``history_`` (subclasses)."""

    def _restore_runtime_state(self):
        """Make the private state that is never saved (``RUNTIME_ONLY`` of
        :mod:`skkeras._saving_schema`) after :func:`skkeras.load` (subclasses)."""

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------
    def _predict_raw(self, X, **predict_params):
        check_is_fitted(self)
        limit_framework_threads()
        X, _ = self._validate_X(X, reset=False)
        out = self._network_output(self._model_input(X), **predict_params)
        if (
            isinstance(out, np.ndarray)
            and out.dtype.kind == "f"
            and not np.all(np.isfinite(out))
        ):
            raise ValueError(
                "The network produced NaN or infinite outputs for X. The input "
                "may contain values too large for the network; scale the "
                "features (e.g. with StandardScaler)."
            )
        return out

    def _network_output(self, X, **predict_params):
        """The network's output for the validated ``X`` (the MLPs override);
        ``predict_params`` are the keyword arguments of ``predict``."""
        return _engine.predict(
            self.model_, X, **self._predict_options(X, predict_params)
        )

    def _predict_options(self, X=None, predict_params=None):
        """Keyword arguments of :func:`skkeras._engine.predict` for ``X``
        (the general wrappers take ``predict``'s keyword arguments)."""
        if predict_params:
            raise TypeError(
                f"{type(self).__name__}.predict got unexpected keyword arguments "
                f"{sorted(predict_params)}; it takes none (set options as "
                "estimator parameters)."
            )
        return {"batch_size": None}
