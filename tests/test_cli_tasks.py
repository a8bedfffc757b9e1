"""Tests for ``skkeras tasks`` (skkeras/_cli/commands/tasks.py)."""

from cli_helpers import run


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
