"""The official ``rapidata`` SDK (PyPI 3.27.x) runs the documented workflows against our server, unchanged.

The SDK hard-codes ``https://api.<environment>`` and ``https://auth.<environment>``; with
``RAPIDATA_ENVIRONMENT=local@localhost:<port>`` the ``api.local@`` part becomes URL userinfo and both
resolve to our single TLS origin (wire notes §6, approach A). A throwaway CA from ``trustme`` signs the
server's certificate and ``SSL_CERT_FILE`` makes the SDK trust it.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from tests.utils.server import free_port

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "seed_examples"
"""The SDK docs' example programs, in the reference material beside the checkout (``../shared/reference``)."""


def require_seeds() -> Path:
    """``SEEDS``, or skip the calling test where they are absent (a fresh clone with nothing beside it).

    With ``RAPIDATA_NB_REQUIRE_SEEDS`` set they must be there, so their absence fails instead of skipping
    (a dedicated variable: a generic ``CI`` may be set where the reference material is not).
    """
    if SEEDS.is_dir():
        return SEEDS
    message = f"the SDK's seed examples are not at {SEEDS} (reference material beside the checkout)"
    if os.environ.get("RAPIDATA_NB_REQUIRE_SEEDS"):
        pytest.fail(message)
    pytest.skip(message)


RUNNER = Path(__file__).resolve().parents[1] / "seed" / "run_seed.py"
CLIENT_ID, CLIENT_SECRET = "official-sdk", "official-sdk-secret"


@contextmanager
def start_tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Our server over TLS on localhost, with API credentials registered for the SDK.

    Yields the environment under which the official SDK reaches it; the server is killed on exit.
    """
    certs = tmp_path_factory.mktemp("certs")
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    ca.cert_pem.write_to_path(str(certs / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(certs / "key.pem"))
    leaf.cert_chain_pems[0].write_to_path(str(certs / "cert.pem"))
    port = free_port()
    data = tmp_path_factory.mktemp("tls_data")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rapidata_nb.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data),
            "--crowd-pace",
            "0",
            "--ssl-certfile",
            str(certs / "cert.pem"),
            "--ssl-keyfile",
            str(certs / "key.pem"),
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    trust = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"https://localhost:{port}/local/health", verify=trust).is_success:
                break
        except httpx.TransportError:
            pass
        assert server.poll() is None, "server exited"
        assert time.monotonic() < deadline, "server did not come up"
        time.sleep(0.1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
    env.update(
        RAPIDATA_ENVIRONMENT=f"local@localhost:{port}",
        RAPIDATA_CLIENT_ID=CLIENT_ID,
        RAPIDATA_CLIENT_SECRET=CLIENT_SECRET,
        RAPIDATA_DISABLE_OTLP="1",
        SSL_CERT_FILE=str(certs / "ca.pem"),
        HOME=str(tmp_path_factory.mktemp("sdk_home")),
    )
    try:
        yield env
    finally:
        server.kill()
        server.wait()


def run_official(script: Path, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run a seed example with the official SDK (``tests/seed/run_seed.py --official``); its summary."""
    require_seeds()
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(script), "--official"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("SEED-SUMMARY ")), None)
    assert line, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    outcome = json.loads(line.removeprefix("SEED-SUMMARY "))
    assert outcome["error"] is None, f"{outcome}\nstderr:\n{proc.stderr[-4000:]}"
    return outcome
