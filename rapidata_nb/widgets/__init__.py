"""Jupyter widgets of rapidata_nb (anywidget): task previews, live job progress and result views.

Each widget is one module here plus one front-end module in ``widgets_js/`` (bundled into
``static/``). Importing this package registers the renderers the client uses
(``rapidata_nb.client._display``), so the client never imports widgets itself. The widget classes
(and with them anywidget/ipywidgets) load on first use, so ``import rapidata_nb`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rapidata_nb.widgets._register import register_renderers

if TYPE_CHECKING:
    from rapidata_nb.widgets.job_progress import JobProgress
    from rapidata_nb.widgets.labeler import Labeler
    from rapidata_nb.widgets.leaderboard import Leaderboard
    from rapidata_nb.widgets.results_gallery import ResultsGallery
    from rapidata_nb.widgets.task_preview import TaskPreview
    from rapidata_nb.widgets.winloss_matrix import WinLossMatrix

__all__ = ["JobProgress", "Labeler", "Leaderboard", "ResultsGallery", "TaskPreview", "WinLossMatrix"]

_MODULES = {
    "JobProgress": "job_progress",
    "Labeler": "labeler",
    "Leaderboard": "leaderboard",
    "ResultsGallery": "results_gallery",
    "TaskPreview": "task_preview",
    "WinLossMatrix": "winloss_matrix",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        module = importlib.import_module(f"rapidata_nb.widgets.{_MODULES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'rapidata_nb.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


register_renderers()
