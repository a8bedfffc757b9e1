"""What runs: the contenders of each case and the full and quick settings."""

# Contenders that run the whole of every case; the others ("peers") run a
# stated subset and are extrapolated.
FULL_CONTENDERS = ("skkeras", "skkeras-kc", "sklearn")
CONTENDERS = {
    "iris": ("skkeras", "skkeras-kc", "sklearn", "scikeras", "keras-wrappers", "keras-fit"),
    "pima": ("skkeras", "skkeras-kc", "sklearn", "scikeras", "keras-wrappers", "keras-fit"),
    "grid": ("skkeras", "sklearn", "scikeras", "keras-wrappers", "keras-fit"),
    "bank": ("skkeras", "sklearn", "keras-fit", "scikeras"),
    "predict": ("skkeras", "sklearn", "keras-fit", "scikeras", "keras-wrappers"),
}
LABELS = {
    "skkeras": "skkeras MLPClassifier",
    "skkeras-kc": "skkeras KerasClassifier",
    "sklearn": "scikit-learn MLPClassifier",
    "scikeras": "scikeras 0.13 KerasClassifier",
    "keras-wrappers": "keras.wrappers.SKLearnClassifier",
    "keras-fit": "plain Keras model.fit",
}

FULL = {
    "iris": dict(hidden=(8,), epochs=50, batch=16, warm_repeats=3, warm_budget_s=4.0),
    "pima": dict(hidden=(12, 8), epochs=150, batch=10, folds=10, peer_folds=1),
    "grid": dict(hidden=(12, 8), solvers=("rmsprop", "adam"),
                 inits=("glorot_uniform", "normal", "uniform"),
                 epochs=(50, 100, 150), batches=(5, 10, 20), cv=3, peer_folds=1),
    "bank": dict(hidden=(256, 128), epochs=10, batch=256, rows=None),
    "predict": dict(hidden=(8,), epochs=20, batch=16, big_rows=10_000,
                    repeats_one=30, repeats_big=5, warmup=3),
}
QUICK = {
    "iris": dict(FULL["iris"], epochs=5, warm_repeats=1, warm_budget_s=1.0),
    "pima": dict(FULL["pima"], epochs=3, folds=3, peer_folds=1),
    "grid": dict(FULL["grid"], solvers=("adam",), inits=("glorot_uniform",),
                 epochs=(1, 2, 3), batches=(20,)),
    "bank": dict(FULL["bank"], epochs=2, rows=2000),
    "predict": dict(FULL["predict"], epochs=2, big_rows=1000, repeats_one=5,
                    repeats_big=3, warmup=1),
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
