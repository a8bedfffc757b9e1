"""pytest plugin of ``scikeras_suite.py``: test outcomes as JSON lines.

Loaded with ``-p _suite_plugin`` in the pytest processes that
``scikeras_suite.py`` starts; writes to the file named by
``SKKERAS_SUITE_OUT`` one line per record, flushed at once (a crash loses
nothing already run):

* ``{"t": "meta", ...}``: which ``scikeras`` the tests imported and whether
  its ``KerasClassifier`` is skkeras';
* ``{"t": "item", "nodeid", "key"}``: every selected test;
* ``{"t": "report", "nodeid", "when", "outcome", "xfail", "crash",
  "where"}``: every setup, call and teardown report (``crash``: the
  exception's ``Type: message``; ``where``: its innermost ``dir/file:line``);
* ``{"t": "collect_error", "nodeid", "crash"}``: a file or class that did
  not collect.

``key`` names a test independently of pytest's parameter ids (which use
``__name__``, which scikeras' estimators have and skkeras' lack): the test's
path and name, then for each parameter its position in its parametrize list
and a label from its value's type (``repr`` for plain values).
"""

import functools
import inspect
import json
import os
import sys

_stream = None


def _write(record):
    global _stream
    if _stream is None:
        _stream = open(os.environ["SKKERAS_SUITE_OUT"], "a", encoding="utf-8")
    _stream.write(json.dumps(record) + "\n")
    _stream.flush()


def _label(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)[:60]
    if isinstance(value, functools.partial):
        return f"partial({_label(value.func)})"
    if inspect.isclass(value) or inspect.isroutine(value):
        return getattr(value, "__qualname__", type(value).__qualname__)
    return type(value).__qualname__


def _key(item):
    base = item.nodeid.split("[", 1)[0]
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return base
    parts = [
        f"{name}#{callspec.indices.get(name)}={_label(value)}"
        for name, value in sorted(callspec.params.items())
    ]
    return f"{base}[{','.join(parts)}]"


def _where(longrepr):
    """``dir/file.py:line`` of the innermost frame of a failure, if known."""
    crash = getattr(longrepr, "reprcrash", None)
    if crash is None:
        return ""
    tail = "/".join(crash.path.replace(os.sep, "/").split("/")[-2:])
    return f"{tail}:{crash.lineno}"


def _crash(longrepr):
    """The exception line of a report: ``Type: message`` (or a skip reason)."""
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple):
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    lines = str(longrepr).splitlines()
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    if errors:
        return errors[0]
    return lines[-1] if lines else ""


def _meta():
    shim = sys.modules.get("scikeras.wrappers")
    skkeras = sys.modules.get("skkeras")
    same = bool(
        shim is not None
        and skkeras is not None
        and getattr(shim, "KerasClassifier", None)
        is getattr(skkeras, "KerasClassifier", None)
    )
    return {
        "t": "meta",
        "scikeras": getattr(sys.modules.get("scikeras"), "__file__", None),
        "skkeras": getattr(skkeras, "__file__", None),
        "wrappers_are_skkeras": same,
    }


def pytest_collection_finish(session):
    _write(_meta())
    for item in session.items:
        _write({"t": "item", "nodeid": item.nodeid, "key": _key(item)})


def pytest_collectreport(report):
    if report.failed:
        crash = _crash(report.longrepr)
        _write({"t": "collect_error", "nodeid": report.nodeid, "crash": crash})


def pytest_runtest_logreport(report):
    _write(
        {
            "t": "report",
            "nodeid": report.nodeid,
            "when": report.when,
            "outcome": report.outcome,
            "xfail": hasattr(report, "wasxfail"),
            "crash": "" if report.passed else _crash(report.longrepr),
            "where": "" if report.passed else _where(report.longrepr),
        }
    )
