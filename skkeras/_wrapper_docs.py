"""The documentation the general wrappers share: their parameters and
fitted attributes (:class:`KerasClassifier`, :class:`KerasRegressor`,
:class:`KerasTransformer` fill in their own parts)."""

_COMMON_DOC = """
    Parameters
    ----------
    model : callable or keras.Model, default=None
        A function (or class) that returns a Keras model, compiled or not, or
        a ``keras.Model`` instance.  An instance is copied for every fit
        (``keras.models.clone_model``) with its weights and compile settings
        (the optimizer's state starts afresh): a pretrained model trains on
        from its weights, and is itself never trained in place, so each fit
        (each cross-validation fold) starts from it.  A model that
        ``clone_model`` cannot copy (a subclassed model whose ``__init__``
        takes non-serializable arguments and lacks ``get_config``) raises
        a TypeError at fit; pass a function that builds it and loads its
        weights instead.  A build function may ask by name for ``meta``
        (a dict with ``n_features_in_``, ``X_shape_``, ``n_outputs_``,
        ``target_type_``, ``n_classes_``, ``classes_`` ..., and ``seed_``,
        the fit's seed, when ``random_state`` is set),
        ``compile_kwargs`` (fresh ``optimizer``, ``loss``, ``metrics``),
        ``params`` (all estimator parameters), ``X`` (the training inputs,
        for layers that adapt to data such as ``TextVectorization`` or
        ``Normalization``), ``y`` (the training target as ``keras.wrappers``
        passes it: one-hot rows for a classifier, one column per target for
        a regressor), and for its own arguments, given as
        ``model__name=value``, in ``model_kwargs`` or as extra keywords
        ``name=value``.  A function with ``**kwargs`` gets ``meta``,
        ``compile_kwargs`` and ``params`` in them too, as in scikeras; a
        ``keras.wrappers`` build function ``build(X, y, **model_kwargs)``
        works unchanged.  None (the default) in a subclass that defines a
        method ``_keras_build_fn`` (scikeras' subclassing hook) builds with
        that method, which asks for its arguments in the same way.
    build_fn : callable, default=None
        Deprecated alias of ``model`` (scikeras and ``keras.wrappers``);
        it works, with a warning that is both a FutureWarning and, as in
        scikeras, a UserWarning.
    warm_start : bool, default=False
        If True, ``fit`` continues training the fitted model instead of
        building a new one.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and shuffling.  The same int
        gives the same model run after run on one machine.
    optimizer : str, class or instance, default="rmsprop"
        Keras optimizer, configured by ``optimizer__*`` parameters, e.g.
        ``optimizer__learning_rate=0.01``.  Used to compile a model that the
        build function returns uncompiled.
    loss : str, class, instance, callable or None, default=None
        Keras loss, configured by ``loss__*`` parameters.  None chooses one
        from the target: {loss_default}.
    metrics : list or None, default=None
        Keras metrics, configured by ``metrics__*`` parameters.
    batch_size : int or None, default=None
        Mini-batch size of training and prediction; None means 32 for
        training, as in Keras.  -1 means all the samples in one batch (as
        in scikeras), here and in ``fit__batch_size``,
        ``predict__batch_size`` and the ``batch_size`` argument of ``fit``
        and ``predict``; other values below 1 are refused.
    validation_batch_size : int or None, default=None
        Batch size for validation data; -1 means all of it in one batch.
    verbose : int, default=0
        0 is silent, 1 shows a progress bar per epoch, 2 a line per epoch.
    callbacks : list, dict, class or instance, default=None
        Keras callbacks, for ``fit`` and, those with ``on_predict_*`` hooks,
        for ``predict``.  Classes are built for every fit, configured by
        ``callbacks__<name>=value`` (all classes),
        ``callbacks__<index or key>__<name>=value`` (one of them), or a
        number in place of ``<name>`` for a positional argument.  Instances
        are copied for every fit (and predict), so the parameter's own
        object never sees training, as scikit-learn requires of parameters;
        callbacks given to ``fit`` or ``predict`` themselves
        (``fit(X, y, callbacks=[cb])``) are used as given, as Keras does.
        ``fit__callbacks`` and ``predict__callbacks`` (configured by
        ``fit__callbacks__*``, ``predict__callbacks__*``) are for one of the
        two only.
    validation_split : float, default=0.0
        Fraction of the training data, taken from the end as
        ``keras.Model.fit`` does, held out to compute ``val_*`` logs.
    shuffle : bool, default=True
        Shuffle the training data before each epoch.
    run_eagerly : bool, default=False
        Run the model eagerly (for debugging; slow).
    epochs : int, default=1
        Number of epochs per ``fit``.  Keras 1's name ``nb_epoch``, which
        Keras 2's wrappers took, is read as ``epochs``, with a FutureWarning.
    lr_schedule : str, schedule object or None, default=None
        Learning rate by epoch: "time_based", "step", "exponential",
        "plateau", or a :class:`TimeBasedDecay`, :class:`StepDecay`,
        :class:`ExponentialDecay` or :class:`PlateauDecay`; it starts from
        the compiled optimizer's rate, and the rate of each epoch is
        recorded in ``history_["learning_rate"]``.
    checkpoint : str, path-like or None, default=None
        File that keeps the estimator at its best epoch so far (lowest
        ``val_loss`` with validation data, else ``loss``), written
        atomically in :func:`skkeras.save`'s format during training.
        ``skkeras.load(checkpoint)`` gives it back; set ``warm_start=True``
        on it and ``fit`` to resume.  A loaded estimator's ``checkpoint`` is
        None (:func:`skkeras.load` leaves paths out): set it again.
    model_kwargs : dict or None, default=None
        Arguments of the build function, as ``keras.wrappers`` takes them:
        each entry acts as a ``model__<key>`` parameter.  A ``model__<key>``
        parameter replaces the entry of the same key (so a search can tune
        one key).
    fit_kwargs : dict or None, default=None
        Training options, as ``keras.wrappers`` takes them, e.g.
        ``{{"epochs": 5, "batch_size": 16}}``: each entry acts as a
        ``fit__<key>`` parameter, and ``clone`` keeps them.  Precedence,
        lowest first: the named parameters (``epochs``, ``batch_size``,
        ``shuffle``, ``verbose``, ``validation_split``...), then
        ``fit_kwargs``, then ``fit__<key>`` parameters, then the keyword
        arguments of :meth:`fit`.  A named parameter set away from its
        default to another value than ``fit_kwargs`` gives it is an error
        (one of the two would be ignored): keep one of them.
    **kwargs : dict
        Routed parameters (``model__*``, ``fit__*``, ``compile__*``,
        ``optimizer__*``, ``loss__*``, ``metrics__*``, ``callbacks__*``,
        ``predict__*``, and ``score__*``, keyword arguments of ``scorer``,
        the score function of :meth:`score`) and arguments of the build
        function.  As in Keras 2's
        ``keras.wrappers.scikit_learn``, ``set_params`` (hence
        ``GridSearchCV``) takes any argument of the build function by its
        plain name, e.g. ``init`` for ``def create_model(init="uniform")``;
        one the build function also names, such as ``optimizer``, is the
        estimator's parameter passed on to it.
"""

_FITTED_DOC = """
    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch logs (``loss``, metrics, ``val_*``) over all training calls.
        A metric compiled by a Keras shorthand is recorded by its full name,
        as scikeras does: ``metrics=["mae"]`` gives
        ``history_["mean_absolute_error"]`` (and
        ``"val_mean_absolute_error"``); callbacks see Keras' own names
        (``"mae"``) during training.
    n_iter_ : int
        Number of epochs run.
    current_epoch : int
        scikeras' name of ``n_iter_``: the epochs trained so far, 0 before
        the first fit.
    n_features_in_ : int
        Number of features seen during fit.
    X_shape_ : tuple of int
        Shape of the X of the fit that built the model; later calls need X
        of as many dimensions.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    n_outputs_ : int
        Number of targets (columns of y).
    target_type_ : str
        Type of the target, as ``sklearn.utils.multiclass.type_of_target``
        names it (``"binary"``, ``"multiclass"``, ``"continuous"`` ...).
    target_encoder_ : object
        Converts targets to network outputs and back: skkeras' own encoding,
        or, in a subclass overriding the ``target_encoder`` property (for a
        model with several outputs, as in scikeras), one around that fitted
        transformer (``target_encoder_.transformer``).
    feature_encoder_ : object
        Turns ``X`` into the network's input: ``FunctionTransformer()`` (X
        reaches the network unchanged; scikeras' attribute of the same name),
        or, in a subclass overriding the ``feature_encoder`` property (for a
        model with several inputs, as in scikeras), that fitted transformer.
    initialized_ : bool
        Whether ``fit`` or ``initialize`` has built the network.
"""
