"""Every task type completes through the crowd, with answers that fit the task (real server over HTTP)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.utils.crowd import ok, register_oracle, start_job, strip_volatile, wait_completed


def text(t: str) -> dict[str, Any]:
    return {"key": "asset", "kind": "Asset", "asset": {"_t": "TextAssetInput", "text": t}}


def run(
    api: httpx.Client,
    workflow: dict[str, Any],
    datapoints: list[tuple[list[dict[str, Any]], str | None]],
    referee: dict[str, Any],
    flags: list[dict[str, str]] | None = None,
) -> tuple[str, dict[str, Any]]:
    ds = ok(api.post("/dataset", json={"name": "kinds_dataset", "schema": None}))["datasetId"]
    for i, (segments, group) in enumerate(datapoints):
        ok(api.post(f"/dataset/{ds}/datapoint", json={"segments": segments, "sortIndex": i, "group": group}))
    if workflow["_t"] != "GroupedRankingWorkflow":
        workflow = {"_t": "SimpleWorkflow", "rapid": workflow}
    body = {
        "definitionName": "kinds",
        "workflow": workflow,
        "referee": referee,
        "datasetId": ds,
        "rapidFeatureFlags": flags,
    }
    definition = ok(api.post("/job/definition", json=body))["definitionId"]
    job_id = start_job(api, definition)["jobId"]
    return job_id, wait_completed(api, job_id)


NAIVE = {"_t": "NaiveReferee", "totalVotes": 6}


@pytest.mark.parametrize(
    ("rapid", "segments", "flags"),
    [
        ({"_t": "Locate", "asset": {"segment": "asset"}, "target": {"literal": "the cat"}}, [], None),
        ({"_t": "Line", "asset": {"segment": "asset"}, "target": {"literal": "the road"}}, [], None),
        (
            {
                "_t": "Transcription",
                "asset": {"segment": "asset"},
                "title": {"literal": "Wrong words?"},
                "transcription": {"segment": "transcription"},
            },
            [{"key": "transcription", "kind": "Text", "text": "the quick brown fox jumps"}],
            None,
        ),
        (
            {"_t": "FreeText", "asset": {"segment": "asset"}, "question": {"literal": "Describe it"}},
            [],
            [{"key": "free_text_minimum_characters", "value": "12"}],
        ),
    ],
)
def test_simple_workflows_complete(
    api: httpx.Client,
    rapid: dict[str, Any],
    segments: list[dict[str, Any]],
    flags: list[dict[str, str]] | None,
) -> None:
    datapoints = [([text(f"{rapid['_t']} image {i}"), *segments], None) for i in range(3)]
    job_id, doc = run(api, rapid, datapoints, NAIVE, flags)
    progress = ok(api.get(f"/job/{job_id}/progress"))
    assert (progress["completed"], progress["responseCount"]) == (3, 18)
    assert len(doc["results"]) == 3


def test_locate_answers_cluster_on_the_registered_target(api: httpx.Client) -> None:
    register_oracle(
        api, "locate", ["the dog photo"], {"boxes": [{"xMin": 0.6, "yMin": 0.6, "xMax": 0.9, "yMax": 0.9}]}
    )
    rapid = {"_t": "Locate", "asset": {"segment": "asset"}, "target": {"literal": "the dog"}}
    _, doc = run(api, rapid, [([text("the dog photo")], None)], {"_t": "NaiveReferee", "totalVotes": 30})
    points = [p for d in doc["results"][0]["detailedResults"] for p in d["points"]]
    inside = sum(0.6 <= p["x"] <= 0.9 and 0.6 <= p["y"] <= 0.9 for p in points) / len(points)
    assert inside > 0.5  # skill-weighted: knowers tap the box, guessers tap anywhere (9 % chance inside)


def test_full_permutation_ranking_compares_every_pair(api: httpx.Client) -> None:
    workflow = {
        "_t": "GroupedRankingWorkflow",
        "criteria": "Which is better?",
        "pairMakerConfig": {"_t": "FullPermutationPairMaker"},
        "rankingConfig": {"_t": "BradleyTerryRankingConfig", "startingScore": 1200},
    }
    datapoints = [([text(f"rank item {g}-{i}")], str(g)) for g in range(2) for i in range(4)]
    job_id, doc = run(api, workflow, datapoints, {"_t": "NaiveReferee", "totalVotes": 3})
    progress = ok(api.get(f"/job/{job_id}/progress"))
    assert (progress["total"], progress["responseCount"]) == (12, 36)  # 2 groups × 6 pairs × 3 votes
    assert len(doc["results"]) == 2


def test_online_ranking_spends_its_budget(api: httpx.Client) -> None:
    workflow = {
        "_t": "GroupedRankingWorkflow",
        "criteria": "Which is better?",
        "pairMakerConfig": {"_t": "OnlinePairMaker", "totalComparisonBudget": 30, "randomMatchesRatio": 0.5},
        "rankingConfig": {"_t": "BradleyTerryRankingConfig", "startingScore": 1200},
    }
    datapoints = [([text(f"big item {i}")], "0") for i in range(12)]
    job_id, doc = run(api, workflow, datapoints, {"_t": "NaiveReferee", "totalVotes": 1})
    progress = ok(api.get(f"/job/{job_id}/progress"))
    assert (progress["total"], progress["completed"], progress["responseCount"]) == (30, 30, 30)
    _, again = run(api, workflow, datapoints, {"_t": "NaiveReferee", "totalVotes": 1})
    assert strip_volatile(again) == strip_volatile(doc)  # the online pair maker is seeded by content, too
