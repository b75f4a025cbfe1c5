"""Numbers that size work are bounded (issue 15, finding 8): 400 naming field and range, nothing stored.

Also: a body over the limit answers 413 however it is sent, with a length or chunked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.utils.builders import create_definition
from tests.utils.stores import engine_of

COUNTED = ("job_definition", "definition_revision", "job", "signal", "flow", "flow_item", "leaderboard")


@pytest.fixture(scope="module")
def made(api: httpx.Client) -> dict[str, Any]:
    return create_definition(api, "compare", n=1, votes=1)


def _counts(live_server: Any) -> dict[str, int]:
    engine = engine_of(live_server)
    with engine.connect() as conn:
        counts = {
            table: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0) for table in COUNTED
        }
    engine.dispose()
    return counts


def _definition(made: dict[str, Any], referee: dict[str, Any]) -> dict[str, Any]:
    return {
        "definitionName": "too big",
        "workflow": {
            "_t": "SimpleWorkflow",
            "rapid": {"_t": "Compare", "asset": {"segment": "asset"}, "criteria": {"literal": "Which?"}},
        },
        "referee": referee,
        "datasetId": made["datasetId"],
    }


def _signal(made: dict[str, Any], interval: Any) -> dict[str, Any]:
    return {
        "name": "fast",
        "audienceId": "global",
        "jobDefinitionId": made["definitionId"],
        "intervalSeconds": interval,
    }


NAIVE, QUORUM = "NaiveReferee", "QuorumReferee"
DEF, RANK, JOB, SIGNAL = "POST /job/definition", "POST /flow/ranking", "POST /job", "POST /signal"
FLOW = {"name": "f", "criteria": "c"}
CASES: list[tuple[str, tuple[str, Any], str, str]] = [
    # (route, (body kind, its number), field named in the message, range named in the message)
    (DEF, ("referee", {"_t": NAIVE, "totalVotes": 1e24}), "totalVotes", "from 1 to 10000"),
    (DEF, ("referee", {"_t": NAIVE, "totalVotes": 2**62}), "totalVotes", "from 1 to 10000"),
    (DEF, ("referee", {"_t": NAIVE, "totalVotes": True}), "totalVotes", "got true"),
    (DEF, ("referee", {"_t": QUORUM, "maxVotes": 10**9, "threshold": 2}), "maxVotes", "to 10000"),
    (JOB, ("job", 2**62), "revisionNumber", "from 1 to 2147483647"),
    (RANK, ("raw", {**FLOW, "maxResponses": 10**12}), "maxResponses", "from 1 to 10000000"),
    (RANK, ("raw", {**FLOW, "serveTimeoutSeconds": -5}), "serveTimeoutSeconds", "from 1 to 2592000"),
    (RANK, ("raw", {**FLOW, "drainDurationSeconds": -1}), "drainDurationSeconds", "from 0 to"),
    (SIGNAL, ("signal", True), "intervalSeconds", "got true"),
    (SIGNAL, ("signal", 0.001), "intervalSeconds", "from 0.2 to 31622400"),
    (SIGNAL, ("signal", 1e12), "intervalSeconds", "from 0.2 to 31622400"),
    ("GET /jobs?page_size=100000", ("raw", None), "page_size", "less than or equal to 1000"),
]  # fmt: skip


def _body(made: dict[str, Any], kind: str, value: Any) -> Any:
    if kind == "referee":
        return _definition(made, value)
    if kind == "signal":
        return _signal(made, value)
    if kind == "job":
        return {"jobDefinitionId": made["definitionId"], "audienceId": "global", "revisionNumber": value}
    return value


@pytest.mark.parametrize(("route", "body", "field", "bounds"), CASES)
def test_out_of_range_numbers_get_400_naming_field_and_range(
    api: httpx.Client,
    live_server: Any,
    made: dict[str, Any],
    route: str,
    body: tuple[str, Any],
    field: str,
    bounds: str,
) -> None:
    before = _counts(live_server)
    method, path = route.split(" ")
    response = api.request(method, path, json=_body(made, *body))
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert field in message and bounds in message, message
    assert _counts(live_server) == before


def _chunks(total: int) -> Iterator[bytes]:
    chunk = b"x" * (1024 * 1024)
    for _ in range(total // len(chunk)):
        yield chunk


@pytest.mark.parametrize("path", ["/audience", "/job/definition"])
def test_an_oversized_chunked_body_gets_413(api: httpx.Client, live_server: Any, path: str) -> None:
    before = _counts(live_server)
    response = api.post(path, content=_chunks(17 * 1024 * 1024), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    assert "larger than 16 MB" in response.json()["message"]
    assert _counts(live_server) == before
