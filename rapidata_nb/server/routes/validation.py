"""Validation sets: create, find, read, update, delete; add and list their rapids."""

from __future__ import annotations

import mimetypes
from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.asset import TextAssetInput, asset_parts
from rapidata_nb.api.models.validation import (
    AddValidationRapidInput,
    AssetType,
    CreateValidationSetInput,
    CreateValidationSetOutput,
    PromptType,
    UpdateValidationSetInput,
    ValidationRapidOutput,
    ValidationSetOutput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.loaders import ValidationSetDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.store import validation as store
from rapidata_nb.server.store.assets import get_asset, stored_asset
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.validation import MODALITY, check_rapid, rapid_wire

router = APIRouter(tags=["validation"])

_MEDIA = {"image": AssetType.IMAGE, "video": AssetType.VIDEO, "audio": AssetType.AUDIO}


def _asset_type(session: Session, asset: dict[str, Any]) -> AssetType:
    first = next(iter(asset_parts(asset)), None)  # a multi asset has the type of its first part
    if isinstance(first, TextAssetInput):
        return AssetType.TEXT
    row = get_asset(session=session, file_name=first.name) if first is not None else None
    if row is None:
        return AssetType.NONE
    mime = row.content_type or mimetypes.guess_type(urlparse(row.url or row.original_name).path)[0] or ""
    return _MEDIA.get(mime.split("/")[0], AssetType.NONE)


def _set_out(session: Session, row: store.ValidationSet) -> ValidationSetOutput:
    rapids = store.rapids_of(session=session, validation_set_id=row.id)
    prompts = {PromptType.TEXT for r in rapids if r.context} | {
        PromptType.ASSET for r in rapids if r.context_asset
    }
    return ValidationSetOutput(
        id=row.id,
        name=row.name,
        asset_type=sorted({_asset_type(session, r.asset) for r in rapids}, key=lambda a: a.value),
        modality=sorted({MODALITY[r.kind] for r in rapids}),
        prompt_type=sorted(prompts, key=lambda p: p.value) or [PromptType.NONE],
        dimensions=list(row.dimensions or []),
        should_alert=row.should_alert,
        is_flag_overruled=row.is_flag_overruled,
        is_public=row.is_public,
        rapid_count=len(rapids),
        owner_id=row.owner_id,
        owner_mail=owner_mail(session=session, owner_id=row.owner_id),
        organization_id=row.owner_id,
        created_at=row.created_at,
    )


@router.post("/validation-set")
def create_validation_set(
    body: CreateValidationSetInput, session: SessionDep, user: CurrentUser
) -> CreateValidationSetOutput:
    """Create an empty validation set."""
    row = store.create_set(session=session, owner_id=user.customer_id, name=body.name.strip() or body.name)
    return CreateValidationSetOutput(validation_set_id=row.id)


@router.get("/validation-sets")
def find_validation_sets(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[ValidationSetOutput]:
    """A page of the caller's validation sets (``name[contains]``, ``sort=-created_at``)."""
    total, rows = page.select(
        session=session,
        stmt=store.live_sets(owner_id=user.customer_id, name=name_contains or ""),
        columns={"created_at": store.ValidationSet.created_at, "name": store.ValidationSet.name},
        sort=sort,
        default="-created_at",
    )
    return page.result([_set_out(session, row) for row in rows], total=total)


@router.get("/validation-set/{validation_set_id}")
def get_validation_set(validation_set: ValidationSetDep, session: SessionDep) -> ValidationSetOutput:
    """A validation set with the task types, media and prompts its rapids hold."""
    return _set_out(session, validation_set)


@router.patch("/validation-set/{validation_set_id}", status_code=204)
def update_validation_set(body: UpdateValidationSetInput, validation_set: ValidationSetDep) -> Response:
    """Rename a set, replace its dimensions, or change whether it alerts and can be flagged."""
    for field in body.model_fields_set:
        value = getattr(body, field)
        if value is not None:
            setattr(validation_set, field, list(value) if field == "dimensions" else value)
    return Response(status_code=204)


@router.delete("/validation-set/{validation_set_id}", status_code=204)
def delete_validation_set(validation_set: ValidationSetDep) -> Response:
    """Delete a set: it is no longer found, and no new revision can name it."""
    validation_set.deleted = True
    return Response(status_code=204)


@router.post("/validation-set/{validation_set_id}/rapid", status_code=204)
def add_validation_rapid(
    body: AddValidationRapidInput, validation_set: ValidationSetDep, session: SessionDep
) -> Response:
    """Add a rapid with its truth (checked like a qualification example; nothing is stored on error)."""
    valid = check_rapid(session=session, body=body)
    store.add_rapid(
        session=session,
        validation_set=validation_set,
        kind=valid.kind,
        payload=valid.payload,
        truth=valid.truth,
        asset=valid.asset,
        context=body.context,
        context_asset=valid.context_asset,
        explanation=body.explanation,
        feature_flags=[f.wire() for f in body.feature_flags or []],
        random_correct_probability=valid.random_correct_probability,
        content_key=valid.content_key,
    )
    return Response(status_code=204)


@router.get("/validation-set/{validation_set_id}/rapids")
def list_validation_rapids(
    validation_set: ValidationSetDep, session: SessionDep, page: PageDep
) -> PagedResult[ValidationRapidOutput]:
    """A page of the set's rapids with their truths."""
    rapids = store.rapids_of(session=session, validation_set_id=validation_set.id)
    items = [
        ValidationRapidOutput.model_validate(
            {
                "id": r.id,
                "type": MODALITY[r.kind],
                "asset": stored_asset(session=session, asset=r.asset),
                "truth": rapid_wire(r.truth),
                "payload": rapid_wire(r.payload),
                "context": r.context,
                "contextAsset": stored_asset(session=session, asset=r.context_asset),
                "explanation": r.explanation,
                "randomCorrectProbability": r.random_correct_probability,
            }
        )
        for r in page.slice(rapids)
    ]
    return page.result(items, total=len(rapids))
