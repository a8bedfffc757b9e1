"""The epochs of ``skkeras fit`` on stderr (skkeras._cli.epoch_progress)."""

import numpy as np

from skkeras import MLPClassifier
from skkeras._cli.epoch_progress import EpochProgress


def test_epoch_progress_reports_epochs_on_stderr(capsys):
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    clf = MLPClassifier(
        (4,),
        max_iter=3,
        n_iter_no_change=np.inf,
        random_state=0,
        callbacks=[EpochProgress("demo")],
    )
    clf.fit(X, [0, 1, 0, 1])
    out, err = capsys.readouterr()
    assert out == ""
    assert "[demo] 0/3 epochs, elapsed" in err and "[demo] 3/3 epochs" in err
    assert clf.n_iter_ == 3
