"""Batch uploads answer in a bounded number of SQL statements (issue 14): the status of a correlation counts
its items in the database instead of reading every batch, and a batch's items are read in one query. The
server runs in this process (the embedded backend, over HTTP) so that its statements can be counted."""

from __future__ import annotations

import httpx

from rapidata_nb.server.embedded import EmbeddedServer
from tests.utils import statements
from tests.utils.statements import counted

embedded, api = statements.embedded, statements.api  # this module's server and its client (fixtures)


def upload(api: httpx.Client, correlation: str, batches: int) -> list[str]:
    ids = []
    for b in range(batches):
        urls = [f"https://example.org/{correlation}/{b}/{i}.png" for i in range(3)] + ["not a url"]
        response = api.post("/asset/batch-upload", json={"urls": urls, "correlationId": correlation})
        ids.append(response.raise_for_status().json()["batchUploadId"])
    return ids


def test_the_status_takes_the_same_statements_for_any_number_of_batches(
    api: httpx.Client, embedded: EmbeddedServer
) -> None:
    upload(api, "one", 1)
    upload(api, "many", 6)
    with counted(embedded) as one:
        small = api.get("/asset/batch-upload/status", params={"correlationId": "one"}).json()
    with counted(embedded) as many:
        large = api.get("/asset/batch-upload/status", params={"correlationId": "many"}).json()
    assert (small["totalCount"], small["completedCount"], small["failedCount"]) == (4, 3, 1)
    assert (large["totalCount"], large["completedCount"], large["failedCount"]) == (24, 18, 6)
    assert len(large["completedBatches"]) == 6
    assert len(one) == len(many)


def test_a_batch_lists_its_items_in_order_with_every_field(api: httpx.Client) -> None:
    (batch_id,) = upload(api, "fields", 1)
    body = api.get(f"/asset/batch-upload/{batch_id}").raise_for_status().json()
    items = body.pop("items")
    assert body == {
        "batchUploadId": batch_id,
        "status": "Completed",
        "totalCount": 4,
        "completedCount": 3,
        "failedCount": 1,
    }
    assert [i["url"] for i in items] == [f"https://example.org/fields/0/{i}.png" for i in range(3)] + [
        "not a url"
    ]
    assert items[0] == {
        "url": "https://example.org/fields/0/0.png",
        "fileName": items[0]["fileName"],
        "warnings": [],
        "status": "Completed",
        "errorMessage": None,
        "stage": None,
        "upstreamHttpStatus": None,
    }
    assert items[0]["fileName"].endswith("_0.png")
    assert items[3] == {
        "url": "not a url",
        "fileName": None,
        "warnings": [],
        "status": "Failed",
        "errorMessage": "Not an http(s) URL",
        "stage": "Validation",
        "upstreamHttpStatus": None,
    }
