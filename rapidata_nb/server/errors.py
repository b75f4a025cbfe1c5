"""One exception hierarchy for the server, and the handlers that turn it into ``{"message", "traceId"}``.

::

    ApiError (500)
     ├── BadRequestError (400)        bad input that passed the schema (unknown fileName, wrong pair size)
     ├── UnauthorizedError (401)      missing, invalid or expired bearer token / client credentials
     ├── ForbiddenError (403)
     ├── NotFoundError (404)          unknown id (or one the caller does not own)
     ├── ConflictError (409)          stale base revision, not-ready cost estimate
     ├── UnprocessableError (422)     schema validation failures (pydantic); a number out of its bounds
     │                                (``api/models/bounds.py``, ``Query(ge=, le=)``) is a 400 instead
     ├── TooManyRequestsError (429)   a rate limit (failed sign-ins); carries ``Retry-After``
     └── ServiceUnavailableError (503) the store is busy: a lock or a pooled connection was not free in
                                      time (``is_busy``); carries ``Retry-After``, and nothing was changed

Every error response carries the ``x-trace-id`` header and the same id in the body. Routes raise; they never
build error bodies.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "ApiError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "NotFoundError",
    "ServiceUnavailableError",
    "TooManyRequestsError",
    "TraceIdMiddleware",
    "UnauthorizedError",
    "UnprocessableError",
    "install_error_handlers",
    "is_busy",
]

logger = logging.getLogger("rapidata_nb.server")


class ApiError(Exception):
    """Base of every error the API answers with; ``extra`` keys are merged into the body."""

    status_code = 500

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class BadRequestError(ApiError):
    """400: the request is well-formed but cannot be applied."""

    status_code = 400


class UnauthorizedError(ApiError):
    """401: no valid credentials."""

    status_code = 401


class ForbiddenError(ApiError):
    """403: authenticated but not allowed."""

    status_code = 403


class NotFoundError(ApiError):
    """404: the resource does not exist (or belongs to someone else)."""

    status_code = 404


class ConflictError(ApiError):
    """409: the request conflicts with the current state."""

    status_code = 409


class UnprocessableError(ApiError):
    """422: the body does not match the wire schema."""

    status_code = 422


class TooManyRequestsError(ApiError):
    """429: over a rate limit; ``Retry-After`` says when the next attempt is allowed."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int = 1, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.retry_after = retry_after


class ServiceUnavailableError(ApiError):
    """503: the server cannot take the request right now; ``Retry-After`` says when to come back."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 1, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.retry_after = retry_after


_BUSY_SQLSTATES = frozenset(
    {
        "55P03",  # lock_not_available: lock_timeout passed
        "57014",  # query_canceled: statement_timeout passed
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected: PostgreSQL aborted one side, a retry succeeds
    }
)


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "busy, try again" rather than a fault: no lock or pooled connection
    came free within the lock timeout, or the connection was cut (``store.db.make_engine``). The
    transaction was rolled back."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message


_BUSY = ServiceUnavailableError("The server's database is busy; retry after the time in Retry-After")


def _trace_id(request: Request) -> str:
    trace_id = getattr(request.state, "trace_id", None)
    if not trace_id:
        trace_id = uuid.uuid4().hex
        request.state.trace_id = trace_id
    return str(trace_id)


def _error(
    request: Request, status_code: int, message: str, *, retry_after: int | None = None, **extra: Any
) -> JSONResponse:
    trace_id = _trace_id(request)
    body = {"message": message, "traceId": trace_id, **extra}
    headers = {"x-trace-id": trace_id}
    if status_code == 401:
        headers["www-authenticate"] = "Bearer"
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    return JSONResponse(body, status_code=status_code, headers=headers)


_RANGE_ERRORS = frozenset(
    {"out_of_range", "greater_than", "greater_than_equal", "less_than", "less_than_equal"}
)
"""Pydantic error types of a number outside its bounds: bad input (400), not a schema mismatch (422)."""


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def validation_message(errors: list[Any]) -> str:
    """One readable line per pydantic error: ``field.path: message``."""
    lines = []
    for err in errors[:10]:
        loc = tuple(err.get("loc", ()))
        # Discriminated unions add the tag as a path element; keep it, it names the variant.
        lines.append(f"{_location(loc)}: {err.get('msg', 'invalid value')}")
    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
    return "Invalid request: " + "; ".join(lines) + more


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that answer every error with our body and trace id."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        retry_after = (
            exc.retry_after if isinstance(exc, ServiceUnavailableError | TooManyRequestsError) else None
        )
        return _error(request, exc.status_code, exc.message, retry_after=retry_after, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(
                request, 400, "Malformed JSON body: " + str(errors[0].get("ctx", {}).get("error", ""))
            )
        status = 400 if all(e.get("type") in _RANGE_ERRORS for e in errors) else 422
        return _error(request, status, validation_message(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"No route {request.method} {request.url.path}"
        return _error(request, exc.status_code, message)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # e.g. an integer larger than the database can store (SQLite: 64 bits)
        return _error(request, 400, f"A number in the request is out of range ({exc})")

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses a value for its column type (e.g. an integer beyond 32 bits); nothing was stored
        return _error(request, 400, "A value in the request is out of range for the server's database")

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeoutError)
    async def _database_error(request: Request, exc: Exception) -> JSONResponse:
        if is_busy(exc):
            logger.warning("busy store on %s %s: %s", request.method, request.url.path, exc)
            return await _api_error(request, _BUSY)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(request, 500, f"Internal server error ({type(exc).__name__})")


class TraceIdMiddleware:
    """Give every request a trace id (``request.state.trace_id``) and every response an ``x-trace-id``
    header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trace_id = uuid.uuid4().hex
        for name, value in scope.get("headers", []):
            if name == b"traceparent":
                parts = value.decode("latin-1").split("-")
                if len(parts) >= 2 and len(parts[1]) == 32:
                    trace_id = parts[1]
        scope.setdefault("state", {})["trace_id"] = trace_id

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"x-trace-id" for k, _ in headers):
                    headers.append((b"x-trace-id", trace_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, _send)
