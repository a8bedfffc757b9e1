"""coefs_, intercepts_, loss_ and predict_log_proba of the MLPs
(skkeras._mlp_attributes)."""

import pickle
import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, softmax
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from skkeras import MLPClassifier, MLPRegressor, load, save

ACT = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "logistic": expit}
OUT = {"softmax": lambda z: softmax(z, axis=1), "logistic": expit}
OUT["identity"] = lambda z: z


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def _forward(est, X):
    """scikit-learn's forward pass, from coefs_ and intercepts_ alone."""
    a = X
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_)):
        z = a @ W + b
        last = i == len(est.coefs_) - 1
        a = OUT[est.out_activation_](z) if last else ACT[est.activation](z)
    return a


def _output(est, X):
    if hasattr(est, "classes_"):
        proba = est.predict_proba(X)
        return proba[:, 1:] if est.out_activation_ == "logistic" else proba
    return est.predict(X).reshape(len(X), -1)


def _check_consistent(est, X):
    assert len(est.coefs_) == len(est.intercepts_) == est.n_layers_ - 1
    widths = [X.shape[1], *est.hidden_layer_sizes, est.coefs_[-1].shape[1]]
    for W, b, n_in, n_out in zip(est.coefs_, est.intercepts_, widths, widths[1:]):
        assert W.shape == (n_in, n_out) and b.shape == (n_out,)
    assert_allclose(_forward(est, X), _output(est, X), rtol=1e-5, atol=1e-6)


def _small(cls, **kw):
    return cls(hidden_layer_sizes=(5, 3), max_iter=5, random_state=0, **kw)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "cls, target, activation",
    [
        (MLPClassifier, "multiclass", "relu"),
        (MLPClassifier, "binary", "tanh"),
        (MLPRegressor, "continuous", "logistic"),
    ],
)
def test_weights_give_the_predictions(iris, tmp_path, cls, target, activation):
    X, y = iris
    if target == "binary":
        y = y == 2
    elif target == "continuous":
        y = X[:, 0] + y
    est = _small(cls, activation=activation, warm_start=True).fit(X, y)
    expected = {"multiclass": "softmax", "binary": "logistic"}
    assert est.out_activation_ == expected.get(target, "identity")
    _check_consistent(est, X)
    first = [W.copy() for W in est.coefs_]
    est.partial_fit(X, y)  # derived on access: they follow the network
    assert not np.array_equal(first[0], est.coefs_[0])
    _check_consistent(est, X)
    est.fit(X, y)  # warm start
    _check_consistent(est, X)
    save(est, tmp_path / "mlp.skkeras")
    loaded = load(tmp_path / "mlp.skkeras")
    for a, b in zip(loaded.coefs_ + loaded.intercepts_, est.coefs_ + est.intercepts_):
        assert_allclose(a, b)
    assert loaded.loss_ == est.loss_
    _check_consistent(loaded, X)
    copied = pickle.loads(pickle.dumps(est))
    assert_allclose(copied.coefs_[0], est.coefs_[0])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_loss_is_the_last_epochs_loss(iris):
    X, y = iris
    clf = _small(MLPClassifier)
    assert not hasattr(clf, "coefs_") and not hasattr(clf, "intercepts_")
    clf.fit(X, y)
    assert clf.loss_ == clf.loss_curve_[-1] and np.isfinite(clf.loss_)
    assert MLPClassifier().initialize(X, y).loss_ is None


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_predict_log_proba_is_the_log_of_predict_proba(iris):
    X, y = iris
    for target in (y, y == 1):
        clf = _small(MLPClassifier).fit(X, target)
        log_proba = clf.predict_log_proba(X)
        assert log_proba.shape == (len(X), clf.classes_.size)
        assert_allclose(log_proba, np.log(clf.predict_proba(X)))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_assignments_reach_the_network(iris):
    X, y = iris
    clf = _small(MLPClassifier).fit(X, y)
    zeros = np.zeros_like(clf.coefs_[-1])
    clf.coefs_[-1] = zeros  # one layer
    assert_allclose(clf.coefs_[-1], zeros)
    assert_allclose(clf.predict_proba(X), softmax(clf.intercepts_[-1]) + 0 * X[:, :3])
    doubled = [2 * b for b in clf.intercepts_]
    clf.intercepts_ = doubled  # every layer
    for b, expected in zip(clf.intercepts_, doubled):
        assert_allclose(b, expected, rtol=1e-6)
    _check_consistent(clf, X)
    # What could not reach the network is refused, not ignored.
    with pytest.raises(ValueError, match="read-only"):
        clf.coefs_[0][0, 0] = 1.0
    with pytest.raises(ValueError, match=r"must have the shape \(4, 5\)"):
        clf.coefs_[0] = np.zeros((5, 4))
    with pytest.raises(ValueError, match="needs 3 arrays"):
        clf.coefs_ = clf.coefs_[:2]
    with pytest.raises(TypeError, match="length cannot change"):
        clf.coefs_.append(np.zeros(3))
    with pytest.raises(ValueError, match="NaN or infinite"):
        clf.intercepts_[0] = np.full(5, np.nan)


def test_weights_assigned_before_partial_fit_start_it():
    # scikit-learn's test_fit: a worked example of one SGD step from given
    # weights (logistic units, alpha=0.1, learning rate 0.1).
    X = np.array([[0.6, 0.8, 0.7]])
    mlp = MLPClassifier(
        solver="sgd",
        learning_rate_init=0.1,
        alpha=0.1,
        activation="logistic",
        random_state=1,
        max_iter=1,
        hidden_layer_sizes=2,
        momentum=0,
    )
    mlp.coefs_ = [0] * 2
    mlp.intercepts_ = [0] * 2
    mlp.coefs_[0] = np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0]])
    mlp.coefs_[1] = np.array([[0.1], [0.2]])
    mlp.intercepts_[0] = np.array([0.1, 0.1])
    mlp.intercepts_[1] = np.array([1.0])
    mlp.partial_fit(X, [0], classes=[0, 1])
    assert_allclose(
        mlp.coefs_[0],
        [[0.098, 0.195756], [0.2956664, 0.096008], [0.4939998, -0.002244]],
        atol=1e-3,
    )
    assert_allclose(mlp.coefs_[1], [[0.04706], [0.154089]], atol=1e-3)
    assert_allclose(mlp.intercepts_[0], [0.098333, 0.09626], atol=1e-3)
    assert_allclose(mlp.intercepts_[1], [0.9235], atol=1e-3)
    assert_allclose(mlp.predict_proba(X)[0, 1], 0.739, atol=1e-3)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_weights_assigned_before_a_cold_fit_are_not_used(iris):
    X, y = iris
    reference = _small(MLPClassifier).fit(X, y)
    clf = _small(MLPClassifier)
    clf.coefs_ = [np.zeros_like(W) for W in reference.coefs_]
    clf.intercepts_ = [np.zeros_like(b) for b in reference.intercepts_]
    clf.fit(X, y)  # warm_start=False: new weights, as scikit-learn
    assert_allclose(clf.coefs_[0], reference.coefs_[0])


def test_gallery_example_plotting_coefs_runs(monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda: None)
    script = Path(__file__).parents[1] / "examples" / "plot_mnist_filters.py"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        namespace = runpy.run_path(str(script), run_name="__main__")
    plt.close("all")
    out = capsys.readouterr().out
    assert out.count("Iteration ") == namespace["mlp"].n_iter_ == 8
    assert float(out.split("Test set score: ")[1].split()[0]) > 0.8
    assert namespace["mlp"].coefs_[0].shape == (64, 40)
