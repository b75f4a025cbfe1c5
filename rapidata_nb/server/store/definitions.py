"""Repository of job definitions and their revisions.

A definition is validated against its dataset before anything is stored: compare datapoints hold exactly two
assets, classification datapoints have answer options, select-words datapoints a sentence, ranking
datapoints a group with at least two items.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import (
    ClassifySpec,
    CompareSpec,
    CreateDefinitionInput,
    FullPermutationPairMaker,
    GroupedRankingWorkflow,
    QuorumReferee,
    SaveRevisionInput,
    TranscriptionSpec,
)
from rapidata_nb.api.models.asset import MultiAssetInput, TextAssetInput, parse_asset_input
from rapidata_nb.api.models.definition import OnlinePairMaker, Referee, Workflow, parse_workflow
from rapidata_nb.api.vocabulary import KINDS, TaskKind, kind_of_rapid, kind_of_workflow
from rapidata_nb.server.errors import BadRequestError, ConflictError, NotFoundError
from rapidata_nb.server.store import datasets as dataset_store
from rapidata_nb.server.store.labeling import new_id
from rapidata_nb.server.store.models import Datapoint, Dataset, DefinitionRevision, JobDefinition

__all__ = [
    "create_definition",
    "definition_type",
    "get_revision",
    "list_definitions",
    "list_revisions",
    "referee_target",
    "required_responses",
    "save_revision",
    "task_kind",
]


def definition_type(workflow: Workflow) -> str:
    """The wire ``definitionType`` of a workflow (``Compare``, ``Classify``, ..., ``Ranking``)."""
    if isinstance(workflow, GroupedRankingWorkflow):
        return KINDS[TaskKind.RANKING].definition_type
    return KINDS[kind_of_rapid(workflow.rapid.t)].definition_type


def task_kind(workflow: dict[str, Any]) -> str:
    """The crowd's task kind of a stored workflow dict: ``compare``, ``classify``, ..., ``ranking``."""
    return kind_of_workflow(workflow).value


def referee_target(referee: dict[str, Any]) -> int:
    """Maximum responses per task of a stored referee dict."""
    return int(referee.get("totalVotes") or referee.get("maxVotes") or 1)


def _segment(dp: Any, key: str) -> dict[str, Any] | None:
    return next((s for s in dp.segments if s.get("key") == key), None)


def _validate_referee(referee: Referee) -> None:
    if isinstance(referee, QuorumReferee) and referee.threshold > referee.max_votes:
        raise BadRequestError(
            f"referee.threshold: {referee.threshold} is larger than referee.maxVotes ({referee.max_votes})"
        )


def _validate_against_dataset(session: Session, workflow: Workflow, dataset: Dataset) -> None:
    # only the columns the checks read (no ORM objects: a 10,000-datapoint dataset loads in a fraction)
    datapoints = session.execute(
        select(Datapoint.group, Datapoint.segments)
        .where(Datapoint.dataset_id == dataset.id)
        .order_by(Datapoint.sort_index, Datapoint.created_at)
    ).all()
    if not datapoints:
        raise BadRequestError(
            f"datasetId: dataset '{dataset.id}' has no datapoints; add them before the definition"
        )
    if isinstance(workflow, GroupedRankingWorkflow):
        sizes = Counter(dp.group for dp in datapoints)
        if None in sizes:
            raise BadRequestError("datasetId: every ranking datapoint needs a group")
        small = sorted(str(g) for g, n in sizes.items() if n < 2)
        if small:
            raise BadRequestError(f"datasetId: ranking group '{small[0]}' has fewer than 2 items")
        maker = workflow.pair_maker_config
        if maker is not None and not isinstance(maker, FullPermutationPairMaker):
            if not maker.total_comparison_budget:
                raise BadRequestError(
                    "workflow.pairMakerConfig.totalComparisonBudget: required for OnlinePairMaker"
                )
        return
    spec = workflow.rapid
    for i, dp in enumerate(datapoints):
        asset = _segment(dp, "asset") or {}
        if isinstance(spec, CompareSpec):
            inner = parse_asset_input(asset.get("asset"))
            n = len(inner.assets) if isinstance(inner, MultiAssetInput) else 1
            if not isinstance(inner, MultiAssetInput) or n != 2:
                raise BadRequestError(
                    f"datapoints[{i}]: a compare datapoint needs exactly 2 assets "
                    f"(a MultiAssetInput), got {n}"
                )
            names = [
                a.text if isinstance(a, TextAssetInput) else getattr(a, "name", None) for a in inner.assets
            ]
            if names[0] == names[1]:
                raise BadRequestError(f"datapoints[{i}]: the two assets of a compare datapoint must differ")
        elif isinstance(spec, ClassifySpec):
            if spec.categories.literal is None:
                seg = spec.categories.segment or "answer_options"
                if not (_segment(dp, seg) or {}).get("options"):
                    raise BadRequestError(
                        f"datapoints[{i}]: a classification datapoint needs a '{seg}' segment"
                    )
            elif not spec.categories.literal:
                raise BadRequestError("workflow.rapid.categories.literal: needs at least one option")
        elif isinstance(spec, TranscriptionSpec):
            key = spec.transcription.segment or "transcription"
            if spec.transcription.literal is None and not (_segment(dp, key) or {}).get("text"):
                raise BadRequestError(
                    f"datapoints[{i}]: a select-words datapoint needs a 'transcription' segment"
                )
    if (
        isinstance(spec, CompareSpec)
        and spec.index_identifiers is not None
        and len(spec.index_identifiers) != 2
    ):
        raise BadRequestError("workflow.rapid.indexIdentifiers: needs exactly 2 names (a_b_names)")


def _load_dataset(session: Session, owner_id: str, dataset_id: str) -> Dataset:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.owner_id != owner_id:
        raise NotFoundError(f"datasetId: dataset '{dataset_id}' not found")
    return dataset


def create_definition(
    *, session: Session, owner_id: str, body: CreateDefinitionInput
) -> tuple[JobDefinition, DefinitionRevision]:
    """Validate and store a definition with its first revision."""
    dataset = _load_dataset(session, owner_id, body.dataset_id)
    _validate_referee(body.referee)
    _validate_against_dataset(session, body.workflow, dataset)
    definition = JobDefinition(
        id=new_id("def"),
        owner_id=owner_id,
        name=body.definition_name,
        definition_type=definition_type(body.workflow),
        latest_revision=1,
    )
    session.add(definition)
    session.flush()
    revision = DefinitionRevision(
        definition_id=definition.id,
        revision_number=1,
        base_revision_number=None,
        workflow=body.workflow.wire(),
        referee=body.referee.wire(),
        rapid_feature_flags=[f.wire() for f in body.rapid_feature_flags or []],
        campaign_feature_flags=[f.wire() for f in body.campaign_feature_flags or []],
        dataset_id=dataset.id,
        aggregator_type=body.aggregator_type,
        state="Completed",
        pipeline_id=new_id("pip"),
    )
    session.add(revision)
    session.flush()
    return definition, revision


def get_revision(
    *, session: Session, definition: JobDefinition, number: int | None = None
) -> DefinitionRevision:
    """A revision of the definition (the latest when ``number`` is None), else 404."""
    wanted = definition.latest_revision if number is None else number
    row = session.scalars(
        select(DefinitionRevision).where(
            DefinitionRevision.definition_id == definition.id, DefinitionRevision.revision_number == wanted
        )
    ).first()
    if row is None:
        raise NotFoundError(f"Job definition '{definition.id}' has no revision {wanted}")
    return row


def save_revision(
    *, session: Session, definition: JobDefinition, body: SaveRevisionInput
) -> DefinitionRevision:
    """Store a new revision; fields left out are inherited from the latest one.

    Raises:
        ConflictError: 409 with ``latestRevisionNumber`` when ``requireLatest`` is set and
        ``baseRevisionNumber``
            is not the latest revision.
    """
    latest = get_revision(session=session, definition=definition)
    base = body.base_revision_number
    if base is not None and not 1 <= base <= definition.latest_revision:
        raise BadRequestError(f"baseRevisionNumber: revision {base} does not exist")
    if body.require_latest and base is not None and base != definition.latest_revision:
        raise ConflictError(
            f"Revision {base} is not the latest revision ({definition.latest_revision}) of '{definition.id}'",
            latestRevisionNumber=definition.latest_revision,
        )
    fields = body.model_fields_set
    workflow: dict[str, Any] = body.workflow.wire() if body.workflow is not None else latest.workflow
    referee: dict[str, Any] = body.referee.wire() if body.referee is not None else latest.referee
    if body.workflow is not None and definition_type(body.workflow) != definition.definition_type:
        raise BadRequestError(
            f"workflow: a {definition.definition_type} definition "
            f"cannot become {definition_type(body.workflow)}"
        )
    dataset_id = body.dataset_id or latest.dataset_id
    dataset = _load_dataset(session, definition.owner_id, dataset_id)
    if body.referee is not None:
        _validate_referee(body.referee)
    _validate_against_dataset(session, parse_workflow(workflow), dataset)
    number = definition.latest_revision + 1
    revision = DefinitionRevision(
        definition_id=definition.id,
        revision_number=number,
        base_revision_number=base if base is not None else latest.revision_number,
        workflow=workflow,
        referee=referee,
        rapid_feature_flags=[f.wire() for f in body.rapid_feature_flags]
        if body.rapid_feature_flags is not None
        else latest.rapid_feature_flags,
        campaign_feature_flags=[f.wire() for f in body.campaign_feature_flags]
        if body.campaign_feature_flags is not None
        else latest.campaign_feature_flags,
        dataset_id=dataset.id,
        aggregator_type=body.aggregator_type if "aggregator_type" in fields else latest.aggregator_type,
        validation_set_id=body.validation_set_id
        if "validation_set_id" in fields
        else latest.validation_set_id,
        state="Completed",
        pipeline_id=new_id("pip"),
    )
    definition.latest_revision = number
    session.add(revision)
    session.flush()
    return revision


def list_revisions(
    *, session: Session, definition_id: str, descending: bool = False
) -> list[DefinitionRevision]:
    """Every revision of a definition by number."""
    order = DefinitionRevision.revision_number.desc() if descending else DefinitionRevision.revision_number
    stmt = select(DefinitionRevision).where(DefinitionRevision.definition_id == definition_id).order_by(order)
    return list(session.scalars(stmt))


def list_definitions(
    *, session: Session, owner_id: str, name_contains: str | None, sort: list[str], page: int, page_size: int
) -> tuple[int, list[JobDefinition]]:
    """A page of the owner's definitions, filtered by name and sorted (``-created_at`` by default)."""
    stmt = select(JobDefinition).where(JobDefinition.owner_id == owner_id, JobDefinition.deleted.is_(False))
    if name_contains:
        stmt = stmt.where(JobDefinition.name.contains(name_contains, autoescape=True))
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    columns = {"created_at": JobDefinition.created_at, "name": JobDefinition.name}
    order = []
    for key in sort or ["-created_at"]:
        column = columns.get(key.lstrip("-"))
        if column is None:
            raise BadRequestError(
                f"sort: unknown sort key '{key}' (use created_at or name, '-' for descending)"
            )
        order.append(column.desc() if key.startswith("-") else column)
    stmt = stmt.order_by(*order, JobDefinition.id).offset((page - 1) * page_size).limit(page_size)
    return total, list(session.scalars(stmt))


def required_responses(*, session: Session, revision: DefinitionRevision) -> tuple[int, int]:
    """``(datapoint_count, required_responses)`` of a revision (upper bound: early stopping may need
    fewer)."""
    datapoints = dataset_store.list_datapoints(session=session, dataset_id=revision.dataset_id)
    votes = referee_target(revision.referee)
    workflow = parse_workflow(revision.workflow)
    if not isinstance(workflow, GroupedRankingWorkflow):
        return len(datapoints), len(datapoints) * votes
    sizes = Counter(dp.group for dp in datapoints)
    maker = workflow.pair_maker_config
    total = 0
    for n in sizes.values():
        if isinstance(maker, OnlinePairMaker):
            total += int(maker.total_comparison_budget or n) * votes
        else:
            total += n * (n - 1) // 2 * votes
    return len(datapoints), total
