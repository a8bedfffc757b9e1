"""Timing harness: one subprocess per (case, contender), timers, machine facts.

The parent (``run.py``) calls :func:`run_child`, which starts
``python benchmarks/harness.py --child CASE CONTENDER`` in a fresh
interpreter (``--quick`` passes all of a case's contenders to one child).  The child
imports only what its contender needs (from
``cases.py``), runs it, adds its own peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and writes one JSON object
to a result file.  So a contender's imports (scikeras patches, TensorFlow
state, traced functions) can never leak into another contender's numbers.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PACKAGES = ("numpy", "scikit-learn", "keras", "tensorflow", "scikeras", "skkeras")


# ----------------------------------------------------------------------
# Timers (used inside the children)
# ----------------------------------------------------------------------
def timed(fn, *args, **kwargs):
    """Return ``(seconds, result)`` of one call, on the monotonic clock."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def median_time(fn, repeats, warmup=0):
    """Median seconds of ``repeats`` calls of ``fn()``, after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = [timed(fn)[0] for _ in range(repeats)]
    return statistics.median(times)


def median_of_repeats(results):
    """One result per (case, contender): the first run's, with every timing
    (a number under a key ending in ``_s``) replaced by the median over the
    runs that succeeded, whose values are kept under ``repeats``."""
    by_key = {}
    for r in results:
        by_key.setdefault((r["case"], r["contender"]), []).append(r)
    merged = []
    for runs in by_key.values():
        ok = [r for r in runs if r.get("ok")] or runs[:1]
        first = dict(ok[0])
        if len(ok) > 1:
            timings = [
                k
                for k, v in first.items()
                if k.endswith("_s") and isinstance(v, (int, float)) and k != "elapsed_s"
            ]
            first["repeats"] = {k: [r.get(k) for r in ok] for k in timings}
            for k in timings:
                values = [r[k] for r in ok if isinstance(r.get(k), (int, float))]
                first[k] = statistics.median(values)
        merged.append(first)
    return merged


def repeat_until(fn, max_repeats, budget_s):
    """Call ``fn()`` up to ``max_repeats`` times, stopping once ``budget_s``
    seconds are spent (at least once); return ``(times, last_result)``."""
    times, result = [], None
    while len(times) < max_repeats and (not times or sum(times) < budget_s):
        seconds, result = timed(fn)
        times.append(seconds)
    return times, result


def peak_rss_mib():
    """This process's peak resident set size in MiB (Linux: ru_maxrss in KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def rss_mib():
    """This process's current resident set size in MiB (Linux /proc)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / (1024 * 1024)
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return peak_rss_mib()


# ----------------------------------------------------------------------
# The child process
# ----------------------------------------------------------------------
def child_env(pycache):
    """Environment of a child: quiet TensorFlow, the default compiled engine."""
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env["PYTHONWARNINGS"] = "ignore"
    # skkeras must run its default (compiled) engine, whatever the caller set,
    # and compile cold: only the "-cache" contenders get a warm compilation
    # cache (cases.warm_compilation_cache).
    env.pop("SKKERAS_ENGINE", None)
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    # Cache bytecode outside the source tree and the venv, so that the 25
    # children do not each recompile TensorFlow's Python modules when the
    # caller sets PYTHONDONTWRITEBYTECODE.  Import time is not what we time.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), str(HERE), env.get("PYTHONPATH", "")) if p
    )
    return env


def run_child(case, contenders, *, quick, timeout, pycache):
    """Run contenders of one case in one fresh interpreter; return their dicts.

    The full suite passes one contender per child.  ``--quick`` passes all of
    a case's contenders to one child (their imports then meet, and the peak
    memory is the process's, so it is dropped).  Each dict has ``case``,
    ``contender``, ``ok`` and ``elapsed_s`` (the child's whole life, imports
    included); on success the measurements and ``peak_rss_mib``; on failure
    ``error``.
    """
    with tempfile.TemporaryDirectory(prefix="skkeras-bench-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            case,
            ",".join(contenders),
            "--result",
            str(out),
        ]
        if quick:
            cmd.append("--quick")
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd,
                env=child_env(pycache),
                cwd=REPO,
                timeout=timeout,
                capture_output=True,
                text=True,
            )
            error = None
        except subprocess.TimeoutExpired:
            proc, error = None, f"timed out after {timeout:g} s"
        elapsed = time.perf_counter() - start
        results = json.loads(out.read_text()) if out.exists() else []
        if proc is not None and not out.exists():
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
            error = f"exit code {proc.returncode}: " + " | ".join(tail)
    done = {r["contender"] for r in results}
    results += [
        {"contender": c, "ok": False, "error": error or "no result"}
        for c in contenders
        if c not in done
    ]
    for result in results:
        result.update(case=case, elapsed_s=elapsed)
    return results


def _child_main(case, contenders, result_path, quick):
    import warnings

    warnings.filterwarnings("ignore")
    import cases  # noqa: E402  (benchmarks/ is on sys.path in the child)

    results = []
    for contender in contenders:
        try:
            result = cases.run(case, contender, quick=quick)
            result["ok"] = True
        except Exception as exc:  # reported in the table, never hidden
            traceback.print_exc()
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        result["contender"] = contender
        result["peak_rss_mib"] = peak_rss_mib() if len(contenders) == 1 else None
        results.append(result)
        # Written after every contender, so a timeout keeps what finished.
        Path(result_path).write_text(json.dumps(results, default=_jsonable))


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


# ----------------------------------------------------------------------
# Machine and versions (read in the parent without importing TensorFlow)
# ----------------------------------------------------------------------
def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average():
    try:
        return "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())
    except OSError:
        return "n/a"


def machine_facts():
    """CPU, cores, memory, OS, Python and package versions, date."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        mem_kib = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f"{mem_kib / 1024**2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "n/a"
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "load_start": load_average(),
    }


# ----------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------
def md_table(headers, rows):
    """A GitHub-flavoured Markdown table; numbers right-aligned."""

    def align(col):
        values = [row[col] for row in rows if row[col] not in ("", "-", "n/a")]
        numeric = values and all(_looks_numeric(v) for v in values)
        return "---:" if numeric else "---"

    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(align(i) for i in range(len(headers))) + " |",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _looks_numeric(text):
    text = str(text).replace(",", "").rstrip("x×%*† ").lstrip("~")
    try:
        float(text)
        return True
    except ValueError:
        return False


def fmt_num(value):
    """A number with about three significant digits: 0.0123, 1.23, 12.3, 123."""
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) >= 0.001 else f"{value:.2e}"


def fmt_ratio(value, reference):
    """``value / reference`` as ``0.42x`` / ``3.1x`` / ``27x``."""
    if value is None or not reference:
        return "n/a"
    ratio = value / reference
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.0f}x"


def fmt_score(value, digits=3):
    return "n/a" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description="Benchmark child process (internal).")
    parser.add_argument(
        "--child",
        nargs=2,
        metavar=("CASE", "CONTENDERS"),
        required=True,
        help="a case and a comma-separated list of its contenders",
    )
    parser.add_argument("--result", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    case, contenders = args.child
    _child_main(case, contenders.split(","), args.result, args.quick)


if __name__ == "__main__":
    main()
