"""The classic Keras 2 Pima grid search, as written, next to scikeras' style.

Keras 2's tutorial (``keras.wrappers.scikit_learn``) builds and compiles the
network in a function whose arguments (``optimizer``, ``init``) the grid
varies by their plain names.  This script runs that code with only the import
changed (``from skkeras import KerasClassifier``), then the same grid declared
in scikeras' style: an uncompiled model, ``model__init`` for the build
function's argument, ``optimizer`` as the wrapper's compile parameter.  Both
use scikit-learn's ``GridSearchCV`` on the full Pima data (768 rows), and
the script prints the wall time and best score of each.

Run from the repository root::

    python benchmarks/compat/keras2_pima_grid.py            # the tutorial's grid
    python benchmarks/compat/keras2_pima_grid.py --quick    # a few seconds' check
    python benchmarks/compat/keras2_pima_grid.py --epochs 10 20 --batch-sizes 10 20

The tutorial's grid (epochs 50/100/150, batch sizes 5/10/20, 162 fits per
style) took 22.9 s as written and 22.2 s in scikeras' style on 2 AMD EPYC
cores with TensorFlow (best score 0.7487 for both); ``--epochs`` and
``--batch-sizes`` shrink it.  ``KERAS_BACKEND`` chooses the backend.  The
warning on ``build_fn`` and Keras 3's warning on ``input_shape=`` are silenced here: a
grid would print them once per fit.
"""

import argparse
import os
import platform
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TUTORIAL_EPOCHS = [50, 100, 150]
TUTORIAL_BATCH_SIZES = [5, 10, 20]


def keras2_tutorial(X, Y, epochs, batches, cv, inits):
    """The Keras 2 tutorial's grid search; only the import differs."""
    from keras.layers import Dense
    from keras.models import Sequential
    from sklearn.model_selection import GridSearchCV

    from skkeras import KerasClassifier  # was: from keras.wrappers.scikit_learn ...

    def create_model(optimizer="rmsprop", init="glorot_uniform"):
        model = Sequential()
        model.add(
            Dense(12, input_shape=(8,), kernel_initializer=init, activation="relu")
        )
        model.add(Dense(8, kernel_initializer=init, activation="relu"))
        model.add(Dense(1, kernel_initializer=init, activation="sigmoid"))
        model.compile(
            loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"]
        )
        return model

    model = KerasClassifier(build_fn=create_model, verbose=0)
    param_grid = dict(
        optimizer=["rmsprop", "adam"], init=inits, epochs=epochs, batch_size=batches
    )
    grid = GridSearchCV(estimator=model, param_grid=param_grid, cv=cv)
    grid_result = grid.fit(X, Y)
    return grid_result


def scikeras_style(X, Y, epochs, batches, cv, inits):
    """The same grid with scikeras' conventions: the wrapper compiles."""
    import keras
    from sklearn.model_selection import GridSearchCV

    from skkeras import KerasClassifier

    def build(meta, init="glorot_uniform"):
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(12, kernel_initializer=init, activation="relu"),
                keras.layers.Dense(8, kernel_initializer=init, activation="relu"),
                keras.layers.Dense(1, kernel_initializer=init, activation="sigmoid"),
            ]
        )

    model = KerasClassifier(
        model=build, loss="binary_crossentropy", metrics=["accuracy"], verbose=0
    )
    param_grid = {
        "optimizer": ["rmsprop", "adam"],
        "model__init": inits,
        "epochs": epochs,
        "batch_size": batches,
    }
    return GridSearchCV(estimator=model, param_grid=param_grid, cv=cv).fit(X, Y)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny grid on 200 rows")
    parser.add_argument("--epochs", type=int, nargs="+", default=TUTORIAL_EPOCHS)
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=TUTORIAL_BATCH_SIZES
    )
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7, help="the tutorial's seed")
    args = parser.parse_args(argv)

    import keras
    import sklearn

    import skkeras
    from skkeras.datasets import load_pima_indians_diabetes

    X, Y = load_pima_indians_diabetes(return_X_y=True)
    inits = ["glorot_uniform", "normal", "uniform"]
    epochs, batches, cv = args.epochs, args.batch_sizes, args.cv
    if args.quick:
        X, Y = X[:200], Y[:200]
        epochs, batches, cv, inits = [1], [50], 2, inits[:2]
    n_fits = 2 * len(inits) * len(epochs) * len(batches) * cv
    print(
        f"skkeras {skkeras.__version__}, Keras {keras.__version__} "
        f"({keras.backend.backend()}), scikit-learn {sklearn.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"grid: optimizer x init {inits} x epochs {epochs} x batch_size {batches}, "
        f"cv={cv}: {n_fits} fits + 1 refit per style, {len(X)} rows"
    )
    results = {}
    styles = (("Keras 2 tutorial", keras2_tutorial), ("scikeras style", scikeras_style))
    for name, run in styles:
        keras.utils.set_random_seed(args.seed)
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", "``build_fn`` will be renamed", FutureWarning
            )
            warnings.filterwarnings("ignore", "Do not pass an `input_", UserWarning)
            start = time.perf_counter()
            grid_result = run(X, Y, epochs, batches, cv, inits)
            seconds = time.perf_counter() - start
        results[name] = (seconds, grid_result)
        means = grid_result.cv_results_["mean_test_score"]
        print(
            f"{name:>17}: {seconds:8.1f} s  best {grid_result.best_score_:.4f} "
            f"{grid_result.best_params_}  (mean over candidates {means.mean():.4f})"
        )
    (t_keras2, _), (t_scikeras, _) = results.values()
    ratio = t_keras2 / t_scikeras
    print(f"time ratio (Keras 2 tutorial / scikeras style): {ratio:.2f}")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
