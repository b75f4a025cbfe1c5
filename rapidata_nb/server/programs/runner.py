"""The programs' background thread: fires due signals and moves flow items past their TTL.

It holds no state of its own (everything is in the database), so several server processes may run one each:
signal ticks are claimed with a conditional update (``programs.signals``) and a flow item's expiry is
idempotent. Started and stopped with the app's lifespan (:func:`start_programs`).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from rapidata_nb.server.programs import flows, signals

__all__ = ["ProgramsRunner", "start_programs"]

logger = logging.getLogger("rapidata_nb.server.programs")


class ProgramsRunner:
    """A daemon thread that runs :meth:`step` every ``period`` seconds until :meth:`stop`."""

    def __init__(self, session_factory: sessionmaker[Session], *, period: float = 0.1) -> None:
        self.session_factory = session_factory
        self.period = period
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # whether a step is running: the simulated crowd stands aside for it as for a request (on SQLite a
        # writer waiting for the crowd's write lock would otherwise seldom find it free)
        self.working = False

    def step(self) -> None:
        """Fire due signals, then refresh active flow items (one transaction each)."""
        self.working = True
        try:
            signals.fire_due(session_factory=self.session_factory)
            with self.session_factory() as session, session.begin():
                flows.refresh_active_items(session=session)
        finally:
            self.working = False

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.step()
            except Exception:  # keep scheduling: one bad tick must not stop every signal
                logger.exception("programs scheduler step failed")

    def start(self) -> ProgramsRunner:
        """Start the thread (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="rapidata-programs", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for the current step to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def start_programs(app: Any) -> ProgramsRunner:
    """Start the runner for a FastAPI app (uses ``app.state.session_factory``; stored on ``app.state``)."""
    from rapidata_nb.server.store import programs as _tables  # noqa: F401  (registers the tables)
    from rapidata_nb.server.store.base import Base

    Base.metadata.create_all(app.state.engine)  # the programs' tables, when create_schema predates them
    runner = ProgramsRunner(app.state.session_factory).start()
    app.state.programs_runner = runner
    return runner
