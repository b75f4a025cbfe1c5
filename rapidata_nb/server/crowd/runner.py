"""The simulated crowd: a daemon thread that labels through the same dispatcher as humans (DESIGN §7).

Each step opens one DB session and does one unit of work, then commits:

1. recruiting: one batch of distilling candidates takes a custom audience's qualification examples
   (``crowd.recruiting.recruit_step``);
2. otherwise one response: the open task with the fewest responses among running jobs whose audience is ready
   for the crowd, answered by the first eligible labeler of the task's permutation (``hash(seed, content_key,
   labeler_id)``, TEAM.md determinism rule) via ``dispatch.lease_task`` → ``dispatch.submit``.

Between steps it sleeps ``pace`` seconds (0 = none); when there is nothing to do it waits on an ``Event``
(``wake()`` or a short timeout), never spinning. ``stop()`` ends the thread cleanly.

The app owns one runner: ``app.state.crowd = CrowdRunner(session_factory, settings); app.state.crowd.start()``
at startup and ``app.state.crowd.stop()`` at shutdown; call ``app.state.crowd.wake()`` after creating a job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapidata_nb.server import dispatch
from rapidata_nb.server.crowd.behaviour import answer
from rapidata_nb.server.crowd.recruiting import recruit_step
from rapidata_nb.server.crowd.truth import truth_for
from rapidata_nb.server.errors import ConflictError
from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.store.labeling import Audience, JobTask, Labeler, TaskLease, utcnow
from rapidata_nb.server.store.models import Job

__all__ = ["CrowdRunner", "crowd_step"]

logger = logging.getLogger("rapidata_nb.server.crowd")

_IDLE_WAIT = 0.25
_POOL_TTL = 1.0


class _Caches:
    """Per-runner caches: audience pools (short TTL) and labeler permutations per (audience, content key)."""

    def __init__(self) -> None:
        self.pools: dict[str, tuple[float, dict[str, float]]] = {}
        self.orders: OrderedDict[tuple[str, str, int], list[str]] = OrderedDict()

    def pool(self, session: Session, audience: Audience) -> dict[str, float]:
        hit = self.pools.get(audience.id)
        if hit is not None and time.monotonic() - hit[0] < _POOL_TTL:
            return hit[1]
        pool = dispatch.audience_pool(session, audience, kind="sim")
        self.pools[audience.id] = (time.monotonic(), pool)
        return pool

    def order(self, *, seed: int, audience_id: str, key: str, pool: dict[str, float]) -> list[str]:
        cache_key = (audience_id, key, len(pool))
        hit = self.orders.get(cache_key)
        if hit is None:
            hit = sorted(pool, key=lambda lab: (stable_hash(seed, key, lab), lab))
            self.orders[cache_key] = hit
            if len(self.orders) > 2000:
                self.orders.popitem(last=False)
        return hit


def _crowd_audience(session: Session, audience_id: str) -> Audience | None:
    """The job's audience if the crowd may answer it now (custom pools only once recruiting is done)."""
    aud = session.get(Audience, audience_id)
    if aud is None or aud.deleted or aud.kind == "unlisted":
        return None
    base = (
        session.get(Audience, aud.base_audience_id)
        if aud.kind == "filtered" and aud.base_audience_id
        else aud
    )
    if base is None or base.deleted or base.kind == "unlisted":
        return None
    if base.kind == "custom" and (base.recruiting_started_at is None or not base.recruiting_done):
        return None
    return aud


def _answer_one(session: Session, *, seed: int, caches: _Caches) -> bool:
    jobs = {
        j.id: j for j in session.scalars(select(Job).where(Job.state == "Running", Job.deleted.is_(False)))
    }
    audiences = {jid: _crowd_audience(session, j.audience_id) for jid, j in jobs.items()}
    servable = [jid for jid, aud in audiences.items() if aud is not None]
    if not servable:
        return False
    now = utcnow()
    tasks = session.scalars(
        select(JobTask)
        .where(JobTask.job_id.in_(servable), JobTask.done.is_(False))
        .order_by(JobTask.response_count, JobTask.sort_index, JobTask.job_id, JobTask.id)
        .limit(50)
    )
    for task in tasks:
        leases = list(session.scalars(select(TaskLease).where(TaskLease.task_id == task.id)))
        active = sum(
            1
            for lease in leases
            if not lease.answered and lease.expires_at.replace(tzinfo=None) > now.replace(tzinfo=None)
        )
        if task.response_count + active >= task.target_responses:
            continue
        audience = audiences[task.job_id]
        assert audience is not None
        pool = caches.pool(session, audience)
        used = {lease.labeler_id for lease in leases}
        labeler_id = next(
            (
                lab
                for lab in caches.order(seed=seed, audience_id=audience.id, key=task.content_key, pool=pool)
                if lab not in used
            ),
            None,
        )
        if labeler_id is None:
            if pool and active == 0:  # everyone in the pool has answered: close with what we have
                logger.info(
                    "task %s: audience pool exhausted after %d responses", task.id, task.response_count
                )
                dispatch.close_task(session=session, task=task, seed=seed)
                return True
            continue
        labeler = session.get(Labeler, labeler_id)
        assert labeler is not None
        ctx = dispatch.load_context(session, jobs[task.job_id])
        view = dispatch.task_view(session, ctx, task)
        truth = truth_for(
            session=session,
            seed=seed,
            kind=task.kind,
            key=task.content_key,
            identities=view.identities,
            options=view.options,
            words=view.words,
        )
        try:
            dispatch.lease_task(session=session, labeler=labeler, task=task, seed=seed, ctx=ctx)
        except ConflictError:  # another replica's crowd or a human got this task first (DESIGN §5)
            continue
        given = answer(seed=seed, labeler=labeler, view=view, truth=truth)
        dispatch.submit(session=session, labeler=labeler, task=task, answer=given, seed=seed, ctx=ctx)
        return True
    return False


def crowd_step(session: Session, *, seed: int, caches: Any | None = None) -> bool:
    """One unit of crowd work in ``session`` (the caller commits). Returns whether anything was done."""
    caches = caches or _Caches()
    if recruit_step(session=session, seed=seed):
        return True
    return _answer_one(session, seed=seed, caches=caches)


class CrowdRunner:
    """The crowd's daemon thread.

    Args:
        session_factory: Callable returning a new ``Session``.
        settings: ``ServerSettings`` (``crowd_seed``, ``crowd_pace``).
    """

    def __init__(self, session_factory: Callable[[], Session], settings: Any) -> None:
        self.session_factory = session_factory
        self.seed = int(settings.crowd_seed)
        self.pace = float(settings.crowd_pace)
        self.paused = False
        self.steps = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._caches = _Caches()

    # -- control ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rapidata-nb-crowd", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish its step and exit; wait up to ``timeout`` seconds."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """New work may exist (a job or an audience changed): stop idling now."""
        self._wake.set()

    def pause(self) -> None:
        """Stop answering (the thread stays alive)."""
        self.paused = True

    def resume(self) -> None:
        """Answer again."""
        self.paused = False
        self.wake()

    def set_pace(self, pace: float) -> None:
        """Seconds between simulated responses (0 = as fast as possible)."""
        if pace < 0:
            raise ValueError("pace must be >= 0")
        self.pace = float(pace)
        self.wake()

    def status(self) -> dict[str, Any]:
        """``{running, paused, pace, seed, steps}``."""
        return {
            "running": self._thread is not None and self._thread.is_alive(),
            "paused": self.paused,
            "pace": self.pace,
            "seed": self.seed,
            "steps": self.steps,
        }

    # -- loop ------------------------------------------------------------------------------------------------

    def step(self) -> bool:
        """One unit of work in its own session and transaction."""
        with self.session_factory() as session:
            try:
                did = crowd_step(session, seed=self.seed, caches=self._caches)
                session.commit()
            except ConflictError:  # the job stopped while we answered (store.jobs.set_state)
                session.rollback()
                did = False
            except Exception:
                session.rollback()
                raise
        if did:
            self.steps += 1
        return did

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.paused:
                self._wake.wait(_IDLE_WAIT)
                self._wake.clear()
                continue
            try:
                did = self.step()
            except Exception:  # keep the crowd alive; the failed step was rolled back
                logger.exception("crowd step failed")
                did = False
                self._stop.wait(1.0)
            if did:
                if self.pace > 0:
                    self._stop.wait(self.pace)
            else:
                self._wake.wait(_IDLE_WAIT)
                self._wake.clear()
