"""Reading a zip archive from outside, within limits.

A file from outside may claim anything.  :class:`BoundedArchive` refuses an
archive whose entries declare more than a byte budget before decompressing
anything, and counts what it decompresses against the same budget, so a
decompression bomb is refused after at most one chunk; it also bounds the
number of entries and the nesting of the JSON it parses.  The ``.keras``
models and the skops pipeline inside are archives too:
:meth:`BoundedArchive.read_nested` checks their entries against the same
budget before Keras or skops opens them.
"""

import io
import json
import zipfile
from typing import NamedTuple

_CHUNK = 1 << 16
_MIB = 1 << 20


class _Damaged(Exception):
    """Raised inside :func:`skkeras.load` for a file that is not what it claims."""


class TooLarge(Exception):
    """Raised inside :func:`skkeras.load` for a file over its :class:`Limits`."""


class Limits(NamedTuple):
    """How much :func:`skkeras.load` reads from one file.

    ``max_bytes`` bounds everything decompressed (the archive's entries and
    the entries of the ``.keras`` models inside), ``max_entries`` the
    entries of each archive, ``max_depth`` the nesting of JSON values.
    """

    max_bytes: int
    max_entries: int = 1000
    max_depth: int = 100


def default_max_bytes(file_size):
    """20 times the file's size, at least 1 MiB and at most 4 GiB.

    skkeras' files decompress to about 1 to 4 times their size (weights
    barely compress); a ratio of 20 leaves room for long histories and
    zero-filled arrays and refuses a bomb before it costs memory.
    """
    return min(max(20 * file_size, _MIB), 4096 * _MIB)


def _check(condition, message):
    if not condition:
        raise _Damaged(message)


def json_depth_ok(value, limit):
    """Whether ``value`` nests lists and dicts at most ``limit`` deep."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            if depth > limit:
                return False
            items = node.values() if isinstance(node, dict) else node
            stack.extend((item, depth + 1) for item in items)
    return True


class BoundedArchive:
    """Entries of a zip archive, read within :class:`Limits`.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open archive.
    limits : Limits
        The budget, shared with the ``.keras`` archives read through
        :meth:`read_keras`.
    """

    def __init__(self, archive, limits):
        self._archive = archive
        self.limits = limits
        self._left = limits.max_bytes
        self._check_declared(archive, "the file")

    def _check_declared(self, archive, what):
        infos = archive.infolist()
        if len(infos) > self.limits.max_entries:
            raise TooLarge(
                f"{what} has {len(infos)} entries, more than the limit of "
                f"{self.limits.max_entries}"
            )
        declared = sum(info.file_size for info in infos)
        if declared > self._left:
            raise TooLarge(
                f"{what} declares {declared:,} bytes of content, more than the "
                f"{self.limits.max_bytes:,} bytes load reads (max_bytes)"
            )

    def _take(self, archive, info, what):
        """Decompress one entry, counting it against the budget."""
        if info.file_size > self._left:
            raise TooLarge(
                f"{what} declares {info.file_size:,} bytes, more than the "
                f"{self._left:,} left of the {self.limits.max_bytes:,} bytes load "
                "reads (max_bytes)"
            )
        parts, size = [], 0
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > info.file_size or size > self._left:
                    raise TooLarge(
                        f"{what} decompresses to more than it declares or than the "
                        f"{self.limits.max_bytes:,} bytes load reads (max_bytes)"
                    )
                parts.append(chunk)
        self._left -= size
        return b"".join(parts)

    def read(self, name):
        """Return the bytes of the entry ``name``."""
        _check(isinstance(name, str), "an entry name is not a string")
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            raise _Damaged(f"it has no {name}") from None
        return self._take(self._archive, info, name)

    def read_json(self, name):
        """Return the JSON value of the entry ``name``."""
        text = self.read(name)
        try:
            value = json.loads(
                text.decode("utf-8"), parse_constant=lambda c: _not_json(name, c)
            )
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Damaged(f"{name} is not valid JSON ({exc})") from exc
        except RecursionError:
            raise _Damaged(f"{name} nests its values too deeply") from None
        _check(
            json_depth_ok(value, self.limits.max_depth),
            f"{name} nests its values more than {self.limits.max_depth} deep",
        )
        return value

    def read_keras(self, name):
        """Return the ``.keras`` archive in entry ``name``: its bytes and the
        model configuration (``config.json``) it holds.

        Every entry of the inner archive is decompressed here, within the
        budget, so that Keras, which reads them without limits, reads only
        what fits.
        """
        return self.read_nested(name, "config.json", "a .keras archive")

    def read_nested(self, name, index, kind):
        """Return the zip archive in entry ``name``: its bytes and the JSON
        value of its entry ``index``.

        Every entry of the inner archive is decompressed here, within the
        budget, so that the library that reads it next (Keras for a
        ``.keras`` model, skops for a scikit-learn pipeline), which reads
        without limits, reads only what fits.  ``kind`` names the archive
        in errors (``"a .keras archive"``).
        """
        data = self.read(name)
        try:
            inner = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise _Damaged(f"{name} is not {kind}") from None
        with inner:
            self._check_declared(inner, name)
            found = None
            for info in inner.infolist():
                content = self._take(inner, info, f"{name}/{info.filename}")
                if info.filename == index:
                    found = content
        _check(found is not None, f"{name} has no {index}")
        try:
            value = json.loads(found.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise _Damaged(f"{name}'s {index} is not valid JSON ({exc})") from exc
        _check(
            json_depth_ok(value, self.limits.max_depth),
            f"{name}'s {index} nests its values too deeply",
        )
        return data, value


def _not_json(name, constant):
    raise _Damaged(f"{name} holds {constant}, which is not JSON")
