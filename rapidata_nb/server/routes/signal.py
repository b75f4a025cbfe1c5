"""Signals: create, find, control, and list the runs (firings) with the jobs they created."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rapidata_nb.api.models import PagedResult
from rapidata_nb.api.models.signal import (
    CreateSignalInput,
    CreateSignalOutput,
    SignalOutput,
    SignalRunOutput,
    TriggerSignalOutput,
    UpdateSignalInput,
)
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.loaders import OwnSignalDep, SignalDep, SignalRunDep
from rapidata_nb.server.paging import Page, PageDep, page_query
from rapidata_nb.server.programs import jobs as job_layer
from rapidata_nb.server.programs import signals as store
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.store.models import Job
from rapidata_nb.server.store.programs import Signal, SignalRun, from_ms

router = APIRouter(tags=["signal"])


def _seconds(ms: int) -> int | float:
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def _out(session: Session, s: Signal) -> SignalOutput:
    return SignalOutput(
        id=s.id,
        name=s.name,
        description=s.description,
        audience_id=s.audience_id,
        job_definition_id=s.definition_id,
        revision_number=s.revision_number,
        interval_seconds=_seconds(s.interval_ms),
        next_run_at=from_ms(s.next_run_ms),
        last_run_at=from_ms(s.last_run_ms),
        is_paused=s.paused,
        is_public=s.is_public,
        owner_id=s.owner_id,
        owner_mail=owner_mail(session=session, owner_id=s.owner_id),
        organization_id=s.owner_id,
        created_at=s.created_at,
    )


def _run_out(session: Session, run: SignalRun) -> SignalRunOutput:
    status, completed = run.status, None
    if run.job_id is not None:
        state = job_layer.job_state(session=session, job_id=run.job_id)
        if state in ("Completed", "Failed"):
            status = state
            job = session.get(Job, run.job_id)
            completed = job.completed_at or job.failed_at if job is not None else None
    return SignalRunOutput(
        id=run.id,
        signal_id=run.signal_id,
        trigger_source=run.trigger_source,
        status=status,
        started_at=from_ms(run.started_ms),
        audience_job_id=run.job_id,
        completed_at=completed,
        failure_message=run.failure_message,
        skipped_reason=run.skipped_reason,
    )


@router.post("/signal")
def create_signal(body: CreateSignalInput, session: SessionDep, user: CurrentUser) -> CreateSignalOutput:
    """Create a signal; its first firing is one interval from now."""
    signal = store.create_signal(
        session=session,
        owner_id=user.customer_id,
        name=body.name,
        description=body.description,
        audience_id=body.audience_id,
        definition_id=body.job_definition_id,
        revision_number=body.revision_number,
        interval_seconds=body.interval_seconds,
        is_public=bool(body.is_public),
    )
    return CreateSignalOutput(id=signal.id, next_run_at=from_ms(signal.next_run_ms))


@router.get("/signal")
def find_signals(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[SignalOutput]:
    """The caller's signals and public ones, newest first, filtered by ``name[contains]``."""
    stmt = select(Signal).where(
        Signal.deleted.is_(False), or_(Signal.owner_id == user.customer_id, Signal.is_public.is_(True))
    )
    if name_contains:
        stmt = stmt.where(Signal.name.contains(name_contains, autoescape=True))
    columns = {"created_at": Signal.created_at, "name": Signal.name, "next_run_at": Signal.next_run_ms}
    total, rows = page.select(session=session, stmt=stmt, columns=columns, sort=sort, default="-created_at")
    return page.result([_out(session, s) for s in rows], total=total)


@router.get("/signal/run/{run_id}")
def get_run(run: SignalRunDep, session: SessionDep) -> SignalRunOutput:
    """One firing of a signal."""
    return _run_out(session, run)


@router.get("/signal/{signal_id}")
def get_signal(signal: SignalDep, session: SessionDep) -> SignalOutput:
    """A signal with its live schedule state."""
    return _out(session, signal)


@router.patch("/signal/{signal_id}", status_code=204)
def update_signal(body: UpdateSignalInput, signal: OwnSignalDep) -> Response:
    """Rename, describe or re-time a signal (the next tick moves to one new interval after the last one)."""
    given = body.model_fields_set
    if "name" in given and body.name is not None:
        signal.name = body.name
    if "description" in given:
        signal.description = body.description
    if "interval_seconds" in given and body.interval_seconds is not None:
        store.retime(signal=signal, interval_ms=store.interval_ms_of(body.interval_seconds))
    return Response(status_code=204)


@router.delete("/signal/{signal_id}", status_code=204)
def delete_signal(signal: OwnSignalDep) -> Response:
    """Delete a signal; the jobs it created stay."""
    signal.deleted = True
    return Response(status_code=204)


@router.post("/signal/{signal_id}/pause", status_code=204)
def pause_signal(signal: OwnSignalDep) -> Response:
    """Skip scheduled firings until resumed."""
    store.pause(signal=signal)
    return Response(status_code=204)


@router.post("/signal/{signal_id}/resume", status_code=204)
def resume_signal(signal: OwnSignalDep) -> Response:
    """Fire on schedule again."""
    store.resume(signal=signal)
    return Response(status_code=204)


@router.post("/signal/{signal_id}/trigger")
def trigger_signal(signal: OwnSignalDep, session: SessionDep) -> TriggerSignalOutput:
    """Fire once now, outside the schedule (asynchronous: the scheduler creates the job)."""
    store.trigger(session=session, signal=signal)
    return TriggerSignalOutput(signal_id=signal.id)


@router.get("/signal/{signal_id}/run")
def list_runs(
    signal: SignalDep,
    session: SessionDep,
    page: Annotated[Page, Depends(page_query(20))],
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[SignalRunOutput]:
    """The firings of a signal (skipped ones included, without a job), newest first."""
    total, rows = page.select(
        session=session,
        stmt=select(SignalRun).where(SignalRun.signal_id == signal.id),
        columns={"started_at": SignalRun.started_ms, "status": SignalRun.status},
        sort=sort,
        default="-started_at",
    )
    return page.result([_run_out(session, r) for r in rows], total=total)
