"""The invariants of the MCP tools, on a backend whose crowd answers only when the test steps it (so a running
job can be observed mid-run without sleeping): a draft collects nothing, results never wait, and a bad
argument is a tool error that says what to fix and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("mcp")

from tests.utils.mcp_server import call, mcp_env, refused, run, stdio_session  # noqa: E402
from tests.utils.server import LiveServer  # noqa: E402

TEXT_PAIRS = [
    ["The cat sat on the mat.", "The cat sat in the mat."],
    ["She has two brothers.", "She have two brothers."],
]


def local_user(backend: LiveServer, home: Path) -> dict[str, str]:
    """The environment of a user whose credentials name ``backend`` (what stdio serves with)."""
    return mcp_env(
        home,
        RAPIDATA_ENVIRONMENT=backend.url,
        RAPIDATA_CLIENT_ID=backend.client_id,
        RAPIDATA_CLIENT_SECRET=backend.client_secret,
    )


def votes(results: dict[str, Any]) -> list[int]:
    return [sum(dp["aggregatedResults"].values()) for dp in results["datapoints"]]


def test_a_draft_collects_nothing_and_results_of_a_running_job_come_at_once(
    quiet_backend: LiveServer, tmp_path: Path
) -> None:
    api = quiet_backend.client()

    async def session() -> None:
        async with stdio_session(local_user(quiet_backend, tmp_path)) as client:
            draft = await call(
                client,
                "create_comparison_task",
                name="grammar",
                instruction="Which sentence is grammatically correct?",
                comparison_pairs=TEXT_PAIRS,
                responses_per_datapoint=4,
                data_type="text",
            )
            job_id = draft["job_id"]
            assert draft["total_responses"] == 8

            # Before start_job no labeler can reach the task: the crowd finds nothing to answer.
            assert api.post("/local/crowd/step", params={"steps": 5}).json() == {"steps": 0}
            assert api.get("/jobs", params={"definition_id[eq]": job_id}).json()["total"] == 0
            results = await call(client, "get_job_results", job_id=job_id)
            assert (results["status"], results["result_status"], results["responses_collected"]) == (
                "Created",
                "not_started",
                0,
            )
            assert results["datapoints"] == []

            await call(client, "start_job", job_id=job_id)
            # Running, nobody answered yet: the results come back at once, empty, with a status to poll on.
            collecting = await call(client, "get_job_results", job_id=job_id)
            assert (collecting["status"], collecting["result_status"], votes(collecting)) == (
                "Running",
                "collecting",
                [0, 0],
            )

            assert api.post("/local/crowd/step", params={"steps": 3}).json() == {"steps": 3}
            partial = await call(client, "get_job_results", job_id=job_id)
            assert (partial["status"], partial["result_status"], partial["responses_collected"]) == (
                "Running",
                "partial",
                3,
            )
            assert sorted(votes(partial)) == [1, 2]  # fewest responses first
            assert partial["next_step"] == "3 of 8 responses so far; call again later for the rest."

            paused = await call(client, "pause_job", job_id=job_id)
            assert (paused["status"], paused["paused"]) == ("Paused", True)
            assert api.post("/local/crowd/step", params={"steps": 5}).json() == {"steps": 0}
            held = await call(client, "get_job_results", job_id=job_id)
            assert (held["result_status"], held["responses_collected"]) == ("paused", 3)

            resumed = await call(client, "start_job", job_id=job_id)
            assert (resumed["started"], resumed["status"]) == (True, "Running")
            assert api.post("/local/crowd/step", params={"steps": 5}).json() == {"steps": 5}
            done = await call(client, "get_job_results", job_id=job_id)
            assert (done["result_status"], done["responses_collected"], votes(done)) == (
                "complete",
                8,
                [4, 4],
            )

    with api:
        run(session)


def _counts(api: httpx.Client) -> tuple[int, int, int]:
    """Definitions, jobs and audiences the backend holds for the test client."""
    return (
        api.get("/job/definitions").json()["total"],
        api.get("/jobs").json()["total"],
        api.get("/audiences").json()["total"],
    )


BASE = {"name": "bad", "instruction": "Which is better?"}
BAD_CALLS: list[tuple[str, dict[str, Any], str]] = [
    ("get_job_status", {"job_id": "def_missing"}, "job_id 'def_missing' is not one of your tasks"),
    ("get_job_results", {"job_id": "def_missing"}, "job_id 'def_missing' is not one of your tasks"),
    ("start_job", {"job_id": "def_missing"}, "job_id 'def_missing' is not one of your tasks"),
    ("pause_job", {"job_id": "def_missing"}, "job_id 'def_missing' is not one of your tasks"),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": []},
        "comparison_pairs\n  List should have at least 1",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": [[f"a{i}", f"b{i}"] for i in range(501)], "data_type": "text"},
        "comparison_pairs\n  List should have at most 500 items",
    ),
    (
        "create_classification_task",
        {**BASE, "answer_options": ["Yes", "No"], "datapoint_urls": []},
        "datapoint_urls\n  List should have at least 1",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": TEXT_PAIRS, "responses_per_datapoint": "many", "data_type": "text"},
        "responses_per_datapoint\n  Input should be a valid integer",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": TEXT_PAIRS, "responses_per_datapoint": 1000, "data_type": "text"},
        "responses_per_datapoint\n  Input should be less than or equal to 100",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": "a vs b"},
        "comparison_pairs\n  Input should be a valid list",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": [["a", "b", "c"]], "data_type": "text"},
        "comparison_pairs.0\n  List should have at most 2 items",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": [["same", "same"]], "data_type": "text"},
        "datapoints[0] compares 'same' with itself; the 2 items must be different.",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": TEXT_PAIRS, "contexts": ["only one"], "data_type": "text"},
        "contexts has 1 entries but there are 2 datapoints; give one per datapoint.",
    ),
    (
        "create_comparison_task",
        {**BASE, "comparison_pairs": [["missing.png", "https://example.org/b.png"]]},
        "comparison_pairs[0][0]: 'missing.png' is neither an http(s) URL nor an existing file",
    ),
    (
        "create_classification_task",
        {**BASE, "answer_options": ["Yes"], "datapoint_urls": ["a"], "data_type": "text"},
        "answer_options\n  List should have at least 2 items",
    ),
    (
        "create_audience",
        {
            "name": "experts",
            "qualification_examples": [
                {
                    "kind": "comparison",
                    "instruction": "Better?",
                    "pair": ["a", "b"],
                    "truth": "c",
                    "data_type": "text",
                }
            ],
        },
        "qualification_examples[0].truth must be one of the two items of its pair.",
    ),
    (
        "create_audience",
        {"name": "experts", "qualification_examples": [{"kind": "poll", "instruction": "Better?"}]},
        "qualification_examples.0\n  Input tag 'poll' found using 'kind' does not match any of the expected",
    ),
]


def test_bad_arguments_are_tool_errors_that_say_what_to_fix_and_change_nothing(
    quiet_backend: LiveServer, tmp_path: Path
) -> None:
    api = quiet_backend.client()

    async def session() -> None:
        async with stdio_session(local_user(quiet_backend, tmp_path)) as client:
            draft = await call(
                client, "create_comparison_task", **BASE, comparison_pairs=TEXT_PAIRS, data_type="text"
            )
            before = _counts(api)
            for tool, arguments, message in BAD_CALLS:
                assert message in await refused(client, tool, **arguments), (tool, arguments)
            on_draft = [
                ("start_job", {"audience_id": "aud_missing"}, "audience_id 'aud_missing' does not exist"),
                ("pause_job", {}, "is a draft that has not started, so there is nothing to pause"),
            ]
            for tool, arguments, message in on_draft:
                assert message in await refused(client, tool, job_id=draft["job_id"], **arguments), tool
            assert _counts(api) == before
            status = await call(client, "get_job_status", job_id=draft["job_id"])
            assert (status["result_status"], status["responses_collected"]) == ("not_started", 0)

    with api:
        run(session)
