"""The simulated crowd's controls belong to the server's operator (issue 15, finding 4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from rapidata_nb import cli

EMAIL, PASSWORD = "mallory@example.org", "correct horse battery"


@pytest.fixture(scope="module")
def other_customer(live_server: Any) -> Iterator[httpx.Client]:
    """A person with a customer of their own, signed in through the browser login."""
    args = [
        "user",
        "create",
        "--data-dir",
        str(live_server.data_dir),
        "--database-url",
        live_server.store_url,
    ]
    assert cli.main([*args, "--email", EMAIL, "--password", PASSWORD]) == 0
    keys = httpx.post(f"{live_server.url}/identity/bridge-token").json()
    signed_in = httpx.post(
        f"{live_server.url}/connect/authorize/external",
        data={"writeKey": keys["writeKey"], "email": EMAIL, "password": PASSWORD, "confirm": "yes"},
    )
    assert signed_in.status_code == 200
    token = httpx.get(f"{live_server.url}/identity/bridge-token", params={"readKey": keys["readKey"]})
    with live_server.client(token.json()["accessToken"]) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "body"),
    [("/local/crowd/pause", None), ("/local/crowd/resume", None), ("/local/crowd/pace", {"pace": 30}),
     ("/local/crowd/step?steps=5", None)],
)  # fmt: skip
def test_another_customer_cannot_steer_the_crowd(
    api: httpx.Client, other_customer: httpx.Client, path: str, body: Any
) -> None:
    before = api.get("/local/crowd").json()
    refused = other_customer.post(path, json=body)
    assert refused.status_code == 403 and "operator" in refused.json()["message"]
    assert api.get("/local/crowd").json() == before


def test_the_operator_steers_the_crowd(api: httpx.Client) -> None:
    try:
        assert api.post("/local/crowd/pause").json()["paused"] is True
        assert api.post("/local/crowd/pace", json={"pace": 0}).json()["pace"] == 0
        stepped = api.post("/local/crowd/step", params={"steps": 5})  # a paused crowd gives no responses
        assert stepped.status_code == 409 and "resume" in stepped.json()["message"]
    finally:
        assert api.post("/local/crowd/resume").json()["paused"] is False
