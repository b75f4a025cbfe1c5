"""schemathesis against our OpenAPI schema (issue 9): a bounded number of generated requests per operation,
with a bearer token, and no 5xx answer anywhere.

The run is bounded twice: ``--max-examples`` per operation and ``--max-time`` for the whole run. The crowd is
off (the server only answers requests) and ``/local`` simulation controls are left out (they would pause or
speed up the crowd, nothing to fuzz).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.utils.server import LiveServer

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 5
MAX_SECONDS = 60


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
        "schemathesis"
    )
    if found is None:
        pytest.skip("schemathesis is not installed (pip install '.[dev]')")
    return found


def test_no_server_error_for_generated_requests(live_server_factory: Any, tmp_path: Path) -> None:
    server: LiveServer = live_server_factory(crowd=False)
    token = server.token()
    command = [
        _schemathesis(),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--seed",
        "7",
        "--header",
        f"Authorization: Bearer {token}",
        "--exclude-path-regex",
        "^/local/",
        "--request-timeout",
        "30",
        "--phases",
        "examples,coverage,fuzzing",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--warnings",
        "off",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS + 120, cwd=tmp_path)
    output = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, (
        f"schemathesis found server errors:\n{output}\n--- server log ---\n{server.log()}"
    )
