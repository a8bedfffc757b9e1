"""The embeddings in front of an MLP, and their NumPy forward pass.

A :class:`~skkeras._tabular_encoding.TabularEncoding` with embedded columns
feeds the network one matrix ``[dense columns | codes]``.
:func:`with_embeddings` puts Keras layers in front of the MLP's dense
``keras.Sequential`` (the *body*): the matrix is cut into the dense part
and one code per embedded column (``Reshape`` and ``Cropping1D``), each
code looks up its own ``Embedding``, and the concatenation enters the body.
Only Keras' own layers are used, so the model keeps a structure key
(shared traces, vectorized JAX groups: :mod:`skkeras._engine.structure`)
and :func:`skkeras.save`'s allow-list accepts it.

:func:`tabular_forward` evaluates such a model in float64 with NumPy: the
embedding rows by indexing, then the body with
:func:`skkeras._forward.numpy_forward`, so that predictions stay
batch-invariant as for the plain MLPs.
"""

import keras
import numpy as np

from ._forward import numpy_forward

_BODY = "mlp_body"


def _embedding_name(index):
    return f"tabular_embedding_{index}"


def with_embeddings(encoding, body, initializer):
    """Return ``body`` behind the embeddings of ``encoding``'s embedded columns.

    Parameters
    ----------
    encoding : TabularEncoding
        The frame's encoding (with at least one embedded column).
    body : keras.Sequential
        The dense network, built for ``encoding.n_dense`` plus the summed
        embedding widths input columns.
    initializer : callable
        Returns a fresh, seeded initializer for each embedding.

    Returns
    -------
    model : keras.Model
    """
    width, n_dense = encoding.width, encoding.n_dense
    inputs = keras.Input((width,))
    column = keras.layers.Reshape((width, 1))(inputs)
    parts = []
    if n_dense:
        dense = keras.layers.Cropping1D((0, width - n_dense))(column)
        parts.append(keras.layers.Flatten()(dense))
    for index, spec in enumerate(encoding.embedded):
        at = n_dense + index
        code = keras.layers.Cropping1D((at, width - at - 1))(column)
        code = keras.layers.Reshape((1,))(code)
        vectors = keras.layers.Embedding(
            spec.unknown_code + 1,
            spec.embedding_dim,
            embeddings_initializer=initializer(),
            name=_embedding_name(index),
        )(code)
        parts.append(keras.layers.Flatten()(vectors))
    joined = keras.layers.Concatenate()(parts) if len(parts) > 1 else parts[0]
    body.name = _BODY
    return keras.Model(inputs, body(joined))


def body_of(model):
    """The dense body of ``model`` (``model`` itself without embeddings)."""
    try:
        return model.get_layer(_BODY)
    except ValueError:
        return model


def tabular_forward(model, encoding):
    """``model``'s inference computation as a NumPy function, or None.

    Like :func:`skkeras._forward.numpy_forward`, for a model of
    :func:`with_embeddings`; None if its body is not one ``numpy_forward``
    evaluates.
    """
    body = body_of(model)
    forward = numpy_forward(body)
    if body is model or forward is None:
        return forward
    tables = [
        model.get_layer(_embedding_name(i)) for i in range(len(encoding.embedded))
    ]
    n_dense = encoding.n_dense

    def run(X):
        X = np.asarray(X)
        parts = [X[:, :n_dense].astype(np.float64)]
        for index, table in enumerate(tables):
            codes = X[:, n_dense + index].astype(np.int64)
            parts.append(table.embeddings.numpy().astype(np.float64)[codes])
        return forward(np.concatenate(parts, axis=1))

    return run
