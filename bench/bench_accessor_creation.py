"""Creating a compare job from a frame (issue 14): ``df.rapidata.compare`` alone, crowd paused, per request.

    PYTHONPATH=. .venv/bin/python bench/bench_accessor_creation.py                 # 10,000 rows
    PYTHONPATH=. .venv/bin/python bench/bench_accessor_creation.py --rows 1000 --requests

The embedded backend (SQLite) in a fresh data directory; the frame holds ``--rows`` pairs of distinct
image URLs (stored by reference), 10 responses per row. The report gives the seconds from the accessor call
until the job exists and the number of HTTP requests; ``--requests`` also prints every request (start,
duration, method, path, bytes sent and received) to show where the time goes. Only public calls, so it runs
against an old commit's tree on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from typing import Any

import httpx


class _Timed(httpx.HTTPTransport):
    """Records ``(start, seconds, method, path, sent, received)`` of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.origin = time.perf_counter()
        self.log: list[tuple[float, float, str, str, int, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        took = time.perf_counter() - start
        sent, received = len(request.content or b""), len(response.content)
        self.log.append((start - self.origin, took, request.method, request.url.path, sent, received))
        return response


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--requests", action="store_true", help="print every request")
    args = parser.parse_args()
    os.environ["RAPIDATA_NB_HOME"] = tempfile.mkdtemp(prefix="accessor-creation-")

    import pandas as pd

    import rapidata_nb  # noqa: F401  (registers the accessor)
    from rapidata_nb import RapidataClient

    base = RapidataClient()
    base.simulation.pause()
    timed = _Timed()
    client: Any = RapidataClient(
        client_id=base._embedded.client_id,
        client_secret=base._embedded.client_secret,
        environment=base.endpoints.environment,
        transport=timed,
    )
    frame = pd.DataFrame(
        {
            "a": [f"https://assets.rapidata.ai/create/a{i}.png" for i in range(args.rows)],
            "b": [f"https://assets.rapidata.ai/create/b{i}.png" for i in range(args.rows)],
        }
    )
    client.audience.get_audience_by_id("global")  # the token exchange, outside the timed span
    timed.log.clear()
    start = timed.origin = time.perf_counter()
    frame.rapidata.compare(
        "a", "b", instruction="Which image is sharper?", responses_per_datapoint=10, client=client
    )
    created = time.perf_counter() - start
    if args.requests:
        for at, took, method, path, sent, received in timed.log:
            print(f"{at:7.3f} {took:6.3f} {method:6} {path:55} sent={sent} received={received}")
    load = round(os.getloadavg()[0], 2)
    print(
        json.dumps(
            {"rows": args.rows, "created_s": round(created, 2), "requests": len(timed.log), "load": load}
        )
    )
    os._exit(0)  # the embedded server's threads need no orderly stop here


if __name__ == "__main__":
    raise SystemExit(main())
