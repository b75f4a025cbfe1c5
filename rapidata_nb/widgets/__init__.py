"""Jupyter widgets of rapidata_nb (anywidget): task previews, live job progress and result views.

Each widget is one module here plus one front-end module in ``widgets_js/`` (bundled into
``static/``). Importing this package registers the renderers the client uses
(``rapidata_nb.client._display``), so the client never imports widgets itself.
"""

from __future__ import annotations

from rapidata_nb.widgets._register import register_renderers
from rapidata_nb.widgets.job_progress import JobProgress
from rapidata_nb.widgets.labeler import Labeler
from rapidata_nb.widgets.leaderboard import Leaderboard
from rapidata_nb.widgets.results_gallery import ResultsGallery
from rapidata_nb.widgets.task_preview import TaskPreview
from rapidata_nb.widgets.winloss_matrix import WinLossMatrix

__all__ = ["JobProgress", "Labeler", "Leaderboard", "ResultsGallery", "TaskPreview", "WinLossMatrix"]

register_renderers()
