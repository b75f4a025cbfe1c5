"""Budgets shared by replicas (issue 15): two server processes on one store allow what one allows.

The failure budgets of credential checks and the new-labeler budget are rows of the store, taken in the
request's transaction, so guesses and new labelers sent concurrently to two replicas are counted once. With
budgets kept in each process (the code before), each replica would allow its own budget: 2× the 401s and
2× the labelers these tests expect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.utils.server import LiveServer
from tests.utils.stores import engine_of, require_postgres

pytestmark = pytest.mark.slow

FAILURES = 4
NEW_LABELERS = 3


@pytest.fixture(params=["sqlite", "postgres"])
def replicas(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[LiveServer]]:
    """Two server processes on one store: a shared SQLite file, or one PostgreSQL database."""
    extra = (
        "--sign-in-failures-per-account",
        str(FAILURES),
        "--sign-in-failures-per-address",
        "1000",
        "--labelers-per-address-per-hour",
        str(NEW_LABELERS),
    )
    if request.param == "postgres":
        require_postgres()
        url = request.getfixturevalue("postgres_url")
        extra = (*extra, "--database-url", url)
    servers = [LiveServer(tmp_path / "data", crowd=False, extra_args=extra) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def _spread(servers: list[LiveServer], n: int, send: Any) -> list[httpx.Response]:
    """``send(url)`` ``n`` times at once, alternating between the replicas."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(lambda i: send(servers[i % 2].url), range(n)))


def test_wrong_secrets_spread_over_replicas_spend_one_budget(replicas: list[LiveServer]) -> None:
    def guess(url: str) -> httpx.Response:
        return httpx.post(
            f"{url}/connect/token", data={"grant_type": "client_credentials"}, auth=("test", "x"), timeout=60
        )

    answers = _spread(replicas, 24, guess)
    assert Counter(r.status_code for r in answers) == {401: FAILURES, 429: 24 - FAILURES}
    for server in replicas:  # the budget is the account's, on both replicas, even for the right secret
        right = httpx.post(
            f"{server.url}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(server.client_id, server.client_secret),
            timeout=60,
        )
        assert right.status_code == 429
        assert int(right.headers["retry-after"]) >= 1


def test_right_secrets_on_both_replicas_give_their_take_back(replicas: list[LiveServer]) -> None:
    answers = [
        httpx.post(
            f"{server.url}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(server.client_id, server.client_secret),
            timeout=60,
        )
        for server in replicas * (FAILURES + 2)
    ]
    assert Counter(r.status_code for r in answers) == {200: 2 * (FAILURES + 2)}


def test_new_labelers_spread_over_replicas_spend_one_budget(replicas: list[LiveServer]) -> None:
    answers = _spread(replicas, 12, lambda url: httpx.post(f"{url}/labeler/session", json={}, timeout=60))
    assert Counter(r.status_code for r in answers) == {200: NEW_LABELERS, 429: 12 - NEW_LABELERS}
    engine = engine_of(replicas[0])
    with engine.connect() as conn:
        humans = conn.execute(text("SELECT count(*) FROM labeler WHERE kind = 'human'")).scalar_one()
        keys = conn.execute(text("SELECT key FROM rate_limit")).scalars().all()
    engine.dispose()
    assert humans == NEW_LABELERS
    assert keys and all(len(k) == 64 and "127.0.0.1" not in k for k in keys)  # hashed, no address kept
