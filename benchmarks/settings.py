"""What runs: the contenders of each case and the full and quick settings."""

# Contenders that run the whole of every case; the others ("peers") run a
# stated subset and are extrapolated.
FULL_CONTENDERS = ("skkeras", "skkeras-kc", "sklearn")
CONTENDERS = {
    "iris": (
        "skkeras",
        "skkeras-kc",
        "sklearn",
        "scikeras",
        "keras-wrappers",
        "keras-fit",
    ),
    "pima": (
        "skkeras",
        "skkeras-kc",
        "sklearn",
        "scikeras",
        "keras-wrappers",
        "keras-fit",
    ),
    "grid": ("skkeras", "sklearn", "scikeras", "keras-wrappers", "keras-fit"),
    "bank": ("skkeras", "sklearn", "keras-fit", "scikeras"),
    "predict": ("skkeras", "sklearn", "keras-fit", "scikeras", "keras-wrappers"),
    "longrun": ("skkeras", "skkeras-jax"),
    "workers": ("1-worker", "2-workers"),
    "search": (
        "sklearn-search",
        "skkeras-search",
        "sklearn-search-jax",
        "skkeras-search-jax",
        "skkeras-search-always-jax",
        "sklearn-search-cache-jax",
        "skkeras-search-cache-jax",
    ),
    "halving": (
        "sklearn-halving",
        "skkeras-halving",
        "sklearn-halving-f2",
        "skkeras-halving-f2",
        "sklearn-halving-jax",
        "skkeras-halving-jax",
    ),
    "lbfgs": (
        "skkeras-lbfgs",
        "sklearn-lbfgs",
        "sklearn-lbfgs-1blas",
        "skkeras-lbfgs-jax",
    ),
}
LABELS = {
    "skkeras": "skkeras MLPClassifier",
    "skkeras-kc": "skkeras KerasClassifier",
    "sklearn": "scikit-learn MLPClassifier",
    "scikeras": "scikeras 0.13 KerasClassifier",
    "keras-wrappers": "keras.wrappers.SKLearnClassifier",
    "keras-fit": "plain Keras model.fit",
    "skkeras-jax": "skkeras MLPClassifier, JAX backend",
    "1-worker": "GridSearchCV(n_jobs=1)",
    "2-workers": "GridSearchCV(n_jobs=2), loky",
    "sklearn-search": "scikit-learn GridSearchCV / cross_validate, TensorFlow",
    "skkeras-search": "skkeras.model_selection, TensorFlow",
    "sklearn-search-jax": "scikit-learn GridSearchCV / cross_validate, JAX",
    "skkeras-search-jax": "skkeras.model_selection, JAX (default)",
    "skkeras-search-always-jax": "skkeras.model_selection, JAX, SKKERAS_GROUP=always",
    "sklearn-search-cache-jax": (
        "scikit-learn GridSearchCV / cross_validate, JAX, warm cache"
    ),
    "skkeras-search-cache-jax": "skkeras.model_selection, JAX, warm cache",
    "sklearn-halving": "scikit-learn HalvingGridSearchCV, factor 3, TensorFlow",
    "skkeras-halving": "skkeras HalvingGridSearchCV, factor 3, TensorFlow",
    "sklearn-halving-f2": "scikit-learn HalvingGridSearchCV, factor 2, TensorFlow",
    "skkeras-halving-f2": "skkeras HalvingGridSearchCV, factor 2, TensorFlow",
    "sklearn-halving-jax": "scikit-learn HalvingGridSearchCV, factor 3, JAX",
    "skkeras-halving-jax": "skkeras HalvingGridSearchCV, factor 3, JAX",
    "skkeras-lbfgs": "skkeras MLP, solver='lbfgs', TensorFlow",
    "sklearn-lbfgs": "scikit-learn MLP, solver='lbfgs'",
    "sklearn-lbfgs-1blas": "scikit-learn MLP, solver='lbfgs', one BLAS thread",
    "skkeras-lbfgs-jax": "skkeras MLP, solver='lbfgs', JAX",
}

# Figures of an earlier recorded run that a report compares with ("before"),
# each with where it was recorded.  Issue 19 measured the first iris fit
# there; the same case now, against it, says what changed (plain Keras' own
# first fit, recorded beside it, tells the machine's part from skkeras').
BEFORE = {
    "iris-cold": dict(
        skkeras=2.07,
        keras_fit=4.08,
        recorded="2026-11-24, git be2285c, benchmarks/RESULTS.md section 1",
    ),
}
FULL = {
    "iris": dict(hidden=(8,), epochs=50, batch=16, warm_repeats=3, warm_budget_s=4.0),
    "pima": dict(hidden=(12, 8), epochs=150, batch=10, folds=10, peer_folds=1),
    "grid": dict(
        hidden=(12, 8),
        solvers=("rmsprop", "adam"),
        inits=("glorot_uniform", "normal", "uniform"),
        epochs=(50, 100, 150),
        batches=(5, 10, 20),
        cv=3,
        peer_folds=1,
    ),
    "bank": dict(hidden=(256, 128), epochs=10, batch=256, rows=None),
    "predict": dict(
        hidden=(8,),
        epochs=20,
        batch=16,
        big_rows=10_000,
        repeats_one=30,
        repeats_big=5,
        warmup=3,
    ),
    "longrun": dict(hidden=(8,), epochs=10, batch=16, fits=300, every=25),
    "workers": dict(
        hidden=(12, 8),
        solvers=("rmsprop", "adam"),
        inits=("glorot_uniform", "normal", "uniform"),
        epochs=(50, 100, 150),
        batches=(10,),
        cv=3,
    ),
    "search": dict(
        hidden=(12, 8),
        solvers=("rmsprop", "adam"),
        inits=("glorot_uniform", "normal", "uniform"),
        epochs=(50, 100, 150),
        batches=(5, 10, 20),
        cv=3,
        folds=10,
        cv_epochs=150,
        cv_batch=10,
    ),
    # The tutorial grid without its epochs, which are the halving resource
    # (max_iter, up to the grid's largest).
    "halving": dict(
        hidden=(12, 8),
        solvers=("rmsprop", "adam"),
        inits=("glorot_uniform", "normal", "uniform"),
        batches=(5, 10, 20),
        max_epochs=150,
        cv=3,
    ),
    "lbfgs": dict(hidden=(50,), max_iter=200, folds=5),
}
QUICK = {
    "iris": dict(FULL["iris"], epochs=5, warm_repeats=1, warm_budget_s=1.0),
    "pima": dict(FULL["pima"], epochs=3, folds=3, peer_folds=1),
    "grid": dict(
        FULL["grid"],
        solvers=("adam",),
        inits=("glorot_uniform",),
        epochs=(1, 2, 3),
        batches=(20,),
    ),
    "bank": dict(FULL["bank"], epochs=2, rows=2000),
    "predict": dict(
        FULL["predict"], epochs=2, big_rows=1000, repeats_one=5, repeats_big=3, warmup=1
    ),
    "longrun": dict(FULL["longrun"], epochs=2, fits=20, every=5),
    "workers": dict(FULL["workers"], solvers=("adam",), epochs=(2, 3)),
    "search": dict(
        FULL["search"],
        solvers=("adam",),
        inits=("glorot_uniform", "uniform"),
        epochs=(2, 3),
        batches=(20,),
        folds=3,
        cv_epochs=3,
    ),
    "halving": dict(
        FULL["halving"],
        inits=("glorot_uniform", "uniform"),
        batches=(20,),
        max_epochs=6,
    ),
    "lbfgs": dict(FULL["lbfgs"], max_iter=10),
}


def config(case, quick):
    return (QUICK if quick else FULL)[case]


def grid_subset(cfg):
    """The candidates the peers run: adam, glorot_uniform, the middle epoch
    count, every batch size.  The grid's mean cost per candidate equals their
    mean cost when a fit costs a + b * epochs and the optimizer and the
    initializer do not change the cost."""
    middle = sorted(cfg["epochs"])[len(cfg["epochs"]) // 2]
    solver = "adam" if "adam" in cfg["solvers"] else cfg["solvers"][0]
    return [(solver, cfg["inits"][0], middle, b) for b in cfg["batches"]]
