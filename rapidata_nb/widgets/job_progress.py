"""JobProgress: live progress of one or several jobs, polled in a background thread."""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import traitlets as t

from rapidata_nb.widgets._base import STATIC_DIR, BaseWidget

__all__ = ["TERMINAL_STATES", "JobProgress"]

logger = logging.getLogger("rapidata_nb.widgets")

TERMINAL_STATES = frozenset({"completed", "failed", "canceled", "cancelled", "rejected"})
"""Job states (compared case-insensitively) after which a job's progress no longer changes."""


def _as_number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _as_int(value: Any) -> int | None:
    number = _as_number(value)
    return None if number is None else int(number)


def _dash(value: Any) -> str:
    return "–" if value is None else str(value)


def _state_name(state: Any) -> str:
    """``JobState.COMPLETED``, ``"Completed"`` and ``"completed"`` all read as ``"Completed"``."""
    value = getattr(state, "value", state)
    text = str(value) if value is not None else "Unknown"
    return text[:1].upper() + text[1:]


class JobProgress(BaseWidget):
    """Live progress of jobs: state, responses, datapoints done and an ETA.

    A daemon thread calls ``job.get_progress()`` every :attr:`refresh_rate` seconds for each job that
    is not finished yet, so the kernel stays free; polling stops by itself once every job reached a
    terminal state (see :data:`TERMINAL_STATES`). ``get_progress()`` is duck-typed: it returns an
    object with ``state``, ``completion_percentage`` and optionally ``total``, ``completed``,
    ``response_count`` and ``response_target``.

    Args:
        jobs: One job or several (anything with ``get_progress()``, and ideally ``id`` and ``name``).
        refresh_rate: Seconds between polls.
        start: Start polling right away; otherwise call :meth:`start` (or :meth:`poll` yourself).

    Examples:
        >>> progress = JobProgress([job_a, job_b])     # doctest: +SKIP
        >>> progress.wait(timeout=60)                   # doctest: +SKIP
        True
    """

    _esm = STATIC_DIR / "job_progress.js"
    _css = STATIC_DIR / "widgets.css"
    _widget_name: ClassVar[str] = "JobProgress"
    _init_arguments: ClassVar[tuple[str, ...]] = ("jobs", "start")

    jobs = t.List(t.Dict(), read_only=True).tag(sync=True)
    """One row per job: ``id, name, state, completion_percentage, total, completed, response_count,
    response_target, eta_seconds, error``.

    - Type: ``list[dict]``
    - Default: one row per job given, state ``"Unknown"`` until the first poll
    """

    done = t.Bool(False, read_only=True).tag(sync=True)
    """Whether every job reached a terminal state (polling has stopped).

    - Type: ``bool``
    - Default: ``False``
    """

    message = t.Unicode("").tag(sync=True)
    """A line shown under the table (empty: a default "Updating…" / "All jobs finished.").

    - Type: ``str``
    - Default: ``""``
    """

    refresh_rate = t.Float(1.0).tag(sync=True)
    """Seconds between two polls.

    - Type: ``float``, > 0
    - Default: ``1.0``
    """

    def __init__(self, jobs: Any, *, start: bool = True, **kwargs: Any) -> None:
        self._check_kwargs(kwargs)
        single = hasattr(jobs, "get_progress") or not isinstance(jobs, Iterable)
        self._jobs = [jobs] if single else list(jobs)
        for job in self._jobs:
            if not callable(getattr(job, "get_progress", None)):
                raise TypeError(f"JobProgress needs jobs with a get_progress() method, got {job!r}")
        super().__init__(**kwargs)
        self._clock: Callable[[], float] = time.monotonic
        self._first: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.set_trait("jobs", [self._initial_row(i, job) for i, job in enumerate(self._jobs)])
        if start:
            self.start()

    @t.validate("refresh_rate")
    def _validate_refresh_rate(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if not value > 0:
            raise t.TraitError(f"refresh_rate must be a positive number of seconds, got {value}")
        return value

    @staticmethod
    def _initial_row(i: int, job: Any) -> dict[str, Any]:
        job_id = str(getattr(job, "id", None) or getattr(job, "job_id", None) or f"job {i + 1}")
        return {
            "id": job_id,
            "name": str(getattr(job, "name", None) or job_id),
            "state": "Unknown",
            "completion_percentage": 0.0,
            "total": None,
            "completed": None,
            "response_count": None,
            "response_target": None,
            "eta_seconds": None,
            "error": None,
        }

    # -- polling ------------------------------------------------------------------------------------

    def poll(self) -> bool:
        """Poll every unfinished job once and update :attr:`jobs`; returns :attr:`done`."""
        with self._lock:
            rows = [dict(row) for row in self.jobs]
            for i, (job, row) in enumerate(zip(self._jobs, rows, strict=True)):
                if row["state"].lower() in TERMINAL_STATES:
                    continue
                try:
                    progress = job.get_progress()
                except Exception as exc:  # shown in the widget; the next poll retries
                    logger.warning("polling job %s failed: %s", row["id"], exc)
                    row["error"] = f"{type(exc).__name__}: {exc}"
                    continue
                rows[i] = self._row(i, row, progress)
            done = all(row["state"].lower() in TERMINAL_STATES for row in rows)
            self.set_trait("jobs", rows)
            self.set_trait("done", done)
            return done

    def _row(self, i: int, row: dict[str, Any], progress: Any) -> dict[str, Any]:
        pct = _as_number(getattr(progress, "completion_percentage", None)) or 0.0
        state = _state_name(getattr(progress, "state", None))
        now = self._clock()
        first = self._first.setdefault(i, (now, pct))
        eta: float | None = None
        if state.lower() in TERMINAL_STATES:
            pct = 100.0 if state.lower() == "completed" else pct
            eta = 0.0
        elif pct > first[1] and now > first[0]:
            rate = (pct - first[1]) / (now - first[0])
            eta = round((100.0 - pct) / rate, 1)
        target = getattr(progress, "response_target", None)
        if target is None:
            target = getattr(progress, "target_responses", None)
        return {
            **row,
            "state": state,
            "completion_percentage": round(min(100.0, max(0.0, pct)), 2),
            "total": _as_int(getattr(progress, "total", None)),
            "completed": _as_int(getattr(progress, "completed", None)),
            "response_count": _as_int(getattr(progress, "response_count", None)),
            "response_target": _as_int(target),
            "eta_seconds": eta,
            "error": None,
        }

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.poll():
                return
            self._stop.wait(self.refresh_rate)

    def start(self) -> None:
        """Start the background polling thread (no-op when it already runs or all jobs are done)."""
        if self.done or (self._thread is not None and self._thread.is_alive()):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rapidata_nb-job-progress", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (the widget keeps showing the last values)."""
        self._stop.set()

    def close(self) -> None:
        """Stop polling and close the widget."""
        stop = getattr(self, "_stop", None)  # absent when __init__ rejected its arguments
        if stop is not None:
            stop.set()
        super().close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every job is finished or ``timeout`` seconds passed; returns :attr:`done`."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.done

    # -- display ----------------------------------------------------------------------------------

    # The polled numbers depend on timing (the thread may or may not have polled when the output is
    # rendered), so repr and the static HTML name the jobs only; notebook outputs stay comparable under
    # nbval (ecosystem notes §4). `summary()` gives the numbers as text on demand.

    def _repr_fields(self) -> dict[str, Any]:
        return {"jobs": [row["name"] for row in self.jobs]}

    def _static_html(self) -> str:
        names = ", ".join(html.escape(row["name"]) for row in self.jobs)
        return f"<p style='font-family:sans-serif'><b>JobProgress</b>: live progress of {names}</p>"

    def summary(self) -> str:
        """One line per job with its latest state, progress and responses."""
        return "\n".join(
            f"{r['name']}: {r['state']} {r['completion_percentage']:.0f}% · "
            f"{_dash(r['response_count'])} responses"
            for r in self.jobs
        )
