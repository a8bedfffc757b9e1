"""Tests for what the commands print besides their results
(skkeras/_cli/output.py): the warnings collected into one line each.
"""

from cli_helpers import TINY, run


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
