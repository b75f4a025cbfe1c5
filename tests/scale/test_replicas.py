"""Several server processes on one PostgreSQL (issue 9, DESIGN §5).

Two replicas share one database and one data directory; both run the simulated crowd at full speed and
human labelers answer through both. Nobody answers a task twice, every response is counted once, no task
gets more responses than its target (the documented overflow is zero while leases are honoured: a task is
leased only under its row lock, counting responses plus unexpired leases), and each job completes once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.utils.labelers import HttpLabeler, compare_job
from tests.utils.server import LiveServer

pytestmark = pytest.mark.slow


def test_two_replicas_with_crowds_and_humans_share_the_work(
    postgres_url: str, tmp_path: Path, poll: Any
) -> None:
    data = tmp_path / "data"
    replicas = [LiveServer(data, extra_args=("--database-url", postgres_url)) for _ in range(2)]
    try:
        for replica in replicas:
            replica.start()
        humans = [HttpLabeler([r.url for r in replicas], seed=i) for i in range(6)]
        threads = [h.start(stop_on_error=False) for h in humans]
        with replicas[0].client() as api:
            naive = compare_job(api, "naive", n=8, votes=4)
            quorum = compare_job(
                api, "quorum", n=8, votes=5, referee={"_t": "QuorumReferee", "threshold": 3, "maxVotes": 5}
            )
        with replicas[1].client() as api:
            for job_id in (naive, quorum):
                poll(
                    lambda j=job_id: api.get(f"/job/{j}").json()["state"] == "Completed",
                    timeout=120,
                    message=job_id,
                )
        for h in humans:
            h.stop.set()
        for t in threads:
            t.join(timeout=30)

        engine = create_engine(postgres_url)
        with engine.connect() as conn:
            responses = conn.execute(text("SELECT id, task_id, labeler_id, job_id FROM response")).all()
            tasks = conn.execute(
                text(
                    "SELECT t.job_id, t.target_responses, t.response_count, t.done, "
                    "(SELECT count(*) FROM response r WHERE r.task_id = t.id) FROM job_task t"
                )
            ).all()
            jobs = conn.execute(
                text("SELECT id, state, completed_at FROM job WHERE id IN (:a, :b)"),
                {"a": naive, "b": quorum},
            ).all()
        engine.dispose()
        acknowledged = {rid for h in humans for rid in h.acknowledged}
        assert acknowledged <= {r[0] for r in responses}
        assert len({(r[1], r[2]) for r in responses}) == len(responses), "a labeler answered a task twice"
        assert all(t[2] == t[4] for t in tasks), "a response was counted twice or not at all"
        assert all(t[3] for t in tasks if t[0] in (naive, quorum))
        assert max(t[4] - t[1] for t in tasks) <= 0, "a task got more responses than its target"
        assert all(t[4] == 4 for t in tasks if t[0] == naive)
        assert all(3 <= t[4] <= 5 for t in tasks if t[0] == quorum)  # quorum of 3, at most 5
        assert sorted(j[1] for j in jobs) == ["Completed", "Completed"] and all(j[2] for j in jobs)
    finally:
        for replica in replicas:
            replica.stop()


def test_serve_with_workers_runs_several_processes_on_one_port(
    postgres_url: str, tmp_path: Path, poll: Any
) -> None:
    args = ("--database-url", postgres_url, "--workers", "2", "--log-level", "info")
    server = LiveServer(tmp_path / "data", extra_args=args)
    try:
        server.start()
        with server.client() as api:
            job_id = compare_job(api, "workers", n=4, votes=3)
            poll(lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed", timeout=90, message="done")
        poll(lambda: server.log().count("Started server process") == 2, timeout=30, message="2 workers")
    finally:
        server.stop()


def test_a_file_uploaded_through_one_replica_is_served_by_another(postgres_url: str, tmp_path: Path) -> None:
    """Replicas on separate machines share nothing but the database: each has its own data directory."""
    first, second = (
        LiveServer(tmp_path / name, crowd=False, extra_args=("--database-url", postgres_url))
        for name in ("machine-a", "machine-b")
    )
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 9000  # about 2.3 MB: three chunks
    try:
        first.start()
        second.start()
        with first.client() as api:
            upload = api.post("/asset/file", files={"file": ("big.png", data, "image/png")})
        upload.raise_for_status()
        served = httpx.get(f"{second.url}/assets/{upload.json()['fileName']}")
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/png"
        assert served.content == data
        assert not (tmp_path / "machine-b" / "assets").exists()
    finally:
        first.stop()
        second.stop()
