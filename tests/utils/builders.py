"""Request bodies shaped like the official SDK's, for every task type (shared by the server tests)."""

from __future__ import annotations

from typing import Any

import httpx

KINDS = ("compare", "classify", "locate", "draw", "select_words", "free_text", "ranking")
OPTIONS = ["Dog", "Cat", "Bird"]
SENTENCE = "the quick brown fox jumps"


def upload(api: httpx.Client, url: str) -> str:
    """Register a URL asset and return its fileName."""
    response = api.post("/asset/url", params={"url": url})
    response.raise_for_status()
    return str(response.json()["fileName"])


def existing(name: str) -> dict[str, Any]:
    """An ExistingAssetInput."""
    return {"_t": "ExistingAssetInput", "name": name}


def _rapid(kind: str, instruction: str, a_b_names: list[str] | None) -> dict[str, Any]:
    asset = {"segment": "asset"}
    if kind == "compare":
        return {
            "_t": "Compare",
            "asset": asset,
            "criteria": {"literal": instruction},
            "indexIdentifiers": a_b_names,
        }
    if kind == "classify":
        return {
            "_t": "Classify",
            "asset": asset,
            "title": {"literal": instruction},
            "categories": {"segment": "answer_options"},
        }
    if kind == "locate":
        return {"_t": "Locate", "asset": asset, "target": {"literal": instruction}}
    if kind == "draw":
        return {"_t": "Line", "asset": asset, "target": {"literal": instruction}}
    if kind == "select_words":
        return {
            "_t": "Transcription",
            "asset": asset,
            "title": {"literal": instruction},
            "transcription": {"segment": "transcription"},
        }
    return {
        "_t": "FreeText",
        "asset": asset,
        "question": {"literal": instruction},
        "validationSystemPrompt": None,
    }


def datapoint_segments(api: httpx.Client, kind: str, i: int, *, text: bool = False) -> list[dict[str, Any]]:
    """Segments of datapoint ``i`` of a ``kind`` dataset."""
    if kind == "compare":
        if text:
            pair = [
                {"_t": "TextAssetInput", "text": f"left {i}"},
                {"_t": "TextAssetInput", "text": f"right {i}"},
            ]
        else:
            pair = [
                existing(upload(api, f"https://img.test/{i}/model_a_{i}.png")),
                existing(upload(api, f"https://img.test/{i}/model_b_{i}.png")),
            ]
        segments = [{"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAssetInput", "assets": pair}}]
    else:
        segments = [
            {
                "key": "asset",
                "kind": "Asset",
                "asset": existing(upload(api, f"https://img.test/{kind}/img_{i}.jpg")),
            }
        ]
    segments.append({"key": "context", "kind": "Text", "text": f"context {i}"})
    if kind == "classify":
        segments.append(
            {
                "key": "answer_options",
                "kind": "OptionList",
                "options": [{"label": o, "value": o} for o in OPTIONS],
            }
        )
    if kind == "select_words":
        segments.append({"key": "transcription", "kind": "Text", "text": SENTENCE})
    return segments


def create_definition(
    api: httpx.Client,
    kind: str,
    *,
    n: int = 2,
    votes: int = 3,
    referee: dict[str, Any] | None = None,
    flags: list[dict[str, str]] | None = None,
    a_b_names: list[str] | None = None,
    name: str | None = None,
    text: bool = False,
    metadata: bool = True,
    group_size: int = 3,
) -> dict[str, Any]:
    """Create dataset + datapoints + definition as the SDK does; returns the definition-create answer."""
    dataset_id = api.post("/dataset", json={"name": f"{kind}_dataset", "schema": None}).json()["datasetId"]
    if kind == "ranking":
        for g in range(n):
            for k in range(group_size):
                api.post(
                    f"/dataset/{dataset_id}/datapoint",
                    json={
                        "segments": [
                            {
                                "key": "asset",
                                "kind": "Asset",
                                "asset": existing(upload(api, f"https://img.test/rank/{g}/m{k}.png")),
                            }
                        ],
                        "sortIndex": g * group_size + k,
                        "group": str(g),
                    },
                ).raise_for_status()
            api.post(
                f"/dataset/{dataset_id}/group",
                json={
                    "group": str(g),
                    "segments": [{"key": "context", "kind": "Text", "text": f"prompt {g}"}],
                },
            )
        workflow: dict[str, Any] = {
            "_t": "GroupedRankingWorkflow",
            "criteria": "Which is better?",
            "pairMakerConfig": {"_t": "FullPermutationPairMaker"},
            "rankingConfig": {"_t": "BradleyTerryRankingConfig", "startingScore": 1200},
        }
    else:
        for i in range(n):
            body = {"segments": datapoint_segments(api, kind, i, text=text), "sortIndex": i}
            if metadata:
                body["privateMetadata"] = {"row": str(i)}
            api.post(f"/dataset/{dataset_id}/datapoint", json=body).raise_for_status()
        workflow = {"_t": "SimpleWorkflow", "rapid": _rapid(kind, f"{kind} instruction", a_b_names)}
    response = api.post(
        "/job/definition",
        json={
            "definitionName": name or f"{kind} definition",
            "workflow": workflow,
            "referee": referee or {"_t": "NaiveReferee", "totalVotes": votes},
            "datasetId": dataset_id,
            "rapidFeatureFlags": flags or [],
        },
    )
    assert response.status_code == 200, response.text
    return {**response.json(), "datasetId": dataset_id}


def run_job(api: httpx.Client, definition_id: str, poll: Any, audience: str = "global") -> dict[str, Any]:
    """Assign to an audience, wait for Completed (polling) and return the result document."""
    job = api.post("/job", json={"jobDefinitionId": definition_id, "audienceId": audience})
    assert job.status_code == 200, job.text
    job_id = job.json()["jobId"]
    poll(
        lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed",
        timeout=120,
        message=f"{job_id} done",
    )
    return dict(api.get(f"/job/{job_id}/download-results").json())
