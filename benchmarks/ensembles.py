"""Deep ensembles against one member: metric and training time, side by side.

    python benchmarks/ensembles.py          # pima, boston, bank; TF and JAX
    python benchmarks/ensembles.py --tasks pima --backends jax --folds 3
    python benchmarks/ensembles.py --folds bank=5 --out /tmp/ensembles.md
    python benchmarks/ensembles.py --bootstrap both   # a row without, one with

For each task's default recipe (:mod:`skkeras.tasks`: its preprocessing and
network, ``random_state=0``) and each backend, one child process runs the
recipe's shuffled 10-fold cross-validation (the splits of ``task.cv()``),
fitting on every fold, one after the other, the recipe as it is ("one") and
the recipe with its network wrapped in a 5-member
:class:`~skkeras.ensemble.DeepEnsembleClassifier` /
:class:`~skkeras.ensemble.DeepEnsembleRegressor` (``random_state=0``;
``bootstrap`` as ``--bootstrap`` says: off by default), so that the
machine's load weighs on both alike.

It reports the mean of each of the task's metrics over the folds (as
scikit-learn's scorers give them: higher is better, so boston's RMSE is
negated and its min is the worst member): of "one" (the recipe of seed 0:
one draw of a single network), of the ensemble, and of its members, each
scored alone on the same folds as it is inside the ensemble: the mean over
the members of their own metric (the expected single network, the fair
baseline) and its min and max over the members; and the members' spread
(the standard deviation over the members of their predictions, a
classifier's probabilities, averaged over the test rows and the folds): an
ensemble can improve on its members only as far as they differ.
Then the training time (the pipeline's ``fit``, preprocessing included: the
sum over the folds, the first fold's compiling and tracing included, and
the median fold), and the ensemble's time over one member's.  The first
fold's "one" fit also pays the process's first compilation (on JAX, most of
it), so the folds after the first compare the two more fairly (a second
fold shape's compilation, where the folds differ in size, is in both).  On
JAX the members train as one vectorized program; ``grouping_`` of the last
fold is reported.

This is a script on its own (not a case of ``run.py``): its results are not
merged into ``RESULTS.json``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _spread(ensemble, X):
    """How far apart the members are on ``X``: the standard deviation over
    the members of their predictions (a classifier's probabilities), averaged
    over the rows (and classes)."""
    import numpy as np

    if hasattr(ensemble, "predict_proba"):
        each = np.stack([m.predict_proba(X) for m in ensemble.estimators_])
    else:
        each = ensemble.predict_members(X)
    return float(each.std(axis=0).mean())


def _child(task_name, n_folds, n_members, bootstrap=False):
    import numpy as np
    from sklearn.base import clone
    from sklearn.metrics import get_scorer

    import skkeras  # noqa: F401 - settles the backend
    from skkeras.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor
    from skkeras.tasks import get_task

    task = get_task(task_name)
    X, y = task.load()
    one = task.make_pipeline()
    ensemble_cls = (
        DeepEnsembleClassifier if task.is_classifier else DeepEnsembleRegressor
    )
    ens = clone(one)
    name, member = ens.steps[-1]
    ens.steps[-1] = (
        name,
        ensemble_cls(member, n_members=n_members, bootstrap=bootstrap, random_state=0),
    )
    scorers = {k: get_scorer(v) for k, v in task.scoring.items()}
    splits = list(task.cv(n_splits=n_folds).split(X, y))
    rows = {
        label: {"fit_s": [], "scores": []} for label in ("one", "ensemble", "members")
    }
    rows["members"]["spread"] = []
    take = (
        (lambda data, idx: data.iloc[idx])
        if hasattr(X, "iloc")
        else (lambda d, i: d[i])
    )
    grouping = None
    for train, test in splits:
        X_tr, X_te = take(X, train), take(X, test)
        y_tr, y_te = np.asarray(y)[train], np.asarray(y)[test]
        for label, recipe in (("one", one), ("ensemble", ens)):
            fitted = clone(recipe)
            start = time.perf_counter()
            fitted.fit(X_tr, y_tr)
            rows[label]["fit_s"].append(time.perf_counter() - start)
            rows[label]["scores"].append(
                {k: float(s(fitted, X_te, y_te)) for k, s in scorers.items()}
            )
            if label == "ensemble":
                # Each member scored alone (no training): a typical member.
                X_model = fitted[:-1].transform(X_te)
                rows["members"]["scores"].append(
                    [
                        {k: float(s(member, X_model, y_te)) for k, s in scorers.items()}
                        for member in fitted[-1].estimators_
                    ]
                )
                rows["members"]["spread"].append(_spread(fitted[-1], X_model))
                report = fitted[-1].grouping_
                grouping = {
                    "groups": [
                        {"members": g["members"], "vectorized": g["vectorized"]}
                        for g in report["groups"]
                    ],
                    "alone": len(report["alone"]),
                }
    import keras

    return {
        "task": task_name,
        "backend": keras.backend.backend(),
        "folds": n_folds,
        "members": n_members,
        "bootstrap": bool(bootstrap),
        "rows": int(len(y)),
        "grouping_last_fold": grouping,
        "results": rows,
    }


def _summary(result):
    """Per label, the mean of each metric over the folds, and the fit times.

    ``members``: each member's own mean over the folds (``per_member``),
    their mean (the expected single network) and their min and max.
    """
    import numpy as np

    out = {}
    for label, row in result["results"].items():
        if not row["scores"]:
            continue
        if label == "members":
            scores = row["scores"]
            if isinstance(scores[0], dict):  # a run before 2026-11-30: flat
                size = result["members"]
                scores = [scores[i : i + size] for i in range(0, len(scores), size)]
            # scores[fold][member]: each member's mean over the folds.
            per_member = {
                k: np.mean([[m[k] for m in fold] for fold in scores], axis=0)
                for k in scores[0][0]
            }
            out[label] = {
                "metrics": {k: float(v.mean()) for k, v in per_member.items()},
                "min": {k: float(v.min()) for k, v in per_member.items()},
                "max": {k: float(v.max()) for k, v in per_member.items()},
                "per_member": {k: v.tolist() for k, v in per_member.items()},
                "spread": float(np.mean(row.get("spread") or [np.nan])),
            }
            continue
        metrics = {
            k: float(np.mean([s[k] for s in row["scores"]])) for k in row["scores"][0]
        }
        out[label] = {"metrics": metrics}
        if row["fit_s"]:
            out[label]["total_s"] = float(np.sum(row["fit_s"]))
            out[label]["median_s"] = float(np.median(row["fit_s"]))
            out[label]["rest_s"] = float(np.sum(row["fit_s"][1:]))
    return out


def _render(results, header):
    lines = [header, ""]
    lines.append(
        "| task | backend | folds | bootstrap | metric: one (seed 0) "
        "| metric: members, each alone: mean [min, max] | members' spread "
        "| metric: ensemble | "
        "fit total s: one / ens (ratio) | folds after the first, s: one / ens "
        "(ratio) | fit median fold s: one / ens (ratio) | grouping |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for result in results:
        if "error" in result:
            lines.append(
                f"| {result['task']} | {result['backend']} | error: {result['error']} |"
            )
            continue
        s = _summary(result)
        one, ens, mem = s["one"], s["ensemble"], s["members"]
        fmt = ", ".join
        m1 = fmt(f"{k} {v:.4f}" for k, v in one["metrics"].items())
        m2 = fmt(f"{k} {v:.4f}" for k, v in ens["metrics"].items())
        m3 = fmt(
            f"{k} {v:.4f} [{mem['min'][k]:.4f}, {mem['max'][k]:.4f}]"
            for k, v in mem["metrics"].items()
        )
        groups = result["grouping_last_fold"]
        grouping = (
            f"{len(groups['groups'])} vectorized group(s)"
            if any(g["vectorized"] for g in groups["groups"])
            else f"{len(groups['groups'])} run(s), {groups['alone']} alone"
        )
        lines.append(
            f"| {result['task']} | {result['backend']} | {result['folds']} "
            f"| {result.get('bootstrap', False)} | {m1} | {m3} | {mem['spread']:.4f} "
            f"| {m2} | "
            f"{one['total_s']:.1f} / {ens['total_s']:.1f} "
            f"({ens['total_s'] / one['total_s']:.2f}x) | "
            f"{one['rest_s']:.1f} / {ens['rest_s']:.1f} "
            f"({ens['rest_s'] / one['rest_s']:.2f}x) | "
            f"{one['median_s']:.2f} / {ens['median_s']:.2f} "
            f"({ens['median_s'] / one['median_s']:.2f}x) | {grouping} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="pima,boston,bank")
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument(
        "--folds", default="10", help="folds for every task, or TASK=N,... (others 10)"
    )
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument(
        "--bootstrap",
        default="false",
        help="false, true or both: the ensemble's bootstrap (both: two rows)",
    )
    parser.add_argument(
        "--out", default=None, help="Markdown report (and .json next to it)"
    )
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument(
        "--from-json", default=None, help="re-render a saved run, running nothing"
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.from_json:
        print(_render(json.loads(Path(args.from_json).read_text()), args.from_json))
        return
    if args.child:
        task, folds, members, bootstrap = args.child
        json.dump(
            _child(task, int(folds), int(members), bootstrap == "true"), sys.stdout
        )
        return
    folds = {}
    for part in args.folds.split(","):
        if "=" in part:
            key, value = part.split("=")
            folds[key] = int(value)
        else:
            folds["*"] = int(part)
    results = []
    started = time.time()
    load_start = os.getloadavg()
    bootstraps = ["false", "true"] if args.bootstrap == "both" else [args.bootstrap]
    if set(bootstraps) - {"false", "true"}:
        parser.error(f"--bootstrap is false, true or both; got {args.bootstrap!r}")
    runs = [
        (task, backend, bootstrap)
        for task in args.tasks.split(",")
        for backend in args.backends.split(",")
        for bootstrap in bootstraps
    ]
    for task, backend, bootstrap in runs:
        n = folds.get(task, folds.get("*", 10))
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        cmd = [sys.executable, "-W", "ignore", __file__, "--child", task, str(n)]
        proc = subprocess.run(
            [*cmd, str(args.members), bootstrap],
            capture_output=True,
            text=True,
            env=env,
            timeout=args.timeout,
        )
        if proc.returncode:
            tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
            results.append({"task": task, "backend": backend, "error": tail[0]})
        else:
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(_render(results[-1:], "").strip().splitlines()[-1], flush=True)
    header = (
        f"Deep ensembles ({args.members} members) against one member; "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average "
        f"{load_start[0]:.1f} at start and {os.getloadavg()[0]:.1f} at end, "
        f"{time.time() - started:.0f} s in all."
    )
    text = _render(results, header)
    print(text)
    if args.out:
        Path(args.out).write_text(text)
        Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
