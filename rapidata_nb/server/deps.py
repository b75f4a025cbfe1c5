"""Request dependencies: settings, one DB transaction per request and the authenticated caller.

Row loaders (``JobDep``, ...) build on these in :mod:`rapidata_nb.server.loaders`.

``SessionDep`` opens one session per request and commits it when the handler returns, *before* the response
is sent (``scope="function"``), so an acknowledged request is durable and a failed one changes nothing.

The labeler feed's hot routes (issue 14) use :func:`in_transaction` instead: the same slot, session and
commit-before-response, but the row loading, the handler's work and the commit run in one worker-thread hop.

A request holds one of the app's :data:`REQUEST_SLOTS` slots (``app.state.request_slots``) from before its
first query until its commit. FastAPI runs each sync dependency and the handler in separate hops through its
pool of 40 threads, and a request keeps its connection between hops (with its row locks on PostgreSQL, the
write lock on SQLite). Without a bound, a busy server deadlocks: every pool thread waits for a connection or
a lock, while the requests holding them wait for a thread to continue (the load-test stall of issue 9). With
fewer slots than threads and than pooled connections, a request that holds a slot always gets a thread and a
connection. Requests beyond the slots wait on the event loop, which costs no thread.

A handler marked :func:`read_only` (the notebook's progress poll, result downloads) gets a session whose
transaction only reads (``store.db.read_only_engine``): on SQLite it runs beside the crowd's round instead of
queueing for the write lock, and a write in it raises. Its slot does not count as
:attr:`RequestSlots.writing`, so the simulated crowd does not stand aside for it (issue 14).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session

from rapidata_nb.server.errors import UnauthorizedError
from rapidata_nb.server.security import CreationLimit, CredentialGuard
from rapidata_nb.server.settings import ServerSettings
from rapidata_nb.server.store import auth as auth_store

__all__ = [
    "CredentialGuardDep",
    "CurrentUser",
    "NewLabelerLimitDep",
    "OptionalUser",
    "REQUEST_SLOTS",
    "Principal",
    "RequestSlots",
    "SessionDep",
    "SettingsDep",
    "WakeCrowd",
    "base_url",
    "client_address",
    "get_principal",
    "get_session",
    "in_transaction",
    "read_only",
]

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])
_READ_ONLY = "_rapidata_read_only"  # attribute read_only() sets on a handler


def get_settings(request: Request) -> ServerSettings:
    """The settings the app was created with."""
    settings: ServerSettings = request.app.state.settings
    return settings


REQUEST_SLOTS = 8
"""Requests with an open session, per app: below FastAPI's 40 threads and the store's 60 connections. A
process runs Python on one core at a time, so more transactions at once only take turns for it, and each
holds its row locks longer while it waits for its turn: with 32, the load test served 95–126 responses/s,
with 8 140–143 (bench/RESULTS.md, issue 14 on 2026-12-08). Eight still overlap one request's database round
trips with the others' Python."""


class RequestSlots:
    """The app's :data:`REQUEST_SLOTS` slots, and how many of their holders may write.

    Taken on the event loop; :attr:`writing` is read from the crowd's thread, as a snapshot.
    """

    def __init__(self, total: int = REQUEST_SLOTS) -> None:
        self._limiter = anyio.CapacityLimiter(total)
        self._writers = 0

    @asynccontextmanager
    async def hold(self, *, read_only: bool = False) -> AsyncIterator[None]:
        """Hold a slot (waiting on the event loop for one) for a request that writes unless ``read_only``."""
        writers = 0 if read_only else 1
        async with self._limiter:
            self._writers += writers
            try:
                yield
            finally:
                self._writers -= writers

    @property
    def writing(self) -> bool:
        """Whether a request that may write holds a slot (the crowd stands aside for those)."""
        return self._writers > 0


def read_only(handler: _F) -> _F:
    """Mark a route's handler whose request never writes: its session's transaction only reads.

    Only for handlers whose whole request (row loaders, the caller's token, the handler) reads; a write in it
    raises (``store.db.read_only_engine``) instead of being committed.
    """
    setattr(handler, _READ_ONLY, True)
    return handler


def _is_read_only(request: Request) -> bool:
    return bool(getattr(request.scope.get("endpoint"), _READ_ONLY, False))


def _end(session: Session, *, commit: bool) -> None:
    try:
        session.commit() if commit else session.rollback()
    finally:
        session.close()


async def _end_in_thread(session: Session, *, commit: bool) -> None:
    """End the transaction on a worker thread, to the end even if the client disconnects meanwhile."""
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(partial(_end, session, commit=commit))


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session and transaction per request: committed on success, rolled back on any error."""
    reads = _is_read_only(request)
    state = request.app.state
    async with state.request_slots.hold(read_only=reads):
        factory = state.read_session_factory if reads else state.session_factory
        session: Session = factory()  # no connection until the first query
        try:
            yield session
        except BaseException:
            await _end_in_thread(session, commit=False)
            raise
        await _end_in_thread(session, commit=True)


def _run_committed(session_factory: Callable[[], Session], work: Callable[[Session], _T]) -> _T:
    session = session_factory()
    try:
        result = work(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    return result


async def in_transaction(request: Request, work: Callable[[Session], _T]) -> _T:
    """``work(session)`` in one transaction, committed before it returns (rolled back on any error).

    What ``SessionDep`` gives a sync handler, in one worker-thread hop instead of one per dependency, the
    handler and the commit (issue 14: each hop is an event-loop turn and a thread wake-up; a fetch's five,
    with the reply's revalidation, cost about 1 ms of CPU in ``bench/bench_labeler_path.py``). It holds a
    request slot like :func:`get_session`, and the hop is not abandoned when the client disconnects, so the
    slot is held, and the transaction ended, until the work is done.
    """
    async with request.app.state.request_slots.hold():
        return await anyio.to_thread.run_sync(
            partial(_run_committed, request.app.state.session_factory, work)
        )


SettingsDep = Annotated[ServerSettings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: its customer (owner of resources) and client id."""

    customer_id: str
    client_id: str


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def get_principal(request: Request, session: SessionDep) -> Principal:
    """Resolve the bearer token or answer 401."""
    token = _bearer(request)
    if token is None:
        raise UnauthorizedError(
            "Missing bearer token: send 'Authorization: Bearer <token>' from /connect/token"
        )
    row = auth_store.resolve_token(session=session, token=token)
    if row is None:
        raise UnauthorizedError("Invalid or expired bearer token: request a new one at /connect/token")
    return Principal(customer_id=row.customer_id, client_id=row.client_id)


def get_optional_principal(request: Request, session: SessionDep) -> Principal | None:
    """The caller when it sent a valid bearer token, else ``None`` (routes open to browsers too)."""
    token = _bearer(request)
    row = auth_store.resolve_token(session=session, token=token) if token else None
    return Principal(customer_id=row.customer_id, client_id=row.client_id) if row else None


CurrentUser = Annotated[Principal, Depends(get_principal)]
OptionalUser = Annotated[Principal | None, Depends(get_optional_principal)]


def get_credential_guard(request: Request) -> CredentialGuard:
    """The app's failure budgets of credential checks (``security.CredentialGuard``)."""
    guard: CredentialGuard = request.app.state.credential_guard
    return guard


CredentialGuardDep = Annotated[CredentialGuard, Depends(get_credential_guard)]


def get_new_labeler_limit(request: Request) -> CreationLimit:
    """The app's budget of new labelers per client address (``security.CreationLimit``)."""
    limit: CreationLimit = request.app.state.new_labelers
    return limit


NewLabelerLimitDep = Annotated[CreationLimit, Depends(get_new_labeler_limit)]


def client_address(request: Request) -> str:
    """The caller's network address (the reverse proxy's, behind one)."""
    return request.client.host if request.client else "unknown"


def base_url(request: Request) -> str:
    """The public origin for links: ``settings.public_url`` or the request's own origin."""
    settings: ServerSettings = request.app.state.settings
    if settings.public_url:
        return settings.public_url
    return str(request.base_url).rstrip("/")


def get_crowd_wake(request: Request, background: BackgroundTasks) -> Callable[[], None]:
    """``wake()``: have the simulated crowd look for work once the response, and so the commit, is done."""
    crowd = getattr(request.app.state, "crowd", None)

    def wake() -> None:
        if crowd is not None:
            background.add_task(crowd.wake)

    return wake


WakeCrowd = Annotated[Callable[[], None], Depends(get_crowd_wake)]
