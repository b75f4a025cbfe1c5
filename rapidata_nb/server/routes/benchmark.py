"""MRI: benchmarks, prompts, leaderboards, participants, samples, standings and win/loss matrices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.benchmark import (
    BenchmarkOutput,
    BenchmarkSummaryOutput,
    CreateBenchmarkInput,
    CreateBenchmarkOutput,
    CreateLeaderboardInput,
    CreateLeaderboardOutput,
    CreateParticipantInput,
    CreateParticipantOutput,
    CreatePromptInput,
    CreatePromptOutput,
    CreateSampleInput,
    CreateSampleOutput,
    LeaderboardOutput,
    LeaderboardRunOutput,
    MatrixOutput,
    ParticipantOutput,
    PromptOutput,
    PromptSegment,
    SampleOutput,
    StandingItem,
    StandingsOutput,
    SubmitParticipantsInput,
    SubmitParticipantsOutput,
    Tag,
    TagCountsOutput,
    TagSummary,
    UpdateLeaderboardInput,
    UpdateParticipantInput,
    UpdatePromptTagsInput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.programs import jobs as job_layer
from rapidata_nb.server.programs import mri as store
from rapidata_nb.server.programs.assets import stored_asset
from rapidata_nb.server.programs.paging import owner_mail, page_of, total_pages
from rapidata_nb.server.store.models import Job
from rapidata_nb.server.store.programs import (
    Benchmark,
    BenchmarkPrompt,
    Leaderboard,
    Participant,
    ParticipantSample,
)

router = APIRouter(tags=["benchmark"])

InFilter = Annotated[list[str] | None, Query()]


def _benchmark_out(session: Session, b: Benchmark) -> BenchmarkOutput:
    return BenchmarkOutput(
        id=b.id,
        name=b.name,
        description=b.description,
        created_at=b.created_at,
        owner_id=b.owner_id,
        owner_mail=owner_mail(session, b.owner_id),
        organization_id=b.owner_id,
        min_assets_per_prompt=b.min_assets_per_prompt,
    )


def _leaderboard_out(lb: Leaderboard) -> LeaderboardOutput:
    return LeaderboardOutput(
        id=lb.id,
        benchmark_id=lb.benchmark_id,
        name=lb.name,
        instruction=lb.instruction,
        show_prompt=lb.show_prompt,
        show_prompt_asset=lb.show_prompt_asset,
        is_inversed=lb.is_inversed,
        response_budget=lb.response_budget,
        min_responses=lb.min_responses,
        audience_id=lb.audience_id,
        feature_flags=lb.feature_flags,
        vote_aggregation=lb.vote_aggregation,
        included_tags=lb.included_tags,
        excluded_tags=lb.excluded_tags,
    )


def _participant_out(session: Session, p: Participant) -> ParticipantOutput:
    n = session.scalar(select(func.count()).where(ParticipantSample.participant_id == p.id)) or 0
    return ParticipantOutput(
        id=p.id,
        name=p.name,
        benchmark_id=p.benchmark_id,
        status="Disabled" if p.disabled else p.status,
        sample_count=int(n),
        created_at=p.created_at,
    )


def _standings_out(rows: list[store.Standing], total: int) -> StandingsOutput:
    return StandingsOutput(
        items=[
            StandingItem(
                id=s.id,
                name=s.name,
                score=s.score,
                wins=s.wins,
                total_matches=s.total_matches,
                response_count=s.response_count,
                is_disabled=s.is_disabled,
                status="Finished" if s.score is not None else "Pending",
                confidence_interval=None
                if s.interval is None or s.score is None
                else {
                    "lowerOffset": round(s.score - s.interval[0], 2),
                    "upperOffset": round(s.interval[1] - s.score, 2),
                },
            )
            for s in rows
        ],
        total_responses=total,
    )


def _in(values: list[str] | None) -> list[str] | None:
    return None if values is None else [v for v in values if v != ""]


# --- benchmarks ---------------------------------------------------------------------------------------------


@router.post("/benchmark")
def create_benchmark(
    body: CreateBenchmarkInput, session: SessionDep, user: CurrentUser
) -> CreateBenchmarkOutput:
    """Create an empty benchmark."""
    b = store.create_benchmark(
        session=session,
        owner_id=user.customer_id,
        name=body.name,
        description=body.description,
        min_assets_per_prompt=body.min_assets_per_prompt,
    )
    return CreateBenchmarkOutput(id=b.id)


@router.get("/benchmarks")
def find_benchmarks(
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 10,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[BenchmarkSummaryOutput]:
    """The caller's benchmarks, newest first."""
    stmt = select(Benchmark).where(Benchmark.owner_id == user.customer_id)
    if name_contains:
        stmt = stmt.where(Benchmark.name.contains(name_contains, autoescape=True))
    total, rows = page_of(
        session=session,
        stmt=stmt,
        columns={"created_at": Benchmark.created_at, "name": Benchmark.name},
        sort=sort or [],
        default="-created_at",
        page=page,
        page_size=page_size,
    )
    mail = owner_mail(session, user.customer_id)
    items = [
        BenchmarkSummaryOutput(
            id=b.id, name=b.name, created_at=b.created_at, owner_mail=mail, organization_id=b.owner_id
        )
        for b in rows
    ]
    return PagedResult[BenchmarkSummaryOutput](
        total=total, page=page, page_size=page_size, total_pages=total_pages(total, page_size), items=items
    )


@router.get("/benchmark/{benchmark_id}")
def get_benchmark(benchmark_id: str, session: SessionDep, user: CurrentUser) -> BenchmarkOutput:
    """A benchmark."""
    return _benchmark_out(
        session, store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    )


@router.post("/benchmark/{benchmark_id}/prompt")
def add_prompt(
    benchmark_id: str, body: CreatePromptInput, session: SessionDep, user: CurrentUser
) -> CreatePromptOutput:
    """Register a prompt (identifier, text and/or asset, tags); identifiers are unique per benchmark."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    return CreatePromptOutput(id=store.add_prompt(session=session, benchmark=b, body=body).id)


@router.get("/benchmark/{benchmark_id}/prompts")
def list_prompts(
    benchmark_id: str,
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PagedResult[PromptOutput]:
    """The benchmark's prompts in the order they were added (``englishPrompt`` is the original text)."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    prompts = store.prompts_of(session=session, benchmark_id=b.id)
    chunk = prompts[(page - 1) * page_size : page * page_size]
    items = []
    for p in chunk:
        segments = []
        if p.text is not None:
            segments.append(
                PromptSegment(
                    key=store.PROMPT_TEXT_KEY, kind="Text", original_text=p.text, english_text=p.text
                )
            )
        if p.asset is not None:
            segments.append(
                PromptSegment(
                    key=store.PROMPT_ASSET_KEY,
                    kind="Asset",
                    asset=stored_asset(session=session, asset=p.asset),
                )
            )
        items.append(
            PromptOutput(
                id=p.id,
                identifier=p.identifier,
                original_prompt=p.text,
                english_prompt=p.text,
                segments=segments,
                tags=[Tag.model_validate(t) for t in p.tags],
                origin={"source": p.origin} if p.origin else None,
                created_at=p.created_at,
            )
        )
    return PagedResult[PromptOutput](
        total=len(prompts),
        page=page,
        page_size=page_size,
        total_pages=total_pages(len(prompts), page_size),
        items=items,
    )


@router.get("/benchmark/{benchmark_id}/tags")
def tag_counts(benchmark_id: str, session: SessionDep, user: CurrentUser) -> TagCountsOutput:
    """Every tag of the benchmark's prompts with the number of prompts carrying it."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    counts: dict[tuple[str, str | None], int] = {}
    for p in store.prompts_of(session=session, benchmark_id=b.id):
        for t in p.tags:
            key = (t["value"], t.get("category"))
            counts[key] = counts.get(key, 0) + 1
    return TagCountsOutput(
        tags=[TagSummary(value=v, category=c, prompt_count=n) for (v, c), n in counts.items()]
    )


@router.put("/benchmark-prompt/{prompt_id}/tags", status_code=204)
def update_prompt_tags(
    prompt_id: str, body: UpdatePromptTagsInput, session: SessionDep, user: CurrentUser
) -> Response:
    """Replace a prompt's tags (future evaluations and standings filters use them)."""
    prompt = session.get(BenchmarkPrompt, prompt_id)
    if prompt is None:
        raise NotFoundError(f"Prompt '{prompt_id}' not found")
    store.get_benchmark(session=session, benchmark_id=prompt.benchmark_id, owner_id=user.customer_id)
    if body.tags is not None:
        prompt.tags = [t.wire() for t in body.tags]
    if body.origin is not None:
        prompt.origin = body.origin.source
    return Response(status_code=204)


@router.get("/benchmark/{benchmark_id}/leaderboards")
def list_leaderboards(
    benchmark_id: str,
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PagedResult[LeaderboardOutput]:
    """The benchmark's leaderboards in creation order."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    rows = store.leaderboards_of(session=session, benchmark_id=b.id)
    chunk = rows[(page - 1) * page_size : page * page_size]
    return PagedResult[LeaderboardOutput](
        total=len(rows),
        page=page,
        page_size=page_size,
        total_pages=total_pages(len(rows), page_size),
        items=[_leaderboard_out(lb) for lb in chunk],
    )


@router.post("/benchmark/{benchmark_id}/participants")
def create_participant(
    benchmark_id: str, body: CreateParticipantInput, session: SessionDep, user: CurrentUser
) -> CreateParticipantOutput:
    """Add a participant (state Created); upload its samples, then submit it."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    p = store.create_participant(session=session, benchmark=b, name=body.name)
    return CreateParticipantOutput(participant_id=p.id, dataset_id=f"ds_{p.id}")


@router.get("/benchmark/{benchmark_id}/participants")
def list_participants(
    benchmark_id: str,
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PagedResult[ParticipantOutput]:
    """The benchmark's participants in creation order."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    rows = store.participants_of(session=session, benchmark_id=b.id)
    chunk = rows[(page - 1) * page_size : page * page_size]
    return PagedResult[ParticipantOutput](
        total=len(rows),
        page=page,
        page_size=page_size,
        total_pages=total_pages(len(rows), page_size),
        items=[_participant_out(session, p) for p in chunk],
    )


@router.get("/benchmark/{benchmark_id}/standings/query")
def benchmark_standings(
    benchmark_id: str,
    session: SessionDep,
    user: CurrentUser,
    tags: InFilter = None,
    country: InFilter = None,
    language: InFilter = None,
) -> StandingsOutput:
    """Overall standings over every leaderboard of the benchmark."""
    b = store.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)
    rows, total, _ = store.standings(
        session=session,
        leaderboards=store.leaderboards_of(session=session, benchmark_id=b.id),
        benchmark_id=b.id,
        tags=_in(tags),
        country=_in(country),
        language=_in(language),
        with_intervals=True,
    )
    return _standings_out(rows, total)


# --- leaderboards -------------------------------------------------------------------------------------------


@router.post("/leaderboard")
def create_leaderboard(
    body: CreateLeaderboardInput, session: SessionDep, user: CurrentUser
) -> CreateLeaderboardOutput:
    """Create a leaderboard; submitted participants are evaluated on it right away."""
    lb = store.create_leaderboard(session=session, owner_id=user.customer_id, body=body)
    return CreateLeaderboardOutput(
        id=lb.id,
        benchmark_id=lb.benchmark_id,
        show_prompt=lb.show_prompt,
        show_prompt_asset=lb.show_prompt_asset,
        response_budget=lb.response_budget,
        min_responses=lb.min_responses,
        is_inversed=lb.is_inversed,
        vote_aggregation=lb.vote_aggregation,
    )


@router.get("/leaderboard/{leaderboard_id}")
def get_leaderboard(leaderboard_id: str, session: SessionDep, user: CurrentUser) -> LeaderboardOutput:
    """A leaderboard's configuration."""
    return _leaderboard_out(
        store.get_leaderboard(session=session, leaderboard_id=leaderboard_id, owner_id=user.customer_id)
    )


@router.patch("/leaderboard/{leaderboard_id}", status_code=204)
def update_leaderboard(
    leaderboard_id: str, body: UpdateLeaderboardInput, session: SessionDep, user: CurrentUser
) -> Response:
    """Rename or re-budget a leaderboard (future evaluations)."""
    lb = store.get_leaderboard(session=session, leaderboard_id=leaderboard_id, owner_id=user.customer_id)
    if body.name is not None:
        lb.name = body.name
    if body.response_budget is not None:
        if body.response_budget < 1:
            raise BadRequestError("responseBudget: must be at least 1")
        lb.response_budget = body.response_budget
    if body.min_responses is not None:
        if body.min_responses < 1:
            raise BadRequestError("minResponses: must be at least 1")
        lb.min_responses = body.min_responses
    if body.vote_aggregation is not None:
        lb.vote_aggregation = body.vote_aggregation
    return Response(status_code=204)


@router.get("/leaderboard/{leaderboard_id}/standings/query")
def leaderboard_standings(
    leaderboard_id: str,
    session: SessionDep,
    user: CurrentUser,
    tags: InFilter = None,
    country: InFilter = None,
    language: InFilter = None,
) -> StandingsOutput:
    """Standings (name, wins, totalMatches, score), best first, filtered by prompt tags and labelers."""
    lb = store.get_leaderboard(session=session, leaderboard_id=leaderboard_id, owner_id=user.customer_id)
    rows, total, _ = store.standings(
        session=session,
        leaderboards=[lb],
        benchmark_id=lb.benchmark_id,
        tags=_in(tags),
        country=_in(country),
        language=_in(language),
        with_intervals=True,
    )
    return _standings_out(rows, total)


@router.get("/leaderboard/{leaderboard_id}/matrix/query")
def leaderboard_matrix(
    leaderboard_id: str,
    session: SessionDep,
    user: CurrentUser,
    tags: InFilter = None,
    country: InFilter = None,
    language: InFilter = None,
) -> MatrixOutput:
    """Win/loss matrix by participant name: ``data[i][j]`` = times ``index[i]`` beat ``columns[j]``."""
    lb = store.get_leaderboard(session=session, leaderboard_id=leaderboard_id, owner_id=user.customer_id)
    rows, _, wins = store.standings(
        session=session,
        leaderboards=[lb],
        benchmark_id=lb.benchmark_id,
        tags=_in(tags),
        country=_in(country),
        language=_in(language),
    )
    names = [s.name for s in rows]
    return MatrixOutput(index=names, columns=names, data=wins.tolist())


@router.get("/leaderboard/{leaderboard_id}/runs")
def leaderboard_runs(
    leaderboard_id: str,
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PagedResult[LeaderboardRunOutput]:
    """The evaluation jobs of a leaderboard, oldest first."""
    lb = store.get_leaderboard(session=session, leaderboard_id=leaderboard_id, owner_id=user.customer_id)
    job_ids = store.leaderboard_jobs(session=session, leaderboard_id=lb.id)
    chunk = job_ids[(page - 1) * page_size : page * page_size]
    mail = owner_mail(session, lb.owner_id)
    items = []
    for job_id in chunk:
        job = session.get(Job, job_id)
        items.append(
            LeaderboardRunOutput(
                id=job_id,
                name=job.name if job else job_id,
                status=job_layer.job_state(session=session, job_id=job_id),
                created_at=job.created_at if job else lb.created_at,
                owner_mail=mail,
                organization_id=lb.owner_id,
                job_id=job_id,
                audience_id=lb.audience_id,
            )
        )
    return PagedResult[LeaderboardRunOutput](
        total=len(job_ids),
        page=page,
        page_size=page_size,
        total_pages=total_pages(len(job_ids), page_size),
        items=items,
    )


# --- participants -------------------------------------------------------------------------------------------


@router.post("/participant/{participant_id}/sample")
def add_sample(
    participant_id: str, body: CreateSampleInput, session: SessionDep, user: CurrentUser
) -> CreateSampleOutput:
    """Attach one generated medium for a registered prompt identifier."""
    p = store.get_participant(session=session, participant_id=participant_id, owner_id=user.customer_id)
    return CreateSampleOutput(id=store.add_sample(session=session, participant=p, body=body).id)


@router.get("/participant/{participant_id}/samples")
def list_samples(
    participant_id: str,
    session: SessionDep,
    user: CurrentUser,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> PagedResult[SampleOutput]:
    """A participant's samples."""
    p = store.get_participant(session=session, participant_id=participant_id, owner_id=user.customer_id)
    stmt = select(ParticipantSample).where(ParticipantSample.participant_id == p.id)
    total, rows = page_of(
        session=session,
        stmt=stmt,
        columns={"created_at": ParticipantSample.created_at},
        sort=[],
        default="created_at",
        page=page,
        page_size=page_size,
    )
    items = [
        SampleOutput(
            id=s.id,
            participant_id=p.id,
            identifier=s.identifier,
            asset=stored_asset(session=session, asset=s.asset),
        )
        for s in rows
    ]
    return PagedResult[SampleOutput](
        total=total, page=page, page_size=page_size, total_pages=total_pages(total, page_size), items=items
    )


@router.post("/participants/submit")
def submit_participants(
    body: SubmitParticipantsInput, session: SessionDep, user: CurrentUser
) -> SubmitParticipantsOutput:
    """Submit participants: each new one is matched against the field on every leaderboard."""
    valid, invalid = store.submit(
        session=session, owner_id=user.customer_id, participant_ids=body.participant_ids
    )
    return SubmitParticipantsOutput(valid_datapoints=valid, invalid_datapoints=invalid)


@router.patch("/participant/{participant_id}", status_code=204)
def update_participant(
    participant_id: str, body: UpdateParticipantInput, session: SessionDep, user: CurrentUser
) -> Response:
    """Rename a participant."""
    p = store.get_participant(session=session, participant_id=participant_id, owner_id=user.customer_id)
    if body.name is not None:
        if not body.name.strip():
            raise BadRequestError("name: must not be empty")
        p.name = body.name
    return Response(status_code=204)


@router.post("/participant/{participant_id}/disable", status_code=204)
def disable_participant(participant_id: str, session: SessionDep, user: CurrentUser) -> Response:
    """Exclude a participant from evaluation and standings (reversible)."""
    store.get_participant(
        session=session, participant_id=participant_id, owner_id=user.customer_id
    ).disabled = True
    return Response(status_code=204)


@router.post("/participant/{participant_id}/enable", status_code=204)
def enable_participant(participant_id: str, session: SessionDep, user: CurrentUser) -> Response:
    """Bring a disabled participant back."""
    store.get_participant(
        session=session, participant_id=participant_id, owner_id=user.customer_id
    ).disabled = False
    return Response(status_code=204)


@router.delete("/participant/{participant_id}", status_code=204)
def delete_participant(participant_id: str, session: SessionDep, user: CurrentUser) -> Response:
    """Remove a participant and its media from the benchmark."""
    store.get_participant(
        session=session, participant_id=participant_id, owner_id=user.customer_id
    ).deleted = True
    return Response(status_code=204)
