"""Deep ensembles (skkeras.ensemble): averaging, spread, seeds, refusals."""

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

import skkeras
from skkeras import KerasClassifier, MLPClassifier, MLPRegressor
from skkeras.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor
from skkeras.model_selection import GridSearchCV

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 3))
Y_CLASS = np.array(["a", "b", "c", "a"] * 10)
Y_REG = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * RNG.normal(size=40)


def _clf(**params):
    return MLPClassifier((6,), max_iter=4, learning_rate_init=0.05, **params)


def _reg(**params):
    return MLPRegressor((6,), max_iter=4, learning_rate_init=0.05, **params)


@pytest.fixture(scope="module")
def classifier():
    return DeepEnsembleClassifier(_clf(), n_members=3, random_state=0).fit(X, Y_CLASS)


@pytest.fixture(scope="module")
def regressor():
    return DeepEnsembleRegressor(_reg(), n_members=3, random_state=0).fit(X, Y_REG)


def test_classifier_shapes_and_average(classifier):
    proba = classifier.predict_proba(X)
    assert proba.shape == (40, 3)
    assert len(classifier.estimators_) == 3
    members = np.stack([m.predict_proba(X) for m in classifier.estimators_])
    np.testing.assert_allclose(proba, members.mean(axis=0))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    pred = classifier.predict(X)
    assert pred.shape == (40,)
    np.testing.assert_array_equal(pred, classifier.classes_[proba.argmax(axis=1)])
    np.testing.assert_array_equal(classifier.classes_, ["a", "b", "c"])
    assert classifier.n_features_in_ == 3


def test_regressor_mean_and_std(regressor):
    members = regressor.predict_members(X)
    assert members.shape == (3, 40)
    mean, std = regressor.predict(X, return_std=True)
    np.testing.assert_allclose(mean, members.mean(axis=0))
    np.testing.assert_allclose(std, members.std(axis=0))
    np.testing.assert_allclose(regressor.predict(X), mean)
    assert (std > 0).all()  # members from different seeds disagree


def test_multioutput_regressor_shapes():
    Y = np.column_stack([Y_REG, -Y_REG])
    ens = DeepEnsembleRegressor(_reg(), n_members=2, random_state=0).fit(X, Y)
    mean, std = ens.predict(X[:5], return_std=True)
    assert mean.shape == std.shape == (5, 2)
    assert ens.predict_members(X[:5]).shape == (2, 5, 2)


def test_members_equal_solo_fits(classifier, regressor):
    for ens, est, target in ((classifier, _clf(), Y_CLASS), (regressor, _reg(), Y_REG)):
        seeds = [m.random_state for m in ens.estimators_]
        assert len(set(seeds)) == len(seeds)
        method = "predict_proba" if target is Y_CLASS else "predict"
        for member, seed in zip(ens.estimators_, seeds, strict=True):
            solo = clone(est).set_params(random_state=seed).fit(X, target)
            np.testing.assert_allclose(
                getattr(member, method)(X),
                getattr(solo, method)(X),
                rtol=1e-4,
                atol=1e-5,
            )


def test_members_trained_as_one_group_on_jax_only(classifier):
    report = classifier.grouping_
    if keras.backend.backend() == "jax":
        assert len(report["groups"]) == 1
        assert report["groups"][0]["vectorized"]
        assert sorted(report["groups"][0]["members"]) == [0, 1, 2]
    else:
        assert report["groups"] == []
        assert sorted(report["alone"]) == [0, 1, 2]


def test_group_never_trains_members_alone():
    with skkeras.config.config_context(group="never"):
        ens = DeepEnsembleRegressor(_reg(), n_members=2, random_state=0).fit(X, Y_REG)
    assert ens.grouping_["groups"] == []
    assert sorted(ens.grouping_["alone"]) == [0, 1]


def test_random_state_reproducible_and_seeds_differ():
    a = DeepEnsembleRegressor(_reg(), n_members=2, random_state=1).fit(X, Y_REG)
    b = DeepEnsembleRegressor(_reg(), n_members=2, random_state=1).fit(X, Y_REG)
    c = DeepEnsembleRegressor(_reg(), n_members=2, random_state=2).fit(X, Y_REG)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert not np.allclose(a.predict(X), c.predict(X))


def test_bootstrap_differs_from_no_bootstrap(regressor):
    boot = DeepEnsembleRegressor(
        _reg(), n_members=3, bootstrap=True, random_state=0
    ).fit(X, Y_REG)
    # Same seeds (drawn first), different rows: different members.
    assert [m.random_state for m in boot.estimators_] == [
        m.random_state for m in regressor.estimators_
    ]
    assert not np.allclose(boot.predict_members(X), regressor.predict_members(X))


def test_bootstrap_members_equal_weighted_solo_fits():
    # Bootstrap is sample weights: member i is the solo fit on the row counts.
    ens = DeepEnsembleRegressor(
        _reg(), n_members=2, bootstrap=True, random_state=3
    ).fit(X, Y_REG)
    rng = np.random.RandomState(3)
    seeds = rng.randint(0, 2**31 - 1, size=2)
    for member, seed in zip(ens.estimators_, seeds, strict=True):
        counts = rng.multinomial(40, np.full(40, 1 / 40))
        solo = _reg(random_state=int(seed)).fit(X, Y_REG, sample_weight=counts)
        np.testing.assert_allclose(
            member.predict(X), solo.predict(X), rtol=1e-4, atol=1e-5
        )


def test_keras_classifier_members():
    def build(meta):
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(4, activation="relu"),
                keras.layers.Dense(meta["n_outputs_expected_"], activation="softmax"),
            ]
        )

    est = KerasClassifier(build, epochs=2, optimizer="adam")
    ens = DeepEnsembleClassifier(est, n_members=2, random_state=0).fit(X, Y_CLASS)
    assert ens.predict_proba(X).shape == (40, 3)
    assert all(isinstance(m, KerasClassifier) for m in ens.estimators_)


def test_params_clone_and_nested():
    ens = DeepEnsembleClassifier(_clf(alpha=0.1), n_members=2)
    params = ens.get_params()
    assert params["estimator__alpha"] == 0.1
    assert params["n_members"] == 2
    ens.set_params(estimator__alpha=0.5, n_members=4)
    assert ens.estimator.alpha == 0.5 and ens.n_members == 4
    twin = clone(ens)
    assert twin.estimator is not ens.estimator
    assert twin.get_params()["estimator__alpha"] == 0.5


def test_grid_search_over_members_and_alpha():
    search = GridSearchCV(
        DeepEnsembleClassifier(_clf(), random_state=0),
        {"n_members": [1, 2], "estimator__alpha": [1e-4, 1e-1]},
        cv=2,
    ).fit(X, Y_CLASS)
    assert len(search.cv_results_["params"]) == 4
    assert set(search.best_params_) == {"n_members", "estimator__alpha"}
    assert len(search.best_estimator_.estimators_) == search.best_params_["n_members"]


@pytest.mark.parametrize(
    "make, message, error",
    [
        (
            lambda: DeepEnsembleClassifier(LogisticRegression()),
            "BaggingClassifier",
            TypeError,
        ),
        (lambda: DeepEnsembleClassifier(_reg()), "DeepEnsembleRegressor", ValueError),
        (lambda: DeepEnsembleRegressor(_clf()), "DeepEnsembleClassifier", ValueError),
        (lambda: DeepEnsembleClassifier(_clf(), n_members=0), "n_members", ValueError),
        (
            lambda: DeepEnsembleClassifier(_clf(), bootstrap="yes"),
            "bootstrap",
            ValueError,
        ),
    ],
)
def test_refuses_bad_parameters(make, message, error):
    with pytest.raises(error, match=message):
        make().fit(X, Y_CLASS)


def test_valid_parameters_accepted():
    ens = DeepEnsembleClassifier(_clf(), n_members=1, bootstrap=True, random_state=None)
    assert len(ens.fit(X, Y_CLASS).estimators_) == 1


def test_unfitted_refused():
    with pytest.raises(NotFittedError):
        DeepEnsembleClassifier(_clf()).predict_proba(X)
    with pytest.raises(NotFittedError):
        DeepEnsembleRegressor(_reg()).predict(X, return_std=True)


def test_estimator_itself_is_not_fitted(classifier):
    assert not hasattr(classifier.estimator, "model_")


def test_save_refused_with_clear_error(classifier, tmp_path):
    with pytest.raises(TypeError, match="save each of its estimators_"):
        skkeras.save(classifier, tmp_path / "ens.skkeras")
    # What the message advises works.
    path = tmp_path / "member.skkeras"
    skkeras.save(classifier.estimators_[0], path)
    np.testing.assert_allclose(
        skkeras.load(path).predict_proba(X), classifier.estimators_[0].predict_proba(X)
    )
