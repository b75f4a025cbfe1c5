"""Load test (issue 9): simulated human labelers over HTTP against several server replicas on one PostgreSQL.

    .venv/bin/python bench/load_test.py            # 200 labelers, 2 replicas, 10,000 responses, <= 400 s
    .venv/bin/python bench/load_test.py --labelers 50 --jobs 3 --datapoints 10 --time-limit 60

Everything runs on 127.0.0.1: a throwaway PostgreSQL cluster (Debian's binaries, ``tests/utils/pgcluster.py``)
unless ``--database-url`` is given, ``--replicas`` server processes (``python -m rapidata_nb.server
--no-crowd``) on that database and one shared data directory, and ``--labelers`` asyncio labelers. Each
labeler opens a ``/labeler`` session and then loops: answer its task with ``?next=1`` so the reply brings
the next one (a ``GET .../tasks`` only when that came back empty; ``--no-next`` fetches every task), each
request to a replica chosen per request (a task leased on one replica is answered through another), until
every job is ``Completed`` or the time limit passes.

The report checks the database afterwards: every acknowledged response is stored (lost = 0), no
(task, labeler) pair answered twice and no response counted twice (``job_task.response_count`` equals the
stored rows), each job completed exactly once, and the largest overflow of a task beyond its target.
Exit status 0 only when all jobs completed with nothing lost or duplicated. It also reports the CPU time
spent per acknowledged response while the labelers ran, apart for the replicas, PostgreSQL and the
labelers' own process (the load generator shares the cores with what it measures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

try:
    import uvloop
except ImportError:  # not on Windows
    uvloop = None

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._http1 import Http1, Http1Error  # noqa: E402
from tests.utils.pgcluster import PostgresCluster, find_bin_dir, free_port  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "load", "load-secret"


@dataclass
class Stats:
    """What the labelers saw."""

    fetch_latency: list[float] = field(default_factory=list)
    answer_latency: list[float] = field(default_factory=list)
    acknowledged: list[tuple[str, str, str]] = field(default_factory=list)
    """(responseId, taskId, labelerId) of every answer the server accepted."""
    rejected: Counter[int] = field(default_factory=Counter)
    rejected_fetches: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)


def cpu_seconds(processes: list[psutil.Process]) -> tuple[float, float]:
    """User and system CPU seconds of ``processes`` (gone ones count 0)."""
    user = system = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        user, system = user + times.user, system + times.system
    return user, system


def postgres_processes(cluster: PostgresCluster | None) -> list[psutil.Process]:
    """The cluster's postmaster and its backends."""
    if cluster is None:
        return []
    for proc in psutil.process_iter(["cmdline"]):
        if str(cluster.data) in " ".join(proc.info["cmdline"] or []):
            return [proc, *proc.children(recursive=True)]
    return []


def cpu_by_process(
    replicas: list[subprocess.Popen[bytes]], cluster: PostgresCluster | None
) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each replica, PostgreSQL process (backends come and go) and this process."""
    groups = {
        "replicas": [psutil.Process(proc.pid) for proc in replicas],
        "postgres": postgres_processes(cluster),
        "labelers": [psutil.Process()],
    }
    return {name: {proc.pid: sum(cpu_seconds([proc])) for proc in group} for name, group in groups.items()}


def cpu_spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds per group between two readings (a process new since ``before`` counts from zero)."""
    return {
        name: sum(seconds - before[name].get(pid, 0.0) for pid, seconds in now.items())
        for name, now in after.items()
    }


def start_replica(
    url: str, data_dir: Path, port: int, log: Path, loop: str | None = None
) -> subprocess.Popen[bytes]:
    """One server process on ``port`` (no simulated crowd: the labelers are the load)."""
    args = [
        sys.executable, "-m", "rapidata_nb.server", "--host", "127.0.0.1", "--port", str(port),
        *(["--loop", loop] if loop else []),
        "--data-dir", str(data_dir), "--database-url", url, "--no-crowd",
        "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--log-level", "warning",
        "--labelers-per-address-per-hour", "1000000",  # every labeler comes from this one machine
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
    with open(log, "ab") as fh:
        return subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, env=env)


def wait_healthy(base: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Poll ``/local/health`` until it answers (or the process dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/local/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"replica {base} exited with {proc.returncode}")
        time.sleep(0.1)
    raise RuntimeError(f"replica {base} did not come up in {timeout} s")


def create_jobs(base: str, *, jobs: int, datapoints: int, votes: int) -> list[str]:
    """``jobs`` compare jobs of ``datapoints`` text pairs each, ``votes`` responses per datapoint."""
    token = httpx.post(
        f"{base}/connect/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET)
    ).json()["access_token"]
    ids = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as api:
        for j in range(jobs):
            dataset = api.post("/dataset", json={"name": f"load {j}"}).json()["datasetId"]
            for i in range(datapoints):
                pair = [{"_t": "TextAssetInput", "text": f"job {j} left {i}"},
                        {"_t": "TextAssetInput", "text": f"job {j} right {i}"}]  # fmt: skip
                api.post(
                    f"/dataset/{dataset}/datapoint",
                    json={
                        "segments": [
                            {
                                "key": "asset",
                                "kind": "Asset",
                                "asset": {"_t": "MultiAssetInput", "assets": pair},
                            }
                        ],
                        "sortIndex": i,
                    },
                ).raise_for_status()
            definition = api.post(
                "/job/definition",
                json={
                    "definitionName": f"load {j}",
                    "workflow": {
                        "_t": "SimpleWorkflow",
                        "rapid": {
                            "_t": "Compare",
                            "asset": {"segment": "asset"},
                            "criteria": {"literal": "Which text is better?"},
                        },
                    },  # fmt: skip
                    "referee": {"_t": "NaiveReferee", "totalVotes": votes},
                    "datasetId": dataset,
                },
            )
            definition.raise_for_status()
            job = api.post(
                "/job", json={"jobDefinitionId": definition.json()["definitionId"], "audienceId": "global"}
            )
            job.raise_for_status()
            ids.append(str(job.json()["jobId"]))
    return ids


class Client:
    """How the labelers send requests: ``request(base, method, path, params, json_body) -> (status, data)``,
    raising one of :data:`TRANSPORT_ERRORS` when the request may or may not have reached the server."""

    async def request(
        self, base: str, method: str, path: str, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[int, Any]:
        raise NotImplementedError

    async def close(self) -> None:
        """Release the connections."""


class HttpxClient(Client):
    """One ``httpx.AsyncClient`` shared by all labelers (``--client httpx``, as before issue 14)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def request(
        self, base: str, method: str, path: str, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[int, Any]:
        response = await self._client.request(method, f"{base}{path}", params=params, json=json_body)
        return response.status_code, response.json() if response.content else None


class LeanClient(Client):
    """One keep-alive connection per labeler and replica (``bench/_http1.py``; ``--client http1``)."""

    def __init__(self) -> None:
        self._by_base: dict[str, Http1] = {}

    async def request(
        self, base: str, method: str, path: str, params: dict[str, Any] | None = None, json_body: Any = None
    ) -> tuple[int, Any]:
        conn = self._by_base.get(base) or self._by_base.setdefault(base, Http1(base))
        return await conn.request(method, path, params=params, json_body=json_body)

    async def close(self) -> None:
        for conn in self._by_base.values():
            await conn.close()


TRANSPORT_ERRORS = (httpx.HTTPError, Http1Error)


def error_name(exc: Exception) -> str:
    """How the report counts a transport error: its class (and, for the lean client, the cause's)."""
    return f"Http1Error({exc})" if isinstance(exc, Http1Error) else type(exc).__name__


async def labeler(
    n: int, bases: list[str], stats: Stats, done: asyncio.Event, client: Client, *, next_: bool
) -> None:
    """One simulated human: a session, then fetch → answer until every job completed. With ``next_`` the
    answer asks for the next task too (``?next=1``), so a fetch is only needed when that came back empty."""
    rng = random.Random(n)
    await asyncio.sleep(n * 0.01)  # ramp up over 2 s rather than 200 sign-ins in one instant
    while True:
        try:
            status, started = await client.request(
                bases[n % len(bases)], "POST", "/labeler/session", json_body={"name": f"load {n}"}
            )
        except TRANSPORT_ERRORS as exc:
            stats.errors[f"session: {error_name(exc)}"] += 1
            status = 0
        if status == 200:
            break
        if status:
            stats.errors[f"session: HTTP {status}"] += 1
        if done.is_set():
            return
    session_id, labeler_id = started["sessionId"], started["labelerId"]
    feed, answers = f"/labeler/session/{session_id}/tasks", f"/labeler/session/{session_id}/answers"
    ask_next = {"next": 1} if next_ else None
    task: dict[str, Any] | None = None
    while not done.is_set():
        if task is None:
            t0 = time.perf_counter()
            try:
                status, got = await client.request(rng.choice(bases), "GET", feed, params={"limit": 1})
            except TRANSPORT_ERRORS as exc:
                stats.errors[error_name(exc)] += 1
                continue
            stats.fetch_latency.append(time.perf_counter() - t0)
            if status != 200:
                stats.rejected_fetches[status] += 1
            items = got.get("items", []) if status == 200 else []
            if not items:  # nothing open for me right now: come back later, as the labeling app does
                await asyncio.sleep(1.0 + rng.random())
                continue
            task = items[0]
        t0 = time.perf_counter()
        body = {"taskId": task["taskId"], "answer": {"winner": rng.randint(0, 1)}}
        try:
            status, answered = await client.request(
                rng.choice(bases), "POST", answers, params=ask_next, json_body=body
            )
        except TRANSPORT_ERRORS as exc:  # not acknowledged: it may or may not be stored
            stats.errors[error_name(exc)] += 1
            task = None
            continue
        stats.answer_latency.append(time.perf_counter() - t0)
        if status == 200:
            stats.acknowledged.append((answered["responseId"], task["taskId"], labeler_id))
            served = (answered.get("next") or {}).get("items") or [None]
            task = served[0]
        else:
            stats.rejected[status] += 1
            task = None


async def monitor(base: str, job_ids: list[str], done: asyncio.Event, deadline: float) -> None:
    """Set ``done`` when every job is Completed or the deadline passes."""
    token = httpx.post(
        f"{base}/connect/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET)
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as api:
        running = list(job_ids)  # only these are asked again: the monitor is load on the replica too
        while running and time.monotonic() < deadline:
            try:
                states = [(await api.get(f"/job/{j}")).json().get("state") for j in running]
            except httpx.HTTPError:
                continue
            running = [j for j, s in zip(running, states, strict=True) if s != "Completed"]
            if running:
                await asyncio.sleep(0.5)
    done.set()


async def drive(
    bases: list[str], job_ids: list[str], n_labelers: int, time_limit: float, *, client: str, next_: bool
) -> tuple[Stats, float]:
    """Run the labelers until done; return their stats and the wall time."""
    stats, done = Stats(), asyncio.Event()
    limits = httpx.Limits(max_connections=n_labelers + 10, max_keepalive_connections=n_labelers + 10)
    shared = httpx.AsyncClient(timeout=60, limits=limits) if client == "httpx" else None
    clients = [HttpxClient(shared) if shared else LeanClient() for _ in range(n_labelers)]
    start = time.monotonic()
    try:
        await asyncio.gather(
            monitor(bases[0], job_ids, done, start + time_limit),
            *(labeler(n, bases, stats, done, clients[n], next_=next_) for n in range(n_labelers)),
        )
    finally:
        for each in clients:
            await each.close()
        if shared is not None:
            await shared.aclose()
    return stats, time.monotonic() - start


def verify(url: str, job_ids: list[str], stats: Stats) -> dict[str, Any]:
    """Compare what the labelers were told with what the database holds."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = {
            r[0]: (r[1], r[2]) for r in conn.execute(text("SELECT id, task_id, labeler_id FROM response"))
        }
        pairs = Counter(stored.values())
        tasks = conn.execute(
            text(
                "SELECT t.id, t.target_responses, t.response_count, t.done, "
                "(SELECT count(*) FROM response r WHERE r.task_id = t.id) FROM job_task t"
            )
        ).all()
        jobs = conn.execute(
            text("SELECT id, state, completed_at FROM job WHERE id = ANY(:ids)"), {"ids": job_ids}
        ).all()
    engine.dispose()
    acked_ids = [a[0] for a in stats.acknowledged]
    return {
        "acknowledged": len(acked_ids),
        "stored": len(stored),
        "lost": sum(1 for rid in acked_ids if rid not in stored),
        "acknowledged_twice": len(acked_ids) - len(set(acked_ids)),
        "duplicated_pairs": sum(c - 1 for c in pairs.values() if c > 1),
        "miscounted_tasks": sum(1 for t in tasks if t[2] != t[4]),
        "max_overflow": max((t[4] - t[1] for t in tasks), default=0),
        "tasks_over_target": sum(1 for t in tasks if t[4] > t[1]),
        "tasks": len(tasks),
        "tasks_done": sum(1 for t in tasks if t[3]),
        "jobs_completed": sum(1 for j in jobs if j[1] == "Completed" and j[2] is not None),
        "jobs": len(job_ids),
    }


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile in milliseconds (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the load test, print the report (and ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labelers", type=int, default=200)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=10)
    parser.add_argument("--datapoints", type=int, default=200, help="per job")
    parser.add_argument("--votes", type=int, default=5, help="responses per datapoint (NaiveReferee)")
    parser.add_argument("--time-limit", type=float, default=400.0, help="seconds of labeling at most")
    parser.add_argument("--database-url", default=None, help="default: a throwaway local PostgreSQL")
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    parser.add_argument("--log-dir", type=Path, default=None, help="keep the replicas' logs here")
    parser.add_argument(
        "--client",
        choices=["http1", "httpx"],
        default="http1",
        help="the labelers' HTTP client: one lean keep-alive connection each (bench/_http1.py), or one "
        "shared httpx.AsyncClient (the load test before issue 14)",
    )
    parser.add_argument(
        "--no-next",
        dest="next",
        action="store_false",
        help="fetch every task with its own GET instead of asking for it with the answer (?next=1)",
    )
    parser.add_argument(
        "--loop",
        choices=["uvloop", "asyncio"] if uvloop is not None else ["asyncio"],
        default="uvloop" if uvloop is not None else "asyncio",
        help="event loop of the load generator and the replicas (default: uvloop where installed)",
    )
    args = parser.parse_args(argv)

    cluster: PostgresCluster | None = None
    work = Path(tempfile.mkdtemp(prefix="rapidata-nb-load-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        url = args.database_url
        if url is None:
            bin_dir = find_bin_dir()
            if bin_dir is None:
                print("PostgreSQL is not installed: apt-get install -y postgresql", file=sys.stderr)
                return 2
            cluster = PostgresCluster(bin_dir).start()
            url = cluster.create_database("load")
        bases = []
        for r in range(args.replicas):
            port = free_port()
            procs.append(start_replica(url, work / "data", port, work / f"replica{r}.log", args.loop))
            bases.append(f"http://127.0.0.1:{port}")
        for base, proc in zip(bases, procs, strict=True):
            wait_healthy(base, proc)
        t0 = time.monotonic()
        job_ids = create_jobs(bases[0], jobs=args.jobs, datapoints=args.datapoints, votes=args.votes)
        setup = time.monotonic() - t0
        before = cpu_by_process(procs, cluster)
        run = uvloop.run if args.loop == "uvloop" else asyncio.run
        stats, wall = run(
            drive(bases, job_ids, args.labelers, args.time_limit, client=args.client, next_=args.next)
        )
        cpu = cpu_spent(before, cpu_by_process(procs, cluster))
        check = verify(url, job_ids, stats)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if cluster is not None:
            cluster.stop()
        if args.log_dir is not None:
            args.log_dir.mkdir(parents=True, exist_ok=True)
            for log in work.glob("replica*.log"):
                shutil.copy(log, args.log_dir / log.name)
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "labelers": args.labelers,
        "replicas": args.replicas,
        "client": args.client,
        "next_with_answer": args.next,
        "loop": args.loop,
        "expected_responses": args.jobs * args.datapoints * args.votes,
        "job_setup_seconds": round(setup, 1),
        "labeling_seconds": round(wall, 1),
        "responses_per_second": round(check["acknowledged"] / wall, 1) if wall else 0.0,
        "answer_p50_ms": round(percentile(stats.answer_latency, 0.50), 1),
        "answer_p99_ms": round(percentile(stats.answer_latency, 0.99), 1),
        "fetch_p50_ms": round(percentile(stats.fetch_latency, 0.50), 1),
        "fetch_p99_ms": round(percentile(stats.fetch_latency, 0.99), 1),
        "fetches": len(stats.fetch_latency),
        "answers": len(stats.answer_latency),
        **{
            f"{name}_cpu_ms_per_response": round(1000 * seconds / max(len(stats.acknowledged), 1), 2)
            for name, seconds in cpu.items()
        },
        "rejected_answers": dict(stats.rejected),
        "rejected_fetches": dict(stats.rejected_fetches),
        "transport_errors": dict(stats.errors),
        "load_average": os.getloadavg()[0],
        **check,
    }
    width = max(len(k) for k in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2))
    good = (
        check["jobs_completed"] == check["jobs"]
        and check["lost"] == 0
        and check["duplicated_pairs"] == 0
        and check["acknowledged_twice"] == 0
        and check["miscounted_tasks"] == 0
    )
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
