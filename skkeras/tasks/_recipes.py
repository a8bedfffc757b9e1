"""The recipes of the five tutorial tasks, as plain data.

Each recipe names its loader, preprocessing and network, and holds the
network's parameters, the scoring, the full grid and a 4-candidate quick
grid; :class:`~skkeras.tasks.Task` reads them.
"""

import math

from ._loaders import bank_data, boston_data, gender_data, iris_data, pima_data
from ._options import RecipeOption

__all__ = ["RECIPES"]

_CLASSIFIER_SCORING = {"accuracy": "accuracy", "roc_auc": "roc_auc"}
# The tutorials train for a fixed number of epochs (Keras' fit); the recipes
# do the same by switching off scikit-learn's "no improvement" stopping rule.
_ALL_EPOCHS = math.inf


RECIPES = {
    "pima": dict(
        kind="binary",
        title="Pima Indians diabetes",
        description=(
            "Predict the onset of diabetes within five years from 8 medical "
            "measurements of 768 Pima Indian women (binary, 35 % positive)."
        ),
        tutorial=(
            "Keras 'Your first deep learning project': a (12, 8) relu "
            "network, adam, 150 epochs of batch 10; about 0.77 accuracy in "
            "10-fold cross-validation once the inputs are standardised. The "
            "recipe adds an L2 penalty (alpha=0.7) against overfitting 700 rows."
        ),
        loader=pima_data,
        preprocessing="scale",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(12, 8),
            activation="relu",
            solver="adam",
            alpha=0.7,
            max_iter=150,
            batch_size=10,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring=_CLASSIFIER_SCORING,
        grid={
            "solver": ["rmsprop", "adam"],
            "kernel_initializer": ["glorot_uniform", "normal", "uniform"],
            "max_iter": [50, 100, 150],
            "batch_size": [5, 10, 20],
        },
        quick_grid={
            "solver": ["rmsprop", "adam"],
            "max_iter": [50, 150],
        },
    ),
    "iris": dict(
        kind="multiclass",
        title="Iris species",
        description=(
            "Classify 150 iris flowers into 3 species from 4 sepal and petal "
            "measurements (multiclass, balanced)."
        ),
        tutorial=(
            "Keras 'Multi-class classification': one hidden layer of 8 relu "
            "units, softmax output, 200 epochs of batch 5; about 0.97 "
            "accuracy in 10-fold cross-validation."
        ),
        loader=iris_data,
        preprocessing="scale",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(8,),
            activation="relu",
            solver="adam",
            max_iter=200,
            batch_size=5,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring={"accuracy": "accuracy", "roc_auc": "roc_auc_ovr"},
        grid={
            "hidden_layer_sizes": [(4,), (8,), (16,)],
            "solver": ["adam", "rmsprop"],
            "max_iter": [100, 200],
            "batch_size": [5, 16],
        },
        quick_grid={
            "hidden_layer_sizes": [(4,), (8,)],
            "max_iter": [50, 200],
        },
    ),
    "boston": dict(
        kind="regression",
        title="Boston housing",
        description=(
            "Predict the median house value (in $1000s) of 506 Boston census "
            "tracts from 13 features (regression). The B feature encodes a "
            "racist assumption: see skkeras.datasets.load_boston_housing."
        ),
        tutorial=(
            "Keras 'Regression tutorial': a (13,) network, then deeper "
            "(13, 6) and wider (20,) ones, standardised inputs, batch 5; "
            "about 4.7 RMSE (MSE 22) in 10-fold cross-validation after 50-100 "
            "epochs. The recipe trains the deeper one for 200 epochs."
        ),
        loader=boston_data,
        preprocessing="scale",
        estimator="MLPRegressor",
        params=dict(
            hidden_layer_sizes=(13, 6),
            activation="relu",
            solver="adam",
            max_iter=200,
            batch_size=5,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring={"rmse": "neg_root_mean_squared_error", "r2": "r2"},
        grid={
            "hidden_layer_sizes": [(13,), (13, 6), (20,)],
            "max_iter": [100, 200],
            "batch_size": [5, 16],
        },
        quick_grid={
            "hidden_layer_sizes": [(13,), (13, 6)],
            "max_iter": [100, 200],
        },
    ),
    "bank": dict(
        kind="binary",
        title="Bank marketing",
        description=(
            "Predict whether a client subscribes a term deposit after a "
            "marketing call: 4,521 clients, 16 features of which 9 are "
            "categorical (binary, 11.5 % 'yes'; the majority class alone "
            "scores 0.885 accuracy). The recipe leaves out 'duration', the "
            "length of the call: it is known only after the call, with its "
            "outcome, so it leaks the target (--set keep_duration=true, or "
            "load(keep_duration=True), keeps it, as the tutorial does)."
        ),
        tutorial=(
            "Keras bank-marketing classifier: one-hot encoded categories, "
            "standardised numbers, a relu network with a sigmoid output; "
            "ROC AUC about 0.90 with all 16 features, 'duration' included. "
            "The recipe uses (64, 32) with dropout 0.5 for 30 epochs."
        ),
        loader=bank_data,
        options={
            "keep_duration": RecipeOption(
                False,
                bool,
                "keep the 'duration' column, which leaks the target (the "
                "tutorial's setting)",
            ),
        },
        preprocessing="bank",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(64, 32),
            activation="relu",
            solver="adam",
            dropout=0.5,
            max_iter=30,
            batch_size=32,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring=_CLASSIFIER_SCORING,
        grid={
            "hidden_layer_sizes": [(16,), (64, 32)],
            "solver": ["adam", "rmsprop"],
            "dropout": [0.0, 0.5],
            "max_iter": [10, 30],
        },
        quick_grid={
            "hidden_layer_sizes": [(16,), (64, 32)],
            "dropout": [0.0, 0.5],
        },
    ),
    "gender": dict(
        kind="binary",
        title="Gender from height, weight and age",
        description=(
            "Classify 1,000 synthetic people as female or male from "
            "standardised weight, height and age (skkeras.datasets."
            "make_gender, seed 0; Bayes-optimal accuracy about 0.807)."
        ),
        tutorial=(
            "Keras toy gender classifier: a tiny relu network on three "
            "standardised features; close to the Bayes-optimal 0.807."
        ),
        loader=gender_data,
        preprocessing="scale",
        estimator="MLPClassifier",
        params=dict(
            hidden_layer_sizes=(8,),
            activation="relu",
            solver="adam",
            learning_rate_init=0.003,
            max_iter=50,
            batch_size=32,
            n_iter_no_change=_ALL_EPOCHS,
            random_state=0,
        ),
        scoring=_CLASSIFIER_SCORING,
        grid={
            "hidden_layer_sizes": [(4,), (8,), (16, 8)],
            "solver": ["adam", "sgd"],
            "max_iter": [20, 50, 100],
        },
        quick_grid={
            "hidden_layer_sizes": [(4,), (16, 8)],
            "max_iter": [20, 50],
        },
    ),
}
