"""What a task looks like: the job's context (kind, instruction, flags, referee) and the task as shown.

A job's :class:`JobSpec` is read from its definition revision once per process and cached: revisions are
immutable and a job pins one, so the cache never goes stale, on one replica or several. Job rows themselves
(state, deletion) are always read fresh. :class:`Material` holds what a set of tasks shows (datapoints,
assets, ranking groups), read in a constant number of queries however many tasks there are; from it
:func:`task_view` gives the task as the simulated crowd's behaviour model sees it and :func:`served_task` the
item a person's labeling app renders (sides and options in the order that labeler sees them).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from threading import Lock
from typing import Any

from sqlalchemy import bindparam, select, tuple_
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import AssetPart, ExistingAssetInput, TextAssetInput, asset_parts
from rapidata_nb.api.models.definition import (
    EarlyStoppingReferee,
    GroupedRankingWorkflow,
    NaiveReferee,
    OnlinePairMaker,
    QuorumReferee,
    parse_referee,
    parse_workflow,
)
from rapidata_nb.api.models.labeler import ServedAsset, ServedFile, ServedTask, ServedText
from rapidata_nb.api.vocabulary import TaskKind, kind_of_rapid
from rapidata_nb.engine import referee as referees
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.labeling.content import NO_MISTAKES, offers_no_mistake, sentence_words
from rapidata_nb.server.labeling.views import TaskView
from rapidata_nb.server.store.labeling import JobTask
from rapidata_nb.server.store.models import Asset, Datapoint, DatasetGroup, DefinitionRevision, Job

__all__ = [
    "JobContext",
    "JobSpec",
    "Material",
    "as_utc",
    "asset_inputs",
    "context_text",
    "load_context",
    "load_material",
    "media_context",
    "no_mistake_on",
    "revision_spec",
    "segment",
    "served_task",
    "task_view",
    "words_of",
]

_SPEC_CACHE_SIZE = 4096


def as_utc(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


# --- the job ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobSpec:
    """What a job's definition revision says about serving and judging its tasks (immutable)."""

    kind: str
    instruction: str
    flags: Mapping[str, str]
    referee: NaiveReferee | QuorumReferee | EarlyStoppingReferee
    target: int
    dataset_id: str
    workflow: Mapping[str, Any]
    pair_maker: Mapping[str, Any] = field(default_factory=dict)
    online_pairs: bool = False  # the pair maker is an ``OnlinePairMaker``

    def make_referee(self) -> Any:
        """The engine referee for this job."""
        referee = self.referee
        if isinstance(referee, QuorumReferee):
            return referees.QuorumReferee(
                threshold=int(referee.threshold),
                max_votes=max(int(referee.max_votes), int(referee.threshold)),
            )
        if isinstance(referee, EarlyStoppingReferee):
            return referees.EarlyStoppingReferee(
                threshold=min(float(referee.threshold), 1 - 1e-9), max_votes=int(referee.max_votes)
            )
        return referees.NaiveReferee(total_votes=self.target)

    @property
    def stops_early(self) -> bool:
        """Whether a referee may close a task before ``target`` responses (quorum or confidence)."""
        return isinstance(self.referee, QuorumReferee | EarlyStoppingReferee) and self.kind in (
            "compare",
            "ranking",
            "classify",
        )

    def options(self, dp: Datapoint | None) -> list[str]:
        """The classification options of a datapoint (its own, else the definition's)."""
        seg = segment(dp, "answer_options") if dp is not None else None
        if seg and seg.get("options"):
            return [str(o.get("label", o.get("value"))) for o in seg["options"]]
        literal = ((self.workflow.get("rapid") or {}).get("categories") or {}).get("literal") or []
        return [str(o.get("label", o.get("value"))) for o in literal]


@dataclass
class JobContext:
    """A job row (read in this session) with its cached :class:`JobSpec`."""

    job: Job
    spec: JobSpec


def _literal(binding: Any) -> str:
    if isinstance(binding, Mapping):
        return str(binding.get("literal") or "")
    return str(binding or "")


def _read_spec(session: Session, job: Job) -> JobSpec:
    revision = session.scalars(
        select(DefinitionRevision).where(
            DefinitionRevision.definition_id == job.definition_id,
            DefinitionRevision.revision_number == job.revision_number,
        )
    ).first()
    if revision is None:
        raise NotFoundError(
            f"job {job.id}: revision {job.revision_number} of definition {job.definition_id} is missing"
        )
    return revision_spec(revision)


def revision_spec(revision: DefinitionRevision) -> JobSpec:
    """What a definition revision says about serving and judging its tasks."""
    workflow = revision.workflow or {}
    flags = {str(f["key"]): str(f["value"]) for f in (revision.rapid_feature_flags or [])}
    flags.update({str(f["key"]): str(f["value"]) for f in (workflow.get("featureFlags") or [])})
    referee = parse_referee(revision.referee) if revision.referee else NaiveReferee(total_votes=10)
    votes = referee.total_votes if isinstance(referee, NaiveReferee) else referee.max_votes
    common: dict[str, Any] = {
        "flags": flags,
        "referee": referee,
        "target": int(votes or 10),
        "dataset_id": revision.dataset_id,
        "workflow": workflow,
    }
    flow = parse_workflow(workflow) if workflow else None
    if isinstance(flow, GroupedRankingWorkflow):
        return JobSpec(
            kind=TaskKind.RANKING.value,
            instruction=_literal(workflow.get("criteria")),
            pair_maker=workflow.get("pairMakerConfig") or {},
            online_pairs=isinstance(flow.pair_maker_config, OnlinePairMaker),
            **common,
        )
    rapid = workflow.get("rapid") or {}
    binding = rapid.get("criteria") or rapid.get("title") or rapid.get("target") or rapid.get("question")
    kind = kind_of_rapid(flow.rapid.t) if flow is not None else TaskKind.CLASSIFY
    return JobSpec(kind=kind.value, instruction=_literal(binding), **common)


class _SpecCache:
    """Specs by (definition, revision number): revisions never change, so entries never go stale."""

    def __init__(self) -> None:
        self._specs: OrderedDict[tuple[str, int], JobSpec] = OrderedDict()
        self._lock = Lock()  # request threads and the crowd thread share the cache

    def get(self, session: Session, job: Job) -> JobSpec:
        key = (job.definition_id, int(job.revision_number))
        with self._lock:
            spec = self._specs.get(key)
            if spec is not None:
                self._specs.move_to_end(key)
                return spec
        spec = _read_spec(session, job)
        with self._lock:
            self._specs[key] = spec
            while len(self._specs) > _SPEC_CACHE_SIZE:
                self._specs.popitem(last=False)
        return spec


_specs = _SpecCache()


def load_context(session: Session, job: Job) -> JobContext:
    """The job with its revision's spec (read once per process)."""
    return JobContext(job=job, spec=_specs.get(session, job))


# --- what tasks show ----------------------------------------------------------------------------------------


def segment(dp: Datapoint | None, key: str) -> dict[str, Any] | None:
    """A datapoint's segment by key."""
    return next((s for s in (dp.segments if dp is not None else None) or [] if s.get("key") == key), None)


def asset_inputs(asset: Mapping[str, Any] | None) -> list[AssetPart]:
    """The leaf asset inputs of an asset input (a multi asset's parts in order)."""
    return asset_parts(asset)


def _names(inputs: Iterable[AssetPart]) -> set[str]:
    return {a.name for a in inputs if isinstance(a, ExistingAssetInput)}


@dataclass
class Material:
    """What a set of tasks shows: their datapoints, stored assets and ranking groups."""

    datapoints: dict[str, Datapoint]
    assets: dict[str, Asset]
    groups: dict[tuple[str, str], DatasetGroup]

    def of(self, task: JobTask) -> list[Datapoint]:
        """The task's datapoints (the two items of a ranking matchup)."""
        ids = [task.item_a, task.item_b] if task.kind == "ranking" else [task.datapoint_id]
        return [self.datapoints[i] for i in ids if i and i in self.datapoints]

    def identity(self, asset: AssetPart) -> str:
        """An asset's stable identity (``url:..``, ``sha256:..``, ``text:..``: ``store.datasets`` keys)."""
        if isinstance(asset, TextAssetInput):
            return f"text:{asset.text}"
        name = asset.name
        row = self.assets.get(name)
        if row is None:
            return f"name:{name}"
        return f"url:{row.url}" if row.kind == "url" else f"sha256:{row.sha256}"

    def shown(self, asset: AssetPart, index: int) -> ServedAsset:
        """An asset as a labeler's app shows it."""
        if isinstance(asset, TextAssetInput):
            return ServedText(index=index, text=asset.text)
        name = asset.name
        row = self.assets.get(name)
        return ServedFile(
            index=index,
            file_name=name,
            url=f"/assets/{name}",
            source_url=row.url if row is not None else None,
            content_type=row.content_type if row is not None else None,
        )


_DATAPOINTS = select(Datapoint).where(Datapoint.id.in_(bindparam("ids", expanding=True)))
_ASSETS = select(Asset).where(Asset.file_name.in_(bindparam("names", expanding=True)))
"""What tasks show, by id: built once, as every fetch runs them (issue 14)."""


def load_material(
    session: Session,
    tasks: Sequence[JobTask],
    *,
    dataset_ids: Mapping[str, str] | None = None,
    extra_assets: Iterable[AssetPart] = (),
) -> Material:
    """Read what ``tasks`` show in three queries (datapoints, assets, ranking groups).

    Args:
        session: An open session.
        tasks: The tasks.
        dataset_ids: ``{job_id: dataset_id}``, to find ranking groups' contexts.
        extra_assets: Further asset inputs to resolve (qualification examples).
    """
    ids = {
        i for t in tasks for i in ((t.item_a, t.item_b) if t.kind == "ranking" else (t.datapoint_id,)) if i
    }
    datapoints = {dp.id: dp for dp in session.scalars(_DATAPOINTS, {"ids": list(ids)})} if ids else {}
    names = _names(extra_assets)
    for dp in datapoints.values():
        for key in ("asset", "context_asset"):
            names |= _names(asset_inputs((segment(dp, key) or {}).get("asset")))
    assets = {a.file_name: a for a in session.scalars(_ASSETS, {"names": list(names)})} if names else {}
    wanted = {
        (dataset_ids[t.job_id], str(t.group))
        for t in tasks
        if t.kind == "ranking" and t.group is not None and dataset_ids and t.job_id in dataset_ids
    }
    groups = (
        {
            (g.dataset_id, g.group): g
            for g in session.scalars(
                select(DatasetGroup).where(tuple_(DatasetGroup.dataset_id, DatasetGroup.group).in_(wanted))
            )
        }
        if wanted
        else {}
    )
    return Material(datapoints=datapoints, assets=assets, groups=groups)


def _sentence(dp: Datapoint | None) -> tuple[list[str], bool]:
    seg = segment(dp, "transcription")
    return sentence_words(str(seg.get("text") or "") if seg else "")


def words_of(dp: Datapoint | None) -> list[str]:
    """The select-words sentence of a datapoint split on single spaces, without a trailing token."""
    return _sentence(dp)[0]


def no_mistake_on(dp: Datapoint | None, flags: Mapping[str, str]) -> bool:
    """Whether the select-words task of ``dp`` offers ``[No_mistakes]`` (see ``offers_no_mistake``)."""
    words, had_token = _sentence(dp)
    return offers_no_mistake(flags, has_token=had_token, n_words=len(words))


def _shown_inputs(material: Material, task: JobTask) -> list[AssetPart]:
    dps = material.of(task)
    if task.kind == "ranking":
        return [asset_inputs((segment(dp, "asset") or {}).get("asset"))[0] for dp in dps]
    return asset_inputs((segment(dps[0], "asset") or {}).get("asset")) if dps else []


def task_view(material: Material, spec: JobSpec, task: JobTask) -> TaskView:
    """The task as the crowd's behaviour model sees it."""
    dps = material.of(task)
    inputs = _shown_inputs(material, task)
    first = dps[0] if dps else None
    return TaskView(
        kind=task.kind,
        key=task.content_key,
        identities=tuple(material.identity(a) for a in inputs),
        options=tuple(spec.options(first)),
        words=tuple(words_of(first)),
        flags=dict(spec.flags),
        no_mistake=task.kind == "select_words" and no_mistake_on(first, spec.flags),
    )


def context_text(material: Material, spec: JobSpec, task: JobTask) -> str | None:
    """The text shown with a task (a ranking group's context for a matchup)."""
    if task.kind == "ranking" and task.group is not None:
        grp = material.groups.get((spec.dataset_id, str(task.group)))
        return next((s.get("text") for s in (grp.segments if grp else []) if s.get("key") == "context"), None)
    dps = material.of(task)
    return (segment(dps[0], "context") or {}).get("text") if dps else None


def media_context(material: Material, segment_: Mapping[str, Any] | None) -> list[ServedAsset]:
    """Reference media shown with the instruction (``media_contexts``), as served assets."""
    return [material.shown(a, i) for i, a in enumerate(asset_inputs((segment_ or {}).get("asset")))]


def served_task(
    material: Material,
    spec: JobSpec,
    task: JobTask,
    *,
    lease_id: str,
    shown_order: Sequence[int] | None,
    expires_at: datetime,
) -> ServedTask:
    """The item a person's labeling app renders (sides of a pair and classify options in shown order)."""
    inputs = _shown_inputs(material, task)
    first = (material.of(task) or [None])[0]
    options = spec.options(first)
    order = list(shown_order or range(len(inputs)))
    if task.kind in ("compare", "ranking"):
        assets = [material.shown(inputs[i], i) for i in order]
    else:
        assets = [material.shown(a, i) for i, a in enumerate(inputs)]
    if task.kind == "classify" and shown_order and len(shown_order) == len(options):
        options = [options[i] for i in shown_order]
    words = [*words_of(first), NO_MISTAKES] if no_mistake_on(first, spec.flags) else words_of(first)
    return ServedTask(
        task_id=task.id,
        lease_id=lease_id,
        job_id=task.job_id,
        kind=task.kind,
        is_example=False,
        instruction=spec.instruction,
        context=context_text(material, spec, task),
        assets=assets,
        options=options,
        words=words if task.kind == "select_words" else [],
        flags=dict(spec.flags),
        media_context=media_context(material, segment(first, "context_asset")),
        expires_at=as_utc(expires_at),
    )
