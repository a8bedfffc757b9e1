"""scikit-learn's iteration bookkeeping and ``verbose`` lines for the MLPs.

scikit-learn's MLP (``_fit_stochastic``, 1.9.1) counts a training call's
epochs in ``n_iter_``, from 0 at every ``fit`` and ``partial_fit`` (a warm
``fit`` runs up to ``max_iter`` epochs more, and ``n_iter_`` is the number it
ran; ``partial_fit`` sets it to 1), while ``t_`` (samples seen),
``loss_curve_`` and ``validation_scores_`` keep growing over the calls
since the network was made.  With ``verbose`` it prints
``"Iteration %d, loss = %.8f"`` after each epoch (the epoch number of the
call), then ``"Validation score: %f"`` with early stopping.
:class:`IterationLog` prints those lines from the training loop, in place of
Keras' progress bar.
"""

import sys

import keras


class IterationLog(keras.callbacks.Callback):
    """Print scikit-learn's MLP lines after each epoch.

    Parameters
    ----------
    validation : bool
        Also print the epoch's validation score (``val_score`` in the logs).
    convergence : skkeras._callbacks.Convergence or None
        The fit's stopping rule, run before this callback: when it stops
        training, scikit-learn's "did not improve ... Stopping." line follows.
    """

    # Read by the engine: a fit that prints its epochs trains on its own,
    # not in a vectorized group (whose members' epochs run together).
    prints_progress = True

    def __init__(self, validation, convergence=None):
        super().__init__()
        self.validation = validation
        self.convergence = convergence

    def on_train_begin(self, logs=None):
        self._count = 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self._count += 1
        nan = float("nan")
        # scikit-learn's formats, "%.8f" and "%f".
        lines = [f"Iteration {self._count}, loss = {logs.get('loss', nan):.8f}"]
        if self.validation:
            lines.append(f"Validation score: {logs.get('val_score', nan):f}")
        rule = self.convergence
        if rule is not None and rule.converged:
            watched = "Validation score" if self.validation else "Training loss"
            lines.append(
                f"{watched} did not improve more than tol={rule.tol:f} for "
                f"{rule.n_iter_no_change} consecutive epochs. Stopping."
            )
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()


def count_epochs(estimator, n_epochs):
    """Record a training call of ``n_epochs`` epochs in ``estimator``'s
    ``n_iter_`` (this call's) and ``t_`` (every call's samples)."""
    estimator.n_iter_ = n_epochs
    estimator.t_ = getattr(estimator, "t_", 0) + n_epochs * estimator._fit_plan.n_train
