"""A scripted stand-in for the Rapidata API behind ``httpx.MockTransport`` (wire shapes and error paths only).

It records every request and answers the routes the client uses with minimal, spec-shaped bodies. End-to-end
behaviour is tested against the real server (``live_server``); this exists to pin exact request bodies.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import httpx


class FakeApi:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.ids = itertools.count(1)
        self.token_requests = 0
        self.token_ttl = 3600
        self.overrides: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}
        self.datapoints: dict[str, list[dict[str, Any]]] = {}
        self.definitions: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, list[str]] = {}
        self.job_state = "Completed"
        self.results: dict[str, Any] = {"info": {"type": "Compare"}, "results": []}

    # --- helpers used by tests ---------------------------------------------------------------------

    def bodies(self, method: str, path_prefix: str) -> list[Any]:
        return [
            json.loads(r.content) if r.content else None
            for r in self.requests
            if r.method == method and r.url.path.startswith(path_prefix)
        ]

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- routing -------------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        method, path = request.method, request.url.path
        for (m, prefix), fn in self.overrides.items():
            if m == method and path.startswith(prefix):
                return fn(request)
        body = (
            json.loads(request.content)
            if request.content and request.headers.get("content-type", "").startswith("application/json")
            else None
        )
        if path == "/connect/token":
            self.token_requests += 1
            return httpx.Response(
                200,
                json={
                    "access_token": f"tok{self.token_requests}",
                    "token_type": "Bearer",
                    "expires_in": self.token_ttl,
                },
            )
        if method == "GET" and path == "/audience/global":
            return httpx.Response(
                200, json={"id": "global", "name": "Global", "filters": [], "status": "Ready"}
            )
        if method == "GET" and path.endswith("/user-metrics"):
            return httpx.Response(200, json={"usersPerState": {"Graduated": 100}})
        if method == "POST" and path == "/audience":
            return httpx.Response(200, json={"audienceId": f"aud_{next(self.ids)}"})
        if method == "POST" and path.startswith("/audience/") and path.endswith("/example"):
            return httpx.Response(200, json={})
        if method == "POST" and path == "/asset/url":
            return httpx.Response(200, json={"fileName": "u_" + request.url.params["url"].rsplit("/", 1)[-1]})
        if method == "POST" and path == "/asset/file":
            n = next(self.ids)
            return httpx.Response(200, json={"fileName": f"f{n}.bin"})
        if method == "POST" and path == "/asset/batch-upload":
            batch = f"b{next(self.ids)}"
            self.batches[batch] = body["urls"]
            return httpx.Response(200, json={"batchUploadId": batch})
        if method == "GET" and path == "/asset/batch-upload/status":
            return httpx.Response(200, json={"status": "Completed", "completedBatches": list(self.batches)})
        if method == "GET" and path.startswith("/asset/batch-upload/"):
            urls = self.batches[path.rsplit("/", 1)[-1]]
            return httpx.Response(
                200,
                json={
                    "items": [
                        {"url": u, "status": "Completed", "fileName": "h_" + u.rsplit("/", 1)[-1]}
                        for u in urls
                    ]
                },
            )
        if method == "POST" and path == "/dataset":
            ds = f"ds{next(self.ids)}"
            self.datapoints[ds] = []
            return httpx.Response(200, json={"datasetId": ds})
        if method == "POST" and path.startswith("/dataset/") and path.endswith("/datapoint"):
            self.datapoints[path.split("/")[2]].append(body)
            return httpx.Response(200, json={"datapointId": f"dp{next(self.ids)}"})
        if method == "POST" and path.startswith("/dataset/") and path.endswith("/group"):
            return httpx.Response(200, json={})
        if method == "POST" and path == "/job/definition":
            d = f"def{next(self.ids)}"
            self.definitions[d] = body
            return httpx.Response(200, json={"definitionId": d, "pipelineId": "p1"})
        if method == "GET" and path.startswith("/job/definition/") and "/revision" in path:
            d = path.split("/")[3]
            src = self.definitions[d]
            return httpx.Response(
                200,
                json={
                    "definitionId": d,
                    "revisionNumber": 1,
                    "state": "Completed",
                    "datasetId": src["datasetId"],
                    "workflow": src["workflow"],
                    "referee": src["referee"],
                    "featureFlags": src.get("rapidFeatureFlags", []),
                    "campaignFeatureFlags": [],
                },
            )
        if method == "GET" and path == "/jobs":
            items = [
                {**{k: v for k, v in j.items() if k != "definitionId"}, "jobDefinitionId": j["definitionId"]}
                | {"state": self.job_state}
                for j in list(self.jobs.values())[::-1]
            ]
            return httpx.Response(200, json={"total": len(items), "page": 1, "pageSize": 100, "items": items})
        if method == "POST" and path == "/job":
            j = f"job{next(self.ids)}"
            self.jobs[j] = {
                "jobId": j,
                "name": "n",
                "audienceId": body["audienceId"],
                "definitionId": body["jobDefinitionId"],
                "revisionNumber": 1,
                "createdAt": "2026-01-01T00:00:00Z",
                "pipelineId": "p1",
                "ownerId": "owner1",
                "ownerMail": "owner@example.org",
                "organizationId": "org1",
            }
            return httpx.Response(200, json={"jobId": j, "recruitingStarted": False})
        if method == "GET" and path.startswith("/job/") and path.count("/") == 2:
            return httpx.Response(200, json={**self.jobs[path.split("/")[2]], "state": self.job_state})
        if method == "GET" and path.endswith("/progress"):
            return httpx.Response(
                200,
                json={
                    "completionPercentage": 100,
                    "total": 1,
                    "completed": 1,
                    "state": "Done",
                    "responseCount": 10,
                },
            )
        if method == "GET" and path.endswith("/download-results"):
            return httpx.Response(200, content=json.dumps(self.results).encode())
        if method == "POST" and path == "/datasets/shorten-context":
            return httpx.Response(
                200, json={"items": [{"shortenedContext": i["context"][:400]} for i in body["items"]]}
            )
        return httpx.Response(404, json={"message": f"no route {method} {path}", "traceId": "t-404"})


def make_client(api: FakeApi, **kwargs: Any) -> Any:
    from rapidata_nb import RapidataClient

    kwargs.setdefault("environment", "http://api.test")
    kwargs.setdefault("client_id", "cid")
    kwargs.setdefault("client_secret", "secret")
    return RapidataClient(transport=api.transport(), **kwargs)


def now() -> float:
    return time.time()
