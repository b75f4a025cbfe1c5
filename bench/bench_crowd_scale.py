"""Crowd scale (issue 14): compare jobs of growing size answered flat out by the simulated crowd.

    PYTHONPATH=. .venv/bin/python bench/bench_crowd_scale.py                      # 100, 1,000, 10,000 rows
    PYTHONPATH=. .venv/bin/python bench/bench_crowd_scale.py --store postgres     # the same on PostgreSQL
    PYTHONPATH=../old .venv/bin/python bench/bench_crowd_scale.py --time-limit 120   # an old commit

Each size runs on a fresh server with the crowd at pace 0: the embedded backend (in this process, SQLite, as a
notebook gets it) or, with ``--store postgres``, ``python -m rapidata_nb.server`` on a throwaway PostgreSQL
cluster. The job is made the way a user makes it (``df.rapidata.compare``) with 10 responses per row, and the
report gives, per size:

- ``created``: seconds from the accessor call until the job exists (upload and job creation);
- ``crowd``: seconds from creation until the job is ``Completed``, and the simulated responses per second;
- ``results``: seconds from the accessor call until the results frame is in hand (what a notebook waits);
- for the largest size, a person labeling at the same time: a separate process with one ``/labeler`` session
  that fetches one task and answers it, again and again, while the crowd runs; its fetch and answer latency
  percentiles.

``--time-limit`` caps each size (the old dispatcher needs minutes for 1,000 rows): a capped size reports the
rate it reached and no results time. The script only uses the public client, the accessor and the labeler
feed, so it runs unchanged against an old commit's tree on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID, CLIENT_SECRET = "scale", "scale-secret"

# A person in the browser: one session; fetch one task, answer it, think 0.2 s (the feed allows 10 requests a
# second per session), repeat until stdin closes.
PROBE = textwrap.dedent(
    """
    import json, sys, threading, time, httpx
    url = sys.argv[1]
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    fetch, answer, empty, limited = [], [], 0, 0

    def call(method, path, **kw):
        global limited
        while True:
            t = time.perf_counter()
            response = http.request(method, path, **kw)
            if response.status_code != 429:
                return time.perf_counter() - t, response.raise_for_status()
            limited += 1
            stop.wait(float(response.headers.get("retry-after", "1")))

    with httpx.Client(base_url=url, timeout=60) as http:
        profile = {"country": "DE", "language": "de", "age": "30-39", "gender": "Female", "device": "Desktop"}
        sid = http.post("/labeler/session", json=profile).raise_for_status().json()["sessionId"]
        while not stop.is_set():
            took, response = call("GET", f"/labeler/session/{sid}/tasks", params={"limit": 1})
            fetch.append(took)
            items = response.json().get("items")
            if items:
                body = {"taskId": items[0]["taskId"], "answer": {"winner": 0}}
                took, _ = call("POST", f"/labeler/session/{sid}/answers", json=body)
                answer.append(took)
            else:
                empty += 1
            stop.wait(0.2)
    print(json.dumps({"fetch": fetch, "answer": answer, "empty": empty, "limited": limited}))
    """
)


def load_pgcluster() -> Any:
    """``tests/utils/pgcluster.py`` of this tree, by path (an old tree on PYTHONPATH has no tests.utils)."""
    spec = importlib.util.spec_from_file_location("pgcluster", ROOT / "tests" / "utils" / "pgcluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def frame(rows: int) -> Any:
    """``rows`` pairs of distinct image URLs (stored as references: nothing is fetched)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "a": [f"https://assets.rapidata.ai/scale/a{i}.png" for i in range(rows)],
            "b": [f"https://assets.rapidata.ai/scale/b{i}.png" for i in range(rows)],
        }
    )


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile in milliseconds (nan when empty)."""
    import numpy as np

    return float(np.quantile(values, q) * 1000) if values else float("nan")


class Backend:
    """A fresh server for one size: embedded (SQLite, in this process) or a subprocess on PostgreSQL."""

    def __init__(self, store: str, workdir: Path, pg: Any) -> None:
        self.store, self.workdir, self.pg = store, workdir, pg
        self.process: subprocess.Popen[bytes] | None = None

    def client(self) -> Any:
        from rapidata_nb import RapidataClient

        if self.store == "sqlite":
            os.environ["RAPIDATA_NB_HOME"] = str(self.workdir)
            os.environ["RAPIDATA_NB_CROWD_PACE"] = "0"
            return RapidataClient()
        port = self.pg.free_port()
        url = self.pg.cluster.create_database("scale")
        args = [
            sys.executable, "-m", "rapidata_nb.server", "--host", "127.0.0.1", "--port", str(port),
            "--data-dir", str(self.workdir), "--database-url", url, "--crowd-pace", "0",
            "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--log-level", "warning",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        return RapidataClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, environment=base)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def wait_healthy(base: str, timeout: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/local/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no server at {base}")


def run_size(client: Any, rows: int, responses: int, time_limit: float, probe: bool) -> dict[str, Any]:
    """Make one compare job of ``rows`` rows and wait for the crowd (and, optionally, a person) to answer."""
    import rapidata_nb  # noqa: F401  (registers the .rapidata accessor)

    data = frame(rows)
    start = time.perf_counter()
    job = data.rapidata.compare(
        "a", "b", instruction="Which image is sharper?", responses_per_datapoint=responses, client=client
    )
    created = time.perf_counter()
    person = start_probe(client) if probe else None
    done, count = False, 0
    while time.perf_counter() - created < time_limit:
        progress = job.raw.get_progress()
        count = progress.response_count
        if progress.state == "Completed":
            done = True
            break
        time.sleep(0.1)
    finished = time.perf_counter()
    report: dict[str, Any] = {
        "rows": rows,
        "responses": count,
        "created_s": round(created - start, 2),
        "crowd_s": round(finished - created, 2),
        "responses_per_s": round(count / max(finished - created, 1e-9), 1),
        "completed": done,
    }
    if person is not None:
        report["person"] = stop_probe(person)
    if done:
        results = job.results()
        report["results_s"] = round(time.perf_counter() - start, 2)
        report["result_rows"] = len(results)
    return report


def start_probe(client: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PROBE, client.endpoints.api],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def stop_probe(probe: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = probe.communicate("", timeout=120)
    seen = json.loads(out)
    return {
        "fetches": len(seen["fetch"]),
        "answers": len(seen["answer"]),
        "empty_fetches": seen["empty"],
        "rate_limited": seen["limited"],
        "fetch_p50_ms": round(percentile(seen["fetch"], 0.5), 1),
        "fetch_p99_ms": round(percentile(seen["fetch"], 0.99), 1),
        "answer_p50_ms": round(percentile(seen["answer"], 0.5), 1),
        "answer_p99_ms": round(percentile(seen["answer"], 0.99), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--responses", type=int, default=10, help="responses per row")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--time-limit", type=float, default=600.0, help="seconds of crowd work per size at most"
    )
    parser.add_argument(
        "--no-person", action="store_true", help="skip the person labeling on the largest size"
    )
    args = parser.parse_args()

    if args.store == "postgres" and load_pgcluster().find_bin_dir() is None:
        raise SystemExit("PostgreSQL binaries missing (apt-get install -y postgresql)")
    print(f"# crowd scale: store={args.store} load={os.getloadavg()[0]:.2f} rapidata_nb={module_root()}")
    reports = []
    for rows in args.rows:
        # each size on a fresh server, in a child process: an embedded server cannot be stopped cleanly
        reports.append(run_isolated(args, rows, probe=not args.no_person and rows == max(args.rows)))
        print(json.dumps(reports[-1]), flush=True)
    if len(reports) >= 2 and all(r["completed"] for r in reports[-2:]):
        ratio = reports[-1]["crowd_s"] / max(reports[-2]["crowd_s"], 1e-9)
        print(f"# time({reports[-1]['rows']}) / time({reports[-2]['rows']}) = {ratio:.2f}")
    return 0


def module_root() -> str:
    spec = importlib.util.find_spec("rapidata_nb")
    return str(Path(spec.origin).parent) if spec and spec.origin else "?"


def run_isolated(args: argparse.Namespace, rows: int, *, probe: bool) -> dict[str, Any]:
    """One size in a child process of this script (fresh server, fresh data directory)."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        str(rows),
        str(args.responses),
        args.store,
        str(args.time_limit),
    ]
    cmd.append("probe" if probe else "noprobe")
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    line = next((ln for ln in reversed(out.stdout.splitlines()) if ln.startswith("{")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"size {rows} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return dict(json.loads(line))


def child(rows: int, responses: int, store: str, time_limit: float, probe: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="crowd-scale-") as tmp:
        pg: Any = None
        if store == "postgres":
            pg = load_pgcluster()
            pg.cluster = pg.PostgresCluster(pg.find_bin_dir()).start()
        backend = Backend(store, Path(tmp), pg)
        try:
            report = run_size(backend.client(), rows, responses, time_limit, probe)
        finally:
            backend.stop()
            if pg is not None:
                pg.cluster.stop()
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        rows_, responses_, store_, limit_, probe_ = sys.argv[2:7]
        child(int(rows_), int(responses_), store_, float(limit_), probe_ == "probe")
        sys.exit(0)
    sys.exit(main())
