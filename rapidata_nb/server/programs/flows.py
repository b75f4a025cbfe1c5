"""Flows: each item is an internal job over one dataset, bounded by a time to live.

Ranking flows rank an item by pairwise comparisons; classify flows (the wire's "simple" flows, whose
configuration holds a ``blueprint``) classify each datapoint of an item into the blueprint's categories,
with ``maxResponses`` votes per datapoint, and are ``Completed`` when every datapoint got ``minResponses``.

An item snapshots the flow's configuration when it is created (``update_config`` only affects new items),
creates a ``GroupedRankingWorkflow`` definition over its dataset (every pair for up to 10 items, otherwise an
online pair maker spending ``maxResponses`` comparisons) and a job on the flow's audience (global by default).
It is ``Running`` until its job ends (it completes, possibly early because every labeler of the audience has
answered) or its TTL expires, which stops the job. Either way the item is then ``Completed`` when at least
``minResponses`` responses arrived, else ``Incomplete``; partial results stay readable either way. Scores
are Bradley–Terry strengths on the Elo-like scale around ``startingElo`` (``engine.ranking``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import parse_asset_input
from rapidata_nb.api.models.definition import (
    AssetBinding,
    BradleyTerryRankingConfig,
    ClassifySpec,
    FullPermutationPairMaker,
    GroupedRankingWorkflow,
    NaiveReferee,
    OnlinePairMaker,
    OptionsBinding,
    SimpleWorkflow,
    TextBinding,
)
from rapidata_nb.api.models.flow import (
    CreateFlowInput,
    CreateFlowItemInput,
    CreateSimpleFlowInput,
    UpdateFlowConfigInput,
    UpdateSimpleFlowConfigInput,
)
from rapidata_nb.engine.ranking import elo_scores, win_matrix
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.programs import jobs as job_layer
from rapidata_nb.server.programs.assets import asset_key
from rapidata_nb.server.store.assets import stored_asset
from rapidata_nb.server.store.labeling import JobTask, Response, new_id, utcnow
from rapidata_nb.server.store.models import Datapoint, Dataset
from rapidata_nb.server.store.programs import Flow, FlowItem, now_ms
from rapidata_nb.server.validation import require_usable_set

__all__ = [
    "ACTIVE_STATES",
    "DEFAULT_TTL_SECONDS",
    "MAX_TTL_SECONDS",
    "MIN_TTL_SECONDS",
    "ItemClassification",
    "ItemRanking",
    "classification",
    "create_flow",
    "create_item",
    "create_simple_flow",
    "delete_flow",
    "flow_type",
    "get_flow",
    "get_item",
    "ranking",
    "refresh_active_items",
    "refresh_item",
    "response_count",
    "update_config",
    "update_simple_config",
]

MIN_TTL_SECONDS = 10
MAX_TTL_SECONDS = 3600
DEFAULT_TTL_SECONDS = 240
FULL_PERMUTATION_MAX = 10
ACTIVE_STATES = ("Pending", "Running", "Stopping")
_GROUP = "0"


def _config(body: CreateFlowInput) -> dict[str, Any]:
    max_responses = 100 if body.max_responses is None else body.max_responses
    min_responses = max_responses if body.min_responses is None else body.min_responses
    config = {
        "criteria": body.criteria,
        "startingElo": 1200 if body.starting_elo is None else body.starting_elo,
        "maxResponses": max_responses,
        "minResponses": min_responses,
        "audienceId": body.audience_id,
        "validationSetId": body.validation_set_id,
        "serveTimeoutSeconds": body.serve_timeout_seconds,
        "drainDurationSeconds": body.drain_duration_seconds,
        "featureFlags": [f.wire() for f in body.feature_flags or []],
    }
    _check_config(config)
    return config


def _check_config(config: dict[str, Any]) -> None:
    if config["maxResponses"] < 1:
        raise BadRequestError(f"maxResponses: must be at least 1, got {config['maxResponses']}")
    if config["minResponses"] < 1:
        raise BadRequestError(f"minResponses: must be at least 1, got {config['minResponses']}")
    if config["minResponses"] > config["maxResponses"]:
        raise BadRequestError(
            "minResponses: must not exceed maxResponses "
            f"({config['minResponses']} > {config['maxResponses']})"
        )


def _check_blueprint(blueprint: dict[str, Any]) -> None:
    categories = blueprint["categories"]
    if not 2 <= len(categories) <= 8:
        raise BadRequestError(f"blueprint.categories: give between 2 and 8 categories, got {len(categories)}")
    for field in ("value", "label"):  # answers name a label, results a value: both must be unambiguous
        seen = [c[field] for c in categories]
        repeated = sorted({v for v in seen if seen.count(v) > 1})
        if repeated:
            raise BadRequestError(f"blueprint.categories: each {field} must be unique, repeated: {repeated}")


def flow_type(flow: Flow) -> str:
    """``Simple`` for a classify flow (its configuration holds a blueprint), else ``Ranking``."""
    return "Simple" if "blueprint" in flow.config else "Ranking"


def create_simple_flow(*, session: Session, owner_id: str, body: CreateSimpleFlowInput) -> Flow:
    """Validate and store a classify flow (its validation set, when named, must hold classify tasks)."""
    config = {
        "blueprint": body.blueprint.wire(),
        "maxResponses": body.max_responses,
        "minResponses": body.min_responses,
        "audienceId": body.audience_id,
        "validationSetId": body.validation_set_id,
        "serveTimeoutSeconds": body.serve_timeout_seconds,
        "drainDurationSeconds": body.drain_duration_seconds,
        "featureFlags": [f.wire() for f in body.feature_flags or []],
    }
    _check_config(config)
    _check_blueprint(config["blueprint"])
    require_usable_set(
        session=session, validation_set_id=body.validation_set_id, owner_id=owner_id, kind="classify"
    )
    flow = Flow(id=new_id("flow"), owner_id=owner_id, name=body.name, config=config)
    session.add(flow)
    session.flush()
    return flow


def create_flow(*, session: Session, owner_id: str, body: CreateFlowInput) -> Flow:
    """Validate and store a ranking flow (its validation set, when named, must hold compare tasks)."""
    config = _config(body)
    require_usable_set(
        session=session, validation_set_id=body.validation_set_id, owner_id=owner_id, kind="compare"
    )
    flow = Flow(id=new_id("flow"), owner_id=owner_id, name=body.name, config=config)
    session.add(flow)
    session.flush()
    return flow


def get_flow(*, session: Session, flow_id: str, owner_id: str) -> Flow:
    """The caller's flow, else 404."""
    flow = session.get(Flow, flow_id)
    if flow is None or flow.deleted or flow.owner_id != owner_id:
        raise NotFoundError(f"Flow '{flow_id}' not found")
    return flow


def _require_type(flow: Flow, wanted: str) -> None:
    actual = flow_type(flow).lower()
    if actual != wanted.lower():
        raise BadRequestError(f"flow '{flow.id}' is a {actual} flow; use the /flow/{actual} routes")


def update_simple_config(*, flow: Flow, body: UpdateSimpleFlowConfigInput) -> None:
    """Change a classify flow's configuration for future items (fields that were sent only)."""
    _require_type(flow, "Simple")
    given = body.model_dump(by_alias=True, exclude_unset=True, mode="json")
    config = {
        **flow.config,
        **{k: v for k, v in given.items() if v is not None or k == "drainDurationSeconds"},
    }
    _check_config(config)
    _check_blueprint(config["blueprint"])
    flow.config = config


def update_config(*, flow: Flow, body: UpdateFlowConfigInput) -> None:
    """Change the configuration of future items (fields that were sent only)."""
    _require_type(flow, "Ranking")
    given = body.model_dump(by_alias=True, exclude_unset=True, mode="json")
    config = {**flow.config}
    for key, value in given.items():
        if key == "criteria" and not value:
            raise BadRequestError("criteria: the instruction must not be empty")
        if key in ("maxResponses", "minResponses", "startingElo", "criteria") and value is None:
            continue
        config[key] = value
    _check_config(config)
    flow.config = config


def delete_flow(*, session: Session, flow: Flow) -> None:
    """Delete a flow: its active items stop (``Stopped``) and keep the responses collected so far."""
    flow.deleted = True
    for item in session.scalars(select(FlowItem).where(FlowItem.flow_id == flow.id)):
        if item.state in ACTIVE_STATES:
            if item.job_id is not None:
                job_layer.stop_job(session=session, job_id=item.job_id)
            item.state, item.completed_at = "Stopped", utcnow()


def get_item(*, session: Session, item_id: str, owner_id: str) -> FlowItem:
    """The caller's flow item, else 404."""
    item = session.get(FlowItem, item_id)
    if item is None or item.owner_id != owner_id:
        raise NotFoundError(f"Flow item '{item_id}' not found")
    return item


def _workflow(
    config: dict[str, Any], n_items: int, context: str | None, context_asset: dict[str, Any] | None
) -> tuple[GroupedRankingWorkflow, NaiveReferee]:
    budget = int(config["maxResponses"])
    pair_maker: FullPermutationPairMaker | OnlinePairMaker
    if n_items <= FULL_PERMUTATION_MAX:
        pairs = n_items * (n_items - 1) // 2
        pair_maker = FullPermutationPairMaker()
        referee = NaiveReferee(total_votes=max(1, budget // pairs))
    else:
        pair_maker = OnlinePairMaker(total_comparison_budget=budget, random_matches_ratio=0.5)
        referee = NaiveReferee(total_votes=1)
    workflow = GroupedRankingWorkflow(
        criteria=config["criteria"],
        pair_maker_config=pair_maker,
        ranking_config=BradleyTerryRankingConfig(starting_score=int(config["startingElo"])),
        contexts={_GROUP: context} if context else None,
        context_assets={_GROUP: parse_asset_input(context_asset)} if context_asset else None,
        feature_flags=config.get("featureFlags") or None,
    )
    return workflow, referee


def _classify_workflow(config: dict[str, Any]) -> tuple[SimpleWorkflow, NaiveReferee]:
    blueprint = config["blueprint"]
    rapid = ClassifySpec(
        asset=AssetBinding(segment="asset"),
        title=TextBinding(literal=blueprint["title"]),
        categories=OptionsBinding(
            literal=[{"label": c["label"], "value": c["value"]} for c in blueprint["categories"]]
        ),
    )
    return SimpleWorkflow(rapid=rapid), NaiveReferee(total_votes=int(config["maxResponses"]))


def create_item(
    *, session: Session, flow: Flow, body: CreateFlowItemInput, kind: str = "Ranking"
) -> FlowItem:
    """Validate a batch, start its ranking or classification job and return the item (``Running``).

    Raises:
        BadRequestError: The flow is not of ``kind`` (``Ranking`` or ``Simple``), or the batch is invalid.
    """
    _require_type(flow, kind)
    ttl = DEFAULT_TTL_SECONDS if body.time_to_live_in_seconds is None else body.time_to_live_in_seconds
    if not MIN_TTL_SECONDS <= ttl <= MAX_TTL_SECONDS:
        raise BadRequestError(
            f"timeToLiveInSeconds: must be between {MIN_TTL_SECONDS} and {MAX_TTL_SECONDS} seconds, got {ttl}"
        )
    dataset = session.get(Dataset, body.dataset_id)
    if dataset is None or dataset.owner_id != flow.owner_id:
        raise NotFoundError(f"datasetId: dataset '{body.dataset_id}' not found")
    datapoints = list(session.scalars(select(Datapoint).where(Datapoint.dataset_id == dataset.id)))
    needed = 2 if flow_type(flow) == "Ranking" else 1
    if len(datapoints) < needed:
        raise BadRequestError(
            f"datasetId: a {flow_type(flow).lower()} flow item needs at least {needed} datapoints, "
            f"dataset has {len(datapoints)}"
        )
    context_asset = body.context_asset.wire() if body.context_asset is not None else None
    if body.context_asset is not None:
        from rapidata_nb.server.store.datasets import resolve_asset_input

        context_asset = resolve_asset_input(session=session, asset=body.context_asset, where="contextAsset")
    config = {**flow.config}
    if flow_type(flow) == "Ranking":
        for dp in datapoints:
            dp.group = _GROUP  # one ranking over the whole batch
        workflow, referee = _workflow(config, len(datapoints), body.context, context_asset)
        flags: list[dict[str, str]] = []
    else:
        workflow, referee = _classify_workflow(config)
        flags = list(config.get("featureFlags") or [])
    definition_id = job_layer.create_definition(
        session=session,
        owner_id=flow.owner_id,
        name=f"{flow.name} (flow item)",
        dataset_id=dataset.id,
        workflow=workflow,
        referee=referee,
        feature_flags=flags,
    )
    job_id = job_layer.create_job(
        session=session,
        owner_id=flow.owner_id,
        definition_id=definition_id,
        audience_id=config.get("audienceId") or "global",
        revision_number=None,
        name=f"{flow.name} (flow item)",
    )
    now = utcnow()
    item = FlowItem(
        id=new_id("fi"),
        flow_id=flow.id,
        owner_id=flow.owner_id,
        dataset_id=dataset.id,
        definition_id=definition_id,
        job_id=job_id,
        config=config,
        context=body.context,
        context_asset=context_asset,
        state="Running",
        expires_ms=now_ms() + ttl * 1000,
        created_at=now,
        started_at=now,
    )
    flow.item_count = flow.item_count + 1
    session.add(item)
    session.flush()
    return item


def response_count(*, session: Session, item: FlowItem) -> int:
    """Responses collected so far for the item's job."""
    if item.job_id is None:
        return 0
    return int(session.scalar(select(func.count()).where(Response.job_id == item.job_id)) or 0)


def refresh_item(*, session: Session, item: FlowItem, now: int | None = None) -> str:
    """Move an active item on when its job ended or its TTL is over: ``Completed``/``Incomplete``."""
    if item.state not in ACTIVE_STATES or item.job_id is None:
        return item.state
    now = now_ms() if now is None else now
    state = job_layer.job_state(session=session, job_id=item.job_id)
    if state == "Failed":
        item.state, item.failed_at, item.failure_message = "Failed", utcnow(), "the ranking job failed"
        return item.state
    if state != "Completed":
        if item.expires_ms is None or now < item.expires_ms:
            return item.state
        job_layer.stop_job(session=session, job_id=item.job_id)
    enough = _collected_enough(session=session, item=item)
    item.state, item.completed_at = ("Completed" if enough else "Incomplete"), utcnow()
    return item.state


def _collected_enough(*, session: Session, item: FlowItem) -> bool:
    """Ranking: ``minResponses`` votes over the item; classify: ``minResponses`` votes on every datapoint."""
    least = int(item.config["minResponses"])
    if "blueprint" not in item.config:
        return response_count(session=session, item=item) >= least
    return all(d.response_count >= least for d in classification(session=session, item=item).datapoints)


def refresh_active_items(*, session: Session, now: int | None = None) -> int:
    """Refresh every active item (the scheduler calls this); returns how many changed state."""
    items = list(session.scalars(select(FlowItem).where(FlowItem.state.in_(ACTIVE_STATES))))
    changed = 0
    for item in items:
        before = item.state
        if refresh_item(session=session, item=item, now=now) != before:
            changed += 1
    return changed


@dataclass(frozen=True)
class ItemRanking:
    """Scores and votes of one item: datapoint ids, keys, stored assets, Elo-scale scores, win matrix."""

    datapoint_ids: list[str]
    keys: list[str]
    assets: list[dict[str, Any]]
    scores: list[int]
    wins: np.ndarray
    total_votes: int


def ranking(*, session: Session, item: FlowItem) -> ItemRanking:
    """Bradley–Terry over the item's responses so far (partial results included)."""
    datapoints = list(
        session.scalars(
            select(Datapoint).where(Datapoint.dataset_id == item.dataset_id).order_by(Datapoint.sort_index)
        )
    )
    index = {dp.id: i for i, dp in enumerate(datapoints)}
    votes = job_layer.votes(session=session, job_ids=[item.job_id] if item.job_id else [])
    votes = [v for v in votes if v.winner in index and v.loser in index]
    winners = np.array([index[v.winner] for v in votes], dtype=np.int64)
    losers = np.array([index[v.loser] for v in votes], dtype=np.int64)
    n = len(datapoints)
    elo = elo_scores(winners, losers, n, base=float(item.config.get("startingElo", 1200)))
    assets = [stored_asset(session=session, asset=_asset_segment(dp)) for dp in datapoints]
    return ItemRanking(
        datapoint_ids=[dp.id for dp in datapoints],
        keys=[asset_key(a, fallback=dp.id) for a, dp in zip(assets, datapoints, strict=True)],
        assets=assets,
        scores=[int(round(float(x))) for x in elo],
        wins=win_matrix(winners, losers, n),
        total_votes=len(votes),
    )


@dataclass(frozen=True)
class ClassifiedDatapoint:
    """One datapoint of a classify item: its id, stored asset, votes per category value, and majority."""

    datapoint_id: str
    asset: dict[str, Any]
    counts: dict[str, int]
    majority_value: str | None
    response_count: int


@dataclass(frozen=True)
class ItemClassification:
    """The votes of a classify item so far, per datapoint in dataset order."""

    datapoints: list[ClassifiedDatapoint]
    total_responses: int


def classification(*, session: Session, item: FlowItem) -> ItemClassification:
    """Votes per category value (every category, in the blueprint's order) of each datapoint of a classify
    item; the majority is ``None`` on a tie or without votes."""
    categories = item.config["blueprint"]["categories"]
    value_of = {c["label"]: c["value"] for c in categories}
    datapoints = list(
        session.scalars(
            select(Datapoint).where(Datapoint.dataset_id == item.dataset_id).order_by(Datapoint.sort_index)
        )
    )
    counts: dict[str, dict[str, int]] = {dp.id: {} for dp in datapoints}
    answers = session.execute(
        select(JobTask.datapoint_id, Response.answer)
        .join(JobTask, JobTask.id == Response.task_id)
        .where(Response.job_id == item.job_id)
    )
    for datapoint_id, answer in answers:
        value = value_of.get(str(answer.get("category")))
        if value is not None and datapoint_id in counts:
            counts[datapoint_id][value] = counts[datapoint_id].get(value, 0) + 1
    out = []
    for dp in datapoints:
        tally = {c["value"]: counts[dp.id].get(c["value"], 0) for c in categories}
        top = max(tally.values(), default=0)
        leaders = [v for v, n in tally.items() if n == top]
        out.append(
            ClassifiedDatapoint(
                datapoint_id=dp.id,
                asset=stored_asset(session=session, asset=_asset_segment(dp)),
                counts=tally,
                majority_value=leaders[0] if top and len(leaders) == 1 else None,
                response_count=sum(tally.values()),
            )
        )
    return ItemClassification(datapoints=out, total_responses=sum(d.response_count for d in out))


def _asset_segment(dp: Datapoint) -> dict[str, Any] | None:
    for seg in dp.segments:
        if seg.get("key") == "asset" and seg.get("asset") is not None:
            return dict(seg["asset"])
    return None  # shown as a NullAsset
