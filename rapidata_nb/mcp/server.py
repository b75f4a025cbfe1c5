"""The MCP server: the tools, their annotations, and the two transports.

- **stdio** serves the local user: one ``RapidataClient`` resolved as ``RapidataClient()`` resolves it
  (argument → ``RAPIDATA_ENVIRONMENT`` → saved credentials → the embedded backend), with the same
  credentials. Media datapoints may be files on this machine.
- **Streamable HTTP** serves whoever reaches the port, so no call is anonymous: every request carries
  ``Authorization: Bearer <token>``, a token the backend issued (``/connect/token``). The server asks the
  backend's ``/connect/userinfo`` whether it is valid (401 otherwise) and runs each call with a client holding
  that token, so the backend's own rules (who owns what, who may spend) apply unchanged. Media datapoints
  must be URLs: the server never uploads its own files for a caller. It binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, closing, nullcontext, redirect_stdout
from typing import Any

import httpx
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from starlette.requests import Request
from starlette.responses import JSONResponse

from rapidata_nb import __version__
from rapidata_nb.client import RapidataClient
from rapidata_nb.client.client import endpoints_for
from rapidata_nb.config import rapidata_config
from rapidata_nb.mcp._base import ClientSource, ToolError
from rapidata_nb.mcp.audiences import AudienceTools
from rapidata_nb.mcp.jobs import JobTools

__all__ = ["INSTRUCTIONS", "BackendTokenVerifier", "build_server", "serve_http", "serve_stdio"]

logger = logging.getLogger("rapidata_nb.mcp")

INSTRUCTIONS = (
    "rapidata-nb asks people (a simulated crowd on a local backend, or real labelers on a team server or the "
    "Rapidata cloud) to label data: classify, compare, rank, locate, draw, select words, free text.\n"
    "Creating a task never spends: create_*_task returns total_responses and confirmation_required. Tell the "
    "user the cost and wait for their confirmation; only start_job commits. Results never block: "
    "get_job_results returns what exists with a result_status (not_started, collecting, partial, complete, "
    "...); poll get_job_status while a job runs. Per-labeler detail comes only with include_details."
)

_READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
_DRAFT = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
_SPEND = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)
_STOP = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

_TOOLS: dict[str, tuple[str, ToolAnnotations]] = {
    "create_classification_task": ("Draft a classification task", _DRAFT),
    "create_comparison_task": ("Draft a comparison task", _DRAFT),
    "create_ranking_task": ("Draft a ranking task", _DRAFT),
    "create_locate_task": ("Draft a locate task", _DRAFT),
    "create_draw_task": ("Draft a draw task", _DRAFT),
    "create_select_words_task": ("Draft a select-words task", _DRAFT),
    "create_free_text_task": ("Draft a free-text task", _DRAFT),
    "start_job": ("Start a task (spends)", _SPEND),
    "get_job_status": ("Job status", _READ),
    "get_job_results": ("Job results so far", _READ),
    "list_jobs": ("List tasks", _READ),
    "pause_job": ("Pause a job", _STOP),
    "validate_judge": ("Validate a model judge", _READ),
    "create_audience": ("Create a custom audience", _DRAFT),
    "get_audience": ("Audience recruiting", _READ),
    "list_audiences": ("List audiences", _READ),
    "list_leaderboards": ("List leaderboards", _READ),
    "get_leaderboard_standings": ("Leaderboard standings", _READ),
}
"""Every tool with its title and annotations, in the order ``tools/list`` shows them."""


def build_server(
    clients: ClientSource,
    *,
    local_files: bool,
    token_verifier: BackendTokenVerifier | None = None,
    auth: AuthSettings | None = None,
) -> MCPServer:
    """The MCP server with every tool, each call working on a client from ``clients``.

    Args:
        clients: Hands out the client of one call.
        local_files: Whether media datapoints may be files on this machine.
        token_verifier: Checks bearer tokens (HTTP); with ``auth``.
        auth: The resource-server settings that go with ``token_verifier``.
    """
    server: MCPServer = MCPServer(
        "rapidata-nb",
        title="rapidata-nb: human feedback",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",  # not every HTTP request of the client
        token_verifier=token_verifier,
        auth=auth,
    )
    groups = (JobTools(clients, local_files=local_files), AudienceTools(clients, local_files=local_files))
    for name, (title, hints) in _TOOLS.items():
        tool = next(getattr(group, name) for group in groups if hasattr(group, name))
        server.add_tool(
            tool,
            title=title,
            description=inspect.cleandoc(tool.__doc__ or ""),
            annotations=hints,
            structured_output=True,
        )

    @server.custom_route("/health", methods=["GET"])
    async def health(request: Request) -> JSONResponse:
        """Liveness (no auth)."""
        return JSONResponse({"status": "ok"})

    return server


class BackendTokenVerifier:
    """Accepts a bearer token when the backend's ``/connect/userinfo`` does.

    Args:
        auth_url: The backend's auth origin.
        verify: TLS verification for that origin (a CA bundle path, or ``True``).
    """

    def __init__(self, auth_url: str, verify: bool | str = True) -> None:
        self._userinfo = f"{auth_url.rstrip('/')}/connect/userinfo"
        self._verify = verify

    async def verify_token(self, token: str) -> AccessToken | None:
        """The token's identity, or ``None`` (the SDK then answers 401) when the backend refuses it."""
        try:
            async with httpx.AsyncClient(verify=self._verify, timeout=10.0) as http:
                answer = await http.get(self._userinfo, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            logger.warning("Cannot check a bearer token at %s: %s", self._userinfo, exc)
            return None
        if answer.status_code != 200:
            return None
        body = answer.json()
        return AccessToken(
            token=token,
            client_id=str(body.get("name") or body.get("sub")),
            scopes=[],
            subject=body.get("sub"),
        )


def _quiet() -> None:
    """No prints from the client: over stdio its stdout is the protocol channel."""
    rapidata_config.logging.silent_mode = True


def serve_stdio(*, environment: str | None = None, cert_path: str | None = None) -> None:
    """Serve over stdin/stdout with the local user's client (the embedded backend by default)."""
    _quiet()
    with redirect_stdout(sys.stderr):  # the embedded backend's banner must not reach the protocol channel
        client = RapidataClient(environment=environment, cert_path=cert_path)
    with closing(client):
        build_server(lambda: nullcontext(client), local_files=True).run("stdio")


def _caller_clients(
    origin: str, cert_path: str | None
) -> Callable[[], AbstractContextManager[RapidataClient]]:
    def clients() -> AbstractContextManager[RapidataClient]:
        access = get_access_token()
        if access is None:  # RequireAuthMiddleware lets no call through without one
            raise ToolError("this call carries no bearer token")
        token: dict[str, Any] = {"access_token": access.token, "token_type": "Bearer"}
        return closing(RapidataClient(environment=origin, cert_path=cert_path, token=token))

    return clients


def serve_http(
    *,
    environment: str | None = None,
    cert_path: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
) -> None:
    """Serve Streamable HTTP at ``http://host:port/mcp``; every request needs a bearer token of the backend.

    The backend is ``environment``, else ``RAPIDATA_ENVIRONMENT``, else what ``RapidataClient()`` resolves
    to (the saved credentials' environment, or the embedded backend, started here).
    """
    _quiet()
    origin = environment or os.environ.get("RAPIDATA_ENVIRONMENT") or None
    local: RapidataClient | None = None
    if origin is None:
        local = RapidataClient(cert_path=cert_path)
        origin = local.environment
    endpoints = endpoints_for(origin)
    server = build_server(
        _caller_clients(origin, cert_path),
        local_files=False,
        token_verifier=BackendTokenVerifier(endpoints.auth, cert_path or True),
        auth=AuthSettings(issuer_url=endpoints.auth, resource_server_url=None),
    )
    print(
        f"rapidata-nb mcp: Streamable HTTP at http://{host}:{port}/mcp for the backend {origin}; requests "
        f"need 'Authorization: Bearer <token>' with a token from {endpoints.auth}/connect/token",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.run("streamable-http", host=host, port=port, stateless_http=True)
    finally:
        if local is not None:
            local.close()
