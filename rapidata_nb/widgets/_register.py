"""Registering the widgets as the client's renderers (``rapidata_nb.client._display``).

Kinds and what the registered function does:

- ``"job_progress"``: ``fn(jobs)`` displays a live :class:`JobProgress` and returns it (the caller may
  ``.wait()`` on it to block like ``display_progress_bar``).
- ``"job"``: ``fn(job)`` returns a :class:`JobProgress` for one job (not displayed).
- ``"job_definition"``: ``fn(definition)`` returns a :class:`TaskPreview` (not displayed).
- ``"results"``: ``fn(results)`` returns a :class:`ResultsGallery` (not displayed).
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["preview_definition", "register_renderers", "show_progress"]

logger = logging.getLogger("rapidata_nb.widgets")


def show_progress(jobs: Any, *, refresh_rate: float = 1.0) -> Any:
    """Display a live :class:`JobProgress` for ``jobs`` and return it."""
    from IPython.display import display

    from rapidata_nb.widgets.job_progress import JobProgress

    widget = JobProgress(jobs, refresh_rate=refresh_rate)
    display(widget)
    return widget


def _job_widget(job: Any) -> Any:
    from rapidata_nb.widgets.job_progress import JobProgress

    return JobProgress([job])


def _results_widget(results: Any) -> Any:
    from rapidata_nb.widgets.results_gallery import ResultsGallery

    return ResultsGallery(results)


def preview_definition(definition: Any) -> Any:
    """A :class:`TaskPreview` for a job definition (read duck-typed: ``task_type`` or ``type``,
    ``instruction``, ``datapoints`` and the optional parameters of ``create_*_job_definition``)."""
    from rapidata_nb.widgets.task_preview import TaskPreview

    def attr(*names: str, default: Any = None) -> Any:
        for name in names:
            value = getattr(definition, name, None)
            if value is None and isinstance(definition, dict):
                value = definition.get(name)
            if value is not None:
                return value
        return default

    return TaskPreview(
        attr("task_type", "type", "_task_type"),
        attr("instruction", default=""),
        attr("datapoints", default=[]),
        answer_options=attr("answer_options"),
        a_b_names=attr("a_b_names"),
        sentences=attr("sentences"),
        contexts=attr("contexts"),
        media_contexts=attr("media_contexts"),
        data_type=attr("data_type", default="media"),
        settings=attr("settings"),
    )


def register_renderers() -> None:
    """Register the widget renderers with the client's registry (no-op if the client is absent)."""
    try:
        from rapidata_nb.client import _display
    except ImportError:  # the client package is optional for the widgets themselves
        logger.debug("rapidata_nb.client._display not available; widget renderers not registered")
        return
    _display.register("job_progress", show_progress)
    _display.register("job", _job_widget)
    _display.register("job_definition", preview_definition)
    _display.register("results", _results_widget)
