"""Run scikit-learn's own MLP test file against skkeras' MLPs.

Usage::

    python benchmarks/compat/sklearn_mlp_suite.py [--backend tensorflow|jax]
        [-k EXPR] [--json OUT] [--skkeras PATH] [--timeout S] [--workdir DIR]

A development tool, not part of skkeras' tests. It copies the installed
scikit-learn's ``sklearn/neural_network/tests/test_mlp.py`` into a temporary
directory, replaces its one import line
``from sklearn.neural_network import MLPClassifier, MLPRegressor`` by
``from skkeras import MLPClassifier, MLPRegressor`` (and refuses to run if
that line is not there), adds a ``conftest.py`` with the one fixture of
scikit-learn's conftest it uses (``global_random_seed``, its default 42),
and runs it with pytest on the chosen Keras
backend, in a fresh process. Outcomes are recorded by the plugin of
``scikeras_suite.py`` (``_suite_plugin.py``) and read with its helpers.

Each test is then classed with ``sklearn_mlp_scope.py`` (next to this file):
*out of scope* (the test reads scikit-learn's private internals; each with
its reason), *deviation* (skkeras differs on purpose; each with its
reason), or *in scope*. The report counts pass/fail in each class and lists
every test that did not pass with the first line of its failure.
``skkeras`` is whatever the interpreter imports, or ``--skkeras PATH`` (a
directory holding the ``skkeras`` package), put first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scikeras_suite import PLUGIN, child_env, first_line, read_records  # noqa: E402

SKLEARN_IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
SKKERAS_IMPORT = "from skkeras import MLPClassifier, MLPRegressor"
# scikit-learn's own conftest gives its tests ``global_random_seed`` (42 unless
# SKLEARN_TESTS_GLOBAL_RANDOM_SEED says otherwise); the copy gets the default.
CONFTEST = '''"""Fixtures of scikit-learn's conftest that test_mlp.py uses."""

import pytest


@pytest.fixture
def global_random_seed():
    return 42
'''


def installed_test_file() -> Path:
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        sys.exit("scikit-learn is not installed")
    path = Path(spec.origin).parent / "neural_network" / "tests" / "test_mlp.py"
    if not path.exists():
        sys.exit(f"{path} is missing (a scikit-learn installed without its tests)")
    return path


def stage(root: Path) -> Path:
    """``root/tests/test_mlp.py`` with skkeras' import, the plugin, an ini."""
    source = installed_test_file().read_text(encoding="utf-8")
    if source.count(SKLEARN_IMPORT) != 1:
        sys.exit(f"{SKLEARN_IMPORT!r} is not in the installed test_mlp.py once")
    (root / "tests").mkdir(parents=True, exist_ok=True)
    swapped = source.replace(SKLEARN_IMPORT, SKKERAS_IMPORT)
    (root / "tests" / "test_mlp.py").write_text(swapped, encoding="utf-8")
    (root / "tests" / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    shutil.copy(PLUGIN, root / PLUGIN.name)
    (root / "pytest.ini").write_text("[pytest]\n")
    return root


def load_scope():
    spec = importlib.util.spec_from_file_location(
        "sklearn_mlp_scope", HERE / "sklearn_mlp_scope.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CLASSES = ("in scope", "deviation", "out of scope")


def classify(nodeid: str, scope) -> tuple[str, str]:
    """(one of ``CLASSES``, reason) of a test id."""
    name = nodeid.split("::", 1)[-1]
    for kind, entries in (
        ("out of scope", scope.OUT_OF_SCOPE),
        ("deviation", scope.DEVIATIONS),
    ):
        for pattern, reason in entries:
            if fnmatch.fnmatchcase(name, pattern):
                return kind, reason
    return "in scope", ""


def run(args) -> dict:
    root = Path(args.workdir or tempfile.mkdtemp(prefix="sklearn-mlp-suite-"))
    work = stage(root)
    out, log = root / "skkeras.jsonl", root / "skkeras.log"
    out.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests/test_mlp.py",
        "-c",
        "pytest.ini",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        PLUGIN.stem,
    ]
    if importlib.util.find_spec("pytest_timeout") is not None and args.timeout > 0:
        cmd += [f"--timeout={args.timeout:g}"]
    if args.k:
        cmd += ["-k", args.k]
    env = child_env(out, args.skkeras)
    env["KERAS_BACKEND"] = args.backend
    print(f"[{args.backend}] {' '.join(cmd[1:])}  (log: {log})", flush=True)
    start = time.perf_counter()
    with log.open("w") as stream:
        proc = subprocess.run(
            cmd, cwd=work, env=env, stdout=stream, stderr=subprocess.STDOUT, check=False
        )
    seconds = time.perf_counter() - start
    outcomes, errors, meta = read_records(out)
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)
    scope = load_scope()
    tests = []
    for o in outcomes.values():
        kind, reason = classify(o.nodeid, scope)
        tests.append(
            {
                "id": o.nodeid,
                "outcome": o.outcome,
                "class": kind,
                "reason": reason,
                "message": first_line(o.message) if o.outcome != "passed" else "",
                "where": o.where,
            }
        )
    return {
        "backend": args.backend,
        "skkeras": meta.get("skkeras"),
        "returncode": proc.returncode,
        "seconds": round(seconds, 1),
        "collect_errors": errors,
        "tests": tests,
    }


def text_report(result: dict) -> str:
    tests = result["tests"]
    lines = [
        "scikit-learn's test_mlp.py against skkeras' MLPClassifier/MLPRegressor",
        f"backend: {result['backend']}; skkeras: {result['skkeras']}; "
        f"{result['seconds']:.0f} s, pytest exit {result['returncode']}",
        f"collected: {len(tests)}; passed: "
        f"{sum(t['outcome'] == 'passed' for t in tests)}",
    ]
    for kind in CLASSES:
        group = [t for t in tests if t["class"] == kind]
        passed = sum(t["outcome"] == "passed" for t in group)
        lines.append(f"  {kind}: {passed} of {len(group)} pass")
    for e in result["collect_errors"]:
        lines.append(f"collection error: {e['nodeid']}: {first_line(e['crash'])}")
    for kind in CLASSES:
        failing = [t for t in tests if t["class"] == kind and t["outcome"] != "passed"]
        if failing:
            lines += ["", f"== {kind}, not passing: {len(failing)}"]
        for t in failing:
            lines.append(f"   {t['id']} [{t['outcome']}] -- {t['message']}")
            if t["reason"]:
                lines.append(f"      reason: {t['reason']}")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", default="tensorflow", choices=["tensorflow", "jax"]
    )
    parser.add_argument("-k", help="pytest -k expression")
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--skkeras", help="directory put first on PYTHONPATH")
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds per test, with pytest-timeout (0: none)",
    )
    parser.add_argument("--workdir", help="keep the staged file and the log here")
    args = parser.parse_args(argv)
    if args.skkeras:
        args.skkeras = str(Path(args.skkeras).resolve())
    if args.workdir:
        args.workdir = str(Path(args.workdir).resolve())
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    result = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    print(text_report(result), end="")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
