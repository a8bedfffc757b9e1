"""What every skkeras classifier, every regressor, and the transformer do alike.

:class:`ClassifierBase` and :class:`RegressorBase` put scikit-learn's mixin
first (so ``is_classifier`` / ``is_regressor`` hold and ``score`` is accuracy
/ R²) and add target handling, ``predict``, ``predict_proba`` and
``partial_fit`` on top of :class:`~skkeras._base.BaseKerasEstimator`, and
``score`` through an overridable ``scorer`` (scikeras' hook), to which
``score__*`` parameters are passed.
:class:`TransformerBase` trains like a regressor (:class:`NumericTargetBase`)
and returns the network's output from ``transform``.
"""

import numpy as np
from sklearn.base import (
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import column_or_1d

from ._base import BaseKerasEstimator
from ._encoders import TransformerTarget
from ._routing import routed
from ._targets import ClassifierTarget, RegressorTarget


def _check_partial_fit_params(fit_params):
    """Refuse the keyword arguments ``partial_fit`` sets itself."""
    if "epochs" in fit_params or "nb_epoch" in fit_params:
        name = "epochs" if "epochs" in fit_params else "nb_epoch"
        raise TypeError(
            f"Invalid argument `{name}` to `partial_fit`: partial_fit always "
            "trains for one epoch. Call it again for more, or call fit with "
            "`epochs=` (and warm_start=True to continue the same network)."
        )
    if "initial_epoch" in fit_params:
        raise TypeError(
            "Invalid argument `initial_epoch` to `partial_fit`: partial_fit "
            "always continues from the epochs trained so far (current_epoch)."
        )


def _score(estimator, X, y, sample_weight):
    """``estimator.scorer(y, predict(X), sample_weight=..., **score__*)``."""
    y_pred = estimator.predict(X)
    kwargs = routed(estimator.get_params(deep=False), "score")
    return estimator.scorer(y, y_pred, sample_weight=sample_weight, **kwargs)


class ClassifierBase(ClassifierMixin, BaseKerasEstimator):
    """Classification behaviour shared by the skkeras classifiers."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # Whether a y of a single class trains (scikit-learn's MLP) or is refused.
    _one_class = False

    def _check_y(self, y):
        # A column vector of labels is one target, as in scikit-learn: warn
        # and flatten it (a 0/1 matrix of several columns stays multilabel).
        shape = getattr(y, "shape", None)
        if shape is not None and len(shape) == 2 and shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y

    def _make_target(self, y, classes):
        target = ClassifierTarget(y, classes=classes, one_class=self._one_class)
        self.classes_ = target.classes
        self.n_classes_ = target.n_classes
        return target

    def _stratify_labels(self, y):
        if self.target_encoder_.target_type == "multilabel-indicator":
            return None
        _, counts = np.unique(y, return_counts=True)
        return y if counts.min() >= 2 else None

    def _class_sample_weight(self, y, sample_weight):
        class_weight = self.class_weight
        if class_weight is None:
            return sample_weight
        if self.target_encoder_.target_type == "multilabel-indicator":
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        if isinstance(class_weight, dict):
            unknown = set(class_weight) - set(self.classes_.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight has keys {sorted(unknown, key=str)} that are "
                    f"not classes; the classes are {self.classes_.tolist()}."
                )
        weights = compute_sample_weight(class_weight, y).astype(np.float32)
        return weights if sample_weight is None else weights * sample_weight

    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
        """Train for one epoch, keeping the weights and optimizer state.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        classes : array-like of shape (n_classes,), default=None
            Every class the classifier will see.  Needed on the first call
            when that batch lacks some classes; ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **fit_params : dict
            Keyword arguments for the training loop, as for :meth:`fit`
            (KerasClassifier); ``epochs`` and ``initial_epoch`` are refused.

        Returns
        -------
        self : object
            The estimator, trained for one more epoch.
        """
        _check_partial_fit_params(fit_params)
        fitted = self.__sklearn_is_fitted__()
        return self._fit(
            X, y, sample_weight, fit_params, warm=fitted, epochs=1, classes=classes
        )

    def predict_proba(self, X, **predict_params):
        """Return class probabilities for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        **predict_params : dict
            Keyword arguments of ``keras.Model.predict`` (KerasClassifier),
            e.g. ``batch_size`` or ``callbacks``; they take precedence over
            the ``predict__*`` parameters.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns in ``classes_`` order.  For a
            multilabel target, the probability of each label.
        """
        raw = self._predict_raw(X, **predict_params)
        return self.target_encoder_.proba(raw)

    def predict(self, X, **predict_params):
        """Return the predicted class of each sample in ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        **predict_params : dict
            Keyword arguments of ``keras.Model.predict`` (KerasClassifier),
            as for :meth:`predict_proba`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels, of the type of the training labels.
        """
        target = getattr(self, "target_encoder_", None)
        if isinstance(target, TransformerTarget):
            # A subclass's target_encoder decodes the network's output itself.
            return target.decode(self._predict_raw(X, **predict_params))
        # predict_proba checks that the model is fitted.
        proba = self.predict_proba(X, **predict_params)
        return self.target_encoder_.decode(proba)

    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        """The score of :meth:`score`: scikit-learn's ``accuracy_score``.

        Override it (as a static method) in a subclass to score otherwise,
        as in scikeras; ``score__*`` parameters are passed to it.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels.
        **kwargs : dict
            ``sample_weight`` and the ``score__*`` parameters.

        Returns
        -------
        score : float
            The accuracy.
        """
        return accuracy_score(y_true, y_pred, **kwargs)

    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy on ``(X, y)`` (or what ``scorer`` computes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            ``self.scorer(y, self.predict(X), sample_weight=sample_weight,
            **score__*)``: the accuracy unless a subclass overrides
            :meth:`scorer`.
        """
        return _score(self, X, y, sample_weight)


class NumericTargetBase(BaseKerasEstimator):
    """Training on numeric targets: the regressors and the transformer."""

    _y_numeric = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _make_target(self, y, classes):
        return RegressorTarget(y)

    def partial_fit(self, X, y, sample_weight=None, **fit_params):
        """Train for one epoch, keeping the weights and optimizer state.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **fit_params : dict
            Keyword arguments for the training loop, as for :meth:`fit`
            (KerasRegressor); ``epochs`` and ``initial_epoch`` are refused.

        Returns
        -------
        self : object
            The estimator, trained for one more epoch.
        """
        _check_partial_fit_params(fit_params)
        fitted = self.__sklearn_is_fitted__()
        return self._fit(X, y, sample_weight, fit_params, warm=fitted, epochs=1)


class RegressorBase(RegressorMixin, NumericTargetBase):
    """Regression behaviour shared by the skkeras regressors."""

    def predict(self, X, **predict_params):
        """Return the predicted targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        **predict_params : dict
            Keyword arguments of ``keras.Model.predict`` (KerasRegressor),
            e.g. ``batch_size`` or ``callbacks``; they take precedence over
            the ``predict__*`` parameters.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, shaped like the training targets.
        """
        raw = self._predict_raw(X, **predict_params)
        return self.target_encoder_.decode(raw)

    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        """The score of :meth:`score`: scikit-learn's ``r2_score``.

        Override it (as a static method) in a subclass to score otherwise,
        as in scikeras; ``score__*`` parameters are passed to it.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Predicted targets.
        **kwargs : dict
            ``sample_weight`` and the ``score__*`` parameters.

        Returns
        -------
        score : float
            The coefficient of determination R².
        """
        return r2_score(y_true, y_pred, **kwargs)

    def score(self, X, y, sample_weight=None):
        """Return R² on ``(X, y)`` (or what ``scorer`` computes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            ``self.scorer(y, self.predict(X), sample_weight=sample_weight,
            **score__*)``: R² (uniform average over outputs) unless a
            subclass overrides :meth:`scorer`.
        """
        return _score(self, X, y, sample_weight)


class TransformerBase(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, NumericTargetBase
):
    """A network trained on ``(X, y)`` like a regressor, whose output is the
    transform (``keras.wrappers.SKLearnTransformer``'s behaviour)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The network's float type, whatever the input's.
        tags.transformer_tags.preserves_dtype = []
        tags.target_tags.required = True
        return tags

    @property
    def _n_features_out(self):
        """Number of output columns, for ``get_feature_names_out``."""
        return self.n_outputs_

    def transform(self, X):
        """Return the network's output for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        X_new : ndarray of shape (n_samples, `n_outputs_`)
            The network's output, one row per sample, in Keras' float type.
        """
        out = np.asarray(self._predict_raw(X))
        return out.reshape(out.shape[0], -1)

    def set_output(self, *, transform=None):
        """Set the container of ``transform``'s output (scikit-learn's API).

        Parameters
        ----------
        transform : {"default", "pandas", "polars"}, default=None
            ``"default"``: a NumPy array; ``"pandas"`` or ``"polars"``: a
            data frame with the columns of :meth:`get_feature_names_out`;
            None leaves the setting unchanged.

        Returns
        -------
        self : estimator instance
            The estimator.
        """
        return super().set_output(transform=transform)
