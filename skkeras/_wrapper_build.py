"""Building and compiling the general wrappers' network.

:class:`WrapperBuildMixin` finds the model's source (``model``, scikeras'
``build_fn`` or a subclass's ``_keras_build_fn``), copies a given
``keras.Model`` or calls the build function with the arguments it asks for
(:func:`skkeras._routing.call_build_fn`), and compiles the network from the
``optimizer``, ``loss``, ``metrics`` and ``compile__*`` parameters.
"""

import inspect
import warnings

import keras

from . import _encoders
from ._keras_objects import losses_differ, make_loss, make_metrics, make_optimizer
from ._routing import call_build_fn, check_unused, routed, split_route
from ._targets import loss_name
from ._wrapper_params import _LEGACY_NAMES


class BuildFnWarning(FutureWarning, UserWarning):
    """``build_fn=`` is deprecated: a FutureWarning, as scikit-learn warns of
    deprecations, and a UserWarning, as scikeras warned of this one."""


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


class WrapperBuildMixin:
    """The network of the general wrappers: its source, building and
    compiling (a mixin of :class:`~skkeras._wrappers._KerasWrapper`)."""

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
            "loss": make_loss(
                self.loss if self.loss is not None else default_loss, params
            ),
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
        base = {
            k: params[k]
            for k in self._get_param_names()
            if k not in ("model", "build_fn")
        }
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
