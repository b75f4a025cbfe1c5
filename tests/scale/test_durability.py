"""Durability (issue 9): kill -9 mid-job loses no acknowledged response; the job completes after restart.

An answer is acknowledged (HTTP 200) only after its transaction committed (``deps.get_session`` commits before
the response is sent; SQLite runs ``synchronous=FULL``, PostgreSQL commits synchronously), so every
acknowledged ``responseId`` must be in the database after the process is SIGKILLed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.utils.labelers import HttpLabeler, compare_job
from tests.utils.server import LiveServer
from tests.utils.stores import STORES, database_args, store_engine

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("store", STORES)
def test_kill_9_mid_job_keeps_every_acknowledged_response(tmp_path: Path, store: str, poll: Any) -> None:
    extra = database_args(store)
    server = LiveServer(tmp_path / "data", crowd=False, extra_args=extra).start()
    try:
        with server.client() as api:
            job_id = compare_job(api, "durable", n=12, votes=3)
        labelers = [HttpLabeler([server.url], seed=i) for i in range(6)]
        threads = [lab.start() for lab in labelers]
        poll(lambda: sum(len(lab.acknowledged) for lab in labelers) >= 10, timeout=60, message="10 answers")
        server.kill()  # SIGKILL while the labelers are mid-request
        for thread in threads:
            thread.join(timeout=30)
        acknowledged = [rid for lab in labelers for rid in lab.acknowledged]
        assert 10 <= len(acknowledged) < 36

        engine = store_engine(server.data_dir, extra)
        with engine.connect() as conn:
            stored = set(conn.execute(text("SELECT id FROM response")).scalars())
        engine.dispose()
        assert set(acknowledged) <= stored, f"lost: {set(acknowledged) - stored}"

        server.start()  # same data directory, port and database
        for lab in labelers:
            lab.stop.clear()
        threads = [lab.start(stop_on_error=False) for lab in labelers]
        with server.client() as api:
            poll(
                lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed", timeout=120, message="done"
            )
            results = api.get(f"/job/{job_id}/download-results").json()
        for lab in labelers:
            lab.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        engine = store_engine(server.data_dir, extra)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, task_id, labeler_id FROM response WHERE job_id = :j"), {"j": job_id}
            )
            responses = rows.all()
            counts = conn.execute(
                text(
                    "SELECT t.response_count, t.target_responses, (SELECT count(*) FROM response r "
                    "WHERE r.task_id = t.id) FROM job_task t WHERE t.job_id = :j"
                ),
                {"j": job_id},
            ).all()
        engine.dispose()
        assert set(acknowledged) <= {r[0] for r in responses}
        assert len({(r[1], r[2]) for r in responses}) == len(responses)  # nobody answered a task twice
        assert all(count == stored_rows for count, _, stored_rows in counts)  # nothing counted twice
        assert all(stored_rows == target for _, target, stored_rows in counts)  # 12 x 3, no overflow
        assert sum(len(r["detailedResults"]) for r in results["results"]) == 36
    finally:
        server.stop()
