"""Jobs: create, get, progress, list, preliminary downloads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from rapidata_nb.api.models._base import WireModel
from rapidata_nb.api.models.bounds import Revision

__all__ = [
    "CostWarning",
    "CreateJobInput",
    "CreateJobOutput",
    "JobListItem",
    "JobOutput",
    "JobProgress",
    "JobState",
    "LabelingState",
    "PreliminaryDownloadInput",
    "PreliminaryDownloadOutput",
]

JobState = Literal[
    "Submitted",
    "Running",
    "Completed",
    "Failed",
    "ManualApproval",
    "Queued",
    "Paused",
    "StaleResults",
    "SpendLimited",
    "Blocked",
]
LabelingState = Literal["Created", "Started", "Labeling", "Paused", "Done", "Failed"]


class CreateJobInput(WireModel):
    """Body of ``POST /job``: run a definition revision with an audience."""

    job_definition_id: str
    audience_id: str
    revision_number: Revision | None = None
    name: str | None = None
    priority: int | None = None
    preceding_job_id: str | None = None
    notify_owner_on_completion: bool | None = None
    check_for_explicit_content: bool | None = None
    experiment_id: str | None = None


class CostWarning(WireModel):
    """Part of ``CreateJobOutput`` when the balance is short (never sent locally)."""

    estimated_cost: float
    available_balance: float
    shortfall: float


class CreateJobOutput(WireModel):
    """Answer of ``POST /job``."""

    job_id: str
    recruiting_started: bool = False
    experiment_id: str | None = None
    content_check_skip_denied: bool | None = None
    cost_warning: CostWarning | None = None


class JobOutput(WireModel):
    """Answer of ``GET /job/{id}``."""

    job_id: str
    name: str
    definition_id: str
    audience_id: str
    revision_number: int
    pipeline_id: str
    campaign_id: str | None = None
    audience_name: str | None = None
    state: JobState
    is_public: bool = False
    audience_deleted: bool = False
    completed_at: datetime | None = None
    result_file_name: str | None = None
    failed_at: datetime | None = None
    failure_message: str | None = None
    review_reason: str | None = None
    experiment_id: str | None = None
    preceding_job_id: str | None = None
    created_at: datetime
    owner_id: str
    owner_mail: str
    organization_id: str


class JobProgress(WireModel):
    """Answer of ``GET /job/{id}/progress``.

    With ``?includeJob=true`` a rapidata_nb server also sends the job's own state and its audience's
    ``usersPerState`` (as ``GET /audience/{id}/user-metrics``; absent for an audience the caller cannot list),
    so a progress poll is one request instead of three; other servers ignore the parameter.
    """

    completion_percentage: float
    total: int
    completed: int
    state: LabelingState
    response_count: int
    job_state: JobState | None = None
    users_per_state: dict[str, int] | None = None


class JobListItem(WireModel):
    """One item of ``GET /jobs``."""

    job_id: str
    name: str
    job_definition_id: str
    audience_id: str
    revision_number: int
    pipeline_id: str
    campaign_id: str | None = None
    state: JobState
    owner_mail: str
    organization_id: str
    created_at: datetime
    progress: float | None = None
    is_shared: bool = False


class PreliminaryDownloadInput(WireModel):
    """Body of ``POST /pipeline/{pipelineId}/preliminary-download``."""

    send_email: bool | None = None


class PreliminaryDownloadOutput(WireModel):
    """Answer of ``POST /pipeline/{pipelineId}/preliminary-download``."""

    download_id: str
