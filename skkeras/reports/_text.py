"""Plain-text output for terminals: result tables and a progress line.

Used by the ``skkeras`` command line; nothing here needs matplotlib.
"""

import math
import sys
import time

from ._results import (
    _baseline_values,
    cv_frame,
    cv_summary,
    search_frame,
    search_metrics,
)


def duration(seconds):
    """``12.3s``, ``4m 05s`` or ``1h 02m``."""
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def plural(count, noun, plural_noun=None):
    """``1 candidate``, ``4 candidates``: a count and its noun.

    Examples
    --------
    >>> plural(1, "fold"), plural(10, "fold"), plural(2, "class", "classes")
    ('1 fold', '10 folds', '2 classes')
    """
    word = noun if count == 1 else (plural_noun or noun + "s")
    return f"{count} {word}"


def text_table(header, rows, *, left=(0,)):
    """Format rows of strings as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        out = []
        for i, (cell, width) in enumerate(zip(cells, widths)):
            out.append(str(cell).ljust(width) if i in left else str(cell).rjust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *[line(r) for r in rows]])


def _num(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.4f}"


def _pm(mean, std):
    return f"{_num(mean)} ± {_num(std)}"


def cv_text(cv_results, *, scoring=None, baseline=None):
    """Per-fold scores, mean ± std and baseline of a cross_validate result."""
    frame = cv_frame(cv_results, scoring=scoring)
    summary = cv_summary(cv_results, scoring=scoring, baseline=baseline)
    metrics = list(summary.index)
    rows = [
        [
            str(fold),
            *[_num(frame.loc[fold, m]) for m in metrics],
            duration(frame.loc[fold, "fit_time"]),
        ]
        for fold in frame.index
    ]
    rows.append(
        [
            "mean ± std",
            *[_pm(summary.loc[m, "mean"], summary.loc[m, "std"]) for m in metrics],
            duration(frame["fit_time"].mean()),
        ]
    )
    if "baseline" in summary:
        rows.append(
            ["baseline", *[_num(summary.loc[m, "baseline"]) for m in metrics], ""]
        )
    lower = [m for m in metrics if summary.loc[m, "better"] == "lower"]
    note = f"\n({', '.join(lower)}: lower is better)" if lower else ""
    return text_table(["fold", *metrics, "fit time"], rows) + note


def search_text(search, *, top=None):
    """The ranked candidates of a fitted search, mean ± std of each metric."""
    frame = search_frame(search, top=top)
    metrics = search_metrics(search)
    labels = {m.label for m in metrics}
    params = [
        c
        for c in frame.columns
        if c not in {"rank", "fit_time"} | labels and not c.endswith("_std")
    ]
    rows = []
    for values in frame.itertuples(index=False, name=None):
        row = dict(zip(frame.columns, values))
        rows.append(
            [
                str(row["rank"]),
                *[str(row[p]) for p in params],
                *[_pm(row[m.label], row[m.label + "_std"]) for m in metrics],
                duration(row["fit_time"]),
            ]
        )
    header = ["rank", *params, *[m.label for m in metrics], "fit time"]
    return text_table(header, rows, left=tuple(range(1, 1 + len(params))))


def best_text(search, *, baseline=None, baseline_name="baseline"):
    """One line: the best candidate's primary score, parameters and baseline."""
    metrics = search_metrics(search)
    m = metrics[0]
    best = search.cv_results_[f"mean_test_{m.key}"][search.best_index_] * m.sign
    params = ", ".join(
        f"{k.split('__')[-1]}={v!r}" for k, v in search.best_params_.items()
    )
    text = f"best: {m.label} {best:.4f} with {params}"
    base = _baseline_values(baseline, metrics, getattr(search, "scoring", None))
    if m.label in base:
        text += f" ({baseline_name}: {base[m.label]:.4f})"
    return text


class Progress:
    """A one-line progress display on stderr: done/total, elapsed, estimate.

    On a terminal the line is redrawn in place; otherwise a line is printed
    at most every 10 seconds, and at the start and the end.  ``unit`` is
    the singular noun (``"fold"``).  The estimate of the time left counts
    from the first unit done, so that it leaves out the start (workers,
    the first fit's compilation) once that is known.
    """

    def __init__(self, label, total, unit, *, enabled=True, stream=None):
        self.label = label
        self.total = max(int(total), 1)
        self.unit = unit
        self.enabled = enabled
        self.stream = sys.stderr if stream is None else stream
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self.done = 0
        self.first = None  # (time, done) of the first update with done > 0
        self.last_print = -math.inf
        self.last_line = None  # (done, status) of the last line printed
        self.status = ""
        self.update(0)

    def eta(self, now):
        """Seconds left, or None when unknown."""
        if not 0 < self.done < self.total:
            return None
        since, done_then = self.first
        if self.done > done_then:
            rate = (now - since) / (self.done - done_then)
        else:
            rate = (since - self.start) / done_then
        return rate * (self.total - self.done)

    def line(self):
        now = time.perf_counter()
        text = (
            f"[{self.label}] {self.done}/{plural(self.total, self.unit)}, "
            f"elapsed {duration(now - self.start)}"
        )
        eta = self.eta(now)
        if eta is not None:
            text += f", about {duration(eta)} left"
        if self.status:
            text += f" ({self.status})"
        return text

    def update(self, done, status=""):
        self.done = min(int(done), self.total)
        if self.done > 0 and self.first is None:
            self.first = (time.perf_counter(), self.done)
        self.status = status
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
        elif (self.done, status) != self.last_line and (
            now - self.last_print >= 10 or self.done in (0, self.total) or status
        ):
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self.last_print = now
            self.last_line = (self.done, status)

    def close(self):
        if self.enabled and self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()
