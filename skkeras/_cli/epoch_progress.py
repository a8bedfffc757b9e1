"""The epochs of ``skkeras fit`` on stderr: a Keras callback.

It lives with the command line, which is its only user, because it draws
with :class:`skkeras.reports._text.Progress` and the estimator core imports
nothing from the reports (``tests/test_import_graph.py``).
"""

import keras

from ..reports._text import Progress


class EpochProgress(keras.callbacks.Callback):
    """Epochs done / total, elapsed time and time left, on stderr.

    The line is :class:`skkeras.reports._text.Progress`'s: redrawn in place
    (carriage return) when stderr is a terminal, otherwise printed at the
    start, at most every 10 seconds and at the end.  Like Keras'
    ``ProgbarLogger`` it reads the ``epochs`` of the training call from
    ``self.params``; unlike it, it writes one line for the whole fit, to
    stderr, so that standard output keeps only the results.

    Parameters
    ----------
    label : str, default="fit"
        The label in brackets at the start of the line.

    Examples
    --------
    >>> from skkeras import MLPClassifier
    >>> from skkeras._cli.epoch_progress import EpochProgress
    >>> clf = MLPClassifier((4,), max_iter=3, callbacks=[EpochProgress("demo")])
    >>> clf = clf.fit([[0.0], [1.0]], [0, 1])  # doctest: +SKIP
    [demo] 0/3 epochs, elapsed 0.0s
    [demo] 3/3 epochs, elapsed 0.4s
    """

    reads_model = False  # the logs only: the fits may be trained together

    def __init__(self, label="fit"):
        super().__init__()
        self.label = label
        self._progress = None

    def on_train_begin(self, logs=None):
        total = self.params.get("epochs") or 1
        self._progress = Progress(self.label, total, "epoch")

    def on_epoch_end(self, epoch, logs=None):
        if self._progress is not None:
            self._progress.update(epoch + 1)

    def on_train_end(self, logs=None):
        if self._progress is not None:
            self._progress.close()
            self._progress = None
