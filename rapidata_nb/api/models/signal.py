"""Signals: schedules that create one job per interval tick (wire notes §1.5, §3.2).

Interval on the wire is ``intervalSeconds``. The official SDK sends whole seconds; our server also accepts
fractions of a second (tests and demos use sub-second intervals), and answers with an ``int`` whenever the
interval is whole so the official SDK reads it without a warning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.bounds import IntervalSeconds, Revision

__all__ = [
    "CreateSignalInput",
    "CreateSignalOutput",
    "SignalOutput",
    "SignalRunOutput",
    "SignalRunStatus",
    "SignalRunTriggerSource",
    "TriggerSignalOutput",
    "UpdateSignalInput",
]

SignalRunStatus = Literal["Pending", "Running", "Completed", "Failed", "Skipped"]
SignalRunTriggerSource = Literal["Scheduled", "Manual"]


class CreateSignalInput(WireModel):
    """Body of ``POST /signal``."""

    name: str = Field(min_length=1)
    description: str | None = None
    audience_id: str
    job_definition_id: str
    revision_number: Revision | None = None
    interval_seconds: IntervalSeconds
    is_public: bool | None = None


class CreateSignalOutput(WireModel):
    """Answer of ``POST /signal``."""

    id: str
    next_run_at: datetime


class UpdateSignalInput(WireModel):
    """Body of ``PATCH /signal/{id}``; omitted fields stay unchanged (``description: null`` clears it)."""

    name: str | None = None
    description: str | None = None
    interval_seconds: IntervalSeconds | None = None


class SignalOutput(WireModel):
    """``GET /signal/{id}`` and the items of ``GET /signal``."""

    id: str
    name: str
    description: str | None = None
    audience_id: str
    job_definition_id: str
    revision_number: int | None = None
    interval_seconds: int | float
    next_run_at: datetime
    last_run_at: datetime | None = None
    is_paused: bool
    is_public: bool
    owner_id: str
    owner_mail: str
    organization_id: str
    created_at: datetime


class SignalRunOutput(WireModel):
    """One firing of a signal (``GET /signal/{id}/run`` items, ``GET /signal/run/{runId}``)."""

    id: str
    signal_id: str
    trigger_source: SignalRunTriggerSource
    status: SignalRunStatus
    started_at: datetime
    audience_job_id: str | None = None
    completed_at: datetime | None = None
    result_file_name: str | None = None
    failure_message: str | None = None
    skipped_reason: str | None = None


class TriggerSignalOutput(WireModel):
    """Answer of ``POST /signal/{id}/trigger`` (the run is created asynchronously)."""

    signal_id: str
