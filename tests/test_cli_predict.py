"""Tests for ``skkeras predict`` (skkeras/_cli/commands/predict.py, with
the CSV input, model file and model columns it reads).
"""

import io
import os
import zipfile

import joblib
import pandas as pd
import pytest
from cli_helpers import assert_one_line_error, fit_model_file, run

import skkeras
from skkeras.tasks import get_task


@pytest.fixture(scope="module")
def pima_model(tmp_path_factory):
    return fit_model_file(
        tmp_path_factory.mktemp("models"), "pima", "--set", "max_iter=1"
    )


@pytest.fixture(scope="module")
def bank_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    return fit_model_file(
        folder, "bank", "--set", "max_iter=1", "hidden_layer_sizes=(4,)"
    )


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
