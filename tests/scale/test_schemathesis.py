"""schemathesis against our OpenAPI schema (issue 9): a bounded number of generated requests per operation,
with a bearer token, and no 5xx answer anywhere.

The run is bounded twice: ``--max-examples`` per operation and ``--max-time`` for the whole run. The crowd is
off (the server only answers requests). The labeler feed and the ``/local`` routes get a run of their own, so
the customer API's run cannot use up the time before reaching them; their ``{session_id}`` is a real labeling
session with tasks to serve (``schemathesis.toml``), so fetches and answers reach the feed's code instead of
its 404.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.utils.labelers import compare_job
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


RUNS = {
    "customer API": ("--exclude-path-regex", "^/(labeler|local)/"),
    "labeler feed and /local": ("--include-path-regex", "^/(labeler|local)/"),
}


@pytest.fixture(scope="module")
def server(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def session_id(server: LiveServer) -> str:
    """A labeling session of a person, with a running job's tasks to serve."""
    with server.client() as api:
        compare_job(api, "fuzzed", n=3, votes=2)
        started = api.post("/labeler/session", json={"name": "fuzzed"})
        started.raise_for_status()
        return str(started.json()["sessionId"])


@pytest.mark.parametrize("run", sorted(RUNS))
def test_no_server_error_for_generated_requests(
    server: LiveServer, session_id: str, run: str, tmp_path: Path
) -> None:
    token = server.token()
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\n"path.session_id" = "{session_id}"\n')
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
        *RUNS[run],
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
    selected = re.search(r"Selected: (\d+)/\d+\s+Tested: (\d+)", done.stdout)
    assert selected is not None and selected.group(1) == selected.group(2), output  # none left untried
    if run == "labeler feed and /local":
        assert int(selected.group(1)) >= 13, output  # 4 labeler routes, 9 /local ones
