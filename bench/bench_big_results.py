"""Big results (issue 14): a compare job with 100,000 responses, downloaded as tidy frames.

    PYTHONPATH=. .venv/bin/python bench/bench_big_results.py                 # 10,000 rows x 10 responses
    PYTHONPATH=. .venv/bin/python bench/bench_big_results.py --rows 1000     # a smaller job

The job is made as a user makes it (``df.rapidata.compare`` on the embedded backend, crowd paused), then its
responses are written straight into the store in bulk (a crowd would take minutes to give 100,000, and what is
measured here is the way back): ``--responses`` per row from the seeded population, tasks closed and the job
completed. The report times, each on a fresh client so that no document is cached:

- ``results``: ``job.results()``, the tidy frame of one row per datapoint;
- ``responses``: ``job.responses()``, one row per response;
- ``document``: the client's ``get_results()`` alone, and the longest single HTTP request it made.

Only public client calls and table names are used, so it runs against an old commit's tree on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx


class _Timed(httpx.HTTPTransport):
    """Records the wall time of every request the client makes (the longest one is reported)."""

    def __init__(self) -> None:
        super().__init__()
        self.durations: list[tuple[float, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        self.durations.append((time.perf_counter() - start, f"{request.method} {request.url.path}"))
        return response


def make_job(client: Any, rows: int) -> Any:
    import pandas as pd

    import rapidata_nb  # noqa: F401  (registers the accessor)

    frame = pd.DataFrame(
        {
            "a": [f"https://assets.rapidata.ai/big/a{i}.png" for i in range(rows)],
            "b": [f"https://assets.rapidata.ai/big/b{i}.png" for i in range(rows)],
        }
    )
    return frame.rapidata.compare("a", "b", instruction="Which is sharper?", client=client)


def fill(db: Path, job_id: str, responses: int, seed: int = 7) -> int:
    """Write ``responses`` answers per task of ``job_id``, each by another simulated labeler; complete it."""
    from sqlalchemy import MetaData, create_engine, insert, select, update

    engine = create_engine(f"sqlite:///{db}")
    meta = MetaData()
    meta.reflect(engine, only=["job", "job_task", "response", "labeler"])
    job, task, response, labeler = (meta.tables[t] for t in ("job", "job_task", "response", "labeler"))
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        labelers = [r.id for r in conn.execute(select(labeler.c.id).where(labeler.c.kind == "sim"))]
        tasks = conn.execute(select(task.c.id, task.c.datapoint_id).where(task.c.job_id == job_id)).all()
        rows = []
        for t in tasks:
            for seq, who in enumerate(rng.sample(labelers, responses), start=1):
                rows.append(
                    {
                        "id": f"res_{uuid.uuid4().hex[:16]}",
                        "job_id": job_id,
                        "task_id": t.id,
                        "datapoint_id": t.datapoint_id,
                        "labeler_id": who,
                        "session_id": None,
                        "answer": {"winner": rng.randrange(2)},
                        "shown_order": rng.choice([[0, 1], [1, 0]]),
                        "user_score": round(rng.uniform(0.3, 0.85), 4),
                        "seq": seq,
                        "created_at": now,
                    }
                )
        for start in range(0, len(rows), 5000):
            conn.execute(insert(response), rows[start : start + 5000])
        conn.execute(
            update(task)
            .where(task.c.job_id == job_id)
            .values(response_count=responses, done=True, closed_at=now)
        )
        conn.execute(update(job).where(job.c.id == job_id).values(state="Completed", completed_at=now))
    engine.dispose()
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--responses", type=int, default=10, help="responses per row")
    parser.add_argument("--repeat", type=int, default=2, help="timed downloads of each kind (best is kept)")
    args = parser.parse_args()

    from rapidata_nb import RapidataClient

    home = Path(tempfile.mkdtemp(prefix="big-results-"))
    os.environ["RAPIDATA_NB_HOME"] = str(home)
    client = RapidataClient()
    client.simulation.pause()
    job = make_job(client, args.rows)
    total = fill(home / "rapidata.db", job.id, args.responses)
    report: dict[str, Any] = {"rows": args.rows, "responses": total, "load": round(os.getloadavg()[0], 2)}
    env, local_credentials = client.endpoints.environment, client._embedded

    def fresh() -> tuple[Any, _Timed]:
        timed = _Timed()
        local = RapidataClient(
            client_id=local_credentials.client_id,
            client_secret=local_credentials.client_secret,
            environment=env,
            transport=timed,
        )
        return local.job.get_job_by_id(job.id), timed

    for name in ("results", "responses", "document"):
        best, longest = float("inf"), (0.0, "")
        for _ in range(args.repeat):
            raw, timed = fresh()
            job.raw = raw
            job._document = None  # the accessor job's cached document: older trees
            getattr(job, "_documents", {}).clear()  # and newer ones (one per include_models)
            start = time.perf_counter()
            if name == "document":
                raw.get_results()
            else:
                frame = getattr(job, name)()
                assert len(frame) == (args.rows if name == "results" else total), (name, len(frame))
            best = min(best, time.perf_counter() - start)
            longest = max([longest, *timed.durations])
        report[f"{name}_s"] = round(best, 2)
        report[f"{name}_longest_request_s"] = round(longest[0], 2)
        report[f"{name}_longest_request"] = longest[1]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
