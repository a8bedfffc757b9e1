"""Tests for ``skkeras cv`` (skkeras/_cli/commands/cv.py)."""

import re

import joblib
from cli_helpers import TINY, run


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


def test_cv_bank_leaves_duration_out_unless_asked(capsys):
    status, out, err = run(capsys, "cv", "bank", *TINY, "-q")
    assert status == 0 and "baseline" in out
    status, _, err = run(capsys, "cv", "bank", *TINY, "--set", "keep_duration=true")
    assert status == 0
    assert "4521 samples x 16 features" in err and "keep_duration=True" in err
    status, _, err = run(capsys, "cv", "bank", *TINY)
    assert "4521 samples x 15 features" in err


def test_cv_bank_on_the_data_frame(capsys):
    status, out, err = run(capsys, "cv", "bank", *TINY, "--set", "frame=true")
    assert status == 0 and "mean ± std" in out
    assert "model: the data frame as it is -> MLPClassifier(" in err
    assert "frame=True" in err
