"""Request limits of a team server (issue 9): rate limits, body size limits, safe uploads and asset headers.

One pure ASGI middleware, :class:`SecurityMiddleware`, in front of the app:

- **Rate limits** (token buckets, per server process): ``POST /connect/token`` per client address (and a much
  smaller bucket for *failed* sign-ins, so guessing secrets is slow), ``POST /labeler/session`` per client
  address, and every other ``/labeler/session/{id}/...`` call per labeling session. Over the limit: 429 with
  our error body and ``Retry-After``. Buckets live in memory, so with N replicas the effective limit is N
  times higher; put a shared limit in the reverse proxy if that matters (``docs/team-server.md``).
- **Body size**: 16 MB for API requests, :data:`MAX_UPLOAD_BYTES` for ``/asset/file``; larger bodies get 413
  before anything is read (``Content-Length``) or as soon as the stream passes the limit.
- **Stored assets** are served with ``X-Content-Type-Options: nosniff`` and a sandboxing
  ``Content-Security-Policy``, and :func:`check_upload` refuses active content (HTML, SVG, XML, JavaScript)
  that a browser would run from our origin. File names never reach the file system (assets are stored by
  sha256; ``store/assets.py`` keeps only a sanitised base name).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from rapidata_nb.server.errors import BadRequestError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_UPLOAD_BYTES",
    "RateLimit",
    "SecurityMiddleware",
    "TokenBuckets",
    "check_upload",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

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
FAILED_SIGN_IN_LIMIT = RateLimit(burst=20, per_second=0.2)
"""Rejected credentials at ``/connect/token`` per client address (12 guesses a minute after the burst)."""
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
            tokens, stamp = self._buckets.pop(key, (limit.burst, now))
            tokens = min(limit.burst, tokens + (now - stamp) * limit.per_second)
            wait = 0.0
            if tokens >= cost:
                tokens -= cost
            else:
                wait = (cost - tokens) / limit.per_second
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            return wait

    def empty(self, key: str, limit: RateLimit) -> bool:
        """Whether the bucket has less than one token (without taking one)."""
        now = self._clock()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (limit.burst, now))
            return min(limit.burst, tokens + (now - stamp) * limit.per_second) < 1.0


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


class _TooLarge(Exception):
    pass


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
                    raise _TooLarge
            return message

        started = False
        is_asset = path.startswith("/assets/")
        failed_sign_in = method == "POST" and path == "/connect/token"

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if is_asset:
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"x-content-type-options", b"nosniff"),
                        (b"content-security-policy", b"default-src 'none'; sandbox"),
                    ]
                if failed_sign_in and message["status"] in (400, 401):
                    self.buckets.take(f"fail:{client}", FAILED_SIGN_IN_LIMIT)
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            if not started:
                await _reject(send, 413, f"request body larger than {limit // (1024 * 1024)} MB")

    def _rate_limited(self, method: str, path: str, client: str) -> tuple[str, float] | None:
        if method == "POST" and path == "/connect/token":
            if self.buckets.empty(f"fail:{client}", FAILED_SIGN_IN_LIMIT):
                return (
                    "too many failed sign-ins from this address; wait and retry",
                    1 / FAILED_SIGN_IN_LIMIT.per_second,
                )
            wait = self.buckets.take(f"token:{client}", TOKEN_LIMIT)
            return ("too many token requests; reuse tokens until they expire", wait) if wait else None
        if method == "POST" and path.rstrip("/") == "/labeler/session":
            wait = self.buckets.take(f"newsession:{client}", NEW_SESSION_LIMIT)
            return ("too many new labeling sessions from this address", wait) if wait else None
        match = _SESSION_PATH.match(path)
        if match:
            wait = self.buckets.take(f"session:{match.group(1)}", SESSION_LIMIT)
            return ("too many requests in this labeling session; slow down", wait) if wait else None
        return None
