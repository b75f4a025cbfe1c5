"""Registering the widgets as the client's renderers (``rapidata_nb.client._display``).

What each registered function does, matching how the client calls it:

- ``"job_progress"``: ``fn(jobs)`` displays a live :class:`JobProgress` and returns it; the client then
  blocks in its own wait loop while the widget's thread polls (``RapidataJob.display_progress_bar``).
- ``"job"``: ``fn(job)`` displays a :class:`JobProgress` of that one job and returns it.
- ``"job_definition"``: ``fn(definition)`` displays a :class:`TaskPreview` and returns it
  (``RapidataJobDefinition.preview()``); the definition provides plain data, see
  :func:`preview_definition`.
- ``"results"``: ``fn(results)`` returns a :class:`ResultsGallery` without displaying it, for a
  ``_repr_mimebundle_`` to embed.
- ``"leaderboard"`` / ``"benchmark"``: ``fn(obj)`` displays a :class:`Leaderboard` of an MRI leaderboard's
  standings with their intervals, or of a benchmark's overall standings.
- ``"labeler"``: ``fn(**session)`` displays a :class:`Labeler` in which the user labels tasks themselves
  (``audience.label()``, ``job.label()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapidata_nb.client import _display as registry
from rapidata_nb.widgets import labeler
from rapidata_nb.widgets.job_progress import JobProgress
from rapidata_nb.widgets.leaderboard import Leaderboard
from rapidata_nb.widgets.results_gallery import ResultsGallery
from rapidata_nb.widgets.task_preview import TaskPreview

__all__ = [
    "preview_definition",
    "register_renderers",
    "show_job",
    "show_labeler",
    "show_preview",
    "show_progress",
    "show_standings",
]


def _display(widget: Any) -> Any:
    from IPython.display import display

    display(widget)  # type: ignore[no-untyped-call]
    return widget


def show_progress(jobs: Any, *, refresh_rate: float = 1.0) -> Any:
    """Display a live :class:`JobProgress` for ``jobs`` and return it.

    Polling starts only after the widget is displayed, so the displayed text fallback never depends on
    how far the jobs got in between.
    """
    widget = _display(JobProgress(jobs, refresh_rate=refresh_rate, start=False))
    widget.start()
    return widget


def show_job(job: Any) -> Any:
    """Display a live :class:`JobProgress` for one job and return it."""
    return show_progress([job])


def results_gallery(results: Any) -> Any:
    """A :class:`ResultsGallery` over a results document (not displayed)."""
    return ResultsGallery(results)


def preview_definition(definition: Any) -> Any:
    """A :class:`TaskPreview` for a job definition.

    The definition is read duck-typed, and never fetched from here: ``definition._preview_data()`` if
    it has one (a mapping with the keyword arguments of :class:`TaskPreview`), else the attributes
    ``task_type``, ``instruction``, ``datapoints``, ``answer_options``, ``a_b_names``, ``sentences``,
    ``contexts``, ``media_contexts``, ``data_type`` and ``settings`` (or the same keys of a dict).
    """
    data = definition._preview_data() if hasattr(definition, "_preview_data") else None
    if not isinstance(data, Mapping):

        def attr(name: str) -> Any:
            if isinstance(definition, Mapping):
                return definition.get(name)
            return getattr(definition, name, None)

        data = {
            name: attr(name)
            for name in (
                "task_type",
                "instruction",
                "datapoints",
                "answer_options",
                "a_b_names",
                "sentences",
                "contexts",
                "media_contexts",
                "data_type",
                "settings",
            )
        }
    kwargs = {k: v for k, v in data.items() if v is not None}
    return TaskPreview(
        kwargs.pop("task_type"), kwargs.pop("instruction", "") or "", kwargs.pop("datapoints", []), **kwargs
    )


def show_preview(definition: Any) -> Any:
    """Display the :class:`TaskPreview` of a job definition and return it."""
    return _display(preview_definition(definition))


def show_standings(source: Any) -> Any:
    """Display a :class:`Leaderboard` of an MRI leaderboard (with intervals) or of a benchmark's standings."""
    return _display(Leaderboard(source.standings_frame()))


def show_labeler(**session: Any) -> Any:
    """Display the notebook labeling widget and return it."""
    return labeler.show_labeler(**session)


def register_renderers() -> None:
    """Register the widget renderers with the client's registry."""
    registry.register("job_progress", show_progress)
    registry.register("job", show_job)
    registry.register("job_definition", show_preview)
    registry.register("results", results_gallery)
    registry.register("labeler", show_labeler)
    registry.register("leaderboard", show_standings)
    registry.register("benchmark", show_standings)
