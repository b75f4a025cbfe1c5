"""``rapidata-nb mcp`` driven by the ``mcp`` SDK's own client, over stdio and over Streamable HTTP: the tools
it lists, and a comparison task from draft to complete results collected from the simulated crowd."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

pytest.importorskip("mcp")

from mcp import Client  # noqa: E402

from tests.utils.mcp_server import (  # noqa: E402
    call,
    http_session,
    mcp_env,
    refused,
    run,
    stdio_session,
    wait_until,
)
from tests.utils.server import LiveServer  # noqa: E402

#: (read_only, destructive, idempotent, open_world) of every tool; the first seven are rapidata-mcp's.
ANNOTATIONS = {
    "create_classification_task": (False, False, False, False),
    "create_comparison_task": (False, False, False, False),
    "start_job": (False, True, True, True),
    "get_job_status": (True, False, True, False),
    "get_job_results": (True, False, True, False),
    "list_jobs": (True, False, True, False),
    "pause_job": (False, False, True, False),
    "validate_judge": (True, False, True, False),
    "create_ranking_task": (False, False, False, False),
    "create_locate_task": (False, False, False, False),
    "create_draw_task": (False, False, False, False),
    "create_select_words_task": (False, False, False, False),
    "create_free_text_task": (False, False, False, False),
    "create_audience": (False, False, False, False),
    "get_audience": (True, False, True, False),
    "list_audiences": (True, False, True, False),
    "list_leaderboards": (True, False, True, False),
    "get_leaderboard_standings": (True, False, True, False),
}
PAIRS = [
    ["https://assets.rapidata.ai/flux_cat.png", "https://assets.rapidata.ai/dalle_cat.png"],
    ["https://assets.rapidata.ai/flux_dog.png", "https://assets.rapidata.ai/dalle_dog.png"],
]


async def lists_every_tool_with_annotations_and_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == set(ANNOTATIONS)
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None, name
        assert (
            hints.read_only_hint,
            hints.destructive_hint,
            hints.idempotent_hint,
            hints.open_world_hint,
        ) == ANNOTATIONS[name]
        assert tool.description and tool.title, name
        properties = tool.input_schema["properties"]
        assert [p for p, schema in properties.items() if not schema.get("description")] == [], name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", name
    pairs = tools["create_comparison_task"].input_schema["properties"]["comparison_pairs"]
    assert (pairs["minItems"], pairs["maxItems"], pairs["items"]["minItems"], pairs["items"]["maxItems"]) == (
        1,
        500,
        2,
        2,
    )
    assert tools["create_comparison_task"].input_schema["required"] == [
        "name",
        "instruction",
        "comparison_pairs",
    ]
    assert "confirmation_required" in tools["create_comparison_task"].output_schema["properties"]


async def compares_from_draft_to_complete_results(client: Client) -> str:
    draft = await call(
        client,
        "create_comparison_task",
        name="mcp compare",
        instruction="Which image matches the prompt better?",
        comparison_pairs=PAIRS,
        responses_per_datapoint=3,
    )
    assert (draft["status"], draft["task_type"], draft["datapoints"], draft["total_responses"]) == (
        "Created",
        "Compare",
        2,
        6,
    )
    assert draft["confirmation_required"] is True
    job_id = str(draft["job_id"])

    started = await call(client, "start_job", job_id=job_id)
    assert (started["started"], started["audience_id"], started["total_responses"]) == (True, "global", 6)
    status = await wait_until(client, job_id, "complete")
    assert (status["status"], status["responses_collected"], status["tasks_completed"]) == ("Completed", 6, 2)

    results = await call(client, "get_job_results", job_id=job_id)
    assert (results["result_status"], results["responses_collected"], results["datapoints_total"]) == (
        "complete",
        6,
        2,
    )
    assert [sum(dp["aggregatedResults"].values()) for dp in results["datapoints"]] == [3, 3]
    assert [sorted(dp["aggregatedResults"]) for dp in results["datapoints"]] == [
        ["dalle_cat.png", "flux_cat.png"],
        ["dalle_dog.png", "flux_dog.png"],
    ]
    assert results["summary"]["A_wins_total"] + results["summary"]["B_wins_total"] <= 2
    assert all("detailedResults" not in dp for dp in results["datapoints"])  # per-labeler detail: on request

    detailed = await call(client, "get_job_results", job_id=job_id, include_details=True, max_datapoints=1)
    assert (len(detailed["datapoints"]), detailed["datapoints_total"], detailed["truncated"]) == (1, 2, True)
    responses = detailed["datapoints"][0]["detailedResults"]
    assert len(responses) == 3 and all("country" in r["userDetails"] for r in responses)

    again = await call(client, "start_job", job_id=job_id)
    assert (again["started"], again["status"]) == (False, "Completed")  # a second call never spends twice
    listed = await call(client, "list_jobs", name_contains="mcp compare")
    assert [(j["job_id"], j["result_status"]) for j in listed["jobs"]] == [(job_id, "complete")]
    return job_id


def test_stdio_on_the_embedded_backend_from_draft_to_complete_results(tmp_path: Path) -> None:
    """With nothing configured, ``rapidata-nb mcp`` serves the local user on the embedded backend."""
    home = tmp_path / "nb"
    env = mcp_env(tmp_path, RAPIDATA_NB_HOME=str(home), RAPIDATA_NB_CROWD_PACE="0")

    async def session() -> None:
        async with stdio_session(env) as client:
            await lists_every_tool_with_annotations_and_schemas(client)
            job_id = await compares_from_draft_to_complete_results(client)
            status = await call(client, "get_job_status", job_id=job_id)
        assert status["details_url"].startswith("http://127.0.0.1:")

    run(session)
    assert (home / "rapidata.db").is_file()  # the embedded backend's store, in RAPIDATA_NB_HOME


def test_http_refuses_calls_without_a_token_the_backend_accepts(mcp_http: str) -> None:
    """No anonymous spending: without a bearer token the backend issued, nothing reaches the tools."""
    request = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Accept": "application/json, text/event-stream"}
    assert httpx.post(mcp_http, json=request, headers=headers).status_code == 401
    forged = {**headers, "Authorization": "Bearer not-a-token-of-the-backend"}
    assert httpx.post(mcp_http, json=request, headers=forged).status_code == 401


def test_http_with_a_backend_token_from_draft_to_complete_results(
    mcp_http: str, live_server: LiveServer
) -> None:
    """Each call runs with the caller's token: the task belongs to that client's account on the backend."""

    async def session() -> str:
        async with http_session(mcp_http, live_server.token()) as client:
            await lists_every_tool_with_annotations_and_schemas(client)
            job_id = await compares_from_draft_to_complete_results(client)
            refusal = await refused(
                client,
                "create_comparison_task",
                name="server files",
                instruction="Which is better?",
                comparison_pairs=[["/etc/hostname", "/etc/hosts"]],
            )
            assert "comparison_pairs[0][0]: '/etc/hostname' is not an http(s) URL" in refusal
            return job_id

    job_id = run(session)
    with live_server.client() as api:
        assert api.get(f"/job/definition/{job_id}").json()["name"] == "mcp compare"
        jobs = api.get("/jobs", params={"definition_id[eq]": job_id}).json()
        assert [j["state"] for j in jobs["items"]] == ["Completed"]
