"""The Keras internals skkeras relies on, in one place.

Keras' public API has no way to enter its safe-mode scope or to read
whether safe deserialization is on; both live in
``keras.src.saving.serialization_lib``.  Everything else in skkeras uses
Keras' public API only.
"""

import contextlib


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
