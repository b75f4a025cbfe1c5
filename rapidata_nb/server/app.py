"""The FastAPI application: ``create_app(settings)`` wires the store, the routers and the simulated crowd.

One origin serves the API paths (wire notes §3.2), the auth paths (``/connect/...``), stored assets
(``/assets/...``), the labeler feed, local controls and HTML pages (DESIGN §4).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from rapidata_nb.server.crowd.population import seed_population
from rapidata_nb.server.crowd.runner import CrowdRunner
from rapidata_nb.server.deps import REQUEST_SLOTS, RequestSlots
from rapidata_nb.server.errors import TraceIdMiddleware, install_error_handlers
from rapidata_nb.server.programs.runner import start_programs
from rapidata_nb.server.routes import (
    assets,
    audience,
    auth,
    benchmark,
    billing,
    datasets,
    definitions,
    examples,
    flow,
    identity,
    jobs,
    labeler,
    leaderboard,
    local,
    model_verdicts,
    pages,
    participant,
    signal,
    simple_flow,
    unlisted,
    validation,
)
from rapidata_nb.server.security import CreationLimit, CredentialGuard, SecurityMiddleware
from rapidata_nb.server.settings import ServerSettings
from rapidata_nb.server.store import auth as auth_store
from rapidata_nb.server.store.assets import import_disk_files
from rapidata_nb.server.store.db import (
    create_schema,
    make_engine,
    make_session_factory,
    read_only_engine,
    startup_lock,
)
from rapidata_nb.server.web import router as web

__all__ = ["LOCAL_CREDENTIALS_FILE", "create_app", "ensure_local_client"]

logger = logging.getLogger("rapidata_nb.server")

LOCAL_CREDENTIALS_FILE = "local_credentials.json"
_ROUTERS = (
    labeler,  # first: the feed is the busiest path, and routes are matched one by one (issue 14)
    auth,
    assets,
    datasets,
    definitions,
    jobs,
    model_verdicts,
    pages,
    identity,
    web,
    unlisted,
    audience,
    examples,
    local,
    signal,
    simple_flow,
    flow,
    benchmark,
    leaderboard,
    participant,
    validation,
    billing,
)
"""Every router, in matching order: literal paths (``/job/definitions``) before parameters (``/job/{id}``)."""


def _unique_id(route: APIRoute) -> str:
    tag = str(route.tags[0]) if route.tags else "api"
    return f"{tag}-{route.name}"


def ensure_local_client(*, session: Session, settings: ServerSettings) -> dict[str, str]:
    """Register the local client (and ``settings.client_id``) and write ``local_credentials.json`` (0600).

    The local client's credentials are created once per data directory and reused on every start.
    """
    auth_store.ensure_customer(
        session=session, customer_id=auth_store.DEFAULT_CUSTOMER_ID, email="you@localhost"
    )
    path = settings.data_dir / LOCAL_CREDENTIALS_FILE
    creds: dict[str, str] | None = None
    if path.exists():
        try:
            loaded = json.loads(path.read_text())
            if loaded.get("client_id") and loaded.get("client_secret"):
                creds = {"client_id": str(loaded["client_id"]), "client_secret": str(loaded["client_secret"])}
        except (OSError, ValueError):
            creds = None
    if creds is None:
        creds = {"client_id": f"local_{secrets.token_hex(8)}", "client_secret": secrets.token_urlsafe(32)}
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(creds, fh)
        os.replace(tmp, path)
    os.chmod(path, 0o600)
    auth_store.register_client(
        session=session,
        client_id=creds["client_id"],
        client_secret=creds["client_secret"],
        customer_id=auth_store.DEFAULT_CUSTOMER_ID,
        display_name="local",
    )
    if settings.client_id and settings.client_secret:
        auth_store.register_client(
            session=session,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            customer_id=auth_store.DEFAULT_CUSTOMER_ID,
            display_name="registered at start",
        )
    return creds


def _start_crowd(app: FastAPI, settings: ServerSettings) -> CrowdRunner | None:
    """Start the simulated crowd unless ``settings.crowd`` is off."""
    slots = app.state.request_slots

    def busy() -> bool:  # people and the server's own background steps come first
        programs = getattr(app.state, "programs_runner", None)
        return slots.writing or (programs is not None and programs.working)

    app.state.crowd = (
        CrowdRunner(app.state.crowd_session_factory, settings, busy=busy) if settings.crowd else None
    )
    if app.state.crowd is not None:
        app.state.crowd.start()
    return app.state.crowd


def create_app(settings: ServerSettings) -> FastAPI:
    """Build the app for ``settings``: database, schema, seeds, credentials, routers and the crowd.

    The database and seeds are prepared here (synchronously), so the app is usable as soon as this returns;
    the crowd starts with the app's lifespan and stops with it.
    """
    settings.make_data_dir()
    engine = make_engine(settings.database_url, lock_timeout=settings.db_lock_timeout)
    # The simulated crowd's rounds on SQLite skip the flush to disk of each commit (a tenth of a round,
    # issue 14): what it loses to a power cut is simulated and given again, the same, when the server
    # restarts; people's answers and everything else commit durably, and flush the crowd's before them.
    # Made before any connection is open: making an engine opens and closes the database file, and on POSIX
    # closing any descriptor of a file drops the locks this process's SQLite connections hold on it.
    crowd_engine = (
        make_engine(settings.database_url, lock_timeout=settings.db_lock_timeout, durable=False)
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")
        else engine
    )
    create_schema(engine)
    session_factory = make_session_factory(engine)
    with startup_lock(engine), session_factory() as session:  # replicas on one PostgreSQL seed in turn
        seed_population(session=session, seed=settings.crowd_seed, size=settings.crowd_size)
        credentials = ensure_local_client(session=session, settings=settings)
        moved = import_disk_files(session=session, assets_dir=settings.assets_dir)
        session.commit()
    for path in moved:  # committed: the database holds their bytes now
        path.unlink(missing_ok=True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.request_slots = RequestSlots(REQUEST_SLOTS)  # on the loop that serves this app
        crowd = _start_crowd(app, settings)
        programs = start_programs(app)
        try:
            yield
        finally:
            programs.stop()
            if crowd is not None:
                crowd.stop()
            crowd_engine.dispose()
            engine.dispose()

    app = FastAPI(
        title="rapidata_nb server",
        version="0.1.0",
        lifespan=lifespan,
        generate_unique_id_function=_unique_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.read_session_factory = make_session_factory(read_only_engine(engine))  # deps.read_only
    app.state.crowd_session_factory = make_session_factory(crowd_engine)
    app.state.local_credentials = credentials
    app.state.crowd = None
    app.state.credential_guard = CredentialGuard(
        per_address=settings.sign_in_failures_per_address, per_account=settings.sign_in_failures_per_account
    )
    app.state.new_labelers = CreationLimit(per_hour=settings.labelers_per_address_per_hour)
    install_error_handlers(app)
    app.add_middleware(TraceIdMiddleware)
    app.add_middleware(SecurityMiddleware)  # rate and size limits, outermost (issue 9)

    for module in _ROUTERS:
        app.include_router(module.router)
    return app


def data_dir_of(app: FastAPI) -> Path:
    """The data directory an app runs on."""
    settings: ServerSettings = app.state.settings
    return settings.data_dir
