"""Durability: after ``kill -9`` and a restart nothing acknowledged is lost and running jobs continue."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.utils.builders import create_definition

pytestmark = pytest.mark.slow


def test_kill_9_loses_nothing_acknowledged(live_server_factory: Any, poll: Any) -> None:
    server = live_server_factory(crowd=True, extra_args=("--crowd-pace", "0.01"))
    token = server.token()
    api = server.client(token)
    data = b"durable bytes"
    file_name = api.post(
        "/asset/file", files={"file": ("keep.bin", data, "application/octet-stream")}
    ).json()["fileName"]
    created = create_definition(api, "compare", n=8, votes=4)
    job_id = api.post(
        "/job", json={"jobDefinitionId": created["definitionId"], "audienceId": "global"}
    ).json()["jobId"]
    # wait until some responses are acknowledged, then kill without any shutdown hook
    seen = poll(lambda: api.get(f"/job/{job_id}/progress").json()["responseCount"] >= 3, message="responses")
    before = api.get(f"/job/{job_id}/progress").json()["responseCount"]
    assert seen
    server.kill()
    api.close()

    server.restart()
    api = server.client(token)  # tokens are stored: the old one still works
    assert api.get(f"/job/definition/{created['definitionId']}").status_code == 200
    assert api.get(f"/job/{job_id}").status_code == 200
    assert api.get(f"/job/{job_id}/progress").json()["responseCount"] >= before
    assert httpx.get(f"{server.url}/assets/{file_name}").content == data
    # the crowd resumes the running job and finishes it with exactly the referee's target
    poll(
        lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed", timeout=120, message="job completes"
    )
    progress = api.get(f"/job/{job_id}/progress").json()
    assert progress["completed"] == progress["total"] == 8
    assert progress["responseCount"] == 8 * 4
    results = api.get(f"/job/{job_id}/download-results").json()["results"]
    assert [sum(r["aggregatedResults"].values()) for r in results] == [4] * 8
    # a new job after the restart works too
    again = api.post("/job", json={"jobDefinitionId": created["definitionId"], "audienceId": "global"})
    assert again.status_code == 200
    api.close()
