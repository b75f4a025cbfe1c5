"""``POST /dataset/{id}/datapoints``: many datapoints per request, validated like the single endpoint,
applied all or none, idempotent when re-sent."""

from __future__ import annotations

from typing import Any

import httpx


def _text(text: str, sort_index: int | None, **extra: Any) -> dict[str, Any]:
    return {
        "segments": [{"key": "asset", "kind": "Asset", "asset": {"_t": "TextAssetInput", "text": text}}],
        "sortIndex": sort_index,
        **extra,
    }


def _pair(a: str, b: str, sort_index: int) -> dict[str, Any]:
    pair = {
        "_t": "MultiAssetInput",
        "assets": [{"_t": "TextAssetInput", "text": a}, {"_t": "TextAssetInput", "text": b}],
    }
    return {"segments": [{"key": "asset", "kind": "Asset", "asset": pair}], "sortIndex": sort_index}


def _dataset(api: httpx.Client, schema: list[dict[str, Any]] | None = None) -> str:
    return str(api.post("/dataset", json={"name": "batch", "schema": schema}).json()["datasetId"])


def _stored(api: httpx.Client, ds: str) -> int:
    """How many datapoints the dataset holds, as a definition on it reports (400 when none)."""
    answer = api.post(
        "/job/definition",
        json={
            "definitionName": "count",
            "datasetId": ds,
            "referee": {"_t": "NaiveReferee", "totalVotes": 1},
            "workflow": {"_t": "SimpleWorkflow", "rapid": {"_t": "FreeText", "question": {"literal": "?"}}},
        },
    )
    if answer.status_code == 400 and "no datapoints" in answer.json()["message"]:
        return 0
    definition = answer.json()["definitionId"]
    return int(api.get(f"/job/definition/{definition}/cost-estimate").json()["datapointCount"])


def test_batch_stores_in_order_and_matches_the_single_endpoint(api: httpx.Client) -> None:
    ds = _dataset(api)
    batch = [_pair(f"a{i}", f"b{i}", i) for i in range(50)]
    answer = api.post(f"/dataset/{ds}/datapoints", json={"datapoints": batch})
    assert answer.status_code == 200, answer.text
    ids = answer.json()["datapointIds"]
    assert len(ids) == 50 and len(set(ids)) == 50 and all(i.startswith("dp_") for i in ids)
    # the single endpoint sees the batch's datapoints as already created (same id for the same item)
    single = api.post(f"/dataset/{ds}/datapoint", json=batch[7])
    assert single.json()["datapointId"] == ids[7]
    assert _stored(api, ds) == 50


def test_resending_a_batch_is_idempotent(api: httpx.Client) -> None:
    """A retried batch (e.g. its answer was lost) returns the same ids and stores no copies."""
    ds = _dataset(api)
    batch = [_text(f"t{i}", i) for i in range(20)]
    first = api.post(f"/dataset/{ds}/datapoints", json={"datapoints": batch}).json()["datapointIds"]
    # a retry of an overlapping batch: the first ten again plus five new ones
    second = api.post(
        f"/dataset/{ds}/datapoints",
        json={"datapoints": batch[:10] + [_text(f"t{i}", i) for i in range(20, 25)]},
    ).json()["datapointIds"]
    assert second[:10] == first[:10]
    assert not set(second[10:]) & set(first)
    # the same item twice in one batch is one datapoint
    twice = api.post(
        f"/dataset/{ds}/datapoints", json={"datapoints": [_text("x", 99), _text("x", 99)]}
    ).json()
    assert twice["datapointIds"][0] == twice["datapointIds"][1]
    # same sort index, different content: a different datapoint
    other = api.post(f"/dataset/{ds}/datapoints", json={"datapoints": [_text("other", 0)]}).json()
    assert other["datapointIds"][0] not in first
    assert _stored(api, ds) == 20 + 5 + 1 + 1


def test_a_bad_item_rejects_the_batch_and_names_every_bad_item(api: httpx.Client) -> None:
    ds = _dataset(api)
    batch = [_text(f"t{i}", i) for i in range(10)]
    batch[3] = {
        "segments": [
            {"key": "asset", "kind": "Asset", "asset": {"_t": "ExistingAssetInput", "name": "nope.png"}}
        ],
        "sortIndex": 3,
    }
    batch[8] = {"segments": [{"key": "context", "kind": "Text", "text": "no asset"}], "sortIndex": 8}
    answer = api.post(f"/dataset/{ds}/datapoints", json={"datapoints": batch})
    assert answer.status_code == 400
    body = answer.json()
    assert body["traceId"] and answer.headers["x-trace-id"] == body["traceId"]
    assert "2 of 10 datapoints are invalid and nothing was stored" in body["message"]
    assert [e["index"] for e in body["errors"]] == [3, 8]
    assert body["errors"][0]["message"].startswith("datapoints[3].segments[0].asset.name: unknown fileName")
    assert body["errors"][1]["message"] == "datapoints[8].segments: a datapoint needs an 'asset' segment"
    assert _stored(api, ds) == 0  # all or none
    # dropping the bad items and re-sending stores the rest
    good = [dp for i, dp in enumerate(batch) if i not in (3, 8)]
    assert api.post(f"/dataset/{ds}/datapoints", json={"datapoints": good}).status_code == 200
    assert _stored(api, ds) == 8


def test_schema_and_limits_apply_to_every_item(api: httpx.Client) -> None:
    schema = [
        {"key": "asset", "kind": "Asset", "label": "Asset", "required": True},
        {"key": "context", "kind": "Text", "required": False, "maxLength": 5},
    ]
    ds = _dataset(api, schema)
    long_context = _text("ok", 1)
    long_context["segments"].append({"key": "context", "kind": "Text", "text": "123456"})
    answer = api.post(f"/dataset/{ds}/datapoints", json={"datapoints": [_text("fine", 0), long_context]})
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"index": 1, "message": "datapoints[1].segments.context.text: longer than 5 characters"}
    ]
    empty = api.post(f"/dataset/{ds}/datapoints", json={"datapoints": []})
    assert empty.status_code == 422 and "datapoints" in empty.json()["message"]
    assert api.post("/dataset/ds_nope/datapoints", json={"datapoints": [_text("x", 0)]}).status_code == 404


def test_items_without_sort_index_are_appended(api: httpx.Client) -> None:
    ds = _dataset(api)
    api.post(f"/dataset/{ds}/datapoint", json=_text("first", None))
    ids = api.post(
        f"/dataset/{ds}/datapoints", json={"datapoints": [_text("second", None), _text("third", None)]}
    ).json()["datapointIds"]
    assert len(set(ids)) == 2
    assert _stored(api, ds) == 3
