"""Self-contained HTML and Markdown reports of searches and cross-validation.

A report is built as a list of blocks (headings, paragraphs, tables,
figures), then rendered. HTML reports embed their figures as base64 PNG
images, so the single file opens anywhere. Markdown reports written to a
file put their figures in a ``<name>_files/`` folder beside it (which every
Markdown viewer shows); as a string, they embed them as data URIs.
"""

import base64
import datetime
import html
import io
import os
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ._fold_plots import plot_fold_scores
from ._history_plots import (
    HistoryDisplay,
    find_history,
    plot_fold_histories,
    wide_range,
)
from ._matplotlib import PLOT_EXTRA_HINT, has_matplotlib
from ._results import (
    _baseline_values,
    check_search,
    cv_frame,
    cv_metrics,
    cv_summary,
    search_frame,
    search_metrics,
    searched_params,
    short_param_names,
)
from ._search_plots import (
    param_values,
    pick_two_params,
    plot_search_heatmap,
    plot_search_scores,
)

__all__ = ["make_report"]

_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}

_CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { border-bottom: 2px solid #ddd; padding-bottom: .3em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #eee; }
table { border-collapse: collapse; margin: .8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: .3em .7em; text-align: right; }
th { background: #f3f3f3; }
td.text, th.text { text-align: left; }
tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5em 1em; }
.meta { color: #666; font-size: 0.9em; }
"""


# ----------------------------------------------------------------------
# Document model
# ----------------------------------------------------------------------
def _fmt(value):
    """Format one table cell."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        value = float(value)
        if np.isnan(value):
            return ""
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 5e-5):
            return f"{value:.3e}"
        return f"{value:.4f}"
    return str(value)


# Columns of seconds, headed with their unit.
_SECONDS = {"fit_time": "fit_time (s)", "score_time": "score_time (s)"}


def _cells(frame, index):
    """Return (header, rows, text_columns) of strings for a DataFrame."""
    frame = frame.reset_index() if index else frame
    header = [_SECONDS.get(c, str(c)) for c in frame.columns]
    rows = [[_fmt(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    text = [
        not pd.api.types.is_numeric_dtype(frame[c])
        or pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    return header, rows, text


class Document:
    """An ordered list of report blocks, renderable as HTML or Markdown."""

    def __init__(self, title):
        self.title = title
        self.blocks = []
        self.n_figures = 0

    def heading(self, text):
        self.blocks.append(("heading", text))

    def paragraph(self, text, *, kind="p"):
        self.blocks.append((kind, text))

    def table(self, frame, *, index=False, caption=None):
        self.blocks.append(("table", (frame, index, caption)))

    def figure(self, fig, caption):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        self.n_figures += 1
        self.blocks.append(("figure", (buffer.getvalue(), caption, self.n_figures)))

    # Rendering ---------------------------------------------------------
    def to_html(self):
        esc = html.escape
        out = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(self.title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{esc(self.title)}</h1>",
        ]
        for kind, payload in self.blocks:
            if kind == "heading":
                out.append(f"<h2>{esc(payload)}</h2>")
            elif kind == "p":
                out.append(f"<p>{esc(payload)}</p>")
            elif kind == "note":
                out.append(f'<p class="note">{esc(payload)}</p>')
            elif kind == "meta":
                out.append(f'<p class="meta">{esc(payload)}</p>')
            elif kind == "table":
                frame, index, caption = payload
                header, rows, text = _cells(frame, index)
                cls = [' class="text"' if t else "" for t in text]
                out.append("<table>")
                if caption:
                    out.append(f"<caption>{esc(caption)}</caption>")
                out.append(
                    "<thead><tr>"
                    + "".join(f"<th{c}>{esc(h)}</th>" for h, c in zip(header, cls))
                    + "</tr></thead><tbody>"
                )
                for row in rows:
                    out.append(
                        "<tr>"
                        + "".join(f"<td{c}>{esc(v)}</td>" for v, c in zip(row, cls))
                        + "</tr>"
                    )
                out.append("</tbody></table>")
            elif kind == "figure":
                png, caption, _ = payload
                data = base64.b64encode(png).decode("ascii")
                img = f'<img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
                out.append(
                    f"<figure>{img}<figcaption>{esc(caption)}</figcaption></figure>"
                )
        out.append("</body></html>")
        return "\n".join(out) + "\n"

    def to_markdown(self, image_dir=None, image_link=None):
        """Render as Markdown; figures go to ``image_dir`` or into data URIs."""
        out = [f"# {_md_escape(self.title)}", ""]
        for kind, payload in self.blocks:
            if kind == "heading":
                out += [f"## {_md_escape(payload)}", ""]
            elif kind in ("p", "meta"):
                out += [_md_escape(payload), ""]
            elif kind == "note":
                out += [f"> **Note:** {_md_escape(payload)}", ""]
            elif kind == "table":
                frame, index, caption = payload
                header, rows, text = _cells(frame, index)
                if caption:
                    out += [f"*{_md_escape(caption)}*", ""]
                out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
                out.append("|" + "|".join(":---" if t else "---:" for t in text) + "|")
                out += [
                    "| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows
                ]
                out.append("")
            elif kind == "figure":
                png, caption, number = payload
                if image_dir is not None:
                    name = f"figure-{number}.png"
                    with open(os.path.join(image_dir, name), "wb") as fh:
                        fh.write(png)
                    src = f"{image_link}/{name}"
                else:
                    src = "data:image/png;base64," + base64.b64encode(png).decode(
                        "ascii"
                    )
                out += [
                    f"![{_md_escape(caption)}]({src})",
                    "",
                    f"*{_md_escape(caption)}*",
                    "",
                ]
        return "\n".join(out).rstrip() + "\n"


def _md_escape(text):
    return str(text).replace("*", r"\*").replace("_", r"\_").replace("<", "&lt;")


def _md_cell(text):
    return str(text).replace("|", r"\|").replace("\n", " ")


# ----------------------------------------------------------------------
# Report contents
# ----------------------------------------------------------------------
def _new_figure(n_axes=1, width=5.0, height=3.6, ncols=None):
    from matplotlib.figure import Figure

    ncols = ncols or min(n_axes, 3)
    nrows = int(np.ceil(n_axes / ncols))
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n_axes:]:
        ax.set_visible(False)
    return fig, axes[:n_axes]


def _info_table(info):
    return pd.DataFrame(
        {"setting": list(info), "value": [str(v) for v in info.values()]}
    )


def _params_text(params, short):
    return ", ".join(f"{short.get(k, k)}={v!r}" for k, v in params.items())


def _search_report(doc, search, *, baseline, history, history_caption, top, plots):
    metrics = search_metrics(search)
    names = searched_params(search)
    short = short_param_names(names)
    frame = search_frame(search)
    n_candidates = len(frame)
    best_idx = frame.index[0]
    best_params = search.cv_results_["params"][best_idx]

    doc.heading("Best candidate")
    better = "higher" if metrics[0].greater_is_better else "lower"
    params = _params_text(best_params, short) or "default parameters"
    doc.paragraph(
        f"Ranked by {metrics[0].label} ({better} is better) over "
        f"{getattr(search, 'n_splits_', '?')} folds, among {n_candidates} "
        f"candidates: {params}."
    )
    rows = []
    base = _baseline_values(baseline, metrics, getattr(search, "scoring", None))
    for m in metrics:
        row = {
            "metric": m.label,
            "mean": float(frame.loc[best_idx, m.label]),
            "std": float(frame.loc[best_idx, f"{m.label}_std"]),
            "better": "higher" if m.greater_is_better else "lower",
        }
        if base:
            row["baseline"] = base.get(m.label, np.nan)
        rows.append(row)
    doc.table(pd.DataFrame(rows))
    if base:
        doc.paragraph(_baseline_sentence(metrics, base, search=True), kind="meta")

    doc.heading("Ranked candidates")
    shown = frame if top is None else frame.head(top)
    if len(shown) < len(frame):
        doc.paragraph(f"The {len(shown)} best of {len(frame)} candidates.", kind="meta")
    shown = shown.reset_index(drop=True)
    for name in names:  # parameter values as written, not as table numbers
        shown[short[name]] = shown[short[name]].map(str)
    doc.table(shown)

    if not plots:
        return
    varied = [n for n in names if len(param_values(search, n)) > 1]
    m = metrics[0]
    if varied:
        doc.heading("Score against each parameter")
        fig, axes = _new_figure(
            len(varied), width=4.2, height=3.4, ncols=min(len(varied), 3)
        )
        for ax, name in zip(axes, varied):
            plot_search_scores(search, name, metric=m.key, ax=ax)
        doc.figure(
            fig,
            f"Mean {m.label} over the folds for each value of each searched parameter. "
            "Grey dots: every candidate; blue: the best candidate having the value, "
            "with an error bar of one standard deviation over the folds.",
        )
    if len(varied) >= 2:
        pair = pick_two_params(search, m)
        fig, (ax,) = _new_figure(1, width=6.5, height=4.5)
        plot_search_heatmap(search, pair, metric=m.key, ax=ax)
        doc.heading("Two parameters together")
        doc.figure(
            fig,
            f"Best mean {m.label} for each pair of values of {short[pair[0]]} and "
            f"{short[pair[1]]} (the two parameters that move the score most), the "
            "other parameters free.",
        )
    if history is None:
        try:
            history, _ = find_history(search)
        except ValueError:
            history = None
        history_caption = history_caption or (
            "Loss per epoch of the best candidate, refit on all the data."
        )
    _history_section(doc, history, history_caption)


def _history_section(doc, history, caption):
    if not history:
        return
    doc.heading("Learning curves")
    fig, (ax,) = _new_figure(1, width=6.5, height=4.0)
    curves = [history[k] for k in ("loss", "val_loss") if k in history]
    HistoryDisplay(history).plot(ax=ax, logy=wide_range(*curves))
    if "val_loss" not in history:
        caption += (
            " There is no val_loss curve: the model was trained without held-out "
            "data (set early_stopping=True to record one)."
        )
    doc.figure(fig, caption)


def _baseline_sentence(metrics, base, *, search=False):
    parts = []
    for m in metrics:
        if m.label in base and np.isfinite(base[m.label]):
            parts.append(f"{m.label} {base[m.label]:.4f}")
    who = "the best candidate" if search else "the model"
    return (
        "Baseline: a trivial model (majority class for classifiers, the mean "
        f"for regressors) on the same folds scores {', '.join(parts)}; "
        f"{who} must beat it to be useful."
    )


def _cv_report(doc, cv_results, *, scoring, baseline, history, history_caption, plots):
    metrics = cv_metrics(cv_results, scoring)
    summary = cv_summary(cv_results, scoring=scoring, baseline=baseline)
    doc.heading("Scores")
    doc.table(summary, index=True)
    base = _baseline_values(baseline, metrics, scoring)
    if base:
        doc.paragraph(_baseline_sentence(metrics, base), kind="meta")
    doc.heading("Each fold")
    doc.table(cv_frame(cv_results, scoring=scoring), index=True)
    if not plots:
        return
    doc.heading("Scores on each fold")
    fig, axes = _new_figure(len(metrics), width=4.6, height=3.4)
    for ax, m in zip(axes, metrics):
        plot_fold_scores(
            cv_results, m.key, scoring=scoring, baseline=base.get(m.label), ax=ax
        )
    doc.figure(
        fig,
        "Test score of each fold, their mean, and the baseline (dashed) where known.",
    )
    if history is not None:
        _history_section(doc, history, history_caption or "Loss per epoch.")
        return
    histories = []
    for est in cv_results.get("estimator", []) or []:
        try:
            histories.append(find_history(est)[0])
        except ValueError:
            pass
    if histories:
        doc.heading("Learning curves")
        fig, (ax,) = _new_figure(1, width=6.5, height=4.0)
        key = (
            "loss" if all("loss" in h for h in histories) else next(iter(histories[0]))
        )
        plot_fold_histories(histories, ax, key=key)
        doc.figure(fig, f"Training {key} per epoch of the model of each fold.")


def make_report(
    result,
    path=None,
    *,
    format=None,
    title=None,
    description=None,
    info=None,
    scoring=None,
    baseline=None,
    history=None,
    history_caption=None,
    top=20,
    plots=True,
):
    """Write a report of a search or of a cross-validation, with plots.

    For a fitted search: the best candidate's scores beside a baseline,
    the ranked candidates, the score against each searched parameter with
    error bars, a heatmap of the two most influential parameters, and the
    learning curves of the best model. For a ``cross_validate`` result:
    mean ± std of each metric beside a baseline, the per-fold scores, a
    plot of them, and the learning curves of each fold's model (when the
    estimators were returned).

    Without matplotlib (``pip install 'skkeras[plot]'``) the report has the
    tables only, and says so.

    Parameters
    ----------
    result : GridSearchCV, RandomizedSearchCV or dict
        A fitted search, or the dict returned by
        :func:`~sklearn.model_selection.cross_validate`.
    path : str or path-like, default=None
        Where to write the report; its extension chooses the format
        (``.html``/``.htm`` or ``.md``/``.markdown``). A Markdown report's
        figures are written to a ``<stem>_files`` folder beside it. None
        writes nothing.
    format : {"html", "markdown"}, default=None
        The format; None infers it from ``path`` (HTML if there is none).
    title : str, default=None
        The report's title.
    description : str, default=None
        A paragraph under the title.
    info : dict, default=None
        Facts to list in a "Setup" table (data, splitter, wall time ...).
    scoring : str, list or dict, default=None
        The ``scoring`` given to ``cross_validate`` (a search knows its own).
    baseline : dict, default=None
        Scores of a trivial model to show beside: ``{metric: value}`` or a
        ``cross_validate`` result of, e.g., a ``DummyClassifier``.
    history : dict, default=None
        A training history to plot as the learning curves, instead of the
        best model's (search) or the folds' (cross-validation).
    history_caption : str, default=None
        The caption of those learning curves.
    top : int or None, default=20
        The number of candidates in the ranked table; None shows all.
    plots : bool, default=True
        Include the figures (when matplotlib is installed).

    Returns
    -------
    report : str
        The HTML or Markdown text (as written to ``path``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from skkeras.reports import make_report
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(LogisticRegression(max_iter=500), X, y, cv=3,
    ...                         scoring={"accuracy": "accuracy"})
    >>> text = make_report(result, format="markdown", plots=False,
    ...                    baseline={"accuracy": 1 / 3})
    >>> "| accuracy |" in text
    True
    """
    fmt = _report_format(path, format)
    is_search = hasattr(result, "cv_results_")
    if is_search:
        check_search(result)
    else:
        cv_metrics(result, scoring)  # validates the dict
    default_title = "Hyperparameter search" if is_search else "Cross-validation"
    doc = Document(title or default_title)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    from .._version import __version__

    doc.paragraph(f"Generated by skkeras {__version__} on {stamp}.", kind="meta")
    if description:
        doc.paragraph(description)
    if info:
        doc.heading("Setup")
        doc.table(_info_table(info))
    want_plots = bool(plots) and has_matplotlib()
    if plots and not want_plots:
        doc.paragraph(
            f"Plots are not included: matplotlib is not installed ({PLOT_EXTRA_HINT}).",
            kind="note",
        )
    if is_search:
        _search_report(
            doc,
            result,
            baseline=baseline,
            history=history,
            history_caption=history_caption,
            top=top,
            plots=want_plots,
        )
    else:
        _cv_report(
            doc,
            result,
            scoring=scoring,
            baseline=baseline,
            history=history,
            history_caption=history_caption,
            plots=want_plots,
        )
    return _write(doc, fmt, path)


def _report_format(path, format):
    if format is not None:
        aliases = {
            "html": "html",
            "htm": "html",
            "md": "markdown",
            "markdown": "markdown",
        }
        if str(format).lower() not in aliases:
            raise ValueError(f"format must be 'html' or 'markdown'; got {format!r}.")
        return aliases[str(format).lower()]
    if path is None:
        return "html"
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in _FORMATS:
        raise ValueError(
            f"cannot tell the report format from {os.fspath(path)!r}: use a .html or "
            ".md file name, or pass format='html' or format='markdown'."
        )
    return _FORMATS[ext]


def _write(doc, fmt, path):
    if fmt == "html":
        text = doc.to_html()
    elif path is None:
        text = doc.to_markdown()
    else:
        stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
        link = f"{stem}_files"
        image_dir = os.path.join(os.path.dirname(os.path.abspath(path)), link)
        if doc.n_figures:
            os.makedirs(image_dir, exist_ok=True)
        text = doc.to_markdown(
            image_dir=image_dir if doc.n_figures else None, image_link=link
        )
    if path is not None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return text
