"""Tests for ``cross_validate(..., progress=...)`` (skkeras._cv_progress)."""

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.model_selection import cross_validate as sk_cross_validate

from skkeras import MLPClassifier
from skkeras.model_selection import CVProgress, cross_validate

X, Y = make_classification(n_samples=60, n_features=4, random_state=0)
CV = StratifiedKFold(3, shuffle=True, random_state=0)


class FailsOnFold(ClassifierMixin, BaseEstimator):
    """Predicts the majority class; fails to fit on data holding ``bad_row``."""

    def __init__(self, bad_rows=()):
        self.bad_rows = bad_rows

    def fit(self, X, y):
        if any(any(np.array_equal(row, bad) for bad in self.bad_rows) for row in X):
            raise ValueError("this fold is bad")
        self.classes_ = np.unique(y)
        self.majority_ = np.bincount(y).argmax()
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


def test_progress_reports_every_fold_and_keeps_the_result():
    seen = []
    kwargs = dict(
        cv=CV,
        scoring=["accuracy"],
        return_estimator=True,
        return_indices=True,
        return_train_score=True,
    )
    result = cross_validate(
        MLPClassifier((4,), max_iter=2, random_state=0),
        X,
        Y,
        progress=seen.append,
        **kwargs,
    )
    assert seen == [
        CVProgress(0, 3),
        CVProgress(1, 3),
        CVProgress(2, 3),
        CVProgress(3, 3),
    ]
    plain = sk_cross_validate(
        MLPClassifier((4,), max_iter=2, random_state=0), X, Y, **kwargs
    )
    assert set(result) == set(plain)
    np.testing.assert_allclose(result["test_accuracy"], plain["test_accuracy"])
    np.testing.assert_allclose(result["train_accuracy"], plain["train_accuracy"])
    assert len(result["estimator"]) == 3
    for part in ("train", "test"):
        for ours, theirs in zip(
            result["indices"][part], plain["indices"][part], strict=True
        ):
            np.testing.assert_array_equal(ours, theirs)


def test_progress_in_parallel_puts_folds_back_in_order():
    seen = []
    with joblib.parallel_config(backend="threading"):
        result = cross_validate(
            FailsOnFold(),
            X,
            Y,
            cv=CV,
            n_jobs=2,
            return_indices=True,
            progress=seen.append,
        )
    assert [s.done for s in seen] == [0, 1, 2, 3] and seen[-1].total == 3
    for i, (_, test) in enumerate(CV.split(X, Y)):
        np.testing.assert_array_equal(result["indices"]["test"][i], test)
    assert result["test_score"].shape == (3,)


def test_a_failed_fold_scores_error_score_with_a_warning():
    _, test = next(iter(CV.split(X, Y)))
    bad = FailsOnFold(bad_rows=[X[(set(range(60)) - set(test)).pop()]])
    # The bad row is in the training part of every fold but the one that tests it.
    with pytest.warns(FitFailedWarning, match="folds failed to fit"):
        result = cross_validate(
            bad, X, Y, cv=CV, progress=lambda s: None, error_score=-1.0
        )
    assert (result["test_score"] == -1.0).sum() == 2
    plain_bad = FailsOnFold(bad_rows=list(X))  # every fold fails
    with pytest.raises(ValueError, match="all 3 folds failed to fit"):
        cross_validate(plain_bad, X, Y, cv=CV, progress=lambda s: None)
    with pytest.raises(ValueError, match="this fold is bad"):
        cross_validate(
            plain_bad, X, Y, cv=CV, progress=lambda s: None, error_score="raise"
        )


def test_without_progress_nothing_changes():
    result = cross_validate(FailsOnFold(), X, Y, cv=CV)
    np.testing.assert_allclose(
        result["test_score"],
        sk_cross_validate(FailsOnFold(), X, Y, cv=CV)["test_score"],
    )
