"""Turn the children's measurements into RESULTS.md: tables and a reading."""

import statistics

from harness import fmt_num, fmt_ratio, fmt_score, md_table
from settings import BEFORE, CONTENDERS, LABELS, grid_subset

BASE = "skkeras"


def _index(results):
    return {(r["case"], r["contender"]): r for r in results}


def _get(res, case, contender, key):
    row = res.get((case, contender))
    if not row or not row.get("ok"):
        return None
    return row.get(key)


def _failed(row):
    return "failed: " + row.get("error", "?").replace("|", "/")[:160]


def _mib(row):
    return (
        fmt_num(row.get("peak_rss_mib")) if row and row.get("peak_rss_mib") else "n/a"
    )


def _ms(seconds):
    return fmt_num(None if seconds is None else seconds * 1000)


def _speed(value, reference):
    """'3.2x faster than' / '1.5x slower than' / 'as fast as'."""
    if not value or not reference:
        return "n/a against"
    ratio = reference / value
    if 0.95 <= ratio <= 1.05:
        return "about as fast as"
    if ratio > 1:
        return f"{fmt_num(ratio)}x faster than"
    return f"{fmt_num(1 / ratio)}x slower than"


def _rows(res, case, cells):
    """One row per contender: label, then ``cells(row)``, or a failure note."""
    labels = dict(
        LABELS,
        **({"keras-fit": "plain Keras model.predict"} if case == "predict" else {}),
    )
    rows = []
    for contender in CONTENDERS[case]:
        row = res.get((case, contender))
        if row is None:
            continue
        if not row.get("ok"):
            rows.append(
                [labels[contender], _failed(row)] + [""] * (len(cells(None)) - 1)
            )
        else:
            rows.append([labels[contender]] + cells(row))
    return rows


def header(facts, command, total_s, quick):
    v = facts["versions"]
    lines = [
        "# skkeras benchmarks"
        + (" (QUICK MODE: shrunken work, numbers not meaningful)" if quick else ""),
        "",
        f"- **Machine:** {facts['cpu']}, {facts['cores']} cores, {facts['memory']} "
        f"RAM, {facts['os']}",
        f"- **Versions:** Python {v['python']}, numpy {v['numpy']}, scikit-learn "
        f"{v['scikit-learn']}, Keras {v['keras']}, TensorFlow {v['tensorflow']}, "
        f"scikeras {v['scikeras']}, skkeras {v['skkeras']} "
        f"({facts.get('git', 'unknown commit')})",
        f"- **Keras backend:** {facts['backend']}",
        f"- **Date:** {facts['date']}",
        f"- **Command:** `{command}`",
        *(
            [
                f"- **Merged:** {facts['merged']}; the header's other lines describe "
                "this run"
            ]
            if facts.get("merged")
            else []
        ),
        f"- **Total wall time:** {total_s / 60:.1f} min ({total_s:.0f} s), "
        + (
            "children run one at a time"
            if facts.get("jobs", 1) == 1
            else f"{facts['jobs']} children at a time"
        )
        + (
            ", all contenders of a case in one child (quick mode: peak memory not "
            "measured)"
            if facts.get("shared")
            else ", one child process per contender and case"
        )
        + (
            f"; each child ran {facts['repeat']} times, in turn, and every time is the "
            "median"
            if facts.get("repeat", 1) > 1
            else ""
        ),
        f"- **Load average (1/5/15 min) at start / end:** {facts['load_start']} ; "
        f"{facts.get('load_end', 'n/a')} (other work on the machine inflates times)",
        "",
        (
            "Quick mode ran all contenders of a case in one process, so imports and "
            "traced functions are shared and the peak memory is not measured. "
            if facts.get("shared")
            else "Every contender of every case ran in its own fresh Python process; "
            "times exclude that process's imports (shown separately in case 1). "
        )
        + "\"x skkeras\" is the contender's time divided by skkeras MLPClassifier's "
        "(above 1: slower than skkeras). Peak memory is the child's `ru_maxrss`.",
        "",
    ]
    return "\n".join(lines)


def section_iris(res, cfg):
    base_cold = _get(res, "iris", BASE, "cold_s")
    base_warm = _get(res, "iris", BASE, "warm_s")
    table = md_table(
        [
            "contender",
            "cold fit (s)",
            "x skkeras",
            "warm fit (s)",
            "x skkeras",
            "warm fits timed",
            "train accuracy (warm)",
            "train accuracy (cold)",
            "imports (s)",
            "peak RSS (MiB)",
        ],
        _rows(
            res,
            "iris",
            lambda r: (
                ["", "", "", "", "", "", "", "", ""]
                if r is None
                else [
                    fmt_num(r["cold_s"]),
                    fmt_ratio(r["cold_s"], base_cold),
                    fmt_num(r["warm_s"]),
                    fmt_ratio(r["warm_s"], base_warm),
                    str(r["warm_n"]),
                    fmt_score(r["accuracy"]),
                    fmt_score(r["cold_accuracy"]),
                    fmt_num(r["import_s"]),
                    _mib(r),
                ]
            ),
        ),
    )
    g = lambda c, k: _get(res, "iris", c, k)  # noqa: E731
    reading = (
        f"skkeras' warm fit ({fmt_num(base_warm)} s) is "
        f"{_speed(base_warm, g('sklearn', 'warm_s'))} scikit-learn's "
        f"({fmt_num(g('sklearn', 'warm_s'))} s, i.e. "
        f"{fmt_ratio(base_warm, g('sklearn', 'warm_s'))} its time) on these 150 rows, "
        f"{_speed(base_warm, g('scikeras', 'warm_s'))} scikeras, "
        f"{_speed(base_warm, g('keras-wrappers', 'warm_s'))} keras.wrappers and "
        f"{_speed(base_warm, g('keras-fit', 'warm_s'))} plain Keras `fit`. The cold "
        f"fit pays for tracing and XLA compilation: {fmt_num(base_cold)} s "
        f"({fmt_ratio(base_cold, base_warm)} the warm fit), against "
        f"{fmt_num(g('keras-fit', 'cold_s'))} s for plain Keras' first fit "
        f"(before: {BEFORE['iris-cold']['skkeras']} s against "
        f"{BEFORE['iris-cold']['keras_fit']} s, {BEFORE['iris-cold']['recorded']}). "
        "skkeras "
        "KerasClassifier (scikeras' build function, unchanged) fits warm in "
        f"{fmt_num(g('skkeras-kc', 'warm_s'))} s, "
        f"{_speed(g('skkeras-kc', 'warm_s'), g('scikeras', 'warm_s'))} scikeras on the "
        f"same function. Training accuracy: skkeras {fmt_score(g(BASE, 'accuracy'))}, "
        f"plain Keras {fmt_score(g('keras-fit', 'accuracy'))}, scikeras "
        f"{fmt_score(g('scikeras', 'accuracy'))}, scikit-learn "
        f"{fmt_score(g('sklearn', 'accuracy'))} (one seed each; 150 rows, so one row "
        "is 0.007)."
    )
    return (
        f"## 1. Iris: one fit, cold and warm\n\n"
        f"150 x 4, hidden {tuple(cfg['hidden'])}, {cfg['epochs']} epochs, batch "
        f"{cfg['batch']}, StandardScaler + classifier in a Pipeline. *Cold*: the first "
        "fit in a fresh process (tracing / compilation included, imports excluded). "
        f"*Warm*: median of up to {cfg['warm_repeats']} further identical fits of a "
        "new estimator in the same process (plain Keras: a new model each time, as "
        f"every fold of a CV needs).\n\n{table}\n\n**What this shows.** {reading}\n"
    )


def section_pima(res, cfg):
    base = _get(res, "pima", BASE, "extrapolated_s")
    base_scores = _get(res, "pima", BASE, "scores") or []
    n_total = cfg["folds"]

    def cells(r):
        if r is None:
            return [""] * 7
        n = r["folds_measured"]
        mark = "" if n == n_total else " †"
        same = base_scores[:n]
        return [
            f"{n} of {n_total}",
            fmt_num(r["wall_s"]),
            fmt_num(r["extrapolated_s"]) + mark,
            fmt_ratio(r["extrapolated_s"], base),
            fmt_score(r["accuracy"]),
            fmt_score(sum(same) / len(same)) if same else "n/a",
            _mib(r),
        ]

    table = md_table(
        [
            "contender",
            "folds measured",
            "measured (s)",
            f"{n_total}-fold time (s)",
            "x skkeras",
            "mean accuracy (measured folds)",
            "skkeras on the same folds",
            "peak RSS (MiB)",
        ],
        _rows(res, "pima", cells),
    )
    g = lambda c, k: _get(res, "pima", c, k)  # noqa: E731
    n_peer = cfg["peer_folds"]
    peers = [
        (LABELS[c], g(c, "accuracy"))
        for c in ("scikeras", "keras-wrappers", "keras-fit")
        if g(c, "accuracy") is not None and g(c, "folds_measured") == n_peer
    ]
    same_folds = ""
    if base_scores and peers:
        same_folds = (
            f"Accuracy on the {n_peer} fold{'s' if n_peer > 1 else ''} the peers ran: "
            f"skkeras {fmt_score(sum(base_scores[:n_peer]) / n_peer)}, "
            + ", ".join(f"{name} {fmt_score(a)}" for name, a in peers)
            + f" (a test fold has ~{768 // cfg['folds']} rows, so one row is "
            f"{1 / (768 // cfg['folds']):.3f})."
        )
    reading = (
        f"skkeras cross-validates the tutorial network in {fmt_num(base)} s "
        f"(mean accuracy {fmt_score(g(BASE, 'accuracy'))}); scikit-learn's MLP takes "
        f"{fmt_num(g('sklearn', 'extrapolated_s'))} s "
        f"({fmt_ratio(g('sklearn', 'extrapolated_s'), base)} skkeras' time, accuracy "
        f"{fmt_score(g('sklearn', 'accuracy'))}). skkeras is "
        f"{_speed(base, g('scikeras', 'extrapolated_s'))} scikeras, "
        f"{_speed(base, g('keras-wrappers', 'extrapolated_s'))} keras.wrappers and "
        f"{_speed(base, g('keras-fit', 'extrapolated_s'))} a plain Keras loop over the "
        f"folds (extrapolated from their measured folds). {same_folds}"
    )
    return (
        f"## 2. Pima: {n_total}-fold cross-validation of the tutorial network\n\n"
        f"768 x 8, hidden {tuple(cfg['hidden'])}, {cfg['epochs']} epochs, batch "
        f"{cfg['batch']}, StandardScaler in a Pipeline, `StratifiedKFold({n_total}, "
        "shuffle=True, random_state=0)`, `cross_validate` (plain Keras: the same folds "
        "in a loop). keras.wrappers gets epochs and batch size as fit parameters, "
        f"because its `clone` drops `fit_kwargs`.\n\n{table}\n\n"
        f"† measured on the first {cfg['peer_folds']} of {n_total} folds, extrapolated "
        f"x{n_total / cfg['peer_folds']:g} (the folds' sizes differ by one row at "
        f"most).\n\n**What this shows.** {reading}\n"
    )


def _n_compiles(cfg):
    # Models that differ only in their initializer share a compiled loop.
    return len(cfg["solvers"]) * len(cfg["batches"])


def _compile_note(candidate_s):
    """skkeras' first candidate per (optimizer, batch size) against the rest."""
    seen, first, rest = set(), [], []
    for solver, _, _, batch, seconds in candidate_s or []:
        key = (solver, batch)
        (rest if key in seen else first).append(seconds)
        seen.add(key)
    if not first or not rest:
        return ""
    return (
        f" The first candidate of each optimizer x batch-size combination "
        f"({len(first)} here), although the shortest ({min(c[2] for c in candidate_s)} "
        f"epochs), took {fmt_num(statistics.mean(first))} s for its folds on average, "
        f"the others {fmt_num(statistics.mean(rest))} s: skkeras compiles its training "
        "loop once per combination (candidates that differ only in their initializer "
        f"share it)."
    )


def section_grid(res, cfg):
    base = _get(res, "grid", BASE, "extrapolated_s")
    subset = grid_subset(cfg)
    n_total = (
        len(cfg["solvers"])
        * len(cfg["inits"])
        * len(cfg["epochs"])
        * len(cfg["batches"])
    )
    total_fits = n_total * cfg["cv"]
    same = _get(res, "grid", BASE, "subset_accuracy_peer_folds")

    def cells(r):
        if r is None:
            return [""] * 8
        mark = "" if r["fits"] == total_fits else " †"
        return [
            f"{r['candidates_measured']} x {r['folds_measured']}",
            str(r["fits"]),
            fmt_num(r["wall_s"]),
            fmt_num(r["extrapolated_s"]) + mark,
            fmt_ratio(r["extrapolated_s"], base),
            fmt_score(r["subset_accuracy"]),
            fmt_score(same) if r["folds_measured"] == cfg["peer_folds"] else "",
            _mib(r),
        ]

    table = md_table(
        [
            "contender",
            "candidates x folds",
            "fits",
            "measured (s)",
            f"{total_fits}-fit time (s)",
            "x skkeras",
            "subset accuracy (its folds)",
            "skkeras, same subset and fold",
            "peak RSS (MiB)",
        ],
        _rows(res, "grid", cells),
    )
    g = lambda c, k: _get(res, "grid", c, k)  # noqa: E731
    check = ""
    if g(BASE, "subset_s") is not None:
        check = _compile_note(g(BASE, "candidate_s"))
        check += (
            f" Check of the extrapolation on skkeras itself: its {len(subset)} subset "
            f"candidates took {fmt_num(g(BASE, 'subset_s'))} s of fit+score time over "
            f"{cfg['cv']} folds, which extrapolates to "
            f"{fmt_num(g(BASE, 'subset_extrapolated_s'))} s against {fmt_num(base)} s "
            f"measured for the whole grid: the subset needs {len(subset)} of skkeras' "
            f"{_n_compiles(cfg)} compilations, while the peers retrace every fit, so "
            "their subsets carry their tracing in proportion."
        )
    reading = (
        f"skkeras runs all {total_fits} fits in {fmt_num(base)} s (best: "
        f"{g(BASE, 'best_candidate')} at {fmt_score(g(BASE, 'best_accuracy'))} mean "
        "accuracy). Extrapolated to the same grid, scikeras needs "
        f"{fmt_num(g('scikeras', 'extrapolated_s'))} s (skkeras is "
        f"{_speed(base, g('scikeras', 'extrapolated_s'))} it), keras.wrappers "
        f"{fmt_num(g('keras-wrappers', 'extrapolated_s'))} s (skkeras is "
        f"{_speed(base, g('keras-wrappers', 'extrapolated_s'))} it), a plain Keras "
        f"loop {fmt_num(g('keras-fit', 'extrapolated_s'))} s (skkeras is "
        f"{_speed(base, g('keras-fit', 'extrapolated_s'))} it) and scikit-learn "
        f"{fmt_num(g('sklearn', 'extrapolated_s'))} s "
        f"({fmt_ratio(g('sklearn', 'extrapolated_s'), base)} skkeras' time).{check}"
    )
    return (
        f"## 3. Pima: the tutorial grid search\n\n"
        f"`GridSearchCV` over optimizer {list(cfg['solvers'])} x initializer "
        f"{list(cfg['inits'])} x epochs {list(cfg['epochs'])} x batch size "
        f"{list(cfg['batches'])} ({n_total} candidates), "
        f"`cv=StratifiedKFold({cfg['cv']})` (what `cv={cfg['cv']}` means for a "
        "classifier; given explicitly since scikeras is not recognised as one), "
        f"`refit=False`, hidden {tuple(cfg['hidden'])}, StandardScaler in a "
        f"Pipeline.\n\n{table}\n\n† measured on the subset {subset} (optimizer, "
        f"initializer, epochs, batch), on the first {cfg['peer_folds']} of the "
        f"{cfg['cv']} folds (all folds have 512 training rows), and extrapolated "
        f"x{total_fits / (len(subset) * cfg['peer_folds']):g}: the subset has every "
        "batch size at the middle epoch count, so its mean cost is the grid's when a "
        "fit costs a + b x epochs and the optimizer and initializer do not change the "
        "cost. scikit-learn has no rmsprop and no initializer choice; it ran the same "
        "subset with adam and its own initialisation.\n\n**What this shows.** "
        f"{reading}\n"
    )


def section_bank(res, cfg):
    base = _get(res, "bank", BASE, "epoch_s")
    any_row = next((r for (c, _), r in res.items() if c == "bank" and r.get("ok")), {})

    def cells(r):
        if r is None:
            return [""] * 6
        return [
            fmt_num(r["cold_s"]),
            fmt_num(r["warm_s"]),
            fmt_num(r["epoch_s"]),
            fmt_ratio(r["epoch_s"], base),
            fmt_score(r["accuracy"]),
            _mib(r),
        ]

    epochs = cfg["epochs"]
    table = md_table(
        [
            "contender",
            f"cold fit, {epochs} epochs (s)",
            f"warm fit, {epochs} epochs (s)",
            "per epoch, warm (s)",
            "x skkeras",
            "train accuracy",
            "peak RSS (MiB)",
        ],
        _rows(res, "bank", cells),
    )
    g = lambda c, k: _get(res, "bank", c, k)  # noqa: E731
    keras_epoch = g("keras-fit", "epoch_s")
    iris_keras, iris_base = (
        _get(res, "iris", "keras-fit", "warm_s"),
        _get(res, "iris", BASE, "warm_s"),
    )
    trend = ""
    if keras_epoch and base and iris_keras and iris_base:
        trend = (
            ": the more work per batch, the less the per-batch bookkeeping that the "
            "compiled loop removes matters"
            if keras_epoch / base < iris_keras / iris_base
            else ""
        )
    reading = (
        f"An epoch over {any_row.get('rows', 'n/a'):,} rows takes {fmt_num(base)} s "
        f"with skkeras, {fmt_num(g('sklearn', 'epoch_s'))} s with scikit-learn "
        f"({fmt_ratio(g('sklearn', 'epoch_s'), base)}), "
        f"{fmt_num(g('keras-fit', 'epoch_s'))} s with plain Keras `fit` "
        f"({fmt_ratio(g('keras-fit', 'epoch_s'), base)}) and "
        f"{fmt_num(g('scikeras', 'epoch_s'))} s with scikeras "
        f"({fmt_ratio(g('scikeras', 'epoch_s'), base)}). With "
        f"{-(-any_row.get('rows', 0) // cfg['batch'])} batches of {cfg['batch']} per "
        f"epoch, skkeras' gain over plain `fit` is {fmt_ratio(keras_epoch, base)} "
        f"here, against {fmt_ratio(iris_keras, iris_base)} on iris' 10 batches of 16 "
        f"per epoch (case 1){trend}. Training accuracies (majority class "
        f"{fmt_score(any_row.get('majority'))}): skkeras "
        f"{fmt_score(g(BASE, 'accuracy'))}, Keras "
        f"{fmt_score(g('keras-fit', 'accuracy'))}, scikit-learn "
        f"{fmt_score(g('sklearn', 'accuracy'))}."
    )
    return (
        f"## 4. Bank marketing (full): training speed per epoch\n\n"
        f"{any_row.get('rows', 0):,} rows x {any_row.get('features', 'n/a')} features "
        f"(9 categorical columns one-hot encoded, 7 numeric standardised by a "
        f"ColumnTransformer, {fmt_num(any_row.get('prep_s'))} s, done once before "
        f"timing, dense float32), hidden {tuple(cfg['hidden'])}, batch {cfg['batch']}, "
        f"{epochs} epochs; *cold* = first fit in the process, *warm* = a second fit of "
        f"a new estimator.\n\n{table}\n\n**What this shows.** {reading}\n"
    )


def section_predict(res, cfg):
    base_one = _get(res, "predict", BASE, "one_s")
    base_big = _get(res, "predict", BASE, "big_s")
    rows = cfg["big_rows"]

    def cells(r):
        if r is None:
            return [""] * 5
        return [
            fmt_num(r["one_s"] * 1000),
            fmt_ratio(r["one_s"], base_one),
            fmt_num(r["big_s"] * 1000),
            fmt_ratio(r["big_s"], base_big),
            _mib(r),
        ]

    table = md_table(
        [
            "contender",
            "1 row (ms)",
            "x skkeras",
            f"{rows:,} rows (ms)",
            "x skkeras",
            "peak RSS (MiB)",
        ],
        _rows(res, "predict", cells),
    )
    g = lambda c, k: _get(res, "predict", c, k)  # noqa: E731
    reading = (
        f"One row: skkeras {_ms(base_one)} ms, `model.predict` "
        f"{_ms(g('keras-fit', 'one_s'))} ms (skkeras is "
        f"{_speed(base_one, g('keras-fit', 'one_s'))} it), scikeras "
        f"{_ms(g('scikeras', 'one_s'))} ms, keras.wrappers "
        f"{_ms(g('keras-wrappers', 'one_s'))} ms, scikit-learn "
        f"{_ms(g('sklearn', 'one_s'))} ms (skkeras is "
        f"{_speed(base_one, g('sklearn', 'one_s'))} it). {rows:,} rows: skkeras "
        f"{_ms(base_big)} ms, `model.predict` {_ms(g('keras-fit', 'big_s'))} ms "
        f"(skkeras is {_speed(base_big, g('keras-fit', 'big_s'))} it), scikit-learn "
        f"{_ms(g('sklearn', 'big_s'))} ms (skkeras is "
        f"{_speed(base_big, g('sklearn', 'big_s'))} it)."
    )
    return (
        f"## 5. Predict latency\n\n"
        f"A model fitted on standardised iris (hidden {tuple(cfg['hidden'])}, "
        f"{cfg['epochs']} epochs, untimed), then `predict` (labels; plain Keras: "
        f"`model.predict`, probabilities) on 1 row and on {rows:,} rows: median of "
        f"{cfg['repeats_one']} and {cfg['repeats_big']} calls after {cfg['warmup']} "
        f"warm-up calls.\n\n{table}\n\n**What this shows.** {reading}\n"
    )


def section_memory(res):
    cases = list(CONTENDERS)
    rows = []
    for contender in LABELS:
        cells = []
        for case in cases:
            row = res.get((case, contender))
            cells.append(_mib(row) if row else "-")
        if any(c != "-" for c in cells):
            rows.append([LABELS[contender]] + cells)
    table = md_table(["contender"] + [f"{c} (MiB)" for c in cases], rows)

    def span(contender):
        values = [
            r["peak_rss_mib"]
            for (_, k), r in res.items()
            if k == contender and r.get("peak_rss_mib")
        ]
        return f"{fmt_num(min(values))}-{fmt_num(max(values))} MiB" if values else "n/a"

    def import_rss(keep):
        values = [
            r["import_rss_mib"]
            for (_, k), r in res.items()
            if keep(k) and r.get("import_rss_mib") and r.get("peak_rss_mib")
        ]
        return fmt_num(statistics.median(values)) if values else "n/a"

    imports = import_rss(lambda k: k != "sklearn")
    sk_imports = import_rss(lambda k: k == "sklearn")
    reading = (
        f"Peak memory per process: skkeras {span(BASE)}, scikeras {span('scikeras')}, "
        f"plain Keras {span('keras-fit')}, scikit-learn {span('sklearn')}. Most of it "
        f"is imports: a Keras contender's process holds {imports} MiB before touching "
        f"any data (TensorFlow), scikit-learn's alone {sk_imports} MiB."
    )
    return (
        f"## 11. Peak memory\n\nPeak resident memory of each child process "
        f"(`resource.getrusage(RUSAGE_SELF).ru_maxrss`): imports, data and training "
        f"together.\n\n{table}\n\n**What this shows.** {reading}\n"
    )


def _steady_growth(r):
    """RSS growth from the end of the first block to the last fit (MiB): the
    first fit's transient memory left out, or None without that point."""
    points = dict((n, mib) for n, mib in r["rss"])
    start = points.get(r["block"])
    return None if start is None else r["rss"][-1][1] - start


def section_longrun(res, cfg):
    def cells(r):
        if r is None:
            return [""] * 7
        steady = _steady_growth(r)
        return [
            str(r["fits"]),
            fmt_num(r["rss"][0][1]),
            fmt_num(r["rss"][-1][1]),
            fmt_num(r["growth_mib"]),
            "" if steady is None else fmt_num(steady),
            _ms(r["first_s"]),
            _ms(r["last_s"]),
        ]

    table = md_table(
        [
            "contender",
            "fits",
            "RSS after fit 1 (MiB)",
            "RSS at the end (MiB)",
            "growth (MiB)",
            "growth after the first block (MiB)",
            "median fit, first block (ms)",
            "median fit, last block (ms)",
        ],
        _rows(res, "longrun", cells),
    )
    curves = []
    for contender in CONTENDERS["longrun"]:
        row = res.get(("longrun", contender))
        if row and row.get("ok"):
            points = ", ".join(f"{n}: {fmt_num(m)}" for n, m in row["rss"])
            curves.append(f"- {LABELS[contender]}, RSS (MiB) after fit n: {points}")
    g = lambda c, k: _get(res, "longrun", c, k)  # noqa: E731
    reading = (
        f"Over {cfg['fits']} fits the resident memory grows by "
        f"{fmt_num(g(BASE, 'growth_mib'))} MiB on TensorFlow and "
        f"{fmt_num(g('skkeras-jax', 'growth_mib'))} MiB on JAX (the goal: under 20 "
        f"MiB), and the median fit takes {_ms(g(BASE, 'first_s'))} ms at the start and "
        f"{_ms(g(BASE, 'last_s'))} ms at the end on TensorFlow "
        f"({_ms(g('skkeras-jax', 'first_s'))} and {_ms(g('skkeras-jax', 'last_s'))} ms "
        "on JAX)."
    )
    return (
        f"## 6. Long runs: {cfg['fits']} consecutive fits in one process\n\n"
        f"A new MLPClassifier (hidden {tuple(cfg['hidden'])}, {cfg['epochs']} epochs, "
        f"batch {cfg['batch']}, seeds 0, 1, ...) fitted on standardised iris "
        f"{cfg['fits']} times in one process, as a grid search does; the resident set "
        "size is read from /proc after a garbage collection. Each block is "
        f"{cfg['fits'] // 6} fits; the first fit (tracing) is left out of the first "
        f"block.\n\n{table}\n\n"
        + "\n".join(curves)
        + f"\n\n**What this shows.** {reading}\n"
    )


def section_workers(res, cfg):
    one = _get(res, "workers", "1-worker", "wall_s")
    two = _get(res, "workers", "2-workers", "wall_s")

    def cells(r):
        if r is None:
            return [""] * 4
        return [
            str(r["fits"]),
            fmt_num(r["wall_s"]),
            fmt_num(one / r["wall_s"]) if one else "n/a",
            fmt_score(r["best_accuracy"]),
        ]

    table = md_table(
        ["contender", "fits", "wall (s)", "speed-up", "best accuracy"],
        _rows(res, "workers", cells),
    )
    reading = (
        "Two worker processes finish the search "
        f"{fmt_num(one / two) if one and two else 'n/a'}x as fast as one. Each loky "
        "worker starts its own Python, imports TensorFlow and traces its own compiled "
        "loop, and limits TensorFlow to its share of the cores (skkeras reads the "
        "`OMP_NUM_THREADS` budget joblib gives each worker), so two workers do not "
        "oversubscribe the two cores."
    )
    return (
        f"## 7. Grid search on 1 and 2 worker processes\n\n"
        f"scikit-learn's GridSearchCV over StandardScaler + MLPClassifier (hidden "
        f"{tuple(cfg['hidden'])}) on pima: optimizers {list(cfg['solvers'])} x "
        f"initializers {list(cfg['inits'])} x epochs {list(cfg['epochs'])} x batch "
        f"{list(cfg['batches'])}, {cfg['cv']}-fold, TensorFlow "
        f"backend.\n\n{table}\n\n**What this shows.** {reading}\n"
    )


def _same_best(g):
    """Whether skkeras' searches find scikit-learn's best parameters, per backend."""
    pairs = [
        ("sklearn-search", "skkeras-search"),
        ("sklearn-search-jax", "skkeras-search-jax"),
        ("sklearn-search-jax", "skkeras-search-always-jax"),
        ("sklearn-search-cache-jax", "skkeras-search-cache-jax"),
    ]
    measured = [
        (a, b)
        for a, b in pairs
        if g(a, "best") is not None and g(b, "best") is not None
    ]
    if all(g(a, "best") == g(b, "best") for a, b in measured):
        return (
            "On each backend skkeras' searches find scikit-learn's best parameters "
            "(the backends differ from each other: their random streams do). "
        )
    return (
        "On some backend skkeras' best parameters differ from scikit-learn's "
        "(see the table). "
    )


def _warm_cache(g):
    """What a warm persistent compilation cache changes (the "-cache" contenders)."""
    ours, theirs = (
        g("skkeras-search-cache-jax", "grid_s"),
        g("sklearn-search-cache-jax", "grid_s"),
    )
    if ours is None or theirs is None:
        return ""
    states = {
        g(c, "compilation_cache")
        for c in ("skkeras-search-cache-jax", "sklearn-search-cache-jax")
    }
    if states != {"warm"}:
        return "(The warm-cache rows did not run with a warm cache: see their JSON.) "
    return (
        "With JAX's persistent compilation cache warm (`JAX_COMPILATION_CACHE_DIR`, "
        "filled by an earlier process that ran the same search), XLA compiles nothing "
        f"and the grid takes {fmt_num(ours)} s against {fmt_num(theirs)} s for "
        f"scikit-learn's search ({_speed(ours, theirs)} it), and the cross-validation "
        f"{fmt_num(g('skkeras-search-cache-jax', 'cv_s'))} s against "
        f"{fmt_num(g('sklearn-search-cache-jax', 'cv_s'))} s. "
    )


def section_search(res, cfg):
    g = lambda c, k: _get(res, "search", c, k)  # noqa: E731

    def cells(r):
        if r is None:
            return [""] * 6
        grouping = "-"
        if "groups" in r:
            kind = "programs" if r.get("vectorized", True) else "shared runs"
            grouping = (
                f"{r['groups']} {kind} ({r.get('runs', '?')} runs), {r['alone']} "
                f"alone, {r['replayed']} taken over"
            )
        return [
            fmt_num(r["cv_s"]),
            fmt_score(r["cv_accuracy"]),
            fmt_num(r["grid_s"]),
            fmt_score(r["best_accuracy"]),
            ", ".join(f"{k}={v}" for k, v in sorted(r["best"].items())),
            grouping,
        ]

    table = md_table(
        [
            "contender",
            f"{cfg['folds']}-fold CV (s)",
            "CV accuracy",
            f"grid, {cfg['cv']}-fold (s)",
            "best accuracy",
            "best parameters",
            "grouping (grid)",
        ],
        _rows(res, "search", cells),
    )
    epochs = f"{max(cfg['epochs'])} epochs per run instead of {sum(cfg['epochs'])}"
    jax_grid = _speed(
        g("skkeras-search-jax", "grid_s"), g("sklearn-search-jax", "grid_s")
    )
    always_cv = _speed(
        g("skkeras-search-always-jax", "cv_s"), g("sklearn-search-jax", "cv_s")
    )
    always_grid = _speed(
        g("skkeras-search-always-jax", "grid_s"), g("sklearn-search-jax", "grid_s")
    )
    reading = (
        "The tutorial grid's candidates differ in the number of epochs among other "
        "things, so `skkeras.model_selection` trains the fits that differ only in it "
        "as one run (to the longest length, each taking the weights of its own epoch "
        f"count): {epochs}. On TensorFlow the fits train one at a time, and the grid "
        "search is "
        f"{_speed(g('skkeras-search', 'grid_s'), g('sklearn-search', 'grid_s'))} "
        "scikit-learn's GridSearchCV over the same estimator. On JAX, groups with "
        "shared runs are also vectorized, two worker threads each compiling and "
        f"training a group: {jax_grid} "
        "scikit-learn's search on JAX. The goal was 3x faster; it is not met on this "
        "CPU. "
        + _warm_cache(g)
        + _same_best(g)
        + f"The {cfg['folds']} folds of the cross-validation share no run, so on "
        "TensorFlow and on the CPU skkeras' cross_validate is scikit-learn's, "
        "unchanged (their CV times differ by noise only); with `SKKERAS_GROUP=always` "
        f"the folds are vectorized, {always_cv} "
        "scikit-learn's on JAX (and the grid "
        f"{always_grid}"
        " it). XLA's CPU backend runs a vmapped step of these small networks at about "
        "half the cost of its members' steps one after another, but each group's "
        "program takes about a second to compile, so vectorizing alone gains little on "
        "the CPU; much of what is left of the grid's time is the same for every "
        "contender: building and scoring "
        f"{g('sklearn-search', 'fits') or g('sklearn-search-jax', 'fits')} Keras "
        "networks, and compiling one program per optimizer and batch size."
    )
    return (
        f"## 8. Model selection with the fits trained together\n\n"
        f"StandardScaler + MLPClassifier (hidden {tuple(cfg['hidden'])}) on pima: a "
        f"{cfg['folds']}-fold cross-validation ({cfg['cv_epochs']} epochs, batch "
        f"{cfg['cv_batch']}) and the tutorial grid (optimizers {list(cfg['solvers'])} "
        f"x initializers {list(cfg['inits'])} x epochs {list(cfg['epochs'])} x batches "
        f"{list(cfg['batches'])}, {cfg['cv']}-fold), each with scikit-learn's "
        "functions and with `skkeras.model_selection`'s, in fresh "
        f"processes.\n\n{table}\n\n**What this shows.** {reading}\n"
    )


def section_halving(res, cfg):
    g = lambda c, k: _get(res, "halving", c, k)  # noqa: E731

    def cells(r):
        if r is None:
            return [""] * 6
        rungs = ", ".join(
            f"{n}x{e}" for n, e in zip(r["n_candidates"], r["n_resources"])
        )
        trained = r.get("epochs_trained", r["epochs_retrained"])
        return [
            fmt_num(r["wall_s"]),
            rungs,
            f"{trained} of {r['epochs_retrained']}",
            fmt_score(r["best_accuracy"]),
            ", ".join(f"{k}={v}" for k, v in sorted(r["best"].items())),
            "-" if "continued" not in r else str(r["continued"]),
        ]

    table = md_table(
        [
            "contender",
            "search (s)",
            "rungs (candidates x epochs)",
            "fit-epochs trained",
            "best accuracy",
            "best parameters",
            "fits continued",
        ],
        _rows(res, "halving", cells),
    )
    pairs = [
        ("With factor 3 on TensorFlow", "sklearn-halving", "skkeras-halving"),
        ("With factor 2 on TensorFlow", "sklearn-halving-f2", "skkeras-halving-f2"),
        ("With factor 3 on JAX", "sklearn-halving-jax", "skkeras-halving-jax"),
    ]
    parts = []
    for label, theirs, ours in pairs:
        if g(theirs, "wall_s") is None or g(ours, "wall_s") is None:
            continue
        same = g(theirs, "best") == g(ours, "best")
        gap = max(
            (abs(a - b) for a, b in zip(g(theirs, "means"), g(ours, "means"))),
            default=float("nan"),
        )
        speed = _speed(g(ours, "wall_s"), g(theirs, "wall_s"))
        parts.append(
            f"{label}, skkeras' search is {speed} "
            f"scikit-learn's, training {g(ours, 'epochs_trained')} fit-epochs instead "
            f"of {g(theirs, 'epochs_retrained')}; "
            + ("the same best parameters" if same else "other best parameters")
            + (
                ", the same mean scores."
                if gap == 0
                else f", mean scores within {gap:.2g}."
            )
        )
    reading = (
        " ".join(parts)
        + " A survivor trains only the rung's new epochs, on the network it "
        "reached (no network is built for it), so the training shrinks by "
        "k / (1 + (k - 1)(1 - 1/f)) for factor f and k rungs of equal cost "
        "(about 1.3x for factor 3 and 3 rungs, 1.7x for factor 2 and 5 rungs); "
        "but both searches build the first rung's networks, and trace and "
        "compile the engine's training loop once per optimizer and batch size "
        "(six programs for this grid, shared by every fit of the process), and "
        "for this small network on 512 rows that one-time compilation is more "
        "than half of either search's time, so the whole search gains less "
        "than the training does."
    )
    return (
        "## 9. Successive halving over the epochs\n\n"
        f"StandardScaler + MLPClassifier (hidden {tuple(cfg['hidden'])}) on pima, the "
        f"tutorial grid without its epochs (optimizers {list(cfg['solvers'])} x "
        f"initializers {list(cfg['inits'])} x batches {list(cfg['batches'])}, "
        f"{cfg['cv']}-fold), `resource='clf__max_iter'` up to "
        f"{cfg['max_epochs']}, `refit=False`: scikit-learn's `HalvingGridSearchCV` "
        "(every rung retrains from the first epoch) against "
        "`skkeras.model_selection.HalvingGridSearchCV` (survivors continue), over "
        f"the same estimator, in fresh processes.\n\n{table}\n\n"
        f"**What this shows.** {reading}\n"
    )


def section_lbfgs(res, cfg):
    base = "sklearn-lbfgs"
    names = ("iris", "pima", "boston")

    def ds(contender, name):
        row = res.get(("lbfgs", contender))
        return (row or {}).get("datasets", {}).get(name)

    def cells(r):
        if r is None:
            return [""] * (3 * len(names))
        out = []
        for name in names:
            d = r["datasets"][name]
            ref = ds(base, name)
            out += [
                f"{fmt_num(d['first_s'])} / {fmt_num(d['again_s'])}",
                fmt_ratio(d["again_s"], ref["again_s"]) if ref else "n/a",
                fmt_score(d["score"]),
            ]
        return out

    headers = ["contender"]
    for name in names:
        headers += [
            f"{name}: first / again (s)",
            "again x scikit-learn",
            f"{name} mean {'R2' if name == 'boston' else 'accuracy'}",
        ]
    table = md_table(headers, _rows(res, "lbfgs", cells))
    return (
        f"## 10. solver='lbfgs'\n\n`make_pipeline(StandardScaler(), "
        f"MLPClassifier/MLPRegressor({tuple(cfg['hidden'])}, solver='lbfgs', "
        f"max_iter={cfg['max_iter']}, random_state=0))`, {cfg['folds']}-fold "
        "`cross_validate` (stratified for iris and pima, shuffled, seed 0) on "
        "iris (150 x 4), pima (768 x 8) and boston (506 x 13), each run twice "
        "in one process: the first includes the process's first Keras "
        "networks (and, on an accelerator, the tracing of skkeras' compiled "
        "loss-and-gradient, once per architecture and process; on the CPU "
        "skkeras evaluates it with NumPy, as scikit-learn does), the second "
        "does not.  The one-BLAS-thread row runs scikit-learn under "
        "`threadpool_limits(1, 'blas')`, as skkeras runs SciPy's L-BFGS-B."
        f"\n\n{table}\n"
    )


SECTIONS = {
    "iris": section_iris,
    "pima": section_pima,
    "grid": section_grid,
    "bank": section_bank,
    "predict": section_predict,
    "longrun": section_longrun,
    "workers": section_workers,
    "search": section_search,
    "halving": section_halving,
    "lbfgs": section_lbfgs,
}


def render(facts, results, *, command, total_s, quick, configs):
    res = _index(results)
    parts = [header(facts, command, total_s, quick)]
    for case, section in SECTIONS.items():
        if any(c == case for c, _ in res):
            parts.append(section(res, configs[case]))
    if not facts.get("shared"):
        parts.append(section_memory(res))
    dispatch = sorted({r.get("dispatch") for r in results if r.get("dispatch")})
    parts.append(
        "## Notes\n\n"
        f"- skkeras engine path in its children: {', '.join(dispatch) or 'n/a'} "
        "(`skkeras._engine.last_dispatch()` after the last call).\n"
        "- Same network everywhere: Dense relu hidden layers, adam, no weight penalty "
        "(skkeras and scikit-learn `alpha=0`), one sigmoid unit for two classes "
        "(keras.wrappers one-hot encodes targets, so it gets a two-unit softmax). "
        "scikit-learn runs every epoch (`n_iter_no_change=inf`).\n"
        '- Plain Keras compiles with `metrics=["accuracy"]` as the tutorials do; '
        "scikeras and keras.wrappers compile without metrics; skkeras tracks its "
        "score.\n- Times are wall-clock seconds on a shared machine: rerun before "
        "trusting differences under ~20 %.\n"
    )
    return "\n".join(parts)
