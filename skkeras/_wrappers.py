"""KerasClassifier and KerasRegressor: any Keras model as an estimator.

The constructor arguments and build-function conventions are those of
scikeras 0.13, and those of Keras 3's ``keras.wrappers`` (``model_kwargs``,
``fit_kwargs``, build functions taking ``X`` and ``y``), so that migrating is
changing one import.
"""

import inspect
import numbers
import os
import warnings

import keras
import numpy as np

from . import _encoders
from ._base import BaseKerasEstimator
from ._keras_objects import (
    acts_in_predict,
    losses_differ,
    make_callbacks,
    make_loss,
    make_metrics,
    make_optimizer,
)
from ._predictors import ClassifierBase, RegressorBase
from ._schedules import EpochSchedule, make_schedule
from ._sklearn_compat import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_params,
)
from ._routing import (
    ROUTE_PREFIXES,
    call_build_fn,
    check_route_dicts,
    check_unused,
    routed,
    signature_of,
    split_route,
    suggest,
)
from ._targets import loss_name

# Keras 1's names of parameters, which Keras 2's ``keras.wrappers`` still took.
_LEGACY_NAMES = {"nb_epoch": "epochs"}


class BuildFnWarning(FutureWarning, UserWarning):
    """``build_fn=`` is deprecated: a FutureWarning, as scikit-learn warns of
    deprecations, and a UserWarning, as scikeras warned of this one."""

_COMMON_DOC = """
    Parameters
    ----------
    model : callable or keras.Model, default=None
        A function (or class) that returns a Keras model, compiled or not, or
        a ``keras.Model`` instance.  An instance is copied for every fit
        (``keras.models.clone_model``) with its weights and compile settings
        (the optimizer's state starts afresh): a pretrained model trains on
        from its weights, and is itself never trained in place, so each fit
        (each cross-validation fold) starts from it.  A model that
        ``clone_model`` cannot copy (a subclassed model whose ``__init__``
        takes non-serializable arguments and lacks ``get_config``) raises
        a TypeError at fit; pass a function that builds it and loads its
        weights instead.  A build function may ask by name for ``meta``
        (a dict with ``n_features_in_``, ``X_shape_``, ``n_outputs_``,
        ``target_type_``, ``n_classes_``, ``classes_`` ..., and ``seed_``,
        the fit's seed, when ``random_state`` is set),
        ``compile_kwargs`` (fresh ``optimizer``, ``loss``, ``metrics``),
        ``params`` (all estimator parameters), ``X`` (the training inputs,
        for layers that adapt to data such as ``TextVectorization`` or
        ``Normalization``), ``y`` (the training target as ``keras.wrappers``
        passes it: one-hot rows for a classifier, one column per target for
        a regressor), and for its own arguments, given as
        ``model__name=value``, in ``model_kwargs`` or as extra keywords
        ``name=value``.  A function with ``**kwargs`` gets ``meta``,
        ``compile_kwargs`` and ``params`` in them too, as in scikeras; a
        ``keras.wrappers`` build function ``build(X, y, **model_kwargs)``
        works unchanged.  None (the default) in a subclass that defines a
        method ``_keras_build_fn`` (scikeras' subclassing hook) builds with
        that method, which asks for its arguments in the same way.
    build_fn : callable, default=None
        Deprecated alias of ``model`` (scikeras and ``keras.wrappers``);
        it works, with a warning that is both a FutureWarning and, as in
        scikeras, a UserWarning.
    warm_start : bool, default=False
        If True, ``fit`` continues training the fitted model instead of
        building a new one.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and shuffling.  The same int
        gives the same model run after run on one machine.
    optimizer : str, class or instance, default="rmsprop"
        Keras optimizer, configured by ``optimizer__*`` parameters, e.g.
        ``optimizer__learning_rate=0.01``.  Used to compile a model that the
        build function returns uncompiled.
    loss : str, class, instance, callable or None, default=None
        Keras loss, configured by ``loss__*`` parameters.  None chooses one
        from the target: {loss_default}.
    metrics : list or None, default=None
        Keras metrics, configured by ``metrics__*`` parameters.
    batch_size : int or None, default=None
        Mini-batch size of training and prediction; None means 32 for
        training, as in Keras.  -1 means all the samples in one batch (as
        in scikeras), here and in ``fit__batch_size``,
        ``predict__batch_size`` and the ``batch_size`` argument of ``fit``
        and ``predict``; other values below 1 are refused.
    validation_batch_size : int or None, default=None
        Batch size for validation data; -1 means all of it in one batch.
    verbose : int, default=0
        0 is silent, 1 shows a progress bar per epoch, 2 a line per epoch.
    callbacks : list, dict, class or instance, default=None
        Keras callbacks, for ``fit`` and, those with ``on_predict_*`` hooks,
        for ``predict``.  Classes are built for every fit, configured by
        ``callbacks__<name>=value`` (all classes),
        ``callbacks__<index or key>__<name>=value`` (one of them), or a
        number in place of ``<name>`` for a positional argument.  Instances
        are copied for every fit (and predict), so the parameter's own
        object never sees training, as scikit-learn requires of parameters;
        callbacks given to ``fit`` or ``predict`` themselves
        (``fit(X, y, callbacks=[cb])``) are used as given, as Keras does.
        ``fit__callbacks`` and ``predict__callbacks`` (configured by
        ``fit__callbacks__*``, ``predict__callbacks__*``) are for one of the
        two only.
    validation_split : float, default=0.0
        Fraction of the training data, taken from the end as
        ``keras.Model.fit`` does, held out to compute ``val_*`` logs.
    shuffle : bool, default=True
        Shuffle the training data before each epoch.
    run_eagerly : bool, default=False
        Run the model eagerly (for debugging; slow).
    epochs : int, default=1
        Number of epochs per ``fit``.  Keras 1's name ``nb_epoch``, which
        Keras 2's wrappers took, is read as ``epochs``, with a FutureWarning.
    lr_schedule : str, schedule object or None, default=None
        Learning rate by epoch: "time_based", "step", "exponential",
        "plateau", or a :class:`TimeBasedDecay`, :class:`StepDecay`,
        :class:`ExponentialDecay` or :class:`PlateauDecay`; it starts from
        the compiled optimizer's rate, and the rate of each epoch is
        recorded in ``history_["learning_rate"]``.
    checkpoint : str, path-like or None, default=None
        File that keeps the estimator at its best epoch so far (lowest
        ``val_loss`` with validation data, else ``loss``), written
        atomically in :func:`skkeras.save`'s format during training.
        ``skkeras.load(checkpoint)`` gives it back; set ``warm_start=True``
        on it and ``fit`` to resume.  A loaded estimator's ``checkpoint`` is
        None (:func:`skkeras.load` leaves paths out): set it again.
    model_kwargs : dict or None, default=None
        Arguments of the build function, as ``keras.wrappers`` takes them:
        each entry acts as a ``model__<key>`` parameter.  A ``model__<key>``
        parameter replaces the entry of the same key (so a search can tune
        one key).
    fit_kwargs : dict or None, default=None
        Training options, as ``keras.wrappers`` takes them, e.g.
        ``{{"epochs": 5, "batch_size": 16}}``: each entry acts as a
        ``fit__<key>`` parameter, and ``clone`` keeps them.  Precedence,
        lowest first: the named parameters (``epochs``, ``batch_size``,
        ``shuffle``, ``verbose``, ``validation_split``...), then
        ``fit_kwargs``, then ``fit__<key>`` parameters, then the keyword
        arguments of :meth:`fit`.  A named parameter set away from its
        default to another value than ``fit_kwargs`` gives it is an error
        (one of the two would be ignored): keep one of them.
    **kwargs : dict
        Routed parameters (``model__*``, ``fit__*``, ``compile__*``,
        ``optimizer__*``, ``loss__*``, ``metrics__*``, ``callbacks__*``,
        ``predict__*``, and ``score__*``, keyword arguments of ``scorer``,
        the score function of :meth:`score`) and arguments of the build
        function.  As in Keras 2's
        ``keras.wrappers.scikit_learn``, ``set_params`` (hence
        ``GridSearchCV``) takes any argument of the build function by its
        plain name, e.g. ``init`` for ``def create_model(init="uniform")``;
        one the build function also names, such as ``optimizer``, is the
        estimator's parameter passed on to it.
"""

_FITTED_DOC = """
    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch logs (``loss``, metrics, ``val_*``) over all training calls.
        A metric compiled by a Keras shorthand is recorded by its full name,
        as scikeras does: ``metrics=["mae"]`` gives
        ``history_["mean_absolute_error"]`` (and
        ``"val_mean_absolute_error"``); callbacks see Keras' own names
        (``"mae"``) during training.
    n_iter_ : int
        Number of epochs run.
    current_epoch : int
        scikeras' name of ``n_iter_``: the epochs trained so far, 0 before
        the first fit.
    n_features_in_ : int
        Number of features seen during fit.
    X_shape_ : tuple of int
        Shape of the X of the fit that built the model; later calls need X
        of as many dimensions.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    n_outputs_ : int
        Number of targets (columns of y).
    target_type_ : str
        Type of the target, as ``sklearn.utils.multiclass.type_of_target``
        names it (``"binary"``, ``"multiclass"``, ``"continuous"`` ...).
    target_encoder_ : object
        Converts targets to network outputs and back: skkeras' own encoding,
        or, in a subclass overriding the ``target_encoder`` property (for a
        model with several outputs, as in scikeras), one around that fitted
        transformer (``target_encoder_.transformer``).
    feature_encoder_ : object
        Turns ``X`` into the network's input: ``FunctionTransformer()`` (X
        reaches the network unchanged; scikeras' attribute of the same name),
        or, in a subclass overriding the ``feature_encoder`` property (for a
        model with several inputs, as in scikeras), that fitted transformer.
    initialized_ : bool
        Whether ``fit`` or ``initialize`` has built the network.
"""


# Named parameters that a fit_kwargs (or fit__*) entry of the same name
# overrides; ``callbacks`` given there are added to the parameter's instead.
_TRAINING_OPTIONS = (
    "epochs",
    "batch_size",
    "validation_batch_size",
    "shuffle",
    "verbose",
    "validation_split",
)


def _differs(a, b):
    """Whether two parameter values differ (values that cannot be compared do)."""
    if a is b:
        return False
    try:
        return not bool(a == b)
    except Exception:
        return True


def _build_arguments(source):
    """``(argument names, accepts **kwargs)`` of a build function; none for a
    ``keras.Model`` instance or no model."""
    if source is None or isinstance(source, keras.Model) or not callable(source):
        return (), False
    return signature_of(source)


def _check_batch_size(name, value):
    """Refuse an integer batch size below 1 other than -1 (scikeras' "all of
    them"), with :class:`InvalidParameterError` (a ValueError)."""
    if (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and value < 1
        and value != -1
    ):
        raise InvalidParameterError(
            f"`{name}={value}` is not a batch size: give a positive number of "
            "samples, -1 for all the samples in one batch, or None for the "
            "default."
        )


def _batch_size(name, value, X):
    """A batch size ``value``, -1 (scikeras' "all of them") resolved for ``X``.

    None stays None; an integer below 1 other than -1 is refused.
    """
    _check_batch_size(name, value)
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        return value
    if value != -1:
        return value
    try:
        return int(X.shape[0])
    except (AttributeError, IndexError, TypeError):
        raise ValueError(
            f"`{name}=-1` requires that `X` implement `shape` (all the samples "
            f"in one batch); X is a {type(X).__name__}. Give `{name}` a number "
            "of samples instead."
        ) from None


def _check_model(name, value):
    """Refuse a ``model`` (or ``build_fn``) that is neither None, a
    ``keras.Model`` nor callable, with :class:`InvalidParameterError` (a
    TypeError)."""
    if value is not None and not callable(value):
        raise InvalidParameterError(
            f"``{name}`` must be a keras.Model instance or a function (or "
            f"class) that returns one; got an instance of "
            f"{type(value).__name__}, which is neither."
        )


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


def copy_model(source, X):
    """Return a new model like ``source``: its layers, weights and compile settings.

    A ``keras.Model`` given as ``model`` is copied for every fit, so that it is
    never trained in place and every fit (each cross-validation fold) starts
    from its weights.  The optimizer of the copy starts afresh.
    """
    try:
        model = keras.models.clone_model(source)
    except (NotImplementedError, TypeError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise TypeError(
            f"The model given as `model`, a {type(source).__name__}, cannot be "
            "copied (keras.models.clone_model failed: "
            f"{type(exc).__name__}{': ' + reason if reason else ''}). skkeras "
            "trains a copy for every fit and never the model itself. Implement "
            "get_config() in the model's class (and its custom layers), or pass "
            "`model=` a function that builds the model and loads its weights, "
            "e.g. `def build(): net = MyModel(...); net.load_weights(path); "
            "return net`."
        ) from exc
    weights = source.get_weights()
    if weights:
        if not model.built:
            model(_encoders.take(X, slice(0, 1)), training=False)
        try:
            model.set_weights(weights)
        except ValueError as exc:
            raise TypeError(
                f"The weights of the model given as `model`, a "
                f"{type(source).__name__}, do not fit its copy made by "
                f"keras.models.clone_model ({exc}). Pass `model=` a function "
                "that builds the model and loads its weights instead."
            ) from exc
    if source.compiled:
        model.compile_from_config(source.get_compile_config())
    return model


class _KerasWrapper(BaseKerasEstimator):
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

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def _set_extra(self, kwargs):
        """Store routed parameters and build-function arguments.

        They live in one private dict, not as attributes, so that ``__init__``
        sets no attribute beyond its named arguments (scikit-learn's rule);
        ``get_params``/``set_params`` and attribute reads expose them.
        """
        extra = self.__dict__.setdefault("_extra", {})
        for key, value in kwargs.items():
            if key.startswith("_") or key.endswith("_") or hasattr(type(self), key):
                raise TypeError(
                    f"{type(self).__name__} got the keyword argument {key!r}, which "
                    "cannot be a parameter: it starts or ends with '_' or is the "
                    "name of a method or attribute."
                )
            extra[key] = value

    def __getattr__(self, name):
        # Only called when normal lookup fails: read routed parameters
        # (``clf.model__hidden``) like named ones.
        if not name.startswith("_"):
            extra = self.__dict__.get("_extra", {})
            if name in extra:
                return extra[name]
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

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

    @classmethod
    def _default(cls, name):
        """The default of the constructor parameter ``name``."""
        for klass in cls.__mro__:
            if "__init__" in vars(klass):
                param = inspect.signature(klass.__init__).parameters.get(name)
                if param is not None and param.default is not param.empty:
                    return param.default
        raise KeyError(name)

    def _extra_params(self):
        """Return the extra keyword parameters (routed or build arguments)."""
        return dict(self.__dict__.get("_extra", {}))

    def get_params(self, deep=True):
        """Get parameters for this estimator, routed ones included.

        Parameters
        ----------
        deep : bool, default=True
            If True, also return the parameters of contained estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        params.update(self._extra_params())
        return params

    def set_params(self, **params):
        """Set parameters, routed ones (``model__hidden=...``) included.

        As in Keras 2's ``keras.wrappers.scikit_learn``, an argument of the
        build function may also be set by its plain name (``init="normal"``
        for ``def create_model(init="glorot_uniform")``), so that a search
        such as ``GridSearchCV`` can vary it.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            The estimator.
        """
        own = set(self._get_param_names())
        extra = self._extra_params()
        source = params.get("model", self.model)
        if source is None:
            source = params.get("build_fn", self.build_fn)
        if source is None:
            source = getattr(self, "_keras_build_fn", None)
        names, var_kw = _build_arguments(source)
        plain = {}
        for key, value in params.items():
            prefix, _ = split_route(key)
            if key in own and "__" in key:
                # A subclass's constructor parameter such as
                # ``model__hidden``: an attribute, as its __init__ stores it.
                setattr(self, key, value)
            elif prefix is not None or (key in extra and key not in own):
                self._set_extra({key: value})
            elif key in own or key.split("__", 1)[0] in own:
                plain[key] = value
            elif key in names or key in _LEGACY_NAMES or (var_kw and "__" not in key):
                self._set_extra({key: value})
            else:
                name = type(self).__name__
                valid = sorted(own | set(extra) | set(names))
                # Without a build function, the name may be one of its
                # arguments: say how to give it.
                hint = (
                    " This issue can likely be resolved by setting this "
                    f"parameter in the constructor, `{name}(model=..., "
                    f"{key}={value!r})`, or by setting `model` first: "
                    "set_params takes the build function's arguments by name."
                    if source is None
                    else ""
                )
                raise ValueError(
                    f"Invalid parameter {key} for estimator {name}."
                    f"{suggest(key, valid)}{hint} Valid parameters are: {valid}; "
                    f"routed parameters start with one of "
                    f"{[p + '__' for p in ROUTE_PREFIXES]}."
                )
        if plain:
            super().set_params(**plain)
        return self

    def _check_params(self):
        # The named parameters' own messages first, then the constraints.
        _check_model("model", self.model)
        _check_model("build_fn", self.build_fn)
        check_route_dicts(self.get_params(deep=False), type(self).__name__)
        _check_batch_size("batch_size", self.batch_size)
        _check_batch_size("validation_batch_size", self.validation_batch_size)
        validate_params(self)
        self._check_fit_kwargs_conflicts()
        for key in self._extra_params():
            prefix, rest = split_route(key)
            if prefix == "optimizer" and "__" in rest:
                arg = rest.split("__", 1)[0]
                raise ValueError(
                    f"Parameter {key!r} routes further than the optimizer's "
                    "own arguments, which an optimizer cannot take. Set an "
                    f"argument of the optimizer as `optimizer__<argument>`, "
                    f"e.g. `optimizer__{arg}=...`, or pass a configured "
                    "optimizer instance as `optimizer=`."
                )
            if prefix is None and "__" in key:
                head = key.split("__", 1)[0]
                raise ValueError(
                    f"Parameter {key!r} is routed to {head!r}, which is not a "
                    f"destination.{suggest(head, ROUTE_PREFIXES)} Routed "
                    f"parameters start with one of {list(ROUTE_PREFIXES)}."
                )

    def _check_fit_kwargs_conflicts(self):
        """Refuse a ``fit_kwargs`` key that a named parameter also sets.

        ``fit_kwargs={"epochs": 5}`` overrides ``epochs``; if ``epochs`` was
        set too (away from its default, to another value), one of them would
        be silently ignored, e.g. by a search over ``epochs``.
        """
        fit_kwargs = self.fit_kwargs or {}
        for key, value in fit_kwargs.items():
            if key not in _TRAINING_OPTIONS:
                continue
            mine = getattr(self, key)
            if _differs(mine, self._default(key)) and _differs(mine, value):
                raise ValueError(
                    f"`{key}` is set twice: {key}={mine!r} and fit_kwargs="
                    f"{{{key!r}: {value!r}}}, which overrides it. Keep one of "
                    f"them (to tune it in a search, use `{key}` and remove it "
                    f"from fit_kwargs, or search over `fit__{key}`)."
                )

    # ------------------------------------------------------------------
    # Building and compiling
    # ------------------------------------------------------------------
    def _model_source(self):
        given = self.model if self.model is not None else self.build_fn
        if (
            given is not None
            and not isinstance(given, keras.Model)
            and hasattr(self, "_keras_build_fn")
        ):
            name = type(self).__name__
            raise ValueError(
                f"{name} builds its model in its ``_keras_build_fn`` method and "
                f"was also given a build function as `model`; which one to use "
                f"is ambiguous. This class cannot implement ``_keras_build_fn`` "
                f"if using the `model` parameter: drop `model=`, or use "
                f"{name}'s parent class with `model=`."
            )
        if self.model is not None:
            return self.model
        if self.build_fn is not None:
            warnings.warn(
                "``build_fn`` will be renamed to ``model`` in a future release, "
                "at which point ``build_fn`` will be refused: pass the build "
                "function as ``model=`` instead.",
                BuildFnWarning,
                stacklevel=4,
            )
            return self.build_fn
        own = getattr(self, "_keras_build_fn", None)
        if own is not None:
            return own
        raise ValueError(
            f"{type(self).__name__} needs a model: pass `model=` a function that "
            "returns a Keras model, or a keras.Model instance (a subclass that "
            "passes neither must implement ``_keras_build_fn``)."
        )

    def _compile_arguments(self, default_loss=None):
        """Return fresh ``compile`` arguments from the parameters."""
        params = self.get_params(deep=False)
        kwargs = {
            "optimizer": make_optimizer(self.optimizer, params),
            "loss": make_loss(self.loss if self.loss is not None else default_loss, params),
            "metrics": make_metrics(self.metrics, params),
        }
        if self.run_eagerly:
            kwargs["run_eagerly"] = True
        kwargs.update(routed(params, "compile"))
        return kwargs

    def _build_model(self, meta, X, y, plan):
        source = self._model_source()
        params = self.get_params(deep=False)
        extra = {
            k: v
            for k, v in self._extra_params().items()
            if split_route(k)[0] is None and k not in _LEGACY_NAMES
        }
        model_params = routed(params, "model")
        # model_kwargs entries no model__ parameter replaces, for error messages.
        from_dict = {k for k in self.model_kwargs or {} if f"model__{k}" not in params}
        if isinstance(source, keras.Model):
            check_unused(extra, model_params, None, self._get_param_names(), from_dict)
            model = copy_model(source, X)
            self._check_compiled_loss(model)
            return model
        check_unused(extra, model_params, source, self._get_param_names(), from_dict)
        default_loss = self.target_encoder_.default_loss(meta["n_outputs_expected_"])
        base = {k: params[k] for k in self._get_param_names() if k not in ("model", "build_fn")}
        model = call_build_fn(
            source,
            base_params=base,
            extra_params=extra,
            model_params=model_params,
            specials={
                "meta": dict(meta),
                "compile_kwargs": self._compile_arguments(default_loss),
                "params": params,
                "X": X,
                "y": self.target_encoder_.build_target(y),
            },
        )
        if not isinstance(model, keras.Model):
            raise TypeError(
                f"The build function {getattr(source, '__name__', source)!r} "
                f"returned {type(model).__name__}, not a keras.Model."
            )
        if inspect.isclass(source) and model is source:
            raise TypeError("The build function must return a model instance.")
        self._check_compiled_loss(model)
        return model

    def _check_compiled_loss(self, model):
        """Refuse a ``loss`` that a model compiled elsewhere does not use.

        A model that comes compiled (by the build function, or a compiled
        ``keras.Model`` given as ``model``) keeps its compile settings, so a
        ``loss`` parameter set away from its default to another loss would be
        silently ignored.  Lists and dicts of losses are not compared.
        """
        given, compiled = self.loss, getattr(model, "loss", None)
        if not model.compiled or given is None or compiled is None:
            return
        if any(isinstance(v, (list, tuple, dict)) for v in (given, compiled)):
            return
        default = self._default("loss")
        if default is not None and not losses_differ(given, default):
            return
        if losses_differ(given, compiled):
            raise ValueError(
                f"loss={loss_name(given)!r} but model compiled with "
                f"{loss_name(compiled)!r}: the model comes compiled, so `loss` "
                "would be ignored. Remove `loss=` (or set it to the compiled "
                "loss), or leave the model uncompiled: the estimator then "
                "compiles it with `loss`, `optimizer` and `metrics` (a build "
                "function may also ask for `compile_kwargs` and call "
                "model.compile(**compile_kwargs))."
            )

    def _compile_model(self, model, default_loss):
        model.compile(**self._compile_arguments(default_loss))

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
