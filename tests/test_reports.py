"""Tests for skkeras.reports: result frames, plots and HTML/Markdown reports.

Searches and cross-validations use fast scikit-learn estimators; one tiny
skkeras network checks the learning curves. Plot tests are skipped when
matplotlib (the ``skkeras[plot]`` extra) is not installed; the fallback
test hides it.
"""

import base64
import sys

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skkeras import MLPRegressor
from skkeras.reports import (
    HistoryDisplay,
    cv_frame,
    cv_summary,
    make_report,
    plot_fold_scores,
    plot_search_heatmap,
    plot_search_scores,
    search_frame,
)

PNG_MAGIC = b"\x89PNG"
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def clf_search(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    grid = {
        "logisticregression__C": [0.001, 0.1, 10.0],
        "logisticregression__fit_intercept": [True, False],
    }
    search = GridSearchCV(
        pipe,
        grid,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring={"accuracy": "accuracy", "roc_auc": "roc_auc_ovr"},
        refit="accuracy",
    )
    return search.fit(X, y)


@pytest.fixture(scope="module")
def reg_search():
    X, y = load_diabetes(return_X_y=True)
    search = GridSearchCV(
        Ridge(),
        {"alpha": [0.01, 1.0, 100.0]},
        cv=KFold(3),
        scoring={"rmse": "neg_root_mean_squared_error", "r2": "r2"},
        refit="rmse",
    )
    return search.fit(X, y)


@pytest.fixture(scope="module")
def cv_result(iris):
    X, y = iris
    return cross_validate(
        LogisticRegression(max_iter=300),
        X,
        y,
        cv=StratifiedKFold(4, shuffle=True, random_state=0),
        scoring={"accuracy": "accuracy"},
        return_estimator=True,
        return_train_score=True,
    )


@pytest.fixture(scope="module")
def fitted_mlp():
    X = np.linspace(-1, 1, 60).reshape(-1, 1)
    reg = MLPRegressor(
        (4,), max_iter=4, early_stopping=True, n_iter_no_change=50, random_state=0
    )
    return reg.fit(X, X.ravel() ** 2), X


# ----------------------------------------------------------------------
# Frames
# ----------------------------------------------------------------------
def test_search_frame_ranked(clf_search):
    frame = search_frame(clf_search)
    assert list(frame.columns) == [
        "rank",
        "C",
        "fit_intercept",
        "accuracy",
        "accuracy_std",
        "roc_auc",
        "roc_auc_std",
        "fit_time",
    ]
    assert len(frame) == 6
    assert frame["rank"].is_monotonic_increasing
    assert frame.index[0] == clf_search.best_index_
    assert frame["accuracy"].iloc[0] == pytest.approx(clf_search.best_score_)
    assert len(search_frame(clf_search, top=2)) == 2


def test_search_frame_shows_errors_positive(reg_search):
    frame = search_frame(reg_search)
    assert (frame["rmse"] > 0).all()
    assert frame["rmse"].is_monotonic_increasing  # best (lowest RMSE) first
    assert frame["rmse"].iloc[0] == pytest.approx(-reg_search.best_score_)


@pytest.mark.parametrize(
    "scoring, column",
    [
        ("neg_mean_absolute_error", "mean_absolute_error"),
        (["neg_mean_squared_error", "r2"], "mean_squared_error"),
    ],
)
def test_search_frame_string_and_list_scoring(scoring, column):
    X, y = load_diabetes(return_X_y=True)
    refit = scoring[0] if isinstance(scoring, list) else True
    search = GridSearchCV(
        Ridge(), {"alpha": [0.1, 10.0]}, cv=3, scoring=scoring, refit=refit
    ).fit(X, y)
    frame = search_frame(search)
    assert column in frame.columns and (frame[column] > 0).all()


def test_search_frame_randomized_and_short_names():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    search = RandomizedSearchCV(
        pipe,
        {
            "logisticregression__C": [0.1, 1.0, 10.0],
            "standardscaler__with_mean": [True, False],
        },
        n_iter=3,
        cv=3,
        random_state=0,
    ).fit(X, y)
    frame = search_frame(search)
    assert {"C", "with_mean", "score", "score_std"} <= set(frame.columns)


def test_frames_reject_wrong_input(cv_result):
    with pytest.raises(TypeError, match="fitted GridSearchCV"):
        search_frame(GridSearchCV(Ridge(), {"alpha": [1.0]}))
    with pytest.raises(TypeError, match="cross_validate"):
        cv_frame({"fit_time": [1.0]})
    with pytest.raises(TypeError, match="cross_validate"):
        make_report([1, 2, 3])


def test_cv_frame_and_summary(cv_result):
    frame = cv_frame(cv_result)
    assert list(frame.index) == [1, 2, 3, 4]
    assert list(frame.columns) == [
        "accuracy",
        "train_accuracy",
        "fit_time",
        "score_time",
    ]
    summary = cv_summary(cv_result, baseline={"accuracy": 1 / 3})
    assert summary.loc["accuracy", "mean"] == pytest.approx(
        cv_result["test_accuracy"].mean()
    )
    assert summary.loc["accuracy", "std"] == pytest.approx(
        cv_result["test_accuracy"].std()
    )
    assert summary.loc["accuracy", "baseline"] == pytest.approx(1 / 3)
    assert summary.loc["accuracy", "better"] == "higher"


def test_cv_summary_baseline_from_cross_validate_and_errors():
    X, y = load_diabetes(return_X_y=True)
    scoring = {"rmse": "neg_root_mean_squared_error"}
    result = cross_validate(Ridge(), X, y, cv=3, scoring=scoring)
    dummy = cross_validate(DummyRegressor(), X, y, cv=3, scoring=scoring)
    summary = cv_summary(result, scoring=scoring, baseline=dummy)
    assert summary.loc["rmse", "mean"] > 0 and summary.loc["rmse", "better"] == "lower"
    assert summary.loc["rmse", "baseline"] == pytest.approx(-dummy["test_rmse"].mean())
    assert summary.loc["rmse", "baseline"] > summary.loc["rmse", "mean"]
    # Without the scoring, a metric named neg_* is still turned round.
    raw = cross_validate(Ridge(), X, y, cv=3, scoring=["neg_mean_squared_error"])
    assert (cv_frame(raw)["mean_squared_error"] > 0).all()


# ----------------------------------------------------------------------
# Reports
# ----------------------------------------------------------------------
def test_report_format_from_path(tmp_path, cv_result):
    with pytest.raises(ValueError, match=r"use a \.html or \.md file name"):
        make_report(cv_result, tmp_path / "report.txt")
    with pytest.raises(ValueError, match="format must be 'html' or 'markdown'"):
        make_report(cv_result, format="pdf")
    text = make_report(cv_result, format="md", plots=False)
    assert text.startswith("# Cross-validation")


def test_markdown_report_tables_without_plots(reg_search):
    text = make_report(
        reg_search,
        format="markdown",
        plots=False,
        title="Ridge",
        top=2,
        baseline={"rmse": 77.0, "r2": 0.0},
    )
    assert text.startswith("# Ridge")
    assert "## Best candidate" in text and "## Ranked candidates" in text
    assert "| metric | mean | std | better | baseline |" in text
    assert "| rmse |" in text and "77.0000" in text
    assert "The 2 best of 3 candidates." in text
    assert "![" not in text


def test_report_without_matplotlib(monkeypatch, tmp_path, cv_result):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    path = tmp_path / "report.html"
    text = make_report(cv_result, path)
    assert path.read_text(encoding="utf-8") == text
    assert "matplotlib is not installed" in text and "skkeras[plot]" in text
    assert "<img" not in text and "<table>" in text
    with pytest.raises(ImportError, match=r"pip install 'skkeras\[plot\]'"):
        HistoryDisplay({"loss": [1.0, 0.5]}).plot()


# ----------------------------------------------------------------------
# Plots (need matplotlib)
# ----------------------------------------------------------------------
@pytest.fixture
def pyplot():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def _images(html_text):
    chunks = html_text.split('src="data:image/png;base64,')[1:]
    return [base64.b64decode(chunk.split('"', 1)[0]) for chunk in chunks]


def test_html_search_report_has_plots(pyplot, tmp_path, clf_search):
    path = tmp_path / "search.html"
    text = make_report(
        clf_search,
        path,
        title="Iris <search>",
        info={"data": "iris"},
        baseline={"accuracy": 1 / 3, "roc_auc": 0.5},
    )
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>Iris &lt;search&gt;</title>" in text
    for heading in (
        "Best candidate",
        "Ranked candidates",
        "Score against each parameter",
        "Two parameters together",
        "Setup",
    ):
        assert f"<h2>{heading}</h2>" in text
    images = _images(text)
    assert len(images) == 2 and all(img.startswith(PNG_MAGIC) for img in images)
    assert "0.3333" in text  # the baseline beside the scores
    assert ">fit_time (s)</th>" in text and ">fit_time</th>" not in text  # unit
    assert "Learning curves" not in text  # LogisticRegression has no history


def test_html_cv_report_with_learning_curves(pyplot, tmp_path, fitted_mlp):
    reg, X = fitted_mlp
    scoring = {"rmse": "neg_root_mean_squared_error"}
    # A cross_validate result whose fold estimators are (the same) network.
    result = {
        "fit_time": [0.1, 0.2],
        "score_time": [0.01, 0.01],
        "test_rmse": [-0.3, -0.2],
        "estimator": [reg, reg],
    }
    text = make_report(result, tmp_path / "cv.html", scoring=scoring)
    assert "<h2>Learning curves</h2>" in text and "Training loss per epoch" in text
    assert "0.2500" in text  # the mean RMSE, shown positive
    assert len(_images(text)) == 2
    text = make_report(
        result,
        format="html",
        scoring=scoring,
        history=reg.history_,
        history_caption="Given.",
    )
    assert "Given." in text and "no val_loss" not in text


def test_markdown_report_writes_figures(pyplot, tmp_path, clf_search):
    path = tmp_path / "search.md"
    text = make_report(clf_search, path)
    figures = sorted((tmp_path / "search_files").iterdir())
    assert [f.name for f in figures] == ["figure-1.png", "figure-2.png"]
    assert figures[0].read_bytes().startswith(PNG_MAGIC)
    assert "![" in text and "(search_files/figure-1.png)" in text
    assert "data:image/png" in make_report(clf_search, format="markdown")


def test_history_display(pyplot, fitted_mlp):
    reg, X = fitted_mlp
    display = HistoryDisplay.from_estimator(reg)
    assert set(display.lines_) == {"loss", "val_loss"}
    assert display.best_epoch_ == int(np.argmin(reg.history_["val_loss"])) + 1
    assert display.ax_.get_xlabel() == "epoch" and display.figure_ is display.ax_.figure
    assert "MLPRegressor" in display.ax_.get_title()
    # Through a pipeline, and drawn again on given axes.
    pipe = make_pipeline(StandardScaler(), reg)
    _, ax = pyplot.subplots()
    again = HistoryDisplay.from_estimator(pipe, keys="score", name="net").plot(
        ax=ax, keys="loss"
    )
    assert again.ax_ is ax and list(again.lines_) == ["loss"]
    with pytest.raises(ValueError, match="has no 'accuracy'"):
        HistoryDisplay.from_history(reg.history_, keys=["accuracy"])
    with pytest.raises(ValueError, match="no training history"):
        HistoryDisplay.from_estimator(LogisticRegression())
    assert HistoryDisplay.from_history({"loss": [1.0, 0.5, 0.4]}).best_epoch_ is None


@pytest.mark.parametrize("best", [0, 3, 199])
def test_history_display_best_epoch_counts_from_one(pyplot, best):
    # Epochs count from 1, as Keras prints them: the lowest val_loss at
    # index ``best`` is epoch ``best + 1`` on the mark, its dot, its label
    # and the axis (which starts at epoch 1, not 0).
    n = 200
    val = np.linspace(1.0, 2.0, n)
    val[best] = 0.5
    display = HistoryDisplay.from_history({"loss": np.ones(n), "val_loss": val})
    ax = display.ax_
    assert display.best_epoch_ == best + 1
    vline = [ln for ln in ax.lines if ln.get_linestyle() == ":"][0]
    assert list(vline.get_xdata()) == [best + 1, best + 1]
    dot = [ln for ln in ax.lines if ln.get_marker() == "o"][0]
    assert list(dot.get_xdata()) == [best + 1] and list(dot.get_ydata()) == [0.5]
    assert f"(epoch {best + 1})" in dot.get_label()
    assert list(display.lines_["val_loss"].get_xdata()[[0, -1]]) == [1, n]
    # The best epoch is a tick, with no round tick next to it to misread.
    ticks = list(ax.get_xticks())
    assert best + 1 in ticks and 0 not in ticks and min(ticks) in (1, best + 1)
    assert all(t == best + 1 or abs(t - best - 1) >= 5 for t in ticks)
    left, right = ax.get_xlim()
    assert left < 1 and n < right and right - left < 1.1 * n


def test_search_plots(pyplot, clf_search, reg_search):
    ax = plot_search_scores(clf_search, "C")
    assert ax.get_xlabel() == "C"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.001", "0.1", "10.0"]
    ax = plot_search_scores(reg_search, "alpha", metric="rmse")
    assert "lower is better" in ax.get_ylabel()
    with pytest.raises(ValueError, match="'gamma' was not searched"):
        plot_search_scores(clf_search, "gamma")
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        plot_search_scores(clf_search, "C", metric="f1")
    ax = plot_search_heatmap(clf_search, metric="roc_auc")
    assert {ax.get_xlabel(), ax.get_ylabel()} == {"C", "fit_intercept"}
    assert len(ax.texts) == 6
    with pytest.raises(ValueError, match="two searched parameters"):
        plot_search_heatmap(reg_search)


def test_plot_fold_scores(pyplot, cv_result):
    ax = plot_fold_scores(cv_result, "accuracy", baseline=1 / 3)
    assert len(ax.patches) == 4
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("baseline 0.333") for label in labels)
    assert any(label.startswith("mean ") for label in labels)


# ----------------------------------------------------------------------
# The terminal progress line (skkeras.reports._text.Progress)
# ----------------------------------------------------------------------
class _Stream:
    def __init__(self, tty):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_progress_line_in_place_on_a_terminal_plain_lines_otherwise():
    from skkeras.reports._text import Progress

    tty = _Stream(True)
    progress = Progress("fit x", 3, "epoch", stream=tty)
    progress.update(1)
    progress.update(3)
    progress.close()
    assert "\n" not in tty.text and tty.text.count("\r") == 4
    assert "[fit x] 1/3 epochs, elapsed" in tty.text and "left" in tty.text
    plain = _Stream(False)
    progress = Progress("fit x", 1, "epoch", stream=plain)
    progress.update(0)  # nothing new: not printed again
    progress.update(1)
    progress.close()
    lines = plain.text.splitlines()
    assert len(lines) == 2 and "\r" not in plain.text
    assert lines[0].startswith("[fit x] 0/1 epoch, elapsed")
    assert lines[1].startswith("[fit x] 1/1 epoch, elapsed")


def test_progress_estimate_leaves_out_the_start():
    from skkeras.reports._text import Progress

    progress = Progress("cv", 11, "fold", enabled=False)
    progress.start -= 100.0  # a slow start: workers, compilation
    progress.update(1)
    progress.first = (progress.first[0] - 10.0, 1)  # then 10 s per fold
    progress.update(2)
    now = progress.first[0] + 10.0
    assert progress.eta(now) == pytest.approx(90.0)  # 9 folds of 10 s, not 50 s
    progress.update(11)
    assert progress.eta(now) is None


def test_plural():
    from skkeras.reports._text import plural

    assert plural(1, "candidate") == "1 candidate"
    assert plural(0, "candidate") == "0 candidates"
    assert plural(2, "class", "classes") == "2 classes"


def _inside_axes(ax, artist):
    """Whether the artist's drawn box overlaps the axes' drawn box."""
    canvas = ax.figure.canvas
    canvas.draw()
    box = artist.get_window_extent(canvas.get_renderer())
    return box.overlaps(ax.get_window_extent(canvas.get_renderer()))


def test_plot_fold_scores_axis_from_zero_legend_beside(pyplot, cv_result):
    # A score bounded by 1: the axis runs from 0 to (just above) 1, and the
    # legend sits beside the bars, not over them.
    ax = plot_fold_scores(cv_result, "accuracy", baseline=1 / 3)
    bottom, top = ax.get_ylim()
    assert bottom == 0 and 1 <= top < 1.05
    assert not _inside_axes(ax, ax.get_legend())


@pytest.mark.parametrize(
    "scores, scoring, expected",
    [
        # errors shown positive (RMSE): from 0 to a little above the worst
        ([-2.0, -4.0], {"rmse": "neg_root_mean_squared_error"}, (0.0, 4.0)),
        # the same negated error without its scoring: bars hang below 0
        ([-2.0, -4.0], None, (-4.0, 0.0)),
        # an R² below 0 on one fold: the axis goes below 0, and up to 1
        ([0.5, -0.5], {"r2": "r2"}, (-0.5, 1.0)),
    ],
)
def test_plot_fold_scores_limits(pyplot, scores, scoring, expected):
    key = "score" if scoring is None else next(iter(scoring))
    result = {
        "fit_time": [0.1] * len(scores),
        "score_time": [0.01] * len(scores),
        f"test_{key}": scores,
    }
    bottom, top = plot_fold_scores(result, scoring=scoring).get_ylim()
    low, high = expected
    # Every bar is inside the limits, from the right end of the axis.
    assert bottom <= low and top >= high
    assert (bottom == 0) == (low == 0) and (top == 0) == (high == 0)
    assert top - bottom < 1.2 * (high - low)
