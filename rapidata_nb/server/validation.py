"""Validation sets: checking a rapid before it is stored, and a job's or flow's use of a set.

A validation rapid arrives in the rapid spelling (``ClassifyPayload`` + ``AttachCategoryTruth``, ...) and is
stored in the qualification-example spelling (``ClassifyExamplePayload`` + ``ClassifyExampleTruth``), so it
is checked, graded and known to the crowd by the same code as an audience's examples. Timestamp rapids
(``ScrubPayload`` + ``ScrubTruth``) are checked and stored too; no task type of ours plays media to a
timestamp, so no job ever serves them (said in ``docs/validation.md``).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from rapidata_nb.api.models import AddExampleInput, WireModel
from rapidata_nb.api.models.audience import (
    ClassifyExamplePayload,
    ClassifyExampleTruth,
    CompareExamplePayload,
    CompareExampleTruth,
    LineExamplePayload,
    LineExampleTruth,
    LocateExamplePayload,
    LocateExampleTruth,
    TranscriptionExamplePayload,
    TranscriptionExampleTruth,
)
from rapidata_nb.api.models.validation import (
    AddValidationRapidInput,
    AttachCategoryTruth,
    ClassifyPayload,
    ComparePayload,
    CompareTruth,
    LinePayload,
    LocateBoxTruth,
    LocatePayload,
    ScrubPayload,
    ScrubTruth,
    TranscriptionPayload,
    TranscriptionTruth,
)
from rapidata_nb.api.vocabulary import KINDS, TaskKind
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.labeling.content import content_key
from rapidata_nb.server.labeling.examples import ValidExample, validate_example
from rapidata_nb.server.store import validation as store
from rapidata_nb.server.store.datasets import asset_identities

__all__ = ["MODALITY", "check_rapid", "load_set", "rapid_wire", "require_usable_set"]

# The rapid spelling of each payload and truth, and its qualification-example spelling (same fields).
_EXAMPLE_PAYLOAD: dict[type[WireModel], type[WireModel]] = {
    ClassifyPayload: ClassifyExamplePayload,
    ComparePayload: CompareExamplePayload,
    LocatePayload: LocateExamplePayload,
    LinePayload: LineExamplePayload,
    TranscriptionPayload: TranscriptionExamplePayload,
}
_EXAMPLE_TRUTH: dict[type[WireModel], type[WireModel]] = {
    AttachCategoryTruth: ClassifyExampleTruth,
    CompareTruth: CompareExampleTruth,
    TranscriptionTruth: TranscriptionExampleTruth,
}
_TAG = ClassifyPayload.model_fields["t"].alias or ""  # the wire key of every tag


def _tag(model: type[WireModel]) -> str:
    return str(model.model_fields["t"].default)


def _respelled(document: dict[str, Any], spelling: type[WireModel]) -> dict[str, Any]:
    """A wire payload or truth under the tag of ``spelling``, its fields unchanged."""
    return {**document, _TAG: _tag(spelling)}


_RAPID_SPELLING = {_tag(v): k for k, v in {**_EXAMPLE_PAYLOAD, **_EXAMPLE_TRUTH}.items()} | {
    _tag(LocateExampleTruth): LocateBoxTruth,
    _tag(LineExampleTruth): LocateBoxTruth,
}
MODALITY = {
    kind.value: str(KINDS[kind].rapid_tag)
    for kind in (TaskKind.CLASSIFY, TaskKind.COMPARE, TaskKind.LOCATE, TaskKind.DRAW, TaskKind.SELECT_WORDS)
} | {"timestamp": "Scrub"}
"""The wire's name (``modality``) of each task kind a validation set can hold."""


def _default_chance(payload: WireModel, truth: dict[str, Any]) -> float:
    """The probability that a random answer is right, where the client did not send one."""
    if isinstance(payload, ClassifyPayload):
        return len(truth.get("correctCategories") or []) / max(1, len(payload.categories or []))
    if isinstance(payload, TranscriptionPayload):
        return len(truth.get("correctWords") or []) / max(1, len(payload.transcription or []))
    return 0.0 if isinstance(payload, LocatePayload | LinePayload) else 0.5  # 0: computed from the boxes


def check_rapid(*, session: Session, body: AddValidationRapidInput) -> ValidExample:
    """Check a rapid and return what to store (example spelling).

    Raises:
        BadRequestError: Naming the field to fix (nothing is stored).
    """
    if body.truth is None:
        raise BadRequestError("truth: a validation task needs its correct answer")
    if isinstance(body.payload, ScrubPayload):
        return _check_timestamp(session=session, body=body, payload=body.payload.wire())
    if isinstance(body.truth, ScrubTruth):
        raise BadRequestError(f"truth: a {body.payload.t} cannot take a ScrubTruth")
    truth_spelling = _EXAMPLE_TRUTH.get(type(body.truth)) or (
        LineExampleTruth if isinstance(body.payload, LinePayload) else LocateExampleTruth
    )
    chance = body.random_correct_probability
    if chance is None:
        chance = _default_chance(body.payload, body.truth.wire())
    example = {
        "asset": body.asset.wire(),
        "payload": _respelled(body.payload.wire(), _EXAMPLE_PAYLOAD[type(body.payload)]),
        "truth": _respelled(body.truth.wire(), truth_spelling),
        "randomCorrectProbability": chance,
        "explanation": body.explanation,
        "context": body.context,
        "contextAsset": body.context_asset.wire() if body.context_asset is not None else None,
    }
    try:
        parsed = AddExampleInput.model_validate(example)
    except ValidationError as exc:  # a truth of another task type than the payload
        raise BadRequestError(f"truth: does not fit a {body.payload.t} ({exc.errors()[0]['msg']})") from None
    return validate_example(session=session, body=parsed)


def _check_timestamp(
    *, session: Session, body: AddValidationRapidInput, payload: dict[str, Any]
) -> ValidExample:
    if not isinstance(body.truth, ScrubTruth):
        raise BadRequestError("truth: a ScrubPayload needs a ScrubTruth")
    for i, r in enumerate(body.truth.valid_ranges):
        if r.start > r.end:
            raise BadRequestError(f"truth.validRanges[{i}]: start ({r.start}) must not exceed end ({r.end})")
    identities = asset_identities(session=session, asset=body.asset, where="asset")
    context_asset = None
    if body.context_asset is not None:
        asset_identities(session=session, asset=body.context_asset, where="contextAsset")
        context_asset = body.context_asset.wire()
    chance = body.random_correct_probability
    return ValidExample(
        kind="timestamp",
        payload=payload,
        truth=body.truth.wire(),
        asset=body.asset.wire(),
        context_asset=context_asset,
        content_key=content_key(identities),
        random_correct_probability=0.5 if chance is None else chance,
    )


def rapid_wire(document: dict[str, Any]) -> dict[str, Any]:
    """A stored payload or truth back in the rapid spelling the SDK reads."""
    spelling = _RAPID_SPELLING.get(document[_TAG])
    return _respelled(document, spelling) if spelling is not None else {**document}


def require_usable_set(
    *,
    session: Session,
    validation_set_id: str | None,
    owner_id: str,
    kind: str,
    where: str = "validationSetId",
) -> None:
    """Check that a job or flow of task ``kind`` can use the validation set (when one is named).

    Raises:
        BadRequestError: The set does not exist for the caller, or holds no task of this kind.
    """
    if validation_set_id is None:
        return
    row = session.get(store.ValidationSet, validation_set_id)
    if row is None or row.deleted or row.owner_id != owner_id:
        raise BadRequestError(f"{where}: validation set '{validation_set_id}' not found")
    kinds = store.kinds_of(session=session, validation_set_id=row.id)
    if kind not in kinds:
        held = ", ".join(MODALITY[k] for k in kinds) or "no tasks"
        raise BadRequestError(
            f"{where}: validation set '{validation_set_id}' has no {MODALITY.get(kind, kind)} tasks "
            f"(it holds {held}); add some with add_rapid or name a set of this task type"
        )


def load_set(*, session: Session, validation_set_id: str, owner_id: str) -> store.ValidationSet:
    """The caller's validation set, else 404."""
    row = session.get(store.ValidationSet, validation_set_id)
    if row is None or row.deleted or row.owner_id != owner_id:
        raise NotFoundError(f"Validation set '{validation_set_id}' not found")
    return row
