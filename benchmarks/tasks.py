"""Record ``skkeras cv TASK`` for the five tasks into ``benchmarks/TASKS.json``.

    python benchmarks/tasks.py             # five tasks + pima on JAX, ~3 min
    python benchmarks/tasks.py --runs pima --repeat 3 --out /tmp/TASKS.json
    python benchmarks/tasks.py --runs pima@auto --python /venv-without-tf/bin/python

Each run is one fresh interpreter that runs the command line exactly as
``python -m skkeras cv TASK`` does, with one difference: it first imports
skkeras, ``skkeras.tasks`` and Keras itself, timed, so that the wall time of
the whole command splits into

* ``start_s``: the interpreter's start (the parent's clock, from spawning
  the process to the child's first line),
* ``imports_s``: importing skkeras, its tasks and Keras (with the backend:
  TensorFlow, or JAX),
* ``cv_s``: the cross-validation, as the command times and prints it
  ("wall time"): every fold's fit, the first fit's tracing and compilation
  included, and scoring; no imports,
* ``other_s``: the rest (loading the bundled data, the baseline's
  cross-validation, printing, imports made later, exit).

The scores are parsed from the command's printed table (the command line
has no machine-readable output), with the data shape and the Keras backend
from its progress lines.  ``benchmarks/render_numbers.py`` puts the figures
into the README and the docs.
"""

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from run import _git_describe  # noqa: E402

DEFAULT_RUNS = "pima,iris,boston,bank,gender,pima@jax,bank+keep_duration=true"

# Runs in the child (``python -c``): time the imports, write them next to the
# result, then hand over to the command line (``python -m skkeras``).
CHILD = """\
import json, os, runpy, sys, time
ready = time.time()
t = time.perf_counter()
import skkeras, skkeras.tasks, keras
imports_s = time.perf_counter() - t
from importlib import metadata, util
versions = {}
for name in ("keras", "tensorflow", "jax", "torch", "scikit-learn", "skkeras"):
    try:
        versions[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
with open(os.environ["SKKERAS_TASKS_INFO"], "w") as f:
    json.dump({"ready": ready, "imports_s": imports_s, "versions": versions,
               "tensorflow_installed": util.find_spec("tensorflow") is not None}, f)
sys.argv = ["skkeras", *sys.argv[1:]]
runpy.run_module("skkeras", run_name="__main__", alter_sys=True)
"""


class CvOutput(NamedTuple):
    """What ``skkeras cv`` printed: scores, per-fold fit times and its timing."""

    metrics: dict  # name -> {"mean", "std", "baseline", "lower_is_better"}
    fit_times_s: list  # per fold, as printed (0.1 s resolution)
    cv_s: float  # the command's "wall time"
    samples: int
    features: int
    backend: str


def parse_duration(text):
    """Seconds from skkeras' ``12.3s`` / ``4m 05s`` / ``1h 02m``."""
    text = text.strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)s", text)
    if match:
        return float(match[1])
    match = re.fullmatch(r"(\d+)([hm]) (\d+)([ms])", text)
    if match:
        big = 3600 if match[2] == "h" else 60
        small = 60 if match[4] == "m" else 1
        return int(match[1]) * big + int(match[3]) * small
    raise ValueError(f"not a duration as skkeras prints it: {text!r}")


def _cells(line):
    return re.split(r"\s{2,}", line.strip())


def parse_cv_output(stdout, stderr):
    """Parse ``skkeras cv``'s table (stdout) and its progress lines (stderr).

    Raises
    ------
    ValueError
        When the output does not have the expected lines; the message names
        the missing one, so that a change of the command's output is found
        here rather than as a wrong number.
    """
    lines = stdout.splitlines()

    def find(prefix, where=lines):
        found = [line for line in where if line.startswith(prefix)]
        if not found:
            raise ValueError(
                f"no line starting with {prefix!r} in the output of "
                f"skkeras cv:\n{stdout}\n{stderr}"
            )
        return found[-1]

    header = _cells(find("fold "))
    if header[-1] != "fit time":
        raise ValueError(f"unexpected table header {header}")
    names = header[1:-1]
    means = _cells(find("mean ± std"))[1 : 1 + len(names)]
    baseline_line = [line for line in lines if line.startswith("baseline ")]
    baseline = _cells(baseline_line[0])[1:] if baseline_line else [None] * len(names)
    lower = set()
    note = [line for line in lines if line.endswith(": lower is better)")]
    if note:
        lower = {n.strip() for n in note[0].strip("()").split(":")[0].split(",")}
    metrics = {}
    for name, cell, base in zip(names, means, baseline, strict=True):
        mean, std = (float(v) for v in cell.split("±"))
        metrics[name] = {
            "mean": mean,
            "std": std,
            "baseline": None if base is None else float(base),
            "lower_is_better": name in lower,
        }
    fit_times = [
        parse_duration(_cells(line)[-1]) for line in lines if re.match(r"\d+ ", line)
    ]
    wall = re.search(r"wall time: (.+?) \(n_jobs", find("baseline:"))
    if not wall:
        raise ValueError("no 'wall time: ... (n_jobs=...)' in the output of skkeras cv")
    err = stderr.splitlines()
    shape = re.search(r": (\d+) samples x (\d+) features", "\n".join(err))
    backend = re.search(r"Keras backend: (\w+)", find("model: ", err))
    if not shape or not backend:
        raise ValueError(
            "no data shape or Keras backend in skkeras cv's progress lines"
        )
    return CvOutput(
        metrics,
        fit_times,
        parse_duration(wall[1]),
        int(shape[1]),
        int(shape[2]),
        backend[1],
    )


def run_once(task, backend, settings, *, python, timeout, pycache):
    """One fresh process running ``skkeras cv TASK``; its timings and scores."""
    with tempfile.TemporaryDirectory(prefix="skkeras-tasks-") as tmp:
        info_path = Path(tmp) / "info.json"
        env = harness.child_env(pycache)
        env["SKKERAS_TASKS_INFO"] = str(info_path)
        if backend == "auto":
            env.pop("KERAS_BACKEND", None)
        else:
            env["KERAS_BACKEND"] = backend
        spawned = time.time()
        start = time.perf_counter()
        proc = subprocess.run(
            [python, "-c", CHILD, "cv", task, *_set_options(settings)],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        command_s = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(
                f"{_command(task, settings)} (KERAS_BACKEND={backend}) exited with "
                f"{proc.returncode}:\n{proc.stderr[-2000:]}"
            )
        info = json.loads(info_path.read_text())
    out = parse_cv_output(proc.stdout, proc.stderr)
    start_s = info["ready"] - spawned
    return {
        "command_s": command_s,
        "start_s": start_s,
        "imports_s": info["imports_s"],
        "cv_s": out.cv_s,
        "other_s": command_s - start_s - info["imports_s"] - out.cv_s,
        "first_fit_s": out.fit_times_s[0],
        "fit_times_s": out.fit_times_s,
        "metrics": out.metrics,
        "samples": out.samples,
        "features": out.features,
        "backend": out.backend,
        "versions": info["versions"],
        "tensorflow_installed": info["tensorflow_installed"],
    }


TIMES = ("command_s", "start_s", "imports_s", "cv_s", "other_s", "first_fit_s")


def _set_options(settings):
    return [part for name, value in settings for part in ("--set", f"{name}={value}")]


def _command(task, settings):
    return " ".join(["skkeras cv", task, *_set_options(settings)])


def record(task, backend, settings, attempts):
    """One run's entry: the timings of the median repeat, and of every repeat.

    The median repeat is the one whose whole command took the median time
    (the lower of the two middle ones for an even count), so that its parts
    still add up to its whole.
    """
    first = attempts[0]
    if any(a["metrics"] != first["metrics"] for a in attempts):
        raise RuntimeError(
            f"{_command(task, settings)} on {backend}: the scores differ between "
            "repeats; the seeded command should repeat itself exactly"
        )
    entry = {
        "task": task,
        "requested_backend": backend,
        "settings": dict(settings),
        "command": _command(task, settings),
        "folds": len(first["fit_times_s"]),
    }
    entry.update({k: v for k, v in first.items() if k not in TIMES})
    order = sorted(range(len(attempts)), key=lambda i: attempts[i]["command_s"])
    median = attempts[order[(len(order) - 1) // 2]]
    entry.update({k: median[k] for k in TIMES})
    entry["repeats"] = {k: [a[k] for a in attempts] for k in TIMES}
    return entry


def parse_runs(text):
    """``TASK[+NAME=VALUE...][@BACKEND]`` specs: (task, backend, settings)."""
    runs = []
    for spec in text.split(","):
        head, _, backend = spec.strip().partition("@")
        task, *assignments = head.split("+")
        settings = []
        for assignment in assignments:
            name, equals, value = assignment.partition("=")
            if not (name and equals and value):
                raise SystemExit(
                    f"setting {assignment!r} in --runs {spec!r} is not NAME=VALUE "
                    "(passed to skkeras cv as --set NAME=VALUE)"
                )
            settings.append((name, value))
        if backend not in ("", "tensorflow", "jax", "torch", "auto"):
            raise SystemExit(
                f"unknown backend {backend!r} in --runs {spec!r}; "
                "use tensorflow, jax, torch or auto (KERAS_BACKEND unset)"
            )
        runs.append((task, backend or "tensorflow", tuple(settings)))
    return runs


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        default=DEFAULT_RUNS,
        help="TASK[+NAME=VALUE...][@BACKEND], comma-separated; NAME=VALUE is passed "
        "as --set NAME=VALUE (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="fresh processes per run, in turn; the timings recorded are those "
        "of the process with the median whole time",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter of the environment to measure",
    )
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds per process"
    )
    parser.add_argument(
        "--out", default=str(Path(__file__).resolve().parent / "TASKS.json")
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    runs = parse_runs(args.runs)
    command = "python benchmarks/tasks.py" + "".join(
        " " + shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    facts = harness.machine_facts()
    facts.pop("backend")  # each run names its own
    facts.update(
        git=_git_describe(), repeat=max(1, args.repeat), python_path=args.python
    )
    pycache = Path(tempfile.gettempdir()) / "skkeras-bench-pycache"
    attempts = {run: [] for run in runs}
    start = time.perf_counter()
    for _ in range(max(1, args.repeat)):  # in turn: a slow spell hits every run
        for task, backend, settings in runs:
            result = run_once(
                task,
                backend,
                settings,
                python=args.python,
                timeout=args.timeout,
                pycache=pycache,
            )
            attempts[(task, backend, settings)].append(result)
            print(
                f"{_command(task, settings):40s} {backend:10s} "
                f"command {result['command_s']:6.1f} s, "
                f"cross-validation {result['cv_s']:5.1f} s",
                flush=True,
            )
    facts["load_end"] = harness.load_average()
    out = Path(args.out)
    out.write_text(
        json.dumps(
            {
                "facts": facts,
                "command": command,
                "total_s": time.perf_counter() - start,
                "runs": [
                    record(task, backend, settings, found)
                    for (task, backend, settings), found in attempts.items()
                ],
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
