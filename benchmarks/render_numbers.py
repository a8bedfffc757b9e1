"""Put the measured figures into the README and the docs, from the results files.

    python benchmarks/render_numbers.py            # rewrite the marked regions
    python benchmarks/render_numbers.py --check    # list the differences, exit 1 if any

Every measured figure of ``README.md`` and of the documentation pages lives
between markers, and is rendered from ``benchmarks/RESULTS.json`` (written by
``benchmarks/run.py``) or ``benchmarks/TASKS.json`` (``benchmarks/tasks.py``)::

    <!-- numbers:NAME -->          .. numbers:NAME
    ...                            ...
    <!-- /numbers:NAME -->         .. /numbers:NAME

(Markdown on the left, reStructuredText comments on the right).  A region's
text is generated whole; the text around it is left alone.  Each figure is
read from one field of the results files, so a figure quoted on two pages
is the same number, and each says what it includes: the process's start and
imports, the first fit's tracing and compilation, or neither (warm).
"""

import argparse
import difflib
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fmt_num, md_table  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


# ----------------------------------------------------------------------
# The results files
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class Numbers:
    """The two results files, with look-ups that name what is missing."""

    results: dict  # benchmarks/RESULTS.json
    tasks: dict  # benchmarks/TASKS.json
    gpu: dict  # benchmarks/gpu/*.json, by file stem: runs on a GPU machine

    @classmethod
    def load(cls, folder=HERE):
        folder = Path(folder)
        return cls(
            json.loads((folder / "RESULTS.json").read_text()),
            json.loads((folder / "TASKS.json").read_text()),
            {
                path.stem: json.loads(path.read_text())
                for path in sorted((folder / "gpu").glob("*.json"))
            },
        )

    def gpu_row(self, run, case, contender):
        """The row of one case and contender in ``benchmarks/gpu/RUN.json``."""
        if run not in self.gpu:
            raise ValueError(
                f"benchmarks/gpu/{run}.json is missing; on the GPU machine run "
                f"python benchmarks/run.py --cases {case} --out "
                f"benchmarks/gpu/{run}.md (README of benchmarks/, 'On a GPU')"
            )
        for row in self.gpu[run]["results"]:
            if row["case"] == case and row["contender"] == contender and row["ok"]:
                return row
        raise ValueError(f"benchmarks/gpu/{run}.json has no {case}/{contender} row")

    def row(self, case, contender):
        """The RESULTS.json row of one case and contender (it must have run)."""
        for row in self.results["results"]:
            if row["case"] == case and row["contender"] == contender:
                if not row.get("ok"):
                    raise ValueError(
                        f"RESULTS.json: {case}/{contender} failed "
                        f"({row.get('error')}); rerun python benchmarks/run.py "
                        f"--cases {case}"
                    )
                return row
        raise ValueError(
            f"RESULTS.json has no row for case {case!r}, contender {contender!r}; "
            f"run python benchmarks/run.py --cases {case} "
            "--merge benchmarks/RESULTS.json"
        )

    def config(self, case):
        return self.results["configs"][case]

    def case_date(self, case):
        """The day a case's rows were measured (a merged run keeps its own date)."""
        dates = {
            row["date"][:10]
            for row in self.results["results"]
            if row["case"] == case and "date" in row
        }
        if len(dates) == 1:
            return dates.pop()
        facts = self.results["facts"]
        merged = facts.get("merged", "")
        cases = re.search(r"--cases (\S+)", merged)
        if cases and case in cases[1].split(","):
            day = re.search(r"\d{4}-\d{2}-\d{2}", merged)
            if not day:
                raise ValueError(f"RESULTS.json: no date in facts.merged: {merged!r}")
            return day[0]
        return facts["date"][:10]

    def run(self, task, backend="tensorflow", **settings):
        """The TASKS.json entry of ``skkeras cv TASK [--set NAME=VALUE]``."""
        settings = {name: str(value).lower() for name, value in settings.items()}
        for run in self.tasks["runs"]:
            if (
                run["task"] == task
                and run["requested_backend"] == backend
                and run.get("settings", {}) == settings
            ):
                return run
        spec = "".join([task, *(f"+{k}={v}" for k, v in settings.items())])
        raise ValueError(
            f"TASKS.json has no run of {spec!r} with backend {backend!r}; run "
            f"python benchmarks/tasks.py --runs {spec}@{backend} (or the default runs)"
        )

    def machine(self, facts):
        return f"{facts['cores']}-core {facts['cpu']} CPU"


# ----------------------------------------------------------------------
# Formatting, Markdown or reStructuredText
# ----------------------------------------------------------------------
class Doc(NamedTuple):
    """The markup of a file: ``"md"`` or ``"rst"``."""

    kind: str

    def code(self, text):
        return f"`{text}`" if self.kind == "md" else f"``{text}``"

    def table(self, headers, rows):
        if self.kind == "md":
            return md_table(headers, rows)
        return rst_table(headers, rows)

    def code_block(self, lines, language="bash"):
        if self.kind == "md":
            return "\n".join([f"```{language}", *lines, "```"])
        return "\n".join(
            [f".. code-block:: {language}", ""] + ["    " + x for x in lines]
        )


def rst_table(headers, rows):
    """A reStructuredText simple table."""
    cells = [list(map(str, headers))] + [list(map(str, r)) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    rule = "  ".join("=" * w for w in widths)

    def line(row):
        return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    return "\n".join([rule, line(cells[0]), rule, *map(line, cells[1:]), rule])


def seconds(value):
    return f"{fmt_num(value)} s"


def ms(value):
    return f"{fmt_num(value * 1000)} ms"


def times(a, b):
    """How many times ``b`` is ``a``: ``1.49x``."""
    return f"{b / a:.2f}x"


def metric_name(name):
    return {"roc_auc": "ROC AUC", "rmse": "RMSE", "r2": "R²"}.get(name, name)


def score(metric, digits=3):
    return f"{metric['mean']:.{digits}f} ± {metric['std']:.{digits}f}"


# ----------------------------------------------------------------------
# The regions
# ----------------------------------------------------------------------
def quickstart(n, doc):
    """The README's first command, with its time split by what it includes."""
    run = n.run("pima")
    facts = n.tasks["facts"]
    text = (
        "Install, then cross-validate the Pima Indians diabetes network on the "
        f"bundled data: {seconds(run['command_s'])} in all on a "
        f"{n.machine(facts)}{_spread(run, 'command_s')}, of which "
        f"{seconds(_startup(run))} start Python and import TensorFlow, Keras and "
        f"skkeras, and {seconds(run['cv_s'])} cross-validate (the first fit's "
        "compilation included); the command prints both its wall time and the "
        "time since it started"
    )
    lines = [*textwrap.wrap(text, 78, initial_indent="# ", subsequent_indent="# ")]
    lines.append("pip install . && skkeras cv pima")
    return doc.code_block(lines)


def _spread(run, key):
    """`` (median of N processes, LOW to HIGH)``, or nothing for one run."""
    values = run["repeats"][key]
    if len(values) < 2:
        return ""
    return (
        f" (median of {len(values)} processes, {seconds(min(values))} to "
        f"{seconds(max(values))})"
    )


def _startup(run):
    """Seconds from starting the process to Keras and skkeras imported."""
    return run["start_s"] + run["imports_s"]


def _tasks_intro(n, doc, what):
    facts = n.tasks["facts"]
    return (
        f"{what} (seed 0, {n.machine(facts)}, {facts['date'][:10]}, "
        f"{doc.code('benchmarks/TASKS.json')}): "
        '"cross-validation" is the wall time the command prints, every fold\'s '
        "fit and score, the first fit's tracing and compilation included; "
        '"start and imports" is starting Python and importing skkeras, Keras and '
        'its backend; "command" is the whole process, these two, loading the '
        "data and the baseline's cross-validation."
    )


def tasks_table(n, doc):
    """Each task's 10-fold cross-validation, scores and time."""
    rows = []
    for task in ("pima", "iris", "boston", "bank", "gender"):
        run = n.run(task)
        metrics = run["metrics"]
        rows.append(
            [
                task,
                f"{run['samples']:,} x {run['features']}",
                ", ".join(f"{metric_name(k)} {score(m)}" for k, m in metrics.items()),
                ", ".join(
                    f"{metric_name(k)} {m['baseline']:.3f}"
                    for k, m in metrics.items()
                    if m["baseline"] is not None
                ),
                seconds(run["cv_s"]),
                seconds(_startup(run)),
                seconds(run["command_s"]),
            ]
        )
    headers = [
        "task",
        "data",
        "scores (mean ± std over the folds)",
        "baseline",
        "cross-validation",
        "start and imports",
        "command",
    ]
    note = (
        "The baseline is a majority-class classifier, or the mean for boston; "
        "RMSE is lower-is-better. gender's best possible accuracy (the Bayes "
        "rate of its two Gaussian classes) is about 0.807."
    )
    intro = _tasks_intro(
        n,
        doc,
        f"{doc.code('skkeras cv TASK')}, 10-fold "
        "cross-validation of each default recipe on TensorFlow",
    )
    return "\n\n".join([intro, doc.table(headers, rows), note])


def bank_duration(n, doc):
    """bank with and without the leaking ``duration`` column."""
    rows = []
    for label, run in [
        (f"without {doc.code('duration')} (default)", n.run("bank")),
        (f"with {doc.code('duration')}", n.run("bank", keep_duration=True)),
    ]:
        metrics = run["metrics"]
        rows.append(
            [
                label,
                f"{run['samples']:,} x {run['features']}",
                *(score(metrics[k]) for k in ("roc_auc", "accuracy")),
                f"{metrics['accuracy']['baseline']:.3f}",
                seconds(run["cv_s"]),
            ]
        )
    headers = [
        "bank",
        "data",
        "ROC AUC",
        "accuracy",
        "majority-class accuracy",
        "cross-validation",
    ]
    intro = (
        f"{doc.code('skkeras cv bank')} and "
        f"{doc.code('skkeras cv bank --set keep_duration=true')}, measured as "
        "above:"
    )
    return "\n\n".join([intro, doc.table(headers, rows)])


def backends_table(n, doc):
    """``skkeras cv pima`` on each recorded backend."""
    rows = []
    for run in n.tasks["runs"]:
        if run["task"] != "pima":
            continue
        v = run["versions"]
        if run["backend"] == "tensorflow":
            env = f"TensorFlow {v['tensorflow']}"
        else:
            name = {"jax": "JAX", "torch": "PyTorch"}[run["backend"]]
            env = (
                f"{name} {v.get(run['backend'])}, "
                + (
                    "TensorFlow installed"
                    if run["tensorflow_installed"]
                    else "no TensorFlow"
                )
                + (
                    " (chosen automatically)"
                    if run["requested_backend"] == "auto"
                    else f" ({doc.code('KERAS_BACKEND=' + run['backend'])})"
                )
            )
        m = run["metrics"]
        rows.append(
            [
                env,
                score(m["accuracy"]),
                f"{m['roc_auc']['mean']:.3f}",
                seconds(run["cv_s"]),
                seconds(_startup(run)),
                seconds(run["command_s"]),
            ]
        )
    return "\n\n".join(
        [
            _tasks_intro(n, doc, f"{doc.code('skkeras cv pima')} on each backend"),
            doc.table(
                [
                    "environment",
                    "accuracy",
                    "ROC AUC",
                    "cross-validation",
                    "start and imports",
                    "command",
                ],
                rows,
            ),
        ]
    )


def keras_fit_overhead(n, doc, *, bullet=False):
    """What Keras' own fit costs per epoch, against scikit-learn's MLP."""
    keras = n.row("iris", "keras-fit")
    sklearn = n.row("iris", "sklearn")
    epochs = n.config("iris")["epochs"]
    fit = "**Keras `fit`**" if bullet else "Keras' ``Model.fit``"
    text = (
        f"{fit} costs ~{fmt_num(keras['warm_s'] / epochs * 1000)} ms per epoch on "
        f"TensorFlow, mostly bookkeeping: a {epochs}-epoch fit on iris (150 rows) "
        f"takes {seconds(keras['warm_s'])} where scikit-learn's MLP takes "
        f"{seconds(sklearn['warm_s'])} (warm: a later fit in the same process; "
        f"{n.case_date('iris')}, {doc.code('benchmarks/RESULTS.md')}, section 1)."
    )
    return "- " + text if bullet else text


def speed_table(n, doc):
    """skkeras against its peers, one row per case of RESULTS.json."""
    peers = ["skkeras", "sklearn", "scikeras", "keras-fit"]

    def cells(case, key, fmt, partial=None):
        out = []
        for peer in peers:
            row = n.row(case, peer)
            tilde = "~" if partial and row[partial[0]] < row[partial[1]] else ""
            out.append(tilde + fmt(row[key]))
        return out

    rows = [
        [
            f"iris, one warm fit ({n.config('iris')['epochs']} epochs, batch "
            f"{n.config('iris')['batch']})",
            *cells("iris", "warm_s", seconds),
        ],
        [
            f"pima {n.config('pima')['folds']}-fold CV ({n.config('pima')['epochs']} "
            f"epochs, batch {n.config('pima')['batch']})",
            *cells(
                "pima", "extrapolated_s", seconds, ("folds_measured", "folds_total")
            ),
        ],
        [
            f"pima tutorial grid ({n.row('grid', 'skkeras')['total_fits']} fits)",
            *cells(
                "grid",
                "extrapolated_s",
                seconds,
                ("candidates_measured", "candidates_total"),
            ),
        ],
        [
            f"bank {n.row('bank', 'skkeras')['rows']:,} rows, per epoch (warm)",
            *cells("bank", "epoch_s", seconds),
        ],
        ["predict 1 row", *cells("predict", "one_s", ms)],
        [
            f"predict {n.row('predict', 'skkeras')['big_rows']:,} rows",
            *cells("predict", "big_s", ms),
        ],
    ]
    facts = n.results["facts"]
    intro = (
        f"Measured in one run on a {n.machine(facts)} ({facts['date'][:10]}, "
        f"TensorFlow backend; {doc.code('python benchmarks/run.py')}, full table in "
        f"{doc.code('benchmarks/RESULTS.md')}). Every contender runs in a fresh "
        "process and imports are not timed; the CV and the grid include the "
        "first fit's tracing and compilation, warm fits and predictions do not."
    )
    iris = n.row("iris", "skkeras")
    outro = (
        "(~: measured on a subset of folds or candidates and extrapolated, as "
        "the results file states.) A first fit in a new process pays "
        f"{seconds(iris['cold_s'])} of tracing and compilation (iris, section 1)."
    )
    headers = [
        "case",
        "skkeras",
        "scikit-learn MLP",
        "scikeras 0.13",
        "plain Keras " + doc.code("fit"),
    ]
    return "\n\n".join([intro, doc.table(headers, rows), outro])


def long_runs(n, doc):
    """300 fits in one process: fit time and resident memory."""
    tf = n.row("longrun", "skkeras")
    jax = n.row("longrun", "skkeras-jax")
    rss = dict(tf["rss"])  # fit number -> resident MiB after it
    steady = rss[tf["fits"]] - rss[tf["block"]]
    return (
        f"{tf['fits']} consecutive fits in one process ({n.case_date('longrun')}, "
        f"{doc.code('benchmarks/RESULTS.md')}, section 6) keep a flat fit time "
        f"(median of the first and last {tf['block']}: {seconds(tf['first_s'])} and "
        f"{seconds(tf['last_s'])} on TensorFlow; {seconds(jax['first_s'])} and "
        f"{seconds(jax['last_s'])} on JAX). On TensorFlow the resident memory "
        f"goes from {fmt_num(rss[1])} MiB after the first fit to "
        f"{fmt_num(rss[tf['fits']])} MiB after the last "
        f"({fmt_num(tf['growth_mib'])} MiB: the first fit's compilation memory is "
        f"released), and grows by {fmt_num(steady)} MiB from fit {tf['block']} to "
        f"fit {tf['fits']} ({fmt_num(steady / (tf['fits'] - tf['block']))} MiB a "
        f"fit); on JAX it grows by {fmt_num(jax['growth_mib'])} MiB over the "
        f"{jax['fits']} fits. TensorFlow keeps, for good, an "
        "eager kernel for every variable created under a name it has not seen "
        "before (~35 KiB a variable), and Keras' automatic names "
        f"({doc.code('dense_7')}, {doc.code('sequential_3')}, {doc.code('adam_2')}) "
        "are new at every model: the networks skkeras builds (the MLPs) and their "
        "optimizers therefore get fixed names, the same at every fit, and Keras' "
        "name counters, which the user's layers draw from, are left alone. A "
        "general wrapper's network is named by its build function: built with "
        "Keras' automatic names, each fit still adds ~35 KiB per variable; skkeras "
        f"does not call {doc.code('keras.backend.clear_session()')} for you, which "
        "resets Keras' layer names."
    )


def _search(n):
    """The search case's comparisons: (setting, skkeras, scikit-learn, key)."""
    return [
        ("TensorFlow", "skkeras-search", "sklearn-search", "grid_s"),
        ("JAX", "skkeras-search-jax", "sklearn-search-jax", "grid_s"),
        (
            "JAX, compilation cache warm",
            "skkeras-search-cache-jax",
            "sklearn-search-cache-jax",
            "grid_s",
        ),
        (
            "JAX, SKKERAS_GROUP=always",
            "skkeras-search-always-jax",
            "sklearn-search-jax",
            "cv_s",
        ),
    ]


def search_times(n, doc):
    """skkeras.model_selection against scikit-learn's search, same estimator."""
    rows = []
    repeats = set()
    config = n.config("search")
    for setting, ours, theirs, key in _search(n):
        a, b = n.row("search", ours), n.row("search", theirs)
        # A run without --repeat has no "repeats": one process each.
        repeats.add(len(a.get("repeats", {}).get(key, [a[key]])))
        same = (a["best"] == b["best"]) if key == "grid_s" else None
        what = (
            f"tutorial grid ({a['fits']} fits)"
            if key == "grid_s"
            else f"{config['folds']}-fold CV ({config['cv_epochs']} epochs)"
        )
        setting = setting.replace(
            "SKKERAS_GROUP=always", doc.code("SKKERAS_GROUP=always")
        )
        rows.append(
            [
                f"{what}, {setting}",
                seconds(a[key]),
                seconds(b[key]),
                times(a[key], b[key]),
                {True: "yes", False: "no", None: ""}[same],
            ]
        )
    facts = n.results["facts"]
    intro = (
        f"{doc.code('skkeras.model_selection')} against scikit-learn's "
        "search over the same estimator, on Pima "
        f"({n.machine(facts)}, {n.case_date('search')}, "
        f"{doc.code('benchmarks/RESULTS.md')}, section 8; "
        + (
            "one fresh process each"
            if repeats == {1}
            else f"medians of {'/'.join(map(str, sorted(repeats)))} fresh processes"
        )
        + ", imports not timed, the first fits' tracing and compilation included):"
    )
    headers = [
        "search",
        "skkeras",
        "scikit-learn",
        "scikit-learn / skkeras",
        "same best parameters",
    ]
    return "\n\n".join([intro, doc.table(headers, rows)])


def jax_cache(n, doc):
    """The JAX persistent compilation cache on the tutorial grid."""
    cold = n.row("search", "skkeras-search-jax")
    warm = n.row("search", "skkeras-search-cache-jax")
    sk_cold = n.row("search", "sklearn-search-jax")
    sk_warm = n.row("search", "sklearn-search-cache-jax")
    return (
        f"On the tutorial grid search ({cold['fits']} fits, JAX, "
        f"{n.machine(n.results['facts'])}, {n.case_date('search')}), a warm cache "
        f"takes {doc.code('skkeras.model_selection.GridSearchCV')} from "
        f"{seconds(cold['grid_s'])} to {seconds(warm['grid_s'])}, and scikit-learn's "
        f"search over the same estimator from {seconds(sk_cold['grid_s'])} to "
        f"{seconds(sk_warm['grid_s'])} (imports not timed; "
        f"{doc.code('benchmarks/RESULTS.md')}, section 8)."
    )


def goal_3x(n, doc):
    """The 3x goal of the tutorial grid, and how far the measurements are."""
    parts = []
    for setting, ours, theirs, key in _search(n):
        if key != "grid_s":
            continue
        a, b = n.row("search", ours), n.row("search", theirs)
        parts.append(
            f"{times(a[key], b[key])} on {setting} "
            f"({seconds(a[key])} against {seconds(b[key])})"
        )
    return (
        f"**The tutorial grid search 3x faster than scikit-learn's** over the same "
        f"estimator ({doc.code('skkeras.model_selection.GridSearchCV')}, "
        f"{n.row('search', 'skkeras-search')['fits']} fits). "
        f"Measured on a {n.machine(n.results['facts'])} ({n.case_date('search')}, "
        f"{doc.code('benchmarks/RESULTS.md')}, section 8): "
        + "; ".join(parts)
        + ". None reaches 3x."
    )


def gpu_runs(n, doc):
    """The one recorded GPU machine: its GPU against its own CPU, on JAX."""
    # facts-h200.txt: nvidia-smi's CSV (header, GPU), cores, versions, date
    lines = (HERE / "gpu" / "facts-h200.txt").read_text().splitlines()
    name, driver, memory = (part.strip() for part in lines[1].split(","))
    jax_version = lines[3].split()[1]
    device = f"{jax_version} on an {name} ({memory}, driver {driver})"
    facts = n.gpu["search-h200"]["facts"]
    cases = [
        (
            "search",
            "skkeras-search-jax",
            "grid_s",
            "tutorial grid (162 fits), skkeras.model_selection",
        ),
        (
            "search",
            "sklearn-search-jax",
            "grid_s",
            "tutorial grid (162 fits), scikit-learn's GridSearchCV",
        ),
        (
            "search",
            "skkeras-search-jax",
            "cv_s",
            "pima 10-fold CV, skkeras.model_selection",
        ),
        (
            "bank",
            "skkeras",
            "warm_s",
            "bank, one warm fit (10 epochs), skkeras MLPClassifier",
        ),
        (
            "bank",
            "keras-fit",
            "warm_s",
            "bank, one warm fit (10 epochs), plain Keras fit",
        ),
        (
            "bank",
            "skkeras",
            "cold_s",
            "bank, first fit in the process, skkeras MLPClassifier",
        ),
    ]
    rows = []
    for case, contender, key, what in cases:
        on_gpu = n.gpu_row(f"{case}-h200", case, contender)[key]
        on_cpu = n.gpu_row(f"{case}-h200-host-cpu", case, contender)[key]
        rows.append([what, seconds(on_gpu), seconds(on_cpu), times(on_cpu, on_gpu)])
    intro = (
        f"One run on a GPU machine ({facts['date'][:10]}, JAX {device}, "
        f"{facts['cores']}-core {facts['cpu']}; "
        f"{doc.code('benchmarks/gpu/')}): each case on the GPU, then again on "
        f"the same machine's CPU ({doc.code('JAX_PLATFORMS=cpu')}); imports not "
        "timed. The last column is the GPU's time divided by the CPU's (below "
        "1: the GPU is faster)."
    )
    headers = ["measurement", "GPU", "the machine's CPU", "GPU / CPU"]
    return "\n\n".join([intro, doc.table(headers, rows)])


def goals_open(n, doc):
    """The speed goals of the latest work not met, each with its figures."""
    date = n.case_date("predict")
    ours, theirs = n.row("predict", "skkeras"), n.row("predict", "sklearn")
    predict = (
        f"* **Predicting one row at most as fast as scikit-learn's MLP** "
        f"({date}, {doc.code('benchmarks/RESULTS.md')}, section 5): "
        f"{ms(ours['one_s'])} against {ms(theirs['one_s'])} on TensorFlow "
        f"({times(theirs['one_s'], ours['one_s'])} its time; 10,000 rows: "
        f"{times(theirs['big_s'], ours['big_s'])}). The difference is the reading "
        "of the network's weights at each call (about 5 us a variable on "
        "TensorFlow, 4 variables here), which keeps a prediction right after "
        f"{doc.code('model_.set_weights')} or any other change to the network; "
        "on JAX, where a read costs little, one row took less than "
        "scikit-learn's time (measured once, in one process: 92 against 111 "
        "us)."
    )
    theirs_l = n.row("lbfgs", "sklearn-lbfgs")["datasets"]

    def lbfgs_ratios(contender):
        ours_l = n.row("lbfgs", contender)["datasets"]
        return ", ".join(
            f"{name} {times(theirs_l[name]['again_s'], ours_l[name]['again_s'])}"
            for name in ("iris", "pima", "boston")
        )

    lbfgs = (
        f"* **solver='lbfgs' at most scikit-learn's fit time** "
        f"({n.case_date('lbfgs')}, section 10): skkeras' 5-fold cross-validation "
        "takes, on TensorFlow, " + lbfgs_ratios("skkeras-lbfgs") + " "
        "scikit-learn's time, and on JAX " + lbfgs_ratios("skkeras-lbfgs-jax") + ", "
        "with scores within noise of it. On the CPU each L-BFGS step costs what "
        "scikit-learn's does (the loss and gradient are NumPy's, as "
        "scikit-learn's); building each fit's Keras network (measured on iris: "
        "8 ms on TensorFlow, 3.7 ms on JAX, against scikit-learn's whole fit of "
        "14.5 ms) is the difference, a larger share on smaller data."
    )
    pairs = [("sklearn-halving", "skkeras-halving", 3)]
    pairs += [("sklearn-halving-f2", "skkeras-halving-f2", 2)]
    speeds = []
    for theirs_c, ours_c, factor in pairs:
        a, b = n.row("halving", ours_c), n.row("halving", theirs_c)
        speeds.append(
            f"{times(a['wall_s'], b['wall_s'])} at factor {factor} "
            f"({seconds(a['wall_s'])} against {seconds(b['wall_s'])})"
        )
    halving = (
        f"* **Halving search 1.5x faster than scikit-learn's** "
        f"({n.case_date('halving')}, section 9, TensorFlow): "
        + "; ".join(speeds)
        + ". The survivors train only their new epochs, on the network they "
        "reached, but both searches trace and compile the engine's training "
        "loop once per optimizer and batch size, more than half of either "
        "search's time for this small network."
    )
    return "\n".join([predict, lbfgs, halving])


def regions():
    """Every region name and its renderer ``(Numbers, Doc) -> str``."""
    return {
        "quickstart": quickstart,
        "tasks-table": tasks_table,
        "bank-duration": bank_duration,
        "backends-table": backends_table,
        "keras-fit-bullet": lambda n, doc: keras_fit_overhead(n, doc, bullet=True),
        "keras-fit-overhead": keras_fit_overhead,
        "speed-table": speed_table,
        "long-runs": long_runs,
        "search-times": search_times,
        "jax-cache": jax_cache,
        "goal-3x": goal_3x,
        "gpu-runs": gpu_runs,
        "goals-open": goals_open,
    }


def expected_regions():
    """The files that quote figures, and the regions each must have."""
    return {
        "README.md": (
            "quickstart",
            "keras-fit-bullet",
            "tasks-table",
            "speed-table",
            "long-runs",
            "search-times",
            "backends-table",
        ),
        "docs/user_guide/getting_started.rst": ("quickstart",),
        "docs/user_guide/tasks.rst": ("tasks-table", "bank-duration"),
        "docs/user_guide/backends.rst": ("backends-table",),
        "docs/user_guide/performance.rst": ("keras-fit-overhead", "jax-cache"),
        "docs/user_guide/model_selection.rst": ("search-times",),
        "docs/status.rst": ("goal-3x", "goals-open", "long-runs", "gpu-runs"),
    }


# ----------------------------------------------------------------------
# Markers
# ----------------------------------------------------------------------
class Problem(NamedTuple):
    """One disagreement between a file and the results files."""

    path: str
    region: str
    message: str

    def __str__(self):
        return f"{self.path}: region {self.region!r}: {self.message}"


def _marker(doc, name, end=False):
    slash = "/" if end else ""
    if doc.kind == "md":
        return f"<!-- {slash}numbers:{name} -->"
    return f".. {slash}numbers:{name}"


def _marker_pattern(doc):
    if doc.kind == "md":
        return re.compile(r"^<!-- (/?)numbers:([\w-]+) -->$")
    return re.compile(r"^\.\. (/?)numbers:([\w-]+)$")


def render_text(text, doc, numbers, *, path="<text>", expected=()):
    """Rewrite the marked regions of ``text``; return it and the problems found.

    Problems are markers that do not pair, unknown region names, expected
    regions that are missing, and regions whose text differs from what the
    results files give (the rewritten text has the new one).
    """
    known = regions()
    pattern = _marker_pattern(doc)
    lines = text.split("\n")
    out, problems, seen = [], [], []
    i = 0
    while i < len(lines):
        match = pattern.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        end, name = match[1] == "/", match[2]
        if end:
            problems.append(
                Problem(
                    path,
                    name,
                    f"end marker at line {i + 1} without "
                    f"a start marker {_marker(doc, name)}",
                )
            )
            out.append(lines[i])
            i += 1
            continue
        close = _marker(doc, name, end=True)
        try:
            j = lines.index(close, i + 1)
        except ValueError:
            problems.append(
                Problem(
                    path,
                    name,
                    f"start marker at line {i + 1} has no end marker {close}",
                )
            )
            out.append(lines[i])
            i += 1
            continue
        seen.append(name)
        if name not in known:
            problems.append(
                Problem(
                    path,
                    name,
                    f"unknown region at line {i + 1}; known: {', '.join(known)}",
                )
            )
            out.extend(lines[i : j + 1])
            i = j + 1
            continue
        new = ["", *known[name](numbers, doc).split("\n"), ""]
        old = lines[i + 1 : j]
        if old != new:
            diff = [
                d
                for d in difflib.unified_diff(
                    old, new, "found", "expected", lineterm="", n=0
                )
                if not d.startswith("@@")
            ]
            problems.append(
                Problem(
                    path,
                    name,
                    f"lines {i + 2}-{j} differ from the "
                    "results files:\n  " + "\n  ".join(diff),
                )
            )
        out.extend([lines[i], *new, close])
        i = j + 1
    for name in expected:
        count = seen.count(name)
        if count != 1:
            what = "missing" if count == 0 else f"found {count} times"
            problems.append(
                Problem(
                    path,
                    name,
                    f"{what}: expected once, between the markers "
                    f"{_marker(doc, name)} and {_marker(doc, name, end=True)}",
                )
            )
    return "\n".join(out), problems


def render_files(root=REPO, numbers=None, *, write=False):
    """Render every file of :func:`expected_regions`; return the problems."""
    root = Path(root)
    numbers = numbers or Numbers.load(root / "benchmarks")
    problems = []
    for rel, expected in expected_regions().items():
        path = root / rel
        if not path.exists():
            problems.append(Problem(rel, "*", "file not found"))
            continue
        doc = Doc("md" if path.suffix == ".md" else "rst")
        text = path.read_text()
        new, found = render_text(text, doc, numbers, path=rel, expected=expected)
        problems += found
        if write and new != text:
            path.write_text(new)
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; list the differences, exit 1 if any",
    )
    parser.add_argument("--root", default=str(REPO), help="the repository")
    args = parser.parse_args(argv)
    problems = render_files(args.root, write=not args.check)
    if args.check:
        for problem in problems:
            print(problem)
        if problems:
            print(
                f"{len(problems)} difference(s); python benchmarks/render_numbers.py "
                "rewrites the regions from the results files"
            )
        return 1 if problems else 0
    content = [p for p in problems if "differ from the results files" not in p.message]
    for problem in content:
        print(problem)
    print(f"rewrote {len(problems) - len(content)} region(s)")
    return 1 if content else 0


if __name__ == "__main__":
    sys.exit(main())
