"""benchmarks/ensembles.py: the baselines it reports, from a run's raw results.

These tests build the results of a run by hand (and fit one tiny ensemble
for the members' spread); they never run the benchmark itself.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from skkeras import MLPClassifier, MLPRegressor
from skkeras.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

REPO = Path(__file__).resolve().parent.parent


def _load_benchmark():
    path = REPO / "benchmarks" / "ensembles.py"
    spec = importlib.util.spec_from_file_location("ensembles_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


def _result(member_scores, one=(0.5, 0.6), ensemble=(0.7, 0.8)):
    """A child's result: ``member_scores[fold][member]`` accuracies."""
    folds = len(member_scores)
    return {
        "task": "t",
        "backend": "b",
        "folds": folds,
        "members": len(member_scores[0]),
        "bootstrap": False,
        "rows": 10,
        "grouping_last_fold": {
            "groups": [{"members": [0, 1], "vectorized": True}],
            "alone": 0,
        },
        "results": {
            "one": {
                "fit_s": [2.0] + [1.0] * (folds - 1),
                "scores": [{"accuracy": one[f % 2]} for f in range(folds)],
            },
            "ensemble": {
                "fit_s": [3.0] + [1.5] * (folds - 1),
                "scores": [{"accuracy": ensemble[f % 2]} for f in range(folds)],
            },
            "members": {
                "fit_s": [],
                "scores": [[{"accuracy": a} for a in fold] for fold in member_scores],
                "spread": [0.1, 0.3][:folds],
            },
        },
    }


def test_members_are_averaged_over_the_folds_before_min_and_max():
    # Member 0 is best on fold 0, member 1 on fold 1: over the folds they
    # average 0.6 and 0.7; a min over every (fold, member) would give 0.4.
    result = _result([[0.8, 0.4], [0.4, 1.0]])
    members = bench._summary(result)["members"]
    assert members["per_member"]["accuracy"] == pytest.approx([0.6, 0.7])
    assert members["metrics"]["accuracy"] == pytest.approx(0.65)
    assert members["min"]["accuracy"] == pytest.approx(0.6)
    assert members["max"]["accuracy"] == pytest.approx(0.7)
    assert members["spread"] == pytest.approx(0.2)


def test_the_table_shows_seed_0_the_members_and_the_ensemble():
    result = _result([[0.8, 0.4], [0.4, 1.0]])
    row = bench._render([result], "header").splitlines()[-1]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4] == "accuracy 0.5500"  # one, seed 0
    assert cells[5] == "accuracy 0.6500 [0.6000, 0.7000]"  # members alone
    assert cells[6] == "0.2000"  # members' spread
    assert cells[7] == "accuracy 0.7500"  # ensemble
    assert "(1.50x)" in cells[9]  # folds after the first: 1.5 s over 1 s


@pytest.mark.parametrize(
    "ensemble",
    [
        DeepEnsembleClassifier(
            MLPClassifier((4,), max_iter=3), n_members=3, random_state=0
        ),
        DeepEnsembleRegressor(
            MLPRegressor((4,), max_iter=3), n_members=3, random_state=0
        ),
    ],
)
def test_spread_is_the_members_standard_deviation(ensemble):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(24, 3))
    y = (X[:, 0] > 0).astype(int) if hasattr(ensemble, "predict_proba") else X[:, 0]
    ensemble.fit(X, y)
    if hasattr(ensemble, "predict_proba"):
        each = np.stack([m.predict_proba(X) for m in ensemble.estimators_])
    else:
        each = np.stack([m.predict(X) for m in ensemble.estimators_])
    spread = bench._spread(ensemble, X)
    assert spread == pytest.approx(each.std(axis=0).mean())
    assert spread > 0  # members of different seeds differ
    # Identical members have none.
    ensemble.estimators_ = [ensemble.estimators_[0]] * 3
    assert bench._spread(ensemble, X) == pytest.approx(0.0, abs=1e-12)


def test_bootstrap_option_is_checked():
    with pytest.raises(SystemExit):
        bench.main(["--bootstrap", "sometimes", "--tasks", "none"])


def test_a_run_saved_before_members_were_kept_per_fold_still_renders():
    result = _result([[0.8, 0.4], [0.4, 1.0]])
    members = result["results"]["members"]
    members["scores"] = [m for fold in members["scores"] for m in fold]
    del members["spread"]
    summary = bench._summary(result)["members"]
    assert summary["per_member"]["accuracy"] == pytest.approx([0.6, 0.7])
    assert np.isnan(summary["spread"])
