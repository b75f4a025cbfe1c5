"""HTTP transport: one ``httpx.Client``, retries with jittered backoff, error mapping, paging.

Request path (one concern per method, as in httpx's ``Client.send``):
``request()`` → ``_send_with_retries()`` → ``httpx.Client.send()`` (auth flow) → ``raise_for_status()``.

Retried: HTTP 429/502/503/504 (``Retry-After`` honoured up to 60 s), of the request itself or of the token
exchange its auth flow makes, and transport errors (connect, read, write, timeout, protocol). Every other
non-2xx answer becomes a ``RapidataError`` in ``raise_for_status``, the single place where error bodies are
read.

Bodies may hold ``api`` models anywhere (a model, or a dict/list containing models): each is dumped with its
wire aliases and only the fields that were given (``exclude_unset``; the ``_t`` tag always counts as given).
Pass ``response=`` a model class (or a ``TypeAdapter``) to get the reply parsed into it.
"""

from __future__ import annotations

import logging
import random
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, overload

import httpx
from pydantic import BaseModel, TypeAdapter

from rapidata_nb.api.errors import RapidataError, RevisionConflictError

__all__ = ["Transport", "raise_for_status", "to_wire"]

M = TypeVar("M", bound=BaseModel)

logger = logging.getLogger("rapidata.api")
"""A child of the ``rapidata`` logger (``rapidata_nb.config``): its handlers and level apply."""

_RETRY_STATUS = frozenset({429, 502, 503, 504})
_MAX_RETRY_AFTER = 60.0
USER_AGENT = "rapidata-nb/0.1.0"
_TIMEOUT = httpx.Timeout(120.0, connect=15.0, pool=60.0)


def raise_for_status(response: httpx.Response) -> None:
    """Raise ``RapidataError`` (or a subclass) for a non-2xx response.

    The message comes from the JSON body's ``message``, else ``error``, else the raw text; the trace id
    from the ``x-trace-id`` header, else the body's ``traceId``. A 409 whose body carries
    ``latestRevisionNumber`` is a ``RevisionConflictError``.
    """
    if response.is_success:
        return
    try:
        response.read()
        body: Any = response.json()
    except Exception:
        body = None
    message: str | None = None
    if isinstance(body, dict):
        raw = body.get("message") or body.get("error") or body.get("detail") or body.get("title")
        message = raw if isinstance(raw, str) else (str(raw) if raw is not None else None)
        if body.get("error_description"):
            message = f"{message}: {body['error_description']}" if message else str(body["error_description"])
    if not message:
        message = response.text.strip()[:500] or response.reason_phrase or "Request failed"
    trace_id = response.headers.get("x-trace-id") or (body.get("traceId") if isinstance(body, dict) else None)
    kwargs: dict[str, Any] = {
        "status_code": response.status_code,
        "message": message,
        "details": body,
        "trace_id": trace_id,
        "request": response.request,
        "response": response,
    }
    if response.status_code == 409 and isinstance(body, dict) and "latestRevisionNumber" in body:
        del kwargs["status_code"]
        raise RevisionConflictError(None, None, int(body["latestRevisionNumber"]), **kwargs)
    raise RapidataError(**kwargs)


def to_wire(value: Any) -> Any:
    """Dump every ``api`` model inside ``value`` as its wire dict (aliases, given fields, ``_t`` tags)."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, mode="json", exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


def parse(body: Any, response: type[M] | TypeAdapter[Any]) -> Any:
    """Parse a decoded reply into ``response`` (a model class or a ``TypeAdapter``)."""
    if isinstance(response, TypeAdapter):
        return response.validate_python(body)
    return response.model_validate(body)


class Transport:
    """The client's connection to one API origin.

    Args:
        api_url: Base URL of the API paths (``https://api.rapidata.ai`` or ``http://127.0.0.1:8000``).
        auth: The ``httpx.Auth`` flow (client credentials or static token).
        transport: An ``httpx.BaseTransport`` to use instead of the network (tests use ``MockTransport``).
        verify: TLS verification: ``True``, ``False`` or a CA bundle path.
        max_retries: Retries of retryable failures.
        backoff_base: First backoff delay in seconds (doubles per attempt, jittered).
        timeout: The requests' timeout (``request(timeout=...)`` overrides it per call).
    """

    def __init__(
        self,
        api_url: str,
        *,
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
        verify: bool | str = True,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        timeout: httpx.Timeout | float = _TIMEOUT,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.http = httpx.Client(
            base_url=self.api_url,
            auth=auth,
            transport=transport,
            verify=verify,
            timeout=timeout,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            headers={"X-Client": USER_AGENT, "User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )
        # A client dropped without close() (the SDK's examples never close theirs) still releases its sockets.
        weakref.finalize(self, self.http.close)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    # --- request path -----------------------------------------------------------------------------

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        files: Any = None,
        data: Any = None,
        max_retries: int | None = None,
        timeout: float | None = None,
        response: type[M],
    ) -> M: ...

    @overload
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        files: Any = None,
        data: Any = None,
        max_retries: int | None = None,
        timeout: float | None = None,
        response: TypeAdapter[Any] | None = None,
    ) -> Any: ...

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        files: Any = None,
        data: Any = None,
        max_retries: int | None = None,
        timeout: float | None = None,
        response: type[M] | TypeAdapter[Any] | None = None,
    ) -> Any:
        """Send a request and return the decoded JSON body (``None`` for an empty body).

        Args:
            json: The body; ``api`` models inside it are dumped with :func:`to_wire`.
            response: A model class or ``TypeAdapter`` to parse the reply into (``None``: the decoded JSON).

        Raises:
            RapidataError: For a non-2xx answer, or when retries are exhausted on transport errors.
        """
        reply = self.send(
            method,
            path,
            json=json,
            params=params,
            files=files,
            data=data,
            max_retries=max_retries,
            timeout=timeout,
        )
        if not reply.content:
            body: Any = None
        else:
            try:
                body = reply.json()
            except ValueError:
                body = reply.text
        return body if response is None else parse(body, response)

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        files: Any = None,
        data: Any = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send a request and return the raw successful ``httpx.Response``."""
        clean = _clean_params(params)
        json = to_wire(json)
        extra: dict[str, Any] = {}
        if timeout is not None:
            extra["timeout"] = timeout

        def build() -> httpx.Request:
            # files may be consumed by a previous attempt: callers pass bytes, so rebuilding is safe.
            return self.http.build_request(
                method, path, json=json, params=clean, files=files, data=data, **extra
            )

        response = self._send_with_retries(build, self.max_retries if max_retries is None else max_retries)
        raise_for_status(response)
        return response

    def send_unauthenticated(self, build: Callable[[], httpx.Request]) -> httpx.Response:
        """Send ``build()`` without the auth flow (the token exchange itself), retried like any request."""
        return self._send_with_retries(build, self.max_retries, authenticate=False)

    def _send_with_retries(self, build: Any, retries: int, *, authenticate: bool = True) -> httpx.Response:
        attempt = 0
        while True:
            request = build()
            try:
                response = self.http.send(request) if authenticate else self.http.send(request, auth=None)
            except httpx.TransportError as exc:
                if attempt >= retries:
                    raise RapidataError(
                        message=f"Could not reach {request.url}: {exc}",
                        original_exception=exc,
                        request=request,
                    ) from exc
                delay = self._backoff(attempt)
                logger.debug("%s %s failed (%s); retrying in %.2fs", request.method, request.url, exc, delay)
            except RapidataError as exc:  # the auth flow's token exchange was answered with an error
                if exc.status_code not in _RETRY_STATUS or exc.response is None or attempt >= retries:
                    raise
                delay = self._retry_after(exc.response) or self._backoff(attempt)
                logger.debug("token request -> %s; retrying in %.2fs", exc.status_code, delay)
            else:
                if response.status_code not in _RETRY_STATUS or attempt >= retries:
                    return response
                delay = self._retry_after(response) or self._backoff(attempt)
                logger.debug(
                    "%s %s -> %s; retrying in %.2fs", request.method, request.url, response.status_code, delay
                )
                response.close()
            attempt += 1
            time.sleep(delay)

    def _backoff(self, attempt: int) -> float:
        return float(self.backoff_base * (2**attempt) * (0.5 + random.random()))

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after")
        if value is None:
            return None
        try:
            return float(min(max(float(value), 0.0), _MAX_RETRY_AFTER))
        except ValueError:
            return None

    # --- paging -----------------------------------------------------------------------------------

    def paged(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        page: int = 1,
        page_size: int = 10,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Iterate the items of a paged endpoint (``{total,page,pageSize,items}``), page by page."""
        yielded = 0
        while True:
            body = self.request("GET", path, params={**(params or {}), "page": page, "page_size": page_size})
            items = (body or {}).get("items") or []
            for item in items:
                yield item
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            total_pages = (body or {}).get("totalPages")
            if len(items) < page_size or (total_pages is not None and page >= int(total_pages)):
                return
            page += 1


def _clean_params(params: Mapping[str, Any] | list[tuple[str, Any]] | None) -> Any:
    """Drop ``None`` values, lowercase booleans, explode lists into repeated keys."""
    if params is None:
        return None
    pairs = params.items() if isinstance(params, Mapping) else params
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            out.append((key, ("true" if v else "false") if isinstance(v, bool) else str(v)))
    return out
