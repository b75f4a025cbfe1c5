"""Ranking flows over real HTTP: wire shapes, validation (nothing stored on rejection), the official SDK."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.utils.server import wait_for

URLS = [f"https://example.com/flows/{i}.png" for i in range(3)]


def flow_dataset(api: httpx.Client, urls: list[str]) -> str:
    """A dataset with one datapoint per URL, as the official SDK uploads a flow batch."""
    dataset = api.post("/dataset", json={"name": "flow_dataset"}).json()["datasetId"]
    for i, url in enumerate(urls):
        name = api.post("/asset/url", params={"url": url}).json()["fileName"]
        body = {
            "segments": [
                {"key": "asset", "kind": "Asset", "asset": {"_t": "ExistingAssetInput", "name": name}}
            ],
            "sortIndex": i,
        }
        assert api.post(f"/dataset/{dataset}/datapoint", json=body).status_code == 200
    return str(dataset)


@pytest.fixture(scope="module")
def flow_id(api: httpx.Client) -> str:
    response = api.post(
        "/flow/ranking",
        json={"name": "wire flow", "criteria": "Which is better?", "maxResponses": 30, "minResponses": 6},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["flowId"])


def test_flow_shape(api: httpx.Client, flow_id: str) -> None:
    body = api.get(f"/flow/{flow_id}").json()
    assert body["_t"] == "RankingFlow"
    assert (body["criteria"], body["startingElo"], body["maxResponses"], body["minResponses"]) == (
        "Which is better?",
        1200,
        30,
        6,
    )
    assert body["flowItemCount"] == 0
    listed = api.get("/flow", params={"name[contains]": "wire"}).json()
    assert listed["items"][0]["type"] == "Ranking" and listed["items"][0]["id"] == flow_id


def test_item_results_and_matrix(api: httpx.Client, flow_id: str) -> None:
    dataset = flow_dataset(api, URLS)
    item_id = api.post(
        f"/flow/ranking/{flow_id}/item",
        json={"datasetId": dataset, "context": "ctx", "timeToLiveInSeconds": 600},
    ).json()["flowItemId"]
    done = wait_for(
        lambda: (b := api.get(f"/flow/ranking/item/{item_id}").json())["state"] == "Completed" and b,
        timeout=120,
        message="item completed",
    )
    assert done["flowId"] == flow_id and done["datasetId"] == dataset and done["context"] == "ctx"
    assert done["responseCount"] == 30 and done["completedAt"] is not None
    results = api.get(f"/flow/ranking/item/{item_id}/results").json()
    assert results["totalVotes"] == 30
    elos = [dp["elo"] for dp in results["datapoints"]]
    assert elos == sorted(elos, reverse=True) and all(isinstance(e, int) for e in elos)
    assert {dp["asset"]["metadata"]["sourceUrl"]["url"] for dp in results["datapoints"]} == set(URLS)
    assert all(dp["asset"]["_t"] == "FileAsset" for dp in results["datapoints"])
    matrix = api.get(f"/flow/ranking/item/{item_id}/vote-matrix").json()
    assert matrix["index"] == matrix["columns"] and set(matrix["index"]) == set(URLS)
    assert sum(map(sum, matrix["data"])) == 30
    assert all(matrix["data"][i][i] == 0 for i in range(3))
    items = api.get(f"/flow/ranking/{flow_id}/item").json()["items"]
    assert [i["id"] for i in items] == [item_id]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"timeToLiveInSeconds": 5}, 400, "timeToLiveInSeconds"),
        ({"timeToLiveInSeconds": 4000}, 400, "timeToLive"),
        ({"datasetId": "ds_missing"}, 404, "datasetId"),
    ],
)
def test_bad_items_are_rejected_and_nothing_stored(
    api: httpx.Client, flow_id: str, body: dict[str, Any], status: int, needle: str
) -> None:
    before = api.get(f"/flow/{flow_id}").json()["flowItemCount"]
    payload = {"datasetId": flow_dataset(api, URLS[:2]), **body}
    response = api.post(f"/flow/ranking/{flow_id}/item", json=payload)
    assert response.status_code == status
    assert needle in response.json()["message"]
    assert api.get(f"/flow/{flow_id}").json()["flowItemCount"] == before


def test_bad_flows_and_config(api: httpx.Client, flow_id: str) -> None:
    bad = api.post("/flow/ranking", json={"name": "x", "criteria": "y", "maxResponses": 5, "minResponses": 9})
    assert bad.status_code == 400 and "minResponses" in bad.json()["message"]
    single = api.post(f"/flow/ranking/{flow_id}/item", json={"datasetId": flow_dataset(api, URLS[:1])})
    assert single.status_code == 400 and "at least 2" in single.json()["message"]
    assert api.patch(f"/flow/ranking/{flow_id}", json={"maxResponses": 2}).status_code == 400
    assert api.get(f"/flow/{flow_id}").json()["maxResponses"] == 30
    assert api.get("/flow/ranking/item/fi_missing").status_code == 404
    assert api.post("/campaign/boost/preheat").status_code == 204


def test_deleting_a_flow_stops_its_running_items(api: httpx.Client) -> None:
    flow = api.post(
        "/flow/ranking", json={"name": "doomed", "criteria": "Which?", "maxResponses": 5000}
    ).json()
    item = api.post(
        f"/flow/ranking/{flow['flowId']}/item",
        json={"datasetId": flow_dataset(api, URLS), "timeToLiveInSeconds": 3600},
    ).json()["flowItemId"]
    assert api.get(f"/flow/ranking/item/{item}").json()["state"] == "Running"
    assert api.delete(f"/flow/{flow['flowId']}").status_code == 204
    assert api.get(f"/flow/{flow['flowId']}").status_code == 404
    body = api.get(f"/flow/ranking/item/{item}").json()
    assert body["state"] == "Stopped"
    assert api.get(f"/job/{body['jobId']}").json()["state"] == "Completed"
    assert api.get(f"/flow/ranking/item/{item}/results").json()["totalVotes"] == body["responseCount"]


OFFICIAL_FLOW = textwrap.dedent("""
    import json
    from rapidata import RapidataClient
    client = RapidataClient()
    flow = client.flow.create_ranking_flow(name="Image Quality Ranking",
                                           instruction="Which image looks better?",
                                           max_response_threshold=30, min_response_threshold=10)
    item = flow.create_new_flow_batch(datapoints=URLS, context="made by model X", time_to_live=120)
    results = item.get_results()
    matrix = item.get_win_loss_matrix()
    again = client.flow.get_flow_by_id(flow.id)
    print("RESULT " + json.dumps({
        "status": str(item.get_status().value if hasattr(item.get_status(), "value") else item.get_status()),
        "datapoints": results.datapoints, "total_votes": results.total_votes,
        "matrix_total": float(matrix.to_numpy().sum()), "matrix_index": list(matrix.index),
        "response_count": item.get_response_count(), "flow_name": again.name,
        "items": [i.id for i in flow.get_flow_items()], "item": item.id,
    }))
""")


@pytest.mark.sdk
def test_official_sdk_runs_a_ranking_flow(tls_server: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    script = tmp_path / "official_flow.py"
    script.write_text(f"URLS = {URLS!r}\n" + OFFICIAL_FLOW)
    proc = subprocess.run(
        [sys.executable, str(script)],
        env=tls_server,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}"
    out = json.loads(line.removeprefix("RESULT "))
    assert out["status"] == "Completed"
    assert set(out["datapoints"]) == set(URLS)
    assert out["total_votes"] == 30 == out["matrix_total"] == out["response_count"]
    assert set(out["matrix_index"]) == set(URLS)
    assert out["flow_name"] == "Image Quality Ranking"
    assert out["items"] == [out["item"]]
