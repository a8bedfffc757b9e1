"""Deep ensembles: several networks of one recipe, from different seeds, averaged.

:class:`DeepEnsembleClassifier` and :class:`DeepEnsembleRegressor` fit
``n_members`` copies of an skkeras estimator that differ in their
``random_state`` (and, with ``bootstrap=True``, in bootstrap sample
weights), and average them: the classifier averages the members'
probabilities, the regressor their predictions and reports their spread
(``predict(X, return_std=True)``), the uncertainty of Lakshminarayanan et
al. (2017), "Simple and scalable predictive uncertainty estimation using
deep ensembles".

Training goes through the engine's many-fit path, the one the searches of
:mod:`skkeras.model_selection` use (:func:`skkeras._engine.batch.train_many`):
the members share an architecture, so on the JAX backend they train as one
vectorized program (on the CPU too, where the searches vectorize only fits
that share a run: an ensemble's members train for the same epochs on the
same rows, which is the case where a vectorized step pays); on TensorFlow
they train one after another through the compiled engine, which traces the
shared architecture once.  Each member ends as it would fitted alone with
its seed, up to floating-point reassociation.
"""

import copy
from numbers import Integral

import keras
import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import check_is_fitted

from ._base import BaseKerasEstimator
from ._config import config_context, get_config
from ._engine import batch as engine_batch
from ._one_fit import one_fit_at_a_time
from ._seeding import MAX_SEED
from ._sklearn_compat import Interval, check_sample_weight, validate_params


def _members_vectorized():
    """A context in which :func:`train_many` vectorizes the members.

    On JAX with the configuration's ``group`` left at ``"auto"``, the CPU
    too; ``"never"`` (and any other backend) is kept.
    """
    if keras.backend.backend() == "jax" and get_config().group == "auto":
        return config_context(group="always")
    return config_context()


class _DeepEnsemble(MetaEstimatorMixin, BaseEstimator):
    """What the classifier and the regressor share; not for direct use."""

    _parameter_constraints = {
        "estimator": [BaseKerasEstimator],
        "n_members": [Interval(Integral, 1, None, closed="left")],
        "bootstrap": ["boolean"],
        "random_state": ["random_state"],
    }
    # "classifier" or "regressor": the kind of estimator it ensembles.
    _kind = None

    def __init__(self, estimator, *, n_members=5, bootstrap=False, random_state=None):
        self.estimator = estimator
        self.n_members = n_members
        self.bootstrap = bootstrap
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags = copy.deepcopy(inner.input_tags)
        tags.target_tags = copy.deepcopy(inner.target_tags)
        tags.non_deterministic = inner.non_deterministic
        if tags.classifier_tags is not None and inner.classifier_tags is not None:
            tags.classifier_tags = copy.deepcopy(inner.classifier_tags)
        if tags.regressor_tags is not None and inner.regressor_tags is not None:
            tags.regressor_tags = copy.deepcopy(inner.regressor_tags)
        return tags

    def _check_estimator(self):
        name = type(self).__name__
        est = self.estimator
        if not isinstance(est, BaseKerasEstimator):
            other = (
                "BaggingClassifier"
                if self._kind == "classifier"
                else "BaggingRegressor"
            )
            raise TypeError(
                f"{name} ensembles skkeras estimators (MLPClassifier, "
                "MLPRegressor, KerasClassifier, KerasRegressor); got "
                f"{type(est).__module__}.{type(est).__qualname__}. For other "
                f"estimators use sklearn.ensemble.{other}; for a Pipeline, put "
                f"the {name} as its last step."
            )
        right = is_classifier(est) if self._kind == "classifier" else is_regressor(est)
        if not right:
            other = (
                "DeepEnsembleRegressor"
                if self._kind == "classifier"
                else "DeepEnsembleClassifier"
            )
            raise ValueError(
                f"{name} ensembles a {self._kind}; got {type(est).__name__}, "
                f"which is not one. Use {other} for it."
            )

    def _member_inputs(self, X, sample_weight):
        """``(seeds, sample weights)`` of the members, drawn from
        ``random_state``: bootstrap weights (each row's count in a draw of
        ``n_samples`` rows with replacement) times ``sample_weight``."""
        rng = check_random_state(self.random_state)
        seeds = [int(s) for s in rng.randint(0, MAX_SEED, size=self.n_members)]
        if not self.bootstrap:
            return seeds, [sample_weight] * self.n_members
        n = len(X) if not hasattr(X, "shape") else X.shape[0]
        base = None if sample_weight is None else check_sample_weight(sample_weight, X)
        weights = []
        for _ in seeds:
            counts = rng.multinomial(n, np.full(n, 1.0 / n)).astype(np.float64)
            weights.append(counts if base is None else counts * base)
        return seeds, weights

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit ``n_members`` clones of ``estimator`` with different seeds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, as ``estimator`` takes it (each member validates it).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, given to every member (multiplied by the
            bootstrap weights when ``bootstrap=True``).
        **fit_params : dict
            Keyword arguments of the members' ``fit``; callbacks are copied
            for each member.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        self._check_estimator()
        validate_params(self)
        with one_fit_at_a_time(self):
            return self._fit_members(X, y, sample_weight, fit_params)

    def _fit_members(self, X, y, sample_weight, fit_params):
        seeds, weights = self._member_inputs(X, sample_weight)
        members = [
            clone(self.estimator).set_params(random_state=seed) for seed in seeds
        ]
        plans = [
            member._prepare_fit(X, y, weight, copy.deepcopy(fit_params))
            for member, weight in zip(members, weights, strict=True)
        ]
        with _members_vectorized():
            histories, report = engine_batch.train_many(
                [plan.train_call for plan in plans]
            )
        for i, (member, plan) in enumerate(zip(members, plans, strict=True)):
            if histories[i] is None:
                # Training raised (reported in grouping_["failed"]): fit
                # a fresh clone on its own, which raises if it fails again.
                members[i] = clone(member).fit(
                    X, y, weights[i], **copy.deepcopy(fit_params)
                )
            else:
                member._finish_fit(plan, histories[i])
        self.estimators_ = members
        self.grouping_ = report
        first = members[0]
        self.n_features_in_ = first.n_features_in_
        if hasattr(first, "feature_names_in_"):
            self.feature_names_in_ = first.feature_names_in_
        return self


class DeepEnsembleClassifier(ClassifierMixin, _DeepEnsemble):
    """A deep ensemble of skkeras classifiers: members' probabilities averaged.

    Fits ``n_members`` clones of ``estimator``, each with its own seed
    (drawn from ``random_state``) and, with ``bootstrap=True``, its own
    bootstrap sample weights; :meth:`predict_proba` averages the members'
    probabilities and :meth:`predict` takes the most probable class of the
    average.  On the JAX backend the members train as one vectorized
    program; on TensorFlow, one after another through the compiled engine.

    Parameters
    ----------
    estimator : skkeras classifier
        The recipe of every member (:class:`~skkeras.MLPClassifier`,
        :class:`~skkeras.KerasClassifier`); cloned, never fitted itself.
        Its ``random_state`` is replaced by each member's seed.
    n_members : int, default=5
        Number of members.
    bootstrap : bool, default=False
        Whether each member trains on a bootstrap resample of the rows,
        given as sample weights (each row weighted by the number of times a
        draw of ``n_samples`` rows with replacement picks it, times
        ``sample_weight``), so that every member sees every class and the
        members still train as one group.  False: the members differ only
        in their seeds (initial weights, shuffling, dropout), as in
        Lakshminarayanan et al. (2017).
    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds and bootstrap weights.  An int gives the
        same ensemble at every fit.

    Attributes
    ----------
    estimators_ : list of skkeras classifiers
        The fitted members; ``estimators_[i].random_state`` is member
        ``i``'s seed (``clone(estimator).set_params(random_state=seed)``
        fitted alone trains the same network).
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
    grouping_ : dict
        How the members were trained, as
        :func:`skkeras._engine.batch.train_many` reports it: ``"groups"``
        (``{"members": [indices], "vectorized": bool, "wall_s": seconds,
        ...}``), ``"alone"`` (member index to the reason it trained on its
        own), ``"failed"`` and ``"seconds"``.

    See Also
    --------
    DeepEnsembleRegressor : The regressor, with the members' spread.
    sklearn.ensemble.BaggingClassifier : Bagging of any estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skkeras import MLPClassifier
    >>> from skkeras.ensemble import DeepEnsembleClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> ens = DeepEnsembleClassifier(
    ...     MLPClassifier((8,), max_iter=5), n_members=3, random_state=0
    ... ).fit(X, y)
    >>> len(ens.estimators_), ens.predict_proba(X[:2]).shape
    (3, (2, 3))
    """

    _kind = "classifier"

    def fit(self, X, y, sample_weight=None, **fit_params):
        super().fit(X, y, sample_weight, **fit_params)
        self.classes_ = self.estimators_[0].classes_
        return self

    fit.__doc__ = _DeepEnsemble.fit.__doc__

    def predict_proba(self, X):
        """Return the members' class probabilities for ``X``, averaged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Mean probability of each class over the members, columns in
            ``classes_`` order (for a multilabel target, of each label).
        """
        check_is_fitted(self)
        return np.mean([m.predict_proba(X) for m in self.estimators_], axis=0)

    def predict(self, X):
        """Return the most probable class of the averaged probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels, of the type of the training labels.
        """
        proba = self.predict_proba(X)
        return self.estimators_[0].target_encoder_.decode(proba)


class DeepEnsembleRegressor(RegressorMixin, _DeepEnsemble):
    """A deep ensemble of skkeras regressors: mean prediction and members' spread.

    Fits ``n_members`` clones of ``estimator``, each with its own seed
    (drawn from ``random_state``) and, with ``bootstrap=True``, its own
    bootstrap sample weights; :meth:`predict` averages the members'
    predictions and, with ``return_std=True``, returns their standard
    deviation, a measure of the model's uncertainty.  On the JAX backend
    the members train as one vectorized program; on TensorFlow, one after
    another through the compiled engine.

    Parameters
    ----------
    estimator : skkeras regressor
        The recipe of every member (:class:`~skkeras.MLPRegressor`,
        :class:`~skkeras.KerasRegressor`); cloned, never fitted itself.
        Its ``random_state`` is replaced by each member's seed.
    n_members : int, default=5
        Number of members.
    bootstrap : bool, default=False
        Whether each member trains on a bootstrap resample of the rows,
        given as sample weights (each row weighted by the number of times a
        draw of ``n_samples`` rows with replacement picks it, times
        ``sample_weight``).  False: the members differ only in their seeds.
    random_state : int, RandomState instance or None, default=None
        Draws the members' seeds and bootstrap weights.  An int gives the
        same ensemble at every fit.

    Attributes
    ----------
    estimators_ : list of skkeras regressors
        The fitted members; ``estimators_[i].random_state`` is member
        ``i``'s seed.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.
    grouping_ : dict
        How the members were trained; see
        :attr:`DeepEnsembleClassifier.grouping_`.

    See Also
    --------
    DeepEnsembleClassifier : The classifier.
    sklearn.ensemble.BaggingRegressor : Bagging of any estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from skkeras import MLPRegressor
    >>> from skkeras.ensemble import DeepEnsembleRegressor
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> y = X.ravel() ** 2
    >>> ens = DeepEnsembleRegressor(
    ...     MLPRegressor((8,), max_iter=5), n_members=3, random_state=0
    ... ).fit(X, y)
    >>> mean, std = ens.predict(X[:4], return_std=True)
    >>> mean.shape, std.shape, bool((std >= 0).all())
    ((4,), (4,), True)
    """

    _kind = "regressor"

    def predict_members(self, X):
        """Return each member's predictions for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_members : ndarray of shape (n_members, n_samples) or \
(n_members, n_samples, n_outputs)
            ``y_members[i]`` is ``estimators_[i].predict(X)``.
        """
        check_is_fitted(self)
        return np.stack([m.predict(X) for m in self.estimators_])

    def predict(self, X, return_std=False):
        """Return the members' mean prediction and, optionally, their spread.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        return_std : bool, default=False
            Whether to return the standard deviation of the members'
            predictions too (population standard deviation, over the
            members; 0 with one member).

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Mean of the members' predictions.
        y_std : ndarray of the shape of ``y_mean``
            Standard deviation of the members' predictions; only with
            ``return_std=True``.
        """
        members = self.predict_members(X)
        mean = members.mean(axis=0)
        if return_std:
            return mean, members.std(axis=0)
        return mean

    def score(self, X, y, sample_weight=None):
        """Return the coefficient of determination R² of the mean prediction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            ``sklearn.metrics.r2_score(y, self.predict(X))``: 1 for a perfect
            prediction, 0 for the mean of ``y``, negative for worse.
        """
        # Defined for its docstring: scikit-learn's has math, which would make
        # the documentation load MathJax from the network.
        return super().score(X, y, sample_weight=sample_weight)


__all__ = ["DeepEnsembleClassifier", "DeepEnsembleRegressor"]
