"""Accounts and isolation (issue 9): two customers on one server, every route of the OpenAPI schema.

Customer A creates one of everything; customer B then calls every route that takes an id with A's ids and
must get 404 (not 403: existence is not leaked), and every list route must not mention any of A's ids. At the
end A's resources are unchanged. Routes that are public by design are listed in ``PUBLIC`` with the reason.
The ``/local`` routes that take an id are walked like the others; the crowd controls and oracles, and the
labeler feed (which serves people, not customers), have tests of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.utils.crowd import compare_example
from tests.utils.server import LiveServer, wait_for
from tests.utils.stores import another_customer

PUBLIC = {
    "/labeler": "the labeler feed serves people, not API customers (sessions are unguessable ids)",
    "/connect": "OAuth endpoints",
    "/assets/": "stored asset files are content-addressed and shown to labelers",
    "/identity/bridge-token": "browser sign-in hand-off (one-time keys)",
    "/datasets/shorten-context": "a pure text function, stores nothing",
    "/campaign": "no-op compatibility endpoint",
    "/pipeline/preliminary-download/": "download ids are unguessable and short-lived",
}


@pytest.fixture(scope="module")
def server(live_server_factory: Any) -> LiveServer:
    return live_server_factory(crowd=False)  # type: ignore[no-any-return]


def _ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


@pytest.fixture(scope="module")
def customer_b(server: LiveServer) -> Iterator[httpx.Client]:
    """A second customer with its own API client."""
    with another_customer(server, "b@example.com") as client:
        yield client


@pytest.fixture(scope="module")
def a_ids(server: LiveServer) -> dict[str, str]:
    """One of every resource of customer A (the test client), by path parameter name."""
    with server.client() as api:
        dataset = _ok(api.post("/dataset", json={"name": "a dataset"}))["datasetId"]
        pair = [{"_t": "TextAssetInput", "text": "a left"}, {"_t": "TextAssetInput", "text": "a right"}]
        segments = [{"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAssetInput", "assets": pair}}]
        datapoint = _ok(
            api.post(f"/dataset/{dataset}/datapoint", json={"segments": segments, "sortIndex": 0})
        )["datapointId"]
        _ok(
            api.post(
                "/local/oracle", json={"kind": "compare", "datapointId": datapoint, "truth": {"winner": 0}}
            )
        )
        workflow = {
            "_t": "SimpleWorkflow",
            "rapid": {"_t": "Compare", "asset": {"segment": "asset"}, "criteria": {"literal": "Better?"}},
        }
        definition = _ok(
            api.post(
                "/job/definition",
                json={
                    "definitionName": "a definition",
                    "workflow": workflow,
                    "referee": {"_t": "NaiveReferee", "totalVotes": 3},
                    "datasetId": dataset,
                },
            )
        )["definitionId"]
        audience = _ok(api.post("/audience", json={"name": "a audience"}))["audienceId"]
        _ok(api.post(f"/audience/{audience}/example", json=compare_example(("x", "y"), "x")))
        example = _ok(api.get(f"/audience/{audience}/examples"))["items"][0]["id"]
        person = _ok(httpx.post(f"{server.url}/labeler/session", json={"audienceId": audience}))
        unlisted = _ok(api.post("/audience/unlisted", json={"name": "a team"}))["audienceId"]
        job = _ok(api.post("/job", json={"jobDefinitionId": definition, "audienceId": unlisted}))["jobId"]
        signal = _ok(
            api.post(
                "/signal",
                json={
                    "name": "a signal",
                    "audienceId": unlisted,
                    "jobDefinitionId": definition,
                    "intervalSeconds": 86400,
                },
            )
        )["id"]
        _ok(api.post(f"/signal/{signal}/trigger"))
        runs = wait_for(lambda: _ok(api.get(f"/signal/{signal}/run"))["items"], message="the signal's run")
        run = runs[0]["id"]
        flow = _ok(
            api.post(
                "/flow/ranking",
                json={"name": "a flow", "criteria": "Better?", "maxResponses": 4, "minResponses": 2},
            )
        )["flowId"]
        flow_dataset = _ok(api.post("/dataset", json={"name": "a flow items"}))["datasetId"]
        for i in range(2):
            name = _ok(api.post("/asset/url", params={"url": f"https://example.com/a{i}.png"}))["fileName"]
            seg = [{"key": "asset", "kind": "Asset", "asset": {"_t": "ExistingAssetInput", "name": name}}]
            _ok(api.post(f"/dataset/{flow_dataset}/datapoint", json={"segments": seg, "sortIndex": i}))
        item = _ok(api.post(f"/flow/ranking/{flow}/item", json={"datasetId": flow_dataset}))["flowItemId"]
        benchmark = _ok(api.post("/benchmark", json={"name": "a benchmark"}))["id"]
        _ok(api.post(f"/benchmark/{benchmark}/prompt", json={"prompt": "a prompt", "identifier": "a prompt"}))
        prompt = _ok(api.get(f"/benchmark/{benchmark}/prompts"))["items"][0]["id"]
        participant = _ok(api.post(f"/benchmark/{benchmark}/participants", json={"name": "a model"}))[
            "participantId"
        ]
        leaderboard = _ok(
            api.post(
                "/leaderboard", json={"benchmarkId": benchmark, "name": "a board", "instruction": "Better?"}
            )
        )["id"]
        client = _ok(api.post("/Client", json={"displayName": "a second client"}))["clientId"]
        batch = _ok(api.post("/asset/batch-upload", json={"urls": ["https://example.com/a.png"]}))[
            "batchUploadId"
        ]
        validation_set = _ok(api.post("/validation-set", json={"name": "a validation set"}))[
            "validationSetId"
        ]
    return {
        "dataset_id": dataset,
        "datapoint_id": datapoint,
        "labeler_session_id": person["sessionId"],
        "labeler_id": person["labelerId"],
        "definition_id": definition,
        "revision_number": "1",
        "job_id": job,
        "pipeline_id": job,
        "audience_id": audience,
        "unlisted_id": unlisted,
        "example_id": example,
        "signal_id": signal,
        "run_id": run,
        "flow_id": flow,
        "item_id": item,
        "benchmark_id": benchmark,
        "prompt_id": prompt,
        "participant_id": participant,
        "leaderboard_id": leaderboard,
        "client_id": client,
        "batch_id": batch,
        "validation_set_id": validation_set,
    }


def _operations(server: LiveServer) -> list[tuple[str, str]]:
    schema = httpx.get(f"{server.url}/openapi.json", timeout=30).json()
    return [
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if not any(path.startswith(prefix) for prefix in PUBLIC)
    ]


def _valid_body(path: str, a_ids: dict[str, str]) -> dict[str, Any]:
    """A body that would be accepted, for routes that validate the body before loading the resource."""
    asset = {"_t": "ExistingAssetInput", "name": "x.png"}
    bodies: dict[str, dict[str, Any]] = {
        "/flow/ranking/{flow_id}/item": {"datasetId": a_ids["dataset_id"]},
        "/flow/simple/{flow_id}/item": {"datasetId": a_ids["dataset_id"]},
        "/benchmark/{benchmark_id}/prompt": {"prompt": "p", "identifier": "p"},
        "/benchmark/{benchmark_id}/participants": {"name": "b's model"},
        "/participant/{participant_id}/sample": {"identifier": "a prompt", "asset": asset},
        "/local/job-definition/{definition_id}/truths": {"truths": [None]},
        "/validation-set/{validation_set_id}/rapid": {
            "asset": {"_t": "TextAssetInput", "text": "b's task"},
            "payload": {"_t": "ComparePayload", "criteria": "Better?"},
            "truth": {"_t": "CompareTruth", "winnerId": "x"},
        },
    }
    return bodies.get(path, {})


def test_other_customers_ids_answer_404_on_every_route(
    server: LiveServer, customer_b: httpx.Client, a_ids: dict[str, str]
) -> None:
    tried, wrong = [], []
    for method, path in _operations(server):
        names = re.findall(r"{(\w+)}", path)
        if not names:
            continue
        values = {
            n: a_ids["unlisted_id"] if path.startswith("/audience/unlisted") else a_ids.get(n) for n in names
        }
        missing = [n for n, v in values.items() if v is None]
        assert not missing, f"{method} {path}: no id of customer A for {missing}; extend a_ids"
        url = path.format(**values)
        body = None if method in ("GET", "DELETE") else _valid_body(path, a_ids)
        response = customer_b.request(method, url, json=body)
        tried.append(f"{method} {path}")
        if response.status_code != 404:
            wrong.append(f"{method} {url} -> {response.status_code} {response.text[:120]}")
    assert not wrong, "customer B reached customer A's resources:\n" + "\n".join(wrong)
    assert len(tried) >= 50


def test_lists_never_mention_the_other_customers_ids(
    server: LiveServer, customer_b: httpx.Client, a_ids: dict[str, str]
) -> None:
    secret_ids = {v for k, v in a_ids.items() if k != "revision_number"}
    for method, path in _operations(server):
        if method != "GET" or "{" in path:
            continue
        response = customer_b.get(path)
        assert response.status_code < 500, f"GET {path}: {response.status_code}"
        leaked = [i for i in secret_ids if i in response.text]
        assert not leaked, f"GET {path} shows customer A's {leaked}"


def test_crowd_controls_and_oracles_are_not_another_customers(
    server: LiveServer, customer_b: httpx.Client, a_ids: dict[str, str]
) -> None:
    for path, body in (
        ("/local/crowd/pause", None),
        ("/local/crowd/resume", None),
        ("/local/crowd/pace", {"pace": 0}),
        ("/local/crowd/step", None),
    ):
        refused = customer_b.post(path, json=body)
        assert refused.status_code == 403, f"{path}: {refused.status_code} {refused.text}"
    oracle = {"kind": "compare", "datapointId": a_ids["datapoint_id"], "truth": {"winner": 1}}
    assert customer_b.post("/local/oracle", json=oracle).status_code == 404


def test_the_labeler_feed_gives_another_customer_nothing_of_a(
    server: LiveServer, customer_b: httpx.Client, a_ids: dict[str, str]
) -> None:
    # B's token buys nothing in the feed: a session without A's invitation link sees none of A's private work
    session = _ok(customer_b.post("/labeler/session", json={"name": "b's person"}))["sessionId"]
    items = _ok(customer_b.get(f"/labeler/session/{session}/tasks", params={"limit": 50}))["items"]
    assert not [i for i in items if i["isExample"] or i["jobId"] == a_ids["job_id"]]
    assert _ok(customer_b.get(f"/labeler/session/{session}"))["memberships"] == []
    # nor does it reach a person of A's: resuming them needs their resume token
    resumed = customer_b.post("/labeler/session", json={"labelerId": a_ids["labeler_id"]})
    assert resumed.status_code == 404, resumed.text


def test_customer_a_still_owns_everything_unchanged(
    server: LiveServer, customer_b: httpx.Client, a_ids: dict[str, str]
) -> None:
    # runs after B's walk (file order): B's DELETE/PATCH/pause calls changed nothing
    with server.client() as api:
        for path in (f"/dataset/{a_ids['dataset_id']}/datapoint",):
            assert api.get(path).status_code in (404, 405)  # (no GET on this path; sanity of the walk)
        assert _ok(api.get(f"/job/definition/{a_ids['definition_id']}"))["name"] == "a definition"
        assert _ok(api.get(f"/job/{a_ids['job_id']}"))["state"] in ("Running", "Submitted")
        assert _ok(api.get(f"/audience/{a_ids['audience_id']}"))["name"] == "a audience"
        assert _ok(api.get(f"/signal/{a_ids['signal_id']}"))["name"] == "a signal"
        assert _ok(api.get(f"/flow/{a_ids['flow_id']}"))["name"] == "a flow"
        assert _ok(api.get(f"/benchmark/{a_ids['benchmark_id']}"))["name"] == "a benchmark"
        assert _ok(api.get(f"/leaderboard/{a_ids['leaderboard_id']}"))["name"] == "a board"
        assert a_ids["client_id"] in api.get("/Client").text
        assert _ok(api.get(f"/validation-set/{a_ids['validation_set_id']}"))["name"] == "a validation set"
