"""The Keras and backend internals skkeras relies on, in one place.

Keras' public API has no way to enter its safe-mode scope or to read
whether safe deserialization is on; both live in
``keras.src.saving.serialization_lib``.  TensorFlow has no public getter
for its global seed and the generator of operation seeds; both live in its
eager context.  Keras keeps a compiled model's loss and metrics on private
attributes.  Keras' registry of metric names (shorthands such as ``"mae"``
among them) and the snake-case rule that names its metrics are internal.
So are the modules Keras defines its classes in (``keras.src.*``, what
``__module__`` says), the public names it exports an object under
(``_api_export_path``), an optimizer's weight-decay exclusions and the
distribution strategy a TensorFlow model was built under.  Everything else
in skkeras uses public APIs only; ``tests/test_keras_compat.py`` pins each
of these against the installed Keras and checks that no other module
reaches into Keras' internals.
"""

import contextlib
import inspect
import sys

# Keras 3's private package: where every Keras class and function is
# defined, whatever public name (``keras.layers.Dense``) it is exported as.
KERAS_PRIVATE_PACKAGE = "keras.src"

# The modules Keras 3 defines its model classes in, as ``type(model).__module__``
# and the ``module:qualname`` paths of saved configurations give them.
_SEQUENTIAL_MODULE = f"{KERAS_PRIVATE_PACKAGE}.models.sequential"
_FUNCTIONAL_MODULE = f"{KERAS_PRIVATE_PACKAGE}.models.functional"
_MODEL_MODULE = f"{KERAS_PRIVATE_PACKAGE}.models.model"
MODEL_CLASS_PATHS = (
    f"{_SEQUENTIAL_MODULE}:Sequential",
    f"{_FUNCTIONAL_MODULE}:Functional",
    f"{_MODEL_MODULE}:Model",
)

# Where Keras 3 defines the objects of some of its public namespaces (a
# public name reaches them through re-exports elsewhere too).
_DEFINED_IN = {
    "keras.saving": f"{KERAS_PRIVATE_PACKAGE}.saving",
    "keras.utils": f"{KERAS_PRIVATE_PACKAGE}.utils",
    "keras.export": f"{KERAS_PRIVATE_PACKAGE}.export",
    "keras.legacy": f"{KERAS_PRIVATE_PACKAGE}.legacy",
    "keras.datasets": f"{KERAS_PRIVATE_PACKAGE}.datasets",
    "keras.applications": f"{KERAS_PRIVATE_PACKAGE}.applications",
    "keras.config": f"{KERAS_PRIVATE_PACKAGE}.backend.config",
    "keras.models.clone_model": f"{KERAS_PRIVATE_PACKAGE}.models.cloning",
    "keras.visualization": f"{KERAS_PRIVATE_PACKAGE}.visualization",
    "keras.dtype_policies": f"{KERAS_PRIVATE_PACKAGE}.dtype_policies",
}


def is_private_module(module):
    """Whether the module name ``module`` lies in Keras' private package.

    Keras 3 defines everything under ``keras.src``; an object whose
    ``__module__`` is there but that Keras exports under no public name
    cannot be named in a file that must outlive Keras' internal layout.
    A non-string gives False.
    """
    package = KERAS_PRIVATE_PACKAGE
    return isinstance(module, str) and (
        module == package or module.startswith(package + ".")
    )


def defining_modules(names):
    """The private modules where Keras 3 defines the objects of the public
    namespaces (or objects) ``names``, such as ``"keras.saving"``.

    Uses Keras' source layout (``keras.saving.load_model`` is defined in
    ``keras.src.saving.saving_api``), which ``__module__`` reports.  A name
    without a known private module raises KeyError: there is no fallback,
    since a guessed module would silently match nothing.
    """
    return tuple(_DEFINED_IN[name] for name in names)


def is_sequential_or_functional(model):
    """Whether ``model`` is exactly a ``keras.Sequential`` or a functional
    model (``keras.Model(inputs, outputs)``), not a subclass of either.

    Keras has no public functional class (``keras.Model(inputs, outputs)``
    returns an instance of the private ``Functional``), so this compares
    ``type(model).__module__`` with the modules Keras 3 defines both in.
    Should Keras move them, no model is recognised: each model then gets
    compiled functions of its own instead of sharing them, which is slower
    but correct.
    """
    return type(model).__module__ in (_SEQUENTIAL_MODULE, _FUNCTIONAL_MODULE)


def weight_decay_exclusions(optimizer):
    """The variables (as Keras' keys) and the name pattern that
    ``optimizer.exclude_from_weight_decay`` excluded, as a pair, each None
    when unset.

    Keras keeps them on the private attributes
    ``_exclude_from_weight_decay`` and ``_exclude_from_weight_decay_pattern``
    and not in the optimizer's config, so a model's configuration does not
    show them.  An optimizer without those attributes (never excluded
    anything, or another Keras) gives ``(None, None)``.
    """
    return (
        getattr(optimizer, "_exclude_from_weight_decay", None) or None,
        getattr(optimizer, "_exclude_from_weight_decay_pattern", None),
    )


def distribution_strategy(model):
    """The ``tf.distribute`` strategy ``model`` was created under, or None.

    TensorFlow's Keras trainer records it on ``model._distribute_strategy``;
    the public ``model.distribute_strategy`` falls back to TensorFlow's
    default strategy and cannot tell.  Models of other backends (no such
    attribute) give None.
    """
    return getattr(model, "_distribute_strategy", None)


def export_paths(obj):
    """The public paths Keras exports ``obj`` under, as a tuple of str.

    ``keras.layers.Dense`` gives ``("keras.layers.Dense",)``; a function
    exported under several names gives them all, Keras' private aliases
    (``keras._legacy...``) included.  Keras' export decorator records them
    on ``obj._api_export_path`` (a str or a list).  An object Keras does not
    export, or a Keras without the attribute, gives ``()``; callers then
    look ``obj`` up by name in Keras' public namespaces.
    """
    exported = getattr(obj, "_api_export_path", None)
    if isinstance(exported, str):
        exported = [exported]
    if not isinstance(exported, (list, tuple)):
        return ()
    return tuple(p for p in exported if isinstance(p, str))


def loaded_backend():
    """The backend of a Keras already imported (even partly), else None.

    Reads ``keras.src.backend.config`` from ``sys.modules`` without
    importing anything (importing Keras would fix the backend); the public
    ``keras.config.backend`` is the same function.  None when Keras' config
    module is not loaded yet or has no ``backend``.
    """
    config = sys.modules.get(f"{KERAS_PRIVATE_PACKAGE}.backend.config")
    if config is not None and hasattr(config, "backend"):
        return config.backend()
    return None


@contextlib.contextmanager
def safe_mode_scope():
    """Run the block with Keras' safe deserialization on, whatever the
    process-wide setting (``keras.config.enable_unsafe_deserialization``)
    says, and restore that setting afterwards."""
    from keras.src.saving import serialization_lib

    with serialization_lib.SafeModeScope(True):
        yield


def safe_mode_setting():
    """Keras' process-wide safe-mode setting: None (unset), True or False."""
    from keras.src.saving import serialization_lib

    return serialization_lib.in_safe_mode()


def builtin_function_modules():
    """The ``keras.*`` namespaces that Keras searches, in no fixed order, for
    a function serialized by name alone (``{"module": "builtins", ...}``)."""
    from keras.src.saving import serialization_lib

    return tuple(sorted(f"keras.{n}" for n in serialization_lib.BUILTIN_MODULES))


def registered_metric_name(name):
    """The default name of the Keras metric registered as ``name``, or None.

    ``"mae"`` and ``"MeanAbsoluteError"`` give ``"mean_absolute_error"``: a
    metric function's ``__name__``, or a metric class's name in snake case
    (Keras' own rule for default metric names).  None when ``name`` is not
    in Keras' registry (``"acc"``, a custom metric) or the registry cannot
    be read.  Nothing is instantiated.
    """
    try:
        from keras.src.metrics import ALL_OBJECTS_DICT
        from keras.src.utils.naming import to_snake_case
    except ImportError:  # a Keras without them: keep Keras' names
        return None
    obj = ALL_OBJECTS_DICT.get(name)
    if obj is None:
        return None
    if inspect.isclass(obj):
        return to_snake_case(obj.__name__)
    full = getattr(obj, "__name__", None)
    return full if isinstance(full, str) else None


def build_compiled(model, y_true, y_pred):
    """Build ``model``'s compiled loss and metrics where they are not built.

    ``y_true`` and ``y_pred`` are ``keras.KerasTensor`` specs of the
    targets and of the model's output.  ``Model.fit`` builds the same two
    objects, ``model._compile_loss`` and ``model._compile_metrics``, before
    its first epoch (checking the same ``built`` flags); building them
    resolves the metrics (``"accuracy"`` into the accuracy the shapes call
    for) and names them, without evaluating anything.  Metrics that create
    their variables on their first update (``R2Score``, ``F1Score``) create
    them then.
    """
    for part in (
        getattr(model, "_compile_loss", None),
        getattr(model, "_compile_metrics", None),
    ):
        if part is not None and not part.built:
            part.build(y_true, y_pred)


def tf_seed_state(tf):
    """TensorFlow's global seed (``tf.random.set_seed``'s, or None) and, when
    running eagerly, the state of the generator it draws operation seeds
    from, so that :func:`restore_tf_seed` puts both back.

    TensorFlow has no public getter: the eager context holds them
    (``tf.random.set_seed`` writes them there), a graph its ``seed``.
    """
    if not tf.executing_eagerly():
        return tf.compat.v1.get_default_graph().seed, None
    from tensorflow.python.eager import context

    ctx = context.context()
    rng = getattr(ctx, "_rng", None)
    return context.global_seed(), (rng.getstate() if rng is not None else None)


def restore_tf_seed(tf, state):
    seed, rng_state = state
    tf.random.set_seed(seed)
    if rng_state is not None:
        from tensorflow.python.eager import context

        rng = getattr(context.context(), "_rng", None)
        if rng is not None:
            # set_seed restarted the sequence of operation seeds; go on
            # where the user's program was.
            rng.setstate(rng_state)
