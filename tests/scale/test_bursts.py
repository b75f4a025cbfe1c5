"""Bursts of concurrent labeler requests on one server process, on both stores (issue 9).

Every labeler request runs a sync dependency (the labeler session lookup) and then the sync handler, each in
a separate hop through FastAPI's pool of 40 threads, and keeps its database connection between hops. With more
requests in flight than threads and pooled connections, that used to deadlock: all threads waited for a
connection, all connections waited for a thread, until the pool gave up after 60 s and the requests failed
(the stalled load-test run). ``deps.REQUEST_SLOTS`` bounds the open sessions, so a burst of 200 fetches and
then 200 answers must all succeed, and every acknowledged answer must be stored exactly once.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.utils.labelers import compare_job
from tests.utils.server import LiveServer
from tests.utils.stores import STORES, database_args, engine_of

pytestmark = pytest.mark.slow

BURST = 200


async def _burst(url: str, n: int) -> tuple[list[int], list[int], list[str]]:
    """``n`` labelers open sessions, then all fetch at once, then all answer at once."""
    # A fresh connection per request: reusing one the server closed as idle (uvicorn's 5 s keep-alive) is a
    # client-side race that says nothing about the server.
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=180, limits=limits) as http:
        sessions = [
            (await http.post("/labeler/session", json={"name": f"burst {i}"})).json()["sessionId"]
            for i in range(n)
        ]
        fetched = await asyncio.gather(*(http.get(f"/labeler/session/{s}/tasks") for s in sessions))
        answers = await asyncio.gather(
            *(
                http.post(
                    f"/labeler/session/{s}/answers",
                    json={"taskId": f.json()["items"][0]["taskId"], "answer": {"winner": i % 2}},
                )
                for i, (s, f) in enumerate(zip(sessions, fetched, strict=True))
                if f.status_code == 200 and f.json()["items"]
            )
        )
    acknowledged = [a.json()["responseId"] for a in answers if a.status_code == 200]
    return [f.status_code for f in fetched], [a.status_code for a in answers], acknowledged


@pytest.mark.parametrize("store", STORES)
def test_a_burst_of_200_labelers_is_served_without_errors(store: str, tmp_path: Path) -> None:
    # 200 people from one address: a team behind one NAT, so the server allows that many new labelers
    labelers = ("--labelers-per-address-per-hour", str(BURST))
    server = LiveServer(tmp_path / "data", crowd=False, extra_args=(*database_args(store), *labelers)).start()
    try:
        with server.client() as api:
            job_id = compare_job(api, "burst", n=BURST // 2, votes=4)  # room for two answers per labeler
        with ThreadPoolExecutor(1) as thread:  # a loop of its own: other tests may leave one running here
            burst = thread.submit(asyncio.run, _burst(server.url, BURST))
            fetch_codes, answer_codes, acknowledged = burst.result()
        assert fetch_codes == [200] * BURST
        assert answer_codes == [200] * BURST
        engine = engine_of(server)
        with engine.connect() as conn:
            stored: list[Any] = conn.execute(
                text("SELECT id FROM response WHERE job_id = :job"), {"job": job_id}
            ).all()
            state = conn.execute(text("SELECT state FROM job WHERE id = :job"), {"job": job_id}).scalar()
        engine.dispose()
        assert sorted(r[0] for r in stored) == sorted(acknowledged)
        assert state == "Running"  # half of its 400 answers are in
    finally:
        server.stop()
