"""Helpers for the crowd/dispatch/audience tests: build datasets, definitions and jobs over raw HTTP.

The bodies are the ones the official SDK sends (wire notes §3.3), so these tests exercise the real protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tests.utils.server import wait_for as poll


def ok(response: httpx.Response) -> Any:
    """The JSON body of a 2xx response (fails with the server's message otherwise)."""
    assert response.is_success, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def text_pair(a: str, b: str) -> dict[str, Any]:
    """A compare datapoint of two texts."""
    return {
        "_t": "MultiAssetInput",
        "assets": [{"_t": "TextAssetInput", "text": a}, {"_t": "TextAssetInput", "text": b}],
    }


def url_asset(api: httpx.Client, url: str) -> dict[str, Any]:
    """Register a URL asset (by reference) and return its asset input."""
    name = ok(api.post("/asset/url", params={"url": url}))["fileName"]
    return {"_t": "ExistingAssetInput", "name": name}


def compare_definition(
    api: httpx.Client,
    pairs: Sequence[tuple[str, str]],
    referee: dict[str, Any],
    *,
    flags: Sequence[dict[str, str]] = (),
) -> str:
    """A compare job definition over text pairs; returns its id."""
    ds = ok(api.post("/dataset", json={"name": "pairs_dataset", "schema": None}))["datasetId"]
    for i, (a, b) in enumerate(pairs):
        ok(
            api.post(
                f"/dataset/{ds}/datapoint",
                json={
                    "segments": [{"key": "asset", "kind": "Asset", "asset": text_pair(a, b)}],
                    "sortIndex": i,
                },
            )
        )
    body = {
        "definitionName": "pairs",
        "datasetId": ds,
        "referee": referee,
        "workflow": {
            "_t": "SimpleWorkflow",
            "rapid": {
                "_t": "Compare",
                "asset": {"segment": "asset"},
                "criteria": {"literal": "Which is better?"},
            },
        },
        "rapidFeatureFlags": list(flags) or None,
    }
    return str(ok(api.post("/job/definition", json=body))["definitionId"])


def classify_definition(
    api: httpx.Client, assets: Sequence[dict[str, Any]], options: Sequence[str], referee: dict[str, Any]
) -> str:
    """A classification job definition; returns its id."""
    ds = ok(api.post("/dataset", json={"name": "cls_dataset", "schema": None}))["datasetId"]
    opts = [{"label": o, "value": o} for o in options]
    for i, asset in enumerate(assets):
        segments = [
            {"key": "asset", "kind": "Asset", "asset": asset},
            {"key": "answer_options", "kind": "OptionList", "options": opts},
        ]
        ok(api.post(f"/dataset/{ds}/datapoint", json={"segments": segments, "sortIndex": i}))
    body = {
        "definitionName": "cls",
        "datasetId": ds,
        "referee": referee,
        "workflow": {
            "_t": "SimpleWorkflow",
            "rapid": {
                "_t": "Classify",
                "asset": {"segment": "asset"},
                "title": {"literal": "What is it?"},
                "categories": {"segment": "answer_options"},
            },
        },
    }
    return str(ok(api.post("/job/definition", json=body))["definitionId"])


def start_job(api: httpx.Client, definition_id: str, audience_id: str = "global") -> dict[str, Any]:
    """``POST /job``; returns its answer (``jobId``, ``recruitingStarted``)."""
    return dict(
        ok(
            api.post(
                "/job",
                json={"jobDefinitionId": definition_id, "audienceId": audience_id, "revisionNumber": 1},
            )
        )
    )


def wait_completed(api: httpx.Client, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll ``GET /job/{id}`` until Completed; return the result document."""
    poll(
        lambda: ok(api.get(f"/job/{job_id}"))["state"] == "Completed",
        timeout=timeout,
        message=f"job {job_id} to complete",
    )
    return dict(ok(api.get(f"/job/{job_id}/download-results")))


def strip_volatile(doc: Any) -> Any:
    """A result document without ids and timestamps (which differ between otherwise identical runs)."""
    if isinstance(doc, dict):
        return {
            k: strip_volatile(v) for k, v in doc.items() if k not in ("createdAt", "jobId", "definitionId")
        }
    if isinstance(doc, list):
        return [strip_volatile(v) for v in doc]
    return doc


def register_oracle(api: httpx.Client, kind: str, assets: Sequence[str], truth: dict[str, Any]) -> None:
    """Register the known truth of content given by its URLs/texts."""
    ok(api.post("/local/oracle", json={"kind": kind, "assets": list(assets), "truth": truth}))


def compare_example(
    pair: tuple[str, str], truth: str, instruction: str = "Which is better?"
) -> dict[str, Any]:
    """A compare qualification example over two texts (the body ``add_compare_example`` sends)."""
    return {
        "asset": text_pair(*pair),
        "payload": {"_t": "CompareExamplePayload", "criteria": instruction},
        "truth": {"_t": "CompareExampleTruth", "winnerId": truth},
        "randomCorrectProbability": 0.5,
    }
