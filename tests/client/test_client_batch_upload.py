"""Datapoint creation through the server's batch path (``POST /dataset/{id}/datapoints``), against the real
server: per-item failures, retried batches, and the fallback to one request per datapoint for servers
without the batch path (the hosted API)."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any

import httpx
import pytest

from rapidata_nb import FailedUploadException, RapidataClient
from rapidata_nb.client.upload import DATAPOINT_BATCH_SIZE

BATCH = "/datapoints"
SINGLE = "/datapoint"


class Recording(httpx.HTTPTransport):
    """The real network transport, counting requests by path ending; ``hook`` may replace an answer."""

    def __init__(self, hook: Any = None) -> None:
        super().__init__()
        self.paths: Counter[str] = Counter()
        self.hook = hook

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.paths[BATCH if path.endswith(BATCH) else SINGLE if path.endswith(SINGLE) else path] += 1
        if self.hook is not None:
            replaced = self.hook(request, self)
            if replaced is not None:
                return replaced
        return super().handle_request(request)


def _client(live_server: Any, transport: httpx.BaseTransport) -> RapidataClient:
    return RapidataClient(
        live_server.client_id, live_server.client_secret, environment=live_server.url, transport=transport
    )


def _pairs(n: int, tag: str) -> list[list[str]]:
    return [[f"{tag} A {i}", f"{tag} B {i}"] for i in range(n)]


def test_large_definition_uses_few_requests(live_server: Any) -> None:
    transport = Recording()
    client = _client(live_server, transport)
    n = 2 * DATAPOINT_BATCH_SIZE + 500
    definition = client.job.create_compare_job_definition(
        name="Batch", instruction="Which?", datapoints=_pairs(n, "big"), data_type="text"
    )
    assert transport.paths[BATCH] == 3 and transport.paths[SINGLE] == 0
    assert definition.estimated_cost.datapoint_count == n


def test_a_bad_item_fails_alone_and_retry_stores_it(live_server: Any) -> None:
    """The server rejects the batch naming the bad item; the client re-sends the rest, so the others are
    stored and the bad one becomes a ``FailedUpload`` with the server's own message."""
    transport = Recording()
    client = _client(live_server, transport)
    contexts = ["short"] * 30
    contexts[12] = "x" * 401  # the classification schema caps contexts at 400 characters
    with pytest.raises(FailedUploadException) as info:
        client.job.create_classification_job_definition(
            name="One bad",
            instruction="Cat or dog?",
            answer_options=["Cat", "Dog"],
            datapoints=[f"text {i}" for i in range(30)],
            data_type="text",
            contexts=contexts,
        )
    e = info.value
    assert [d.asset for d in e.failed_uploads] == ["text 12"]
    failure = e.detailed_failures[0]
    assert failure.error_message == "segments.context.text: longer than 400 characters"
    assert failure.http_status == 400 and failure.trace_id and failure.stage == "datapoint"
    assert transport.paths[BATCH] == 2 and transport.paths[SINGLE] == 0  # rejected once, then the 29
    definition = e.job_definition
    assert definition is not None and definition.estimated_cost.datapoint_count == 29
    failure.item.context = "fixed"
    assert e.retry() is definition
    assert definition.estimated_cost.datapoint_count == 30


def test_a_lost_answer_is_retried_without_copies(live_server: Any) -> None:
    """The server stores a batch but the answer is lost (503 to the client): the retried batch returns the
    same datapoints instead of storing them twice."""
    lost: list[int] = []

    def lose_first_answer(request: httpx.Request, transport: Recording) -> httpx.Response | None:
        if request.url.path.endswith(BATCH) and not lost:
            answer = httpx.HTTPTransport.handle_request(transport, request)
            answer.read()
            assert answer.status_code == 200
            lost.append(answer.status_code)
            return httpx.Response(503, json={"message": "answer lost on the way"})
        return None

    transport = Recording(lose_first_answer)
    client = _client(live_server, transport)
    definition = client.job.create_compare_job_definition(
        name="Lost answer", instruction="Which?", datapoints=_pairs(40, "lost"), data_type="text"
    )
    assert lost and transport.paths[BATCH] == 2
    assert definition.estimated_cost.datapoint_count == 40


@pytest.mark.parametrize("status", [404, 405])
def test_servers_without_the_batch_path_get_one_request_per_datapoint(live_server: Any, status: int) -> None:
    def no_batch_path(request: httpx.Request, _transport: Recording) -> httpx.Response | None:
        if request.url.path.endswith(BATCH):
            return httpx.Response(
                status, json={"message": "Not Found" if status == 404 else "Method Not Allowed"}
            )
        return None

    transport = Recording(no_batch_path)
    client = _client(live_server, transport)
    definition = client.job.create_compare_job_definition(
        name="No batch", instruction="Which?", datapoints=_pairs(25, f"nobatch{status}"), data_type="text"
    )
    assert transport.paths[BATCH] == 1 and transport.paths[SINGLE] == 25
    assert definition.estimated_cost.datapoint_count == 25


def test_batches_are_built_and_sent_with_the_cyclic_collector_paused(live_server: Any) -> None:
    """A batch of datapoints or URLs is a big acyclic tree of containers (issue 14, ``rapidata_nb._gc``)."""
    paused: Counter[str] = Counter()

    def note(request: httpx.Request, _transport: Recording) -> None:
        path = request.url.path
        if path.endswith(BATCH) or path.startswith("/asset/batch-upload"):
            key = BATCH if path.endswith(BATCH) else "upload" if request.method == "POST" else "status"
            key = "items" if key == "status" and not path.endswith("/status") else key
            paused[f"{key}:{'paused' if not gc.isenabled() else 'running'}"] += 1

    client = _client(live_server, Recording(note))
    urls = [[f"https://example.org/gc/a{i}.png", f"https://example.org/gc/b{i}.png"] for i in range(5)]
    client.job.create_compare_job_definition(name="Paused", instruction="Which?", datapoints=urls)
    assert paused == {
        "upload:paused": 1,
        "status:running": 1,
        "items:paused": 1,
        f"{BATCH}:paused": 1,
    }
    assert gc.isenabled()
