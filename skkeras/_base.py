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
"""

import contextlib
import threading
import warnings
from dataclasses import replace

import keras
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from . import _engine, _trained_ahead
from ._callbacks import BestCheckpoint, check_checkpoint
from ._encoders import TransformerTarget, n_rows, take
from ._fit_plan import FitPlan, TrainingCall, with_plan_of_earlier_names
from ._keras_objects import history_names
from ._seeding import resolve_seed, seeded
from ._sklearn_compat import check_sample_weight
from ._threads import limit_framework_threads


def _check_text_backend():
    """Raise a clear error where raw text cannot reach a model: only the
    TensorFlow backend has string tensors (a ``TextVectorization`` layer
    inside the model)."""
    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise ValueError(
            "X is raw text (a 1-D array of strings), which needs Keras' "
            f"TensorFlow backend: the {backend} backend has no string tensors. "
            "Set KERAS_BACKEND=tensorflow (pip install tensorflow, on Python "
            "3.10 to 3.13), or turn the text into numbers before the "
            "estimator, e.g. sklearn.feature_extraction.text.TfidfVectorizer "
            "in a Pipeline."
        )


def _check_float_range(X, name="X"):
    """Refuse values that overflow Keras' float type (float32: ~3.4e38).

    ``name`` is "X" for features, or names a target ("y" ...).
    """
    floatx = keras.config.floatx()
    if X.dtype.kind != "f" or X.size == 0 or np.dtype(floatx).itemsize >= X.dtype.itemsize:
        return
    limit = float(np.finfo(floatx).max)
    largest = float(np.max(np.abs(X)))
    if largest > limit:
        fix = (
            "Scale the features (e.g. with StandardScaler)"
            if name == "X"
            else "Scale the target (e.g. with sklearn.compose.TransformedTargetRegressor "
            "and a StandardScaler as its transformer)"
        )
        raise ValueError(
            f"{name} has values up to {largest:.3g}, beyond the range of Keras' float "
            f"type {floatx} (about {limit:.3g}). {fix}, or call "
            "keras.config.set_floatx('float64') first."
        )


def _check_finite_weights(model):
    """Refuse a model whose training diverged, as scikit-learn's MLP does."""
    for variable in model.trainable_weights:
        if not np.all(np.isfinite(keras.ops.convert_to_numpy(variable))):
            raise ValueError(
                "Training produced non-finite weights (NaN or inf): it diverged. "
                "The input data may contain large values and need to be "
                "scaled, or the learning rate is too high."
            )


def _history_so_far(model, previous):
    """The epochs a Keras History recorded before training was interrupted."""
    current = getattr(model, "history", None)
    if current is None or current is previous:
        return {}
    return {k: [float(v) for v in values] for k, values in current.history.items()}


def mean_one(sample_weight):
    """Scale training weights to mean 1 (None stays None).

    Keras averages a weighted loss over the batch size, not over the sum of
    the weights; with weights of mean 1 the loss is the weighted mean that
    scikit-learn estimators minimise, so that multiplying every weight by a
    constant changes nothing and integer weights act like repeated samples.
    """
    if sample_weight is None:
        return None
    # The sum in float64: float32 weights near its largest value overflow it.
    scale = sample_weight.size / np.sum(sample_weight, dtype=np.float64)
    return (sample_weight.astype(np.float64) * scale).astype(np.float32)


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


class RandomSplit:
    """A seeded random validation split of ``fraction`` of the data."""

    def __init__(self, fraction):
        self.fraction = fraction


def output_shape(model, X):
    """Return the shape of a single-output model's output, batch axis first."""
    try:
        shape = model.output_shape
    except (AttributeError, ValueError):
        shape = None
    if shape is None or isinstance(shape, (list, dict)):
        out = model(take(X, slice(0, 1)), training=False)
        if isinstance(out, (list, tuple, dict)):
            raise _several_outputs(len(out))
        shape = tuple(out.shape)
    if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
        raise _several_outputs(len(shape))
    return tuple(shape)


def _several_outputs(n):
    """The error for a model of ``n`` outputs (the estimators train one)."""
    return ValueError(
        f"The model has {n} outputs, but the target y is one array (a training "
        "target input of size 1); skkeras estimators train single-output "
        "models with their own target encoding. Concatenate the outputs in "
        "the model, e.g. keras.layers.Concatenate()([out_1, out_2]), or "
        "subclass the estimator and override its target_encoder property to "
        "give the model one target per output (user guide: 'Multi-input and "
        "multi-output models')."
    )


def output_units(model, X):
    """Return the size of the last axis of a single-output model's output."""
    return _units(output_shape(model, X))


def _units(shape):
    return int(shape[-1]) if len(shape) > 1 else 1


def check_output_shape(shape, y, units):
    """Refuse a model whose output is not one vector per sample.

    Targets are at most 2-D (one row of ``units`` values per sample), so an
    output of more axes (a value per time step or pixel) cannot match them:
    Keras' losses would broadcast it against the target and train silently,
    and predictions would come out with the extra axes.
    """
    if len(shape) <= 2:
        return
    dims = ", ".join(["n_samples"] + ["None" if d is None else str(d) for d in shape[1:]])
    raise ValueError(
        f"The model's output has shape ({dims}), but the target y has shape "
        f"{np.shape(y)}: the estimator needs one output vector per sample, of "
        f"shape (n_samples, {units}) here. End the model with a layer that "
        "reduces the other axes, e.g. keras.layers.Flatten() or "
        "keras.layers.GlobalAveragePooling1D() (then a Dense layer of "
        f"{units} unit(s)), or, for one target per position, reshape y to "
        "(n_samples, n_targets) and flatten the output to match."
    )


def check_trainable(model):
    """Refuse a compiled model without an optimizer, or whose loss is a list
    or dict of None only (Keras fails on them later with an AttributeError)."""
    if model.optimizer is None:
        raise ValueError(
            "The model has no optimizer: `optimizer` is None and the model was "
            "not compiled with one. You must provide an optimizer or a compiled "
            "model: set `optimizer=` (e.g. \"rmsprop\", the default), or compile "
            "the model with an optimizer in the build function."
        )
    loss = model.loss
    entries = loss.values() if isinstance(loss, dict) else loss
    if isinstance(loss, (list, tuple, dict)) and all(v is None for v in entries):
        raise ValueError(
            f"The model's loss is {loss!r}: no loss to train with. Provide a "
            "`loss` (e.g. loss=\"mse\"), leave loss=None for a default chosen "
            "from the target, or compile the model with a loss in the build "
            "function."
        )


class BaseKerasEstimator(BaseEstimator):
    """Base class of the skkeras estimators; not for direct use.

    Subclasses implement ``_build_model(meta, X, y, plan)`` (``y``: the
    validated target; ``plan``: the :class:`~skkeras._fit_plan.FitPlan` of
    the fit so far), returning a Keras model, and
    ``_train_options(fit_params, X, plan)``, returning the keyword
    arguments of :func:`skkeras._engine.train` that come from parameters.
    Neither sets attributes: what a fit decides travels in its plan.
    """

    # Input dimensions beyond 2-D reach the model unchanged when True.
    _allow_nd = False
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
    # Data at the door
    # ------------------------------------------------------------------
    def _validate_X(self, X, *, reset, y=None, fit=False):
        text = self._text_input(X)
        if text is not None:
            return self._validate_text(text, reset=reset, y=y, fit=fit)
        kwargs = dict(
            accept_sparse=("csr", "csc", "coo"),
            dtype=(np.float32, np.float64),
            allow_nd=self._allow_nd,
            reset=reset,
        )
        if fit:
            y = self._check_y(y)
            X, y = validate_data(
                self,
                X,
                y,
                multi_output=True,
                y_numeric=self._y_numeric,
                **kwargs,
            )
        else:
            X = validate_data(self, X, **kwargs)
        if hasattr(X, "toarray"):
            # Networks take dense batches; densify once, in the float type.
            X = X.toarray()
        _check_float_range(X)
        self._check_X_ndim(X, reset)
        return X, y

    def _check_X_ndim(self, X, reset):
        """Record (``reset``) or check the number of dimensions of ``X``.

        scikit-learn's ``n_features_in_`` checks only ``X.shape[1]``; the
        wrappers, which take n-dimensional X, also need the same number of
        axes as at fit.
        """
        if not self._allow_nd:
            return
        if reset:
            self.X_shape_ = tuple(X.shape)
            return
        fitted = getattr(self, "X_shape_", None)
        if fitted is not None and X.ndim != len(fitted):
            dims = ", ".join(["n_samples"] + [str(d) for d in fitted[1:]])
            raise ValueError(
                f"X has {X.ndim} dimensions, but this {type(self).__name__} is "
                f"expecting {len(fitted)} dimensions in X: it was fitted on X of "
                f"shape ({dims}). Reshape X "
                "as at fit, or call fit (with warm_start=False) to train a new "
                "model on it."
            )

    _y_numeric = False

    def _text_input(self, X):
        """Return ``X`` as a 1-D object array if it is raw text, else None.

        The general wrappers pass a 1-D sequence of strings (one document
        per sample) to the model unchanged, for a ``TextVectorization``
        layer; every other input goes through scikit-learn's validation.
        """
        if not self._allow_nd or isinstance(X, (str, bytes)):
            return None
        if isinstance(X, (list, tuple)) or hasattr(X, "dtype"):
            values = getattr(X, "values", X)  # a pandas Series
            if hasattr(values, "toarray"):
                return None
            arr = np.asarray(values, dtype=object)
            if (
                arr.ndim == 1
                and arr.size > 0
                and all(isinstance(v, str) for v in arr)
            ):
                return arr
        return None

    def _validate_text(self, X, *, reset, y, fit):
        """Validate raw text input (see :meth:`_text_input`)."""
        if fit:
            y = self._check_y(y)
            if y is None:
                raise ValueError(
                    f"{type(self).__name__} requires y to be passed, but the "
                    "target y is None."
                )
            y = check_array(
                y,
                ensure_2d=False,
                dtype="numeric" if self._y_numeric else None,
                input_name="y",
            )
            check_consistent_length(X, y)
        if reset:
            self.n_features_in_ = 1
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif getattr(self, "n_features_in_", 1) != 1:
            raise ValueError(
                f"X is a 1-D array of {X.size} strings, but "
                f"{type(self).__name__} was fitted on {self.n_features_in_} "
                "numeric features."
            )
        _check_text_backend()
        self._check_X_ndim(X, reset)
        return X, y

    def _check_y(self, y):
        """Hook for target checks before validation (classifiers extend)."""
        return y

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
                X, y, sample_weight, fit_params, warm=warm, epochs=epochs, classes=classes
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
                X, y, sample_weight, fit_params, warm=warm, epochs=epochs, classes=classes
            )
            try:
                history = _engine.train(**plan.train_kwargs)
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
        that training ``plan.train_kwargs`` with :func:`skkeras._engine.train`
        returns; :mod:`skkeras._engine_group` trains many plans at once.  The
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
        train_kwargs = dict(
            options,
            model=self.model_,
            x=x_fit,
            y=y_fit,
            sample_weight=w_fit,
            validation_data=validation_data,
            initial_epoch=self.n_iter_,
            seed=None if plan.seed is None else plan.seed + self.n_iter_,
        )
        previous = getattr(self.model_, "history", None)
        call = TrainingCall(train_kwargs, options, previous)
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
            _check_float_range(np.asarray(y), "y")
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
        _check_finite_weights(self.model_)
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
                units = _units(shape)
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

    def _training_data(self, X, y, sample_weight, validation, seed):
        """Return ``(x, y, w, validation_data)`` for the training loop.

        ``validation`` is ``None``; a float, the last fraction of the data as
        ``keras.Model.fit(validation_split=...)`` takes it; a
        :class:`RandomSplit`, a seeded random split (stratified for
        classifiers); or a tuple ``(X_val, y_val[, w_val])`` of raw data.
        """
        X = self._model_input(X)
        y_enc = self.target_encoder_.encode(y)
        sample_weight = self._class_sample_weight(y, sample_weight)
        if validation is None or (
            not isinstance(validation, (tuple, list, RandomSplit)) and not validation
        ):
            return X, y_enc, mean_one(sample_weight), None
        if isinstance(validation, (tuple, list)):
            return X, y_enc, mean_one(sample_weight), self._encode_validation(validation)
        n = len(y)
        if isinstance(validation, RandomSplit):
            val_idx = self._random_validation_indices(y, validation.fraction, seed)
        else:
            n_val = int(np.floor(n * float(validation)))
            val_idx = np.arange(n - n_val, n)
        if val_idx.size == 0 or val_idx.size == n:
            raise ValueError(
                f"The validation fraction leaves {n - val_idx.size} training and "
                f"{val_idx.size} validation samples out of {n}; use a fraction "
                "that leaves samples on both sides, or more data."
            )
        val = np.zeros(n, dtype=bool)
        val[val_idx] = True
        w_fit = None if sample_weight is None else sample_weight[~val]
        val_data = (take(X, val), take(y_enc, val))
        if sample_weight is not None:
            val_data += (sample_weight[val],)
        return take(X, ~val), take(y_enc, ~val), mean_one(w_fit), val_data

    def _encode_validation(self, validation):
        """Validate and encode user-given ``(X_val, y_val[, w_val])``."""
        if len(validation) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (X_val, y_val) or "
                f"(X_val, y_val, sample_weight_val); got {len(validation)} items."
            )
        X_val, _ = self._validate_X(validation[0], reset=False)
        y_val = np.asarray(validation[1])
        if self._y_numeric:
            _check_float_range(y_val, "y of validation_data")
        if len(y_val) != X_val.shape[0]:
            raise ValueError(
                f"validation_data has {X_val.shape[0]} samples in X but "
                f"{len(y_val)} in y."
            )
        out = (self._model_input(X_val), self.target_encoder_.encode(y_val))
        if len(validation) == 3 and validation[2] is not None:
            out += (check_sample_weight(validation[2], X_val),)
        return out

    def _random_validation_indices(self, y, fraction, seed):
        from sklearn.model_selection import train_test_split

        stratify = self._stratify_labels(y)
        _, val_idx = train_test_split(
            np.arange(len(y)),
            test_size=fraction,
            random_state=seed,
            stratify=stratify,
        )
        return np.sort(val_idx)

    def _stratify_labels(self, y):
        return None

    def _class_sample_weight(self, y, sample_weight):
        return sample_weight

    def _record(self, history, options):
        """Append one training call's history and update fitted attributes.

        Metrics logged by a Keras shorthand are recorded by their full name
        (see :func:`skkeras._keras_objects.history_names`).
        """
        names = history_names(history)
        for key, values in history.items():
            self.history_.setdefault(names[key], []).extend(values)
        self.n_iter_ += len(next(iter(history.values()), []))
        self._derive_fitted()

    def _derive_fitted(self):
        """Set fitted attributes derived from ``history_`` (subclasses)."""

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------
    def _predict_raw(self, X, **predict_params):
        check_is_fitted(self)
        limit_framework_threads()
        X, _ = self._validate_X(X, reset=False)
        out = self._network_output(self._model_input(X), **predict_params)
        if isinstance(out, np.ndarray) and out.dtype.kind == "f" and not np.all(
            np.isfinite(out)
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
