"""Exceptions raised by the client.

Hierarchy::

    Exception
    ├── RapidataError                 any non-2xx answer of the API (status, message, trace id)
    │   └── RevisionConflictError     409 on ``save(require_latest=True)``: a newer revision exists
    ├── FailedUploadException         some datapoints could not be uploaded; holds what did succeed
    └── UserWarning
        └── AssetWarning              a non-fatal advisory about one uploaded asset

``FailedUpload`` is not an exception: it is the record of one failed item (datapoint or asset).
``RapidataError`` and ``RevisionConflictError`` are defined in :mod:`rapidata_nb.api.errors` and raised in
exactly one place, the transport's response check (:mod:`rapidata_nb.api.transport`); nothing else inspects
error bodies.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from rapidata_nb.api.errors import RapidataError, RevisionConflictError

if TYPE_CHECKING:
    from rapidata_nb.client.definition import RapidataJobDefinition
    from rapidata_nb.client.order import RapidataOrder
    from rapidata_nb.client.upload import RapidataDataset

__all__ = [
    "AssetWarning",
    "FailedUpload",
    "FailedUploadException",
    "RapidataError",
    "RevisionConflictError",
]

T = TypeVar("T")


class AssetWarning(UserWarning):
    """A non-fatal advisory about one asset (for example: it was re-encoded).

    Attributes:
        item: The asset (URL or path) the warning is about.
        message: What happened.
    """

    def __init__(self, item: str, message: str) -> None:
        self.item = item
        self.message = message
        super().__init__(f"{item}: {message}")


@dataclass
class FailedUpload(Generic[T]):
    """One item (a datapoint or an asset) that could not be uploaded.

    Attributes:
        item: The datapoint or asset.
        error_message: What went wrong, in words.
        error_type: A short category, e.g. ``"AssetUploadFailed"`` or ``"RapidataError"``.
        timestamp: When it failed.
        exception: The underlying exception, if any.
        trace_id: The server trace id, if the server answered.
        stage: Where it failed: ``"asset"`` or ``"datapoint"``.
        http_status: The HTTP status, if the server answered.
    """

    item: T
    error_message: str
    error_type: str
    timestamp: datetime = field(default_factory=datetime.now)
    exception: BaseException | None = field(default=None, repr=False)
    trace_id: str | None = None
    stage: str | None = None
    http_status: int | None = None

    @classmethod
    def from_exception(
        cls, item: T, exception: BaseException, *, stage: str | None = None
    ) -> FailedUpload[T]:
        """Build the record from the exception that made ``item`` fail."""
        if isinstance(exception, RapidataError):
            return cls(
                item=item,
                error_message=exception.message,
                error_type="RapidataError",
                exception=exception,
                trace_id=exception.trace_id,
                stage=stage,
                http_status=exception.status_code,
            )
        return cls(
            item=item,
            error_message=str(exception) or type(exception).__name__,
            error_type=type(exception).__name__,
            exception=exception,
            stage=stage,
        )

    def format_error_details(self) -> str:
        """A multi-line description, with the traceback when there is an exception."""
        lines = [f"{self.error_type}: {self.error_message}", f"item: {self.item!r}"]
        if self.stage:
            lines.append(f"stage: {self.stage}")
        if self.http_status is not None:
            lines.append(f"http status: {self.http_status}")
        if self.trace_id:
            lines.append(f"trace id: {self.trace_id}")
        if self.exception is not None:
            lines.append("".join(traceback.format_exception(self.exception)).rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.error_type}: {self.error_message} ({self.item!r})"


class FailedUploadException(Exception):
    """Some datapoints could not be uploaded.

    The job definition (or order) is still created from the datapoints that did upload whenever the
    failures stay within ``failure_tolerance``; it is available as ``job_definition`` (or ``order``).

    Attributes:
        dataset: The dataset being filled; ``dataset.add_datapoints(e.failed_uploads)`` retries.
        job_definition: The definition built from the successful datapoints, if any.
        order: The order built from the successful datapoints (order API only).
    """

    def __init__(
        self,
        dataset: RapidataDataset,
        failed_uploads: list[FailedUpload[Any]],
        job_definition: RapidataJobDefinition | None = None,
        machine: Any = None,
        *,
        order: RapidataOrder | None = None,
    ) -> None:
        self.dataset = dataset
        self._failed = list(failed_uploads)
        self.job_definition = job_definition
        self.order = order
        self._machine = machine
        super().__init__(self._describe())

    @property
    def machine(self) -> Any:
        """The creation in progress that ``retry()`` resumes (``None`` when there is nothing to resume)."""
        return self._machine

    def _describe(self) -> str:
        reasons = self.failures_by_reason
        summary = "; ".join(f"{reason} ({len(items)})" for reason, items in reasons.items())
        created = ""
        if self.job_definition is not None:
            created = (
                f" Job definition '{self.job_definition.id}' was created from the datapoints that uploaded."
            )
        elif self.order is not None:
            created = f" Order '{self.order.id}' was created from the datapoints that uploaded."
        return f"{len(self._failed)} datapoint(s) failed to upload: {summary}.{created}"

    @property
    def failed_uploads(self) -> list[Any]:
        """The datapoints that failed (pass them to ``dataset.add_datapoints`` to retry)."""
        return [failure.item for failure in self._failed]

    @property
    def detailed_failures(self) -> list[FailedUpload[Any]]:
        """One ``FailedUpload`` record per failed datapoint."""
        return list(self._failed)

    @property
    def failures_by_reason(self) -> dict[str, list[Any]]:
        """Failed datapoints grouped by error message."""
        grouped: dict[str, list[Any]] = {}
        for failure in self._failed:
            grouped.setdefault(failure.error_message, []).append(failure.item)
        return grouped

    @property
    def failures_by_stage(self) -> dict[str, list[Any]]:
        """Failed datapoints grouped by stage (``"asset"`` or ``"datapoint"``)."""
        grouped: dict[str, list[Any]] = {}
        for failure in self._failed:
            grouped.setdefault(failure.stage or "unknown", []).append(failure.item)
        return grouped

    def retry(self) -> Any:
        """Upload the failed datapoints again into the same dataset.

        If no definition was created yet (too many failures), it is created once the uploads fit the
        tolerance. Raises a new ``FailedUploadException`` if some still fail.

        Returns:
            The job definition (or order).
        """
        if self._machine is None:
            successful, failed = self.dataset.add_datapoints(self.failed_uploads)
            if failed:
                raise FailedUploadException(self.dataset, failed, self.job_definition, order=self.order)
            return self.job_definition or self.order
        return self._machine.retry()
