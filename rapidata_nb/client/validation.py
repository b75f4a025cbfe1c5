"""Validation sets (``client.validation``): tasks with known answers that grade the labelers of a job or flow.

Build the tasks ("rapids") with ``client.validation.rapid.*_rapid(...)`` or let a ``create_*_set`` call build
them, and name the set in a job definition (``definition.validation_set_id = ...``). The local server stores
and checks the tasks; its dispatcher does not serve them yet (docs/validation.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from rapidata_nb.api.models import ExistingAssetInput, MultiAssetInput, PagedResult, TextAssetInput
from rapidata_nb.api.models.audience import ExampleCategory, TranscriptionWord
from rapidata_nb.api.models.common import FeatureFlag
from rapidata_nb.api.models.validation import (
    AddValidationRapidInput,
    AttachCategoryTruth,
    ClassifyPayload,
    ComparePayload,
    CompareTruth,
    CreateValidationSetInput,
    CreateValidationSetOutput,
    LinePayload,
    LocateBoxTruth,
    LocatePayload,
    RapidPayload,
    ScrubPayload,
    ScrubRange,
    ScrubTruth,
    TranscriptionPayload,
    TranscriptionTruth,
    UpdateValidationSetInput,
    ValidationSetOutput,
    ValidationTruth,
)
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client.box import Box, boxes_coverage
from rapidata_nb.client.settings import RapidataSetting
from rapidata_nb.config import logger, managed_print

__all__ = ["Rapid", "RapidataValidationSet", "RapidsManager", "ValidationSetManager"]

AssetInputT = ExistingAssetInput | TextAssetInput | MultiAssetInput


class Rapid(BaseModel):
    """One validation task: what is asked (``payload``), about what (``asset``), and its answer (``truth``).

    Build it with the ``client.validation.rapid`` helpers rather than by hand.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, populate_by_name=True, extra="allow")

    asset: str | list[str]
    payload: RapidPayload
    data_type: Literal["media", "text"] = "media"
    truth: ValidationTruth | None = None
    context: str | None = None
    media_context: list[str] | None = None
    sentence: str | None = None
    random_correct_probability: float | None = None
    explanation: str | None = None
    settings: Sequence[RapidataSetting] | None = None

    @field_validator("media_context", mode="before")
    @classmethod
    def media_context_normalize(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def check_sentence_and_context(self) -> Rapid:
        if isinstance(self.sentence, str) and isinstance(self.context, str):
            raise ValueError("A rapid takes a sentence or a context, not both.")
        return self


class RapidsManager:
    """Builds validation tasks (``client.validation.rapid``) to add to a set."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def classification_rapid(
        self,
        instruction: str,
        answer_options: list[str],
        datapoint: str,
        truths: list[str],
        data_type: Literal["media", "text"] = "media",
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
    ) -> Rapid:
        """A classification task whose correct options are ``truths``."""
        if not isinstance(truths, list):
            raise ValueError("truths must be a list of answer options")
        if not truths or any(t not in answer_options for t in truths):
            raise ValueError(f"truths {truths} must be among the answer options {answer_options}")
        return Rapid(
            asset=datapoint,
            data_type=data_type,
            context=context,
            media_context=media_context,
            explanation=explanation,
            payload=ClassifyPayload(
                categories=[ExampleCategory(label=o, value=o) for o in answer_options], title=instruction
            ),
            truth=AttachCategoryTruth(correct_categories=list(truths)),
            random_correct_probability=len(truths) / len(answer_options),
        )

    def compare_rapid(
        self,
        instruction: str,
        truth: str,
        datapoint: list[str],
        data_type: Literal["media", "text"] = "media",
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
    ) -> Rapid:
        """A compare task whose better side is ``truth`` (one of the two in ``datapoint``)."""
        if len(datapoint) != 2:
            raise ValueError(f"a compare rapid needs exactly two items, got {len(datapoint)}")
        if truth not in datapoint:
            raise ValueError(f"truth {truth!r} must be one of the datapoints {datapoint}")
        return Rapid(
            asset=list(datapoint),
            data_type=data_type,
            context=context,
            media_context=media_context,
            explanation=explanation,
            payload=ComparePayload(criteria=instruction),
            truth=CompareTruth(winner_id=truth),
            random_correct_probability=0.5,
        )

    def select_words_rapid(
        self,
        instruction: str,
        truths: list[int],
        datapoint: str,
        sentence: str,
        required_precision: float = 1,
        required_completeness: float = 1,
        explanation: str | None = None,
    ) -> Rapid:
        """A select-words task: the words of ``sentence`` (split on spaces) at the indices ``truths``."""
        words = [TranscriptionWord(word=w, word_index=i) for i, w in enumerate(sentence.split(" "))]
        if any(not 0 <= i < len(words) for i in truths):
            raise ValueError(f"truths {truths} must be word indices of the sentence (0..{len(words) - 1})")
        return Rapid(
            asset=datapoint,
            sentence=sentence,
            explanation=explanation,
            payload=TranscriptionPayload(title=instruction, transcription=words),
            truth=TranscriptionTruth(
                correct_words=[words[i] for i in truths],
                required_precision=required_precision,
                required_completeness=required_completeness,
            ),
            random_correct_probability=len(truths) / len(words),
        )

    def locate_rapid(
        self,
        instruction: str,
        truths: list[Box],
        datapoint: str,
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
    ) -> Rapid:
        """A locate task: a tap inside one of the ``truths`` boxes is right."""
        return self._box_rapid(
            LocatePayload(target=instruction), truths, datapoint, context, media_context, explanation
        )

    def draw_rapid(
        self,
        instruction: str,
        truths: list[Box],
        datapoint: str,
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
    ) -> Rapid:
        """A draw task: lines that stay inside the ``truths`` boxes are right."""
        if not truths:
            raise ValueError("a draw rapid needs at least one truth box")
        return self._box_rapid(
            LinePayload(target=instruction), truths, datapoint, context, media_context, explanation
        )

    def _box_rapid(
        self,
        payload: LocatePayload | LinePayload,
        truths: list[Box],
        datapoint: str,
        context: str | None,
        media_context: list[str] | None,
        explanation: str | None,
    ) -> Rapid:
        return Rapid(
            asset=datapoint,
            context=context,
            media_context=media_context,
            explanation=explanation,
            payload=payload,
            truth=LocateBoxTruth(bounding_boxes=[box.to_model() for box in truths]),
            random_correct_probability=boxes_coverage(list(truths)),
        )

    def timestamp_rapid(
        self,
        instruction: str,
        truths: list[tuple[int, int]],
        datapoint: str,
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
    ) -> Rapid:
        """A timestamp task: an instant inside one of the ``truths`` intervals (milliseconds) is right.

        No job of ours plays media to a timestamp, so such tasks are stored but never served.
        """
        for truth in truths:
            if len(truth) != 2:
                raise ValueError("each truth must be a (start, end) pair of milliseconds")
            if truth[0] > truth[1]:
                raise ValueError(f"an interval must start before it ends, got {truth}")
        return Rapid(
            asset=datapoint,
            context=context,
            media_context=media_context,
            explanation=explanation,
            payload=ScrubPayload(target=instruction),
            truth=ScrubTruth(valid_ranges=[ScrubRange(start=s, end=e) for s, e in truths]),
            random_correct_probability=0.5,
        )

    def __repr__(self) -> str:
        return "RapidsManager"


class RapidataValidationSet:
    """A validation set: add tasks, change how it grades, delete it.

    Attributes:
        id: The validation set id.
        name: Its name.
        dimensions: The score dimensions its answers count towards.
        validation_set_details_page: A browser page listing its tasks.
    """

    def __init__(self, validation_set_id: str, name: str, dimensions: list[str], ctx: ClientContext) -> None:
        self.id = validation_set_id
        self.name = name
        self.dimensions = list(dimensions)
        self.validation_set_details_page = ctx.link(f"validation-set/detail/{validation_set_id}")
        self._ctx = ctx

    def add_rapid(self, rapid: Rapid) -> RapidataValidationSet:
        """Upload the rapid's media and add it to the set."""
        items = [rapid.asset] if isinstance(rapid.asset, str) else list(rapid.asset)
        inputs = [self._asset_input(item, rapid.data_type) for item in items]
        truth = rapid.truth
        if isinstance(truth, CompareTruth) and rapid.data_type == "media" and truth.winner_id in items:
            winner = inputs[items.index(truth.winner_id)]
            truth = CompareTruth(winner_id=winner.name if isinstance(winner, ExistingAssetInput) else "")
        context_asset: AssetInputT | None = None
        if rapid.media_context:
            media = [self._asset_input(m, "media") for m in rapid.media_context]
            context_asset = media[0] if len(media) == 1 else MultiAssetInput(assets=media)
        body = AddValidationRapidInput(
            asset=inputs[0] if isinstance(rapid.asset, str) else MultiAssetInput(assets=inputs),
            payload=rapid.payload,
            truth=truth,
            random_correct_probability=rapid.random_correct_probability,
            explanation=rapid.explanation,
            context=rapid.context,
            context_asset=context_asset,
            feature_flags=[FeatureFlag(**s._to_feature_flag()) for s in rapid.settings or []] or None,
        )
        self._ctx.transport.request("POST", f"/validation-set/{self.id}/rapid", json=body.wire())
        return self

    def _asset_input(self, item: str, data_type: str) -> ExistingAssetInput | TextAssetInput:
        if data_type == "text":
            return TextAssetInput(text=item)
        return ExistingAssetInput(name=self._ctx.uploader.upload(item))

    def _update(self, change: UpdateValidationSetInput) -> RapidataValidationSet:
        self._ctx.transport.request(
            "PATCH", f"/validation-set/{self.id}", json=change.wire(exclude_unset=True)
        )
        return self

    def update_dimensions(self, dimensions: list[str]) -> RapidataValidationSet:
        """Count its answers towards these score dimensions from now on."""
        self._update(UpdateValidationSetInput(dimensions=list(dimensions)))
        self.dimensions = list(dimensions)
        return self

    def update_should_alert(self, should_alert: bool) -> RapidataValidationSet:
        """Whether a labeler who answers wrong is shown the explanation (scores count either way)."""
        return self._update(UpdateValidationSetInput(should_alert=should_alert))

    def update_can_be_flagged(self, can_be_flagged: bool) -> RapidataValidationSet:
        """Whether labelers may flag a task of the set as wrong."""
        return self._update(UpdateValidationSetInput(is_flag_overruled=not can_be_flagged))

    def view(self) -> None:
        """Open (or print) the page that lists the set's tasks."""
        from rapidata_nb.client._browser import show

        show("validation_set", self, self.validation_set_details_page, f"Validation set '{self.name}'")

    def delete(self) -> None:
        """Delete the set (it is no longer found, and no revision can name it any more)."""
        self._ctx.transport.request("DELETE", f"/validation-set/{self.id}")
        managed_print(f"Validation set '{self}' has been deleted.")

    def __str__(self) -> str:
        return f"name: '{self.name}' id: {self.id} dimensions: {self.dimensions}"

    __repr__ = __str__


class ValidationSetManager:
    """Create and find validation sets (``client.validation``).

    Attributes:
        rapid: Builders of single validation tasks, for ``create_mixed_set`` and ``add_rapid``.
    """

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx
        self.rapid = RapidsManager(ctx)

    def create_classification_set(
        self,
        name: str,
        instruction: str,
        answer_options: list[str],
        datapoints: list[str],
        truths: list[list[str]],
        data_type: Literal["media", "text"] = "media",
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        explanations: list[str | None] | None = None,
        dimensions: Sequence[str] = (),
    ) -> RapidataValidationSet:
        """A set of classification tasks: ``truths[i]`` lists the correct options of ``datapoints[i]``."""
        if not all(isinstance(t, list | tuple) for t in truths):
            raise ValueError("truths must be a list of lists of answer options")
        truths = [list(t) for t in truths]
        rapids = [
            self.rapid.classification_rapid(
                instruction=instruction, answer_options=answer_options, data_type=data_type, **row
            )
            for row in _rows(
                datapoints,
                truths=truths,
                contexts=contexts,
                media_contexts=media_contexts,
                explanations=explanations,
            )
        ]
        return self._submit(name, rapids, dimensions)

    def create_compare_set(
        self,
        name: str,
        instruction: str,
        datapoints: list[list[str]],
        truths: list[str],
        data_type: Literal["media", "text"] = "media",
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        explanation: list[str | None] | None = None,
        dimensions: Sequence[str] = (),
    ) -> RapidataValidationSet:
        """A set of compare tasks: ``truths[i]`` is the better item of the pair ``datapoints[i]``."""
        rapids = [
            self.rapid.compare_rapid(instruction=instruction, data_type=data_type, **row)
            for row in _rows(
                datapoints,
                truth=truths,
                contexts=contexts,
                media_contexts=media_contexts,
                explanation=explanation,
            )
        ]
        return self._submit(name, rapids, dimensions)

    def create_select_words_set(
        self,
        name: str,
        instruction: str,
        truths: list[list[int]],
        datapoints: list[str],
        sentences: list[str],
        required_precision: float = 1.0,
        required_completeness: float = 1.0,
        explanation: list[str | None] | None = None,
        dimensions: Sequence[str] = (),
    ) -> RapidataValidationSet:
        """A set of select-words tasks: ``truths[i]`` are the word indices to select in ``sentences[i]``."""
        rapids = [
            self.rapid.select_words_rapid(
                instruction=instruction,
                required_precision=required_precision,
                required_completeness=required_completeness,
                **row,
            )
            for row in _rows(datapoints, truths=truths, sentences=sentences, explanation=explanation)
        ]
        return self._submit(name, rapids, dimensions)

    def create_locate_set(
        self,
        name: str,
        instruction: str,
        truths: list[list[Box]],
        datapoints: list[str],
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        explanation: list[str | None] | None = None,
        dimensions: Sequence[str] = (),
    ) -> RapidataValidationSet:
        """A set of locate tasks: ``truths[i]`` are the boxes a tap on ``datapoints[i]`` must hit."""
        rapids = [
            self.rapid.locate_rapid(instruction=instruction, **row)
            for row in _rows(
                datapoints,
                truths=truths,
                contexts=contexts,
                media_contexts=media_contexts,
                explanation=explanation,
            )
        ]
        return self._submit(name, rapids, dimensions)

    def create_draw_set(
        self,
        name: str,
        instruction: str,
        truths: list[list[Box]],
        datapoints: list[str],
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        explanation: list[str | None] | None = None,
        dimensions: Sequence[str] = (),
    ) -> RapidataValidationSet:
        """A set of draw tasks: ``truths[i]`` are the boxes lines on ``datapoints[i]`` must stay in."""
        rapids = [
            self.rapid.draw_rapid(instruction=instruction, **row)
            for row in _rows(
                datapoints,
                truths=truths,
                contexts=contexts,
                media_contexts=media_contexts,
                explanation=explanation,
            )
        ]
        return self._submit(name, rapids, dimensions)

    def create_timestamp_set(
        self,
        name: str,
        instruction: str,
        truths: list[list[tuple[int, int]]],
        datapoints: list[str],
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        explanation: list[str | None] | None = None,
        dimensions: Sequence[str] = (),
    ) -> RapidataValidationSet:
        """A set of timestamp tasks (stored, never served: no job of ours has a timestamp task type)."""
        rapids = [
            self.rapid.timestamp_rapid(instruction=instruction, **row)
            for row in _rows(
                datapoints,
                truths=truths,
                contexts=contexts,
                media_contexts=media_contexts,
                explanation=explanation,
            )
        ]
        return self._submit(name, rapids, dimensions)

    def create_mixed_set(
        self, name: str, rapids: list[Rapid], dimensions: Sequence[str] = ()
    ) -> RapidataValidationSet:
        """A set of tasks of any types, built with ``client.validation.rapid``."""
        if not rapids:
            raise ValueError("rapids must not be empty")
        return self._submit(name, rapids, dimensions)

    def _submit(self, name: str, rapids: list[Rapid], dimensions: Sequence[str]) -> RapidataValidationSet:
        created = self._ctx.transport.request(
            "POST",
            "/validation-set",
            json=CreateValidationSetInput(name=name).wire(),
            response=CreateValidationSetOutput,
        )
        validation_set = RapidataValidationSet(created.validation_set_id, name, [], self._ctx)
        failed: list[Any] = []
        for rapid in rapids:
            try:
                validation_set.add_rapid(rapid)
            except Exception as exc:  # report every failed task at once, as the SDK does
                logger.error("Could not add the task on %s to validation set %s: %s", rapid.asset, name, exc)
                failed.append(rapid.asset)
        if failed:
            raise RuntimeError(f"Failed to add {len(failed)} datapoints to validation set {name!r}: {failed}")
        managed_print(
            f"Validation set '{name}' created with ID {validation_set.id}\n"
            f"Now viewable under: {validation_set.validation_set_details_page}"
        )
        if dimensions:
            validation_set.update_dimensions(list(dimensions))
        return validation_set

    def get_validation_set_by_id(self, validation_set_id: str) -> RapidataValidationSet:
        """Open a validation set by id."""
        found = self._ctx.transport.request(
            "GET", f"/validation-set/{validation_set_id}", response=ValidationSetOutput
        )
        return RapidataValidationSet(found.id, found.name, found.dimensions, self._ctx)

    def find_validation_sets(
        self, name: str = "", amount: int = 10, page: int = 1
    ) -> list[RapidataValidationSet]:
        """Your validation sets whose name contains ``name``, newest first."""
        found = self._ctx.transport.request(
            "GET",
            "/validation-sets",
            params={"page": page, "page_size": amount, "name[contains]": name, "sort": "-created_at"},
            response=PagedResult[ValidationSetOutput],
        )
        return [RapidataValidationSet(s.id, s.name, s.dimensions, self._ctx) for s in found.items]

    def __repr__(self) -> str:
        return "ValidationSetManager"


_ARGUMENTS = {
    "contexts": "context",
    "media_contexts": "media_context",
    "explanations": "explanation",
    "sentences": "sentence",
}
"""How a rapid names the entry of a per-datapoint column (the set methods take the plural, as the SDK)."""


def _rows(datapoints: Sequence[Any], **columns: Sequence[Any] | None) -> list[dict[str, Any]]:
    """Per datapoint, the rapid's arguments: ``datapoint`` and its entry of each column (``None`` where a
    column is not given), after checking that every given column has one entry per datapoint.
    """
    if not datapoints:
        raise ValueError("datapoints must not be empty")
    for column, values in columns.items():
        if values is not None and len(values) != len(datapoints):
            raise ValueError(f"{column} needs one entry per datapoint ({len(datapoints)}), got {len(values)}")
    return [
        {
            "datapoint": dp,
            **{_ARGUMENTS.get(c, c): None if v is None else v[i] for c, v in columns.items()},
        }
        for i, dp in enumerate(datapoints)
    ]
