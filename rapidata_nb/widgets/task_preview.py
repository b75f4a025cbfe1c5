"""TaskPreview: what a labeler sees for a job, one datapoint at a time, answerable in the notebook."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, ClassVar

import traitlets as t

from rapidata_nb.widgets._base import STATIC_DIR, BaseWidget
from rapidata_nb.widgets._media import DataType
from rapidata_nb.widgets._tasks import TaskSpec, settings_to_flags

__all__ = ["TaskPreview"]


class TaskPreview(BaseWidget):
    """Preview any of the seven task types exactly as a labeler sees it, and try answering it.

    Clicks, taps, strokes and typed text are recorded in :attr:`answers`, so Python can read what an
    answer looks like before the job runs. Only the current datapoint travels to the browser.

    Args:
        task_type: ``"compare"``, ``"classify"``, ``"locate"``, ``"draw"``, ``"select_words"``,
            ``"free_text"`` or ``"ranking"`` (SDK spellings such as ``"classification"`` work too).
        instruction: The question shown above the task.
        datapoints: One entry per datapoint: a URL, a path, bytes or (with ``data_type="text"``) text;
            a pair for compare; a list of items for ranking.
        answer_options: The options of a classify task.
        a_b_names: Names of the two compare sides (default: the file names).
        sentences: One sentence per datapoint for select_words (split on spaces).
        contexts: Optional text shown with each datapoint.
        media_contexts: Optional reference media per datapoint.
        data_type: ``"media"`` or ``"text"``.
        settings: Setting objects (``NoShuffleSetting()``…), ``{"key", "value"}`` dicts or a
            ``{key: value}`` mapping.
        seed: Seeds the per-datapoint shuffling of options and sides.
        interactive: Whether the preview records answers.

    Examples:
        >>> preview = TaskPreview("classify", "What animal is this?", ["cat.png"],
        ...                       answer_options=["Cat", "Dog"])          # doctest: +SKIP
        >>> preview.answers                                                # doctest: +SKIP
        [{'index': 0, 'type': 'classify', 'selected': 'Cat'}]
    """

    _esm = STATIC_DIR / "task_preview.js"
    _css = STATIC_DIR / "widgets.css"
    _widget_name: ClassVar[str] = "TaskPreview"
    _init_arguments: ClassVar[tuple[str, ...]] = (
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
        "seed",
    )

    task_type = t.Unicode(read_only=True).tag(sync=True)
    """The task type, normalised (``"select_words"``, not ``"Select Words"``).

    - Type: ``str``
    - Default: set by the constructor
    """

    index = t.Int(0).tag(sync=True)
    """The datapoint (for ranking: the matchup) being shown, 0-based. Set it to page.

    - Type: ``int``
    - Default: ``0``
    """

    n_tasks = t.Int(0, read_only=True).tag(sync=True)
    """How many datapoints (for ranking: matchups) can be shown.

    - Type: ``int``
    - Default: set by the constructor
    """

    task = t.Dict(read_only=True).tag(sync=True)
    """The task at :attr:`index`, as ``renderTask`` in ``widgets_js/task_renderers.js`` takes it.

    - Type: ``dict``; media bytes travel as binary buffers
    - Default: the first datapoint
    """

    answers = t.List(t.Dict()).tag(sync=True)
    """The answers given in the preview, one per datapoint, sorted by ``index``. Each is
    ``{"index", "type", ...}`` plus ``voted_for`` (compare, ranking), ``selected`` (classify),
    ``points`` (locate), ``lines`` (draw), ``selected_words``/``selected_indices`` (select_words) or
    ``text`` (free_text); coordinates are normalised to [0, 1].

    - Type: ``list[dict]``
    - Default: ``[]``
    """

    interactive = t.Bool(True).tag(sync=True)
    """Whether clicks record answers.

    - Type: ``bool``
    - Default: ``True``
    """

    def __init__(
        self,
        task_type: str,
        instruction: str,
        datapoints: Sequence[Any],
        *,
        answer_options: Sequence[str] | None = None,
        a_b_names: Sequence[str] | None = None,
        sentences: Sequence[str] | None = None,
        contexts: Sequence[str | None] | None = None,
        media_contexts: Sequence[Any] | None = None,
        data_type: DataType = "media",
        settings: Any = None,
        seed: int = 0,
        **kwargs: Any,
    ) -> None:
        self._check_kwargs(kwargs)
        if data_type not in ("media", "text"):
            raise ValueError(f"data_type must be 'media' or 'text', got {data_type!r}")
        self._spec = TaskSpec(
            task_type=task_type,
            instruction=str(instruction),
            datapoints=list(datapoints),
            answer_options=list(answer_options) if answer_options is not None else None,
            a_b_names=list(a_b_names) if a_b_names is not None else None,
            sentences=list(sentences) if sentences is not None else None,
            contexts=list(contexts) if contexts is not None else None,
            media_contexts=list(media_contexts) if media_contexts is not None else None,
            data_type=data_type,
            settings=settings_to_flags(settings),
            seed=seed,
        )
        index = kwargs.pop("index", 0)
        super().__init__(**kwargs)
        self.set_trait("task_type", self._spec.task_type)
        self.set_trait("n_tasks", self._spec.n_tasks)
        self.index = index
        self._show(self.index)

    @property
    def settings(self) -> dict[str, str]:
        """The feature flags in effect, ``{key: value}``."""
        return dict(self._spec.settings)

    @t.validate("index")
    def _validate_index(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        n = self._spec.n_tasks
        if not 0 <= value < n:
            raise t.TraitError(f"index must be between 0 and {n - 1}, got {value}")
        return value

    @t.observe("index")
    def _on_index(self, change: dict[str, Any]) -> None:
        self._show(change["new"])

    def _show(self, index: int) -> None:
        self.set_trait("task", self._spec.task(index))

    def _repr_fields(self) -> dict[str, Any]:
        return {
            "task_type": self.task_type,
            "instruction": self._spec.instruction,
            "n_tasks": self.n_tasks,
            "index": self.index,
            "answers": len(self.answers),
        }

    def _static_html(self) -> str:
        spec = self._spec
        rows = "".join(f"<li>{html.escape(spec.describe(i))}</li>" for i in range(min(spec.n_tasks, 5)))
        more = f"<li>… {spec.n_tasks - 5} more</li>" if spec.n_tasks > 5 else ""
        options = (
            f"<p>Options: {html.escape(', '.join(spec.answer_options))}</p>" if spec.answer_options else ""
        )
        return (
            '<div class="rnb-static" style="font-family:sans-serif;border:1px solid #d1d9e0;'
            'border-radius:8px;padding:8px 12px;max-width:640px">'
            f"<div><b>TaskPreview</b> · {html.escape(spec.task_type.replace('_', ' '))} · "
            f"{spec.n_tasks} task(s)</div>"
            f"<p><b>{html.escape(spec.instruction)}</b></p>{options}<ul>{rows}{more}</ul></div>"
        )
