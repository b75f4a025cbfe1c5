"""``rapidata-nb mcp`` for tests, reached with the ``mcp`` SDK's own client: over stdio (a subprocess the
client starts) or Streamable HTTP (a subprocess started here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from tests.utils.server import free_port, wait_for

__all__ = [
    "McpHttpServer",
    "call",
    "http_session",
    "mcp_env",
    "refused",
    "run",
    "stdio_session",
    "wait_until",
]


def mcp_env(home: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its ``RAPIDATA_*`` and with a temporary ``HOME`` (so no saved
    credentials), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA")}
    env["HOME"] = str(home)
    env.update(extra)
    return env


@asynccontextmanager
async def stdio_session(env: Mapping[str, str]) -> AsyncIterator[Client]:
    """A client session with ``rapidata-nb mcp`` started over stdio with ``env``."""
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "rapidata_nb", "mcp", "--transport", "stdio"], env=dict(env)
    )
    async with Client(params) as client:
        yield client


@asynccontextmanager
async def http_session(url: str, token: str) -> AsyncIterator[Client]:
    """A client session with the Streamable HTTP endpoint ``url``, sending ``token`` as the bearer."""
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """Call ``tool``; it must succeed with structured content, which is returned."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


async def refused(client: Client, tool: str, **arguments: Any) -> str:
    """Call ``tool``; it must answer with a tool error (``isError: true``), whose text is returned."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def wait_until(
    client: Client, job_id: str, result_status: str, *, timeout: float = 30.0
) -> dict[str, Any]:
    """Poll ``get_job_status`` until the job's result status is ``result_status`` (never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        status = await call(client, "get_job_status", job_id=job_id)
        if status["result_status"] == result_status:
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} is {status['result_status']}, not {result_status}")
        await anyio.sleep(0.05)


class McpHttpServer:
    """``rapidata-nb mcp --transport http`` as a subprocess on a free port, for the backend ``environment``.

    Attributes:
        url: The MCP endpoint, ``http://127.0.0.1:<port>/mcp``.
    """

    def __init__(self, environment: str, home: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self._environment = environment
        self._home = home
        self._log = home / "mcp-http.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> McpHttpServer:
        """Start and wait until ``/health`` answers."""
        args = [sys.executable, "-m", "rapidata_nb", "mcp", "--transport", "http", "--port", str(self.port)]
        args += ["--environment", self._environment]
        with open(self._log, "ab") as log:
            self.process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, env=mcp_env(self._home)
            )

        def up() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log()
            try:
                return httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(up, timeout=60, message="the MCP HTTP server")
        return self

    def log(self) -> str:
        """What the server printed so far."""
        return self._log.read_text(errors="replace")[-5000:] if self._log.exists() else ""

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def run(test: Any) -> Any:
    """Run an async test body and return what it returns (``anyio.run``: the tests need no async plugin).

    It runs on a thread of its own: the browser tests' session-wide Playwright keeps an event loop on the
    main thread, where a second loop cannot start.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, test).result()
