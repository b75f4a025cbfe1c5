"""A minimal keep-alive HTTP/1.1 JSON client on asyncio streams, for the load generator (issue 14).

One :class:`Http1` per simulated labeler and server origin: one connection, one request at a time, bodies
framed by ``Content-Length`` (what uvicorn sends for the ``/labeler`` routes). It exists because one
``httpx.AsyncClient`` shared by 200 labelers cost the load generator about 12 ms of CPU per response, more
than the replicas it measures; this one does the same requests with a fraction of the work. It is not a
general client: no TLS, redirects, chunked bodies or proxies, and any protocol surprise raises
:class:`Http1Error` (counted as a transport error, like an ``httpx.HTTPError``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

__all__ = ["Http1", "Http1Error"]

IDLE_SECONDS = 4.0
"""A connection idle this long is replaced before use: uvicorn closes idle keep-alive connections after 5 s,
and a request written as that close crosses it would fail without telling whether it was served."""


class Http1Error(Exception):
    """The request failed on the wire: it may or may not have reached the server."""


class Http1:
    """One keep-alive connection to ``base`` (``http://host:port``), opened on first use and after errors."""

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"{self._host}:{self._port}".encode()
        self._timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._used = 0.0

    async def request(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[int, Any]:
        """Send one request; return ``(status, parsed JSON body or None)``."""
        try:
            async with asyncio.timeout(self._timeout):
                return await self._exchange(method, path, params, json_body)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise Http1Error(type(exc).__name__) from exc

    async def _exchange(
        self, method: str, path: str, params: dict[str, Any] | None, body: Any
    ) -> tuple[int, Any]:
        now = time.monotonic()
        if self._reader is not None and (self._reader.at_eof() or now - self._used > IDLE_SECONDS):
            await self.close()  # closed by the server while idle (or about to be): never send into that
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        self._used = now
        target = f"{path}?{urlencode(params)}" if params else path
        payload = b"" if body is None else orjson.dumps(body)
        head = [f"{method} {target} HTTP/1.1".encode(), b"Host: " + self._host_header]
        if body is not None:
            head += [b"Content-Type: application/json", f"Content-Length: {len(payload)}".encode()]
        self._writer.write(b"\r\n".join(head) + b"\r\n\r\n" + payload)
        status_line = await self._reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        while (line := await self._reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise ValueError("chunked bodies are not supported")
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        data = await self._reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, orjson.loads(data) if data else None

    async def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
