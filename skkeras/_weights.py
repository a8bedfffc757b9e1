"""The current values of a model's variables as NumPy arrays, read cheaply.

A one-row prediction through :func:`skkeras._forward.numpy_forward` reads
every weight of the network at each call (so that it always uses the
weights the model holds, whoever changed them).  ``keras.Variable.numpy``
costs ~20 us a variable on TensorFlow (a ``read_value`` with its identity
op, tape bookkeeping and dispatch), which is a one-row call's whole
budget.  :func:`reader` returns a function that reads a fixed list of
variables at the lowest cost the backend's public API offers: on
TensorFlow one ``tf.raw_ops.ReadVariableOp`` per variable, on the
variable's resource handle (~5 us); on JAX the array the variable holds
(``keras.Variable.value``), converted by NumPy; elsewhere
``keras.Variable.numpy``.
"""

import keras
import numpy as np


def _tensorflow_reader(variables):
    import tensorflow as tf

    read = tf.raw_ops.ReadVariableOp
    pairs = [(v.value.handle, v.value.dtype) for v in variables]

    def values():
        return [read(resource=handle, dtype=dtype).numpy() for handle, dtype in pairs]

    return values


def reader(variables):
    """Return a function that reads ``variables``' current values.

    Parameters
    ----------
    variables : list of keras.Variable
        The variables, of the current backend.

    Returns
    -------
    values : callable
        ``values()`` returns the list of the variables' values at that
        call, as NumPy arrays in the variables' dtypes, in the order of
        ``variables``.  Treat them as read-only: on some backends they
        share memory with the variable.

    Examples
    --------
    >>> import keras
    >>> from skkeras._weights import reader
    >>> v = keras.Variable([1.0, 2.0])
    >>> read = reader([v])
    >>> _ = v.assign([3.0, 4.0])
    >>> read()[0].tolist()
    [3.0, 4.0]
    """
    variables = list(variables)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_reader(variables)
    if backend == "jax":
        # A jax.Array keeps its host copy: converting it again is cheap.
        return lambda: [np.asarray(v.value) for v in variables]
    return lambda: [v.numpy() for v in variables]
