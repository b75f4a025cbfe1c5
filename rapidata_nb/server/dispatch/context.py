"""What a task looks like: the job's context (kind, instruction, flags, referee) and the task as shown.

``load_context`` reads a job's revision once; ``task_view`` is the task as the simulated crowd's behaviour
model sees it and ``served_task`` the item a person's labeling app renders (sides and options in the order
they were shown to that labeler).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.engine import referee as referees
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.labeling.content import NO_MISTAKES
from rapidata_nb.server.labeling.views import TaskView
from rapidata_nb.server.store.labeling import JobTask, TaskLease
from rapidata_nb.server.store.models import Asset, Datapoint, DatasetGroup, DefinitionRevision, Job

__all__ = [
    "JobContext",
    "as_utc",
    "asset_identity",
    "asset_inputs",
    "load_context",
    "media_context",
    "options_of",
    "segment",
    "served_task",
    "shown_asset",
    "task_datapoints",
    "task_view",
    "words_of",
]

_KINDS = {
    "Compare": "compare",
    "Classify": "classify",
    "Locate": "locate",
    "Line": "draw",
    "Transcription": "select_words",
    "FreeText": "free_text",
}


def as_utc(dt: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


@dataclass
class JobContext:
    """Everything about a job that serving and judging need, read once."""

    job: Job
    revision: DefinitionRevision
    kind: str
    instruction: str
    flags: dict[str, str]
    referee: dict[str, Any]
    target: int
    pair_maker: dict[str, Any] = field(default_factory=dict)

    def make_referee(self) -> Any:
        """The engine referee for this job."""
        t = self.referee.get("_t")
        if t == "QuorumReferee":
            return referees.QuorumReferee(
                threshold=int(self.referee["threshold"]),
                max_votes=max(int(self.referee["maxVotes"]), int(self.referee["threshold"])),
            )
        if t == "EarlyStoppingReferee":
            return referees.EarlyStoppingReferee(
                threshold=min(float(self.referee["threshold"]), 1 - 1e-9),
                max_votes=int(self.referee["maxVotes"]),
            )
        return referees.NaiveReferee(total_votes=self.target)


def _literal(binding: Any) -> str:
    if isinstance(binding, Mapping):
        return str(binding.get("literal") or "")
    return str(binding or "")


def load_context(session: Session, job: Job) -> JobContext:
    """Read the job's revision: task kind, instruction, feature flags and referee."""
    definition_revision = session.scalars(
        select(DefinitionRevision).where(
            DefinitionRevision.definition_id == job.definition_id,
            DefinitionRevision.revision_number == job.revision_number,
        )
    ).first()
    if definition_revision is None:
        raise NotFoundError(
            f"job {job.id}: revision {job.revision_number} of definition {job.definition_id} does not exist"
        )
    workflow = definition_revision.workflow or {}
    flags = {str(f["key"]): str(f["value"]) for f in (definition_revision.rapid_feature_flags or [])}
    flags.update({str(f["key"]): str(f["value"]) for f in (workflow.get("featureFlags") or [])})
    referee = definition_revision.referee or {"_t": "NaiveReferee", "totalVotes": 10}
    target = int(referee.get("totalVotes") or referee.get("maxVotes") or 10)
    if workflow.get("_t") == "GroupedRankingWorkflow":
        return JobContext(
            job=job,
            revision=definition_revision,
            kind="ranking",
            instruction=_literal(workflow.get("criteria")),
            flags=flags,
            referee=referee,
            target=target,
            pair_maker=workflow.get("pairMakerConfig") or {},
        )
    rapid = workflow.get("rapid") or {}
    kind = _KINDS.get(str(rapid.get("_t")), "classify")
    binding = rapid.get("criteria") or rapid.get("title") or rapid.get("target") or rapid.get("question")
    return JobContext(
        job=job,
        revision=definition_revision,
        kind=kind,
        instruction=_literal(binding),
        flags=flags,
        referee=referee,
        target=target,
    )


def segment(dp: Datapoint, key: str) -> dict[str, Any] | None:
    return next((s for s in dp.segments or [] if s.get("key") == key), None)


def asset_inputs(asset: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not asset:
        return []
    if asset.get("_t") == "MultiAssetInput":
        return [a for inner in asset.get("assets", []) for a in asset_inputs(inner)]
    return [dict(asset)]


def asset_identity(session: Session, asset: Mapping[str, Any]) -> str:
    """An asset's stable identity (``url:..``, ``sha256:..``, ``text:..``, as ``store.datasets`` keys it)."""
    if asset.get("_t") == "TextAssetInput":
        return f"text:{asset.get('text', '')}"
    name = str(asset.get("name", ""))
    row = session.get(Asset, name)
    if row is None:
        return f"name:{name}"
    return f"url:{row.url}" if row.kind == "url" else f"sha256:{row.sha256}"


def shown_asset(session: Session, asset: Mapping[str, Any], index: int) -> dict[str, Any]:
    if asset.get("_t") == "TextAssetInput":
        return {"index": index, "text": asset.get("text", "")}
    name = str(asset.get("name", ""))
    row = session.get(Asset, name)
    return {
        "index": index,
        "fileName": name,
        "url": f"/assets/{name}",
        "sourceUrl": row.url if row is not None else None,
        "contentType": row.content_type if row is not None else None,
    }


def options_of(ctx: JobContext, dp: Datapoint | None) -> list[str]:
    seg = segment(dp, "answer_options") if dp is not None else None
    if seg and seg.get("options"):
        return [str(o.get("label", o.get("value"))) for o in seg["options"]]
    rapid = (ctx.revision.workflow or {}).get("rapid") or {}
    literal = (rapid.get("categories") or {}).get("literal") or []
    return [str(o.get("label", o.get("value"))) for o in literal]


def words_of(dp: Datapoint | None) -> list[str]:
    seg = segment(dp, "transcription") if dp is not None else None
    return str(seg.get("text") or "").split(" ") if seg else []


def task_datapoints(session: Session, task: JobTask) -> list[Datapoint]:
    ids = [task.item_a, task.item_b] if task.kind == "ranking" else [task.datapoint_id]
    return [dp for dp in (session.get(Datapoint, i) for i in ids if i) if dp is not None]


def task_view(session: Session, ctx: JobContext, task: JobTask) -> TaskView:
    """The task as the crowd's behaviour model sees it."""
    dps = task_datapoints(session, task)
    if task.kind == "ranking":
        identities = tuple(
            asset_identity(session, a)
            for dp in dps
            for a in asset_inputs((segment(dp, "asset") or {}).get("asset"))[:1]
        )
    else:
        dp = dps[0] if dps else None
        identities = tuple(
            asset_identity(session, a)
            for a in asset_inputs((segment(dp, "asset") or {}).get("asset") if dp else None)
        )
    dp0 = dps[0] if dps else None
    return TaskView(
        kind=task.kind,
        key=task.content_key,
        identities=identities,
        options=tuple(options_of(ctx, dp0)),
        words=tuple(words_of(dp0)),
        flags=dict(ctx.flags),
    )


def served_task(session: Session, ctx: JobContext, task: JobTask, lease: TaskLease) -> dict[str, Any]:
    """The JSON a human labeler's client renders (sides/options in shown order)."""
    dps = task_datapoints(session, task)
    if task.kind == "ranking":
        assets = [asset_inputs((segment(dp, "asset") or {}).get("asset"))[0] for dp in dps]
    else:
        assets = asset_inputs((segment(dps[0], "asset") or {}).get("asset")) if dps else []
    order = lease.shown_order or list(range(len(assets)))
    dp0 = dps[0] if dps else None
    context = (segment(dp0, "context") or {}).get("text") if dp0 is not None else None
    if task.kind == "ranking" and task.group is not None:
        grp = session.scalars(
            select(DatasetGroup).where(
                DatasetGroup.dataset_id == ctx.revision.dataset_id, DatasetGroup.group == task.group
            )
        ).first()
        context = next(
            (s.get("text") for s in (grp.segments if grp else []) if s.get("key") == "context"), None
        )
    options = options_of(ctx, dp0)
    words = words_of(dp0)
    shown_assets = (
        [shown_asset(session, assets[i], i) for i in order]
        if task.kind in ("compare", "ranking")
        else [shown_asset(session, a, i) for i, a in enumerate(assets)]
    )
    if task.kind == "classify" and lease.shown_order and len(lease.shown_order) == len(options):
        options = [options[i] for i in lease.shown_order]
    return {
        "taskId": task.id,
        "leaseId": lease.id,
        "jobId": task.job_id,
        "kind": task.kind,
        "isExample": False,
        "instruction": ctx.instruction,
        "context": context,
        "assets": shown_assets,
        "options": options,
        "words": [*words, NO_MISTAKES] if task.kind == "select_words" else [],
        "flags": dict(ctx.flags),
        "mediaContext": media_context(session, (segment(dp0, "context_asset") or {}) if dp0 else None),
        "expiresAt": as_utc(lease.expires_at).isoformat(),  # type: ignore[union-attr]
    }


def media_context(session: Session, segment: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Reference media shown with the instruction (``media_contexts``), as served assets."""
    inputs = asset_inputs((segment or {}).get("asset"))
    return [shown_asset(session, a, i) for i, a in enumerate(inputs)]
