"""Tests for the ``skkeras`` command line's entry point, :func:`skkeras._cli.main`:
help, usage errors, the one-line errors and ``python -m skkeras``.
"""

import subprocess
import sys

import pytest
from cli_helpers import TINY, assert_one_line_error, run


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


def test_cv_bad_value_is_one_line(capsys):
    status, _, err = run(capsys, "cv", "iris", *TINY, "--set", "solver=foo", "--quiet")
    assert status == 1
    assert_one_line_error(err, "solver", "foo")


def test_python_dash_m(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "skkeras", "tasks", "gender"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0
    assert "gender: Gender from height, weight and age" in done.stdout


def test_parsing_leaves_keras_and_the_estimators_unimported():
    """``--help`` and the usage errors stay quick: neither importing the
    command line nor parsing its arguments starts Keras or the estimators."""
    code = """
import sys
from skkeras._cli import main
assert main(["cv", "--help"]) == 0
assert main(["cv", "pima", "--folds", "1"]) == 2
heavy = {"keras", "tensorflow", "jax", "torch"}
heavy |= {"skkeras._base", "skkeras._mlp", "skkeras._wrappers", "skkeras._saving"}
print(sorted(heavy & set(sys.modules)))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
