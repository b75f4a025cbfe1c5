"""The words both sides of the wire share: task kinds and their spellings, and the demographic values.

A task kind is spelled differently in each place it appears (``Line`` as a rapid tag, ``Draw`` in results,
``draw`` in the SDK's ``create_draw_job_definition``); :data:`KINDS` holds every spelling of a kind in one
row, so each layer converts through it instead of keeping its own map. The spellings follow the official
SDK 3.27.1 (``tests/api/test_vocabulary.py`` checks them against its enums).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "AGE_GROUPS",
    "DEVICE_TYPES",
    "GENDERS",
    "KINDS",
    "LABELER_DEVICE_TYPES",
    "KindSpelling",
    "TaskKind",
    "kind_of_definition_type",
    "kind_of_rapid",
    "kind_of_workflow",
]


class TaskKind(StrEnum):
    """The seven kinds of task a job definition can ask for."""

    COMPARE = "compare"
    CLASSIFY = "classify"
    LOCATE = "locate"
    DRAW = "draw"
    SELECT_WORDS = "select_words"
    FREE_TEXT = "free_text"
    RANKING = "ranking"


@dataclass(frozen=True)
class KindSpelling:
    """Every spelling of one task kind.

    Attributes:
        rapid_tag: The ``_t`` of the rapid in a ``SimpleWorkflow`` (``None``: ranking has its own workflow).
        definition_type: ``definitionType`` of ``GET /job/definition/{id}``.
        sdk_name: The SDK's name, as in ``create_<sdk_name>_job_definition``.
        task_type: The name people read (task previews, ``RapidataJobDefinition`` repr).
        result_type: ``info.type`` of the results document.
        result_version: ``info.version`` of the results document.
        instruction_field: The field holding the instruction (in the rapid; ranking: in the workflow).
    """

    rapid_tag: str | None
    definition_type: str
    sdk_name: str
    task_type: str
    result_type: str
    result_version: str
    instruction_field: str


KINDS: dict[TaskKind, KindSpelling] = {
    TaskKind.COMPARE: KindSpelling(
        "Compare", "Compare", "compare", "Compare", "Compare", "4.1.0", "criteria"
    ),
    TaskKind.CLASSIFY: KindSpelling(
        "Classify", "Classify", "classification", "Classification", "Classification", "3.0.0", "title"
    ),
    TaskKind.LOCATE: KindSpelling("Locate", "Locate", "locate", "Locate", "Locate", "1.0.0", "target"),
    TaskKind.DRAW: KindSpelling("Line", "Line", "draw", "Draw", "Draw", "1.0.0", "target"),
    TaskKind.SELECT_WORDS: KindSpelling(
        "Transcription", "Transcription", "select_words", "Select Words", "SelectWords", "1.0.0", "title"
    ),
    TaskKind.FREE_TEXT: KindSpelling(
        "FreeText", "FreeText", "free_text", "Free Text", "FreeText", "1.0.0", "question"
    ),
    TaskKind.RANKING: KindSpelling(None, "Ranking", "ranking", "Ranking", "Ranking", "1.0.0", "criteria"),
}

_BY_RAPID_TAG = {spelling.rapid_tag: kind for kind, spelling in KINDS.items() if spelling.rapid_tag}
_BY_DEFINITION_TYPE = {spelling.definition_type: kind for kind, spelling in KINDS.items()}


def kind_of_rapid(tag: str) -> TaskKind:
    """The kind of a rapid's ``_t`` tag (``Line`` → ``draw``).

    Raises:
        ValueError: If no kind has that tag.
    """
    if tag not in _BY_RAPID_TAG:
        raise ValueError(f"unknown rapid {tag!r} (one of {', '.join(_BY_RAPID_TAG)})")
    return _BY_RAPID_TAG[tag]


def kind_of_workflow(workflow: dict[str, Any]) -> TaskKind:
    """The kind of a wire workflow dict (``GroupedRankingWorkflow``, or a ``SimpleWorkflow``'s rapid).

    Raises:
        ValueError: If the workflow is of no kind we know.
    """
    if workflow.get("_t") == "GroupedRankingWorkflow":
        return TaskKind.RANKING
    return kind_of_rapid(str((workflow.get("rapid") or {}).get("_t")))


def kind_of_definition_type(definition_type: str) -> TaskKind:
    """The kind of a ``definitionType`` (``GroupedRanking`` is the SDK's other name for ``Ranking``)."""
    if definition_type == "GroupedRanking":
        return TaskKind.RANKING
    return _BY_DEFINITION_TYPE[definition_type]


AGE_GROUPS = ("0-17", "18-29", "30-39", "40-49", "50-64", "65+")
"""Age groups of labelers (the SDK's ``AgeGroup``)."""

GENDERS = ("Male", "Female", "Other")
"""Genders of labelers (the SDK's ``Gender``)."""

DEVICE_TYPES = ("Unknown", "Phone", "Tablet")
"""Device types a ``DeviceFilter`` may name (the SDK's ``DeviceType``; it has no ``Desktop``)."""

LABELER_DEVICE_TYPES = (*DEVICE_TYPES, "Desktop")
"""Devices a labeler of ours may report: a person labeling in a desktop browser says ``Desktop``."""
