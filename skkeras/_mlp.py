"""MLPClassifier and MLPRegressor: dense Keras networks, scikit-learn names.

The parameters are those of :mod:`sklearn.neural_network` where they exist
(``hidden_layer_sizes``, ``alpha``, ``max_iter``, ``early_stopping`` ...),
with Keras extras (``dropout``, ``batch_normalization``,
``kernel_constraint``, ``callbacks`` ...), mapped onto the network in
:mod:`skkeras._mlp_base`; this module adds the two estimators' outputs,
losses and documentation.
"""

import keras
import numpy as np
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import unique_labels

from ._mlp_base import _REGRESSION_LOSSES, _BaseMLP
from ._mlp_lbfgs import stochastic_solver
from ._predictors import ClassifierBase, RegressorBase
from ._sklearn_compat import StrOptions
from ._tabular_input import TABULAR_DOC_PARAMS, TabularInputMixin

_MLP_DOC_PARAMS = """
    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.
    activation : str, default="relu"
        Hidden-layer activation: scikit-learn's "identity", "logistic",
        "tanh", "relu", or any Keras activation name ("elu", "gelu" ...).
    solver : str or keras.optimizers.Optimizer, default="adam"
        Keras optimizer: "adam", "sgd", "rmsprop", "adagrad", "adadelta",
        "adamax", "nadam", "adamw", or an optimizer instance (copied); or
        "lbfgs", scikit-learn's quasi-Newton solver: SciPy's L-BFGS-B on the
        whole training set, with scikit-learn's objective, computed in
        float64 by one compiled function per architecture (TensorFlow and
        JAX backends).  For small datasets it often converges faster and
        better.  With "lbfgs", ``max_iter`` counts L-BFGS iterations,
        ``tol`` bounds the projected gradient, ``max_fun`` the evaluations;
        the mini-batch, learning-rate, momentum, Adam and early-stopping
        parameters do not apply, ``dropout``, ``input_dropout``,
        ``batch_normalization``, ``kernel_constraint``, ``callbacks``,
        ``lr_schedule`` and ``checkpoint`` are refused, and there is no
        ``partial_fit``.
    alpha : float, default=0.0001
        L2 penalty, scaled as in scikit-learn (``alpha / (2 * batch_size)``
        times the squared weights, per batch; with "lbfgs" the whole
        training set is the batch).
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule, as in scikit-learn (for every solver).
    learning_rate_init : float, default=0.001
        Initial learning rate.
    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.
    max_iter : int, default=200
        Maximum number of epochs of a ``fit`` (a warm-started ``fit`` runs
        up to ``max_iter`` more, as in scikit-learn).
    shuffle : bool, default=True
        Shuffle the samples in each epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, dropout, shuffling and the early-stopping split.
    tol : float, default=1e-4
        Improvement below which an epoch counts as "no change".
    verbose : bool or int, default=False
        Print scikit-learn's ``"Iteration %d, loss = %.8f"`` after each
        epoch (and ``"Validation score: %f"`` with early stopping).
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit``.
    momentum : float, default=0.9
        Momentum of the "sgd" solver.
    nesterovs_momentum : bool, default=True
        Use Nesterov momentum with "sgd".
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for
        classifiers), stop when its score stops improving, and keep the
        best weights.
    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.
    beta_1 : float, default=0.9
        Adam-family first-moment decay.
    beta_2 : float, default=0.999
        Adam-family second-moment decay.
    epsilon : float, default=1e-8
        Adam-family numerical stability constant.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    max_fun : int, default=15000
        Only with ``solver="lbfgs"``: the most evaluations of the loss (and
        its gradient); it may stop before ``max_iter`` iterations, with a
        ``ConvergenceWarning``.
    dropout : float or list of float, default=0.0
        Dropout rate after each hidden layer (one float, or one per layer).
    input_dropout : float, default=0.0
        Dropout rate on the inputs.
    batch_normalization : bool, default=False
        Add batch normalisation after each hidden layer.
    kernel_initializer : str or keras.initializers.Initializer, default="scikit-learn"
        Initial weights of the dense layers.  ``"scikit-learn"``: scikit-learn's
        own, weights and biases uniform in ``±sqrt(f / (fan_in + fan_out))``
        (``f`` = 2 for ``activation="logistic"``, 6 otherwise), drawn in
        scikit-learn's order from ``numpy.random.RandomState(random_state)``,
        so that an int ``random_state`` starts from the very weights
        scikit-learn's MLP starts from.  Any other value: a Keras initializer
        (name or object) for the weights, with zero biases, as Keras' ``Dense``.
    kernel_constraint : float, str, keras.constraints.Constraint or None, default=None
        Weight constraint; a float is a max-norm bound (``MaxNorm(value)``).
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks (copied for every fit).
    lr_schedule : str, schedule object or None, default=None
        Learning rate by epoch: "time_based" (``lr / (1 + decay * epoch)``),
        "step" (halve every 10 epochs), "exponential", "plateau", or a
        :class:`TimeBasedDecay`, :class:`StepDecay`,
        :class:`ExponentialDecay` or :class:`PlateauDecay` with its own
        parameters.  Starts from ``learning_rate_init``; the rate of each
        epoch is recorded in ``history_["learning_rate"]``.  Only with
        ``learning_rate="constant"``.
    checkpoint : str, path-like or None, default=None
        File that keeps the estimator at its best epoch so far (lowest
        ``val_loss`` with ``early_stopping``, else ``loss``), written
        atomically in :func:`skkeras.save`'s format during training.
        ``skkeras.load(checkpoint)`` gives it back; set ``warm_start=True``
        on it and ``fit`` to resume.  A loaded estimator's ``checkpoint`` is
        None (:func:`skkeras.load` leaves paths out): set it again.
"""
_MLP_DOC_PARAMS += TABULAR_DOC_PARAMS

_MLP_DOC_ATTRS = """
    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_in, n_out)
        The kernel of each Dense layer, read from ``model_`` at each access
        (float64 copies, read-only); assign ``coefs_[i] = array`` or
        ``coefs_ = [arrays]`` to set the network's weights.  Assigned before
        the first ``partial_fit`` (or a ``fit`` with ``warm_start=True``),
        they are its starting weights, as in scikit-learn.
    intercepts_ : list of ndarray of shape (n_out,)
        The bias of each Dense layer, as ``coefs_``.
    loss_ : float or None
        Training loss of the last epoch (None before any); with
        ``solver="lbfgs"``, the objective (data loss plus penalty) the last
        fit reached.
    loss_curve_ : list of float
        Training loss at the end of each epoch, over every call since the
        network was made (not with ``solver="lbfgs"``).
    validation_scores_ : list of float or None
        Validation score (accuracy or R²) per epoch with early stopping,
        over every call since the network was made.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    best_validation_score_ : float or None
        Best validation score (with early stopping).
    n_iter_ : int
        Number of epochs run by the last ``fit`` (up to ``max_iter``, also
        when warm-started) or ``partial_fit`` (1), as in scikit-learn; with
        ``solver="lbfgs"``, the L-BFGS iterations of the last fit.
    t_ : int
        Number of training samples seen over every call.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units, as in scikit-learn: the number of classes
        of a multiclass target, 1 for a binary one, one per label or target
        column otherwise.
    out_activation_ : str
        Output activation.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    model_ : keras.Sequential or keras.Model
        The trained network (a ``keras.Model`` with ``Embedding`` layers in
        front of the dense ``keras.Sequential`` when a data frame had
        embedded categorical columns).
    history_ : dict of str to list of float
        Per-epoch logs: ``loss``; with ``early_stopping`` also ``score``
        (the ``score`` method's metric), ``val_loss`` and ``val_score``.
"""


class MLPClassifier(TabularInputMixin, ClassifierBase, _BaseMLP):
    __doc__ = (
        """Multi-layer perceptron classifier, trained by Keras.

    Binary targets get one sigmoid output unit, multiclass targets a softmax
    layer, multilabel targets one sigmoid unit per label; the loss is the
    matching cross-entropy.
"""
        + _MLP_DOC_PARAMS
        + """    class_weight : dict, "balanced" or None, default=None
        Weights by class label, multiplied into the sample weights.
"""
        + _MLP_DOC_ATTRS
        + """    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.

    See Also
    --------
    MLPRegressor : The regressor counterpart.
    KerasClassifier : Any Keras model as a classifier.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skkeras import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(), MLPClassifier(max_iter=50, random_state=0)
    ... )
    >>> clf.fit(X, y).score(X, y) > 0.8
    True
"""
    )

    # scikit-learn's MLP trains on a single class (and predicts it).
    _one_class = True

    _parameter_constraints = {
        **_BaseMLP._parameter_constraints,
        "class_weight": [None, dict, StrOptions({"balanced"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        input_dropout=0.0,
        batch_normalization=False,
        kernel_initializer="scikit-learn",
        kernel_constraint=None,
        callbacks=None,
        lr_schedule=None,
        checkpoint=None,
        categorical_features="from_dtype",
        max_onehot_categories=32,
        embedding_dim="auto",
        standardize=True,
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            input_dropout=input_dropout,
            batch_normalization=batch_normalization,
            kernel_initializer=kernel_initializer,
            kernel_constraint=kernel_constraint,
            callbacks=callbacks,
            lr_schedule=lr_schedule,
            checkpoint=checkpoint,
            categorical_features=categorical_features,
            max_onehot_categories=max_onehot_categories,
            embedding_dim=embedding_dim,
            standardize=standardize,
        )
        self.class_weight = class_weight

    @available_if(stochastic_solver)
    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
        return super().partial_fit(
            X, y, classes=classes, sample_weight=sample_weight, **fit_params
        )

    partial_fit.__doc__ = ClassifierBase.partial_fit.__doc__

    def predict_log_proba(self, X):
        """Return the log of the class probabilities for ``X``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``, columns in ``classes_`` order.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def _fit(self, X, y, sample_weight, fit_params, *, warm, epochs=None, classes=None):
        if epochs is not None:  # partial_fit
            self._check_partial_fit_classes(classes)
        elif warm:
            self._check_warm_start_classes(y)
        return super()._fit(
            X, y, sample_weight, fit_params, warm=warm, epochs=epochs, classes=classes
        )

    def _check_partial_fit_classes(self, classes):
        if not self.__sklearn_is_fitted__():
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: "
                    "give every class the classifier will see, e.g. "
                    "partial_fit(X, y, classes=np.unique(y_all))."
                )
            return
        if classes is not None and not np.array_equal(
            np.unique(np.asarray(classes)), self.classes_
        ):
            raise ValueError(
                f"`classes={np.unique(np.asarray(classes))!r}` is not the same as "
                f"on the first call to partial_fit, was: {self.classes_!r}. The "
                "classes are fixed by the first call; fit again (without "
                "warm_start) to change them."
            )

    def _check_warm_start_classes(self, y):
        try:
            labels = unique_labels(y)
        except (ValueError, TypeError):
            return  # the validation of fit explains what is wrong with y
        if self.target_encoder_.target_type == "multilabel-indicator":
            return
        if set(labels.tolist()) != set(self.classes_.tolist()):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_}, `y` has "
                f"{labels}. Set warm_start=False to train a new network on these "
                "classes."
            )

    def _stratify_labels(self, y):
        # scikit-learn's MLP stratifies its early-stopping split, and refuses
        # a class too small to be split (rather than not stratifying).
        if self.target_encoder_.target_type == "multilabel-indicator":
            return None
        labels, counts = np.unique(y, return_counts=True)
        if counts.min() < 2:
            raise ValueError(
                "The least populated classes in y have only 1 member, which is "
                "too few: early_stopping=True holds out a validation set "
                "stratified by class, which needs at least 2 members of each "
                f"class. Classes with too few members are: "
                f"{labels[counts < 2].tolist()}. Set early_stopping=False, or "
                "give more samples of these classes."
            )
        return y

    def _output_activation(self, meta):
        if meta["target_type_"] == "multiclass":
            return "softmax"
        return "sigmoid"

    def _loss(self, default_loss):
        return default_loss

    def _loss_weight(self):
        # scikit-learn's multilabel log loss sums the labels' losses (Keras'
        # binary cross-entropy averages them).
        target = self.target_encoder_
        if target.target_type == "multilabel-indicator":
            return float(target.output_units())
        return 1.0

    def _score_metric(self):
        if self.target_encoder_.target_type == "multiclass":
            return keras.metrics.SparseCategoricalAccuracy(name="score")
        return keras.metrics.BinaryAccuracy(name="score")


class MLPRegressor(TabularInputMixin, RegressorBase, _BaseMLP):
    __doc__ = (
        """Multi-layer perceptron regressor, trained by Keras.

    A linear output layer with one unit per target column.
"""
        + _MLP_DOC_PARAMS
        + """    loss : str, default="squared_error"
        "squared_error", "absolute_error", "huber", "poisson", or any Keras
        loss name.
"""
        + _MLP_DOC_ATTRS
        + """
    See Also
    --------
    MLPClassifier : The classifier counterpart.
    KerasRegressor : Any Keras model as a regressor.

    Examples
    --------
    >>> import numpy as np
    >>> from skkeras import MLPRegressor
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> reg = MLPRegressor(hidden_layer_sizes=(16,), max_iter=20, random_state=0)
    >>> reg.fit(X, 2 * X.ravel()).predict(X[:2]).shape
    (2,)
"""
    )

    _parameter_constraints = {**_BaseMLP._parameter_constraints, "loss": [str]}

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        input_dropout=0.0,
        batch_normalization=False,
        kernel_initializer="scikit-learn",
        kernel_constraint=None,
        callbacks=None,
        lr_schedule=None,
        checkpoint=None,
        categorical_features="from_dtype",
        max_onehot_categories=32,
        embedding_dim="auto",
        standardize=True,
        loss="squared_error",
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            input_dropout=input_dropout,
            batch_normalization=batch_normalization,
            kernel_initializer=kernel_initializer,
            kernel_constraint=kernel_constraint,
            callbacks=callbacks,
            lr_schedule=lr_schedule,
            checkpoint=checkpoint,
            categorical_features=categorical_features,
            max_onehot_categories=max_onehot_categories,
            embedding_dim=embedding_dim,
            standardize=standardize,
        )
        self.loss = loss

    @available_if(stochastic_solver)
    def partial_fit(self, X, y, sample_weight=None, **fit_params):
        return super().partial_fit(X, y, sample_weight=sample_weight, **fit_params)

    partial_fit.__doc__ = RegressorBase.partial_fit.__doc__

    def predict(self, X, **predict_params):
        """Return the predicted targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        **predict_params : dict
            Keyword arguments of ``keras.Model.predict``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, shaped like the training targets, in the float type
            of ``X`` at fit (float32 or float64), as scikit-learn's MLP's;
            computed in float64 either way.
        """
        y_pred = super().predict(X, **predict_params)
        return y_pred.astype(self._fit_plan.x_dtype, copy=False)

    def _output_activation(self, meta):
        # scikit-learn's MLP predicts the mean of a Poisson target through an
        # exponential output (out_activation_ "exp"), always positive.
        return "exponential" if self.loss == "poisson" else "linear"

    def _loss(self, default_loss):
        return _REGRESSION_LOSSES.get(self.loss, self.loss)

    def _loss_weight(self):
        # scikit-learn's "squared_error" is half the mean squared error, and
        # its "poisson" sums the outputs' deviances (Keras averages them).
        if self.loss == "squared_error":
            return 0.5
        if self.loss == "poisson":
            return float(self.target_encoder_.output_units())
        return 1.0

    def _score_metric(self):
        return keras.metrics.R2Score(name="score")
