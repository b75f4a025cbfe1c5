"""Simple server-rendered pages behind the links the SDK prints (``/definitions/{id}``,
``/audiences/.../job/...``).

They need no token (ids are unguessable), show the name, instruction, datapoints and progress, and link
stored assets. The Jupyter widgets are the rich view; these pages make the printed links useful.
"""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from rapidata_nb.api.models.asset import AssetPart, TextAssetInput, asset_parts
from rapidata_nb.api.models.definition import GroupedRankingWorkflow, parse_workflow
from rapidata_nb.server import dispatch
from rapidata_nb.server.deps import SessionDep, base_url
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.store import datasets as dataset_store
from rapidata_nb.server.store import definitions as definition_store
from rapidata_nb.server.store.labeling import Audience
from rapidata_nb.server.store.models import Asset, Datapoint, DefinitionRevision, Job, JobDefinition

router = APIRouter(tags=["pages"], include_in_schema=False)

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .6rem;vertical-align:top}"
    "img{max-height:120px;max-width:200px}.bar{background:#eee;width:20rem;height:1rem}"
    ".bar div{background:#4a7;height:1rem}"
)
_MAX_ROWS = 200


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _asset_html(session: SessionDep, origin: str, asset: dict[str, Any] | None) -> str:
    return " ".join(_part_html(session, origin, part) for part in asset_parts(asset))


def _part_html(session: SessionDep, origin: str, asset: AssetPart) -> str:
    if isinstance(asset, TextAssetInput):
        return f"<span>{html.escape(asset.text)}</span>"
    row = session.get(Asset, asset.name)
    if row is None:
        return html.escape(asset.name)
    url = row.url if row.kind == "url" and row.url else f"{origin}/assets/{row.file_name}"
    label = html.escape(row.original_name)
    kind = (row.content_type or "").split("/")[0]
    if kind == "image" or label.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
        return (
            f"<a href='{html.escape(url)}'><img src='{html.escape(url)}' alt='{label}' title='{label}'></a>"
        )
    return f"<a href='{html.escape(url)}'>{label}</a>"


def _datapoints_table(session: SessionDep, origin: str, datapoints: list[Datapoint]) -> str:
    rows = []
    for i, dp in enumerate(datapoints[:_MAX_ROWS]):
        cells = []
        for seg in dp.segments:
            if seg.get("kind") == "Asset":
                cells.append(_asset_html(session, origin, seg.get("asset")))
            elif seg.get("kind") == "Text":
                cells.append(html.escape(str(seg.get("text"))))
            else:
                cells.append(", ".join(html.escape(str(o.get("label"))) for o in seg.get("options") or []))
        group = html.escape(dp.group) if dp.group is not None else ""
        rows.append(f"<tr><td>{i}</td><td>{group}</td><td>{'</td><td>'.join(cells)}</td></tr>")
    more = f"<p>… and {len(datapoints) - _MAX_ROWS} more</p>" if len(datapoints) > _MAX_ROWS else ""
    return (
        f"<table><tr><th>#</th><th>group</th><th colspan='4'>segments</th></tr>{''.join(rows)}</table>{more}"
    )


def _definition_html(session: SessionDep, origin: str, d: JobDefinition, r: DefinitionRevision) -> str:
    ctx_instruction = _instruction(r.workflow)
    datapoints = dataset_store.list_datapoints(session=session, dataset_id=r.dataset_id)
    flags = ", ".join(f"{f['key']}={f['value']}" for f in r.rapid_feature_flags) or "none"
    return (
        f"<h1>{html.escape(d.name)}</h1>"
        f"<p><b>Type:</b> {html.escape(d.definition_type)} · <b>Revision:</b> {r.revision_number} · "
        f"<b>Referee:</b> {html.escape(str(r.referee))} · <b>Settings:</b> {html.escape(flags)}</p>"
        f"<p><b>Instruction:</b> {html.escape(ctx_instruction or '')}</p>"
        f"<h2>Datapoints ({len(datapoints)})</h2>{_datapoints_table(session, origin, datapoints)}"
    )


def _instruction(workflow: dict[str, Any]) -> str | None:
    if isinstance(parse_workflow(workflow), GroupedRankingWorkflow):
        return workflow.get("criteria")
    rapid = workflow.get("rapid") or {}
    for key in ("criteria", "title", "target", "question"):
        binding = rapid.get(key)
        if isinstance(binding, dict) and binding.get("literal"):
            return str(binding["literal"])
    return None


@router.get("/definitions/{definition_id}", response_class=HTMLResponse)
def definition_page(definition_id: str, session: SessionDep, request: Request) -> HTMLResponse:
    """A job definition: name, instruction, settings and datapoints."""
    d = session.get(JobDefinition, definition_id)
    if d is None or d.deleted:
        raise NotFoundError(f"Job definition '{definition_id}' not found")
    r = definition_store.get_revision(session=session, definition=d)
    return _page(d.name, _definition_html(session, base_url(request), d, r))


@router.get("/audiences/{audience_id}/job/{job_id}", response_class=HTMLResponse)
def job_page(audience_id: str, job_id: str, session: SessionDep, request: Request) -> HTMLResponse:
    """A job: state, progress, and its definition's instruction and datapoints."""
    job = session.get(Job, job_id)
    if job is None or job.deleted or job.audience_id != audience_id:
        raise NotFoundError(f"Job '{job_id}' not found in audience '{audience_id}'")
    d = session.get(JobDefinition, job.definition_id)
    assert d is not None
    r = definition_store.get_revision(session=session, definition=d, number=job.revision_number)
    counts = dispatch.job_progress(session=session, job=job)
    audience = session.get(Audience, audience_id)
    pct = counts.percentage
    body = (
        f"<h1>{html.escape(job.name)}</h1>"
        f"<p><b>State:</b> {html.escape(job.state)} · <b>Audience:</b> "
        f"{html.escape(audience.name if audience else audience_id)} · "
        f"<b>Responses:</b> {counts.responses}</p>"
        f"<div class='bar'><div style='width:{pct:.1f}%'></div></div>"
        f"<p>{counts.completed} of {counts.total} tasks done ({pct:.1f}%)</p><hr>"
        + _definition_html(session, base_url(request), d, r)
    )
    return _page(job.name, body)
