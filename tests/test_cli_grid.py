"""Tests for ``skkeras grid`` (skkeras/_cli/commands/grid.py)."""

from cli_helpers import TINY, assert_one_line_error, run


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


def test_counts_are_singular_or_plural(capsys):
    status, out, err = run(capsys, "grid", "gender", *TINY, "--param", "max_iter=[1]")
    assert status == 0
    assert "gender: 1 candidate x 2-fold" in out
    assert "grid: 1 candidate (max_iter [1])" in err
    assert "2 fits + 1 refit" in err and "[grid gender] 1/1 candidate," in err
    assert "candidates" not in out + err


def test_halving_continues_the_survivors_over_max_iter(capsys):
    status, out, err = run(
        capsys,
        "grid",
        "iris",
        "--halving",
        "--factor",
        "2",
        "--folds",
        "2",
        "--set",
        "hidden_layer_sizes=(4,)",
        "--param",
        "max_iter=[1,4]",
        "learning_rate_init=[0.01,0.1]",
        "batch_size=[16]",
    )
    assert status == 0
    # The grid's max_iter values give the largest number of epochs.
    assert "grid: 2 candidates (learning_rate_init" in err
    assert "halving: max_iter from as many as the rungs allow up to 4" in err
    assert "rung 1: max_iter=2, 2 candidates, 8 epochs trained" in out
    assert "rung 2: max_iter=4, 1 candidate, 4 epochs trained (2 fits continued" in out
    assert "best: accuracy" in out and "max_iter=4" in out


def test_halving_options_are_checked(capsys):
    status, _, err = run(capsys, "grid", "iris", "--factor", "2")
    assert status == 2
    assert_one_line_error(err, "--factor need --halving")
    status, _, err = run(capsys, "grid", "iris", "--halving", "--factor", "1")
    assert status == 2
    assert_one_line_error(err, "--factor", "expected a number above 1")
    # Without max_iter in the grid, the network's own max_iter is the largest.
    status, _, err = run(
        capsys,
        "grid",
        "iris",
        "--halving",
        "--min-resources",
        "500",
        *TINY,
        "--param",
        "learning_rate_init=[0.1]",
    )
    assert status == 2
    assert_one_line_error(err, "--min-resources 500 is above the largest max_iter, 1")
