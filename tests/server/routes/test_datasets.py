"""Datasets and datapoints: validation names the field and stores nothing on rejection."""

from __future__ import annotations

import httpx
import pytest


def _upload(api: httpx.Client, url: str) -> str:
    return str(api.post("/asset/url", params={"url": url}).json()["fileName"])


def _asset(name: str) -> dict:
    return {"_t": "ExistingAssetInput", "name": name}


def test_datapoints_and_groups(api: httpx.Client) -> None:
    a, b = _upload(api, "https://x.org/a.png"), _upload(api, "https://x.org/b.png")
    ds = api.post("/dataset", json={"name": "pairs", "schema": None}).json()["datasetId"]
    pair = {"_t": "MultiAssetInput", "assets": [_asset(a), _asset(b)]}
    body = {
        "segments": [
            {"key": "asset", "kind": "Asset", "asset": pair},
            {"key": "context", "kind": "Text", "text": "a prompt"},
        ],
        "sortIndex": 0,
        "privateMetadata": {"row": "7"},
    }
    first = api.post(f"/dataset/{ds}/datapoint", json=body)
    assert first.status_code == 200
    assert first.json()["datapointId"].startswith("dp_")
    # the SDK retries datapoint creation: the same datapoint again is the same id
    assert api.post(f"/dataset/{ds}/datapoint", json=body).json() == first.json()
    text = api.post(
        f"/dataset/{ds}/datapoint",
        json={
            "segments": [{"key": "asset", "kind": "Asset", "asset": {"_t": "TextAssetInput", "text": "hi"}}],
            "sortIndex": 1,
            "group": "0",
        },
    )
    assert text.status_code == 200
    group = api.post(
        f"/dataset/{ds}/group",
        json={"group": "0", "segments": [{"key": "context", "kind": "Text", "text": "shared"}]},
    )
    assert group.status_code == 200


@pytest.mark.parametrize(
    ("segments", "field"),
    [
        (
            [{"key": "asset", "kind": "Asset", "asset": {"_t": "ExistingAssetInput", "name": "nope.png"}}],
            "segments[0].asset.name",
        ),
        (
            [{"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAssetInput", "assets": []}}],
            "segments[0].asset.assets",
        ),
        ([{"key": "asset", "kind": "Asset"}], "segments[0].asset"),
        ([{"key": "context", "kind": "Text", "text": "no asset"}], "segments"),
        (
            [
                {"key": "asset", "kind": "Asset", "asset": {"_t": "TextAssetInput", "text": "x"}},
                {"key": "asset", "kind": "Text", "text": "dup"},
            ],
            "segments[1].key",
        ),
    ],
)
def test_bad_datapoints_are_rejected(api: httpx.Client, segments: list, field: str) -> None:
    ds = api.post("/dataset", json={"name": "bad"}).json()["datasetId"]
    response = api.post(f"/dataset/{ds}/datapoint", json={"segments": segments})
    assert response.status_code == 400
    assert response.json()["message"].startswith(field)
    # nothing stored: a definition on the dataset still sees no datapoints
    definition = api.post(
        "/job/definition",
        json={
            "definitionName": "x",
            "datasetId": ds,
            "referee": {"_t": "NaiveReferee", "totalVotes": 1},
            "workflow": {"_t": "SimpleWorkflow", "rapid": {"_t": "FreeText", "question": {"literal": "?"}}},
        },
    )
    assert definition.status_code == 400
    assert "no datapoints" in definition.json()["message"]


def test_schema_is_enforced(api: httpx.Client) -> None:
    schema = [
        {"key": "asset", "kind": "Asset", "label": "Asset", "required": True},
        {"key": "context", "kind": "Text", "required": False, "maxLength": 5},
        {"key": "answer_options", "kind": "OptionList", "required": True},
    ]
    ds = api.post("/dataset", json={"name": "s", "schema": schema}).json()["datasetId"]
    asset = {"key": "asset", "kind": "Asset", "asset": {"_t": "TextAssetInput", "text": "t"}}
    options = {"key": "answer_options", "kind": "OptionList", "options": [{"label": "a", "value": "a"}]}
    missing = api.post(f"/dataset/{ds}/datapoint", json={"segments": [asset]})
    assert missing.status_code == 400 and "answer_options" in missing.json()["message"]
    too_long = api.post(
        f"/dataset/{ds}/datapoint",
        json={"segments": [asset, options, {"key": "context", "kind": "Text", "text": "123456"}]},
    )
    assert too_long.status_code == 400 and "context" in too_long.json()["message"]
    assert api.post(f"/dataset/{ds}/datapoint", json={"segments": [asset, options]}).status_code == 200


def test_unknown_dataset_and_bad_json(api: httpx.Client) -> None:
    unknown = api.post("/dataset/ds_nope/datapoint", json={"segments": []})
    assert unknown.status_code == 404
    assert "ds_nope" in unknown.json()["message"]
    malformed = api.post("/dataset", content=b'{"name": ', headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    assert "Malformed JSON" in malformed.json()["message"]
    missing = api.post("/dataset", json={})
    assert missing.status_code == 422
    assert "name" in missing.json()["message"]


def test_shorten_context(api: httpx.Client) -> None:
    context = " ".join(f"Sentence number {i} talks about apples." for i in range(40))
    response = api.post(
        "/datasets/shorten-context", json={"items": [{"context": context, "question": "apples?"}]}
    )
    assert response.status_code == 200
    shortened = response.json()["items"][0]["shortenedContext"]
    assert 0 < len(shortened) <= 400
