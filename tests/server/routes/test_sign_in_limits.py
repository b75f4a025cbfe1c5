"""Failure budgets of credential checks (issue 15, finding 3), with guesses sent concurrently.

Every attempt is taken from the address's and the account's budget before the secret is checked, so of N
concurrent wrong guesses exactly the budget is evaluated (401) and the rest answer 429 with ``Retry-After``.
The budgets refill over ten minutes (one failure per 120 s for a budget of 5), far longer than these tests.
The budgets are rows of the store; ``scale/test_shared_limits.py`` spreads the guesses over two replicas.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from rapidata_nb import cli
from tests.utils.server import LiveServer

PASSWORD = "correct horse battery"


def _concurrently(n: int, send: Any) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(send, range(n)))


def _token(server: LiveServer, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/connect/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=60,
    )


def _refused(responses: list[httpx.Response]) -> list[httpx.Response]:
    return [r for r in responses if r.status_code == 429]


@pytest.fixture(scope="module")
def per_account(live_server_factory: Any) -> LiveServer:
    server: LiveServer = live_server_factory(
        crowd=False,
        extra_args=("--sign-in-failures-per-account", "5", "--sign-in-failures-per-address", "1000"),
    )
    return server


@pytest.fixture(scope="module")
def per_address(live_server_factory: Any) -> LiveServer:
    server: LiveServer = live_server_factory(
        crowd=False,
        extra_args=("--sign-in-failures-per-account", "1000", "--sign-in-failures-per-address", "4"),
    )
    return server


def _create_user(server: LiveServer, email: str) -> None:
    args = ["user", "create", "--data-dir", str(server.data_dir), "--database-url", server.store_url]
    assert cli.main([*args, "--email", email, "--password", PASSWORD]) == 0


def _write_key(server: LiveServer) -> str:
    answer = httpx.post(f"{server.url}/identity/bridge-token", params={"clientId": "rapidata-cli"})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["writeKey"])


def _sign_in(server: LiveServer, write_key: str, email: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/connect/authorize/external",
        data={"writeKey": write_key, "email": email, "password": password, "confirm": "yes"},
        timeout=60,
    )


def test_concurrent_wrong_secrets_evaluate_only_the_account_budget(per_account: LiveServer) -> None:
    answers = _concurrently(40, lambda _: _token(per_account, "test", "wrong"))
    assert Counter(r.status_code for r in answers) == {401: 5, 429: 35}
    assert all(int(r.headers["retry-after"]) >= 1 for r in _refused(answers))
    assert "too many failed sign-ins" in _refused(answers)[0].json()["message"]
    # The spent budget is the account's: its right secret waits too, another account signs in.
    assert _token(per_account, "test", per_account.client_secret).status_code == 429
    local = json.loads((per_account.data_dir / "local_credentials.json").read_text())
    assert _token(per_account, local["client_id"], local["client_secret"]).status_code == 200


def test_a_right_secret_gives_its_reservation_back(per_account: LiveServer) -> None:
    local = json.loads((per_account.data_dir / "local_credentials.json").read_text())
    answers = [_token(per_account, local["client_id"], local["client_secret"]) for _ in range(12)]
    assert Counter(r.status_code for r in answers) == {200: 12}


def test_concurrent_wrong_passwords_evaluate_only_the_account_budget(per_account: LiveServer) -> None:
    _create_user(per_account, "ann@example.org")
    write_key = _write_key(per_account)
    answers = _concurrently(30, lambda _: _sign_in(per_account, write_key, "ann@example.org", "guess-guess"))
    assert Counter(r.status_code for r in answers) == {401: 5, 429: 25}
    refused = _refused(answers)[0]
    assert int(refused.headers["retry-after"]) >= 1 and "Too many failed sign-ins" in refused.text
    assert _sign_in(per_account, write_key, "Ann@Example.org", PASSWORD).status_code == 429


def test_guesses_at_many_accounts_evaluate_only_the_address_budget(per_address: LiveServer) -> None:
    write_key = _write_key(per_address)
    answers = _concurrently(
        20, lambda i: _sign_in(per_address, write_key, f"user{i}@example.org", "guess-guess")
    )
    assert Counter(r.status_code for r in answers) == {401: 4, 429: 16}
    secrets = _concurrently(10, lambda i: _token(per_address, f"client{i}", "wrong"))
    assert Counter(r.status_code for r in secrets) == {429: 10}


def test_sign_in_links_are_limited_per_address(live_server_factory: Any) -> None:
    server: LiveServer = live_server_factory(crowd=False)
    answers = _concurrently(
        30, lambda _: httpx.post(f"{server.url}/identity/bridge-token", params={"clientId": "rapidata-cli"})
    )
    assert Counter(r.status_code for r in answers) == {200: 20, 429: 10}
    assert "sign-in links" in _refused(answers)[0].json()["message"]
