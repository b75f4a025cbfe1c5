"""Selections: how a labeler's session is composed (labeling tasks, validation tasks, demographic questions).

The official SDK 3.27.1 builds these objects but accepts them nowhere; they are wire values only, kept so a
program that builds them runs, and so the wire spelling (``_t`` tags) is written down once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel

__all__ = [
    "CappedSelection",
    "ConditionalValidationSelection",
    "DemographicSelection",
    "EffortCappedSelection",
    "LabelingSelection",
    "RetrievalMode",
    "Selection",
    "ShufflingSelection",
    "ValidationChance",
    "ValidationSelection",
]

RetrievalMode = Literal["Shuffled", "Sequential", "Random"]


class LabelingSelection(WireModel):
    """``amount`` labeling tasks per session."""

    t: Literal["LabelingSelection"] = Field("LabelingSelection", alias="_t")
    amount: int = Field(ge=1)
    retrieval_mode: RetrievalMode = "Shuffled"
    max_iterations: int | None = Field(None, ge=1)
    advance_on_view: bool = False


class ValidationSelection(WireModel):
    """``amount`` tasks of a validation set per session."""

    t: Literal["ValidationSelection"] = Field("ValidationSelection", alias="_t")
    validation_set_id: str
    amount: int = Field(1, ge=1)


class ValidationChance(WireModel):
    """Below ``user_score_threshold``, a session gets ``rapid_count`` validation tasks with ``chance``."""

    user_score_threshold: float = Field(ge=0, le=1)
    chance: float = Field(ge=0, le=1)
    rapid_count: int = Field(ge=0)


class ConditionalValidationSelection(WireModel):
    """Validation tasks drawn with a probability that depends on the labeler's score."""

    t: Literal["ConditionalValidationSelection"] = Field("ConditionalValidationSelection", alias="_t")
    validation_set_id: str
    validation_chances: list[ValidationChance]
    dimensions: list[str] | None = None


class DemographicSelection(WireModel):
    """Up to ``max_rapids`` demographic questions (``keys``) per session."""

    t: Literal["DemographicSelection"] = Field("DemographicSelection", alias="_t")
    keys: list[str]
    max_rapids: int = Field(ge=0)


class EffortCappedSelection(WireModel):
    """Labeling tasks until their summed effort reaches ``effort_budget``."""

    t: Literal["EffortCappedSelection"] = Field("EffortCappedSelection", alias="_t")
    effort_budget: int = Field(ge=1)
    retrieval_mode: RetrievalMode = "Shuffled"
    max_iterations: int | None = Field(None, ge=1)


class CappedSelection(WireModel):
    """At most ``max_rapids`` tasks out of the inner selections."""

    t: Literal["CappedSelection"] = Field("CappedSelection", alias="_t")
    selections: list[Selection]
    max_rapids: int = Field(ge=0)


class ShufflingSelection(WireModel):
    """The inner selections in a random order."""

    t: Literal["ShufflingSelection"] = Field("ShufflingSelection", alias="_t")
    selections: list[Selection]


Selection = Annotated[
    LabelingSelection
    | ValidationSelection
    | ConditionalValidationSelection
    | DemographicSelection
    | EffortCappedSelection
    | CappedSelection
    | ShufflingSelection,
    Field(discriminator="t"),
]

CappedSelection.model_rebuild()
ShufflingSelection.model_rebuild()
