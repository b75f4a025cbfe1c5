"""Signals: a job definition run for an audience on a repeating schedule (``client.signals``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rapidata_nb.client._context import ClientContext
from rapidata_nb.client.job import RapidataJob, _parse_time

if TYPE_CHECKING:
    from rapidata_nb.client.audience import RapidataAudienceBase
    from rapidata_nb.client.definition import RapidataJobDefinition

__all__ = ["RapidataSignal", "RapidataSignalManager"]


def _seconds(interval_hours: float) -> int | float:
    """Hours → wire seconds: whole seconds as ``int`` (what the cloud accepts), fractions kept locally."""
    seconds = float(interval_hours) * 3600
    return int(round(seconds)) if abs(seconds - round(seconds)) < 1e-9 else seconds


def _check_interval(interval_hours: float) -> None:
    if (
        isinstance(interval_hours, bool)
        or not isinstance(interval_hours, (int, float))
        or not interval_hours > 0
    ):
        raise ValueError(f"interval_hours must be a positive number of hours, got {interval_hours!r}")


class RapidataSignal:
    """A live handle to a signal: identity fields are fixed, schedule state is re-read on every access.

    Attributes:
        id: The signal id.
        audience_id: The audience each job targets.
        job_definition_id: The job definition each job is created from.
        revision_number: The pinned revision, or ``None`` for the latest at fire time.
        is_public: Whether others may read the signal.
        created_at: When the signal was created.
    """

    def __init__(self, data: dict[str, Any], ctx: ClientContext) -> None:
        self._ctx = ctx
        self.id: str = str(data["id"])
        self.audience_id: str = str(data.get("audienceId", ""))
        self.job_definition_id: str = str(data.get("jobDefinitionId", ""))
        self.revision_number: int | None = data.get("revisionNumber")
        self.is_public: bool = bool(data.get("isPublic", False))
        self.created_at: datetime | None = _parse_time(data.get("createdAt"))
        self._name = str(data.get("name", ""))
        self._triggered_at: datetime | None = None

    def _latest(self) -> dict[str, Any]:
        return dict(self._ctx.transport.request("GET", f"/signal/{self.id}") or {})

    @property
    def name(self) -> str:
        """The display name."""
        return str(self._latest()["name"])

    @property
    def description(self) -> str | None:
        """The description, if any."""
        value = self._latest().get("description")
        return None if value is None else str(value)

    @property
    def interval_hours(self) -> float:
        """How often the signal fires, in hours."""
        return float(self._latest()["intervalSeconds"]) / 3600

    @property
    def next_run_at(self) -> datetime | None:
        """When the next scheduled firing is due."""
        return _parse_time(self._latest().get("nextRunAt"))

    @property
    def last_run_at(self) -> datetime | None:
        """When the signal last fired (``None`` if never)."""
        return _parse_time(self._latest().get("lastRunAt"))

    @property
    def is_paused(self) -> bool:
        """Whether scheduled firings are paused."""
        return bool(self._latest()["isPaused"])

    def pause(self) -> RapidataSignal:
        """Pause scheduled firings."""
        self._ctx.transport.request("POST", f"/signal/{self.id}/pause")
        return self

    def resume(self) -> RapidataSignal:
        """Resume scheduled firings."""
        self._ctx.transport.request("POST", f"/signal/{self.id}/resume")
        return self

    def delete(self) -> None:
        """Delete the signal; the jobs it created stay."""
        self._ctx.transport.request("DELETE", f"/signal/{self.id}")

    def trigger(self) -> None:
        """Fire once now; returns at once (see :meth:`wait_for_next_job`)."""
        self._triggered_at = datetime.now(UTC)
        self._ctx.transport.request("POST", f"/signal/{self.id}/trigger")

    def update(
        self, *, name: str | None = None, description: str | None = None, interval_hours: float | None = None
    ) -> RapidataSignal:
        """Change the name, description or interval (omitted values stay)."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if interval_hours is not None:
            _check_interval(interval_hours)
            body["intervalSeconds"] = _seconds(interval_hours)
        if body:
            self._ctx.transport.request("PATCH", f"/signal/{self.id}", json=body)
            self._name = name or self._name
        return self

    def _runs(self, page: int, page_size: int, sort_descending: bool) -> list[dict[str, Any]]:
        body = self._ctx.transport.request(
            "GET",
            f"/signal/{self.id}/run",
            params={
                "page": page,
                "page_size": page_size,
                "sort": "-started_at" if sort_descending else "started_at",
            },
        )
        return list((body or {}).get("items") or [])

    def get_jobs(self, page: int = 1, page_size: int = 20, sort_descending: bool = True) -> list[RapidataJob]:
        """The jobs the signal created, newest first by default (skipped firings are not listed)."""
        return [
            RapidataJob._fetch(str(r["audienceJobId"]), self._ctx)
            for r in self._runs(page, page_size, sort_descending)
            if r.get("audienceJobId")
        ]

    def wait_for_next_job(self, timeout: float = 300, poll_interval: float = 5.0) -> RapidataJob:
        """Block until a firing that starts after this call has created a job, and return that job.

        Right after :meth:`trigger`, the triggered firing counts even if it started before this call.

        Raises:
            ValueError: For a non-positive ``timeout`` or ``poll_interval``.
            TimeoutError: When no new job appears within ``timeout`` seconds.
        """
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if poll_interval <= 0:
            raise ValueError("poll_interval must be positive")
        started = self._triggered_at or datetime.now(UTC)
        deadline = time.monotonic() + timeout
        interval = min(poll_interval, 0.1) if self._ctx.is_local else poll_interval
        while True:
            fresh = [
                r
                for r in self._runs(1, 20, True)
                if r.get("audienceJobId") and (_parse_time(r.get("startedAt")) or started) >= started
            ]
            if fresh:
                self._triggered_at = None
                return RapidataJob._fetch(str(fresh[-1]["audienceJobId"]), self._ctx)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"No new job from signal '{self.id}' within {timeout} seconds.")
            time.sleep(interval)

    def __str__(self) -> str:
        return f"RapidataSignal(name='{self._name}', id='{self.id}')"

    __repr__ = __str__


class RapidataSignalManager:
    """Create and find signals (``client.signals``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create_signal(
        self,
        name: str,
        audience: str | RapidataAudienceBase,
        job_definition: str | RapidataJobDefinition,
        interval_hours: float,
        description: str | None = None,
        revision_number: int | None = None,
        is_public: bool = False,
    ) -> RapidataSignal:
        """Create a signal firing ``job_definition`` for ``audience`` every ``interval_hours``.

        Raises:
            ValueError: When ``interval_hours`` is not positive.
        """
        _check_interval(interval_hours)
        audience_id = audience if isinstance(audience, str) else audience.id
        definition_id = job_definition if isinstance(job_definition, str) else job_definition.id
        created = (
            self._ctx.transport.request(
                "POST",
                "/signal",
                json={
                    "name": name,
                    "description": description,
                    "audienceId": audience_id,
                    "jobDefinitionId": definition_id,
                    "revisionNumber": revision_number,
                    "intervalSeconds": _seconds(interval_hours),
                    "isPublic": is_public,
                },
            )
            or {}
        )
        return self.get_signal_by_id(str(created["id"]))

    def get_signal_by_id(self, signal_id: str) -> RapidataSignal:
        """Open a signal by id."""
        return RapidataSignal(
            dict(self._ctx.transport.request("GET", f"/signal/{signal_id}") or {}), self._ctx
        )

    def find_signals(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataSignal]:
        """Your signals and public ones whose name contains ``name``, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                "/signal",
                params={"page": page, "page_size": amount, "name[contains]": name, "sort": "-created_at"},
            )
            or {}
        )
        return [RapidataSignal(item, self._ctx) for item in body.get("items") or []]

    def __repr__(self) -> str:
        return "RapidataSignalManager"
