"""Errors of the API, raised in one place: the transport's response check (:mod:`rapidata_nb.api.transport`).

Hierarchy::

    Exception
    └── RapidataError                 any non-2xx answer of the API (status, message, trace id)
        └── RevisionConflictError     409 on ``save(require_latest=True)``: a newer revision exists

The client re-exports both from :mod:`rapidata_nb.client.exceptions` (the SDK's place for them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["RapidataError", "RevisionConflictError"]


class RapidataError(Exception):
    """The API answered with an error.

    Attributes:
        status_code: HTTP status, or ``None`` when the request never got an answer.
        message: The server's ``message`` (or ``error``) field, else the raw body.
        original_exception: The lower-level exception this one wraps, if any.
        details: The parsed JSON error body (``dict``) when there was one.
        trace_id: The ``x-trace-id`` header (or the body's ``traceId``) to quote in bug reports.
        request: The ``httpx.Request`` that failed.
        response: The ``httpx.Response``, if one arrived.
    """

    def __init__(
        self,
        status_code: int | None = None,
        message: str | None = None,
        original_exception: BaseException | None = None,
        details: Any = None,
        trace_id: str | None = None,
        *,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.status_code = status_code
        self.message = message or (str(original_exception) if original_exception else "Unknown error")
        self.original_exception = original_exception
        self.details = details
        self.trace_id = trace_id
        self.request = request
        self.response = response
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f" ({self.request.method} {self.request.url.path})" if self.request is not None else ""
        status = f"{self.status_code}: " if self.status_code is not None else ""
        trace = f" [trace id {self.trace_id}]" if self.trace_id else ""
        return f"{status}{self.message}{where}{trace}"

    def __str__(self) -> str:
        return self._describe()


class RevisionConflictError(RapidataError):
    """Another revision of the job definition was saved after this object was loaded.

    Raised by ``RapidataJobDefinition.save(require_latest=True)``; nothing was created and the staged
    changes are kept. Call ``reload()``, reapply the changes and save again.

    Attributes:
        job_definition_id: The definition being saved.
        base_revision: The revision the object was loaded at.
        latest_revision: The latest revision on the server.
    """

    def __init__(
        self,
        job_definition_id: str | None,
        base_revision: int | None,
        latest_revision: int,
        *,
        message: str | None = None,
        details: Any = None,
        trace_id: str | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        self.job_definition_id = job_definition_id
        self.base_revision = base_revision
        self.latest_revision = latest_revision
        super().__init__(
            status_code=409,
            message=message,
            details=details,
            trace_id=trace_id,
            request=request,
            response=response,
        )

    def _describe(self) -> str:
        name = (
            f"Job definition '{self.job_definition_id}'" if self.job_definition_id else "The job definition"
        )
        base = f"was loaded at revision {self.base_revision}, but " if self.base_revision is not None else ""
        return (
            f"{name} {base}revision {self.latest_revision} has been saved since. "
            "Call reload() to load the latest revision, reapply your changes and save again."
        )
