"""End to end against the real server process (``live_server``): the documented workflows over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from rapidata_nb import (
    Box,
    FailedUploadException,
    RapidataClient,
    RapidataError,
    RevisionConflictError,
)

A = "https://assets.rapidata.ai/midjourney-5.2_37_3.jpg"
B = "https://assets.rapidata.ai/flux-1-pro_37_0.jpg"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(live_server: Any) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


def _png(path: Path, shade: int) -> str:
    Image.new("RGB", (8, 8), (shade % 256, 40, 90)).save(path)
    return str(path)


def test_quickstart_compare_on_curated_audience(live: RapidataClient) -> None:
    audience = live.audience.get_audience_by_id("aud_MU1GZYoESyO")
    definition = live.job.create_compare_job_definition(
        name="Example Image Comparison",
        instruction="Which image matches the description better?",
        contexts=["A small blue book sitting on a large red book."],
        datapoints=[[A, B]],
    )
    job = audience.assign_job(definition)
    progress = job.get_progress()
    assert progress.state and 0 <= progress.completion_percentage <= 100
    job.display_progress_bar()
    frame = job.get_results().to_pandas()
    assert len(frame) == 1
    assert (
        frame.loc[0, "assetA"] == "midjourney-5.2_37_3.jpg"
        and frame.loc[0, "assetB"] == "flux-1-pro_37_0.jpg"
    )
    assert frame.loc[0, "A_aggregatedResults"] + frame.loc[0, "B_aggregatedResults"] >= 10
    assert job.get_status() == "Completed"
    assert job.job_details_page.endswith(f"/audiences/aud_MU1GZYoESyO/job/{job.id}")
    assert any(j.id == job.id for j in live.job.find_jobs("Example Image Comparison", amount=50))
    assert live.job.get_job_by_id(job.id).definition_id == definition.id


def test_classification_with_confidence_and_text(live: RapidataClient) -> None:
    definition = live.job.create_classification_job_definition(
        name="Sentiment",
        instruction="Is this review positive?",
        answer_options=["Yes", "No"],
        datapoints=["I loved it", "Terrible product"],
        data_type="text",
        responses_per_datapoint=15,
        confidence_threshold=0.99,
    )
    job = live.audience.get_audience_by_id("global").assign_job(definition)
    frame = job.get_results().to_pandas()
    assert set(frame["option"]) == {"Yes", "No"}
    assert {"count", "ratio", "summedUserScore", "summedUserScoreRatio"} <= set(frame.columns)


def test_custom_audience_examples_and_metrics(live: RapidataClient) -> None:
    audience = live.audience.create_audience("Alignment test", target_accuracy=0.6, min_tasks=1)
    audience.add_compare_example("Which image is sharper?", truth=A, datapoint=[A, B])
    examples = audience.get_examples()
    assert list(examples.columns) == ["id", "asset", "truth", "context", "contextAsset"]
    assert len(examples) == 1
    assert audience.start_recruiting() is audience
    metrics = audience.get_recruiting_metrics()
    assert metrics.graduated + metrics.distilling + metrics.dropped + metrics.inactive >= 0
    found = live.audience.find_audiences("Alignment test")
    assert any(a.id == audience.id for a in found)
    audience.update_name("Alignment test 2")
    assert live.audience.get_audience_by_id(audience.id).name == "Alignment test 2"


def test_audience_that_can_never_respond_raises(live: RapidataClient) -> None:
    audience = live.audience.create_audience("Empty audience")
    definition = live.job.create_compare_job_definition(
        name="Never", instruction="Which?", datapoints=[[A, B]]
    )
    job = audience.assign_job(definition)
    with pytest.raises(RuntimeError, match="can never produce responses"):
        job.get_results()


def test_revisions_and_conflict(live: RapidataClient) -> None:
    definition = live.job.create_compare_job_definition(
        name="Revised", instruction="Which?", datapoints=[[A, B]]
    )
    stale = live.job.get_job_definition_by_id(definition.id)
    assert stale.instruction == "Which?"
    definition.instruction = "Which one is better?"
    definition.responses_per_datapoint = 5
    assert definition.has_unsaved_changes
    with pytest.raises(RuntimeError, match="unsaved changes"):
        live.audience.get_audience_by_id("global").assign_job(definition)
    assert definition.save() == 2
    assert definition.instruction == "Which one is better?" and definition.responses_per_datapoint == 5
    stale.instruction = "Stale edit"
    with pytest.raises(RevisionConflictError) as info:
        stale.save(require_latest=True)
    assert info.value.latest_revision == 2 and info.value.base_revision == 1
    assert [r.revision for r in definition.revisions()] == [1, 2]
    assert live.job.get_job_definition_by_id(definition.id, revision=1).instruction == "Which?"


def test_one_missing_file_among_100(live: RapidataClient, tmp_path: Path) -> None:
    paths = [_png(tmp_path / f"img{i}.png", i) if i != 7 else str(tmp_path / "img7.png") for i in range(100)]
    with pytest.raises(FailedUploadException) as info:
        live.job.create_classification_job_definition(
            name="Hundred", instruction="Cat or dog?", answer_options=["Cat", "Dog"], datapoints=paths
        )
    e = info.value
    assert [d.asset for d in e.failed_uploads] == [paths[7]]
    definition = e.job_definition
    assert definition is not None
    assert definition.estimated_cost.datapoint_count == 99
    _png(tmp_path / "img7.png", 7)
    assert e.retry() is definition
    assert definition.estimated_cost.datapoint_count == 100


def test_locate_with_box_examples(live: RapidataClient, tmp_path: Path) -> None:
    img = _png(tmp_path / "scene.png", 3)
    audience = live.audience.create_audience("Locators", min_tasks=1)
    audience.add_locate_example("Tap the object", img, truths=[Box(0.1, 0.1, 0.6, 0.6)])
    definition = live.job.create_locate_job_definition(
        name="Locate", instruction="Tap the object", datapoints=[img]
    )
    job = live.audience.get_audience_by_id("global").assign_job(definition)
    results = job.get_results()
    assert results.task_type == "Locate" and len(results["results"]) == 1


def test_order_api(live: RapidataClient) -> None:
    order = live.order.create(name="Order", instruction="Which is better?", datapoints=[[A, B]])
    assert order.get_status() == "Created"
    order.run()
    assert len(order.get_results().to_pandas()) == 1
    assert live.order.get_order_by_id(order.id).job is not None


def test_server_errors_carry_trace_ids(live: RapidataClient) -> None:
    with pytest.raises(RapidataError) as info:
        live.audience.get_audience_by_id("aud_doesnotexist")
    assert info.value.status_code == 404 and info.value.trace_id
