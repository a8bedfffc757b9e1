"""Tests for the jobs that ``--n-jobs`` gives (skkeras/_cli/jobs.py)."""

import joblib
from cli_helpers import TINY, run


def test_n_jobs_runs_serially_on_two_cores(capsys, monkeypatch):
    monkeypatch.setattr(joblib, "cpu_count", lambda *a, **k: 2)
    status, out, err = run(capsys, "cv", "gender", *TINY, "--n-jobs", "2")
    assert status == 0 and "(n_jobs=1)" in out
    assert "running serially: on 2 cores, 2 workers are slower" in err
    assert "starting" not in err
    status, out, err = run(
        capsys, "grid", "gender", *TINY, "--n-jobs", "-1", "--param", "max_iter=[1]"
    )
    assert status == 0 and "(n_jobs=1)" in out
    assert "running serially" in err
