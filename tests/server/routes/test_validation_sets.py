"""Validation sets on the real server: our client creates and finds them, the wire keeps their truths, bad
rapids are refused with the field to fix and change nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rapidata_nb import Box, RapidataClient, RapidataError, RapidataValidationSet
from tests.utils.server import LiveServer

IMAGES = [f"https://img.test/validation/{i}.jpg" for i in range(4)]


@pytest.fixture(scope="module")
def server(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def client(server: LiveServer) -> RapidataClient:
    return RapidataClient(server.client_id, server.client_secret, environment=server.url)


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Any:
    with server.client() as http:
        yield http


def _rapids(api: httpx.Client, validation_set: RapidataValidationSet) -> list[dict[str, Any]]:
    response = api.get(f"/validation-set/{validation_set.id}/rapids")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_classification_set_keeps_its_truths(client: RapidataClient, api: httpx.Client) -> None:
    created = client.validation.create_classification_set(
        name="animals",
        instruction="What animal is it?",
        answer_options=["cat", "dog", "fox"],
        datapoints=IMAGES[:2],
        truths=[["cat"], ["dog", "fox"]],
        contexts=["indoors", "outdoors"],
        dimensions=["animals"],
    )
    found = client.validation.get_validation_set_by_id(created.id)
    assert (found.id, found.name, found.dimensions) == (created.id, "animals", ["animals"])
    summary = api.get(f"/validation-set/{created.id}").json()
    assert summary["modality"] == ["Classify"]
    assert summary["assetType"] == ["Image"]
    assert summary["promptType"] == ["Text"]
    assert summary["rapidCount"] == 2
    rapids = _rapids(api, created)
    assert [r["truth"] for r in rapids] == [
        {"_t": "AttachCategoryTruth", "correctCategories": ["cat"]},
        {"_t": "AttachCategoryTruth", "correctCategories": ["dog", "fox"]},
    ]
    assert [r["payload"]["_t"] for r in rapids] == ["ClassifyPayload", "ClassifyPayload"]
    assert [r["context"] for r in rapids] == ["indoors", "outdoors"]
    assert [r["randomCorrectProbability"] for r in rapids] == pytest.approx([1 / 3, 2 / 3])


def test_compare_truth_names_the_uploaded_side(client: RapidataClient, api: httpx.Client) -> None:
    created = client.validation.create_compare_set(
        name="sharper",
        instruction="Which image is sharper?",
        datapoints=[[IMAGES[0], IMAGES[1]], [IMAGES[2], IMAGES[3]]],
        truths=[IMAGES[1], IMAGES[2]],
    )
    rapids = _rapids(api, created)
    winners = [r["truth"]["winnerId"] for r in rapids]
    sides = [[a["fileName"] for a in r["asset"]["assets"]] for r in rapids]
    assert winners == [sides[0][1], sides[1][0]]
    assert [r["type"] for r in rapids] == ["Compare", "Compare"]


def test_mixed_set_holds_every_task_type(client: RapidataClient, api: httpx.Client) -> None:
    rapid = client.validation.rapid
    created = client.validation.create_mixed_set(
        name="mixed",
        rapids=[
            rapid.locate_rapid("Tap the cat", [Box(x_min=0.1, y_min=0.1, x_max=0.5, y_max=0.5)], IMAGES[0]),
            rapid.draw_rapid("Trace the road", [Box(x_min=0, y_min=0.5, x_max=1, y_max=1)], IMAGES[1]),
            rapid.select_words_rapid("Select the animals", [1, 3], IMAGES[2], "a cat and dog"),
            rapid.timestamp_rapid("When does it bark?", [(1000, 2000)], IMAGES[3]),
        ],
    )
    summary = api.get(f"/validation-set/{created.id}").json()
    assert summary["modality"] == ["Line", "Locate", "Scrub", "Transcription"]
    rapids = _rapids(api, created)
    assert rapids[0]["truth"] == {
        "_t": "LocateBoxTruth",
        "boundingBoxes": [{"xMin": 10.0, "yMin": 10.0, "xMax": 50.0, "yMax": 50.0}],
    }
    assert rapids[1]["truth"]["_t"] == "LocateBoxTruth"
    assert [w["word"] for w in rapids[2]["truth"]["correctWords"]] == ["cat", "dog"]
    assert rapids[3]["truth"] == {"_t": "ScrubTruth", "validRanges": [{"start": 1000, "end": 2000}]}


def test_find_update_delete(client: RapidataClient, api: httpx.Client) -> None:
    first = client.validation.create_compare_set(
        "find me 1", "Better?", [["a", "b"]], ["a"], data_type="text"
    )
    second = client.validation.create_compare_set(
        "find me 2", "Better?", [["c", "d"]], ["d"], data_type="text"
    )
    assert [s.id for s in client.validation.find_validation_sets("find me")] == [second.id, first.id]
    assert [s.id for s in client.validation.find_validation_sets("find me", amount=1, page=2)] == [first.id]

    first.update_dimensions(["quality"]).update_should_alert(False).update_can_be_flagged(False)
    shown = api.get(f"/validation-set/{first.id}").json()
    assert (shown["dimensions"], shown["shouldAlert"], shown["isFlagOverruled"]) == (["quality"], False, True)

    first.delete()
    assert api.get(f"/validation-set/{first.id}").status_code == 404
    assert [s.id for s in client.validation.find_validation_sets("find me")] == [second.id]
    with pytest.raises(RapidataError, match="not found"):
        client.validation.get_validation_set_by_id(first.id)


@pytest.mark.parametrize(
    ("rapid", "field"),
    [
        (
            {
                "payload": {
                    "_t": "ClassifyPayload",
                    "title": "Which?",
                    "categories": [{"label": c, "value": c} for c in "ab"],
                },
                "truth": {"_t": "AttachCategoryTruth", "correctCategories": ["c"]},
            },
            "truth",
        ),
        (
            {
                "payload": {"_t": "ComparePayload", "criteria": "Better?"},
                "truth": {"_t": "AttachCategoryTruth", "correctCategories": ["a"]},
            },
            "truth",
        ),
        (
            {
                "payload": {"_t": "ScrubPayload", "target": "When?"},
                "truth": {"_t": "ScrubTruth", "validRanges": [{"start": 20, "end": 10}]},
            },
            "truth.validRanges[0]",
        ),
        ({"payload": {"_t": "ComparePayload", "criteria": "Better?"}}, "truth"),
    ],
)
def test_bad_rapid_is_refused_and_nothing_is_stored(
    api: httpx.Client, rapid: dict[str, Any], field: str
) -> None:
    set_id = api.post("/validation-set", json={"name": "strict"}).json()["validationSetId"]
    asset = {"_t": "MultiAssetInput", "assets": [{"_t": "TextAssetInput", "text": t} for t in ("a", "b")]}
    if rapid["payload"]["_t"] != "ComparePayload":
        asset = {"_t": "TextAssetInput", "text": "a"}
    response = api.post(f"/validation-set/{set_id}/rapid", json={"asset": asset, **rapid})
    assert response.status_code == 400, response.text
    assert field in response.text
    assert api.get(f"/validation-set/{set_id}").json()["rapidCount"] == 0


def test_job_definition_names_a_validation_set(client: RapidataClient, api: httpx.Client) -> None:
    validation_set = client.validation.create_compare_set(
        "for jobs", "Better?", [["e", "f"]], ["e"], data_type="text"
    )
    definition = client.job.create_compare_job_definition(
        name="validated", instruction="Better?", datapoints=[["g", "h"]], data_type="text"
    )
    definition.validation_set_id = validation_set.id
    assert definition.save() == 2
    assert api.get(f"/job/definition/{definition.id}/revision").json()["validationSetId"] == validation_set.id

    classify_only = client.validation.create_classification_set(
        "classify only", "Which?", ["a", "b"], ["x"], [["a"]], data_type="text"
    )
    for wrong, reason in ((classify_only.id, "has no Compare tasks"), ("vs_nope", "not found")):
        definition.validation_set_id = wrong
        with pytest.raises(RapidataError, match=reason):
            definition.save()
    assert api.get(f"/job/definition/{definition.id}/revision").json()["revisionNumber"] == 2


def test_every_task_type_set_stores_one_task_per_datapoint(client: RapidataClient, api: httpx.Client) -> None:
    box = Box(x_min=0.1, y_min=0.1, x_max=0.5, y_max=0.5)
    sets = {
        "words": client.validation.create_select_words_set(
            name="words",
            instruction="Which words are wrong?",
            truths=[[0], [1]],
            datapoints=IMAGES[:2],
            sentences=["red cat", "blue dog"],
        ),
        "taps": client.validation.create_locate_set(
            name="taps", instruction="Tap the cat", truths=[[box], [box]], datapoints=IMAGES[:2]
        ),
        "lines": client.validation.create_draw_set(
            name="lines",
            instruction="Trace the road",
            truths=[[box]] * 3,
            datapoints=IMAGES[:3],
            contexts=["a", "b", "c"],
        ),
    }
    summaries = [api.get(f"/validation-set/{s.id}").json() for s in sets.values()]
    assert [(s["modality"], s["rapidCount"]) for s in summaries] == [
        (["Transcription"], 2),
        (["Locate"], 2),
        (["Line"], 3),
    ]
    assert [len(_rapids(api, s)) for s in sets.values()] == [2, 2, 3]
    with pytest.raises(ValueError, match="contexts needs one entry per datapoint"):
        client.validation.create_locate_set(
            name="short", instruction="Tap", truths=[[box]] * 2, datapoints=IMAGES[:2], contexts=["only one"]
        )
