"""Oracle truths are keyed by (customer, content) (issue 15, finding 4): another customer registering a
truth for the same content, computed from public URLs or texts, changes nothing for the first one's jobs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rapidata_nb import cli
from tests.utils.crowd import compare_definition, register_oracle, start_job, wait_completed
from tests.utils.server import LiveServer
from tests.utils.stores import STORES, database_args

EMAIL, PASSWORD = "bea@example.org", "correct horse battery"
PAIR = ("the left text", "the right text")


def _other_customer(server: LiveServer, database: tuple[str, ...]) -> httpx.Client:
    args = [
        "user",
        "create",
        "--data-dir",
        str(server.data_dir),
        *(database or ("--database-url", server.store_url)),
    ]
    assert cli.main([*args, "--email", EMAIL, "--password", PASSWORD]) == 0
    keys = httpx.post(f"{server.url}/identity/bridge-token").json()
    signed_in = httpx.post(
        f"{server.url}/connect/authorize/external",
        data={"writeKey": keys["writeKey"], "email": EMAIL, "password": PASSWORD, "confirm": "yes"},
    )
    assert signed_in.status_code == 200
    token = httpx.get(f"{server.url}/identity/bridge-token", params={"readKey": keys["readKey"]})
    return server.client(token.json()["accessToken"])


def _winner(api: httpx.Client) -> str:
    definition = compare_definition(api, [PAIR], {"_t": "NaiveReferee", "totalVotes": 9})
    doc = wait_completed(api, start_job(api, definition)["jobId"])
    return str(doc["results"][0]["winner"])


@pytest.mark.parametrize("store", STORES)
def test_each_customer_jobs_follow_their_own_oracle(store: str, tmp_path: Path) -> None:
    database = database_args(store)
    server = LiveServer(tmp_path / "data", extra_args=database).start()
    try:
        with server.client() as first, _other_customer(server, database) as second:
            register_oracle(first, "compare", list(PAIR), {"winner": 0})
            register_oracle(second, "compare", list(PAIR), {"winner": 1})  # same content key, later
            assert _winner(first) == PAIR[0]
            assert _winner(second) == PAIR[1]
    finally:
        server.stop()
