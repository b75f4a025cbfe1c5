"""Request limits of a team server (issue 9): rate limits, body size limits, safe uploads and asset headers.

One pure ASGI middleware, :class:`SecurityMiddleware`, in front of the app:

- **Rate limits** (token buckets, per server process): ``POST /connect/token`` and sign-in link creation
  (``POST /identity/bridge-token``) per client address, ``POST /labeler/session`` per client address, and
  every other ``/labeler/session/{id}/...`` call per labeling session. Over the limit: 429 with our error body
  and ``Retry-After``. These guard a process against floods, so they live in its memory.
- **New labelers** (:class:`CreationLimit`, used by ``POST /labeler/session`` when it makes a labeler):
  ``ServerSettings.labelers_per_address_per_hour`` per client address. Resuming a labeler is not counted.
  Each new labeler is a fresh look at an audience's qualification examples.
- **Failed credential checks** (:class:`CredentialGuard`, used by the routes that check a secret or a
  password, which know the account): per caller address and per account.
- The last two are budgets in the store (``store.limits``), shared by every replica: a budget is taken in the
  request's transaction (before the credential check; after making the labeler, as the last statement), so
  concurrent requests on any replica are counted before any of them commits, and N replicas allow what one
  does.
- **Body size**: 16 MB for API requests, :data:`MAX_UPLOAD_BYTES` for ``/asset/file``; larger bodies get 413
  before anything is read (``Content-Length``) or as soon as the stream passes the limit.
- **HTML pages** (sign-in, labeling app, definition and job pages) get :data:`PAGE_HEADERS`: a
  ``Content-Security-Policy`` that runs only our own scripts and forbids framing (``frame-ancestors
  'none'``: no page of ours is meant to be embedded, so a sign-in form cannot be overlaid), ``nosniff``
  and ``Referrer-Policy: no-referrer`` (sign-in links carry a key in their query).
- **Stored assets** are served with ``X-Content-Type-Options: nosniff`` and a sandboxing
  ``Content-Security-Policy``, and :func:`check_upload` refuses active content (HTML, SVG, XML, JavaScript)
  that a browser would run from our origin. File names never reach the file system (assets are stored by
  sha256; ``store/assets.py`` keeps only a sanitised base name).
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from rapidata_nb.server.errors import BadRequestError, TooManyRequestsError
from rapidata_nb.server.store import limits

__all__ = [
    "BRIDGE_LIMIT",
    "CreationLimit",
    "CredentialGuard",
    "MAX_BODY_BYTES",
    "MAX_UPLOAD_BYTES",
    "PAGE_HEADERS",
    "RateLimit",
    "SecurityMiddleware",
    "TokenBuckets",
    "check_upload",
]

_T = TypeVar("_T")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; "
        b"media-src * data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
"""Headers of every HTML response (assets keep their own sandboxing ones). Media may come from anywhere:
URL assets redirect to the sites that host them."""
MAX_BODY_BYTES = 16 * 1024 * 1024
"""Largest API request body (a 5,000-URL batch upload is well under 1 MB)."""
MAX_UPLOAD_BYTES = 200 * 1024 * 1024 + 64 * 1024
"""Largest ``/asset/file`` body: the 200 MB file limit of ``routes/assets.py`` plus multipart framing."""

_ACTIVE_EXTENSIONS = {".html", ".htm", ".xhtml", ".svg", ".svgz", ".xml", ".js", ".mjs", ".php"}
_ACTIVE_TYPES = re.compile(
    r"^(text/html|application/xhtml|image/svg|text/xml|application/xml|\S*javascript)", re.I
)
_ACTIVE_CONTENT = re.compile(rb"^\s*(<!doctype\s+html|<html|<svg|<\?xml|<script)", re.I)
_SESSION_PATH = re.compile(r"^/labeler/session/([^/]+)(/|$)")


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``burst`` requests at once, refilled at ``per_second``."""

    burst: float
    per_second: float


TOKEN_LIMIT = RateLimit(burst=120, per_second=2.0)
"""``POST /connect/token`` per client address."""
BRIDGE_LIMIT = RateLimit(burst=20, per_second=1 / 30)
"""``POST /identity/bridge-token`` (new sign-in links) per client address: two a minute after the burst."""
SIGN_IN_WINDOW_SECONDS = 600.0
"""A failure budget (``ServerSettings.sign_in_failures_per_*``) refills in full over ten minutes."""
NEW_SESSION_LIMIT = RateLimit(burst=400, per_second=20.0)
"""``POST /labeler/session`` per client address (a class of people behind one NAT still fits)."""
SESSION_LIMIT = RateLimit(burst=60, per_second=10.0)
"""Task fetches and answers per labeling session (no human answers ten tasks a second)."""


class TokenBuckets:
    """Thread-safe token buckets keyed by string, the least recently used forgotten beyond ``max_keys``."""

    def __init__(self, max_keys: int = 50_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys
        self._clock = clock

    def take(self, key: str, limit: RateLimit, cost: float = 1.0) -> float:
        """Take ``cost`` tokens; return 0 if allowed, else the seconds until it would be."""
        now = self._clock()
        with self._lock:
            tokens = self._level(key, limit, now)
            if tokens < cost:
                self._set(key, tokens, now)
                return (cost - tokens) / limit.per_second
            self._set(key, tokens - cost, now)
            return 0.0

    def _level(self, key: str, limit: RateLimit, now: float) -> float:
        tokens, stamp = self._buckets.get(key, (limit.burst, now))
        return min(limit.burst, tokens + (now - stamp) * limit.per_second)

    def _set(self, key: str, tokens: float, now: float) -> None:
        self._buckets.pop(key, None)
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)


class CredentialGuard:
    """Failure budgets of credential checks, per client address and per account (client id or email), kept
    in the store so that every replica counts against the same budgets (``store.limits``).

    :meth:`check` takes one failure from both budgets *before* the secret is checked, in the request's
    transaction: concurrent checks of the same account or address, on any replica, wait for each other's
    outcome instead of all passing a check-then-count limit. A failed check commits its take (the request's
    error must not roll it back); a successful one gives it back. A spent budget answers
    :class:`TooManyRequestsError` (429) with ``Retry-After`` until a failure refills.

    Args:
        per_address: Failures allowed per client address, refilled over :data:`SIGN_IN_WINDOW_SECONDS`.
        per_account: Failures allowed per account, refilled the same way.
    """

    def __init__(self, *, per_address: int, per_account: int) -> None:
        self._address = RateLimit(burst=per_address, per_second=per_address / SIGN_IN_WINDOW_SECONDS)
        self._account = RateLimit(burst=per_account, per_second=per_account / SIGN_IN_WINDOW_SECONDS)

    def check(
        self, *, session: Session, address: str, account: str, verify: Callable[[], _T | None]
    ) -> _T | None:
        """Run ``verify`` (the secret or password check) within the budgets of ``address`` and ``account``.

        Returns:
            What ``verify`` returned; ``None`` (a failed check) keeps the failure, committed.

        Raises:
            TooManyRequestsError: A budget is spent; ``verify`` did not run and nothing was taken.
        """
        claims = [
            (limits.budget_key("address", address), self._address),
            (limits.budget_key("account", account.strip().lower()), self._account),
        ]
        with session.begin_nested():  # both budgets or neither: a raise rolls the savepoint back
            for key, limit in claims:
                wait = limits.take(session, key, burst=limit.burst, per_second=limit.per_second)
                if wait:
                    raise TooManyRequestsError(
                        "too many failed sign-ins for this account or from this address; retry after the "
                        "time in Retry-After",
                        retry_after=max(1, math.ceil(wait)),
                    )
        result = verify()
        if result is None:
            limits.prune(session)
            session.commit()
        else:
            for key, limit in claims:
                limits.give_back(session, key, per_second=limit.per_second)
        return result


class CreationLimit:
    """How many identities (labelers) one client address may create per hour: a budget of ``per_hour``
    refilled evenly over the hour, kept in the store for every replica (``store.limits``).

    :meth:`creating` takes from the budget in the request's transaction after the identity is made, as its
    last statement: concurrent requests on any replica are counted before any of them commits, a refused
    request rolls back what it made and costs nothing, and the budget's row lock (every new labeler from one
    address takes the same row) is held only until the commit that follows, not while the labeler is made.
    """

    def __init__(self, *, per_hour: int) -> None:
        self._limit = RateLimit(burst=per_hour, per_second=per_hour / 3600.0)

    @contextmanager
    def creating(self, session: Session, address: str) -> Iterator[None]:
        """Run the block as one creation from ``address``.

        Raises:
            TooManyRequestsError: The address's hourly budget is spent; what the block made must be rolled
                back (the request's error does that).
        """
        yield
        key = limits.budget_key("new-labeler", address)
        wait = limits.take(session, key, burst=self._limit.burst, per_second=self._limit.per_second)
        if wait:
            raise TooManyRequestsError(
                "too many new labelers from this address; resume your labeler (labelerId and resumeToken) "
                "or retry after the time in Retry-After",
                retry_after=max(1, math.ceil(wait)),
            )


def check_upload(filename: str, content_type: str | None, head: bytes) -> None:
    """Refuse uploads a browser would execute when served from our origin (HTML, SVG, XML, scripts).

    Args:
        filename: The client's file name (only its extension is looked at).
        content_type: The declared content type of the part.
        head: The first bytes of the file (content sniffing).

    Raises:
        BadRequestError: Naming the reason.
    """
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix in _ACTIVE_EXTENSIONS:
        raise BadRequestError(f"file: {suffix} files are not accepted (active content); upload media or text")
    if content_type and _ACTIVE_TYPES.match(content_type.strip()):
        raise BadRequestError(f"file: content type {content_type} is not accepted (active content)")
    if _ACTIVE_CONTENT.match(head[:512]):
        raise BadRequestError("file: HTML/SVG/XML content is not accepted (active content)")


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def _reject(send: Send, status: int, message: str, retry_after: float | None = None) -> None:
    trace = uuid.uuid4().hex
    headers = [(b"content-type", b"application/json"), (b"x-trace-id", trace.encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, int(retry_after + 0.999))).encode()))
    body = json.dumps({"message": message, "traceId": trace}).encode()
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.lower().startswith(b"text/html") for k, v in headers)


class _TooLarge(HTTPException):
    """The body passed its limit while being read. An ``HTTPException``, so that FastAPI, which turns any
    other exception raised while it parses a body into a 400, lets it through to answer 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit // (1024 * 1024)} MB")


class SecurityMiddleware:
    """Rate limits, body size limits and asset response headers (see the module docstring)."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets | None = None) -> None:
        self.app = app
        self.buckets = buckets or TokenBuckets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        client = _client(scope)

        refused = self._rate_limited(method, path, client)
        if refused is not None:
            await _reject(send, 429, refused[0], retry_after=refused[1])
            return

        limit = MAX_UPLOAD_BYTES if path == "/asset/file" else MAX_BODY_BYTES
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _reject(send, 413, f"request body larger than {limit // (1024 * 1024)} MB")
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        started = False
        is_asset = path.startswith("/assets/")

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = message.get("headers", [])
                if is_asset:
                    message["headers"] = [
                        *headers,
                        (b"x-content-type-options", b"nosniff"),
                        (b"content-security-policy", b"default-src 'none'; sandbox"),
                    ]
                elif _is_html(headers):
                    message["headers"] = [*headers, *PAGE_HEADERS]
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge as exc:  # raised where no exception handler answers it (e.g. a raw stream)
            if not started:
                await _reject(send, 413, exc.detail)

    def _rate_limited(self, method: str, path: str, client: str) -> tuple[str, float] | None:
        if method == "POST" and path == "/connect/token":
            wait = self.buckets.take(f"token:{client}", TOKEN_LIMIT)
            return ("too many token requests; reuse tokens until they expire", wait) if wait else None
        if method == "POST" and path == "/identity/bridge-token":
            wait = self.buckets.take(f"bridge:{client}", BRIDGE_LIMIT)
            return ("too many new sign-in links from this address", wait) if wait else None
        if method == "POST" and path.rstrip("/") == "/labeler/session":
            wait = self.buckets.take(f"newsession:{client}", NEW_SESSION_LIMIT)
            return ("too many new labeling sessions from this address", wait) if wait else None
        match = _SESSION_PATH.match(path)
        if match:
            wait = self.buckets.take(f"session:{match.group(1)}", SESSION_LIMIT)
            return ("too many requests in this labeling session; slow down", wait) if wait else None
        return None
