"""
======================================
Visualization of MLP weights on digits
======================================

scikit-learn's gallery example "Visualization of MLP weights on MNIST"
(``examples/neural_networks/plot_mnist_filters.py``), with its one import
line changed to ``from skkeras import MLPClassifier``, and the bundled 8x8
digits of :func:`sklearn.datasets.load_digits` in place of MNIST (which
``fetch_openml`` downloads): the pixels are scaled by 16 instead of 255 and
each filter is shown as 8x8 instead of 28x28.

``mlp.coefs_[0]`` holds the weights of the first layer, one column of
``n_features`` values per hidden unit, as in scikit-learn: reshaped to the
image size, each column shows what that unit responds to. skkeras reads
``coefs_`` from the Keras network (``mlp.model_``) each time it is accessed.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skkeras import MLPClassifier

# Load data from https://www.openml.org/d/554 -> the bundled digits
X, y = load_digits(return_X_y=True)
X = X / 16.0

# Split data into train partition and test partition
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, test_size=0.7)

mlp = MLPClassifier(
    hidden_layer_sizes=(40,),
    max_iter=8,
    alpha=1e-4,
    solver="sgd",
    verbose=10,
    random_state=1,
    learning_rate_init=0.2,
)

# this example won't converge because of resource usage constraints on
# our Continuous Integration infrastructure, so we catch the warning and
# ignore it here
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    mlp.fit(X_train, y_train)

print("Training set score: %f" % mlp.score(X_train, y_train))  # noqa: UP031
print("Test set score: %f" % mlp.score(X_test, y_test))  # noqa: UP031

fig, axes = plt.subplots(4, 4)
# use global min / max to ensure all weights are shown on the same scale
vmin, vmax = mlp.coefs_[0].min(), mlp.coefs_[0].max()
for coef, ax in zip(mlp.coefs_[0].T, axes.ravel()):
    ax.matshow(coef.reshape(8, 8), cmap=plt.cm.gray, vmin=0.5 * vmin, vmax=0.5 * vmax)
    ax.set_xticks(())
    ax.set_yticks(())

plt.show()
