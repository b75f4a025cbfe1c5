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

from rapidata_nb.api.models import AddExampleInput
from rapidata_nb.api.models.validation import AddValidationRapidInput, ScrubTruth
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.labeling.content import content_key
from rapidata_nb.server.labeling.examples import ValidExample, validate_example
from rapidata_nb.server.store import validation as store
from rapidata_nb.server.store.datasets import asset_identities

__all__ = ["MODALITY", "check_rapid", "load_set", "rapid_wire", "require_usable_set"]

_EXAMPLE_PAYLOAD = {
    "ClassifyPayload": "ClassifyExamplePayload",
    "ComparePayload": "CompareExamplePayload",
    "LocatePayload": "LocateExamplePayload",
    "LinePayload": "LineExamplePayload",
    "TranscriptionPayload": "TranscriptionExamplePayload",
}
_EXAMPLE_TRUTH = {
    "AttachCategoryTruth": "ClassifyExampleTruth",
    "CompareTruth": "CompareExampleTruth",
    "TranscriptionTruth": "TranscriptionExampleTruth",
}
_RAPID_SPELLING = {v: k for k, v in {**_EXAMPLE_PAYLOAD, **_EXAMPLE_TRUTH}.items()} | {
    "LocateExampleTruth": "LocateBoxTruth",
    "LineExampleTruth": "LocateBoxTruth",
}
MODALITY = {
    "classify": "Classify",
    "compare": "Compare",
    "locate": "Locate",
    "draw": "Line",
    "select_words": "Transcription",
    "timestamp": "Scrub",
}
"""The wire's name (``modality``) of each task kind a validation set can hold."""


def _default_chance(payload: dict[str, Any], truth: dict[str, Any]) -> float:
    """The probability that a random answer is right, where the client did not send one."""
    t = payload["_t"]
    if t == "ClassifyPayload":
        return len(truth.get("correctCategories") or []) / max(1, len(payload.get("categories") or []))
    if t == "TranscriptionPayload":
        return len(truth.get("correctWords") or []) / max(1, len(payload.get("transcription") or []))
    return 0.0 if t in ("LocatePayload", "LinePayload") else 0.5  # 0: computed from the boxes


def check_rapid(*, session: Session, body: AddValidationRapidInput) -> ValidExample:
    """Check a rapid and return what to store (example spelling).

    Raises:
        BadRequestError: Naming the field to fix (nothing is stored).
    """
    if body.truth is None:
        raise BadRequestError("truth: a validation task needs its correct answer")
    payload, truth = body.payload.wire(), body.truth.wire()
    if payload["_t"] == "ScrubPayload":
        return _check_timestamp(session=session, body=body, payload=payload)
    if truth["_t"] == "ScrubTruth":
        raise BadRequestError(f"truth: a {payload['_t']} cannot take a ScrubTruth")
    truth["_t"] = _EXAMPLE_TRUTH.get(truth["_t"]) or (
        "LineExampleTruth" if payload["_t"] == "LinePayload" else "LocateExampleTruth"
    )
    chance = body.random_correct_probability
    example = {
        "asset": body.asset.wire(),
        "payload": {**payload, "_t": _EXAMPLE_PAYLOAD[payload["_t"]]},
        "truth": truth,
        "randomCorrectProbability": _default_chance(payload, body.truth.wire()) if chance is None else chance,
        "explanation": body.explanation,
        "context": body.context,
        "contextAsset": body.context_asset.wire() if body.context_asset is not None else None,
    }
    try:
        parsed = AddExampleInput.model_validate(example)
    except ValidationError as exc:  # a truth of another task type than the payload
        raise BadRequestError(f"truth: does not fit a {payload['_t']} ({exc.errors()[0]['msg']})") from None
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
    return {**document, "_t": _RAPID_SPELLING.get(document["_t"], document["_t"])}


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
