"""Qualification examples of custom audiences: candidates answer them before they label (DESIGN §6)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from rapidata_nb.api.models import AddExampleInput, AddExampleOutput, PagedResult
from rapidata_nb.server.deps import CurrentUser, SessionDep, SettingsDep, WakeCrowd
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.labeling.examples import validate_example
from rapidata_nb.server.loaders import AudienceDep, ExampleDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.store import audiences as audience_store
from rapidata_nb.server.store.assets import stored_asset

router = APIRouter(tags=["audience"])


@router.post("/audience/{audience_id}/example")
def add_example(
    body: AddExampleInput,
    audience: AudienceDep,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    wake: WakeCrowd,
) -> AddExampleOutput:
    """Add a qualification example with its truth (validated; nothing is stored on error)."""
    audience_store.require_owner(audience, owner_id=user.customer_id, action="add examples to")
    audience_store.require_custom(audience, action="add examples")
    valid = validate_example(session=session, body=body)
    example = audience_store.add_example(
        session=session,
        audience_id=audience.id,
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
        sort_index=body.sort_index,
    )
    if audience.recruiting_started_at is not None:
        qualification.reset_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
        wake()
    return AddExampleOutput(example_id=example.id)


@router.get("/audience/{audience_id}/examples")
def list_examples(audience: AudienceDep, session: SessionDep, page: PageDep) -> PagedResult[dict[str, Any]]:
    """A page of the audience's qualification examples with their answer counts."""
    examples = qualification.examples_of(session, audience.id)
    shown = page.slice(examples)
    counts = audience_store.answer_counts(session=session, example_ids=[ex.id for ex in shown])
    items = []
    for ex in shown:
        correct, incorrect = counts[ex.id]
        items.append(
            {
                "id": ex.id,
                "asset": stored_asset(session=session, asset=ex.asset),
                "payload": ex.payload,
                "correctCount": correct,
                "incorrectCount": incorrect,
                "truth": ex.truth,
                "context": ex.context,
                "contextAsset": stored_asset(session=session, asset=ex.context_asset),
                "explanation": ex.explanation,
                "randomCorrectProbability": ex.random_correct_probability,
                "sortIndex": ex.sort_index,
            }
        )
    return page.result(items, total=len(examples))


@router.delete("/audience/example/{example_id}")
def delete_example(
    found: ExampleDep, session: SessionDep, settings: SettingsDep, wake: WakeCrowd
) -> dict[str, Any]:
    """Delete a qualification example (candidates re-qualify on the remaining ones)."""
    example, audience = found
    audience_store.delete_example(session=session, example=example)
    if audience.recruiting_started_at is not None:
        qualification.reset_recruiting(session=session, audience=audience, seed=settings.crowd_seed)
        wake()
    return {"recalculationId": None}
