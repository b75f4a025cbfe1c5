"""Shared fixtures: real server processes over HTTP (``tests/utils/server.py``), one per test module."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.utils.official_sdk import start_tls_server
from tests.utils.server import LiveServer, wait_for


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server process with the simulated crowd at full speed (one per test module)."""
    server = LiveServer(tmp_path_factory.mktemp("server") / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    """An authenticated httpx client for ``live_server``."""
    with live_server.client() as client:
        yield client


@pytest.fixture(scope="session")
def poll() -> Any:
    """``poll(fn, timeout=..., message=...)``: call ``fn`` until truthy (tests never sleep to synchronise)."""
    return wait_for


@pytest.fixture(scope="module")
def live_server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start extra servers: ``live_server_factory(crowd=False, extra_args=(...))``; all stopped at module
    end."""
    servers: list[LiveServer] = []

    def start(
        *, crowd: bool = True, extra_args: tuple[str, ...] = (), tls: tuple[Path, Path, Path] | None = None
    ) -> LiveServer:
        server = LiveServer(
            tmp_path_factory.mktemp("server") / "data", crowd=crowd, extra_args=extra_args, tls=tls
        )
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def widgets_js_node() -> str:
    """``node`` with ``widgets_js/node_modules`` installed (``npm ci`` once per run), for the bundle checks.

    Skips only where node/npm are absent: then the committed bundles are used as they are.
    """
    import shutil

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node/npm not installed; the committed bundles are used as they are")
    js = Path(__file__).resolve().parents[1] / "widgets_js"
    needed = ("esbuild", "typescript", "@happy-dom/global-registrator")
    if not all((js / "node_modules" / name).exists() for name in needed):
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=js, check=True, timeout=300, capture_output=True
        )
    return node


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Our server over TLS on localhost with credentials for the official SDK; yields the SDK's env."""
    with start_tls_server(tmp_path_factory) as env:
        yield env
