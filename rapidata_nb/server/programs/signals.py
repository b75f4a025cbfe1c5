"""Signals: store functions and the firing of due ticks (DESIGN §6 "Signals").

A tick is *claimed* with a conditional update, ``UPDATE signal SET next_run_ms = :next WHERE id = :id AND
next_run_ms = :old``; only the session whose update hits a row fires it, so two server processes on one
database never fire the same tick twice. The claim, the run row and the job are written in one transaction,
and all scheduling state lives in the database, so a restart resumes where it stopped (a tick missed while
the server was down fires once, then the schedule continues from now).

A scheduled firing is skipped (a ``Skipped`` run without a job) while the previous job of the signal still
runs; a manual ``trigger()`` always creates a job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from rapidata_nb.server.errors import ApiError, BadRequestError, NotFoundError
from rapidata_nb.server.programs import jobs as job_layer
from rapidata_nb.server.store.labeling import new_id
from rapidata_nb.server.store.programs import Signal, SignalRun, now_ms

__all__ = [
    "FireOutcome",
    "claim_tick",
    "create_signal",
    "due_signals",
    "fire_due",
    "fire_signal",
    "get_signal",
    "interval_ms_of",
    "pause",
    "resume",
    "retime",
    "trigger",
]

logger = logging.getLogger("rapidata_nb.server.programs")


@dataclass(frozen=True)
class FireOutcome:
    """What one claimed tick did: the run id, its status and the job it created (if any)."""

    run_id: str
    status: str
    job_id: str | None


def interval_ms_of(seconds: float, *, field: str = "intervalSeconds") -> int:
    """Validate an interval in seconds and return it in milliseconds.

    Raises:
        BadRequestError: When the interval is not positive or shorter than a millisecond.
    """
    if not seconds > 0:
        raise BadRequestError(f"{field}: the interval must be positive, got {seconds}")
    ms = int(round(seconds * 1000))
    if ms < 1:
        raise BadRequestError(f"{field}: the interval must be at least 0.001 seconds, got {seconds}")
    return ms


def get_signal(*, session: Session, signal_id: str, owner_id: str, write: bool = False) -> Signal:
    """The signal if the caller owns it (or, for reading, it is public); 404 otherwise."""
    row = session.get(Signal, signal_id)
    if row is None or row.deleted or (row.owner_id != owner_id and (write or not row.is_public)):
        raise NotFoundError(f"Signal '{signal_id}' not found")
    return row


def create_signal(
    *,
    session: Session,
    owner_id: str,
    name: str,
    description: str | None,
    audience_id: str,
    definition_id: str,
    revision_number: int | None,
    interval_seconds: float,
    is_public: bool,
) -> Signal:
    """Validate the references and create a signal whose first tick is one interval from now."""
    interval_ms = interval_ms_of(interval_seconds)
    job_layer.check_job_inputs(
        session=session,
        owner_id=owner_id,
        definition_id=definition_id,
        audience_id=audience_id,
        revision_number=revision_number,
    )
    now = now_ms()
    signal = Signal(
        id=new_id("sig"),
        owner_id=owner_id,
        name=name,
        description=description,
        audience_id=audience_id,
        definition_id=definition_id,
        revision_number=revision_number,
        interval_ms=interval_ms,
        next_run_ms=now + interval_ms,
        is_public=is_public,
    )
    session.add(signal)
    session.flush()
    return signal


def trigger(*, session: Session, signal: Signal) -> None:
    """Ask the scheduler to fire now (returns at once; the job appears in ``get_jobs`` shortly after)."""
    signal.manual_pending = True
    signal.next_run_ms = min(signal.next_run_ms, now_ms())


def pause(*, signal: Signal) -> None:
    """Stop scheduled firings until :func:`resume`."""
    signal.paused = True


def resume(*, signal: Signal) -> None:
    """Resume scheduled firings; a tick that fell due while paused is moved one interval ahead."""
    signal.paused = False
    now = now_ms()
    if signal.next_run_ms <= now and not signal.manual_pending:
        signal.next_run_ms = now + signal.interval_ms


def due_signals(*, session: Session, now: int) -> list[tuple[str, int]]:
    """``(id, next_run_ms)`` of every signal whose tick is due (paused ones only with a manual trigger)."""
    stmt = select(Signal.id, Signal.next_run_ms).where(
        Signal.deleted.is_(False),
        Signal.next_run_ms <= now,
        or_(Signal.paused.is_(False), Signal.manual_pending.is_(True)),
    )
    return [(sid, int(tick)) for sid, tick in session.execute(stmt)]


def _next_tick(tick: int, interval: int, now: int) -> int:
    """The first tick of the schedule after ``now`` (no burst of catch-up firings after downtime)."""
    if tick + interval > now:
        return tick + interval
    missed = (now - tick) // interval
    return tick + (missed + 1) * interval


def _claim(session: Session, signal_id: str, tick: int, now: int) -> tuple[bool, bool]:
    """Claim a tick; returns ``(claimed, manual)``."""
    row = session.get(Signal, signal_id)
    if row is None:
        return False, False
    manual = bool(row.manual_pending)
    next_tick = now + row.interval_ms if manual else _next_tick(tick, row.interval_ms, now)
    result = session.execute(
        update(Signal)
        .where(Signal.id == signal_id, Signal.next_run_ms == tick, Signal.deleted.is_(False))
        .values(next_run_ms=next_tick, last_run_ms=now, manual_pending=False)
        .execution_options(synchronize_session=False)
    )
    claimed = result.rowcount == 1  # type: ignore[attr-defined]
    if claimed:
        session.refresh(row)
    return bool(claimed), manual


def claim_tick(*, session: Session, signal_id: str, tick: int, now: int) -> bool:
    """Claim the tick ``tick`` of a signal: True for exactly one caller among racing sessions/processes."""
    return _claim(session, signal_id, tick, now)[0]


def _previous_job_running(session: Session, signal_id: str) -> str | None:
    last_job = session.scalars(
        select(SignalRun.job_id)
        .where(SignalRun.signal_id == signal_id, SignalRun.job_id.is_not(None))
        .order_by(SignalRun.started_ms.desc())
        .limit(1)
    ).first()
    if last_job is not None and job_layer.job_is_running(session=session, job_id=last_job):
        return last_job
    return None


def fire_signal(*, session: Session, signal_id: str, tick: int, now: int | None = None) -> FireOutcome | None:
    """Claim and fire one tick in the caller's transaction; None when another session claimed it first."""
    now = now_ms() if now is None else now
    claimed, manual = _claim(session, signal_id, tick, now)
    if not claimed:
        return None
    signal = session.get(Signal, signal_id)
    assert signal is not None
    run = SignalRun(
        id=new_id("srun"),
        signal_id=signal.id,
        tick_ms=tick,
        trigger_source="Manual" if manual else "Scheduled",
        status="Running",
        started_ms=now,
    )
    running = None if manual else _previous_job_running(session, signal.id)
    if running is not None:
        run.status = "Skipped"
        run.skipped_reason = f"the previous job '{running}' of this signal is still running"
    else:
        try:
            with session.begin_nested():
                run.job_id = job_layer.create_job(
                    session=session,
                    owner_id=signal.owner_id,
                    definition_id=signal.definition_id,
                    audience_id=signal.audience_id,
                    revision_number=signal.revision_number,
                    name=signal.name,
                )
        except ApiError as exc:
            run.status = "Failed"
            run.failure_message = exc.message
        except Exception as exc:  # a bug below must not retry the same tick forever
            logger.exception("signal %s: creating the job failed", signal.id)
            run.status = "Failed"
            run.failure_message = f"internal error while creating the job: {exc}"
    session.add(run)
    session.flush()
    return FireOutcome(run_id=run.id, status=run.status, job_id=run.job_id)


def fire_due(*, session_factory: object, now: int | None = None) -> list[FireOutcome]:
    """Fire every due signal, one transaction per tick (the scheduler thread calls this)."""
    factory = session_factory  # sessionmaker[Session]
    now = now_ms() if now is None else now
    with factory() as session:  # type: ignore[operator]
        due = due_signals(session=session, now=now)
    outcomes: list[FireOutcome] = []
    for signal_id, tick in due:
        try:
            with factory() as session, session.begin():  # type: ignore[operator]
                outcome = fire_signal(session=session, signal_id=signal_id, tick=tick, now=now)
        except Exception:  # one signal's failure (e.g. a lock timeout) must not hold up the others
            logger.exception("signal %s: firing tick %s failed; retrying next step", signal_id, tick)
            continue
        if outcome is not None:
            logger.info("signal %s fired: %s %s", signal_id, outcome.status, outcome.job_id or "")
            outcomes.append(outcome)
    return outcomes


def retime(*, signal: Signal, interval_ms: int) -> None:
    """Change the interval; the next tick becomes one new interval after the last firing (or now)."""
    signal.interval_ms = interval_ms
    if not signal.manual_pending:
        anchor = signal.last_run_ms if signal.last_run_ms is not None else now_ms()
        signal.next_run_ms = max(anchor + interval_ms, now_ms())
