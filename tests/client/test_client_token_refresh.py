"""Token refresh over a real socket: the token exchange's body is read before it is parsed (issue 15, 1).

A mock transport hands back responses whose body is already in memory, so only a real server shows the bug:
a streamed token response parsed without being read raised ``httpx.ResponseNotRead`` on every call after the
first refresh.
"""

from __future__ import annotations

from typing import Any

import pytest

from rapidata_nb import RapidataClient
from rapidata_nb.api.auth import ClientCredentialsAuth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def short_ttl_server(live_server_factory: Any) -> Any:
    # A 1 s token with the client's 60 s leeway is due for refresh at every call: each call below refreshes.
    return live_server_factory(crowd=False, extra_args=("--token-ttl-seconds", "1"))


def _auth(client: RapidataClient) -> ClientCredentialsAuth:
    auth = client._transport.http.auth
    assert isinstance(auth, ClientCredentialsAuth)
    return auth


def test_one_client_keeps_working_across_refreshes(short_ttl_server: Any) -> None:
    client = RapidataClient(
        short_ttl_server.client_id, short_ttl_server.client_secret, environment=short_ttl_server.url
    )
    tokens = [_auth(client).token["access_token"]]  # type: ignore[index]
    for _ in range(5):
        assert client.job.find_jobs(amount=1) == []
        tokens.append(_auth(client).token["access_token"])  # type: ignore[index]
    assert len(set(tokens)) == 6


def test_a_rejected_token_is_refreshed_once_and_the_call_replayed(short_ttl_server: Any) -> None:
    client = RapidataClient(
        short_ttl_server.client_id, short_ttl_server.client_secret, environment=short_ttl_server.url, leeway=0
    )
    auth = _auth(client)
    # A token the client believes valid for an hour but the server does not know: the call gets 401, the
    # flow exchanges the credentials again (a real, streamed response) and replays the call.
    auth.token = {"access_token": "revoked", "token_type": "Bearer", "expires_at": 4_102_444_800}
    assert client.job.find_jobs(amount=1) == []
    assert auth.token["access_token"] != "revoked"
