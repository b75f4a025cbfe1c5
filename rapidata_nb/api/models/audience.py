"""Audiences: filters, graduation rule, qualification examples, user metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.asset import AssetInput, StoredAsset
from rapidata_nb.api.models.common import FeatureFlag

__all__ = [
    "AddExampleInput",
    "AddExampleOutput",
    "AndFilter",
    "AudienceFilter",
    "AudienceOutput",
    "AudienceStatus",
    "BoxShape",
    "ClassifyExamplePayload",
    "ClassifyExampleTruth",
    "CompareExamplePayload",
    "CompareExampleTruth",
    "CountryFilter",
    "CreateAudienceInput",
    "CreateAudienceOutput",
    "CreateUnlistedAudienceInput",
    "DemographicFilter",
    "DeviceFilter",
    "ExampleCategory",
    "ExampleListItem",
    "ExamplePayload",
    "ExampleTruth",
    "FilterAudienceInput",
    "LanguageFilter",
    "LineExamplePayload",
    "LineExampleTruth",
    "LocateExamplePayload",
    "LocateExampleTruth",
    "NotFilter",
    "OrFilter",
    "QualificationFeedback",
    "RecruitOutput",
    "TaskAccuracy",
    "TranscriptionExamplePayload",
    "TranscriptionExampleTruth",
    "TranscriptionWord",
    "UnlistedAudienceOutput",
    "UpdateAudienceInput",
    "UserMetrics",
]

AudienceStatus = Literal["Created", "Pending", "Recruiting", "Ready"]
QualificationFeedback = Literal["immediate", "after_decision", "none"]
"""What a candidate of a custom audience learns about their qualification answers: a verdict (and the
example's explanation) after each example, ``immediate``; only pass or fail once the audience decides,
``after_decision`` (the default); or nothing, ``none``."""


# --- filters ------------------------------------------------------------------------------------------------


class CountryFilter(WireModel):
    """Labelers from these ISO 3166 country codes."""

    t: Literal["CountryFilter"] = Field("CountryFilter", alias="_t")
    countries: list[str]


class LanguageFilter(WireModel):
    """Labelers speaking these ISO 639-1 languages."""

    t: Literal["LanguageFilter"] = Field("LanguageFilter", alias="_t")
    languages: list[str]


class DemographicFilter(WireModel):
    """Labelers whose demographic ``identifier`` (``age``, ``gender``, ``occupation``) is one of
    ``values``."""

    t: Literal["DemographicFilter"] = Field("DemographicFilter", alias="_t")
    identifier: str
    values: list[str]


class DeviceFilter(WireModel):
    """Labelers on these device types (``Phone``, ``Tablet``, ``Unknown``)."""

    t: Literal["DeviceFilter"] = Field("DeviceFilter", alias="_t")
    device_types: list[str]


class NotFilter(WireModel):
    """Negation of a filter."""

    t: Literal["NotFilter"] = Field("NotFilter", alias="_t")
    filter: AudienceFilter


class AndFilter(WireModel):
    """All of the filters."""

    t: Literal["AndFilter"] = Field("AndFilter", alias="_t")
    filters: list[AudienceFilter]


class OrFilter(WireModel):
    """Any of the filters."""

    t: Literal["OrFilter"] = Field("OrFilter", alias="_t")
    filters: list[AudienceFilter]


AudienceFilter = Annotated[
    CountryFilter | LanguageFilter | DemographicFilter | DeviceFilter | NotFilter | AndFilter | OrFilter,
    Field(discriminator="t"),
]
NotFilter.model_rebuild()
AndFilter.model_rebuild()
OrFilter.model_rebuild()


class TaskAccuracy(WireModel):
    """Graduation rule: reach ``target_accuracy`` on qualification examples within
    ``min_tasks..max_tasks``."""

    t: Literal["TaskAccuracy"] = Field("TaskAccuracy", alias="_t")
    target_accuracy: float = Field(0.75, ge=0, le=1)
    min_tasks: int = Field(10, ge=1)
    max_tasks: int | None = None


# --- audience resources -------------------------------------------------------------------------------------


class AudienceOutput(WireModel):
    """Answer of ``GET /audience/{id}`` and one item of ``GET /audiences``."""

    id: str
    base_audience_id: str
    filter: AudienceFilter | None = None
    name: str
    description: str | None = None
    status: AudienceStatus
    qualified_user_count: int = 0
    filters: list[AudienceFilter] = []
    logo: str | None = None
    created_at: datetime
    owner_id: str
    owner_mail: str
    organization_id: str
    is_public: bool = False
    is_shared: bool = False
    is_distilling: bool = False
    distilling_campaign_id: str = ""
    graduation_rule: TaskAccuracy = Field(default_factory=TaskAccuracy)
    qualification_feedback: QualificationFeedback = "after_decision"
    distilling_retrieval_mode: str = "Shuffled"
    boost_level: str = "None"
    graduated: int | None = None
    dropped: int | None = None


class CreateAudienceInput(WireModel):
    """Body of ``POST /audience``."""

    name: str = Field(min_length=1)
    description: str | None = None
    filters: list[AudienceFilter] | None = None
    graduation_rule: TaskAccuracy | None = None
    qualification_feedback: QualificationFeedback | None = None
    """``None``: the server's default (``after_decision``)."""


class CreateUnlistedAudienceInput(WireModel):
    """Body of ``POST /audience/unlisted``."""

    name: str


class UnlistedAudienceOutput(WireModel):
    """Answer of ``GET /audience/unlisted/{id}`` and one item of ``GET /audience/unlisted``."""

    id: str
    name: str
    created_at: datetime
    owner_id: str
    owner_mail: str
    organization_id: str


class CreateAudienceOutput(WireModel):
    """Answer of ``POST /audience`` and ``POST /audience/{id}/filter``."""

    audience_id: str


class UpdateAudienceInput(WireModel):
    """Body of ``PATCH /audience/{id}`` (only the given fields change)."""

    name: str | None = None
    description: str | None = None
    filters: list[AudienceFilter] | None = None
    graduation_rule: TaskAccuracy | None = None
    qualification_feedback: QualificationFeedback | None = None


class FilterAudienceInput(WireModel):
    """Body of ``POST /audience/{id}/filter``: a filtered view of a base audience."""

    filter: AudienceFilter


class RecruitOutput(WireModel):
    """Answer of ``POST /audience/{id}/recruit``."""

    audience_id: str
    status: AudienceStatus


class UserMetrics(WireModel):
    """Answer of ``GET /audience/{id}/user-metrics``.

    ``users_per_state`` is keyed by state name: ``Graduated``, ``Distilling``, ``Dropped``, ``Inactive``.
    """

    users_per_state: dict[str, int]
    capacity: Literal["None", "Low", "Sufficient"] | None = None


# --- qualification examples ---------------------------------------------------------------------------------


class ExampleCategory(WireModel):
    """One answer option of a classification example."""

    label: str
    value: str


class TranscriptionWord(WireModel):
    """One word of a select-words sentence (split on single spaces)."""

    word: str
    word_index: int


class BoxShape(WireModel):
    """A box in percent of the image (0..100)."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float


class ClassifyExamplePayload(WireModel):
    """What a classification example shows."""

    t: Literal["ClassifyExamplePayload"] = Field("ClassifyExamplePayload", alias="_t")
    categories: list[ExampleCategory]
    title: str


class CompareExamplePayload(WireModel):
    """What a compare example shows."""

    t: Literal["CompareExamplePayload"] = Field("CompareExamplePayload", alias="_t")
    criteria: str


class LocateExamplePayload(WireModel):
    """What a locate example shows."""

    t: Literal["LocateExamplePayload"] = Field("LocateExamplePayload", alias="_t")
    target: str


class LineExamplePayload(WireModel):
    """What a draw example shows."""

    t: Literal["LineExamplePayload"] = Field("LineExamplePayload", alias="_t")
    target: str


class TranscriptionExamplePayload(WireModel):
    """What a select-words example shows."""

    t: Literal["TranscriptionExamplePayload"] = Field("TranscriptionExamplePayload", alias="_t")
    title: str
    transcription: list[TranscriptionWord]


ExamplePayload = Annotated[
    ClassifyExamplePayload
    | CompareExamplePayload
    | LocateExamplePayload
    | LineExamplePayload
    | TranscriptionExamplePayload,
    Field(discriminator="t"),
]


class ClassifyExampleTruth(WireModel):
    """Correct categories of a classification example."""

    t: Literal["ClassifyExampleTruth"] = Field("ClassifyExampleTruth", alias="_t")
    correct_categories: list[str]


class CompareExampleTruth(WireModel):
    """Winner of a compare example: the ``fileName`` (or the text) of the better side."""

    t: Literal["CompareExampleTruth"] = Field("CompareExampleTruth", alias="_t")
    winner_id: str


class LocateExampleTruth(WireModel):
    """Boxes a locate answer must hit."""

    t: Literal["LocateExampleTruth"] = Field("LocateExampleTruth", alias="_t")
    bounding_boxes: list[BoxShape]
    required_precision: float | None = None
    required_completeness: float | None = None


class LineExampleTruth(WireModel):
    """Boxes a drawn line must stay inside."""

    t: Literal["LineExampleTruth"] = Field("LineExampleTruth", alias="_t")
    bounding_boxes: list[BoxShape] = []
    required_precision: float | None = None
    required_completeness: float | None = None


class TranscriptionExampleTruth(WireModel):
    """Words a select-words answer must select."""

    t: Literal["TranscriptionExampleTruth"] = Field("TranscriptionExampleTruth", alias="_t")
    correct_words: list[TranscriptionWord]
    strict_grading: bool | None = None
    required_precision: float | None = None
    required_completeness: float | None = None


ExampleTruth = Annotated[
    ClassifyExampleTruth
    | CompareExampleTruth
    | LocateExampleTruth
    | LineExampleTruth
    | TranscriptionExampleTruth,
    Field(discriminator="t"),
]


class AddExampleInput(WireModel):
    """Body of ``POST /audience/{id}/example``."""

    asset: AssetInput
    payload: ExamplePayload
    truth: ExampleTruth | None = None
    random_correct_probability: float = Field(ge=0, le=1)
    explanation: str | None = None
    context: str | None = None
    context_asset: AssetInput | None = None
    sort_index: int | None = None
    feature_flags: list[FeatureFlag] | None = None


class AddExampleOutput(WireModel):
    """Answer of ``POST /audience/{id}/example``."""

    recalculation_id: str | None = None
    example_id: str | None = None


class ExampleListItem(WireModel):
    """One item of ``GET /audience/{id}/examples``."""

    id: str
    rapid_id: str | None = None
    asset: StoredAsset
    payload: ExamplePayload
    correct_count: int = 0
    incorrect_count: int = 0
    truth: ExampleTruth | None = None
    context: str | None = None
    context_asset: StoredAsset | None = None
    explanation: str | None = None
    random_correct_probability: float | None = None
    sort_index: int | None = None
