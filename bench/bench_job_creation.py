"""Job-definition creation: our client vs the official ``rapidata`` SDK against the same server (issue 5).

One server (TLS, simulated crowd off) serves both clients in the same run. Each client runs in its own
subprocess with a throw-away ``HOME`` and times only its ``create_compare_job_definition`` call (client
construction and the token exchange are excluded for both). The server's access log counts the requests each
client sent, and the server's database confirms that both datasets hold every datapoint.

Usage::

    .venv/bin/python bench/bench_job_creation.py [--n 10000] [--no-record]

The figures are appended to ``bench/RESULTS.md`` unless ``--no-record`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Job-definition creation vs the official SDK"
CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"
TARGET = 3.0
_ACCESS = re.compile(r'"(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP/[\d.]+" (\d{3})')


def pairs(n: int) -> list[list[str]]:
    """``n`` distinct text pairs (the same for both clients)."""
    return [
        [f"Answer A to prompt {i}: the quick brown fox jumps.", f"Answer B to prompt {i}: a lazy dog sleeps."]
        for i in range(n)
    ]


# --- worker: one client, one timed create call ---------------------------------------------------------


def worker(kind: str, n: int, port: int, ca: str) -> None:
    """Create the definition through one client and print ``BENCH-RESULT {json}``."""
    data = pairs(n)
    if kind == "ours":
        from rapidata_nb import RapidataClient
        from rapidata_nb.config import rapidata_config

        rapidata_config.logging.silent_mode = True
        client: Any = RapidataClient(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            environment=f"https://localhost:{port}",
            cert_path=ca,
        )
    else:
        from rapidata import RapidataClient as OfficialClient  # type: ignore[import-untyped]
        from rapidata import rapidata_config as official_config

        official_config.logging.silent_mode = True
        client = OfficialClient()  # RAPIDATA_ENVIRONMENT / _CLIENT_ID / _CLIENT_SECRET from the environment
    start = time.perf_counter()
    definition = client.job.create_compare_job_definition(
        name=f"bench-{kind}",
        instruction="Which answer is better?",
        datapoints=data,
        data_type="text",
        responses_per_datapoint=3,
    )
    seconds = time.perf_counter() - start
    print("BENCH-RESULT " + json.dumps({"seconds": seconds, "definition_id": definition.id}), flush=True)


# --- driver ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _certs(folder: Path) -> Path:
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("localhost", "127.0.0.1")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(folder / "key.pem"))
    leaf.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    return folder / "ca.pem"


def _wait_healthy(port: int, ca: Path, server: subprocess.Popen[bytes]) -> None:
    import httpx

    trust = ssl.create_default_context(cafile=str(ca))
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"https://localhost:{port}/local/health", verify=trust).is_success:
                return
        except httpx.TransportError:
            pass
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        if time.monotonic() > deadline:
            raise SystemExit("the server did not come up within 60 s")
        time.sleep(0.1)


def _requests(log: Path, start: int) -> tuple[int, Counter[str]]:
    """Requests logged after byte ``start`` of the access log, by ``METHOD route`` (ids collapsed)."""
    with log.open("rb") as fh:
        fh.seek(start)
        text = fh.read().decode(errors="replace")
    routes: Counter[str] = Counter()
    for method, path, status in _ACCESS.findall(text):
        path = re.sub(r"/(ds|def|dp|pip)_[\w-]+", r"/{id}", path.split("?")[0])
        routes[f"{method} {path}"] += 1
        if not status.startswith("2"):
            routes[f"answered {status}"] += 1
    return sum(n for route, n in routes.items() if not route.startswith("answered")), routes


def _run_worker(kind: str, n: int, port: int, ca: Path, home: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA_")}
    env.update(HOME=str(home), RAPIDATA_DISABLE_OTLP="1", PYTHONPATH=str(ROOT))
    if kind == "official":
        env.update(
            RAPIDATA_ENVIRONMENT=f"local@localhost:{port}",
            RAPIDATA_CLIENT_ID=CLIENT_ID,
            RAPIDATA_CLIENT_SECRET=CLIENT_SECRET,
            SSL_CERT_FILE=str(ca),
        )
    cmd = [sys.executable, __file__, "--worker", kind, "--n", str(n), "--port", str(port), "--ca", str(ca)]
    proc = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=3600)
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("BENCH-RESULT ")), None)
    if line is None:
        raise SystemExit(f"{kind} worker failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return dict(json.loads(line.removeprefix("BENCH-RESULT ")))


def _stored_datapoints(db: Path, definition_id: str) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM datapoint WHERE dataset_id = "
            "(SELECT dataset_id FROM definition_revision WHERE definition_id = ? AND revision_number = 1)",
            (definition_id,),
        ).fetchone()
    return int(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="datapoints (text pairs) per definition")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="only our client, at n/4, n and 4n datapoints: the time per datapoint must not grow with n",
    )
    parser.add_argument("--worker", choices=["ours", "official"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ca", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.port, args.ca)
        return

    with tempfile.TemporaryDirectory(prefix="bench_creation_") as tmp:
        root = Path(tmp)
        for sub in ("certs", "data", "home_ours", "home_official"):
            (root / sub).mkdir()
        ca = _certs(root / "certs")
        port = _free_port()
        log = root / "server.log"
        with log.open("wb") as log_fh:
            server = subprocess.Popen(
                [
                    sys.executable, "-m", "rapidata_nb.server", "--host", "127.0.0.1", "--port", str(port),
                    "--data-dir", str(root / "data"), "--no-crowd", "--log-level", "info",
                    "--ssl-certfile", str(root / "certs" / "cert.pem"),
                    "--ssl-keyfile", str(root / "certs" / "key.pem"),
                    "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
                ],
                stdout=log_fh, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
            try:
                _wait_healthy(port, ca, server)
                figures: dict[str, dict[str, Any]] = {}
                if args.scaling:
                    sizes = [args.n // 4, args.n, args.n * 4]
                    for n in sizes:
                        run = _run_worker("ours", n, port, ca, root / "home_ours")
                        run["stored"] = _stored_datapoints(
                            root / "data" / "rapidata.db", run["definition_id"]
                        )
                        figures[str(n)] = run
                else:
                    for kind in ("ours", "official"):
                        offset = log.stat().st_size
                        result = _run_worker(kind, args.n, port, ca, root / f"home_{kind}")
                        time.sleep(0.5)  # let the access log of the last request reach the file
                        result["requests"], result["routes"] = _requests(log, offset)
                        result["stored"] = _stored_datapoints(
                            root / "data" / "rapidata.db", result["definition_id"]
                        )
                        figures[kind] = result
            finally:
                server.terminate()
                server.wait(timeout=30)
    if args.scaling:
        report_scaling(figures, record=not args.no_record)
    else:
        report(args.n, figures, record=not args.no_record)


def _append(command: str, text: str, when: datetime) -> None:
    existing = RESULTS.read_text()
    block = f"\n### `{command}` ({when:%Y-%m-%d %H:%M} UTC)\n\n```text\n{text}\n```\n"
    if SECTION not in existing:
        block = (
            f"\n{SECTION}\n\n"
            "Wall time of `client.job.create_compare_job_definition(...)` with text pairs, "
            "`responses_per_datapoint=3`, each client in its own process against the same server in the same "
            "run (TLS, `--no-crowd`). Request counts come from the server's access log.\n" + block
        )
    RESULTS.write_text(existing.rstrip("\n") + "\n" + block)


def report_scaling(figures: dict[str, dict[str, Any]], *, record: bool) -> None:
    """Print (and record) our client's time per datapoint at three sizes."""
    when = datetime.now(UTC)
    lines = [
        "# our client only: does creating a definition slow down with its size?",
        f"# {when:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
    ]
    per = {int(n): f["seconds"] / int(n) * 1e6 for n, f in figures.items()}
    for n, f in figures.items():
        lines.append(
            f"{int(n):7,d} pairs  {f['seconds']:7.2f} s  {per[int(n)]:7.0f} µs per datapoint  "
            f"({f['stored']:,} stored)"
        )
    sizes = sorted(per)
    growth = per[sizes[-1]] / per[sizes[0]]
    lines.append(
        f"time per datapoint at {sizes[-1]:,} vs {sizes[0]:,}: {growth:.2f}× "
        f"({'flat: no O(n²)' if growth < 1.5 else 'GROWS with size'})"
    )
    text = "\n".join(lines)
    print(text)
    for size, f in figures.items():
        if f["stored"] != int(size):
            raise SystemExit(f"{f['stored']} datapoints stored, expected {size}")
    if record:
        middle = sizes[1]
        command = "PYTHONPATH=. .venv/bin/python bench/bench_job_creation.py --scaling" + (
            f" --n {middle}" if middle != 10_000 else ""
        )
        _append(command, text, when)


def report(n: int, figures: dict[str, dict[str, Any]], *, record: bool) -> None:
    """Print the figures and append them to ``bench/RESULTS.md``."""
    ours, official = figures["ours"], figures["official"]
    speedup = official["seconds"] / ours["seconds"]
    when = datetime.now(UTC)
    lines = [
        f"# job-definition creation, {n:,} text compare pairs, one TLS server (crowd off)",
        f"# {when:%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}",
    ]
    for name, label in (("ours", "rapidata_nb client"), ("official", "official SDK 3.27.1")):
        f = figures[name]
        shown = [(r, c) for r, c in f["routes"].most_common() if not r.startswith("answered")][:4]
        shown += [(r, c) for r, c in f["routes"].items() if r.startswith("answered")]  # non-2xx answers
        top = ", ".join(f"{route} ×{count}" for route, count in shown)
        lines.append(
            f"{label:20s} {f['seconds']:8.2f} s wall  {f['requests']:6d} requests  "
            f"{f['stored']:6d} datapoints stored  ({top})"
        )
    lines.append(
        f"speed-up: {speedup:.1f}× (target ≥ {TARGET:.0f}×: {'MET' if speedup >= TARGET else 'NOT MET'})"
    )
    text = "\n".join(lines)
    print(text)
    for name in ("ours", "official"):
        if figures[name]["stored"] != n:
            raise SystemExit(f"{name}: {figures[name]['stored']} datapoints stored, expected {n}")
    if not record:
        return
    command = "PYTHONPATH=. .venv/bin/python bench/bench_job_creation.py" + (
        f" --n {n}" if n != 10_000 else ""
    )
    _append(command, text, when)


if __name__ == "__main__":
    main()
