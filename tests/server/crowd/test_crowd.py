"""The simulated crowd over HTTP: determinism, pace, early stopping on the real path, oracles, controls."""

from __future__ import annotations

import time
from typing import Any

import httpx
import numpy as np

from rapidata_nb.engine.referee import confidence_per_category
from tests.utils.crowd import (
    compare_definition,
    ok,
    register_oracle,
    start_job,
    strip_volatile,
    wait_completed,
)
from tests.utils.server import wait_for as poll

PAIRS = [(f"caption {i} by model one", f"caption {i} by model two") for i in range(5)]


def test_same_job_twice_gives_identical_results(api: httpx.Client) -> None:
    definition = compare_definition(api, PAIRS, {"_t": "NaiveReferee", "totalVotes": 9})
    first = wait_completed(api, start_job(api, definition)["jobId"])
    second = wait_completed(api, start_job(api, definition)["jobId"])
    assert strip_volatile(first) == strip_volatile(second)
    assert [sum(r["aggregatedResults"].values()) for r in first["results"]] == [9] * 5


def test_five_datapoints_times_25_responses_complete_quickly(api: httpx.Client) -> None:
    pairs = [(f"pace left {i}", f"pace right {i}") for i in range(5)]
    definition = compare_definition(api, pairs, {"_t": "NaiveReferee", "totalVotes": 25})
    started = time.monotonic()
    job_id = start_job(api, definition)["jobId"]
    doc = wait_completed(api, job_id, timeout=30)
    assert time.monotonic() - started < 30
    assert [sum(r["aggregatedResults"].values()) for r in doc["results"]] == [25] * 5
    progress = ok(api.get(f"/job/{job_id}/progress"))
    assert (progress["completed"], progress["total"], progress["responseCount"]) == (5, 5, 125)


def test_each_labeler_answers_a_datapoint_once(api: httpx.Client) -> None:
    definition = compare_definition(
        api, [("once left", "once right")], {"_t": "NaiveReferee", "totalVotes": 40}
    )
    doc = wait_completed(api, start_job(api, definition)["jobId"])
    users = [d["userId"] for d in doc["results"][0]["detailedResults"]]
    assert len(users) == 40 and len(set(users)) == 40


def test_quorum_stops_at_threshold_or_when_unreachable(api: httpx.Client) -> None:
    pairs = [(f"quorum left {i}", f"quorum right {i}") for i in range(8)]
    definition = compare_definition(api, pairs, {"_t": "QuorumReferee", "maxVotes": 10, "threshold": 7})
    doc = wait_completed(api, start_job(api, definition)["jobId"])

    def done(votes: list[str]) -> bool:
        top = max((votes.count(v) for v in set(votes)), default=0)
        return top >= 7 or top + (10 - len(votes)) < 7 or len(votes) >= 10

    for result in doc["results"]:
        votes = [d["votedFor"] for d in result["detailedResults"]]
        assert done(votes), result["aggregatedResults"]
        assert not any(done(votes[:k]) for k in range(1, len(votes))), votes  # and not a vote earlier


def _confidence_trace(result: dict[str, Any], names: list[str]) -> list[float]:
    votes = [
        (names.index(d["votedFor"]), d["userDetails"]["userScores"]["global"])
        for d in result["detailedResults"]
        if d["votedFor"] in names
    ]
    return [
        float(confidence_per_category([c for c, _ in votes[:k]], [s for _, s in votes[:k]], 2).max())
        for k in range(1, len(votes) + 1)
    ]


def test_confidence_stopping_stops_at_the_threshold(api: httpx.Client) -> None:
    pairs = [(f"clear winner {i}", f"clear loser {i}") for i in range(6)]
    for a, b in pairs:
        register_oracle(api, "compare", [a, b], {"winner": 0})
    definition = compare_definition(
        api, pairs, {"_t": "EarlyStoppingReferee", "maxVotes": 50, "threshold": 0.99}
    )
    doc = wait_completed(api, start_job(api, definition)["jobId"])
    sizes = [sum(r["aggregatedResults"].values()) for r in doc["results"]]
    assert all(n < 50 for n in sizes), sizes
    assert float(np.mean(sizes)) < 15
    for result, (a, b) in zip(doc["results"], pairs, strict=True):
        trace = _confidence_trace(result, [a, b])
        assert trace[-1] >= 0.99 and all(c < 0.99 for c in trace[:-1]), trace
        assert result["winner"] == a


def test_oracle_preference_shows_in_the_vote_split(api: httpx.Client) -> None:
    pair = ("sixty percent side", "forty percent side")
    register_oracle(api, "compare", list(pair), {"pA": 0.6})
    definition = compare_definition(api, [pair], {"_t": "NaiveReferee", "totalVotes": 300})
    doc = wait_completed(api, start_job(api, definition)["jobId"])
    ratio = doc["results"][0]["aggregatedResultsRatios"][pair[0]]
    assert 0.5 < ratio < 0.7  # 300 votes at 60/40: standard error 0.028


def test_oracle_rejects_bad_truths(api: httpx.Client) -> None:
    for body in (
        {"kind": "compare", "assets": ["a", "b"], "truth": {"pA": 1.5}},
        {"kind": "classify", "assets": ["a"], "truth": {"categories": []}},
        {"kind": "teleport", "assets": ["a"], "truth": {}},
        {
            "kind": "locate",
            "assets": ["a"],
            "truth": {"boxes": [{"xMin": 0.5, "yMin": 0, "xMax": 0.4, "yMax": 1}]},
        },
    ):
        response = api.post("/local/oracle", json=body)
        assert response.status_code == 400, body
        assert response.json()["message"]


def test_pause_and_resume_the_crowd(api: httpx.Client) -> None:
    assert ok(api.post("/local/crowd/pause"))["paused"] is True
    try:
        definition = compare_definition(
            api, [("paused left", "paused right")], {"_t": "NaiveReferee", "totalVotes": 3}
        )
        job_id = start_job(api, definition)["jobId"]
        assert ok(api.get(f"/job/{job_id}/progress"))["responseCount"] == 0
    finally:
        assert ok(api.post("/local/crowd/resume"))["paused"] is False
    wait_completed(api, job_id)
    status = ok(api.post("/local/crowd/pace", json={"pace": 0}))
    assert status["pace"] == 0 and status["running"] is True
    assert api.post("/local/crowd/pace", json={"pace": -1}).status_code == 400


def test_health_needs_no_auth(live_server: Any) -> None:
    assert httpx.get(f"{live_server.url}/local/health").json() == {"status": "ok"}
    poll(lambda: httpx.get(f"{live_server.url}/local/crowd").status_code == 401, timeout=5)


def test_seeding_is_idempotent_across_restarts(live_server_factory: Any) -> None:
    server = live_server_factory()
    with server.client() as client:
        before = ok(client.get("/audience/aud_MU1GZYoESyO/user-metrics"))["usersPerState"]
        population = ok(client.get("/audience/global/user-metrics"))["usersPerState"]["Graduated"]
    server.restart()
    with server.client() as client:
        assert ok(client.get("/audience/aud_MU1GZYoESyO/user-metrics"))["usersPerState"] == before
        assert (
            ok(client.get("/audience/global/user-metrics"))["usersPerState"]["Graduated"] == population == 600
        )
