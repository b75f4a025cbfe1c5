"""Fixtures of the MCP server tests: backends, and ``rapidata-nb mcp`` over Streamable HTTP before one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.utils.server import LiveServer


@pytest.fixture(scope="module")
def mcp_http(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The MCP endpoint URL of a ``rapidata-nb mcp --transport http`` for ``live_server``."""
    from tests.utils.mcp_server import McpHttpServer

    server = McpHttpServer(live_server.url, tmp_path_factory.mktemp("mcp-http")).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def quiet_backend(live_server_factory: object) -> LiveServer:
    """A backend without a crowd thread: labeling happens only through ``POST /local/crowd/step``."""
    return live_server_factory(crowd=False)  # type: ignore[operator, no-any-return]
