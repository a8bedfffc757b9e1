"""Look at results: ranked tables, plots and HTML/Markdown reports.

* :func:`search_frame`, :func:`cv_frame`, :func:`cv_summary`: pandas
  DataFrames of a fitted ``GridSearchCV``/``RandomizedSearchCV`` (ranked
  candidates) or of a ``cross_validate`` result (per fold, and mean ± std),
  with error metrics shown positive (RMSE, not minus RMSE).
* :class:`HistoryDisplay`: learning curves (loss and val_loss per epoch) of
  a fitted network, in scikit-learn's Display style.
* :func:`plot_search_scores`, :func:`plot_search_heatmap`,
  :func:`plot_fold_scores`: the plots of the reports, one at a time.
* :func:`make_report`: all of it in one self-contained HTML file, or in
  Markdown.

The plots need matplotlib, an optional dependency:
``pip install 'skkeras[plot]'``. The tables and reports work without it.
"""

from ._fold_plots import plot_fold_scores
from ._history_plots import HistoryDisplay
from ._render import make_report
from ._results import cv_frame, cv_summary, search_frame
from ._search_plots import plot_search_heatmap, plot_search_scores

__all__ = [
    "HistoryDisplay",
    "cv_frame",
    "cv_summary",
    "make_report",
    "plot_fold_scores",
    "plot_search_heatmap",
    "plot_search_scores",
    "search_frame",
]
