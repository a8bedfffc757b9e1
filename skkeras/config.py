"""Global configuration of skkeras, per thread: :func:`get_config`,
:func:`set_config` and :func:`config_context`, as in scikit-learn.

=================  ===========================  ========================
key                values                       environment variable
=================  ===========================  ========================
``engine``         ``"auto"``, ``"keras"``      ``SKKERAS_ENGINE``
``group``          ``"auto"``, ``"always"``,    ``SKKERAS_GROUP``
                   ``"never"``
``group_bytes``    a positive int, or None      ``SKKERAS_GROUP_BYTES``
``engine_jit``     True, False                  ``SKKERAS_ENGINE_JIT``
``xla_options``    True, False                  ``SKKERAS_XLA_OPTIONS``
=================  ===========================  ========================

:func:`set_config` describes each key.  A key not set explicitly takes its
environment variable's value, read each time the configuration is needed
(so a change to ``os.environ`` applies from the next fit on), else its
built-in default.  Settings are held in a :class:`contextvars.ContextVar`:
they belong to the thread (or asyncio task) that made them.  Threads that
other code starts, such as scikit-learn's ``n_jobs`` workers, begin with
the defaults (process workers inherit the environment variables when they
start); those of :mod:`skkeras.model_selection` receive the configuration
of the call that starts them.

Importing this module does not import Keras.
"""

from ._config import Config, config_context, get_config, set_config

__all__ = ["Config", "config_context", "get_config", "set_config"]
