"""skkeras' configuration: explicit settings in a context variable, and the
environment variables as their defaults (see :mod:`skkeras.config`)."""

import contextlib
import dataclasses
import difflib
import functools
import numbers
import os
from contextvars import ContextVar
from types import MappingProxyType


@dataclasses.dataclass(frozen=True)
class Config:
    """The configuration in effect, as :func:`get_config` returns it.

    Each attribute is one configuration key, described in
    :func:`set_config`.  The object is read-only: change the configuration
    with :func:`set_config` or :func:`config_context`
    (``set_config(**dataclasses.asdict(config))`` applies a saved one).

    Attributes
    ----------
    engine : {"auto", "keras"}
        Where estimators train and predict.
    group : {"auto", "always", "never"}
        Which fits :mod:`skkeras.model_selection` trains together.
    group_bytes : int or None
        The most bytes one group of fits trained together may hold; None
        for the default.
    engine_jit : bool
        Whether the TensorFlow engine compiles its loop with XLA.
    xla_options : bool
        Whether the JAX engine passes its XLA:CPU compiler options.

    Examples
    --------
    >>> from skkeras.config import get_config
    >>> get_config().group in ("auto", "always", "never")
    True
    """

    engine: str = "auto"
    group: str = "auto"
    group_bytes: int | None = None
    engine_jit: bool = True
    xla_options: bool = True


class _Choice:
    """A key that takes one of a few strings."""

    def __init__(self, *choices):
        self.choices = choices

    def accepts(self, value):
        return isinstance(value, str) and value in self.choices

    def values(self):
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def parse(self, text):
        """The value that environment text ``text`` (lowercase) means, or
        a ValueError naming the texts accepted."""
        if text in self.choices:
            return text
        raise ValueError("one of " + ", ".join(self.choices))


class _Flag:
    """A key that takes True or False."""

    def accepts(self, value):
        return isinstance(value, bool)

    def values(self):
        return "True or False"

    def parse(self, text):
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError("one of 1, true, yes, on, 0, false, no, off")


class _Bytes:
    """A key that takes a positive number of bytes."""

    def accepts(self, value):
        return (
            isinstance(value, numbers.Integral)
            and not isinstance(value, bool)
            and value > 0
        )

    def values(self):
        return "a positive int (a number of bytes)"

    def parse(self, text):
        if text.isdigit():
            return int(text) or None  # 0: the default
        raise ValueError("a number of bytes (0 for the default)")


# What each key of Config takes.
_KINDS = {
    "engine": _Choice("auto", "keras"),
    "group": _Choice("auto", "always", "never"),
    "group_bytes": _Bytes(),
    "engine_jit": _Flag(),
    "xla_options": _Flag(),
}
_KEYS = tuple(field.name for field in dataclasses.fields(Config))
assert set(_KINDS) == set(_KEYS)
# The explicit settings of this context: key -> value, read-only (each change
# sets a new mapping).  Keys absent here take their default.
_SETTINGS = ContextVar("skkeras_config", default=MappingProxyType({}))


def _check_value(key, value):
    """``value`` if it is valid for ``key``, else a ValueError saying why."""
    kind = _KINDS[key]
    if not kind.accepts(value):
        raise ValueError(
            f"{value!r} is not a valid value for skkeras' configuration key "
            f"{key!r}: use {kind.values()}, or None for its default."
        )
    return int(value) if isinstance(kind, _Bytes) else value


def _from_environment(key):
    """The default of ``key``: its environment variable (``SKKERAS_<KEY>``)
    as it is now, else :class:`Config`'s default."""
    name = "SKKERAS_" + key.upper()
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return getattr(Config, key)
    try:
        return _KINDS[key].parse(text)
    except ValueError as exc:
        raise ValueError(
            f"The environment variable {name}={os.environ[name]!r} is not a "
            f"valid default for skkeras' configuration key {key!r}: expected "
            f"{exc}. Fix or unset it, or override it with "
            f"skkeras.config.set_config({key}=...)."
        ) from None


def _validated(settings, caller):
    """Check every key and value of ``settings``; return them checked."""
    for key in settings:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TypeError(
                f"{caller}() got an unknown configuration key {key!r}.{hint} "
                f"The keys are: {', '.join(_KEYS)}."
            )
    return {
        key: None if value is None else _check_value(key, value)
        for key, value in settings.items()
    }


def _merged(checked):
    """This context's explicit settings with the ``checked`` settings applied
    (a key set to None returns to its default)."""
    merged = dict(_SETTINGS.get())
    for key, value in checked.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return MappingProxyType(merged)


def get_config():
    """Return the configuration in effect in this thread (or task).

    A key set with :func:`set_config` or :func:`config_context` has that
    value; any other key has its default: its environment variable
    (``SKKERAS_<KEY>``) as ``os.environ`` holds it at this call, else the
    built-in default.

    Returns
    -------
    config : Config
        A read-only snapshot: one attribute per configuration key.

    See Also
    --------
    set_config : Set configuration keys.
    config_context : Set configuration keys within a ``with`` block.

    Examples
    --------
    >>> import skkeras.config
    >>> with skkeras.config.config_context(engine="keras"):
    ...     skkeras.config.get_config().engine
    'keras'
    """
    explicit = _SETTINGS.get()
    return Config(
        **{
            key: explicit[key] if key in explicit else _from_environment(key)
            for key in _KEYS
        }
    )


def set_config(**settings):
    """Set configuration keys for the rest of this thread (or task).

    Only the keys given change.  The setting holds in the current thread
    until changed again (and ends with an enclosing :func:`config_context`
    block); other threads, and threads started later, keep their own
    configuration, starting from the defaults.  Prefer
    :func:`config_context`, which restores the configuration when its block
    ends.

    Parameters
    ----------
    engine : {"auto", "keras"}, optional
        Where estimators train and predict.  ``"auto"``: skkeras' compiled
        engine where it reproduces ``keras.Model.fit`` exactly, else
        ``Model.fit``; ``"keras"``: always ``Model.fit`` /
        ``Model.predict``.  Default: the environment variable
        ``SKKERAS_ENGINE``, else ``"auto"``.
    group : {"auto", "always", "never"}, optional
        Which fits :mod:`skkeras.model_selection` trains together.
        ``"auto"``: every group on an accelerator, on the CPU only the
        groups in which some fits share a run; ``"always"``: every group;
        ``"never"``: none.  Default: ``SKKERAS_GROUP``, else ``"auto"``.
    group_bytes : int, optional
        The most bytes one group of fits trained together may hold; larger
        groups are split.  Default: ``SKKERAS_GROUP_BYTES`` (0 meaning
        unset), else 1 GiB or a quarter of the accelerator's memory when
        that is smaller.
    engine_jit : bool, optional
        Whether the TensorFlow engine compiles its training loop with XLA
        (it falls back to no XLA where XLA rejects the model).  Default:
        ``SKKERAS_ENGINE_JIT`` (``1``/``true``/``yes``/``on`` or
        ``0``/``false``/``no``/``off``), else True.
    xla_options : bool, optional
        Whether the JAX engine passes its XLA:CPU compiler options (faster
        compilation of its loops, steps as fast) where XLA accepts them;
        False leaves XLA's defaults.  Default: ``SKKERAS_XLA_OPTIONS``, else
        True.

    A key given None returns to its default.

    Raises
    ------
    TypeError
        For an unknown key (with the closest known one).
    ValueError
        For a value the key does not take (with the valid ones).

    See Also
    --------
    get_config : The configuration in effect.
    config_context : Set configuration keys within a ``with`` block.

    Examples
    --------
    >>> import skkeras.config
    >>> skkeras.config.set_config(group="always")
    >>> skkeras.config.get_config().group
    'always'
    >>> skkeras.config.set_config(group=None)  # back to the default
    """
    _SETTINGS.set(_merged(_validated(settings, "set_config")))


def config_context(**settings):
    """Set configuration keys within a ``with`` block.

    Takes the keys of :func:`set_config`, checked at once.  When the block
    ends, the configuration is what it was before (a :func:`set_config`
    made inside the block is undone too).  Blocks nest; the setting belongs
    to the current thread (or task) only.  skkeras' own workers (those of
    :mod:`skkeras.model_selection`) receive the configuration of the call
    that starts them.

    Parameters
    ----------
    **settings
        Configuration keys and their values, as for :func:`set_config`; a
        key given None takes its default within the block.

    Returns
    -------
    context : context manager
        Applies the settings on entering its ``with`` block and restores
        the configuration on leaving it.

    Raises
    ------
    TypeError
        For an unknown key (with the closest known one).
    ValueError
        For a value the key does not take (with the valid ones).

    See Also
    --------
    get_config : The configuration in effect.
    set_config : Set configuration keys.

    Examples
    --------
    >>> from skkeras.config import config_context, get_config
    >>> with config_context(engine="keras", group="never"):
    ...     get_config().engine, get_config().group
    ('keras', 'never')
    """
    # Checked now; applied to the configuration in effect where it is entered.
    return _applied(_validated(settings, "config_context"))


@contextlib.contextmanager
def _applied(checked):
    token = _SETTINGS.set(_merged(checked))
    try:
        yield
    finally:
        _SETTINGS.reset(token)


def with_caller_config(function):
    """``function``, to be called under the configuration in effect here.

    Threads and worker processes start from the default configuration:
    wrap the function in the thread that dispatches it.  The wrapper is
    picklable when ``function`` is (for joblib's process workers).
    """
    return functools.partial(
        _call_in_config, dataclasses.asdict(get_config()), function
    )


def _call_in_config(config, function, *args, **kwargs):
    with config_context(**config):
        return function(*args, **kwargs)
