"""MRI participants: their samples (one medium per prompt), submission, renaming, disabling, deletion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy import select

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.benchmark import (
    CreateSampleInput,
    CreateSampleOutput,
    SampleOutput,
    SubmitParticipantsInput,
    SubmitParticipantsOutput,
    UpdateParticipantInput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.loaders import ParticipantDep
from rapidata_nb.server.paging import Page, page_query
from rapidata_nb.server.programs import mri
from rapidata_nb.server.store.assets import stored_asset
from rapidata_nb.server.store.programs import ParticipantSample

router = APIRouter(tags=["participant"])


@router.post("/participant/{participant_id}/sample")
def add_sample(
    body: CreateSampleInput, participant: ParticipantDep, session: SessionDep
) -> CreateSampleOutput:
    """Attach one generated medium for a registered prompt identifier."""
    return CreateSampleOutput(id=mri.add_sample(session=session, participant=participant, body=body).id)


@router.get("/participant/{participant_id}/samples")
def list_samples(
    participant: ParticipantDep, session: SessionDep, page: Annotated[Page, Depends(page_query(100))]
) -> PagedResult[SampleOutput]:
    """A participant's samples."""
    total, rows = page.select(
        session=session,
        stmt=select(ParticipantSample).where(ParticipantSample.participant_id == participant.id),
        columns={"created_at": ParticipantSample.created_at},
        sort=None,
        default="created_at",
    )
    items = [
        SampleOutput(
            id=s.id,
            participant_id=participant.id,
            identifier=s.identifier,
            asset=stored_asset(session=session, asset=s.asset),
        )
        for s in rows
    ]
    return page.result(items, total=total)


@router.post("/participants/submit")
def submit_participants(
    body: SubmitParticipantsInput, session: SessionDep, user: CurrentUser
) -> SubmitParticipantsOutput:
    """Submit participants: each new one is matched against the field on every leaderboard (with a warning
    naming the prompts a participant filled below the benchmark's ``minAssetsPerPrompt``)."""
    done = mri.submit(session=session, owner_id=user.customer_id, participant_ids=body.participant_ids)
    warning = None
    if done.underfilled:
        warning = {
            "minAssetsPerPrompt": done.min_assets_per_prompt,
            "underfilledParticipants": [
                {
                    "participantId": pid,
                    "underfilledPrompts": [{"identifier": i, "assetCount": n} for i, n in prompts],
                }
                for pid, prompts in done.underfilled.items()
            ],
        }
    return SubmitParticipantsOutput(
        valid_datapoints=done.valid, invalid_datapoints=done.invalid, min_assets_per_prompt_warning=warning
    )


@router.patch("/participant/{participant_id}", status_code=204)
def update_participant(body: UpdateParticipantInput, participant: ParticipantDep) -> Response:
    """Rename a participant, or set or remove (``cost: null``) its price."""
    if body.name is not None:
        if not body.name.strip():
            raise BadRequestError("name: must not be empty")
        participant.name = body.name
    sent = body.model_fields_set
    if "cost" in sent or "cost_unit" in sent:
        if (body.cost is None) != (body.cost_unit is None):
            raise BadRequestError("cost, costUnit: give both to set a price, or both null to remove it")
        participant.cost, participant.cost_unit = body.cost, body.cost_unit
    return Response(status_code=204)


@router.post("/participant/{participant_id}/disable", status_code=204)
def disable_participant(participant: ParticipantDep) -> Response:
    """Exclude a participant from evaluation and standings (reversible)."""
    participant.disabled = True
    return Response(status_code=204)


@router.post("/participant/{participant_id}/enable", status_code=204)
def enable_participant(participant: ParticipantDep) -> Response:
    """Bring a disabled participant back."""
    participant.disabled = False
    return Response(status_code=204)


@router.delete("/participant/{participant_id}", status_code=204)
def delete_participant(participant: ParticipantDep) -> Response:
    """Remove a participant and its media from the benchmark."""
    participant.deleted = True
    return Response(status_code=204)
