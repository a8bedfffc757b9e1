"""Run scikeras' own test suite against skkeras' wrappers, and compare.

Usage::

    python benchmarks/compat/scikeras_suite.py PATH_TO_SCIKERAS_CHECKOUT
        [--json OUT] [-k EXPR] [--reference-cache FILE]
        [--skkeras PATH] [--timeout S] [--workdir DIR] [--text OUT]
    python benchmarks/compat/scikeras_suite.py PATH --from-json SAVED.json

A development tool, not part of skkeras' tests: scikeras' tests stay in the
scikeras checkout and are copied only into a temporary directory. It needs
scikeras (the version of the checkout) installed next to skkeras.

The checkout's ``tests/`` run twice with pytest, each in a fresh process:

1. *reference*: against the installed scikeras;
2. *skkeras*: against a shim package ``scikeras`` put first on the path,
   whose ``wrappers`` module is ``KerasClassifier``/``KerasRegressor`` from
   skkeras and ``BaseWrapper`` = their common base ``_KerasWrapper``; its
   other modules (``utils``, ``_utils``, ``_saving_utils``...) are copies of
   the installed scikeras'. Its ``__init__`` only sets ``__version__``: it
   does not patch Keras' pickling as scikeras' does, so that skkeras' own
   pickling is what is tested.

``skkeras`` is whatever the interpreter imports, or ``--skkeras PATH`` (a
directory holding the ``skkeras`` package), put first on ``PYTHONPATH``.
Each run records every test's outcome through the plugin
``_suite_plugin.py`` (next to this file), which also checks that the skkeras
run's ``scikeras.wrappers.KerasClassifier`` is skkeras'.

Tests are matched by pytest id, then, for ids that differ (pytest names a
parameter by its ``__name__``, which scikeras' estimators have and
skkeras' lack: ``KerasRegressor`` vs ``estimator0``), by a key of path,
test name, and each parameter's position and value type.

The report counts the tests that pass on scikeras, how many of them pass on
skkeras, the intended deviations listed in ``scikeras_deviations.py``, and
groups the other failures by cause (exception type and the first line of
its message, with numbers, addresses and estimator class names
normalised), and gives the share also without the tests of scikeras' own
helper modules (``HELPER_TESTS``, which pass on both sides since the shim
copies those modules). ``--json OUT`` writes everything (``--text OUT`` the
grouped list; ``--from-json`` recompares a saved run, e.g. after editing
the deviations); ``--reference-cache FILE`` stores the reference run and reuses
it later (when it was for the same checkout and scikeras version, and
either ran every test or the same ``-k``); with ``-k`` and a full cache only
the reference tests selected on the skkeras side are compared. A per-test
timeout applies when pytest-timeout is installed, two workers when
pytest-xdist is. A test file that does not collect is listed and the others
run (scikeras 0.13's ``test_compile_kwargs.py`` does not import on Keras
3.15); tests needing a download fail on both sides when offline.
"""

from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLUGIN = HERE / "_suite_plugin.py"
# test files of scikeras' helper modules, which the shim copies: they pass
# on both sides whatever skkeras does, so the report also counts without them
HELPER_TESTS = (
    "tests/test_utils.py",
    "tests/test_utils_transformers.py",
    "tests/test_random_state.py",
)

SHIM_INIT = '''"""Shim of scikeras_suite.py: scikeras' helpers, skkeras' wrappers."""

__version__ = "{version}"
'''

SHIM_WRAPPERS = '''"""Shim of scikeras_suite.py: skkeras' wrappers, scikeras' names."""

from skkeras import KerasClassifier, KerasRegressor
from skkeras._wrappers import _KerasWrapper as BaseWrapper

__all__ = ["BaseWrapper", "KerasClassifier", "KerasRegressor"]
'''


@dataclasses.dataclass
class Outcome:
    """One test's result in one run."""

    nodeid: str
    key: str
    outcome: str = "not run"  # passed failed error skipped xfailed xpassed
    message: str = ""  # "Type: message" of the first failure, or skip reason
    where: str = ""  # "dir/file.py:line" of the failure's innermost frame

    def apply(self, report: dict) -> None:
        """Fold one setup/call/teardown report into the outcome."""
        when, result = report["when"], report["outcome"]
        if result == "failed":
            if self.outcome not in ("failed", "error"):
                self.outcome = "failed" if when == "call" else "error"
                self.message = report["crash"]
                self.where = report.get("where", "")
        elif result == "skipped":
            self.outcome = "xfailed" if report["xfail"] else "skipped"
            self.message = report["crash"]
        elif when == "call":
            self.outcome = "xpassed" if report["xfail"] else "passed"


@dataclasses.dataclass
class SideRun:
    """One pytest run: its outcomes, collection errors and facts."""

    side: str
    outcomes: list[Outcome]
    collect_errors: list[dict]
    meta: dict
    returncode: int
    seconds: float
    k: str | None

    @classmethod
    def from_dict(cls, data: dict) -> SideRun:
        data = dict(data)
        data["outcomes"] = [Outcome(**o) for o in data["outcomes"]]
        return cls(**data)


# --------------------------------------------------------------- staging


def installed_scikeras() -> Path:
    spec = importlib.util.find_spec("scikeras")
    if spec is None or spec.origin is None:
        sys.exit("scikeras is not installed: the reference run and the shim need it")
    return Path(spec.origin).parent


def write_shim(dest: Path, real: Path) -> None:
    """``dest/scikeras``: the installed scikeras with skkeras' wrappers."""
    target = dest / "scikeras"
    shutil.copytree(real, target, ignore=shutil.ignore_patterns("__pycache__"))
    version = importlib.metadata.version("scikeras")
    (target / "__init__.py").write_text(SHIM_INIT.format(version=version))
    (target / "wrappers.py").write_text(SHIM_WRAPPERS)


def stage(side: str, checkout: Path, root: Path) -> Path:
    """A directory holding the checkout's tests, the plugin and an ini file."""
    work = root / side
    shutil.copytree(
        checkout / "tests",
        work / "tests",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(PLUGIN, work / PLUGIN.name)
    (work / "pytest.ini").write_text("[pytest]\n")
    if side == "skkeras":
        write_shim(work, installed_scikeras())
    return work


# --------------------------------------------------------------- running


def pytest_command(k: str | None, timeout: float) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests",
        "-c",
        "pytest.ini",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        PLUGIN.stem,
        "--continue-on-collection-errors",
    ]
    if importlib.util.find_spec("xdist") is not None:
        cmd += ["-n", "2"]
    if importlib.util.find_spec("pytest_timeout") is not None and timeout > 0:
        cmd += [f"--timeout={timeout:g}"]
    if k:
        cmd += ["-k", k]
    return cmd


def child_env(out: Path, skkeras_path: str | None) -> dict:
    env = dict(
        os.environ,
        SKKERAS_SUITE_OUT=str(out),
        KERAS_BACKEND="tensorflow",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONDONTWRITEBYTECODE="1",
    )
    paths = [skkeras_path] if skkeras_path else []
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    if not paths:
        del env["PYTHONPATH"]
    return env


def read_records(path: Path) -> tuple[dict[str, Outcome], list[dict], dict]:
    outcomes: dict[str, Outcome] = {}
    errors: list[dict] = []
    meta: dict = {}
    if not path.exists():
        return outcomes, errors, meta
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        kind = record.pop("t")
        if kind == "meta":
            meta = record
        elif kind == "item":
            outcomes[record["nodeid"]] = Outcome(record["nodeid"], record["key"])
        elif kind == "collect_error":
            errors.append(record)
        elif kind == "report":
            nodeid = record["nodeid"]
            outcomes.setdefault(nodeid, Outcome(nodeid, nodeid)).apply(record)
    return outcomes, errors, meta


def run_side(side: str, checkout: Path, root: Path, args) -> SideRun:
    work = stage(side, checkout, root)
    out, log = root / f"{side}.jsonl", root / f"{side}.log"
    cmd = pytest_command(args.k, args.timeout)
    print(f"[{side}] {' '.join(cmd[1:])}  (log: {log})", flush=True)
    start = time.perf_counter()
    with log.open("w") as stream:
        proc = subprocess.run(
            cmd,
            cwd=work,
            env=child_env(out, args.skkeras),
            stdout=stream,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - start
    outcomes, errors, meta = read_records(out)
    meta["skkeras_revision"] = git_revision(meta.get("skkeras"))
    print(
        f"[{side}] {len(outcomes)} tests, exit {proc.returncode}, {seconds:.0f} s",
        flush=True,
    )
    return SideRun(
        side, list(outcomes.values()), errors, meta, proc.returncode, seconds, args.k
    )


def git_revision(path: str | None) -> str | None:
    """``git describe`` of the checkout holding ``path``, if it is in one."""
    if not path:
        return None
    proc = subprocess.run(
        ["git", "-C", str(Path(path).parent), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


def check_shim(run: SideRun) -> None:
    if not run.meta.get("wrappers_are_skkeras"):
        sys.exit(f"the skkeras run did not test skkeras' wrappers: {run.meta}")


def reference_run(checkout: Path, root: Path, args) -> SideRun:
    """The reference run, from the cache when it covers this run."""
    facts = {
        "checkout": str(checkout),
        "scikeras": importlib.metadata.version("scikeras"),
    }
    cache = Path(args.reference_cache) if args.reference_cache else None
    if cache and cache.exists():
        data = json.loads(cache.read_text())
        if data["facts"] == facts and data["run"]["k"] in (None, args.k):
            print(f"[reference] from cache {cache}", flush=True)
            return SideRun.from_dict(data["run"])
    run = run_side("reference", checkout, root, args)
    if cache:
        payload = {"facts": facts, "run": dataclasses.asdict(run)}
        cache.write_text(json.dumps(payload, indent=1))
    return run


# --------------------------------------------------------------- comparing


def match(reference: SideRun, candidate: SideRun) -> dict[str, Outcome | None]:
    """Reference test id -> the skkeras outcome of the same test (or None)."""
    by_id = {o.nodeid: o for o in candidate.outcomes}
    ids = {o.nodeid for o in reference.outcomes}
    by_key: dict[str, list[Outcome]] = defaultdict(list)
    for o in candidate.outcomes:
        if o.nodeid not in ids:
            by_key[o.key].append(o)
    pairs: dict[str, Outcome | None] = {}
    for o in reference.outcomes:
        if o.nodeid in by_id:
            pairs[o.nodeid] = by_id[o.nodeid]
        else:
            pairs[o.nodeid] = by_key[o.key].pop(0) if by_key[o.key] else None
    return pairs


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
_ESTIMATOR = re.compile(r"\b\w*(Classifier|Regressor|Wrapper|Transformer)\b")


def normalise(line: str) -> str:
    """Addresses, numbers (not digits inside names) and estimator class names
    replaced, spaces folded."""
    line = _NUMBER.sub("N", _ADDRESS.sub("<addr>", line))
    line = _ESTIMATOR.sub("<Estimator>", line)
    line = " ".join(line.split())
    return line if len(line) <= 160 else line[:157] + "..."


def first_line(message: str) -> str:
    return detail(message, 1)


def detail(message: str, count: int = 3) -> str:
    """The first ``count`` non-empty lines of a message, joined by `` | ``."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = " | ".join(lines[:count]) or "(no message)"
    return text if len(text) <= 300 else text[:297] + "..."


def cause_of(outcome: Outcome | None, run: SideRun) -> tuple[str, str]:
    """(normalised cause, message detail) of a test that did not pass."""
    if outcome is None:
        return "not collected on skkeras", ""
    raw = first_line(outcome.message)
    if outcome.outcome == "not run":
        return f"not run (pytest exited {run.returncode} before it)", ""
    if outcome.outcome in ("skipped", "xfailed"):
        return f"{outcome.outcome}: {normalise(raw)}", raw
    return normalise(raw), detail(outcome.message)


def collect_error_causes(run: SideRun) -> dict[str, str]:
    """Test file -> first line of its collection error (skkeras side)."""
    return {
        e["nodeid"].split("::")[0]: first_line(e["crash"]) for e in run.collect_errors
    }


def load_deviations() -> list[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location(
        "scikeras_deviations", HERE / "scikeras_deviations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.DEVIATIONS)


def deviation_of(
    nodeid: str, deviations: list[tuple[str, str]]
) -> tuple[str, str] | None:
    """The first ``(pattern, reason)`` whose pattern matches the test id."""
    for pattern, reason in deviations:
        if fnmatch.fnmatchcase(nodeid, pattern):
            return pattern, reason
    return None


def compare(reference: SideRun, candidate: SideRun, deviations) -> dict:
    """Figures, failures grouped by cause, deviations, per-test outcomes."""
    pairs = match(reference, candidate)
    ref_passed = [o for o in reference.outcomes if o.outcome == "passed"]
    if reference.k != candidate.k:  # a full cached reference, a -k run
        ref_passed = [o for o in ref_passed if pairs[o.nodeid] is not None]
    file_errors = collect_error_causes(candidate)
    groups: dict[str, list[dict]] = defaultdict(list)
    deviating, passed, helper_passed = [], 0, 0
    for ref in ref_passed:
        got = pairs[ref.nodeid]
        if got is not None and got.outcome == "passed":
            passed += 1
            helper_passed += ref.nodeid.split("::")[0] in HELPER_TESTS
            continue
        cause, raw = cause_of(got, candidate)
        deviation = deviation_of(ref.nodeid, deviations)
        if deviation:
            deviating.append(
                {
                    "id": ref.nodeid,
                    "pattern": deviation[0],
                    "reason": deviation[1],
                    "cause": cause,
                }
            )
            continue
        if got is None:
            raw = file_errors.get(ref.nodeid.split("::")[0], "")
            cause += f" ({normalise(raw)})" if raw else ""
        groups[cause].append(
            {
                "id": ref.nodeid,
                "skkeras_id": got.nodeid if got else None,
                "outcome": got.outcome if got else "missing",
                "message": raw,
                "where": got.where if got else "",
            }
        )
    causes = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    total = len(ref_passed)
    wrapper_total = sum(o.nodeid.split("::")[0] not in HELPER_TESTS for o in ref_passed)
    wrapper_passed = passed - helper_passed
    matched_ids = {o.nodeid for o in pairs.values() if o is not None}
    extra = [
        o.nodeid
        for o in candidate.outcomes
        if o.outcome == "passed" and o.nodeid not in matched_ids
    ]
    figures = {
        "reference_collected": len(reference.outcomes),
        "reference_passed": total,
        "skkeras_collected": len(candidate.outcomes),
        "skkeras_passed_of_reference": passed,
        "intended_deviations": len(deviating),
        "failing": total - passed - len(deviating),
        "share_pass": round(100 * passed / total, 1) if total else None,
        "share_pass_or_deviation": round(100 * (passed + len(deviating)) / total, 1)
        if total
        else None,
        "reference_passed_wrapper_tests": wrapper_total,
        "skkeras_passed_wrapper_tests": wrapper_passed,
        "share_pass_wrapper_tests": round(100 * wrapper_passed / wrapper_total, 1)
        if wrapper_total
        else None,
        "skkeras_passed_unmatched": len(extra),
    }
    return {
        "figures": figures,
        "causes": [{"cause": c, "count": len(t), "tests": t} for c, t in causes],
        "deviations": deviating,
        "unused_deviations": sorted(
            {p for p, _ in deviations} - {d["pattern"] for d in deviating}
        ),
        "skkeras_collect_errors": candidate.collect_errors,
        "pairs": {rid: (o.nodeid if o else None) for rid, o in pairs.items()},
    }


# --------------------------------------------------------------- reporting


def text_report(result: dict, reference: SideRun, candidate: SideRun) -> str:
    f = result["figures"]
    lines = [
        "scikeras' test suite against skkeras",
        f"scikeras (reference): {reference.meta.get('scikeras')}",
        f"skkeras: {candidate.meta.get('skkeras')} "
        f"(git {candidate.meta.get('skkeras_revision')})",
        "collection errors on scikeras: "
        + (", ".join(e["nodeid"] for e in reference.collect_errors) or "none"),
        f"-k: reference {reference.k or '(all)'}, skkeras {candidate.k or '(all)'}"
        f"; run times: reference "
        f"{reference.seconds:.0f} s, skkeras {candidate.seconds:.0f} s",
        "",
        f"collected: {f['reference_collected']} on scikeras, "
        f"{f['skkeras_collected']} on skkeras",
        f"pass on scikeras: {f['reference_passed']}",
        f"of those, pass on skkeras: {f['skkeras_passed_of_reference']} "
        f"({f['share_pass']}%)",
        f"intended deviations: {f['intended_deviations']}; pass or deviation: "
        f"{f['share_pass_or_deviation']}%",
        f"without the tests of scikeras' helpers ({', '.join(HELPER_TESTS)}): "
        f"{f['skkeras_passed_wrapper_tests']} of {f['reference_passed_wrapper_tests']}"
        f" ({f['share_pass_wrapper_tests']}%)",
        f"failing: {f['failing']} in {len(result['causes'])} causes",
        "",
    ]
    for group in result["causes"]:
        lines.append(f"== {group['count']} x {group['cause']}")
        for test in group["tests"]:
            message = f"  -- {test['message']}" if test["message"] else ""
            where = f"  [{test['where']}]" if test["where"] else ""
            lines.append(f"   {test['id']}{message}{where}")
        lines.append("")
    if result["deviations"]:
        lines.append("== intended deviations")
        for d in result["deviations"]:
            lines.append(f"   {d['id']}  -- {d['cause']}")
            lines.append(f"      reason: {d['reason']}")
        lines.append("")
    if result["unused_deviations"]:
        lines.append("== deviation patterns that match no failing test")
        lines += [f"   {p}" for p in result["unused_deviations"]]
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a scikeras checkout")
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--text", help="write the grouped failure list here")
    parser.add_argument("-k", help="pytest -k expression (both runs)")
    parser.add_argument("--reference-cache", help="JSON cache of the reference run")
    parser.add_argument("--skkeras", help="directory put first on PYTHONPATH")
    parser.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="seconds per test, with pytest-timeout (0: none)",
    )
    parser.add_argument("--workdir", help="keep the staged runs and logs here")
    parser.add_argument(
        "--from-json",
        help="compare the runs of a saved --json "
        "again (after editing the deviations), running nothing",
    )
    return parser.parse_args(argv)


def run_both(args) -> tuple[SideRun, SideRun]:
    """The reference run (or its cache) and the skkeras run."""
    checkout = args.checkout.resolve()
    if not (checkout / "tests").is_dir():
        sys.exit(f"{checkout} has no tests/ directory")
    if args.skkeras:
        args.skkeras = str(Path(args.skkeras).resolve())
    root = Path(args.workdir or tempfile.mkdtemp(prefix="scikeras-suite-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        reference = reference_run(checkout, root, args)
        candidate = run_side("skkeras", checkout, root, args)
    finally:
        if not args.workdir:
            shutil.rmtree(root, ignore_errors=True)
    check_shim(candidate)
    return reference, candidate


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        reference = SideRun.from_dict(saved["reference"])
        candidate = SideRun.from_dict(saved["skkeras"])
    else:
        reference, candidate = run_both(args)
    result = compare(reference, candidate, load_deviations())
    report = text_report(result, reference, candidate)
    if args.text:
        Path(args.text).write_text(report)
    if args.json:
        payload = {
            "reference": dataclasses.asdict(reference),
            "skkeras": dataclasses.asdict(candidate),
            **result,
        }
        Path(args.json).write_text(json.dumps(payload, indent=1))
    head = report.partition("\n== ")[0]  # the figures, then the causes
    print(head + "\n".join(li for li in report.splitlines() if li.startswith("== ")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
