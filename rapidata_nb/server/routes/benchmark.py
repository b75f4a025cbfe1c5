"""MRI benchmarks: prompts and tags, the benchmark's leaderboards and participants, overall standings."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.benchmark import (
    BenchmarkOutput,
    BenchmarkSummaryOutput,
    BreakdownSegment,
    CreateBenchmarkInput,
    CreateBenchmarkOutput,
    CreateParticipantInput,
    CreateParticipantOutput,
    CreatePromptInput,
    CreatePromptOutput,
    DemographicDimension,
    DemographicsBucket,
    DemographicsDimensions,
    DemographicsOutput,
    LeaderboardOutput,
    MatrixOutput,
    ParticipantOutput,
    PromptOutput,
    PromptSegment,
    StandingsBreakdownOutput,
    StandingsOutput,
    Tag,
    TagCountsOutput,
    TagSummary,
    UpdateBenchmarkInput,
    UpdatePromptTagsInput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.loaders import BenchmarkDep, PromptDep
from rapidata_nb.server.paging import Page, PageDep, page_query
from rapidata_nb.server.programs import mri
from rapidata_nb.server.store.assets import stored_asset
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.store.programs import Benchmark, BenchmarkPrompt, Participant, ParticipantSample
from rapidata_nb.server.vote_filters import (
    LeaderboardIdsDep,
    ParticipantIdsDep,
    TagsDep,
    VotersDep,
    WeightedScoring,
    refuse_weighted_scoring,
)

router = APIRouter(tags=["benchmark"])

LongPage = Annotated[Page, Depends(page_query(100))]


def _prompt_out(session: Session, p: BenchmarkPrompt) -> PromptOutput:
    segments = []
    if p.text is not None:
        segments.append(
            PromptSegment(key=mri.PROMPT_TEXT_KEY, kind="Text", original_text=p.text, english_text=p.text)
        )
    if p.asset is not None:
        asset = stored_asset(session=session, asset=p.asset)
        segments.append(PromptSegment(key=mri.PROMPT_ASSET_KEY, kind="Asset", asset=asset))
    return PromptOutput(
        id=p.id,
        identifier=p.identifier,
        original_prompt=p.text,
        english_prompt=p.text,
        segments=segments,
        tags=[Tag.model_validate(t) for t in p.tags],
        origin={"source": p.origin} if p.origin else None,
        created_at=p.created_at,
    )


def _participant_out(session: Session, p: Participant) -> ParticipantOutput:
    n = session.scalar(select(func.count()).where(ParticipantSample.participant_id == p.id)) or 0
    return ParticipantOutput(
        id=p.id,
        name=p.name,
        benchmark_id=p.benchmark_id,
        status="Disabled" if p.disabled else p.status,
        sample_count=int(n),
        cost=p.cost,
        cost_unit=p.cost_unit,
        created_at=p.created_at,
    )


@router.post("/benchmark")
def create_benchmark(
    body: CreateBenchmarkInput, session: SessionDep, user: CurrentUser
) -> CreateBenchmarkOutput:
    """Create an empty benchmark."""
    b = mri.create_benchmark(
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
    page: PageDep,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[BenchmarkSummaryOutput]:
    """The caller's benchmarks, newest first."""
    stmt = select(Benchmark).where(Benchmark.owner_id == user.customer_id)
    if name_contains:
        stmt = stmt.where(Benchmark.name.contains(name_contains, autoescape=True))
    total, rows = page.select(
        session=session,
        stmt=stmt,
        columns={"created_at": Benchmark.created_at, "name": Benchmark.name},
        sort=sort,
        default="-created_at",
    )
    mail = owner_mail(session=session, owner_id=user.customer_id)
    items = [
        BenchmarkSummaryOutput(
            id=b.id, name=b.name, created_at=b.created_at, owner_mail=mail, organization_id=b.owner_id
        )
        for b in rows
    ]
    return page.result(items, total=total)


@router.get("/benchmark/{benchmark_id}")
def get_benchmark(benchmark: BenchmarkDep, session: SessionDep) -> BenchmarkOutput:
    """A benchmark."""
    return BenchmarkOutput(
        id=benchmark.id,
        name=benchmark.name,
        description=benchmark.description,
        created_at=benchmark.created_at,
        owner_id=benchmark.owner_id,
        owner_mail=owner_mail(session=session, owner_id=benchmark.owner_id),
        organization_id=benchmark.owner_id,
        min_assets_per_prompt=benchmark.min_assets_per_prompt,
    )


@router.patch("/benchmark/{benchmark_id}", status_code=204)
def update_benchmark(body: UpdateBenchmarkInput, benchmark: BenchmarkDep) -> Response:
    """Rename a benchmark or set how many samples per prompt a participant should give."""
    mri.update_benchmark(
        benchmark=benchmark, name=body.name, min_assets_per_prompt=body.min_assets_per_prompt
    )
    return Response(status_code=204)


@router.post("/benchmark/{benchmark_id}/prompt")
def add_prompt(body: CreatePromptInput, benchmark: BenchmarkDep, session: SessionDep) -> CreatePromptOutput:
    """Register a prompt (identifier, text and/or asset, tags); identifiers are unique per benchmark."""
    return CreatePromptOutput(id=mri.add_prompt(session=session, benchmark=benchmark, body=body).id)


@router.get("/benchmark/{benchmark_id}/prompts")
def list_prompts(benchmark: BenchmarkDep, session: SessionDep, page: LongPage) -> PagedResult[PromptOutput]:
    """The benchmark's prompts in the order they were added (``englishPrompt`` is the original text)."""
    prompts = mri.prompts_of(session=session, benchmark_id=benchmark.id)
    return page.result([_prompt_out(session, p) for p in page.slice(prompts)], total=len(prompts))


@router.get("/benchmark/{benchmark_id}/tags")
def tag_counts(benchmark: BenchmarkDep, session: SessionDep) -> TagCountsOutput:
    """Every tag of the benchmark's prompts with the number of prompts carrying it."""
    counts: dict[tuple[str, str | None], int] = {}
    for p in mri.prompts_of(session=session, benchmark_id=benchmark.id):
        for t in p.tags:
            key = (t["value"], t.get("category"))
            counts[key] = counts.get(key, 0) + 1
    return TagCountsOutput(
        tags=[TagSummary(value=v, category=c, prompt_count=n) for (v, c), n in counts.items()]
    )


@router.put("/benchmark-prompt/{prompt_id}/tags", status_code=204)
def update_prompt_tags(body: UpdatePromptTagsInput, prompt: PromptDep) -> Response:
    """Replace a prompt's tags (future evaluations and standings filters use them)."""
    if body.tags is not None:
        prompt.tags = [t.wire() for t in body.tags]
    if body.origin is not None:
        prompt.origin = body.origin.source
    return Response(status_code=204)


@router.get("/benchmark/{benchmark_id}/leaderboards")
def list_leaderboards(
    benchmark: BenchmarkDep, session: SessionDep, page: LongPage
) -> PagedResult[LeaderboardOutput]:
    """The benchmark's leaderboards in creation order."""
    rows = mri.leaderboards_of(session=session, benchmark_id=benchmark.id)
    items = [LeaderboardOutput.model_validate(lb, from_attributes=True) for lb in page.slice(rows)]
    return page.result(items, total=len(rows))


@router.post("/benchmark/{benchmark_id}/participants")
def create_participant(
    body: CreateParticipantInput, benchmark: BenchmarkDep, session: SessionDep
) -> CreateParticipantOutput:
    """Add a participant (state Created); upload its samples, then submit it."""
    p = mri.create_participant(session=session, benchmark=benchmark, name=body.name)
    return CreateParticipantOutput(participant_id=p.id, dataset_id=f"ds_{p.id}")


@router.get("/benchmark/{benchmark_id}/participants")
def list_participants(
    benchmark: BenchmarkDep, session: SessionDep, page: LongPage
) -> PagedResult[ParticipantOutput]:
    """The benchmark's participants in creation order."""
    rows = mri.participants_of(session=session, benchmark_id=benchmark.id)
    return page.result([_participant_out(session, p) for p in page.slice(rows)], total=len(rows))


def _leaderboards(session: Session, benchmark: Benchmark, ids: list[str] | None) -> list[Any]:
    """The benchmark's leaderboards, only those of ``ids`` when given."""
    boards = mri.leaderboards_of(session=session, benchmark_id=benchmark.id)
    return boards if ids is None else [lb for lb in boards if lb.id in set(ids)]


@router.get("/benchmark/{benchmark_id}/standings/query")
def benchmark_standings(
    benchmark: BenchmarkDep,
    session: SessionDep,
    tags: TagsDep,
    voters: VotersDep,
    leaderboard_ids: LeaderboardIdsDep,
) -> StandingsOutput:
    """Overall standings over the benchmark's leaderboards (all, or ``leaderboard_id``)."""
    rows, total, _ = mri.standings(
        session=session,
        leaderboards=_leaderboards(session, benchmark, leaderboard_ids),
        benchmark_id=benchmark.id,
        tags=tags,
        voters=voters,
        with_intervals=True,
    )
    return mri.standings_output(rows, total)


@router.get("/benchmark/{benchmark_id}/matrix/query")
def benchmark_matrix(
    benchmark: BenchmarkDep,
    session: SessionDep,
    tags: TagsDep,
    voters: VotersDep,
    leaderboard_ids: LeaderboardIdsDep,
    participant_ids: ParticipantIdsDep,
    use_weighted_scoring: WeightedScoring = None,
) -> MatrixOutput:
    """Wins of each participant over each other, summed over the benchmark's leaderboards."""
    refuse_weighted_scoring(use_weighted_scoring)
    rows, _, wins = mri.standings(
        session=session,
        leaderboards=_leaderboards(session, benchmark, leaderboard_ids),
        benchmark_id=benchmark.id,
        tags=tags,
        voters=voters,
    )
    if participant_ids is not None:
        keep = [i for i, r in enumerate(rows) if r.id in set(participant_ids)]
        rows, wins = [rows[i] for i in keep], wins[np.ix_(keep, keep)]
    return mri.matrix_output(rows, wins)


@router.get("/benchmark/{benchmark_id}/demographics")
def benchmark_demographics(
    benchmark: BenchmarkDep,
    session: SessionDep,
    tags: TagsDep,
    voters: VotersDep,
    leaderboard_ids: LeaderboardIdsDep,
) -> DemographicsOutput:
    """Who cast the votes: per demographic dimension, the votes and share of each value."""
    total, buckets = mri.demographics(
        session=session,
        leaderboards=_leaderboards(session, benchmark, leaderboard_ids),
        benchmark_id=benchmark.id,
        tags=tags,
        voters=voters,
    )
    dimensions = {
        mri.DIMENSIONS[d]: [DemographicsBucket(value=v, votes=n, share=share) for v, n, share in b]
        for d, b in buckets.items()
    }
    return DemographicsOutput(total_votes=total, dimensions=DemographicsDimensions(**dimensions))


@router.get("/benchmark/{benchmark_id}/standings/breakdown")
def benchmark_standings_breakdown(
    benchmark: BenchmarkDep,
    session: SessionDep,
    dimension: DemographicDimension,
    tags: TagsDep,
    voters: VotersDep,
    leaderboard_ids: LeaderboardIdsDep,
) -> StandingsBreakdownOutput:
    """The standings among each segment of voters of a demographic dimension, and overall."""
    boards = _leaderboards(session, benchmark, leaderboard_ids)
    overall, total, _ = mri.standings(
        session=session, leaderboards=boards, benchmark_id=benchmark.id, tags=tags, voters=voters
    )
    segments = mri.standings_breakdown(
        session=session,
        leaderboards=boards,
        benchmark_id=benchmark.id,
        dimension=dimension,
        tags=tags,
        voters=voters,
    )
    return StandingsBreakdownOutput(
        dimension=dimension,
        global_=mri.standings_output(overall, total).items,
        segments=[
            BreakdownSegment(value=value, votes=n, items=mri.standings_output(rows, n).items)
            for value, n, rows in segments
        ],
    )
