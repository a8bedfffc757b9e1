"""scikit-learn's initial weights for the MLPs' dense layers.

scikit-learn's MLP draws each layer's weights, then its biases, uniformly in
``[-b, b]`` with ``b = sqrt(factor / (fan_in + fan_out))`` (``factor`` 2 for
the logistic activation, 6 otherwise: Glorot's uniform bound), layer after
layer, from ``check_random_state(random_state)``.  Drawing the same numbers
in the same order from the same NumPy generator gives a seeded skkeras MLP
the very weights scikit-learn's MLP starts from, so that the two begin
their training at one point (with ``solver="lbfgs"``, which has no batches
to shuffle, they then follow one path).
"""

import keras
import numpy as np

SCIKIT_LEARN = "scikit-learn"


def bound(fan_in, fan_out, activation):
    """scikit-learn's uniform bound for a layer of ``fan_in`` x ``fan_out``.

    ``activation`` is the hidden layers' scikit-learn name; scikit-learn
    uses it for every layer, the output layer included.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    return float(np.sqrt(factor / (fan_in + fan_out)))


def layer_initializers(fan_in, fan_out, activation, seed):
    """Keras initializers with scikit-learn's distributions, for the config.

    The values are then replaced by :func:`assign_initial_weights`; these
    describe them (a cloned network draws from the same distributions).
    """
    b = bound(fan_in, fan_out, activation)
    return (
        keras.initializers.RandomUniform(-b, b, seed=seed),
        keras.initializers.RandomUniform(
            -b, b, seed=None if seed is None else seed + 1
        ),
    )


def assign_initial_weights(dense_layers, activation, seed):
    """Give ``dense_layers`` scikit-learn's initial weights for ``seed``.

    Parameters
    ----------
    dense_layers : list of keras.layers.Dense
        The network's dense layers, input side first, built.
    activation : str
        The hidden activation, by its scikit-learn name.
    seed : int or None
        The fit's seed; None draws from fresh OS entropy (scikit-learn
        draws from NumPy's global generator; skkeras reads no global state).
    """
    rng = np.random.RandomState(seed)
    for layer in dense_layers:
        fan_in, fan_out = layer.kernel.shape
        b = bound(fan_in, fan_out, activation)
        kernel = rng.uniform(-b, b, (fan_in, fan_out))
        bias = rng.uniform(-b, b, fan_out)
        layer.kernel.assign(kernel.astype(layer.kernel.dtype))
        layer.bias.assign(bias.astype(layer.bias.dtype))
