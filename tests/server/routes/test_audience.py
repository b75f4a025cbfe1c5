"""Audiences over HTTP: statuses, recruiting quality, filtered/unlisted audiences and input validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.utils.crowd import (
    classify_definition,
    compare_definition,
    compare_example,
    ok,
    register_oracle,
    start_job,
    text_pair,
    url_asset,
    wait_completed,
)
from tests.utils.server import wait_for


def new_audience(api: httpx.Client, name: str, **extra: Any) -> str:
    return str(ok(api.post("/audience", json={"name": name, **extra}))["audienceId"])


def metrics(api: httpx.Client, audience: str) -> dict[str, int]:
    return dict(ok(api.get(f"/audience/{audience}/user-metrics"))["usersPerState"])


def wait_recruited(api: httpx.Client, audience: str) -> dict[str, int]:
    wait_for(
        lambda: (
            ok(api.get(f"/audience/{audience}"))["status"] == "Ready"
            and metrics(api, audience)["Distilling"] == 0
        ),
        timeout=60,
        message=f"{audience} to finish recruiting",
    )
    return metrics(api, audience)


def test_seeded_audiences(api: httpx.Client) -> None:
    for audience_id, name in (
        ("global", "Global"),
        ("aud_MU1GZYoESyO", "Alignment"),
        ("aud_mr3NbeWa4Uo", "Coherence"),
    ):
        body = ok(api.get(f"/audience/{audience_id}"))
        assert (body["name"], body["status"]) == (name, "Ready")
        assert metrics(api, audience_id)["Graduated"] > 100
    names = [a["name"] for a in ok(api.get("/audiences", params={"name[contains]": "Align"}))["items"]]
    assert names == ["Alignment"]
    assert api.patch("/audience/global", json={"name": "mine"}).status_code == 403
    assert api.delete("/audience/aud_MU1GZYoESyO").status_code == 403


def test_status_goes_created_recruiting_ready(api: httpx.Client) -> None:
    audience = new_audience(
        api,
        "Lifecycle",
        graduationRule={"_t": "TaskAccuracy", "targetAccuracy": 0.5, "minTasks": 2, "maxTasks": None},
    )
    assert ok(api.get(f"/audience/{audience}"))["status"] == "Created"
    assert metrics(api, audience) == {"Graduated": 0, "Distilling": 0, "Dropped": 0, "Inactive": 0}
    for i in range(2):
        ok(
            api.post(
                f"/audience/{audience}/example",
                json=compare_example((f"life a{i}", f"life b{i}"), f"life a{i}"),
            )
        )
    assert ok(api.get(f"/audience/{audience}"))["status"] == "Created"
    recruit = ok(api.post(f"/audience/{audience}/recruit"))
    assert recruit["status"] in ("Recruiting", "Ready")
    final = wait_recruited(api, audience)
    assert final["Graduated"] > 0 and final["Graduated"] + final["Dropped"] == 600
    examples = ok(api.get(f"/audience/{audience}/examples", params={"page": 1, "page_size": 1}))
    assert (examples["total"], len(examples["items"])) == (2, 1)
    item = examples["items"][0]
    assert item["correctCount"] + item["incorrectCount"] == 600
    assert item["truth"] == {"_t": "CompareExampleTruth", "winnerId": "life a0"}


def test_an_audience_without_examples_says_it_cannot_progress(api: httpx.Client) -> None:
    audience = new_audience(api, "Empty audience")
    answer = start_job(
        api, compare_definition(api, [("x", "y")], {"_t": "NaiveReferee", "totalVotes": 1}), audience
    )
    assert answer["recruitingStarted"] is False
    # the official SDK raises on exactly this: status Created with nobody graduated or distilling
    assert ok(api.get(f"/audience/{audience}"))["status"] == "Created"
    assert metrics(api, audience) == {"Graduated": 0, "Distilling": 0, "Dropped": 0, "Inactive": 0}
    job = ok(api.get(f"/job/{answer['jobId']}"))
    assert job["state"] == "Running" and "no qualification examples" in job["failureMessage"]
    # adding an example and recruiting unblocks it
    ok(api.post(f"/audience/{audience}/example", json=compare_example(("fix a", "fix b"), "fix a")))
    ok(api.post(f"/audience/{audience}/recruit"))
    assert ok(api.get(f"/job/{answer['jobId']}"))["failureMessage"] is None
    wait_completed(api, answer["jobId"])


def test_assigning_a_job_starts_recruiting_and_one_example_is_enough(api: httpx.Client) -> None:
    audience = new_audience(api, "Animal Classification Audience")
    cat, dog = (
        url_asset(api, "https://assets.rapidata.ai/cat.jpeg"),
        url_asset(api, "https://assets.rapidata.ai/dog.jpeg"),
    )
    ok(
        api.post(
            f"/audience/{audience}/example",
            json={
                "asset": cat,
                "randomCorrectProbability": 0.5,
                "payload": {
                    "_t": "ClassifyExamplePayload",
                    "title": "What do you see in the image?",
                    "categories": [{"label": "Cat", "value": "Cat"}, {"label": "Dog", "value": "Dog"}],
                },
                "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["Cat"]},
            },
        )
    )
    definition = classify_definition(
        api, [dog], ["Cat", "Dog"], {"_t": "EarlyStoppingReferee", "maxVotes": 50, "threshold": 0.99}
    )
    answer = start_job(api, definition, audience)
    assert answer["recruitingStarted"] is True
    assert ok(api.get(f"/audience/{audience}"))["status"] in ("Recruiting", "Ready")
    doc = wait_completed(api, answer["jobId"])
    (result,) = doc["results"]
    assert max(result["aggregatedResults"], key=result["aggregatedResults"].get) == "Dog"
    assert sum(result["aggregatedResults"].values()) < 10  # confidence 0.99 after a handful of votes
    assert metrics(api, audience)["Graduated"] > 0


def _accuracy(doc: dict[str, Any]) -> float:
    votes = [d["votedFor"] for r in doc["results"] for d in r["detailedResults"]]
    return sum(v.startswith("truly better") for v in votes) / len(votes)


@pytest.mark.slow
def test_good_examples_recruit_better_labelers_and_wrong_truths_worse(api: httpx.Client) -> None:
    examples = [(f"qualify better {i}", f"qualify worse {i}") for i in range(15)]
    for pair in examples:
        register_oracle(api, "compare", list(pair), {"winner": 0})

    def rule(target: float) -> dict[str, Any]:
        return {"_t": "TaskAccuracy", "targetAccuracy": target, "minTasks": 15, "maxTasks": None}

    # a strict rule for the good truths; a lenient one for the wrong truths, or almost nobody would pass them
    good = new_audience(api, "Good truths", graduationRule=rule(0.9))
    wrong = new_audience(api, "Wrong truths", graduationRule=rule(0.5))
    for pair in examples:
        ok(api.post(f"/audience/{good}/example", json=compare_example(pair, pair[0])))
        ok(api.post(f"/audience/{wrong}/example", json=compare_example(pair, pair[1])))
    for audience in (good, wrong):
        ok(api.post(f"/audience/{audience}/recruit"))
        assert wait_recruited(api, audience)["Graduated"] >= 10
    pairs = [(f"truly better {i}", f"truly worse {i}") for i in range(30)]
    for pair in pairs:
        register_oracle(api, "compare", list(pair), {"winner": 0})
    definition = compare_definition(api, pairs, {"_t": "NaiveReferee", "totalVotes": 10})
    accuracy = {
        name: _accuracy(wait_completed(api, start_job(api, definition, audience)["jobId"]))
        for name, audience in (("global", "global"), ("good", good), ("wrong", wrong))
    }
    assert accuracy["good"] > accuracy["global"] + 0.03 > accuracy["wrong"] + 0.06, accuracy


def test_a_filtered_audience_only_uses_matching_labelers(api: httpx.Client) -> None:
    view = ok(
        api.post("/audience/global/filter", json={"filter": {"_t": "CountryFilter", "countries": ["US"]}})
    )
    body = ok(api.get(f"/audience/{view['audienceId']}"))
    assert body["baseAudienceId"] == "global" and body["filter"]["countries"] == ["US"]
    doc = wait_completed(
        api,
        start_job(
            api,
            compare_definition(api, [("us left", "us right")], {"_t": "NaiveReferee", "totalVotes": 12}),
            view["audienceId"],
        )["jobId"],
    )
    countries = {d["userDetails"]["country"] for d in doc["results"][0]["detailedResults"]}
    assert countries == {"US"}
    again = api.post(
        f"/audience/{view['audienceId']}/filter",
        json={"filter": {"_t": "LanguageFilter", "languages": ["en"]}},
    )
    assert again.status_code == 400 and "already a filtered audience" in again.json()["message"]
    patch = api.patch(f"/audience/{view['audienceId']}", json={"filters": []})
    assert patch.status_code in (400, 403)


def test_update_delete_and_unlisted(api: httpx.Client) -> None:
    audience = new_audience(api, "Rename me")
    body = ok(
        api.patch(
            f"/audience/{audience}",
            json={
                "name": "Renamed",
                "filters": [
                    {
                        "_t": "OrFilter",
                        "filters": [
                            {"_t": "CountryFilter", "countries": ["US"]},
                            {"_t": "NotFilter", "filter": {"_t": "LanguageFilter", "languages": ["fr"]}},
                        ],
                    }
                ],
            },
        )
    )
    assert body["name"] == "Renamed" and body["filters"][0]["_t"] == "OrFilter"
    assert [a["id"] for a in ok(api.get("/audiences", params={"name[contains]": "Renamed"}))["items"]] == [
        audience
    ]
    ok(api.delete(f"/audience/{audience}"))
    assert api.get(f"/audience/{audience}").status_code == 404
    unlisted = ok(api.post("/audience/unlisted", json={"name": "My team"}))["audienceId"]
    assert unlisted.startswith("ula_")
    assert ok(api.get(f"/audience/unlisted/{unlisted}"))["name"] == "My team"


BAD_EXAMPLES = [
    (
        {
            "asset": text_pair("a", "b"),
            "payload": {"_t": "CompareExamplePayload", "criteria": "?"},
            "truth": {"_t": "CompareExampleTruth", "winnerId": "c"},
            "randomCorrectProbability": 0.5,
        },
        "truth.winnerId",
    ),
    (
        {
            "asset": {"_t": "TextAssetInput", "text": "a"},
            "randomCorrectProbability": 0.5,
            "payload": {
                "_t": "ClassifyExamplePayload",
                "title": "?",
                "categories": [{"label": "A", "value": "A"}, {"label": "B", "value": "B"}],
            },
            "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["C"]},
        },
        "truth.correctCategories",
    ),
    (
        {
            "asset": {"_t": "TextAssetInput", "text": "a"},
            "randomCorrectProbability": 0.1,
            "payload": {"_t": "LocateExamplePayload", "target": "cat"},
            "truth": {
                "_t": "LocateExampleTruth",
                "boundingBoxes": [{"xMin": 50, "yMin": 10, "xMax": 40, "yMax": 20}],
            },
        },
        "truth.boundingBoxes[0]",
    ),
    (
        {
            "asset": {"_t": "TextAssetInput", "text": "a"},
            "randomCorrectProbability": 0.1,
            "payload": {"_t": "LineExamplePayload", "target": "road"},
            "truth": {
                "_t": "LineExampleTruth",
                "boundingBoxes": [{"xMin": 0.1, "yMin": 10, "xMax": 140, "yMax": 20}],
            },
        },
        "truth.boundingBoxes[0].xMax",
    ),
    (
        {
            "asset": {"_t": "TextAssetInput", "text": "a"},
            "randomCorrectProbability": 0.1,
            "payload": {
                "_t": "TranscriptionExamplePayload",
                "title": "?",
                "transcription": [{"word": "the", "wordIndex": 0}, {"word": "cat", "wordIndex": 1}],
            },
            "truth": {"_t": "TranscriptionExampleTruth", "correctWords": [{"word": "dog", "wordIndex": 5}]},
        },
        "truth.correctWords[0].wordIndex",
    ),
    (
        {
            "asset": text_pair("a", "b"),
            "payload": {"_t": "CompareExamplePayload", "criteria": "?"},
            "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["a"]},
            "randomCorrectProbability": 0.5,
        },
        "truth",
    ),
    (
        {
            "asset": {"_t": "ExistingAssetInput", "name": "never_uploaded.png"},
            "randomCorrectProbability": 0.5,
            "payload": {
                "_t": "ClassifyExamplePayload",
                "title": "?",
                "categories": [{"label": "A", "value": "A"}, {"label": "B", "value": "B"}],
            },
            "truth": {"_t": "ClassifyExampleTruth", "correctCategories": ["A"]},
        },
        "asset.name",
    ),
]


@pytest.mark.parametrize(("body", "field"), BAD_EXAMPLES)
def test_bad_examples_are_rejected_and_nothing_is_stored(
    api: httpx.Client, body: dict[str, Any], field: str
) -> None:
    audience = new_audience(api, "Strict")
    response = api.post(f"/audience/{audience}/example", json=body)
    assert response.status_code in (400, 422), response.text
    assert field in response.json()["message"]
    assert ok(api.get(f"/audience/{audience}/examples"))["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "filters": [{"_t": "CountryFilter", "countries": ["XX"]}]}, "filters[0]"),
        (
            {
                "name": "x",
                "filters": [{"_t": "NotFilter", "filter": {"_t": "LanguageFilter", "languages": ["qq"]}}],
            },
            "filters[0].filter",
        ),
        (
            {
                "name": "x",
                "graduationRule": {"_t": "TaskAccuracy", "targetAccuracy": 0.8, "minTasks": 5, "maxTasks": 2},
            },
            "graduationRule.maxTasks",
        ),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_audiences_are_rejected(api: httpx.Client, body: dict[str, Any], field: str) -> None:
    before = ok(api.get("/audiences", params={"page_size": 1000}))["total"]
    response = api.post("/audience", json=body)
    assert response.status_code == 400 and field in response.json()["message"], response.text
    assert ok(api.get("/audiences", params={"page_size": 1000}))["total"] == before


def test_examples_only_on_custom_audiences(api: httpx.Client) -> None:
    example = compare_example(("g a", "g b"), "g a")
    assert api.post("/audience/global/example", json=example).status_code == 403
    view = ok(
        api.post("/audience/global/filter", json={"filter": {"_t": "CountryFilter", "countries": ["DE"]}})
    )
    response = api.post(f"/audience/{view['audienceId']}/example", json=example)
    assert response.status_code in (400, 403) and response.json()["message"]
