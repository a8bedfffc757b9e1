"""The general wrappers' parameters, as scikeras and Keras 2 take them.

Besides the named constructor parameters, a wrapper takes routed
parameters (``model__hidden``, ``optimizer__learning_rate``,
``fit__batch_size`` ...) and a build function's arguments by their plain
names.  :class:`WrapperParamsMixin` stores them apart from the named ones
(``__init__`` sets no other attribute), exposes them through
``get_params``, ``set_params`` and attribute reads, and checks them all at
fit.
"""

import inspect
import numbers

import keras

from ._routing import (
    ROUTE_PREFIXES,
    check_route_dicts,
    signature_of,
    split_route,
    suggest,
)
from ._sklearn_compat import InvalidParameterError, validate_params

# Keras 1's names of parameters, which Keras 2's ``keras.wrappers`` still took.
_LEGACY_NAMES = {"nb_epoch": "epochs"}

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


class WrapperParamsMixin:
    """Routed parameters and build-function arguments of the general
    wrappers (a mixin of :class:`~skkeras._wrappers._KerasWrapper`)."""

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
