"""Run the skkeras benchmark suite and write a Markdown report.

    python benchmarks/run.py                      # full suite, ~10 min on 2 cores
    python benchmarks/run.py --quick              # shrunken work, to develop
    python benchmarks/run.py --cases iris,predict --out /tmp/partial.md

Each (case, contender) runs in its own child process (see harness.py); the
raw measurements are also written next to the report, as JSON, and
``--from-json`` re-renders a report from them without rerunning anything.
"""

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from report import render  # noqa: E402
from settings import CONTENDERS, config  # noqa: E402


def _git_describe():
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=harness.REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=harness.REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown commit"
    if not commit:
        return "unknown commit"
    return f"git {commit}" + (", with uncommitted changes" if dirty else "")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few epochs, few folds, small grid: checks that everything runs",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="Markdown report path (default: benchmarks/RESULTS.md, or "
        "benchmarks/RESULTS-quick.md with --quick)",
    )
    parser.add_argument(
        "--cases",
        default=",".join(CONTENDERS),
        help="comma-separated subset of: " + ", ".join(CONTENDERS),
    )
    parser.add_argument(
        "--contenders",
        default=None,
        help="comma-separated subset of contenders (default: all)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="children run at once (default 1; 2 with --quick). Above 1 the "
        "children compete for the cores: timings are then meaningless",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every child this many times, in turn (fresh processes), "
        "and report the median of each timing (default 1)",
    )
    parser.add_argument(
        "--isolate",
        action="store_true",
        help="with --quick: still one child per contender (slower)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds per child (default 600, 180 with --quick)",
    )
    parser.add_argument(
        "--merge",
        default=None,
        help="a previous run's JSON: keep its rows for the cases and "
        "contenders this run does not measure, in one report",
    )
    parser.add_argument(
        "--from-json",
        default=None,
        help="re-render the report from a previous run's JSON",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    here = Path(__file__).resolve().parent
    out = (
        Path(args.out)
        if args.out
        else here / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    )
    command = "python benchmarks/run.py" + "".join(
        " " + shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )

    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        out.write_text(
            render(
                saved["facts"],
                saved["results"],
                command=saved["command"],
                total_s=saved["total_s"],
                quick=saved["quick"],
                configs=saved["configs"],
            )
        )
        print(f"wrote {out}")
        return 0

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = set(cases) - set(CONTENDERS)
    if unknown:
        raise SystemExit(
            f"unknown case(s) {sorted(unknown)}; choose from {list(CONTENDERS)}"
        )
    wanted = (
        None
        if args.contenders is None
        else {c.strip() for c in args.contenders.split(",")}
    )
    jobs = args.jobs or (2 if args.quick else 1)
    timeout = args.timeout or (180 if args.quick else 600)
    shared = args.quick and not args.isolate
    tasks = []
    for case in cases:
        chosen = [c for c in CONTENDERS[case] if wanted is None or c in wanted]
        if shared:  # one child per backend: Keras picks its backend once per process
            for backend in sorted({c.endswith("-jax") for c in chosen}):
                tasks.append(
                    (case, [c for c in chosen if c.endswith("-jax") == backend])
                )
        else:
            tasks += [(case, [c]) for c in chosen]

    tasks = tasks * max(1, args.repeat)  # in turn: a slow spell hits every contender
    facts = harness.machine_facts()
    facts["git"] = _git_describe()
    facts["jobs"] = jobs
    facts["repeat"] = max(1, args.repeat)
    pycache = Path(tempfile.gettempdir()) / "skkeras-bench-pycache"
    facts["shared"] = shared
    print(
        f"{len(tasks)} children, {jobs} at a time "
        f"({'quick' if args.quick else 'full'} mode); "
        f"load average {facts['load_start']}",
        flush=True,
    )

    start = time.perf_counter()
    done = []

    def one(task):
        results = harness.run_child(
            *task, quick=args.quick, timeout=timeout, pycache=pycache
        )
        done.append(task)
        failed = [
            f"{r['contender']}: {r.get('error', '?')}"
            for r in results
            if not r.get("ok")
        ]
        print(
            f"[{len(done):2d}/{len(tasks)}] {task[0]:8s} {','.join(task[1]):15s} "
            f"{results[0]['elapsed_s']:6.1f} s  "
            f"{'FAILED ' + '; '.join(failed) if failed else 'ok'}",
            flush=True,
        )
        return results

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = [r for batch in pool.map(one, tasks) for r in batch]
    results = harness.median_of_repeats(results)
    for row in results:  # each row keeps its own date through later merges
        row["date"] = facts["date"]
    total = time.perf_counter() - start
    if args.merge:
        previous = json.loads(Path(args.merge).read_text())
        measured = {(r["case"], r["contender"]) for r in results}
        kept = [
            r
            for r in previous["results"]
            if (r["case"], r["contender"]) not in measured
        ]
        results = kept + results
        facts["merged"] = (
            f"{len(kept)} rows kept from {previous['command']} "
            f"({previous['facts'].get('git', '?')}, {previous['facts']['date']}, "
            f"{previous['total_s'] / 60:.1f} min)"
        )
    facts["load_end"] = harness.load_average()

    configs = {case: config(case, args.quick) for case in CONTENDERS}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        render(
            facts,
            results,
            command=command,
            total_s=total,
            quick=args.quick,
            configs=configs,
        )
    )
    out.with_suffix(".json").write_text(
        json.dumps(
            {
                "facts": facts,
                "results": results,
                "command": command,
                "total_s": total,
                "quick": args.quick,
                "configs": configs,
            },
            indent=1,
            default=harness._jsonable,
        )
    )
    print(f"wrote {out} ({total / 60:.1f} min)")
    return 0 if all(r.get("ok") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
