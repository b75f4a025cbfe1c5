"""``rapidata-nb mcp``: a Model Context Protocol server on the client (the optional extra ``[mcp]``).

Agents get the tools of RapidataAI/rapidata-mcp (same names, arguments and result fields) plus the task
types, custom audiences and leaderboards it lacks, against the embedded backend by default or any server the
client can reach. Creating a task never spends; only ``start_job`` does; results never block. See
``docs/agents.md``.
"""

from __future__ import annotations

from rapidata_nb.mcp.server import INSTRUCTIONS, BackendTokenVerifier, build_server, serve_http, serve_stdio

__all__ = ["INSTRUCTIONS", "BackendTokenVerifier", "build_server", "serve_http", "serve_stdio"]
