"""Tests for ``skkeras fit`` (skkeras/_cli/commands/fit.py)."""

import io
import zipfile

import numpy as np
import pytest
from cli_helpers import assert_one_line_error, fit_model_file, run

import skkeras
from skkeras.tasks import get_task


def test_fit_saves_a_pipeline(tmp_path):
    pima_model = fit_model_file(tmp_path, "pima", "--set", "max_iter=1")
    model = skkeras.load(pima_model)
    X, _ = get_task("pima").load()
    assert list(model.feature_names_in_) == list(X.columns)
    assert model.predict(X.head(3)).shape == (3,)


def test_fit_file_holds_no_pickle(tmp_path):
    options = ["--set", "max_iter=1", "hidden_layer_sizes=(4,)"]
    bank_model = fit_model_file(tmp_path, "bank", *options)
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
    status, _, err = run(
        capsys, "fit", "gender", "--out", str(path), "--set", "max_iter=2"
    )
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


def test_fit_into_missing_folder(capsys, tmp_path):
    status, _, err = run(
        capsys, "fit", "pima", "--out", str(tmp_path / "no" / "m.skkeras")
    )
    assert status == 1
    assert_one_line_error(err, "does not exist")
