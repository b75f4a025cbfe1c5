"""Labeler hot path (issue 14): server CPU per labeler response, one person fetching and answering over HTTP.

    PYTHONPATH=. .venv/bin/python bench/bench_labeler_path.py                       # SQLite file store
    PYTHONPATH=. .venv/bin/python bench/bench_labeler_path.py --store postgres      # throwaway PostgreSQL
    PYTHONPATH=../old .venv/bin/python bench/bench_labeler_path.py            # an old tree, unchanged

Starts ``python -m rapidata_nb.server --no-crowd`` (SQLite in a temporary data directory, or a throwaway
PostgreSQL cluster from ``tests/utils/pgcluster.py``), makes one compare job of text pairs over the API,
then one labeler loops ``GET /labeler/session/{id}/tasks?limit=1`` → ``POST .../answers`` ``--responses``
times, one request at a time (with ``--next``: ``POST .../answers?next=1``, each answer bringing the next
task). A new session every 25 responses keeps each session under its rate limit (60 requests of burst).
Reported:

- wall milliseconds per response (fetch + answer) p50 / p99, and per fetch and per answer;
- **server CPU milliseconds per response**: user + system CPU time of the server process (``psutil``) over the
  loop, divided by the responses (the issue's "server time per response"), and the part an idle server
  spends meanwhile anyway (its background threads, measured for 3 s before the loop); on PostgreSQL also the
  database processes' CPU per response.

``--profile FILE`` runs ``py-spy record --gil -r 500 -f raw`` on the server during the loop (samples that hold
the GIL: where the CPU goes).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from bench.load_test import (  # noqa: E402
    CLIENT_ID,
    CLIENT_SECRET,
    cpu_seconds,
    create_jobs,
    percentile,
    postgres_processes,
    wait_healthy,
)
from tests.utils.pgcluster import PostgresCluster, find_bin_dir, free_port  # noqa: E402

IDLE_SECONDS = 3.0
"""Seconds of an idle server measured before the loop (its background threads' share of the loop's CPU)."""
PER_SESSION = 25
"""Responses per labeling session: 50 requests, inside the session limit's burst of 60."""


def label(base: str, responses: int, *, next_: bool = False) -> dict[str, Any]:
    """One person: fetch one task, answer it, ``responses`` times; a fresh session every PER_SESSION. With
    ``next_`` each answer asks for the next task (``?next=1``): one request per response, a fetch only at the
    start of a session (its time counts as the pair's, like the answer's)."""
    fetch, answer, pair, limited = [], [], [], 0
    params = {"next": 1} if next_ else None
    with httpx.Client(base_url=base, timeout=60) as http:
        sid, items = "", []
        for n in range(responses):
            if n % PER_SESSION == 0:
                sid = http.post("/labeler/session", json={"name": f"bench {n}"}).raise_for_status().json()
                sid, items = sid["sessionId"], []
            t0 = time.perf_counter()
            if not items:
                got = http.get(f"/labeler/session/{sid}/tasks", params={"limit": 1})
                limited += got.status_code == 429
                items = got.raise_for_status().json()["items"]
                if not items:
                    raise RuntimeError(f"no task served after {n} responses: make the job bigger")
                fetch.append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            body = {"taskId": items[0]["taskId"], "answer": {"winner": n % 2}}
            answered = http.post(f"/labeler/session/{sid}/answers", params=params, json=body)
            limited += answered.status_code == 429
            reply = answered.raise_for_status().json()
            t2 = time.perf_counter()
            assert "responseId" in reply, answered.text
            items = (reply.get("next") or {}).get("items", []) if next_ else []
            answer.append(t2 - t1)
            pair.append(t2 - t0)
    return {"fetch": fetch, "answer": answer, "pair": pair, "limited": limited}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--responses", type=int, default=1000, help="responses in the measured loop")
    parser.add_argument("--warmup", type=int, default=50, help="responses before measuring")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy raw output of the loop")
    parser.add_argument(
        "--next",
        action="store_true",
        help="each answer asks for the next task (?next=1): one request per response",
    )
    args = parser.parse_args()

    votes = 5
    datapoints = (args.responses + args.warmup) // votes + 10
    work = Path(tempfile.mkdtemp(prefix="rapidata-nb-hotpath-"))
    cluster: PostgresCluster | None = None
    server: subprocess.Popen[bytes] | None = None
    try:
        cmd = [sys.executable, "-m", "rapidata_nb.server", "--data-dir", str(work / "data"), "--no-crowd"]
        if args.store == "postgres":
            bin_dir = find_bin_dir()
            if bin_dir is None:
                raise SystemExit("PostgreSQL binaries missing (apt-get install -y postgresql)")
            cluster = PostgresCluster(bin_dir).start()
            cmd += ["--database-url", cluster.create_database("hotpath")]
        port = free_port()
        cmd += [
            "--host", "127.0.0.1", "--port", str(port), "--client-id", CLIENT_ID,
            "--client-secret", CLIENT_SECRET, "--log-level", "warning",
            "--labelers-per-address-per-hour", "1000000",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
        with open(work / "server.log", "ab") as log:
            # cwd outside any tree: ``-m`` puts the cwd first on sys.path, PYTHONPATH picks the tree
            server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, server)
        create_jobs(base, jobs=1, datapoints=datapoints, votes=votes)
        label(base, args.warmup, next_=args.next)

        procs, db = [psutil.Process(server.pid)], postgres_processes(cluster)
        spy = None
        if args.profile is not None:
            spy = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    "record",
                    "-r",
                    "500",
                    "-f",
                    "raw",
                    "-o",
                    str(args.profile),
                    "-p",
                    str(server.pid),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy attaches
        idle0 = cpu_seconds(procs)
        time.sleep(IDLE_SECONDS)
        idle = (sum(cpu_seconds(procs)) - sum(idle0)) / IDLE_SECONDS  # background threads' CPU per second
        load = os.getloadavg()[0]
        cpu0, db0, wall0 = cpu_seconds(procs), cpu_seconds(db), time.perf_counter()
        seen = label(base, args.responses, next_=args.next)
        cpu1, db1, wall1 = cpu_seconds(procs), cpu_seconds(db), time.perf_counter()
        if spy is not None:
            spy.send_signal(2)
            spy.wait(timeout=60)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if cluster is not None:
            cluster.stop()

    n = args.responses
    tree = subprocess.run(
        [sys.executable, "-c", "import rapidata_nb; print(rapidata_nb.__file__)"],
        capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=False,
    ).stdout.strip()  # fmt: skip
    print(f"# labeler hot path: store={args.store} responses={n} next={args.next} rapidata_nb={tree}")
    print(f"# load {load:.2f} -> {os.getloadavg()[0]:.2f}")
    for name in ("pair", "fetch", "answer"):
        p50, p99 = percentile(seen[name], 0.5), percentile(seen[name], 0.99)
        print(f"wall per {name:<8}      p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")
    rate = n / (wall1 - wall0)
    print(f"responses per second   {rate:.1f}  (one labeler, sequential; 429s: {seen['limited']})")
    user, system = ((after - before) * 1000 / n for before, after in zip(cpu0, cpu1, strict=True))
    background = idle * (wall1 - wall0) * 1000 / n
    print(f"server CPU per response  {user + system:.2f} ms  (user {user:.2f}, system {system:.2f})")
    print(f"  of which idle background  {background:.2f} ms  (idle server: {100 * idle:.1f}% of a core)")
    if cluster is not None:
        print(f"database CPU per response  {1000 * (sum(db1) - sum(db0)) / n:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
