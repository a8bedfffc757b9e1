"""Helpers of the command-line tests (tests/test_cli*.py), which run
``skkeras._cli.main(argv)`` in the test process.

Runs use tiny settings (2 folds, 1-2 epochs, small layers) so that the files
stay quick; the accuracy of the full recipes is measured outside the tests.
"""

from skkeras._cli import main

TINY = ["--folds", "2", "--set", "max_iter=1", "hidden_layer_sizes=(4,)"]


def run(capsys, *argv):
    """``main(argv)``'s exit status, stdout and stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err, *needles):
    """``err`` is one ``skkeras: error:`` line holding each of ``needles``."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("skkeras: error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


def fit_model_file(folder, task, *options):
    """Train ``task`` quietly with ``skkeras fit``; the model file's path."""
    path = folder / f"{task}.skkeras"
    assert main(["fit", task, "--out", str(path), "-q", *options]) == 0
    return path
