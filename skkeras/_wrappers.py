"""KerasClassifier and KerasRegressor: any Keras model as an estimator.

The constructor arguments and build-function conventions are those of
scikeras 0.13, and those of Keras 3's ``keras.wrappers`` (``model_kwargs``,
``fit_kwargs``, build functions taking ``X`` and ``y``), so that migrating is
changing one import.

The wrappers' parameters (routed ones and build-function arguments) are
handled in :mod:`skkeras._wrapper_params`, their network built and compiled
in :mod:`skkeras._wrapper_build`, and their shared documentation is in
:mod:`skkeras._wrapper_docs`; this module holds the constructor, the
training and prediction options, scikeras' data-transformer hooks, and
the two estimators.
"""

import inspect
import numbers
import os
import warnings

import keras
import numpy as np

from . import _encoders
from ._base import BaseKerasEstimator
from ._keras_objects import acts_in_predict, make_callbacks
from ._predictors import ClassifierBase, RegressorBase
from ._routing import routed
from ._schedules import EpochSchedule, make_schedule
from ._sklearn_compat import Interval, Options, StrOptions
from ._wrapper_build import WrapperBuildMixin
from ._wrapper_docs import _COMMON_DOC, _FITTED_DOC
from ._wrapper_params import WrapperParamsMixin, _batch_size

__all__ = ["KerasClassifier", "KerasRegressor"]


def _call_callbacks(kwargs, given):
    """The callbacks of one ``fit`` or ``predict`` call besides the estimator's.

    ``kwargs`` are the call's routed arguments (``fit__*`` or ``predict__*``,
    prefix removed): their ``callbacks`` and ``callbacks__*`` entries are
    removed and built like the ``callbacks`` parameter (instances copied).
    ``given`` are the callbacks passed to the call itself (one or a list or
    dict of them), used as given, as ``keras.Model.fit`` does.
    """
    routing = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("callbacks__")}
    out = make_callbacks(kwargs.pop("callbacks", None), routing)
    return out + make_callbacks(given, {}, copy_instances=False)


class _KerasWrapper(WrapperParamsMixin, WrapperBuildMixin, BaseKerasEstimator):
    """Parameters, routing and model building of the general wrappers."""

    _allow_nd = True

    # The keyword arguments of keras.Model.fit, .predict and .compile that
    # parameters reach (``fit__*`` and fit's keywords, ``predict__*``,
    # ``compile__*``, and the named parameters of the same names), under
    # scikeras' names for these sets.  ``x``, ``y``, ``sample_weight``,
    # ``class_weight`` and ``initial_epoch`` come from fit's arguments and
    # the estimator, not from parameters.
    _fit_kwargs = frozenset(
        {
            "batch_size",
            "epochs",
            "verbose",
            "callbacks",
            "validation_split",
            "validation_data",
            "shuffle",
            "steps_per_epoch",
            "validation_steps",
            "validation_batch_size",
            "validation_freq",
        }
    )
    _predict_kwargs = frozenset({"batch_size", "verbose", "steps", "callbacks"})

    # The named constructor parameters, checked at fit (scikit-learn's
    # ``_validate_params``); routed parameters and build-function arguments
    # are checked where they are used.
    _parameter_constraints = {
        "model": [None, callable],
        "build_fn": [None, callable],
        "warm_start": ["boolean"],
        "random_state": [
            None,
            numbers.Integral,
            np.random.RandomState,
            np.random.Generator,
        ],
        # None: a build function that compiles the model needs none; Keras
        # asks for one when the estimator compiles.
        "optimizer": [None, str, dict, type, keras.optimizers.Optimizer],
        "loss": [None, str, dict, list, tuple, callable],
        "metrics": [None, str, dict, list, tuple, callable],
        "batch_size": [
            None,
            Interval(numbers.Integral, 1, None, closed="left"),
            Options(numbers.Integral, {-1}),
        ],
        "validation_batch_size": [
            None,
            Interval(numbers.Integral, 1, None, closed="left"),
            Options(numbers.Integral, {-1}),
        ],
        "verbose": ["verbose", StrOptions({"auto"})],
        "callbacks": [None, list, tuple, dict, type, keras.callbacks.Callback],
        "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
        "shuffle": ["boolean", StrOptions({"batch"})],
        "run_eagerly": ["boolean"],
        "epochs": [Interval(numbers.Integral, 0, None, closed="left")],
        "lr_schedule": [None, str, EpochSchedule],
        "checkpoint": [None, str, os.PathLike],
        "model_kwargs": [None, dict],
        "fit_kwargs": [None, dict],
    }
    _compile_kwargs = frozenset(
        {
            "optimizer",
            "loss",
            "metrics",
            "loss_weights",
            "weighted_metrics",
            "run_eagerly",
            "steps_per_execution",
            "jit_compile",
            "auto_scale_loss",
        }
    )

    def __init__(
        self,
        model=None,
        *,
        build_fn=None,
        warm_start=False,
        random_state=None,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        batch_size=None,
        validation_batch_size=None,
        verbose=0,
        callbacks=None,
        validation_split=0.0,
        shuffle=True,
        run_eagerly=False,
        epochs=1,
        lr_schedule=None,
        checkpoint=None,
        model_kwargs=None,
        fit_kwargs=None,
        **kwargs,
    ):
        self.model = model
        self.build_fn = build_fn
        self.warm_start = warm_start
        self.random_state = random_state
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.batch_size = batch_size
        self.validation_batch_size = validation_batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.epochs = epochs
        self.lr_schedule = lr_schedule
        self.checkpoint = checkpoint
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs
        self._set_extra(kwargs)

    @property
    def current_epoch(self):
        """The number of epochs trained so far (``n_iter_``); 0 before fit.

        scikeras' name: ``partial_fit`` adds one, ``fit`` trains ``epochs``
        more with ``warm_start`` and starts again from 0 otherwise.
        """
        return getattr(self, "n_iter_", 0)

    @property
    def __name__(self):
        # scikeras' estimators have one (tests and messages read it).
        return type(self).__name__

    @property
    def initialized_(self):
        """Whether ``fit`` or ``initialize`` has built the network (scikeras)."""
        return self.__sklearn_is_fitted__()

    @classmethod
    def _get_param_names(cls):
        """The constructor's parameters, and those of the parents' constructors
        that it passes on through ``**kwargs``.

        A subclass written for scikeras, ``def __init__(self, hidden=(8,),
        **kwargs): super().__init__(**kwargs); self.hidden = hidden``, so
        keeps ``epochs``, ``random_state`` ... in ``get_params``, ``clone``
        and ``set_params``.  The wrapper's own ``**kwargs`` are routed
        parameters, stored apart (:meth:`_set_extra`).
        """
        names = set()
        for klass in cls.__mro__:
            if "__init__" not in vars(klass):
                continue
            params = inspect.signature(klass.__init__).parameters.values()
            names.update(
                p.name
                for p in params
                if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
            )
            if klass is _KerasWrapper or not any(
                p.kind is p.VAR_KEYWORD for p in params
            ):
                break
        return sorted(names)

    # ------------------------------------------------------------------
    # Training and prediction options
    # ------------------------------------------------------------------
    def _train_options(self, fit_params, X, plan):
        params = self.get_params(deep=False)
        fit_params = dict(fit_params)
        given = fit_params.pop("callbacks", None)
        kwargs = {**routed(params, "fit"), **fit_params}
        callbacks = make_callbacks(self.callbacks, params)
        epochs = int(self._epochs(kwargs, params))
        schedule = make_schedule(self.lr_schedule, plan.initial_learning_rate, epochs)
        if schedule is not None:
            callbacks.append(schedule)
        callbacks += _call_callbacks(kwargs, given)
        validation = kwargs.pop("validation_data", None)
        split = kwargs.pop("validation_split", self.validation_split)
        if validation is None and split:
            validation = float(split)
        if "class_weight" in kwargs:
            raise ValueError(
                "Pass class_weight to the estimator's constructor (or as "
                "`class_weight=` in set_params), not to fit."
            )
        if self.validation_batch_size is not None:
            kwargs.setdefault("validation_batch_size", self.validation_batch_size)
        if "validation_batch_size" in kwargs:
            kwargs["validation_batch_size"] = _batch_size(
                "validation_batch_size", kwargs["validation_batch_size"], X
            )
        for name in ("sample_weight", "x", "y"):
            if name in kwargs:
                raise ValueError(f"Pass {name!r} as an argument of fit, not in fit__*.")
        batch_size = kwargs.pop("batch_size", self.batch_size)
        batch_size = _batch_size("batch_size", batch_size, X)
        return {
            "epochs": epochs,
            "batch_size": 32 if batch_size is None else batch_size,
            "shuffle": kwargs.pop("shuffle", self.shuffle),
            "verbose": kwargs.pop("verbose", self.verbose),
            "callbacks": callbacks,
            "validation": validation,
            "fit_kwargs": kwargs,
        }

    def _epochs(self, kwargs, params):
        """The number of epochs, from ``fit``'s keywords (popped) or the
        parameters; Keras 1's name ``nb_epoch`` is taken with a warning."""
        in_fit = kwargs.pop("nb_epoch", None)
        legacy = in_fit if in_fit is not None else params.get("nb_epoch")
        if legacy is None:
            return kwargs.pop("epochs", self.epochs)
        warnings.warn(
            "`nb_epoch` is Keras 1's name of `epochs`; pass `epochs=` instead "
            "(nb_epoch will be refused in a future release).",
            FutureWarning,
            stacklevel=5,
        )
        if in_fit is None and "epochs" in kwargs:
            return kwargs.pop("epochs")  # fit's keywords take precedence
        given = kwargs.pop("epochs", None) if in_fit is not None else self.epochs
        default = self._default("epochs")
        if given not in (None, default, legacy):
            raise ValueError(
                f"Both `epochs={given}` and its Keras 1 name `nb_epoch={legacy}` "
                "are given; give only `epochs`."
            )
        return legacy

    def _predict_options(self, X=None, predict_params=None):
        params = self.get_params(deep=False)
        predict_params = dict(predict_params or {})
        given = predict_params.pop("callbacks", None)
        kwargs = {**routed(params, "predict"), **predict_params}
        # The estimator's callbacks that act in predict, then predict's own;
        # any of them sends the call to Model.predict.
        callbacks = make_callbacks(self.callbacks, params, keep=acts_in_predict)
        callbacks += _call_callbacks(kwargs, given)
        if callbacks:
            kwargs["callbacks"] = callbacks
        batch_size = kwargs.pop("batch_size", self.batch_size)
        batch_size = _batch_size("batch_size", batch_size, X)
        return {"batch_size": batch_size, "predict_kwargs": kwargs}

    def _meta(self, X, y, seed):
        meta = super()._meta(X, y, seed)
        if hasattr(self, "classes_"):
            meta["classes_"] = self.classes_
            meta["n_classes_"] = self.n_classes_
        meta["feature_encoder_"] = self.feature_encoder_
        meta["target_encoder_"] = self.target_encoder_
        meta.update(_encoders.metadata(self))
        return meta

    # ------------------------------------------------------------------
    # scikeras' data-transformer hooks (see skkeras._encoders)
    # ------------------------------------------------------------------
    @property
    def target_encoder(self):
        """An unfitted transformer for the target ``y``, or None (the default).

        None: skkeras encodes the target itself, from the loss and the
        model's output units.  Override this property in a subclass, as in
        scikeras, to return a scikit-learn transformer (``fit``,
        ``transform``, ``inverse_transform``): it is fitted on ``y`` at every
        fit that builds a network, its ``transform`` output (an array, or a
        list or dict of arrays for a model with several outputs) is what
        the network trains on, and its ``inverse_transform`` turns the
        network's output into predictions (``inverse_transform(output,
        return_proba=True)`` into ``predict_proba``'s probabilities).  The
        items of its ``get_metadata()``, if it has one, become fitted
        attributes and entries of the build function's ``meta`` (e.g.
        ``n_classes_``, ``n_outputs_expected_``); for a classifier,
        ``classes_`` and ``n_classes_`` come from there or from the fitted
        transformer's attributes of those names.  The fitted transformer is
        ``target_encoder_.transformer``; ``target_encoder_.transform``,
        ``inverse_transform`` and ``get_metadata`` pass through to it.

        Returns
        -------
        transformer : object or None
        """
        return None

    @property
    def feature_encoder(self):
        """An unfitted transformer for the features ``X``, or None (the default).

        Override this property in a subclass, as in scikeras, to return a
        scikit-learn transformer (``fit``, ``transform``): it is fitted on the
        validated ``X`` at every fit that builds a network (as
        ``feature_encoder_``), and its ``transform`` output (an array, or a
        list or dict of arrays for a model with several inputs) is what the
        network takes at fit and predict.  The items of its
        ``get_metadata()``, if it has one, become fitted attributes and
        entries of ``meta``.

        Returns
        -------
        transformer : object or None
        """
        return None

    def _fit_encoders(self, X, y):
        return _encoders.fit_encoders(self, X, y)

    def _model_input(self, X):
        return _encoders.model_input(self, X)


class KerasClassifier(ClassifierBase, _KerasWrapper):
    __doc__ = (
        """A scikit-learn classifier around any Keras model.
"""
        + _COMMON_DOC.format(
            loss_default="binary cross-entropy for a binary or multilabel "
            "target with one sigmoid unit per label, sparse categorical "
            "cross-entropy for several classes"
        )
        + """    class_weight : dict, "balanced" or None, default=None
        Weights by class label, multiplied into the sample weights.
"""
        + _FITTED_DOC
        + """    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    KerasRegressor : The regressor counterpart.
    MLPClassifier : A ready-made dense network.

    Examples
    --------
    >>> import keras
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import KerasClassifier
    >>> def build(meta, hidden=8):
    ...     return keras.Sequential([
    ...         keras.Input((meta["n_features_in_"],)),
    ...         keras.layers.Dense(hidden, activation="relu"),
    ...         keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ...     ])
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = KerasClassifier(build, hidden=16, epochs=20, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
"""
    )

    _parameter_constraints = {
        **_KerasWrapper._parameter_constraints,
        "class_weight": [None, dict, StrOptions({"balanced"})],
    }

    def __init__(
        self,
        model=None,
        *,
        build_fn=None,
        warm_start=False,
        random_state=None,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        batch_size=None,
        validation_batch_size=None,
        verbose=0,
        callbacks=None,
        validation_split=0.0,
        shuffle=True,
        run_eagerly=False,
        epochs=1,
        lr_schedule=None,
        checkpoint=None,
        model_kwargs=None,
        fit_kwargs=None,
        class_weight=None,
        **kwargs,
    ):
        super().__init__(
            model=model,
            build_fn=build_fn,
            warm_start=warm_start,
            random_state=random_state,
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            batch_size=batch_size,
            validation_batch_size=validation_batch_size,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            shuffle=shuffle,
            run_eagerly=run_eagerly,
            epochs=epochs,
            lr_schedule=lr_schedule,
            checkpoint=checkpoint,
            model_kwargs=model_kwargs,
            fit_kwargs=fit_kwargs,
            **kwargs,
        )
        self.class_weight = class_weight


class KerasRegressor(RegressorBase, _KerasWrapper):
    __doc__ = (
        """A scikit-learn regressor around any Keras model.
"""
        + _COMMON_DOC.format(loss_default="mean squared error")
        + _FITTED_DOC
        + """
    See Also
    --------
    KerasClassifier : The classifier counterpart.
    MLPRegressor : A ready-made dense network.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from skkeras import KerasRegressor
    >>> def build(meta):
    ...     return keras.Sequential([
    ...         keras.Input((meta["n_features_in_"],)),
    ...         keras.layers.Dense(meta["n_outputs_"]),
    ...     ])
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> reg = KerasRegressor(build, epochs=5, random_state=0)
    >>> reg.fit(X, X.sum(axis=1)).predict(X[:2]).shape
    (2,)
"""
    )
