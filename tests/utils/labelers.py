"""Simulated human labelers over HTTP for the scale tests (threads; the bench uses asyncio)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

import httpx

__all__ = ["HttpLabeler", "compare_job"]


def compare_job(api: httpx.Client, name: str, n: int, votes: int, referee: dict | None = None) -> str:
    """A running compare job of ``n`` text pairs on the global audience; returns its id."""
    dataset = api.post("/dataset", json={"name": name}).json()["datasetId"]
    for i in range(n):
        pair = [
            {"_t": "TextAssetInput", "text": f"{name} L{i}"},
            {"_t": "TextAssetInput", "text": f"{name} R{i}"},
        ]
        body = {
            "segments": [
                {"key": "asset", "kind": "Asset", "asset": {"_t": "MultiAssetInput", "assets": pair}}
            ],
            "sortIndex": i,
        }
        api.post(f"/dataset/{dataset}/datapoint", json=body).raise_for_status()
    definition = api.post(
        "/job/definition",
        json={
            "definitionName": name,
            "workflow": {
                "_t": "SimpleWorkflow",
                "rapid": {"_t": "Compare", "asset": {"segment": "asset"}, "criteria": {"literal": "Better?"}},
            },
            "referee": referee or {"_t": "NaiveReferee", "totalVotes": votes},
            "datasetId": dataset,
        },
    )
    definition.raise_for_status()
    job = api.post(
        "/job", json={"jobDefinitionId": definition.json()["definitionId"], "audienceId": "global"}
    )
    job.raise_for_status()
    return str(job.json()["jobId"])


@dataclass
class HttpLabeler:
    """One human labeler answering through one or more replicas until stopped or the server goes away.

    Attributes:
        acknowledged: ``responseId`` of every answer the server acknowledged (HTTP 200).
    """

    urls: list[str]
    seed: int
    acknowledged: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    session_id: str | None = None

    def _open(self, http: httpx.Client) -> None:
        if self.session_id is None:
            started = http.post(f"{self.urls[0]}/labeler/session", json={"name": f"h{self.seed}"})
            started.raise_for_status()
            self.session_id = str(started.json()["sessionId"])

    def run(self, *, stop_on_error: bool = True) -> None:
        """Fetch → answer until ``stop`` is set (or, with ``stop_on_error``, the first transport error)."""
        rng = random.Random(self.seed)
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                try:
                    self._open(http)
                    base = rng.choice(self.urls)
                    items = (
                        http.get(f"{base}/labeler/session/{self.session_id}/tasks").json().get("items", [])
                    )
                    if not items:
                        self.stop.wait(0.1)
                        continue
                    done = http.post(
                        f"{rng.choice(self.urls)}/labeler/session/{self.session_id}/answers",
                        json={"taskId": items[0]["taskId"], "answer": {"winner": rng.randint(0, 1)}},
                    )
                    if done.status_code == 200:
                        self.acknowledged.append(str(done.json()["responseId"]))
                except (httpx.TransportError, ValueError):
                    if stop_on_error:
                        return
                    self.stop.wait(0.1)

    def start(self, **kwargs: bool) -> threading.Thread:
        """Run in a daemon thread."""
        thread = threading.Thread(target=self.run, kwargs=kwargs, daemon=True)
        thread.start()
        return thread
