"""Qualification examples: validation of ``POST /audience/{id}/example`` bodies and their stored shapes.

A rejected example names the field to fix and stores nothing: truth not among the options (classify) or the
pair (compare), boxes with ``min >= max`` or outside 0..100 %, word indices out of range, a payload and a
truth of different task types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rapidata_nb.api.models import AddExampleInput, WireModel
from rapidata_nb.api.models.asset import MultiAssetInput, TextAssetInput, asset_parts
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
from rapidata_nb.api.vocabulary import TaskKind
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.labeling.content import content_key
from rapidata_nb.server.store.datasets import asset_identities

__all__ = ["ValidExample", "validate_example"]

# Each example payload, its task kind and the truth it needs.
_KIND_AND_TRUTH: dict[type[WireModel], tuple[TaskKind, type[WireModel]]] = {
    CompareExamplePayload: (TaskKind.COMPARE, CompareExampleTruth),
    ClassifyExamplePayload: (TaskKind.CLASSIFY, ClassifyExampleTruth),
    LocateExamplePayload: (TaskKind.LOCATE, LocateExampleTruth),
    LineExamplePayload: (TaskKind.DRAW, LineExampleTruth),
    TranscriptionExamplePayload: (TaskKind.SELECT_WORDS, TranscriptionExampleTruth),
}


@dataclass(frozen=True)
class ValidExample:
    """An example ready to store."""

    kind: str
    payload: dict[str, Any]
    truth: dict[str, Any]
    asset: dict[str, Any]
    context_asset: dict[str, Any] | None
    content_key: str
    random_correct_probability: float


def _names(asset: MultiAssetInput) -> list[str]:
    return [a.text if isinstance(a, TextAssetInput) else a.name for a in asset_parts(asset)]


def _check_boxes(boxes: list[dict[str, Any]]) -> None:
    if not boxes:
        raise BadRequestError("truth.boundingBoxes: give at least one box")
    for i, b in enumerate(boxes):
        where = f"truth.boundingBoxes[{i}]"
        for k in ("xMin", "yMin", "xMax", "yMax"):
            if not 0.0 <= float(b[k]) <= 100.0:
                raise BadRequestError(f"{where}.{k} must be a percentage of the image in 0..100, got {b[k]}")
        if float(b["xMin"]) >= float(b["xMax"]) or float(b["yMin"]) >= float(b["yMax"]):
            raise BadRequestError(f"{where}: xMin must be < xMax and yMin < yMax, got {b}")


def _union_area(boxes: list[dict[str, Any]]) -> float:
    """Union area of percentage boxes as a ratio of the image (the chance of a random tap)."""
    xs = sorted({float(b[k]) for b in boxes for k in ("xMin", "xMax")})
    area = 0.0
    for x0, x1 in zip(xs, xs[1:], strict=False):
        spans = sorted(
            (float(b["yMin"]), float(b["yMax"]))
            for b in boxes
            if float(b["xMin"]) <= x0 and float(b["xMax"]) >= x1
        )
        covered, end = 0.0, -1.0
        for y0, y1 in spans:
            if y1 > end:
                covered += y1 - max(y0, end)
                end = y1
        area += (x1 - x0) * covered
    return area / 10_000.0


def validate_example(*, session: Session, body: AddExampleInput) -> ValidExample:
    """Validate an example body and return what to store.

    Raises:
        BadRequestError: Naming the field to fix.
    """
    payload = body.payload.wire()
    task_kind, truth_type = _KIND_AND_TRUTH[type(body.payload)]
    kind = task_kind.value
    if body.truth is None:
        raise BadRequestError("truth: a qualification example needs its correct answer")
    truth = body.truth.wire()
    if not isinstance(body.truth, truth_type):
        needed = truth_type.model_fields["t"].default
        raise BadRequestError(f"truth: a {body.payload.t} needs a {needed}, got {body.truth.t}")
    identities = asset_identities(session=session, asset=body.asset, where="asset")
    asset = body.asset.wire()
    context_asset = None
    if body.context_asset is not None:
        asset_identities(session=session, asset=body.context_asset, where="contextAsset")
        context_asset = body.context_asset.wire()
    rcp = float(body.random_correct_probability)
    if kind == "compare":
        names = _names(body.asset) if isinstance(body.asset, MultiAssetInput) else []
        if len(names) != 2 or len(set(names)) != 2:
            raise BadRequestError(
                "asset: a compare example needs a MultiAssetInput with exactly 2 different assets"
            )
        if truth["winnerId"] not in names:
            raise BadRequestError(
                f"truth.winnerId must be one of the pair {names}, got {truth['winnerId']!r}"
            )
    elif kind == "classify":
        labels = [c["label"] for c in payload["categories"]]
        values = [c["value"] for c in payload["categories"]]
        if len(labels) < 2:
            raise BadRequestError("payload.categories: give at least 2 answer options")
        wrong = [t for t in truth["correctCategories"] if t not in labels and t not in values]
        if not truth["correctCategories"] or wrong:
            raise BadRequestError(
                f"truth.correctCategories must be among the answer options {labels}, "
                f"got {truth['correctCategories']}"
            )
        truth["correctCategories"] = [
            labels[values.index(t)] if t not in labels else t for t in truth["correctCategories"]
        ]
    elif kind in ("locate", "draw"):
        _check_boxes(truth.get("boundingBoxes") or [])
        if rcp <= 0:  # the SDK sends the union area; compute it when a client does not
            rcp = round(_union_area(truth["boundingBoxes"]), 6)
    else:
        words = payload.get("transcription") or []
        n = len(words)
        if not n:
            raise BadRequestError("payload.transcription: the sentence has no words")
        for i, w in enumerate(truth.get("correctWords") or []):
            if not 0 <= int(w["wordIndex"]) < n:
                raise BadRequestError(
                    f"truth.correctWords[{i}].wordIndex {w['wordIndex']} out of range 0..{n - 1}"
                )
        for key in ("requiredPrecision", "requiredCompleteness"):
            if truth.get(key) is not None and not 0.0 <= float(truth[key]) <= 1.0:
                raise BadRequestError(f"truth.{key} must lie in 0..1, got {truth[key]}")
    return ValidExample(
        kind=kind,
        payload=payload,
        truth=truth,
        asset=asset,
        context_asset=context_asset,
        content_key=content_key(identities),
        random_correct_probability=rcp,
    )
