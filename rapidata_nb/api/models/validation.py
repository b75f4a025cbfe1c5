"""Validation sets: tasks with known answers that are mixed into a job's sessions to grade its labelers.

A validation task ("rapid") is a payload (what is asked), a truth (the answer) and an asset, the same triple
as a qualification example but spelt with the rapid names (``ClassifyPayload`` + ``AttachCategoryTruth``
instead of ``ClassifyExamplePayload`` + ``ClassifyExampleTruth``), as the official SDK sends them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.asset import AssetInput, StoredAsset
from rapidata_nb.api.models.audience import BoxShape, ExampleCategory, TranscriptionWord
from rapidata_nb.api.models.common import FeatureFlag

__all__ = [
    "AddValidationRapidInput",
    "AssetType",
    "AttachCategoryTruth",
    "ClassifyPayload",
    "ComparePayload",
    "CompareTruth",
    "CreateValidationSetInput",
    "CreateValidationSetOutput",
    "LinePayload",
    "LocateBoxTruth",
    "LocatePayload",
    "PromptType",
    "RapidPayload",
    "ScrubPayload",
    "ScrubRange",
    "ScrubTruth",
    "TranscriptionPayload",
    "TranscriptionTruth",
    "UpdateValidationSetInput",
    "ValidationRapidOutput",
    "ValidationSetOutput",
    "ValidationTruth",
]


class AssetType(StrEnum):
    """The kind of media of a datapoint or a validation task."""

    NONE = "None"
    IMAGE = "Image"
    VIDEO = "Video"
    AUDIO = "Audio"
    TEXT = "Text"


class PromptType(StrEnum):
    """What is shown beside the asset: nothing, a text context, or context media."""

    NONE = "None"
    TEXT = "Text"
    ASSET = "Asset"


# --- payloads: what the task asks ---------------------------------------------------------------------------


class ClassifyPayload(WireModel):
    """Pick the right categories."""

    t: Literal["ClassifyPayload"] = Field("ClassifyPayload", alias="_t")
    categories: list[ExampleCategory]
    title: str


class ComparePayload(WireModel):
    """Pick the better side of a pair."""

    t: Literal["ComparePayload"] = Field("ComparePayload", alias="_t")
    criteria: str


class LocatePayload(WireModel):
    """Tap the target."""

    t: Literal["LocatePayload"] = Field("LocatePayload", alias="_t")
    target: str


class LinePayload(WireModel):
    """Draw over the target."""

    t: Literal["LinePayload"] = Field("LinePayload", alias="_t")
    target: str


class TranscriptionPayload(WireModel):
    """Select the words of a sentence."""

    t: Literal["TranscriptionPayload"] = Field("TranscriptionPayload", alias="_t")
    title: str
    transcription: list[TranscriptionWord]


class ScrubPayload(WireModel):
    """Mark an instant of a video or a sound (timestamp)."""

    t: Literal["ScrubPayload"] = Field("ScrubPayload", alias="_t")
    target: str


RapidPayload = Annotated[
    ClassifyPayload | ComparePayload | LocatePayload | LinePayload | TranscriptionPayload | ScrubPayload,
    Field(discriminator="t"),
]


# --- truths: the known answer -------------------------------------------------------------------------------


class AttachCategoryTruth(WireModel):
    """The correct categories (labels or values of the payload's categories)."""

    t: Literal["AttachCategoryTruth"] = Field("AttachCategoryTruth", alias="_t")
    correct_categories: list[str]


class CompareTruth(WireModel):
    """The better side: its uploaded ``fileName`` (media) or its text."""

    t: Literal["CompareTruth"] = Field("CompareTruth", alias="_t")
    winner_id: str


class LocateBoxTruth(WireModel):
    """Boxes (in percent of the image) that a tap or a drawn line must fall in."""

    t: Literal["LocateBoxTruth"] = Field("LocateBoxTruth", alias="_t")
    bounding_boxes: list[BoxShape]


class TranscriptionTruth(WireModel):
    """The words to select, and how strictly an answer is graded."""

    t: Literal["TranscriptionTruth"] = Field("TranscriptionTruth", alias="_t")
    correct_words: list[TranscriptionWord]
    required_precision: float = Field(1.0, ge=0, le=1)
    required_completeness: float = Field(1.0, ge=0, le=1)


class ScrubRange(WireModel):
    """An accepted interval, in milliseconds."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ScrubTruth(WireModel):
    """The accepted intervals of a timestamp task."""

    t: Literal["ScrubTruth"] = Field("ScrubTruth", alias="_t")
    valid_ranges: list[ScrubRange] = Field(min_length=1)


ValidationTruth = Annotated[
    AttachCategoryTruth | CompareTruth | LocateBoxTruth | TranscriptionTruth | ScrubTruth,
    Field(discriminator="t"),
]


# --- requests and answers -----------------------------------------------------------------------------------


class CreateValidationSetInput(WireModel):
    """Body of ``POST /validation-set``."""

    name: str = Field(min_length=1, max_length=200)


class CreateValidationSetOutput(WireModel):
    """Answer of ``POST /validation-set``."""

    validation_set_id: str


class AddValidationRapidInput(WireModel):
    """Body of ``POST /validation-set/{id}/rapid``."""

    asset: AssetInput
    payload: RapidPayload
    truth: ValidationTruth | None = None
    random_correct_probability: float | None = Field(None, ge=0, le=1)
    explanation: str | None = None
    context: str | None = None
    context_asset: AssetInput | None = None
    feature_flags: list[FeatureFlag] | None = None


class UpdateValidationSetInput(WireModel):
    """Body of ``PATCH /validation-set/{id}``: only the fields that are set change."""

    name: str | None = Field(None, min_length=1, max_length=200)
    dimensions: list[str] | None = None
    should_alert: bool | None = None
    is_public: bool | None = None
    is_flag_overruled: bool | None = None


class ValidationSetOutput(WireModel):
    """``GET /validation-set/{id}`` and the items of ``GET /validation-sets``."""

    id: str
    name: str
    asset_type: list[AssetType]
    modality: list[str]
    """The task types of its rapids in the wire's words (``Classify``, ``Compare``, ``Line``, ...)."""
    prompt_type: list[PromptType]
    dimensions: list[str]
    should_alert: bool
    is_flag_overruled: bool
    is_public: bool
    rapid_count: int
    owner_id: str
    owner_mail: str
    organization_id: str
    created_at: datetime


class ValidationRapidOutput(WireModel):
    """Items of ``GET /validation-set/{id}/rapids``."""

    id: str
    type: str
    asset: StoredAsset
    truth: ValidationTruth | None = None
    payload: RapidPayload
    context: str | None = None
    context_asset: StoredAsset | None = None
    correct_validation_count: int = 0
    invalid_validation_count: int = 0
    explanation: str | None = None
    random_correct_probability: float | None = None
    state: Literal["Labeling", "Paused", "Incomplete", "Flagged", "Rejected", "Done", "None"] = "Labeling"
