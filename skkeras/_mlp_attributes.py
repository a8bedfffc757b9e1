"""scikit-learn's ``coefs_`` and ``intercepts_`` for the MLPs, read from ``model_``.

``coefs_[i]`` (shape ``(n_in, n_out)``) and ``intercepts_[i]`` (shape
``(n_out,)``) are the kernel and bias of the i-th ``Dense`` layer of the
network, in the order :func:`skkeras._forward.numpy_forward` applies them:
scikit-learn's layout, since a Keras ``Dense`` kernel is ``(n_in, n_out)``
too.

They are *derived on access*: each read copies the current weights of
``model_`` into new arrays (of X's float type at fit, as scikit-learn's:
float32 for float32 X, float64 otherwise), so they are always those of the network
after ``fit``, ``partial_fit``, a warm start or :func:`skkeras.load`, and
nothing extra is saved.  The arrays are read-only, so that an in-place
change (``mlp.coefs_[0][:] = 0``), which could not reach the network, raises
instead of being ignored; assignments reach the network:

* ``mlp.coefs_[i] = array`` writes layer ``i``'s kernel (its shape must
  match);
* ``mlp.coefs_ = [array, ...]`` writes every layer's kernel;
* on an estimator not fitted yet, ``mlp.coefs_ = [...]`` (and then
  ``mlp.coefs_[i] = ...``) keeps the arrays as the starting weights of the
  next ``partial_fit``, or of the next ``fit`` with ``warm_start=True``, as
  scikit-learn's MLP uses the ``coefs_`` it finds; a ``fit`` with
  ``warm_start=False`` starts from new weights, as scikit-learn's does.
"""

import numpy as np

from ._forward import dense_layers

KINDS = ("coefs", "intercepts")
_VARIABLE = {"coefs": "kernel", "intercepts": "bias"}


def _layers(estimator, kind):
    layers = dense_layers(estimator.model_)
    if layers is None:
        raise AttributeError(
            f"{kind}_ is defined for the networks of Dense layers that "
            f"{type(estimator).__name__} builds; this model_ "
            f"({type(estimator.model_).__name__}) is not one. Read its weights "
            "with model_.get_weights()."
        )
    return layers


def _variable(layer, kind):
    variable = getattr(layer, _VARIABLE[kind])
    if variable is None:
        raise AttributeError(f"the Dense layer {layer.name!r} has no bias")
    return variable


def _dtype(estimator):
    """scikit-learn's dtype of the fitted parameters: X's float type at fit."""
    plan = vars(estimator).get("_fit_plan")
    return np.float32 if plan is not None and plan.x_dtype == "float32" else np.float64


def _frozen(variable, dtype):
    array = np.array(variable.numpy(), dtype=dtype)
    array.flags.writeable = False
    return array


def _write(variable, value, name):
    array = np.asarray(value, dtype=np.float64)
    if array.shape != tuple(variable.shape):
        if array.size == 1 and len(variable.shape) == 1 and variable.shape[0] == 1:
            array = array.reshape(1)
        else:
            raise ValueError(
                f"{name} must have the shape {tuple(variable.shape)} of the layer's "
                f"weights; got an array of shape {array.shape}."
            )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has NaN or infinite values.")
    variable.assign(array.astype(variable.dtype))


class LayerArrays(list):
    """``coefs_`` or ``intercepts_`` of a fitted MLP: one read-only array per
    Dense layer; ``arrays[i] = value`` writes layer ``i``'s weights."""

    def __init__(self, estimator, kind):
        self._estimator = estimator
        self._kind = kind
        layers = _layers(estimator, kind)
        dtype = _dtype(estimator)
        super().__init__(_frozen(_variable(layer, kind), dtype) for layer in layers)

    def __setitem__(self, index, value):
        if not isinstance(index, (int, np.integer)):
            raise TypeError(
                f"assign {self._kind}_ one layer at a time (`{self._kind}_[i] = "
                f"array`) or as a whole (`{self._kind}_ = [arrays]`)."
            )
        layers = _layers(self._estimator, self._kind)
        i = range(len(layers))[index]  # IndexError as a list raises
        variable = _variable(layers[i], self._kind)
        _write(variable, value, f"{self._kind}_[{i}]")
        super().__setitem__(i, _frozen(variable, _dtype(self._estimator)))

    def _refuse(self, *args, **kwargs):
        raise TypeError(
            f"{self._kind}_ has one array per Dense layer of the network; its "
            "length cannot change. Assign arrays to its items instead."
        )

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        # A pickled copy is a plain list of the arrays.
        return (list, (list(self),))


def read(estimator, kind):
    """``estimator.coefs_`` or ``.intercepts_`` (``kind``), see the module."""
    if "model_" in vars(estimator):
        return LayerArrays(estimator, kind)
    assigned = vars(estimator).get(f"_assigned_{kind}")
    if assigned is None:
        raise AttributeError(
            f"{type(estimator).__name__!r} object has no attribute '{kind}_': it "
            "is set by fit (or assign it before partial_fit to set the "
            "starting weights)."
        )
    return assigned


def assign(estimator, kind, values):
    """``estimator.coefs_ = values`` (or ``intercepts_``), see the module."""
    if "model_" not in vars(estimator):
        vars(estimator)[f"_assigned_{kind}"] = values
        return
    write_all(estimator, kind, values)


def write_all(estimator, kind, values):
    layers = _layers(estimator, kind)
    values = list(values)
    if len(values) != len(layers):
        raise ValueError(
            f"{kind}_ needs {len(layers)} arrays, one per Dense layer of the "
            f"network; got {len(values)}."
        )
    for i, (layer, value) in enumerate(zip(layers, values)):
        _write(_variable(layer, kind), value, f"{kind}_[{i}]")


def take_assigned(estimator):
    """Remove and return ``{kind: arrays}`` assigned before the network existed."""
    taken = {}
    for kind in KINDS:
        value = vars(estimator).pop(f"_assigned_{kind}", None)
        if value is not None:
            taken[kind] = value
    return taken


class MLPWeightsMixin:
    """``coefs_`` and ``intercepts_`` of the MLPs (see the module)."""

    @property
    def coefs_(self):
        return read(self, "coefs")

    @coefs_.setter
    def coefs_(self, values):
        assign(self, "coefs", values)

    @property
    def intercepts_(self):
        return read(self, "intercepts")

    @intercepts_.setter
    def intercepts_(self, values):
        assign(self, "intercepts", values)

    def _load_assigned_weights(self, assigned):
        """Write ``take_assigned``'s arrays into the network just built."""
        for kind, values in assigned.items():
            write_all(self, kind, values)
