"""Classify flows over real HTTP: our client and the official SDK run two batches to results; bad flows and
batches are refused with the field to fix and store nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from rapidata_nb import (
    ClassifyFlowItemResult,
    RapidataClassifyFlow,
    RapidataClient,
    RapidataError,
    RapidataRankingFlow,
)

URLS = [f"https://example.com/classify-flows/{i}.png" for i in range(5)]
CATEGORIES = [("A cat", "cat"), ("A dog", "dog"), ("Something else", "other")]


@pytest.fixture(scope="module")
def client(live_server: Any) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


def test_two_batches_to_results(client: RapidataClient, api: httpx.Client) -> None:
    flow = client.flow.create_classify_flow(
        name="animals",
        instruction="What does the picture show?",
        categories=CATEGORIES,
        max_responses_per_datapoint=5,
        min_responses_per_datapoint=3,
    )
    first = flow.create_new_flow_batch(URLS[:3], contexts=["a", "b", "c"], time_to_live=60)
    second = flow.create_new_flow_batch(URLS[3:], time_to_live=60)
    for item, urls in ((first, URLS[:3]), (second, URLS[3:])):
        result = item.get_results()
        assert isinstance(result, ClassifyFlowItemResult)
        assert item.get_status() == "Completed"
        assert list(result.datapoints) == urls
        assert result.total_responses == 5 * len(urls) == item.get_response_count()
        for datapoint in result.datapoints.values():
            assert list(datapoint.distribution) == ["cat", "dog", "other"]  # every value, in the flow's order
            assert sum(datapoint.distribution.values()) == datapoint.response_count == 5
            top = max(datapoint.distribution.values())
            leaders = [v for v, n in datapoint.distribution.items() if n == top]
            assert datapoint.majority_value == (leaders[0] if len(leaders) == 1 else None)
    with pytest.raises(ValueError, match="ranking flows"):
        first.get_win_loss_matrix()

    assert [i.id for i in flow.get_flow_items()] == [second.id, first.id]
    again = client.flow.get_flow_by_id(flow.id)
    assert isinstance(again, RapidataClassifyFlow) and again.name == "animals"
    shown = api.get(f"/flow/{flow.id}").json()
    assert shown["_t"] == "SimpleFlow"
    assert shown["blueprint"]["categories"] == [{"label": lb, "value": v} for lb, v in CATEGORIES]
    assert (shown["minResponses"], shown["maxResponses"], shown["flowItemCount"]) == (3, 5, 2)
    flow.update_config(drain_duration=30)
    assert api.get(f"/flow/{flow.id}").json()["drainDurationSeconds"] == 30
    found = {f.id: type(f) for f in client.flow.find_flows("animals")}
    assert found == {flow.id: RapidataClassifyFlow}
    flow.delete()
    assert api.get(f"/flow/{flow.id}").status_code == 404


def test_a_ranking_flow_is_still_a_ranking_flow(client: RapidataClient) -> None:
    ranking = client.flow.create_ranking_flow("still ranking", "Which is better?", max_response_threshold=4)
    assert isinstance(client.flow.get_flow_by_id(ranking.id), RapidataRankingFlow)


BLUEPRINT = {"_t": "ClassifyBlueprint", "title": "Which?"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"blueprint": {**BLUEPRINT, "categories": [{"label": "a", "value": "a"}]}}, "blueprint.categories"),
        (
            {
                "blueprint": {
                    **BLUEPRINT,
                    "categories": [{"label": "a", "value": "x"}, {"label": "b", "value": "x"}],
                }
            },
            "each value must be unique",
        ),
        ({"minResponses": 6}, "minResponses"),
        ({"maxResponses": 0, "minResponses": 0}, "maxResponses"),
    ],
)
def test_bad_flows_are_refused_and_nothing_is_stored(
    api: httpx.Client, change: dict[str, Any], field: str
) -> None:
    before = api.get("/flow", params={"page_size": 100}).json()["total"]
    body = {
        "name": "bad",
        "blueprint": {
            **BLUEPRINT,
            "categories": [{"label": "a", "value": "a"}, {"label": "b", "value": "b"}],
        },
        "maxResponses": 5,
        "minResponses": 3,
        **change,
    }
    response = api.post("/flow/simple", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text
    assert api.get("/flow", params={"page_size": 100}).json()["total"] == before


def test_a_flow_names_a_validation_set_of_its_task_type(client: RapidataClient) -> None:
    classify_set = client.validation.create_classification_set(
        "flow checks", "Which?", ["x", "y"], ["a text"], [["x"]], data_type="text"
    )
    compare_set = client.validation.create_compare_set(
        "flow pairs", "Better?", [["l", "r"]], ["l"], data_type="text"
    )
    before = len(client.flow.find_flows(amount=100))
    with pytest.raises(RapidataError, match="has no Classify tasks"):
        client.flow.create_classify_flow("checked", "Which?", ["x", "y"], validation_set_id=compare_set.id)
    with pytest.raises(RapidataError, match="has no Compare tasks"):
        client.flow.create_ranking_flow("checked", "Better?", validation_set_id=classify_set.id)
    with pytest.raises(RapidataError, match="not found"):
        client.flow.create_ranking_flow("checked", "Better?", validation_set_id="vs_missing")
    assert len(client.flow.find_flows(amount=100)) == before
    flow = client.flow.create_classify_flow(
        "checked", "Which?", ["x", "y"], validation_set_id=classify_set.id
    )
    assert client.flow.get_flow_by_id(flow.id).name == "checked"


def test_items_go_through_their_own_flow_type(client: RapidataClient, api: httpx.Client) -> None:
    classify = client.flow.create_classify_flow("typed", "Which?", ["x", "y"], 2, 1)
    ranking = client.flow.create_ranking_flow("typed ranking", "Better?", max_response_threshold=2)
    dataset = api.post("/dataset", json={"name": "d"}).json()["datasetId"]
    for target, path in ((classify.id, "/flow/ranking/{}/item"), (ranking.id, "/flow/simple/{}/item")):
        response = api.post(path.format(target), json={"datasetId": dataset})
        assert response.status_code == 400, response.text
        assert "use the /flow/" in response.text
    assert api.get(f"/flow/{classify.id}").json()["flowItemCount"] == 0


OFFICIAL_CLASSIFY_FLOW = textwrap.dedent("""
    import json
    from rapidata import ClassifyFlowItemResult, RapidataClient
    client = RapidataClient()
    flow = client.flow.create_classify_flow(
        name="sdk animals", instruction="What does the picture show?", categories=CATEGORIES,
        max_responses_per_datapoint=4, min_responses_per_datapoint=2,
    )
    items = [flow.create_new_flow_batch(datapoints=URLS[:3], time_to_live=60),
             flow.create_new_flow_batch(datapoints=URLS[3:], contexts=["x", "y"], time_to_live=60)]
    out = []
    for item in items:
        result = item.get_results()
        assert isinstance(result, ClassifyFlowItemResult)
        state = item.get_status()
        out.append({
            "status": str(getattr(state, "value", state)),
            "keys": list(result.datapoints), "total": result.total_responses,
            "distributions": [dict(d.distribution) for d in result.datapoints.values()],
            "counts": [d.response_count for d in result.datapoints.values()],
        })
    flow.update_config(drain_duration=20)
    again = client.flow.get_flow_by_id(flow.id)
    print("RESULT " + json.dumps({"items": out, "reopened": type(again).__name__,
                                  "listed": len(flow.get_flow_items())}))
""")


@pytest.mark.sdk
def test_official_sdk_runs_a_classify_flow_with_two_batches(
    tls_server: dict[str, str], tmp_path: Path
) -> None:
    script = tmp_path / "official_classify_flow.py"
    script.write_text(f"URLS = {URLS!r}\nCATEGORIES = {CATEGORIES!r}\n" + OFFICIAL_CLASSIFY_FLOW)
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
    assert [i["status"] for i in out["items"]] == ["Completed", "Completed"]
    assert [i["keys"] for i in out["items"]] == [URLS[:3], URLS[3:]]
    assert [i["total"] for i in out["items"]] == [12, 8]
    assert all(c == 4 for i in out["items"] for c in i["counts"])
    assert all(list(d) == ["cat", "dog", "other"] for i in out["items"] for d in i["distributions"])
    assert out["reopened"] == "RapidataClassifyFlow"
    assert out["listed"] == 2
