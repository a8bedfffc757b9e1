"""The benchmark cases, run inside one child process per (case, contender).

Every Keras contender trains the same network: ``Dense(relu)`` hidden layers,
the output layer of the task, adam (or the grid's optimizer), the same
epochs and batch size, no weight penalty.  scikit-learn's MLP gets the same
``hidden_layer_sizes``, ``solver="adam"``, ``batch_size``, ``max_iter=epochs``,
``alpha=0`` and ``n_iter_no_change=inf`` (so it runs every epoch).

:func:`run` is the only entry point; it returns a JSON-able dict.
"""

import statistics
import time
from itertools import product

import numpy as np
from harness import median_time, peak_rss_mib, repeat_until, rss_mib, timed
from settings import FULL_CONTENDERS, config, grid_subset


# ----------------------------------------------------------------------
# Networks and estimators
# ----------------------------------------------------------------------
def _keras():
    import keras

    keras.utils.set_random_seed(0)
    return keras


def build_net(n_in, hidden, n_out, out_activation, init="glorot_uniform"):
    import keras

    layers = [keras.Input((n_in,))]
    layers += [
        keras.layers.Dense(w, activation="relu", kernel_initializer=init)
        for w in hidden
    ]
    layers.append(
        keras.layers.Dense(n_out, activation=out_activation, kernel_initializer=init)
    )
    return keras.Sequential(layers)


def head(n_classes):
    """Output units, activation and loss: one sigmoid unit for two classes."""
    if n_classes == 2:
        return 1, "sigmoid", "binary_crossentropy"
    return n_classes, "softmax", "sparse_categorical_crossentropy"


def meta_build(meta, hidden, init="glorot_uniform"):
    """Build function with scikeras' conventions (also skkeras KerasClassifier)."""
    n_out, act, _ = head(2 if meta["target_type_"] == "binary" else meta["n_classes_"])
    return build_net(meta["n_features_in_"], hidden, n_out, act, init)


def wrappers_build(X, y, hidden, init="glorot_uniform", optimizer="adam"):
    """Build function of keras.wrappers: y arrives one-hot encoded."""
    model = build_net(X.shape[1], hidden, y.shape[1], "softmax", init)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    return model


def make_estimator(
    contender, hidden, epochs, batch, n_classes, optimizer="adam", init="glorot_uniform"
):
    """A fresh, unfitted estimator of ``contender`` for the shared network."""
    loss = head(n_classes)[2]
    if contender == "skkeras":
        from skkeras import MLPClassifier

        return MLPClassifier(
            hidden,
            solver=optimizer,
            kernel_initializer=init,
            alpha=0.0,
            max_iter=epochs,
            batch_size=batch,
            n_iter_no_change=np.inf,
            random_state=0,
        )
    if contender == "sklearn":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(
            hidden,
            solver="adam",
            alpha=0.0,
            max_iter=epochs,
            batch_size=batch,
            n_iter_no_change=np.inf,
            random_state=0,
        )
    if contender in ("skkeras-kc", "scikeras"):
        if contender == "scikeras":
            from scikeras.wrappers import KerasClassifier
        else:
            from skkeras import KerasClassifier
        _keras()
        return KerasClassifier(
            meta_build,
            model__hidden=hidden,
            model__init=init,
            optimizer=optimizer,
            loss=loss,
            epochs=epochs,
            batch_size=batch,
            verbose=0,
            random_state=0,
        )
    if contender == "keras-wrappers":
        from keras.wrappers import SKLearnClassifier

        _keras()
        return SKLearnClassifier(
            wrappers_build,
            model_kwargs=dict(hidden=hidden, init=init, optimizer=optimizer),
            fit_kwargs=dict(epochs=epochs, batch_size=batch, verbose=0),
        )
    raise ValueError(f"no estimator for {contender!r}")


def wrappers_fit_params(epochs, batch):
    """keras.wrappers' ``clone`` drops ``fit_kwargs`` (every CV fold would
    train one epoch of batch 32), so the CV cases pass them as fit params."""
    return {"clf__epochs": epochs, "clf__batch_size": batch, "clf__verbose": 0}


def keras_fit(
    X, y, hidden, epochs, batch, n_classes, optimizer="adam", init="glorot_uniform"
):
    """Plain Keras, tutorial style: build, compile, fit."""
    n_out, act, loss = head(n_classes)
    model = build_net(X.shape[1], hidden, n_out, act, init)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    model.fit(X, y, epochs=epochs, batch_size=batch, verbose=0)
    return model


def keras_accuracy(model, X, y):
    proba = model.predict(X, verbose=0)
    labels = (proba[:, 0] > 0.5).astype(int) if proba.shape[1] == 1 else proba.argmax(1)
    return float(np.mean(labels == y))


def pipeline(contender, **net):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [("scale", StandardScaler()), ("clf", make_estimator(contender, **net))]
    )


def scaled_keras_fit(X, y, **net):
    """Plain Keras with the same StandardScaler step the pipelines have."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    return scaler, keras_fit(scaler.transform(X), y, **net)


def dispatch(contender):
    """Which path skkeras' last call took ("compiled" or "keras: reason")."""
    if not contender.startswith("skkeras"):
        return {}
    from skkeras._engine import last_dispatch

    path, reason = last_dispatch()
    return {"dispatch": path if reason is None else f"{path}: {reason}"}


# ----------------------------------------------------------------------
# Data (loaded inside each child, so each child pays for its own)
# ----------------------------------------------------------------------
def iris():
    from sklearn.datasets import load_iris

    return load_iris(return_X_y=True)


def pima():
    from skkeras.datasets import load_pima_indians_diabetes

    return load_pima_indians_diabetes(return_X_y=True)


def bank(rows):
    """Full bank marketing, one-hot + scaled to a dense float32 matrix."""
    from sklearn.compose import make_column_selector, make_column_transformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from skkeras.datasets import load_bank_marketing

    X, y = load_bank_marketing(full=True, return_X_y=True, as_frame=True)
    y = (y == "yes").to_numpy().astype(np.int64)
    if rows:
        keep = np.random.default_rng(0).choice(len(y), rows, replace=False)
        X, y = X.iloc[keep], y[keep]
    columns = make_column_transformer(
        (
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            make_column_selector(dtype_exclude="number"),
        ),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )
    return columns.fit_transform(X).astype(np.float32), y


# ----------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------
def case_iris(contender, cfg):
    """Cold (first in the process) and warm (repeated) fit on iris."""
    X, y = iris()
    net = dict(
        hidden=cfg["hidden"], epochs=cfg["epochs"], batch=cfg["batch"], n_classes=3
    )
    if contender == "keras-fit":
        _keras()

        def fit():
            return scaled_keras_fit(X, y, **net)

        def score(fitted):
            return keras_accuracy(fitted[1], fitted[0].transform(X), y)
    else:

        def fit():
            return pipeline(contender, **net).fit(X, y)

        def score(fitted):
            return float(fitted.score(X, y))

    cold, fitted = timed(fit)
    cold_accuracy = score(fitted)
    warm, fitted = repeat_until(fit, cfg["warm_repeats"], cfg["warm_budget_s"])
    return {
        "cold_s": cold,
        "warm_s": statistics.median(warm),
        "warm_n": len(warm),
        "cold_accuracy": cold_accuracy,
        "accuracy": score(fitted),
        **dispatch(contender),
    }


def case_pima(contender, cfg):
    """StratifiedKFold(10, shuffle, seed 0) cross-validation of the tutorial network."""
    from sklearn.model_selection import StratifiedKFold, cross_validate

    X, y = pima()
    folds = list(
        StratifiedKFold(cfg["folds"], shuffle=True, random_state=0).split(X, y)
    )
    measured = folds if contender in FULL_CONTENDERS else folds[: cfg["peer_folds"]]
    net = dict(
        hidden=cfg["hidden"], epochs=cfg["epochs"], batch=cfg["batch"], n_classes=2
    )
    if contender == "keras-fit":
        _keras()

        def run_cv():
            scores = []
            for train, test in measured:
                scaler, model = scaled_keras_fit(X[train], y[train], **net)
                scores.append(keras_accuracy(model, scaler.transform(X[test]), y[test]))
            return scores
    else:
        params = (
            wrappers_fit_params(cfg["epochs"], cfg["batch"])
            if contender == "keras-wrappers"
            else None
        )

        def run_cv():
            return cross_validate(
                pipeline(contender, **net),
                X,
                y,
                cv=measured,
                scoring="accuracy",
                params=params,
            )["test_score"]

    wall, scores = timed(run_cv)
    return {
        "wall_s": wall,
        "folds_measured": len(measured),
        "folds_total": len(folds),
        "extrapolated_s": wall * len(folds) / len(measured),
        "scores": list(scores),
        "accuracy": float(np.mean(scores)),
        **dispatch(contender),
    }


def _grid_param_grid(contender, candidates, hidden):
    """One single-candidate grid per (solver, init, epochs, batch)."""
    grids = []
    for solver, init, epochs, batch in candidates:
        if contender == "skkeras":
            grid = {
                "clf__solver": solver,
                "clf__kernel_initializer": init,
                "clf__max_iter": epochs,
                "clf__batch_size": batch,
            }
        elif contender == "sklearn":  # adam only, scikit-learn's own initialisation
            grid = {"clf__max_iter": epochs, "clf__batch_size": batch}
        elif contender == "scikeras":
            grid = {
                "clf__optimizer": solver,
                "clf__model__init": init,
                "clf__epochs": epochs,
                "clf__batch_size": batch,
            }
        else:  # keras.wrappers: set after clone, so fit_kwargs survive here
            grid = {
                "clf__model_kwargs": dict(hidden=hidden, init=init, optimizer=solver),
                "clf__fit_kwargs": dict(epochs=epochs, batch_size=batch, verbose=0),
            }
        grids.append({k: [v] for k, v in grid.items()})
    return grids


def case_grid(contender, cfg):
    """The tutorial grid search: optimizer x initializer x epochs x batch size."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    X, y = pima()
    everything = list(
        product(cfg["solvers"], cfg["inits"], cfg["epochs"], cfg["batches"])
    )
    subset = grid_subset(cfg)
    candidates = everything if contender == "skkeras" else subset
    # What GridSearchCV(cv=3) uses for a classifier, given explicitly because
    # scikeras is not recognised as one (it would get unstratified KFold).
    # The peers run the first fold(s) only: every fold has the same size.
    folds = list(StratifiedKFold(cfg["cv"]).split(X, y))
    cv = folds if contender == "skkeras" else folds[: cfg["peer_folds"]]
    net = dict(hidden=cfg["hidden"], epochs=1, batch=1, n_classes=2)
    if contender == "keras-fit":
        _keras()

        def search():
            means = []
            for solver, init, epochs, batch in candidates:
                scores = []
                for train, test in cv:
                    scaler, model = scaled_keras_fit(
                        X[train],
                        y[train],
                        **dict(net, epochs=epochs, batch=batch),
                        optimizer=solver,
                        init=init,
                    )
                    scores.append(
                        keras_accuracy(model, scaler.transform(X[test]), y[test])
                    )
                means.append(float(np.mean(scores)))
            return means, None
    else:
        grids = _grid_param_grid(contender, candidates, cfg["hidden"])

        def search():
            gs = GridSearchCV(
                pipeline(contender, **net),
                grids,
                cv=cv,
                scoring="accuracy",
                refit=False,
            )
            gs.fit(X, y)
            res = gs.cv_results_
            return [float(s) for s in res["mean_test_score"]], res

    wall, (means, res) = timed(search)
    fits, total_fits = len(candidates) * len(cv), len(everything) * cfg["cv"]
    out = {
        "wall_s": wall,
        "candidates_measured": len(candidates),
        "candidates_total": len(everything),
        "folds_measured": len(cv),
        "fits": fits,
        "total_fits": total_fits,
        "extrapolated_s": wall * total_fits / fits,
        "subset_accuracy": float(
            np.mean([m for c, m in zip(candidates, means) if c in subset])
        ),
        "best_accuracy": max(means),
        "best_candidate": list(candidates[int(np.argmax(means))]),
        **dispatch(contender),
    }
    if contender == "skkeras":
        per_candidate = (res["mean_fit_time"] + res["mean_score_time"]) * cfg["cv"]
        in_subset = [c in subset for c in candidates]
        subset_s = float(sum(t for t, keep in zip(per_candidate, in_subset) if keep))
        out["subset_s"] = subset_s
        out["subset_extrapolated_s"] = subset_s * len(everything) / len(subset)
        # skkeras' accuracy on the peers' folds, for a like-for-like comparison.
        peer_scores = np.mean(
            [res[f"split{i}_test_score"] for i in range(cfg["peer_folds"])], 0
        )
        out["subset_accuracy_peer_folds"] = float(
            np.mean([a for a, keep in zip(peer_scores, in_subset) if keep])
        )
        out["candidate_s"] = [
            list(c) + [float(t)] for c, t in zip(candidates, per_candidate)
        ]
    return out


def case_bank(contender, cfg):
    """Training speed on 45,211 x 51 (one-hot): 10 epochs, cold then warm."""
    start = time.perf_counter()
    X, y = bank(cfg["rows"])
    prep = time.perf_counter() - start
    net = dict(
        hidden=cfg["hidden"], epochs=cfg["epochs"], batch=cfg["batch"], n_classes=2
    )
    if contender == "keras-fit":
        _keras()

        def fit():
            return keras_fit(X, y, **net)

        def score(model):
            return keras_accuracy(model, X, y)
    else:

        def fit():
            return make_estimator(contender, **net).fit(X, y)

        def score(est):
            return float(est.score(X, y))

    cold, _ = timed(fit)
    warm, fitted = timed(fit)
    return {
        "rows": int(X.shape[0]),
        "features": int(X.shape[1]),
        "prep_s": prep,
        "epochs": cfg["epochs"],
        "cold_s": cold,
        "warm_s": warm,
        "epoch_s": warm / cfg["epochs"],
        "accuracy": score(fitted),
        "majority": float(max(np.mean(y), 1 - np.mean(y))),
        **dispatch(contender),
    }


def case_predict(contender, cfg):
    """Median predict latency for 1 row and for many rows, after a warm-up."""
    from sklearn.preprocessing import StandardScaler

    X, y = iris()
    X = StandardScaler().fit_transform(X).astype(np.float32)
    rng = np.random.default_rng(0)
    big = X[rng.integers(0, len(X), cfg["big_rows"])]
    big = (big + rng.normal(0, 0.1, big.shape)).astype(np.float32)
    one = X[:1]
    net = dict(
        hidden=cfg["hidden"], epochs=cfg["epochs"], batch=cfg["batch"], n_classes=3
    )
    if contender == "keras-fit":
        _keras()
        model = keras_fit(X, y, **net)

        def predict(rows):
            return model.predict(rows, verbose=0)

        accuracy = keras_accuracy(model, X, y)
    else:
        est = make_estimator(contender, **net).fit(X, y)
        predict = est.predict
        accuracy = float(est.score(X, y))
    one_s = median_time(lambda: predict(one), cfg["repeats_one"], cfg["warmup"])
    big_s = median_time(lambda: predict(big), cfg["repeats_big"], cfg["warmup"])
    return {
        "one_s": one_s,
        "big_s": big_s,
        "big_rows": cfg["big_rows"],
        "accuracy": accuracy,
        **dispatch(contender),
    }


def case_longrun(contender, cfg):
    """Many consecutive fits in one process, as in a grid search: memory and time."""
    import gc

    from skkeras import _engine

    X, y = iris()
    X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
    times, rss = [], []
    for i in range(cfg["fits"]):
        est = make_estimator(
            "skkeras", cfg["hidden"], cfg["epochs"], cfg["batch"], n_classes=3
        ).set_params(random_state=i)
        seconds, _ = timed(est.fit, X, y)
        times.append(seconds)
        del est
        if i == 0 or (i + 1) % cfg["every"] == 0:
            gc.collect()
            rss.append([i + 1, rss_mib()])
    block = max(1, cfg["fits"] // 6)
    return {
        "fits": cfg["fits"],
        "rss": rss,
        "growth_mib": rss[-1][1] - rss[0][1],
        "first_s": statistics.median(times[1 : block + 1]),
        "last_s": statistics.median(times[-block:]),
        "block": block,
        "dispatch": "compiled"
        if _engine.last_dispatch()[0] == "compiled"
        else f"keras: {_engine.last_dispatch()[1]}",
    }


def _tutorial_grid(cfg):
    """The grid of ``cfg`` for skkeras' pipeline, one candidate per grid."""
    candidates = list(
        product(cfg["solvers"], cfg["inits"], cfg["epochs"], cfg["batches"])
    )
    return _grid_param_grid("skkeras", candidates, cfg["hidden"])


def case_workers(contender, cfg):
    """The same grid search with joblib's process backend, 1 worker, then 2."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    X, y = pima()
    n_jobs = 2 if contender == "2-workers" else 1
    folds = list(StratifiedKFold(cfg["cv"]).split(X, y))
    grid = _tutorial_grid(cfg)
    net = dict(hidden=cfg["hidden"], epochs=1, batch=1, n_classes=2)  # set by the grid
    search = GridSearchCV(
        pipeline("skkeras", **net),
        grid,
        cv=folds,
        scoring="accuracy",
        refit=False,
        n_jobs=n_jobs,
    )
    wall, _ = timed(lambda: search.fit(X, y))
    return {
        "wall_s": wall,
        "fits": len(grid) * len(folds),
        "n_jobs": n_jobs,
        "best_accuracy": float(search.best_score_),
        "best": {k.split("__")[1]: v for k, v in search.best_params_.items()},
    }


def case_search(contender, cfg):
    """The pima 10-fold CV and the tutorial grid: scikit-learn's model selection
    against skkeras.model_selection, on TensorFlow and on JAX."""
    from sklearn import model_selection as sk
    from sklearn.model_selection import StratifiedKFold

    from skkeras import config
    from skkeras import model_selection as ms

    ours = contender.startswith("skkeras")
    lib = ms if ours else sk
    # By default the CPU groups only fits that share runs; "always" groups all.
    config.set_config(
        group="always" if contender == "skkeras-search-always-jax" else "auto"
    )
    X, y = pima()
    folds = list(
        StratifiedKFold(cfg["folds"], shuffle=True, random_state=0).split(X, y)
    )
    cv_pipe = pipeline(
        "skkeras",
        hidden=cfg["hidden"],
        epochs=cfg["cv_epochs"],
        batch=cfg["cv_batch"],
        n_classes=2,
    )
    cv_s, scores = timed(
        lambda: lib.cross_validate(cv_pipe, X, y, cv=folds, scoring="accuracy")[
            "test_score"
        ]
    )
    grid_folds = list(StratifiedKFold(cfg["cv"]).split(X, y))
    grid = _tutorial_grid(cfg)
    net = dict(hidden=cfg["hidden"], epochs=1, batch=1, n_classes=2)  # set by the grid
    search = lib.GridSearchCV(
        pipeline("skkeras", **net), grid, cv=grid_folds, scoring="accuracy", refit=False
    )
    grid_s, _ = timed(lambda: search.fit(X, y))
    out = {
        "cv_s": cv_s,
        "cv_accuracy": float(np.mean(scores)),
        "grid_s": grid_s,
        "fits": len(grid) * len(grid_folds),
        "best_accuracy": float(search.best_score_),
        "best": {k.split("__")[1]: v for k, v in search.best_params_.items()},
        "means": [float(m) for m in search.cv_results_["mean_test_score"]],
        "mode": config.get_config().group,
    }
    if ours:
        report = search.grouping_
        out.update(
            groups=len(report["groups"]),
            alone=len(report["alone"]),
            runs=sum(g["runs"] for g in report["groups"]),
            vectorized=any(g["vectorized"] for g in report["groups"]),
            replayed=report["replayed"],
            reason=report["reason"],
            group_wall_s=sum(g["wall_s"] for g in report["groups"]),
        )
    return out


def case_halving(contender, cfg):
    """Successive halving over the tutorial grid with max_iter as the resource:
    scikit-learn's HalvingGridSearchCV against skkeras', over the same pipeline."""
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV, StratifiedKFold

    from skkeras import model_selection as ms

    ours = contender.startswith("skkeras")
    search_class = ms.HalvingGridSearchCV if ours else HalvingGridSearchCV
    factor = 2 if "-f2" in contender else 3
    X, y = pima()
    folds = list(StratifiedKFold(cfg["cv"]).split(X, y))
    grid = {
        "clf__solver": list(cfg["solvers"]),
        "clf__kernel_initializer": list(cfg["inits"]),
        "clf__batch_size": list(cfg["batches"]),
    }
    net = dict(hidden=cfg["hidden"], epochs=1, batch=1, n_classes=2)  # set by search
    search = search_class(
        pipeline("skkeras", **net),
        grid,
        resource="clf__max_iter",
        max_resources=cfg["max_epochs"],
        factor=factor,
        cv=folds,
        scoring="accuracy",
        refit=False,
    )
    wall, _ = timed(lambda: search.fit(X, y))
    res = search.cv_results_
    epochs = [
        int(n) * len(folds) * r
        for n, r in zip(search.n_candidates_, search.n_resources_)
    ]
    out = {
        "wall_s": wall,
        "factor": factor,
        "n_resources": [int(r) for r in search.n_resources_],
        "n_candidates": [int(n) for n in search.n_candidates_],
        "fits": int(sum(search.n_candidates_)) * len(folds),
        "epochs_retrained": int(sum(epochs)),
        "best_accuracy": float(search.best_score_),
        "best": {k.split("__")[1]: v for k, v in search.best_params_.items()},
        "means": [float(m) for m in res["mean_test_score"]],
        **dispatch(contender),
    }
    if ours:
        out.update(
            epochs_trained=int(sum(r.epochs_trained for r in search.rungs_)),
            continued=int(sum(r.continued + r.copied for r in search.rungs_)),
            reason=search.continuation_reason_,
        )
    return out


def boston():
    from skkeras.datasets import load_boston_housing

    return load_boston_housing(return_X_y=True)


def case_lbfgs(contender, cfg):
    """StandardScaler + MLP(solver="lbfgs"), 5-fold CV on iris, pima, boston.

    Each dataset's cross-validation runs twice in the process: the first
    includes the process's first Keras networks (and, on an accelerator, the
    tracing of skkeras' compiled loss-and-gradient), the second does not (as
    every later fit of the process does not).
    """
    from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    if contender.startswith("sklearn"):
        from sklearn.neural_network import MLPClassifier, MLPRegressor
    else:
        from skkeras import MLPClassifier, MLPRegressor
    # "-1blas": scikit-learn with one BLAS thread, as skkeras runs SciPy's
    # L-BFGS-B (OpenBLAS' threads cost more than they give on small arrays).
    blas_threads = 1 if contender.endswith("-1blas") else None  # None: as is

    datasets = {}
    for name, data, regression in (
        ("iris", iris(), False),
        ("pima", pima(), False),
        ("boston", boston(), True),
    ):
        X, y = data
        splitter = KFold if regression else StratifiedKFold
        cv = list(splitter(cfg["folds"], shuffle=True, random_state=0).split(X, y))
        mlp = (MLPRegressor if regression else MLPClassifier)(
            hidden_layer_sizes=cfg["hidden"],
            solver="lbfgs",
            max_iter=cfg["max_iter"],
            random_state=0,
        )

        def run_cv(mlp=mlp, X=X, y=y, cv=cv):
            pipe = make_pipeline(StandardScaler(), mlp)
            return cross_validate(pipe, X, y, cv=cv, return_estimator=True)

        with threadpool_limits(blas_threads, user_api="blas"):
            first_s, _ = timed(run_cv)
            again_s, result = timed(run_cv)
        datasets[name] = {
            "first_s": first_s,
            "again_s": again_s,
            "scores": [float(v) for v in result["test_score"]],
            "score": float(np.mean(result["test_score"])),
            "n_iter": [int(e[-1].n_iter_) for e in result["estimator"]],
            "metric": "R2" if regression else "accuracy",
        }
    return {"datasets": datasets}


CASES = {
    "iris": case_iris,
    "pima": case_pima,
    "grid": case_grid,
    "bank": case_bank,
    "predict": case_predict,
    "longrun": case_longrun,
    "workers": case_workers,
    "search": case_search,
    "halving": case_halving,
    "lbfgs": case_lbfgs,
}


def warm_compilation_cache(case, contender, quick):
    """Point JAX's persistent compilation cache at a new directory and fill it
    by running the same case once in another process (not timed), as a user's
    earlier run of the same search would.  Returns how the timed run compiles."""
    import atexit
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    if os.environ.get("SKKERAS_BENCH_WARMING"):
        return "warming"  # the untimed run that fills the cache
    if "jax" in sys.modules:  # --quick: another contender imported JAX first
        return "cold (JAX was imported before the cache was set)"
    cache = tempfile.mkdtemp(prefix="skkeras-bench-xla-cache-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    os.environ["JAX_COMPILATION_CACHE_DIR"] = cache
    # By default JAX caches only programs that took a second or more to compile.
    os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
    code = f"import cases; cases.run({case!r}, {contender!r}, quick={bool(quick)})"
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        env=dict(os.environ, SKKERAS_BENCH_WARMING="1"),
    )
    return "warm"


def run(case, contender, *, quick=False):
    """Import the contender's libraries (timed), then run the case."""
    import os

    if contender.endswith("-jax"):  # before Keras is imported
        os.environ["KERAS_BACKEND"] = "jax"
    cache = (
        warm_compilation_cache(case, contender, quick)
        if "-cache" in contender
        else None
    )
    start = time.perf_counter()
    import sklearn.neural_network  # noqa: F401

    if contender not in ("sklearn", "sklearn-lbfgs", "sklearn-lbfgs-1blas"):
        _keras()
    if contender.startswith("skkeras") or contender.endswith(
        ("-jax", "worker", "workers", "search", "halving", "-f2")
    ):
        import skkeras._mlp  # noqa: F401  (the estimators and their engine)
    if contender == "scikeras":
        import scikeras.wrappers  # noqa: F401
    if contender.endswith("-jax") and _keras().backend.backend() != "jax":
        raise RuntimeError("Keras was imported with another backend in this process")
    result = {"import_s": time.perf_counter() - start, "import_rss_mib": peak_rss_mib()}
    if cache is not None:
        result["compilation_cache"] = cache
    result.update(CASES[case](contender, config(case, quick)))
    return result
