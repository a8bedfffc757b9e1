"""A grid search that reports its progress (used by ``skkeras grid``).

Importing this module starts Keras (through :mod:`skkeras.model_selection`);
the command line imports it once Keras is started quietly
(:func:`skkeras.tasks._run.import_keras_quietly`).
"""

import math

from joblib import effective_n_jobs
from sklearn.model_selection import ParameterGrid, check_cv

from ..model_selection import GridSearchCV


class ProgressGridSearchCV(GridSearchCV):
    """skkeras' GridSearchCV that calls ``self.progress_callback(n_done, status)``.

    ``_run_search`` is scikit-learn's documented hook for scheduling the
    candidates of a search: candidates are evaluated in batches just large
    enough to keep ``n_jobs`` workers busy, and the callback runs after
    each batch. ``cv_results_`` is the same as GridSearchCV's.  When the
    fits are trained together first, the callback says so (status
    "training"), and then reports the candidates as they are scored.
    """

    progress_callback = None

    def fit(self, X, y=None, **params):
        if self.progress_callback is not None:
            self.progress_callback(0, status="training")
        return super().fit(X, y, **params)

    def _inner(self, splits):
        # The grouped search scores its candidates on a clone of this search.
        inner = super()._inner(splits)
        inner.progress_callback = self.progress_callback
        return inner

    def _run_search(self, evaluate_candidates):
        candidates = list(ParameterGrid(self.param_grid))
        # The grouped search's clone has the splits themselves as its cv.
        n_splits = check_cv(self.cv).get_n_splits()
        batch = max(1, math.ceil(effective_n_jobs(self.n_jobs) / n_splits))
        for start in range(0, len(candidates), batch):
            done = min(start + batch, len(candidates))
            evaluate_candidates(candidates[start:done])
            if self.progress_callback is not None:
                last = done == len(candidates) and self.refit
                status = "refitting the best on all data" if last else ""
                self.progress_callback(done, status=status)


def make_progress_search(
    estimator, param_grid, *, cv, scoring, refit, n_jobs=None, callback=None
):
    """Return a :class:`ProgressGridSearchCV` with ``error_score="raise"``."""
    search = ProgressGridSearchCV(
        estimator,
        param_grid,
        scoring=scoring,
        refit=refit,
        cv=cv,
        n_jobs=n_jobs,
        error_score="raise",
    )
    search.progress_callback = callback
    return search
