"""Model Ranking Insights: benchmarks, leaderboards, participants and their evaluation (DESIGN §6 "MRI").

Evaluation creates ordinary compare jobs on the leaderboard's audience. Only samples generated for the same
prompt identifier meet; when participants are submitted, each new participant is matched against every
enabled participant already submitted (and the new ones against each other), spreading the leaderboard's
comparison budget (``responseBudget // minResponses`` matchups of ``minResponses`` votes each) evenly over
opponents and prompts. Standings are Bradley–Terry scores on the Elo-like scale (``engine.ranking``) over the
matchups of enabled participants, optionally restricted to prompt tags and to labelers' country/language.
With ``MajorityVote`` each matchup counts once for its majority side (a tie is half a win each); with
``AllVotes`` every vote counts. An inversed leaderboard ("which is worse?") flips wins and scores.

The plan (which matchups, in which order, which side is shown as A) is seeded by what the user submitted (the
leaderboard's name and instruction, the prompt identifiers and the media), never by ids: ids are random per
server, and a matchup's sides make its content key, which decides the simulated crowd's labelers and answers.
So a program rerun on a fresh server gets the same standings (DESIGN §7).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import MultiAssetInput
from rapidata_nb.api.models.benchmark import (
    CreateLeaderboardInput,
    CreatePromptInput,
    CreateSampleInput,
    MatrixOutput,
    StandingItem,
    StandingsOutput,
)
from rapidata_nb.api.models.definition import (
    AssetBinding,
    CompareSpec,
    NaiveReferee,
    SimpleWorkflow,
    TextBinding,
)
from rapidata_nb.engine.ranking import DISPLAY_ALPHA, bootstrap_intervals, elo_scores
from rapidata_nb.server.errors import BadRequestError, ConflictError, NotFoundError
from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.programs import jobs as job_layer
from rapidata_nb.server.store.datasets import resolve_asset_input
from rapidata_nb.server.store.labeling import Audience, new_id
from rapidata_nb.server.store.programs import (
    Benchmark,
    BenchmarkPrompt,
    Leaderboard,
    Matchup,
    Participant,
    ParticipantSample,
)

__all__ = [
    "DEFAULT_MIN_RESPONSES",
    "DEFAULT_RESPONSE_BUDGET",
    "DIMENSIONS",
    "Standing",
    "Voters",
    "add_prompt",
    "add_sample",
    "create_benchmark",
    "create_leaderboard",
    "create_participant",
    "demographics",
    "get_benchmark",
    "get_leaderboard",
    "get_participant",
    "leaderboard_jobs",
    "leaderboards_of",
    "matrix_output",
    "participants_of",
    "prompts_of",
    "standings",
    "standings_breakdown",
    "standings_output",
    "Submitted",
    "submit",
    "update_benchmark",
]

DEFAULT_RESPONSE_BUDGET = 4000
DEFAULT_MIN_RESPONSES = 3
PROMPT_TEXT_KEY = "prompt"
PROMPT_ASSET_KEY = "prompt_asset"


# --- benchmarks and prompts ---------------------------------------------------------------------------------


def create_benchmark(
    *,
    session: Session,
    owner_id: str,
    name: str,
    description: str | None = None,
    min_assets_per_prompt: int | None = None,
) -> Benchmark:
    """A new, empty benchmark."""
    benchmark = Benchmark(
        id=new_id("bm"),
        owner_id=owner_id,
        name=name,
        description=description,
        min_assets_per_prompt=min_assets_per_prompt,
    )
    session.add(benchmark)
    session.flush()
    return benchmark


def get_benchmark(*, session: Session, benchmark_id: str, owner_id: str) -> Benchmark:
    """The caller's benchmark, else 404."""
    row = session.get(Benchmark, benchmark_id)
    if row is None or row.owner_id != owner_id:
        raise NotFoundError(f"Benchmark '{benchmark_id}' not found")
    return row


def prompts_of(*, session: Session, benchmark_id: str) -> list[BenchmarkPrompt]:
    """Prompts of a benchmark in the order they were added."""
    stmt = (
        select(BenchmarkPrompt)
        .where(BenchmarkPrompt.benchmark_id == benchmark_id)
        .order_by(BenchmarkPrompt.position)
    )
    return list(session.scalars(stmt))


def add_prompt(*, session: Session, benchmark: Benchmark, body: CreatePromptInput) -> BenchmarkPrompt:
    """Register one prompt; its identifier must be new in the benchmark."""
    existing = prompts_of(session=session, benchmark_id=benchmark.id)
    if any(p.identifier == body.identifier for p in existing):
        raise ConflictError(f"identifier: '{body.identifier}' already exists in benchmark '{benchmark.id}'")
    text: str | None = None
    asset: dict[str, Any] | None = None
    for i, seg in enumerate(body.segments or []):
        if seg.kind == "Text":
            if seg.text is None:
                raise BadRequestError(f"segments[{i}].text: a Text segment needs text")
            text = seg.text
        else:
            if seg.asset is None:
                raise BadRequestError(f"segments[{i}].asset: an Asset segment needs an asset")
            asset = resolve_asset_input(session=session, asset=seg.asset, where=f"segments[{i}].asset")
    prompt = BenchmarkPrompt(
        id=new_id("bp"),
        benchmark_id=benchmark.id,
        identifier=body.identifier,
        text=text,
        asset=asset,
        tags=[t.wire() for t in body.tags or []],
        origin=body.origin.source if body.origin is not None else None,
        position=len(existing),
    )
    session.add(prompt)
    session.flush()
    return prompt


# --- leaderboards -------------------------------------------------------------------------------------------


def _check_audience(session: Session, audience_id: str, owner_id: str) -> None:
    audience = session.get(Audience, audience_id)
    if (
        audience is None
        or audience.deleted
        or (audience.owner_id not in (None, owner_id) and not audience.is_public)
    ):
        raise NotFoundError(f"audienceId: audience '{audience_id}' not found")


def create_leaderboard(*, session: Session, owner_id: str, body: CreateLeaderboardInput) -> Leaderboard:
    """Create a leaderboard (and its benchmark when only ``benchmarkName`` is given); evaluate the field."""
    if body.benchmark_id:
        benchmark = get_benchmark(session=session, benchmark_id=body.benchmark_id, owner_id=owner_id)
    elif body.benchmark_name:
        benchmark = create_benchmark(session=session, owner_id=owner_id, name=body.benchmark_name)
    else:
        raise BadRequestError("benchmarkId: give a benchmarkId or a benchmarkName")
    budget = DEFAULT_RESPONSE_BUDGET if body.response_budget is None else body.response_budget
    min_responses = DEFAULT_MIN_RESPONSES if body.min_responses is None else body.min_responses
    if budget < 1:
        raise BadRequestError(f"responseBudget: must be at least 1, got {budget}")
    if min_responses < 1:
        raise BadRequestError(f"minResponses: must be at least 1, got {min_responses}")
    audience_id = body.audience_id or "global"
    _check_audience(session, audience_id, owner_id)
    leaderboard = Leaderboard(
        id=new_id("lb"),
        benchmark_id=benchmark.id,
        owner_id=owner_id,
        name=body.name,
        instruction=body.instruction,
        show_prompt=body.show_prompt,
        show_prompt_asset=bool(body.show_prompt_asset),
        is_inversed=bool(body.is_inversed),
        response_budget=budget,
        min_responses=min_responses,
        audience_id=audience_id,
        vote_aggregation=body.vote_aggregation or "MajorityVote",
        included_tags=list(body.included_tags or []),
        excluded_tags=list(body.excluded_tags or []),
        feature_flags=[f.wire() for f in body.feature_flags or []],
    )
    session.add(leaderboard)
    session.flush()
    field = participants_of(session=session, benchmark_id=benchmark.id, submitted_only=True)
    if field and not body.skip_initial_run:
        _evaluate(session=session, leaderboard=leaderboard, new=field, existing=[])
    return leaderboard


def get_leaderboard(*, session: Session, leaderboard_id: str, owner_id: str) -> Leaderboard:
    """The caller's leaderboard, else 404."""
    row = session.get(Leaderboard, leaderboard_id)
    if row is None or row.owner_id != owner_id:
        raise NotFoundError(f"Leaderboard '{leaderboard_id}' not found")
    return row


def leaderboards_of(*, session: Session, benchmark_id: str) -> list[Leaderboard]:
    """Leaderboards of a benchmark in creation order."""
    stmt = (
        select(Leaderboard).where(Leaderboard.benchmark_id == benchmark_id).order_by(Leaderboard.created_at)
    )
    return list(session.scalars(stmt))


def leaderboard_jobs(*, session: Session, leaderboard_id: str) -> list[str]:
    """Ids of the evaluation jobs of a leaderboard, oldest first."""
    stmt = (
        select(Matchup.job_id)
        .where(Matchup.leaderboard_id == leaderboard_id)
        .group_by(Matchup.job_id)
        .order_by(func_min_id())
    )
    return [j for j in session.scalars(stmt) if j]


def func_min_id() -> Any:
    """``min(matchup.id)``: orders jobs by their first matchup."""
    from sqlalchemy import func

    return func.min(Matchup.id)


# --- participants -------------------------------------------------------------------------------------------


def create_participant(*, session: Session, benchmark: Benchmark, name: str) -> Participant:
    """A new participant in state ``Created``."""
    participant = Participant(
        id=new_id("pt"), benchmark_id=benchmark.id, owner_id=benchmark.owner_id, name=name
    )
    session.add(participant)
    session.flush()
    return participant


def get_participant(*, session: Session, participant_id: str, owner_id: str) -> Participant:
    """The caller's participant, else 404."""
    row = session.get(Participant, participant_id)
    if row is None or row.deleted or row.owner_id != owner_id:
        raise NotFoundError(f"Participant '{participant_id}' not found")
    return row


def participants_of(
    *, session: Session, benchmark_id: str, submitted_only: bool = False
) -> list[Participant]:
    """Participants of a benchmark (not deleted) in creation order; ``submitted_only`` keeps enabled ones."""
    stmt = select(Participant).where(Participant.benchmark_id == benchmark_id, Participant.deleted.is_(False))
    rows = list(session.scalars(stmt.order_by(Participant.created_at, Participant.id)))
    if submitted_only:
        rows = [p for p in rows if p.status == "Submitted" and not p.disabled]
    return rows


def add_sample(*, session: Session, participant: Participant, body: CreateSampleInput) -> ParticipantSample:
    """Attach one medium for a registered prompt identifier (the same medium twice is a 409, so re-sending
    what may have landed is safe)."""
    identifiers = {p.identifier for p in prompts_of(session=session, benchmark_id=participant.benchmark_id)}
    if body.identifier not in identifiers:
        raise BadRequestError(
            f"identifier: '{body.identifier}' is not a prompt identifier of benchmark "
            f"'{participant.benchmark_id}'"
        )
    asset = resolve_asset_input(session=session, asset=body.asset, where="asset")
    held = samples_of(session=session, participant_ids=[participant.id])[participant.id][body.identifier]
    if any(_media_key(s) == json.dumps(asset, sort_keys=True) for s in held):
        raise ConflictError(
            f"asset: participant '{participant.name}' already holds this sample for '{body.identifier}'"
        )
    sample = ParticipantSample(
        id=new_id("smp"), participant_id=participant.id, identifier=body.identifier, asset=asset
    )
    session.add(sample)
    session.flush()
    return sample


def samples_of(
    *, session: Session, participant_ids: Sequence[str]
) -> dict[str, dict[str, list[ParticipantSample]]]:
    """``{participant_id: {identifier: [samples]}}``."""
    out: dict[str, dict[str, list[ParticipantSample]]] = defaultdict(lambda: defaultdict(list))
    if not participant_ids:
        return out
    stmt = (
        select(ParticipantSample)
        .where(ParticipantSample.participant_id.in_(list(participant_ids)))
        .order_by(ParticipantSample.created_at, ParticipantSample.id)
    )
    for s in session.scalars(stmt):
        out[s.participant_id][s.identifier].append(s)
    return out


@dataclass(frozen=True)
class Submitted:
    """What a submission did: sample counts, and the prompts each participant filled below its benchmark's
    ``min_assets_per_prompt`` (``{participant_id: [(identifier, samples)]}``; empty without a minimum)."""

    valid: int
    invalid: int
    min_assets_per_prompt: int | None
    underfilled: dict[str, list[tuple[str, int]]]


def submit(*, session: Session, owner_id: str, participant_ids: Sequence[str]) -> Submitted:
    """Submit participants: evaluate each new one against the field on every leaderboard."""
    rows = [
        get_participant(session=session, participant_id=pid, owner_id=owner_id) for pid in participant_ids
    ]
    by_benchmark: dict[str, list[Participant]] = defaultdict(list)
    valid = 0
    minimum: int | None = None
    underfilled: dict[str, list[tuple[str, int]]] = {}
    for p in rows:
        if p.status == "Submitted":
            continue
        per_prompt = samples_of(session=session, participant_ids=[p.id]).get(p.id, {})
        n = sum(len(v) for v in per_prompt.values())
        if n == 0:
            raise BadRequestError(f"participantIds: participant '{p.name}' has no media; upload media first")
        valid += n
        by_benchmark[p.benchmark_id].append(p)
        benchmark = session.get(Benchmark, p.benchmark_id)
        least = benchmark.min_assets_per_prompt if benchmark is not None else None
        short = [(ident, len(v)) for ident, v in per_prompt.items() if least and 0 < len(v) < least]
        if short:
            minimum, underfilled[p.id] = least, short
    for benchmark_id, new in by_benchmark.items():
        existing = participants_of(session=session, benchmark_id=benchmark_id, submitted_only=True)
        for p in new:
            p.status = "Submitted"
        evaluated = [p for p in new if not p.disabled]
        for leaderboard in leaderboards_of(session=session, benchmark_id=benchmark_id):
            _evaluate(session=session, leaderboard=leaderboard, new=evaluated, existing=existing)
    return Submitted(valid=valid, invalid=0, min_assets_per_prompt=minimum, underfilled=underfilled)


def update_benchmark(*, benchmark: Benchmark, name: str | None, min_assets_per_prompt: int | None) -> None:
    """Rename a benchmark or set the samples per prompt a participant should give (at least 2)."""
    if name is not None:
        if not name.strip():
            raise BadRequestError("name: must not be empty")
        benchmark.name = name
    if min_assets_per_prompt is not None:
        if min_assets_per_prompt < 2:
            raise BadRequestError(f"minAssetsPerPrompt: must be at least 2, got {min_assets_per_prompt}")
        benchmark.min_assets_per_prompt = min_assets_per_prompt


def _eligible(prompt: BenchmarkPrompt, leaderboard: Leaderboard) -> bool:
    values = {t["value"] for t in prompt.tags}
    if leaderboard.excluded_tags and values & set(leaderboard.excluded_tags):
        return False
    return not leaderboard.included_tags or bool(values & set(leaderboard.included_tags))


def _plan_seed(leaderboard: Leaderboard, *parts: object) -> int:
    """A seed for the leaderboard's matchup plan from its settings and ``parts`` (content, not ids)."""
    return stable_hash("mri", leaderboard.name, leaderboard.instruction, *parts)


def _media_key(sample: ParticipantSample) -> str:
    """The sample's medium as stored (uploaded files are named by their content): the same on every run."""
    return json.dumps(sample.asset, sort_keys=True)


def _candidates(
    session: Session, leaderboard: Leaderboard, new: Sequence[Participant], existing: Sequence[Participant]
) -> list[tuple[tuple[str, str], str, ParticipantSample, ParticipantSample]]:
    prompts = {
        p.identifier: p
        for p in prompts_of(session=session, benchmark_id=leaderboard.benchmark_id)
        if _eligible(p, leaderboard)
    }
    field = list(existing) + [p for p in new if p.id not in {e.id for e in existing}]
    samples = samples_of(session=session, participant_ids=[p.id for p in field])
    new_ids = [p.id for p in new]
    pairs: list[tuple[str, str]] = []
    for i, a in enumerate(new_ids):
        pairs += [(a, e.id) for e in existing if e.id != a]
        pairs += [(a, b) for b in new_ids[i + 1 :]]
    out = []
    for a, b in pairs:
        for identifier in prompts:
            sa, sb = samples[a].get(identifier), samples[b].get(identifier)
            if sa and sb:
                k = _plan_seed(leaderboard, identifier, *map(_media_key, sa), "vs", *map(_media_key, sb))
                out.append(((a, b), identifier, sa[k % len(sa)], sb[(k // 7) % len(sb)]))
    return out


def _evaluate(
    *, session: Session, leaderboard: Leaderboard, new: Sequence[Participant], existing: Sequence[Participant]
) -> str | None:
    """Create one compare job with the matchups of ``new`` against the field; returns the job id."""
    candidates = _candidates(session, leaderboard, new, existing)
    if not candidates:
        return None
    limit = max(1, leaderboard.response_budget // leaderboard.min_responses)
    rng = np.random.default_rng(
        _plan_seed(leaderboard, *(f"{c[1]}:{_media_key(c[2])}:{_media_key(c[3])}" for c in candidates))
    )
    order = rng.permutation(len(candidates))
    # Round-robin over participant pairs so a small budget still covers every opponent.
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in order:
        by_pair[candidates[int(i)][0]].append(int(i))
    chosen: list[int] = []
    queues = list(by_pair.values())
    while len(chosen) < limit and any(queues):
        for q in queues:
            if q and len(chosen) < limit:
                chosen.append(q.pop(0))
    prompts = {p.identifier: p for p in prompts_of(session=session, benchmark_id=leaderboard.benchmark_id)}
    dataset = job_layer.create_dataset(
        session=session, owner_id=leaderboard.owner_id, name=f"{leaderboard.name}_matchups"
    )
    matchups: list[Matchup] = []
    for sort_index, i in enumerate(chosen):
        (a, b), identifier, sa, sb = candidates[i]
        if rng.random() < 0.5:
            a, b, sa, sb = b, a, sb, sa
        prompt = prompts[identifier]
        datapoint_id = job_layer.add_datapoint(
            session=session,
            dataset=dataset,
            asset=MultiAssetInput.model_validate({"assets": [sa.asset, sb.asset]}).wire(),
            context=prompt.text if leaderboard.show_prompt and prompt.text else None,
            context_asset=prompt.asset if leaderboard.show_prompt_asset and prompt.asset else None,
            sort_index=sort_index,
        )
        matchups.append(
            Matchup(
                leaderboard_id=leaderboard.id,
                datapoint_id=datapoint_id,
                identifier=identifier,
                participant_a=a,
                participant_b=b,
                sample_a=sa.id,
                sample_b=sb.id,
            )
        )
    rapid = CompareSpec(
        asset=AssetBinding(segment="asset"),
        criteria=TextBinding(literal=leaderboard.instruction),
        context=TextBinding(segment="context") if leaderboard.show_prompt else None,
        context_assets=[AssetBinding(segment="context_asset")] if leaderboard.show_prompt_asset else None,
    )
    definition_id = job_layer.create_definition(
        session=session,
        owner_id=leaderboard.owner_id,
        name=f"{leaderboard.name} evaluation",
        dataset_id=dataset.id,
        workflow=SimpleWorkflow(rapid=rapid),
        referee=NaiveReferee(total_votes=leaderboard.min_responses),
        feature_flags=leaderboard.feature_flags,
    )
    job_id = job_layer.create_job(
        session=session,
        owner_id=leaderboard.owner_id,
        definition_id=definition_id,
        audience_id=leaderboard.audience_id,
        revision_number=None,
        name=f"{leaderboard.name} evaluation",
    )
    for m in matchups:
        m.job_id = job_id
        session.add(m)
    session.flush()
    return job_id


# --- standings ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One participant's row of the standings."""

    id: str
    name: str
    score: float | None
    wins: float
    total_matches: float
    response_count: int
    is_disabled: bool
    interval: tuple[float, float] | None = None
    """95 % bootstrap interval of the score, when requested and the participant has played."""


@dataclass(frozen=True)
class Voters:
    """Which votes count: those of voters with these attributes (``None``: any) in one run (``None``: all).

    ``age_bucket`` holds the wire buckets (``18-29``, ...); the run is the evaluation job of a leaderboard.
    """

    country: Sequence[str] | None = None
    language: Sequence[str] | None = None
    gender: Sequence[str] | None = None
    age_bucket: Sequence[str] | None = None
    occupation: Sequence[str] | None = None
    run_id: str | None = None

    def admit(self, vote: job_layer.Vote) -> bool:
        """Whether the vote passes every filter that is set."""
        if self.run_id is not None and vote.job_id != self.run_id:
            return False
        return all(
            getattr(self, field) is None or _attribute(vote, field) in getattr(self, field)
            for field in DIMENSIONS.values()
        )


DIMENSIONS = {
    "AgeBucket": "age_bucket",
    "Gender": "gender",
    "Occupation": "occupation",
    "Country": "country",
    "Language": "language",
}
"""The wire's demographic dimensions and the ``Voters`` field of each (``_attribute`` reads it off a vote)."""
UNKNOWN = "unknown"
"""The bucket of votes whose attribute is not known (the wire always lists it)."""


def _attribute(vote: job_layer.Vote, field: str) -> str:
    value = vote.age if field == "age_bucket" else getattr(vote, field)
    return str(value) if value else UNKNOWN


def _leaderboard_votes(
    session: Session,
    leaderboard: Leaderboard,
    tags: Sequence[str] | None,
    voters: Voters,
    active: set[str],
) -> tuple[list[tuple[str, str, float]], list[job_layer.Vote]]:
    """Weighted outcomes ``(winner, loser, weight)`` after filtering, and the votes behind them."""
    rows = list(session.scalars(select(Matchup).where(Matchup.leaderboard_id == leaderboard.id)))
    if tags is not None:
        prompts = {
            p.identifier: {t["value"] for t in p.tags}
            for p in prompts_of(session=session, benchmark_id=leaderboard.benchmark_id)
        }
        wanted = set(tags)
        rows = [m for m in rows if prompts.get(m.identifier, set()) & wanted]
    rows = [m for m in rows if m.participant_a in active and m.participant_b in active]
    pairs = {m.datapoint_id: (m.participant_a, m.participant_b) for m in rows if m.datapoint_id}
    votes = job_layer.votes(
        session=session, job_ids=sorted({m.job_id for m in rows if m.job_id}), pairs=pairs
    )
    votes = [v for v in votes if v.datapoint_id in pairs and voters.admit(v)]
    outcomes: list[tuple[str, str, float]] = []
    if leaderboard.vote_aggregation == "AllVotes":
        outcomes = [(v.winner, v.loser, 1.0) for v in votes]
    else:
        tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for v in votes:
            tally[str(v.datapoint_id)][v.winner] += 1
        for dp, counts in tally.items():
            a, b = pairs[dp]
            ca, cb = counts.get(a, 0), counts.get(b, 0)
            if ca > cb:
                outcomes.append((a, b, 1.0))
            elif cb > ca:
                outcomes.append((b, a, 1.0))
            else:
                outcomes += [(a, b, 0.5), (b, a, 0.5)]
    if leaderboard.is_inversed:
        outcomes = [(loser, winner, w) for winner, loser, w in outcomes]
    return outcomes, votes


def _given(values: Sequence[str] | None) -> list[str] | None:
    return None if values is None else [v for v in values if v != ""]


def standings(
    *,
    session: Session,
    leaderboards: Sequence[Leaderboard],
    benchmark_id: str,
    tags: Sequence[str] | None = None,
    voters: Voters = Voters(),  # noqa: B008 - frozen, so one shared default is safe
    with_intervals: bool = False,
) -> tuple[list[Standing], int, np.ndarray]:
    """Standings over the given leaderboards' matchups (one leaderboard, or all of a benchmark).

    Args:
        tags: Only matchups on prompts with one of these tags (``None``: every matchup; an empty string in
            the list, as a bare ``?tags=`` sends it, is ignored, so ``[""]`` keeps no matchup).
        voters: Only the votes these filters admit.

    Returns:
        The standings sorted best first, the number of votes behind them, and the win matrix in the
        order of the returned standings (``m[i, j]`` = wins of row over column).
    """
    tags = _given(tags)
    participants = participants_of(session=session, benchmark_id=benchmark_id, submitted_only=True)
    index = {p.id: i for i, p in enumerate(participants)}
    outcomes: list[tuple[str, str, float]] = []
    total_votes = 0
    responses: dict[str, int] = defaultdict(int)
    for lb in leaderboards:
        o, votes = _leaderboard_votes(session, lb, tags, voters, set(index))
        outcomes += o
        total_votes += len(votes)
        for v in votes:
            responses[v.winner] += 1
            responses[v.loser] += 1
    n = len(participants)
    wins = np.zeros((n, n))
    for w, lose, weight in outcomes:
        wins[index[w], index[lose]] += weight
    matches = wins + wins.T
    played = matches.sum(axis=1) > 0
    # Expand weighted outcomes to unit comparisons (half wins become ties) for the BT fit.
    win_idx: list[int] = []
    lose_idx: list[int] = []
    tie_mask: list[bool] = []
    for w, lose, weight in outcomes:
        if weight >= 1.0 or index[w] < index[lose]:  # a tie appears twice with 0.5: count it once
            win_idx.append(index[w])
            lose_idx.append(index[lose])
            tie_mask.append(weight < 1.0)
    winners_, losers_ = np.array(win_idx, dtype=np.int64), np.array(lose_idx, dtype=np.int64)
    ties = np.array(tie_mask, dtype=bool) if tie_mask else None
    elo = elo_scores(winners_, losers_, n, ties)
    lower = upper = elo
    if with_intervals and len(win_idx):
        lower, upper = bootstrap_intervals(
            winners_, losers_, n, n_rounds=100, random_state=0, ties=ties, alpha=DISPLAY_ALPHA
        )
    rows = [
        Standing(
            id=p.id,
            name=p.name,
            score=round(float(elo[i]), 2) if played[i] else None,
            wins=float(wins[i].sum()),
            total_matches=float(matches[i].sum()),
            response_count=responses[p.id],
            is_disabled=p.disabled,
            interval=(round(float(lower[i]), 2), round(float(upper[i]), 2))
            if with_intervals and played[i]
            else None,
        )
        for i, p in enumerate(participants)
    ]
    order = sorted(range(n), key=lambda i: (rows[i].score is None, -(rows[i].score or 0.0), rows[i].name))
    return [rows[i] for i in order], total_votes, wins[np.ix_(order, order)]


def demographics(
    *,
    session: Session,
    leaderboards: Sequence[Leaderboard],
    benchmark_id: str,
    tags: Sequence[str] | None = None,
    voters: Voters = Voters(),  # noqa: B008 - frozen, so one shared default is safe
) -> tuple[int, dict[str, list[tuple[str, int, float]]]]:
    """Who cast the admitted votes: the total, and per wire dimension its ``(value, votes, share)`` buckets,
    most votes first, ``unknown`` last (always present; a dimension's shares sum to 1 when there are
    votes)."""
    participants = participants_of(session=session, benchmark_id=benchmark_id, submitted_only=True)
    active = {p.id for p in participants}
    votes = [
        v for lb in leaderboards for v in _leaderboard_votes(session, lb, _given(tags), voters, active)[1]
    ]
    total = len(votes)
    buckets: dict[str, list[tuple[str, int, float]]] = {}
    for dimension, field in DIMENSIONS.items():
        counts = Counter(_attribute(v, field) for v in votes)
        unknown = counts.pop(UNKNOWN, 0)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) + [(UNKNOWN, unknown)]
        buckets[dimension] = [(value, n, n / total if total else 0.0) for value, n in ranked]
    return total, buckets


def standings_breakdown(
    *,
    session: Session,
    leaderboards: Sequence[Leaderboard],
    benchmark_id: str,
    dimension: str,
    tags: Sequence[str] | None = None,
    voters: Voters = Voters(),  # noqa: B008 - frozen, so one shared default is safe
) -> list[tuple[str, int, list[Standing]]]:
    """The standings among each segment of ``dimension`` (a key of ``DIMENSIONS``): ``(value, votes,
    standings)`` per value the admitted voters have, most votes first."""
    field = DIMENSIONS[dimension]
    _, buckets = demographics(
        session=session, leaderboards=leaderboards, benchmark_id=benchmark_id, tags=tags, voters=voters
    )
    segments = []
    for value, n, _ in buckets[dimension]:
        if n == 0:
            continue
        rows, _, _ = standings(
            session=session,
            leaderboards=leaderboards,
            benchmark_id=benchmark_id,
            tags=tags,
            voters=replace(voters, **{field: [value]}),
        )
        segments.append((value, n, rows))
    return segments


def matrix_output(rows: Sequence[Standing], wins: np.ndarray) -> MatrixOutput:
    """The wire matrix: wins of row over column, and the matchups between them, by participant name."""
    names = [s.name for s in rows]
    return MatrixOutput(index=names, columns=names, data=wins.tolist(), votes=(wins + wins.T).tolist())


def standings_output(rows: Sequence[Standing], total: int) -> StandingsOutput:
    """The wire standings: intervals as offsets from the score (``lowerOffset``/``upperOffset``)."""
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
