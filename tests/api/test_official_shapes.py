"""Every response of our server parses cleanly with the official SDK's generated models.

The SDK's models are lenient (a field that fails validation only raises when read), so a wrong type can
hide until a user touches it. Here each response must validate with no per-field error at all.
"""

from __future__ import annotations

import importlib
from typing import Any

import httpx
import pytest

from tests.utils.builders import create_definition


def _model(name: str) -> Any:
    module = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return getattr(importlib.import_module(f"rapidata.api_client.models.{module}"), name)


def check(name: str, data: Any) -> Any:
    """Validate ``data`` with the SDK model ``name``; fail on any per-field error."""
    obj = _model(name).from_dict(data)
    errors = getattr(obj, "_field_validation_errors", {})
    assert not errors, f"{name}: {errors}"
    return obj


@pytest.fixture(scope="module")
def completed(api: httpx.Client, poll: Any) -> dict[str, Any]:
    created = create_definition(api, "classify", n=2, votes=2)
    job = api.post("/job", json={"jobDefinitionId": created["definitionId"], "audienceId": "global"})
    check("CreateJobEndpointOutput", job.json())
    job_id = job.json()["jobId"]
    poll(lambda: api.get(f"/job/{job_id}").json()["state"] == "Completed", timeout=120, message="job done")
    return {**created, "jobId": job_id}


def test_asset_shapes(api: httpx.Client) -> None:
    check("UploadFileEndpointOutput", api.post("/asset/file", files={"file": ("a.txt", b"abc")}).json())
    check(
        "UploadFileFromUrlEndpointOutput",
        api.post("/asset/url", params={"url": "https://x.org/a.png"}).json(),
    )
    batch = api.post(
        "/asset/batch-upload", json={"urls": ["https://x.org/b.png"], "correlationId": "c-shape"}
    )
    check("CreateBatchUploadEndpointOutput", batch.json())
    check(
        "GetBatchUploadStatusEndpointOutput",
        api.get("/asset/batch-upload/status", params={"correlationId": "c-shape"}).json(),
    )
    check(
        "GetBatchUploadResultEndpointOutput",
        api.get(f"/asset/batch-upload/{batch.json()['batchUploadId']}").json(),
    )


def test_definition_shapes(api: httpx.Client, completed: dict[str, Any]) -> None:
    definition_id = completed["definitionId"]
    check("CreateDatasetEndpointOutput", api.post("/dataset", json={"name": "shape"}).json())
    check("GetJobDefinitionByIdEndpointOutput", api.get(f"/job/definition/{definition_id}").json())
    revision = api.get(f"/job/definition/{definition_id}/revision").json()
    check("GetJobRevisionEndpointOutput", revision)
    check(
        "QueryJobRevisionsEndpointPagedResultOfOutput",
        api.get(f"/job/definition/{definition_id}/revisions").json(),
    )
    check("QueryJobDefinitionsEndpointPagedResultOfOutput", api.get("/job/definitions").json())
    check(
        "GetJobDefinitionCostEstimateEndpointOutput",
        api.get(f"/job/definition/{definition_id}/cost-estimate").json(),
    )
    saved = api.post(f"/job/definition/{definition_id}/revision", json={"baseRevisionNumber": 1})
    check("CreateJobRevisionEndpointOutput", saved.json())


def test_job_shapes(api: httpx.Client, completed: dict[str, Any]) -> None:
    job_id = completed["jobId"]
    job = check("GetJobByIdEndpointOutput", api.get(f"/job/{job_id}").json())
    assert job.state.value == "Completed"
    check("GetJobProgressEndpointOutput", api.get(f"/job/{job_id}/progress").json())
    check(
        "QueryJobsEndpointPagedResultOfOutput", api.get("/jobs", params={"audience_id[eq]": "global"}).json()
    )
    pipeline = api.get(f"/job/{job_id}").json()["pipelineId"]
    check(
        "StartPreliminaryDownloadEndpointOutput",
        api.post(f"/pipeline/{pipeline}/preliminary-download", json={"sendEmail": False}).json(),
    )


def test_global_audience_shapes(api: httpx.Client) -> None:
    """The global audience's shape satisfies the SDK's model."""
    audience = check("GetAudienceByIdEndpointOutput", api.get("/audience/global").json())
    assert audience.status.value == "Ready"
    check("GetAudienceUserStateMetricsResult", api.get("/audience/global/user-metrics").json())
