"""Run one seed example with only its import changed, then report what it produced.

Usage: ``python run_seed.py EXAMPLE.py [--official]``. The example's source is rewritten from ``rapidata`` to
``rapidata_nb`` (the only change the docs' programs need), executed as ``__main__``, and a last line
``SEED-SUMMARY {...}`` describes the ``results`` object it left behind, so the test can check its shape
without parsing the example's own prints.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from pathlib import Path
from typing import Any

IMPORT = re.compile(r"^(\s*)(from|import)\s+rapidata(\b|\.)", re.MULTILINE)


def translate(source: str) -> str:
    """Replace ``from rapidata`` / ``import rapidata`` with the rapidata_nb equivalents."""
    return IMPORT.sub(lambda m: f"{m.group(1)}{m.group(2)} rapidata_nb{m.group(3)}", source)


def _winner(result: dict[str, Any]) -> str | None:
    """The crowd's majority on one datapoint: its winner, or its most chosen option."""
    votes = result.get("aggregatedResults") or {}
    return result.get("winner") or (max(votes, key=votes.get) if votes else None)


def summarise(namespace: dict[str, Any]) -> dict[str, Any]:
    """Describe the example's results (and a few other objects) in plain JSON."""
    summary: dict[str, Any] = {}
    results = namespace.get("results")
    if isinstance(results, dict):
        info = results.get("info", {})
        summary["type"] = info.get("type")
        summary["n_results"] = len(results.get("results") or [])
        try:
            frame = results.to_pandas()  # type: ignore[attr-defined]
            summary["columns"] = [str(c) for c in frame.columns]
            summary["n_rows"] = len(frame)
        except Exception as exc:  # the summary must never hide the example's own outcome
            summary["to_pandas_error"] = repr(exc)
        if summary["type"] in ("Classification", "Compare"):
            summary["winners"] = [_winner(r) for r in results.get("results") or []]
        if summary["type"] == "Ranking" and results.get("results"):
            first = results["results"][0]
            summary["ranking"] = {"scores": first.get("scores"), "assetUrls": first.get("assetUrls")}
    for name in ("audience", "job_definition", "job", "signal", "benchmark", "flow", "order"):
        obj = namespace.get(name)
        if obj is not None:
            summary[name] = type(obj).__name__
    return summary


def main(path: str, official: bool = False) -> int:
    source = Path(path).read_text()
    if not official:  # --official runs the file unchanged with the official `rapidata` SDK
        source = translate(source)
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": path}
    outcome: dict[str, Any] = {"error": None}
    try:
        exec(compile(source, path, "exec"), namespace)
    except BaseException as exc:  # noqa: B036 - report every outcome, incl. SystemExit
        outcome["error"] = type(exc).__name__
        outcome["message"] = str(exc)[:500]
        traceback.print_exc()
    outcome.update(summarise(namespace))
    print("SEED-SUMMARY " + json.dumps(outcome, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], official="--official" in sys.argv[2:]))
