"""MRI leaderboards: configuration, standings, the win/loss matrix and the evaluation runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.benchmark import (
    CreateLeaderboardInput,
    CreateLeaderboardOutput,
    LeaderboardOutput,
    LeaderboardRunOutput,
    MatrixOutput,
    StandingsOutput,
    UpdateLeaderboardInput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import BadRequestError
from rapidata_nb.server.loaders import LeaderboardDep
from rapidata_nb.server.paging import Page, page_query
from rapidata_nb.server.programs import jobs as job_layer
from rapidata_nb.server.programs import mri
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.store.models import Job
from rapidata_nb.server.vote_filters import TagsDep, VotersDep, WeightedScoring, refuse_weighted_scoring

router = APIRouter(tags=["leaderboard"])


@router.post("/leaderboard")
def create_leaderboard(
    body: CreateLeaderboardInput, session: SessionDep, user: CurrentUser
) -> CreateLeaderboardOutput:
    """Create a leaderboard; submitted participants are evaluated on it right away."""
    lb = mri.create_leaderboard(session=session, owner_id=user.customer_id, body=body)
    return CreateLeaderboardOutput.model_validate(lb, from_attributes=True)


@router.get("/leaderboard/{leaderboard_id}")
def get_leaderboard(leaderboard: LeaderboardDep) -> LeaderboardOutput:
    """A leaderboard's configuration."""
    return LeaderboardOutput.model_validate(leaderboard, from_attributes=True)


@router.patch("/leaderboard/{leaderboard_id}", status_code=204)
def update_leaderboard(body: UpdateLeaderboardInput, leaderboard: LeaderboardDep) -> Response:
    """Rename or re-budget a leaderboard (future evaluations)."""
    if body.name is not None:
        leaderboard.name = body.name
    if body.response_budget is not None:
        if body.response_budget < 1:
            raise BadRequestError("responseBudget: must be at least 1")
        leaderboard.response_budget = body.response_budget
    if body.min_responses is not None:
        if body.min_responses < 1:
            raise BadRequestError("minResponses: must be at least 1")
        leaderboard.min_responses = body.min_responses
    if body.vote_aggregation is not None:
        leaderboard.vote_aggregation = body.vote_aggregation
    return Response(status_code=204)


@router.get("/leaderboard/{leaderboard_id}/standings/query")
def leaderboard_standings(
    leaderboard: LeaderboardDep, session: SessionDep, tags: TagsDep, voters: VotersDep
) -> StandingsOutput:
    """Standings (name, wins, totalMatches, score), best first, filtered by prompt tags and voters."""
    rows, total, _ = mri.standings(
        session=session,
        leaderboards=[leaderboard],
        benchmark_id=leaderboard.benchmark_id,
        tags=tags,
        voters=voters,
        with_intervals=True,
    )
    return mri.standings_output(rows, total)


@router.get("/leaderboard/{leaderboard_id}/matrix/query")
def leaderboard_matrix(
    leaderboard: LeaderboardDep,
    session: SessionDep,
    tags: TagsDep,
    voters: VotersDep,
    use_weighted_scoring: WeightedScoring = None,
) -> MatrixOutput:
    """Win/loss matrix by participant name: ``data[i][j]`` = times ``index[i]`` beat ``columns[j]``."""
    refuse_weighted_scoring(use_weighted_scoring)
    rows, _, wins = mri.standings(
        session=session,
        leaderboards=[leaderboard],
        benchmark_id=leaderboard.benchmark_id,
        tags=tags,
        voters=voters,
    )
    return mri.matrix_output(rows, wins)


@router.get("/leaderboard/{leaderboard_id}/runs")
def leaderboard_runs(
    leaderboard: LeaderboardDep, session: SessionDep, page: Annotated[Page, Depends(page_query(100))]
) -> PagedResult[LeaderboardRunOutput]:
    """The evaluation jobs of a leaderboard, oldest first."""
    job_ids = mri.leaderboard_jobs(session=session, leaderboard_id=leaderboard.id)
    mail = owner_mail(session=session, owner_id=leaderboard.owner_id)
    items = []
    for job_id in page.slice(job_ids):
        job = session.get(Job, job_id)
        items.append(
            LeaderboardRunOutput(
                id=job_id,
                name=job.name if job else job_id,
                status=job_layer.job_state(session=session, job_id=job_id),
                created_at=job.created_at if job else leaderboard.created_at,
                owner_mail=mail,
                organization_id=leaderboard.owner_id,
                job_id=job_id,
                audience_id=leaderboard.audience_id,
            )
        )
    return page.result(items, total=len(job_ids))
