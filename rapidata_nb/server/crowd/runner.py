"""The simulated crowd: a daemon thread that answers open tasks in rounds, on the dispatch domain (DESIGN §7).

A round (:func:`crowd_round`) is one short transaction. It either advances recruiting (one batch of
distilling candidates takes a custom audience's qualification examples, ``crowd.recruiting``) or gives up
to ``budget`` responses, at most one per task, to the open tasks with the fewest responses among the running
jobs whose audience is ready for the crowd. A task is answered by the first labeler of its permutation
(``stable_hash(seed, content_key, labeler_id)``) who was not served it yet, with the behaviour model's answer,
so which labelers answer a task, and what, does not depend on how the work is cut into rounds; leases that
people hold count against a task's target as they do for every labeler. The crowd itself takes no lease: it
answers in the transaction that picks the labeler, so its response is the record of who was served
(``uq_response`` guards it as ``uq_task_lease`` does a person's), and nothing else reads a lease that was
answered at once (issue 14).

A round takes a constant number of statements whatever the job's size: the running jobs, the tasks (one
query per job, locked, skipping rows that another replica or a person's fetch holds, read as plain rows),
who was served them (people's leases and responses, one statement), what the tasks not seen before show,
whether anybody told the crowd a truth (one probe; the lookups by content only when somebody did) and, where
a referee may stop early, the votes so far; the referee then runs in memory and two statements write the
responses and the tasks' counters, closing the tasks that got their responses in the same ``UPDATE``.

Between rounds the thread waits ``pace`` seconds per response given (0 = none); with nothing to do it waits
on an ``Event`` (``wake()`` or a short timeout), never spinning. ``stop()`` ends the thread cleanly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import (
    JSON,
    Table,
    Text,
    and_,
    bindparam,
    column,
    false,
    insert,
    select,
    table,
    true,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause

from rapidata_nb.server import dispatch
from rapidata_nb.server.crowd.behaviour import answer
from rapidata_nb.server.crowd.recruiting import recruit_step
from rapidata_nb.server.crowd.truth import Subject, known_truths, latent_truth, subject_of, with_known
from rapidata_nb.server.dispatch.context import JobContext, load_material, task_view
from rapidata_nb.server.dispatch.lifecycle import maybe_complete, votes_decide
from rapidata_nb.server.errors import ConflictError
from rapidata_nb.server.labeling.content import stable_order
from rapidata_nb.server.labeling.views import TaskView, order_shown
from rapidata_nb.server.store.base import UtcDateTime
from rapidata_nb.server.store.db import is_postgres, skip_locked
from rapidata_nb.server.store.labeling import (
    Audience,
    JobTask,
    Labeler,
    Response,
    TaskLease,
    new_ids,
    utcnow,
)
from rapidata_nb.server.store.models import Job

__all__ = ["MAX_ROUND", "CrowdRunner", "crowd_round", "run_rounds"]

logger = logging.getLogger("rapidata_nb.server.crowd")

MAX_ROUND = 500
"""Responses per round (transaction): a few tens of milliseconds of writes on SQLite."""
_ROUND_SECONDS = 0.25
"""With a pace, a round gives about this many seconds' worth of responses."""
_LOOKAHEAD = 50
"""Tasks read beyond the budget: the first ones may be full of leases people hold."""
_BUSY_ROUND = 50
"""Responses per round while requests are in flight: a person's request waits for at most one of them."""
_GIVE_WAY_SECONDS = 0.5
"""How long the crowd waits for requests in flight before its next round."""
_GIVE_WAY_POLL = 0.002
_IDLE_WAIT = 0.25
_POOL_TTL = 1.0
_ORDERS_KEPT = 50_000
_SHOWN_KEPT = 50_000
_ANSWERED_KEPT = 50_000


@dataclass(slots=True)
class _Task:
    """An open task as a round reads it: a plain row, not an ORM object (loading ~550 of those was a fifth
    of a round, issue 14). It has the attributes ``load_material`` and ``task_view`` read of a ``JobTask``."""

    id: str
    job_id: str
    datapoint_id: str | None
    group: str | None
    item_a: str | None
    item_b: str | None
    kind: str
    content_key: str
    sort_index: int
    target_responses: int
    response_count: int


_TASK_COLUMNS = tuple(JobTask.__table__.c[f.name] for f in fields(_Task))


@dataclass(frozen=True)
class _Shown:
    """What a task shows the crowd, its latent truth, and what known truths are looked up by: all fixed once
    the task exists."""

    view: TaskView
    latent: dict[str, Any]
    subject: Subject


class _Caches:
    """Per-runner caches: audience pools (short TTL), the head of each task's labeler permutation, what each
    task shows, and the simulated labelers' traits (fixed when the population is seeded)."""

    def __init__(self) -> None:
        self.pools: dict[str, tuple[float, dict[str, float]]] = {}
        self.orders: OrderedDict[tuple[str, str, int], list[str]] = OrderedDict()
        self.shown: OrderedDict[str, _Shown] = OrderedDict()
        self.traits: dict[str, Any] = {}
        self.answered: OrderedDict[str, tuple[int, frozenset[str]]] = OrderedDict()

    def answered_of(self, task: _Task) -> frozenset[str] | None:
        """Who responded to ``task``, if known at its current response count (none at a count of 0)."""
        if not task.response_count:
            return frozenset()
        hit = self.answered.get(task.id)
        return hit[1] if hit is not None and hit[0] == task.response_count else None

    def remember_answered(self, task: _Task, labeler_ids: Iterable[str]) -> None:
        """``labeler_ids`` responded to ``task`` at its current response count."""
        self.answered[task.id] = (task.response_count, frozenset(labeler_ids))
        self.answered.move_to_end(task.id)
        while len(self.answered) > _ANSWERED_KEPT:
            self.answered.popitem(last=False)

    def pool(self, session: Session, audience: Audience) -> dict[str, float]:
        hit = self.pools.get(audience.id)
        if hit is not None and time.monotonic() - hit[0] < _POOL_TTL:
            return hit[1]
        pool = dispatch.audience_pool(session, audience, kind="sim")
        self.pools[audience.id] = (time.monotonic(), pool)
        return pool

    def next_labeler(
        self,
        *,
        seed: int,
        audience_id: str,
        key: str,
        pool: Mapping[str, float],
        served: set[str],
        depth: int,
    ) -> str | None:
        """The first labeler of the permutation of ``key`` over ``pool`` who was not served the task.

        Only the first ``depth`` of the permutation are kept; the whole of it is computed when they were all
        served (a task answered by more labelers than it targets: its pool is nearly exhausted).
        """
        cache_key = (audience_id, key, len(pool))
        head = self.orders.get(cache_key)
        if head is None:
            head = stable_order(pool, seed, key, depth=depth)
            self.orders[cache_key] = head
            if len(self.orders) > _ORDERS_KEPT:
                self.orders.popitem(last=False)
        found = next((lab for lab in head if lab not in served), None)
        if found is None and len(head) < len(pool):
            self.orders[cache_key] = head = stable_order(pool, seed, key)
            found = next((lab for lab in head if lab not in served), None)
        return found

    def shown_of(
        self, session: Session, tasks: Sequence[_Task], contexts: Mapping[str, JobContext], seed: int
    ) -> list[_Shown]:
        """What each task shows, reading only the tasks not seen before (three queries for all of them)."""
        missing = cast("list[JobTask]", [t for t in tasks if t.id not in self.shown])  # duck-typed rows
        if missing:
            dataset_ids = {job_id: ctx.spec.dataset_id for job_id, ctx in contexts.items()}
            material = load_material(session, missing, dataset_ids=dataset_ids)
            for task in missing:
                ctx = contexts[task.job_id]
                view = task_view(material, ctx.spec, task)
                latent = latent_truth(
                    seed=seed,
                    kind=task.kind,
                    key=task.content_key,
                    identities=view.identities,
                    options=view.options,
                    words=view.words,
                    no_mistake=view.no_mistake,
                )
                subject = subject_of(material, ctx.spec, task, owner_id=ctx.job.owner_id, view=view)
                self.shown[task.id] = _Shown(view=view, latent=latent, subject=subject)
            while len(self.shown) > max(_SHOWN_KEPT, len(tasks)):
                self.shown.popitem(last=False)
        return [self.shown[t.id] for t in tasks]

    def traits_of(self, session: Session, labeler_ids: set[str]) -> Mapping[str, Any]:
        """``id, skill, position_bias, taste`` of simulated labelers, by id."""
        missing = labeler_ids - self.traits.keys()
        if missing:
            traits = select(Labeler.id, Labeler.skill, Labeler.position_bias, Labeler.taste)
            self.traits.update(
                {row.id: row for row in session.execute(traits.where(Labeler.id.in_(missing)))}
            )
        return self.traits


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


@dataclass
class _Pick:
    """One response the round gives: a task, the labeler who answers it and their score in the audience."""

    task: _Task
    labeler_id: str
    score: float


def _servable_jobs(session: Session) -> dict[str, Audience]:
    """Running jobs whose audience the crowd may answer now, with that audience."""
    ready = {}
    for job in session.scalars(select(Job).where(Job.state == "Running", Job.deleted.is_(False))):
        audience = _crowd_audience(session, job.audience_id)
        if audience is not None:
            ready[job.id] = audience
    return ready


def _open_tasks(session: Session, job_ids: Sequence[str], limit: int) -> list[_Task]:
    """The jobs' open tasks, fewest responses first, locked (rows others hold are skipped).

    One query per job, each walking the ``ix_job_task_serve`` index and stopping after ``limit`` rows
    (a single query over several jobs would sort every open task of them).
    """
    tasks = [
        _Task(*row)
        for job_id in job_ids
        for row in session.connection().execute(
            skip_locked(
                select(*_TASK_COLUMNS)
                .where(JobTask.job_id == job_id, JobTask.done.is_(False))
                .order_by(JobTask.response_count, JobTask.sort_index, JobTask.id)
                .limit(limit)
            )
        )
    ]
    tasks.sort(key=lambda t: (t.response_count, t.sort_index, t.job_id, t.id))
    return tasks[:limit]


def _served_of(
    session: Session, tasks: Sequence[_Task], now: datetime, caches: _Caches
) -> tuple[dict[str, set[str]], Counter[str]]:
    """Who was served each task (a lease or a response), and how many of its leases are still out.

    The crowd answers without a lease (its response is the record, ``uq_response`` the guard), so the leases
    read here are people's. Who responded is remembered per task with its response count and read again
    only where the count moved since (a person or another replica answered, or a round rolled back): in a
    round of the crowd alone, only the leases are read. One statement either way.
    """
    served: dict[str, set[str]] = defaultdict(set)
    out: Counter[str] = Counter()
    if not tasks:
        return served, out
    stale = [t.id for t in tasks if t.response_count and caches.answered_of(t) is None]
    active = and_(TaskLease.answered.is_(False), TaskLease.expires_at > now)  # in SQL: no time parsed per row
    query: Any = select(
        TaskLease.task_id, TaskLease.labeler_id, active.label("out"), false().label("response")
    ).where(TaskLease.task_id.in_([t.id for t in tasks]))
    if stale:
        answered = select(Response.task_id, Response.labeler_id, false(), true())
        query = union_all(query, answered.where(Response.task_id.in_(stale)))
    read: dict[str, set[str]] = {task_id: set() for task_id in stale}
    for task_id, labeler_id, is_out, is_response in session.connection().execute(query):  # Core rows
        served[task_id].add(labeler_id)
        if is_out:
            out[task_id] += 1
        if is_response:
            read[task_id].add(labeler_id)
    for task in tasks:
        if task.id in read:
            caches.remember_answered(task, read[task.id])
        served[task.id] |= caches.answered_of(task) or set()
    return served, out


def _votes_so_far(session: Session, tasks: Sequence[_Task]) -> dict[str, list[tuple[Any, float]]]:
    """``(answer, user score)`` of each task's responses, in order."""
    votes: dict[str, list[tuple[Any, float]]] = defaultdict(list)
    if tasks:
        rows = session.connection().execute(
            select(Response.task_id, Response.answer, Response.user_score)
            .where(Response.task_id.in_([t.id for t in tasks]))
            .order_by(Response.task_id, Response.seq)
        )
        for task_id, given, score in rows:
            votes[task_id].append((given, float(score)))
    return votes


def _pick(
    session: Session,
    tasks: Sequence[_Task],
    audiences: Mapping[str, Audience],
    *,
    seed: int,
    budget: int,
    caches: _Caches,
    now: datetime,
) -> tuple[list[_Pick], list[_Task]]:
    """Who answers which task this round, and the tasks whose pool has nobody left to ask."""
    served, out = _served_of(session, tasks, now, caches)
    picks: list[_Pick] = []
    exhausted: list[_Task] = []
    for task in tasks:
        if len(picks) + len(exhausted) >= budget:
            break
        if task.response_count + out[task.id] >= task.target_responses:
            continue
        audience = audiences[task.job_id]
        pool = caches.pool(session, audience)
        labeler_id = caches.next_labeler(
            seed=seed,
            audience_id=audience.id,
            key=task.content_key,
            pool=pool,
            served=served[task.id],
            depth=2 * task.target_responses + 8,
        )
        if labeler_id is not None:
            picks.append(_Pick(task=task, labeler_id=labeler_id, score=pool[labeler_id]))
        elif pool and not out[task.id]:  # everyone in the pool has answered: close with what it has
            exhausted.append(task)
    return picks, exhausted


def _answers(
    session: Session, picks: Sequence[_Pick], contexts: Mapping[str, JobContext], caches: _Caches, seed: int
) -> list[tuple[dict[str, Any], list[int]]]:
    """Each pick's canonical answer and the order its labeler was shown the task in."""
    shown = caches.shown_of(session, [p.task for p in picks], contexts, seed)
    traits = caches.traits_of(session, {p.labeler_id for p in picks})
    known = known_truths(session=session, subjects=[seen.subject for seen in shown])
    given = []
    for pick, seen, told in zip(picks, shown, known, strict=True):
        task, spec, view = pick.task, contexts[pick.task.job_id].spec, seen.view
        truth = with_known(seen.latent, told, task.kind)
        order = order_shown(view, seed=seed, labeler_id=pick.labeler_id)
        raw = answer(seed=seed, labeler=traits[pick.labeler_id], view=view, truth=truth, shown=order)
        canonical = dispatch.validate_answer(
            task.kind,
            raw,
            options=view.options,
            n_words=len(view.words),
            no_mistake=view.no_mistake,
            flags=spec.flags,
        )
        given.append((canonical, order))
    return given


def _as_text(source: Table) -> TableClause:
    """The table ``source`` with its JSON and timestamp columns bound as text."""
    return table(
        source.name,
        *(column(c.name, Text() if isinstance(c.type, (JSON, UtcDateTime)) else c.type) for c in source.c),
    )


_RESPONSES = cast(Table, Response.__table__)
_TEXT_RESPONSES = _as_text(_RESPONSES)


class _Encoded:
    """The round's response rows with their JSON and timestamp columns encoded by the round itself.

    On SQLite, binding a row through the columns' types (stdlib ``json.dumps``, ``UtcDateTime`` and then
    SQLite's ``DATETIME`` formatting, per value) cost as much as the inserts themselves (issue 14). There the
    round binds text instead: JSON by orjson (the same values, read back alike) and times in the very form
    ``DATETIME`` stores (``YYYY-MM-DD HH:MM:SS.ffffff``, naive UTC), so rows sort and parse as every other
    writer's do. Other stores keep the typed path.
    """

    def __init__(self, connection: Connection) -> None:
        self.text = connection.dialect.name == "sqlite"
        self.responses: TableClause = _TEXT_RESPONSES if self.text else _RESPONSES

    def json(self, value: Any) -> Any:
        return orjson.dumps(value).decode() if self.text else value

    def moment(self, value: datetime) -> Any:
        if not self.text:
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _decided(
    session: Session,
    picks: Sequence[_Pick],
    given: Sequence[tuple[dict[str, Any], list[int]]],
    contexts: Mapping[str, JobContext],
    caches: _Caches,
) -> set[str]:
    """The answered tasks that close with this round's response: all of their target, or the referee's say
    on the votes so far and this one (read before this round's responses are written)."""
    early = [p.task for p in picks if contexts[p.task.job_id].spec.stops_early]
    votes = _votes_so_far(session, early)
    closing = set()
    for pick, (canonical, _) in zip(picks, given, strict=True):
        task, spec = pick.task, contexts[pick.task.job_id].spec
        if task.response_count + 1 >= task.target_responses:
            closing.add(task.id)
        elif spec.stops_early:
            so_far = [*votes.get(task.id, []), (canonical, pick.score)]
            if votes_decide(spec, task.kind, so_far, caches.shown[task.id].view.options):
                closing.add(task.id)
    return closing


def _write(
    session: Session,
    picks: Sequence[_Pick],
    given: Sequence[tuple[dict[str, Any], list[int]]],
    closing: set[str],
    now: datetime,
) -> None:
    """The round's responses and the tasks' new counts, with the tasks that close marked done: two
    statements."""
    connection = session.connection()  # plain statements: the ORM's bulk paths cost more than the rows
    enc = _Encoded(connection)
    responses, counts = [], []
    response_ids = new_ids("rsp", len(picks))
    for i, (pick, (canonical, order)) in enumerate(zip(picks, given, strict=True)):
        task = pick.task
        task.response_count += 1  # an absolute count: this transaction holds the task row
        done = task.id in closing
        counts.append(
            {"task": task.id, "count": task.response_count, "done": done, "closed": now if done else None}
        )
        responses.append(
            {
                "id": response_ids[i],
                "job_id": task.job_id,
                "task_id": task.id,
                "datapoint_id": task.datapoint_id,
                "labeler_id": pick.labeler_id,
                "session_id": None,
                "answer": enc.json(canonical),
                "shown_order": enc.json(order),
                "user_score": pick.score,
                "seq": task.response_count,
                # a microsecond apart, in the order given: results read votes in creation order
                "created_at": enc.moment(now + timedelta(microseconds=i)),
            }
        )
    tasks = JobTask.__table__
    connection.execute(  # the counters first: the task rows' lock order, as a person's answer takes it
        update(tasks)
        .where(tasks.c.id == bindparam("task"))
        .values(response_count=bindparam("count"), done=bindparam("done"), closed_at=bindparam("closed")),
        counts,
    )
    connection.execute(insert(enc.responses), responses)


def _close_exhausted(session: Session, tasks: Sequence[_Task], now: datetime) -> None:
    """Close the tasks whose audience has nobody left to ask, with the responses they have."""
    for task in tasks:
        logger.info("task %s: audience pool exhausted after %d responses", task.id, task.response_count)
    if tasks:
        job_tasks = JobTask.__table__
        session.connection().execute(
            update(job_tasks)
            .where(job_tasks.c.id.in_([t.id for t in tasks]))
            .values(done=True, closed_at=now)
        )


def _answer_round(session: Session, *, seed: int, budget: int, caches: _Caches) -> int:
    audiences = _servable_jobs(session)
    if not audiences:
        return 0
    tasks = _open_tasks(session, sorted(audiences), budget + _LOOKAHEAD)
    # the stop fence (store.jobs) waits for these task locks, so a job still running now collects them
    jobs = {
        job.id: job
        for job in session.scalars(
            select(Job).where(
                Job.id.in_({t.job_id for t in tasks}), Job.state == "Running", Job.deleted.is_(False)
            )
        )
    }
    tasks = [t for t in tasks if t.job_id in jobs]
    now = utcnow()
    picks, exhausted = _pick(session, tasks, audiences, seed=seed, budget=budget, caches=caches, now=now)
    contexts = {job_id: dispatch.load_context(session, job) for job_id, job in jobs.items()}
    closing: set[str] = set()
    if picks:
        given = _answers(session, picks, contexts, caches, seed)
        closing = _decided(session, picks, given, contexts, caches)
        _write(session, picks, given, closing, now)
        for pick in picks:  # checked against the count next round: a rolled-back round is read again
            if pick.task.id in closing:
                caches.answered.pop(pick.task.id, None)
            else:
                known = caches.answered.get(pick.task.id)
                before = known[1] if known is not None and known[0] == pick.task.response_count - 1 else None
                if before is not None or pick.task.response_count == 1:
                    caches.remember_answered(pick.task, (before or frozenset()) | {pick.labeler_id})
    _close_exhausted(session, exhausted, now)
    closed_jobs = {p.task.job_id for p in picks if p.task.id in closing} | {t.job_id for t in exhausted}
    for job_id in sorted(closed_jobs):  # one lock order for job rows
        maybe_complete(session, contexts[job_id], seed=seed)
    return len(picks) + len(exhausted)


def crowd_round(
    session: Session, *, seed: int, budget: int = MAX_ROUND, caches: _Caches | None = None
) -> int:
    """One round of crowd work in ``session`` (the caller commits).

    Returns:
        The units of work done: responses given plus tasks closed for want of labelers, or 1 for a batch of
        recruiting; 0 when there was nothing to do.
    """
    caches = caches or _Caches()
    if recruit_step(session=session, seed=seed):
        return 1
    return _answer_round(session, seed=seed, budget=budget, caches=caches)


def run_rounds(
    session_factory: Callable[[], Session], *, seed: int, units: int, caches: _Caches | None = None
) -> int:
    """Up to ``units`` units of crowd work, a round per transaction; the units done."""
    caches = caches or _Caches()
    done = 0
    while done < units:
        with session_factory() as session:
            try:
                did = crowd_round(session, seed=seed, budget=min(MAX_ROUND, units - done), caches=caches)
                session.commit()
            except Exception:
                caches.answered.clear()  # it remembered the failed round's responses
                raise
        if not did:
            break
        done += did
    return done


class CrowdRunner:
    """The crowd's daemon thread.

    People come first: while requests are in flight (``busy()``), rounds are small and the thread waits
    between them (SQLite has one writer, and a waiting writer polls the lock only every few milliseconds).
    On SQLite, with nobody waiting, it starts its next round at once: the tenth of a round it used to sleep
    after each one cost a tenth of the crowd's throughput there (issue 14); a request that arrives mid-round
    waits for that round, then the crowd waits for it. The round after such a wait is small too: a person's
    next request tends to follow at once (a fetch, then its answer), and would otherwise wait for a full round
    (bench/RESULTS.md, "Read-only requests beside the crowd"). On PostgreSQL it still rests that tenth.

    Args:
        session_factory: Callable returning a new ``Session``.
        settings: ``ServerSettings`` (``crowd_seed``, ``crowd_pace``).
        busy: Whether requests that may write are being served right now (``deps.RequestSlots.writing``).
    """

    def __init__(
        self, session_factory: Callable[[], Session], settings: Any, busy: Callable[[], bool] = lambda: False
    ) -> None:
        self.session_factory = session_factory
        self._busy = busy
        self.seed = int(settings.crowd_seed)
        self.pace = float(settings.crowd_pace)
        self.paused = False
        self.steps = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._caches = _Caches()
        self._gave_way = False  # the last rest waited for a request: the next round is small
        # on PostgreSQL the rest after each round stays as it was: going without it was not measured to be
        # faster there (bench/RESULTS.md, "Crowd throughput with a person labeling")
        with session_factory() as session:  # opens no connection: the bind tells the store
            self._rest = 0.1 if is_postgres(session) else 0.0

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

    def step(self) -> int:
        """One round in its own session and transaction; the units of work done."""
        largest = _BUSY_ROUND if self._busy() or self._gave_way else MAX_ROUND
        budget = largest if self.pace <= 0 else max(1, min(largest, int(_ROUND_SECONDS / self.pace)))
        with self.session_factory() as session:
            try:
                did = crowd_round(session, seed=self.seed, budget=budget, caches=self._caches)
                session.commit()
            except ConflictError:  # a job stopped while the round ran (store.jobs.set_state)
                session.rollback()
                self._caches.answered.clear()  # it remembered this round's responses
                did = 0
            except Exception:
                session.rollback()
                self._caches.answered.clear()
                raise
        self.steps += did
        return did

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.paused:
                self._wake.wait(_IDLE_WAIT)
                self._wake.clear()
                continue
            started = time.monotonic()
            try:
                did = self.step()
            except Exception:  # keep the crowd alive; the failed step was rolled back
                logger.exception("crowd step failed")
                did = 0
                self._stop.wait(1.0)
            if did:
                self._give_way(time.monotonic() - started)
                if self.pace > 0:
                    self._stop.wait(self.pace * did)
            else:
                self._wake.wait(_IDLE_WAIT)
                self._wake.clear()

    def _give_way(self, took: float) -> None:
        if self._rest:
            self._stop.wait(took * self._rest)
        else:
            time.sleep(0)  # let a thread that waits for the interpreter (a request being read) run first
        deadline = time.monotonic() + _GIVE_WAY_SECONDS
        self._gave_way = False
        while self._busy() and time.monotonic() < deadline and not self._stop.is_set():
            self._gave_way = True
            self._stop.wait(_GIVE_WAY_POLL)
