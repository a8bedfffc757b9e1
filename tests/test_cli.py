"""Tests for the ``skkeras`` command line, through ``main(argv)``.

Runs use tiny settings (2 folds, 1-2 epochs, small layers) so that the file
stays quick; the accuracy of the full recipes is measured outside the tests.
"""

import io
import os
import re
import subprocess
import sys
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest

import skkeras
from skkeras._cli import main
from skkeras.tasks import get_task

TINY = ["--folds", "2", "--set", "max_iter=1", "hidden_layer_sizes=(4,)"]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err, *needles):
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("skkeras: error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


# ----------------------------------------------------------------------
# Help, tasks, usage errors
# ----------------------------------------------------------------------
def test_help_and_version(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    for command in ("tasks", "cv", "grid", "fit", "predict"):
        assert command in out
    status, out, _ = run(capsys, "cv", "--help")
    assert status == 0 and "--folds" in out and "--set" in out and "--quiet" in out
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.startswith("skkeras ")


def test_no_command_prints_help(capsys):
    status, out, _ = run(capsys)
    assert status == 2 and "usage: skkeras" in out


def test_tasks_lists_every_task(capsys):
    status, out, _ = run(capsys, "tasks")
    assert status == 0
    for name, shape in [
        ("pima", "768 x 8"),
        ("iris", "150 x 4"),
        ("boston", "506 x 13"),
        ("bank", "4521 x 15"),
        ("gender", "1000 x 3"),
    ]:
        line = next(line for line in out.splitlines() if line.startswith(name))
        assert shape in line and "MLP" in line


def test_tasks_describes_one(capsys):
    status, out, _ = run(capsys, "tasks", "bank")
    assert status == 0
    assert "Bank marketing" in out and "0.885" in out
    assert "grid:        16 candidates" in out and "quick grid:  4 candidates" in out
    assert "duration" in out


@pytest.mark.parametrize(
    "argv, needles",
    [
        (["cv", "pimaa"], ["unknown task 'pimaa'", "did you mean 'pima'"]),
        (
            ["tasks", "mnist"],
            ["unknown task 'mnist'", "pima, iris, boston, bank, gender"],
        ),
        (["cv", "pima", "--set", "max_iter"], ["bad --set 'max_iter'", "key=value"]),
        (
            ["cv", "pima", "--set", "max_iters=5"],
            ["bad --set", "did you mean 'max_iter'"],
        ),
        (["cv", "pima", "--folds", "1"], ["at least 2 folds"]),
        (["cv", "pima", "--n-jobs", "0"], ["-1 for all cores"]),
        (
            ["cv", "pima", "--report", "out.pdf"],
            ["bad --report 'out.pdf'", ".html, .htm, .md, .markdown"],
        ),
        (["cv", "pima", "--n_jobs", "2"], ["did you mean --n-jobs (for --n_jobs)?"]),
        (["grid", "pima", "--qiuck"], ["did you mean --quick (for --qiuck)?"]),
        (["--verison"], ["did you mean --version"]),
        (
            ["grid", "iris", "--param", "bogus=[1,2]"],
            ["unknown parameter 'bogus'", "the network's parameters are", "max_iter"],
        ),
        (["cv", "pima", "--set", "keep_duration=true"], ["unknown parameter"]),
        (
            ["cv", "bank", "--set", "keep_duration=1"],
            ["option keep_duration takes a bool, got 1"],
        ),
        (
            ["grid", "iris", "--param", "max_iters=[1,2]"],
            ["bad --param", "did you mean 'max_iter'"],
        ),
        (
            ["grid", "iris", "--param", "max_iter=[]"],
            ["no values for mlpclassifier__max_iter"],
        ),
        (["frobnicate"], ["invalid choice: 'frobnicate'"]),
        (["fit", "pima"], ["the following arguments are required: --out"]),
    ],
)
def test_usage_errors_are_one_line(capsys, argv, needles):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert_one_line_error(err, *needles)


# ----------------------------------------------------------------------
# cv and grid
# ----------------------------------------------------------------------
def test_cv_prints_folds_mean_and_baseline(capsys):
    status, out, err = run(capsys, "cv", "bank", *TINY, "--seed", "3")
    assert status == 0
    assert "bank: 2-fold StratifiedKFold (shuffled, seed 3)" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("fold"))
    assert "accuracy" in header and "roc_auc" in header and "fit time" in header
    assert any(line.startswith("1 ") for line in lines) and any(
        line.startswith("2 ") for line in lines
    )
    mean = next(line for line in lines if line.startswith("mean ± std"))
    assert mean.count("±") == 3  # the label and two metrics
    baseline = next(line for line in lines if line.startswith("baseline "))
    assert "0.8848" in baseline and "0.5000" in baseline  # majority class, AUC 0.5
    # The cross-validation's time, then the whole command's, which is longer.
    times = re.search(r"wall time: ([\d.]+)s .*; ([\d.]+)s since the command", out)
    assert times and float(times[2]) >= float(times[1]) > 0
    # Progress and the changed parameters go to stderr.
    assert "[cv bank] 2/2 folds" in err
    assert "changed: max_iter=1, hidden_layer_sizes=(4,)" in err


def test_cv_quiet_regression_with_markdown_report(capsys, tmp_path):
    report = tmp_path / "boston.md"
    status, out, err = run(
        capsys, "cv", "boston", *TINY, "--quiet", "--report", str(report)
    )
    assert status == 0 and err == ""
    assert "rmse" in out and "(rmse: lower is better)" in out
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Boston housing: cross-validation")
    assert "| rmse |" in text and "skkeras cv boston --folds 2" in text


def test_cv_in_parallel(capsys, monkeypatch):
    monkeypatch.setattr(joblib, "cpu_count", lambda *a, **k: 4)
    status, out, err = run(capsys, "cv", "gender", *TINY, "--n-jobs", "2")
    assert status == 0 and "mean ± std" in out and "(n_jobs=2)" in out
    assert "starting 2 workers (each imports" in err
    assert "[cv gender] 2/2 folds" in err
    assert "I0000" not in err and "absl" not in err  # workers start quietly


def test_n_jobs_runs_serially_on_two_cores(capsys, monkeypatch):
    monkeypatch.setattr(joblib, "cpu_count", lambda *a, **k: 2)
    status, out, err = run(capsys, "cv", "gender", *TINY, "--n-jobs", "2")
    assert status == 0 and "(n_jobs=1)" in out
    assert "running serially: on 2 cores, 2 workers are slower" in err
    assert "starting" not in err
    status, out, err = run(capsys, "grid", "gender", *TINY, "--n-jobs", "-1",
                           "--param", "max_iter=[1]")
    assert status == 0 and "(n_jobs=1)" in out
    assert "running serially" in err


def test_counts_are_singular_or_plural(capsys):
    status, out, err = run(capsys, "grid", "gender", *TINY, "--param", "max_iter=[1]")
    assert status == 0
    assert "gender: 1 candidate x 2-fold" in out
    assert "grid: 1 candidate (max_iter [1])" in err
    assert "2 fits + 1 refit" in err and "[grid gender] 1/1 candidate," in err
    assert "candidates" not in out + err


def test_cv_bank_leaves_duration_out_unless_asked(capsys):
    status, out, err = run(capsys, "cv", "bank", *TINY, "-q")
    assert status == 0 and "baseline" in out
    status, _, err = run(capsys, "cv", "bank", *TINY, "--set", "keep_duration=true")
    assert status == 0
    assert "4521 samples x 16 features" in err and "keep_duration=True" in err
    status, _, err = run(capsys, "cv", "bank", *TINY)
    assert "4521 samples x 15 features" in err


def test_cv_warnings_are_collected_in_one_line(capsys):
    status, _, err = run(capsys, "cv", "gender", *TINY, "--set", "batch_size=5000")
    assert status == 0
    line = next(line for line in err.splitlines() if "UserWarning" in line)
    assert line.startswith("skkeras: UserWarning: Got `batch_size` larger")
    assert line.endswith("(x2)")  # once per fold, printed once
    assert "ConvergenceWarning" not in err  # fixed epochs: expected, not shown
    status, _, err = run(
        capsys, "cv", "gender", *TINY, "--set", "batch_size=5000", "-q"
    )
    assert status == 0 and err == ""


def test_cv_bad_value_is_one_line(capsys):
    status, _, err = run(capsys, "cv", "iris", *TINY, "--set", "solver=foo", "--quiet")
    assert status == 1
    assert_one_line_error(err, "solver", "foo")


def test_grid_prints_ranked_candidates_and_html_report(capsys, tmp_path):
    report = tmp_path / "grid.html"
    status, out, err = run(
        capsys,
        "grid",
        "iris",
        "--folds",
        "2",
        "--set",
        "hidden_layer_sizes=(4,)",
        "--param",
        "max_iter=[1,2]",
        "batch_size=[16]",
        "--report",
        str(report),
    )
    assert status == 0
    assert "iris: 2 candidates x 2-fold StratifiedKFold" in out
    header = next(line for line in out.splitlines() if line.startswith("rank"))
    assert "max_iter" in header and "batch_size" in header and "accuracy" in header
    assert "best: accuracy" in out and "baseline, majority class: 0.3333" in out
    assert "[grid iris] 2/2 candidates" in err
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Ranked candidates" in text
    if "matplotlib is not installed" not in text:
        assert "data:image/png;base64," in text and "Learning curves" in text
        assert "held out (val_loss)" in text


# ----------------------------------------------------------------------
# fit and predict
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def pima_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "pima.skkeras"
    status = main(["fit", "pima", "--out", str(path), "--set", "max_iter=1", "--quiet"])
    assert status == 0
    return path


@pytest.fixture(scope="module")
def bank_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "bank.skkeras"
    argv = ["fit", "bank", "--out", str(path), "-q"]
    assert main([*argv, "--set", "max_iter=1", "hidden_layer_sizes=(4,)"]) == 0
    return path


def test_fit_saves_a_pipeline(pima_model, capsys):
    model = skkeras.load(pima_model)
    X, _ = get_task("pima").load()
    assert list(model.feature_names_in_) == list(X.columns)
    assert model.predict(X.head(3)).shape == (3,)


def test_fit_file_holds_no_pickle(bank_model):
    assert skkeras.get_untrusted_types(bank_model) == []
    with zipfile.ZipFile(bank_model) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(entries) == [
        "attributes.json",
        "manifest.json",
        "model.keras",
        "params.json",
        "pipeline.skops",
    ]
    with zipfile.ZipFile(io.BytesIO(entries["pipeline.skops"])) as skops_part:
        inner = {name: skops_part.read(name) for name in skops_part.namelist()}
    assert "schema.json" in inner
    for name, content in inner.items():
        assert name == "schema.json" or name.endswith(".npy")
        if name.endswith(".npy"):
            np.load(io.BytesIO(content), allow_pickle=False)
    for content in [*entries.values(), *inner.values()]:
        assert not content.startswith(b"\x80"), "a pickle stream"


def test_fit_shows_its_epochs_on_stderr(capsys, tmp_path):
    path = tmp_path / "gender.skkeras"
    status, _, err = run(capsys, "fit", "gender", "--out", str(path), "--set",
                         "max_iter=2")
    assert status == 0
    assert "[fit gender] 0/2 epochs" in err and "[fit gender] 2/2 epochs" in err
    saved = skkeras.load(path)
    assert saved[-1].callbacks is None  # the progress was for that fit only
    status, _, err = run(
        capsys, "fit", "gender", "--out", str(path), "--set", "max_iter=1", "-q"
    )
    assert err == ""


def test_fit_prints_where_it_saved(capsys, tmp_path):
    path = tmp_path / "gender.skkeras"
    status, out, _ = run(
        capsys, "fit", "gender", "--out", str(path), "--set", "max_iter=1"
    )
    assert status == 0 and path.exists()
    assert f"saved the gender model to {path}" in out and "training accuracy" in out
    assert "rows.csv needs the columns: weight, height, age" in out


@pytest.mark.parametrize("name", ["m.joblib", "m.pkl", "M.PICKLE"])
def test_fit_refuses_pickle_file_names(capsys, tmp_path, name):
    status, out, err = run(capsys, "fit", "pima", "--out", str(tmp_path / name))
    assert status == 2 and out == ""
    assert_one_line_error(err, "not pickles", "--out", ".skkeras")
    assert list(tmp_path.iterdir()) == []


def test_predict_csv_to_stdout_and_file(pima_model, capsys, tmp_path):
    X, _ = get_task("pima").load()
    rows = X.head(5).assign(id=range(5))  # an extra column is kept, unused
    csv = tmp_path / "rows.csv"
    rows.to_csv(csv, index=False)
    status, out, err = run(capsys, "predict", str(pima_model), "--csv", str(csv))
    assert status == 0
    assert "columns not used by the model: id" in err
    lines = out.strip().splitlines()
    assert len(lines) == 6
    assert lines[0].split(",")[-3:] == ["prediction", "proba_0", "proba_1"]
    out_csv = tmp_path / "pred.csv"
    status, out, _ = run(
        capsys,
        "predict",
        str(pima_model),
        "--csv",
        str(csv),
        "--out",
        str(out_csv),
        "-q",
    )
    assert status == 0 and out == ""
    predicted = pd.read_csv(out_csv)
    assert set(predicted["prediction"]) <= {0, 1}
    assert ((predicted["proba_0"] + predicted["proba_1"]).round(4) == 1).all()


def test_predict_bank_strings_from_csv(bank_model, capsys, tmp_path):
    """Categorical columns read back from a CSV go through the encoder."""
    X, _ = get_task("bank").load()
    csv = tmp_path / "bank.csv"
    X.sample(4, random_state=0).to_csv(csv, index=False)
    status, out, err = run(capsys, "predict", str(bank_model), "--csv", str(csv))
    assert status == 0 and "warning" not in err
    frame = pd.read_csv(io.StringIO(out))
    assert set(frame["prediction"]) <= {"no", "yes"} and "proba_yes" in frame
    expected = skkeras.load(bank_model).predict(X.sample(4, random_state=0))
    assert list(frame["prediction"]) == list(expected)


def test_predict_warns_of_unseen_categories(bank_model, capsys, tmp_path):
    X, _ = get_task("bank").load()
    rows = X.head(4).copy()
    rows.loc[rows.index[1], "job"] = "astronaut"
    rows.loc[rows.index[3], "job"] = "pirate"
    csv = tmp_path / "unseen.csv"
    rows.to_csv(csv, index=False)
    status, out, err = run(capsys, "predict", str(bank_model), "--csv", str(csv))
    assert status == 0 and len(out.strip().splitlines()) == 5
    assert "column 'job' has values the model never saw" in err
    assert "'astronaut', 'pirate' (rows 2, 4)" in err
    # Seen values only: no warning; -q: none either.
    X.head(4).to_csv(csv, index=False)
    _, _, err = run(capsys, "predict", str(bank_model), "--csv", str(csv))
    assert "never saw" not in err
    rows.to_csv(csv, index=False)
    assert run(capsys, "predict", str(bank_model), "--csv", str(csv), "-q")[2] == ""


@pytest.mark.parametrize("sep, shown", [(";", "semicolons"), ("\t", "tabs")])
def test_predict_other_separators_get_a_hint(pima_model, capsys, tmp_path, sep, shown):
    X, _ = get_task("pima").load()
    csv = tmp_path / "rows.csv"
    X.head(3).to_csv(csv, index=False, sep=sep)
    status, out, err = run(capsys, "predict", str(pima_model), "--csv", str(csv))
    assert status == 1 and out == ""
    assert_one_line_error(err, f"separated by {shown}, not commas", "--sep")
    for given in (sep, "\\t" if sep == "\t" else sep):
        status, out, _ = run(
            capsys, "predict", str(pima_model), "--csv", str(csv), "--sep", given
        )
        assert status == 0 and len(out.strip().splitlines()) == 4


@pytest.mark.parametrize(
    "value, needle",
    [("high", "row 2 (line 3) has 'high'"), ("", "row 2 (line 3) is empty")],
)
def test_predict_bad_value_names_column_and_row(
    pima_model, capsys, tmp_path, value, needle
):
    rows = get_task("pima").load()[0].head(3).astype(object)
    rows.loc[rows.index[1], "Glucose"] = value
    csv = tmp_path / "bad.csv"
    rows.to_csv(csv, index=False)
    status, _, err = run(capsys, "predict", str(pima_model), "--csv", str(csv))
    assert status == 1
    assert_one_line_error(err, f"column 'Glucose', {needle}", "needs a number")


def test_predict_missing_columns_names_them(pima_model, capsys, tmp_path):
    X, _ = get_task("pima").load()
    csv = tmp_path / "rows.csv"
    X.drop(columns=["Glucose", "BMI"]).head(3).to_csv(csv, index=False)
    status, out, err = run(capsys, "predict", str(pima_model), "--csv", str(csv))
    assert status == 1 and out == ""
    assert_one_line_error(
        err, "lacks the columns Glucose, BMI", "it needs: Pregnancies"
    )


@pytest.mark.parametrize(
    "make, needles",
    [
        (lambda d: (d / "nope.skkeras", d / "rows.csv"), ["no such model file"]),
        (lambda d: ("MODEL", d / "nope.csv"), ["no such CSV file"]),
        (lambda d: ("MODEL", d / "empty.csv"), ["has no rows to predict"]),
        (
            lambda d: (d / "old.joblib", d / "rows.csv"),
            ["is a pickle (joblib) file", "--out MODEL.skkeras"],
        ),
        (
            lambda d: (d / "old.bin", d / "rows.csv"),
            ["is a pickle (joblib) file"],
        ),
        (
            lambda d: (d / "rows.csv", d / "rows.csv"),
            ["'rows.csv' is not an skkeras model file", "skkeras fit TASK"],
        ),
        (
            lambda d: (d / "other.zip", d / "rows.csv"),
            ["cannot load the model", "it has no manifest.json"],
        ),
    ],
)
def test_predict_errors_are_one_line(
    pima_model, capsys, tmp_path, monkeypatch, make, needles
):
    monkeypatch.chdir(tmp_path)
    X, _ = get_task("pima").load()
    X.head(2).to_csv(tmp_path / "rows.csv", index=False)
    X.head(0).to_csv(tmp_path / "empty.csv", index=False)
    joblib.dump({"not": "a model"}, tmp_path / "old.joblib")
    joblib.dump({"not": "a model"}, tmp_path / "old.bin")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("data.txt", "not a model")
    model, csv = make(tmp_path)
    model = pima_model if model == "MODEL" else os.path.relpath(model, tmp_path)
    status, _, err = run(capsys, "predict", str(model), "--csv", str(csv))
    assert status == 1
    assert_one_line_error(err, *needles)


def test_predict_help_says_which_columns(capsys):
    status, out, _ = run(capsys, "predict", "--help")
    assert status == 0
    assert "feature columns" in out and "skkeras tasks TASK" in out
    assert "to_csv('rows.csv'" in out and "--sep" in out


def test_fit_into_missing_folder(capsys, tmp_path):
    status, _, err = run(
        capsys, "fit", "pima", "--out", str(tmp_path / "no" / "m.skkeras")
    )
    assert status == 1
    assert_one_line_error(err, "does not exist")


def test_python_dash_m(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "skkeras", "tasks", "gender"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert "gender: Gender from height, weight and age" in done.stdout
