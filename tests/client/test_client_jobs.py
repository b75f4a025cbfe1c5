"""Job waiting rules, progress, view/preview fallbacks and the display registry (scripted API)."""

from __future__ import annotations

import time

import httpx
import pytest

from rapidata_nb import rapidata_config
from rapidata_nb.client import _display
from tests.utils.fakeapi import FakeApi

A = "https://assets.rapidata.ai/a.jpg"
B = "https://assets.rapidata.ai/b.jpg"


def _job(client, api: FakeApi, audience_id: str = "global"):  # type: ignore[no-untyped-def]
    definition = client.job.create_compare_job_definition(name="n", instruction="Which?", datapoints=[[A, B]])
    audience = client.audience.get_audience_by_id(audience_id)
    return audience.assign_job(definition)


def test_blocking_states_raise_immediately(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    job = _job(client, api)
    api.job_state = "Paused"
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="paused; call resume"):
        job.get_results()
    with pytest.raises(RuntimeError, match="awaits manual approval"):
        api.job_state = "ManualApproval"
        job.display_progress_bar()
    assert time.monotonic() - started < 2


def test_audience_that_can_never_respond(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    api.overrides[("GET", "/audience/aud_empty/user-metrics")] = lambda r: httpx.Response(
        200, json={"usersPerState": {"Graduated": 0, "Distilling": 0}}
    )
    api.overrides[("GET", "/audience/aud_empty")] = lambda r: httpx.Response(
        200, json={"id": "aud_empty", "name": "Empty", "filters": [], "status": "Created"}
    )
    job = _job(client, api, "aud_empty")
    api.job_state = "Running"
    with pytest.raises(RuntimeError, match="can never produce responses.*start_recruiting"):
        job.get_results()


def test_failed_job_raises_with_message(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    job = _job(client, api)
    api.job_state = "Failed"
    with pytest.raises(RuntimeError, match="failed"):
        job.get_results()


def test_progress_with_extras_and_missing_progress(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    job = _job(client, api)
    progress = job.get_progress()
    assert (progress.completion_percentage, progress.total, progress.completed, progress.response_count) == (
        100.0,
        1,
        1,
        10,
    )
    api.overrides[("GET", f"/job/{job.id}/progress")] = lambda r: httpx.Response(
        404, json={"message": "none"}
    )
    assert job.get_progress().completion_percentage == 0.0


def test_assign_prints_link_unless_silent(client, api: FakeApi, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    rapidata_config.logging.silent_mode = False
    job = _job(client, api)
    out = capsys.readouterr().out
    assert f"is now viewable under: http://api.test/audiences/global/job/{job.id}" in out
    assert "Preview in dashboard: http://api.test/definitions/" in out


def test_view_and_preview_headless_print_links(
    client, api: FakeApi, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    rapidata_config.logging.silent_mode = False
    job = _job(client, api)
    capsys.readouterr()
    job.view()
    assert job.job_details_page in capsys.readouterr().out
    assert "<a href=" in job._repr_html_()


def test_display_registry() -> None:
    def render(obj: object) -> None:
        return None

    _display.register("test-kind", render)
    try:
        assert _display.get("test-kind") is render
    finally:
        _display.unregister("test-kind")
    assert _display.get("test-kind") is None
    assert _display.in_notebook() is False


def test_unsaved_changes_block_assignment(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    definition = client.job.create_compare_job_definition(name="n", instruction="Which?", datapoints=[[A, B]])
    definition.instruction = "Changed?"
    with pytest.raises(RuntimeError, match="unsaved changes"):
        client.audience.get_audience_by_id("global").assign_job(definition)
    definition.discard_changes()
    assert definition.instruction == "Which?"


def test_results_are_downloaded_page_by_page_and_merged(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    job = _job(client, api)
    pages = {
        1: {"results": [{"winner": "a"}, {"winner": "b"}], "summary": {"A_wins_total": 1, "B_wins_total": 1}},
        2: {"results": [{"winner": "a"}], "summary": {"A_wins_total": 1, "B_wins_total": 0}},
    }

    def page(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        size = int(request.url.params["pageSize"])
        paging = {"number": number, "size": size, "totalPages": 2, "totalDatapoints": 3}
        return httpx.Response(200, json={"info": {"type": "Compare"}, **pages[number], "page": paging})

    api.overrides[("GET", f"/job/{job.id}/download-results")] = page
    results = job.get_results()
    assert results["results"] == [{"winner": "a"}, {"winner": "b"}, {"winner": "a"}]
    assert results["summary"] == {"A_wins_total": 2, "B_wins_total": 1}
    assert "page" not in results
    asked = [r.url.params["page"] for r in api.requests if r.url.path.endswith("/download-results")]
    assert asked == ["1", "2"]


def test_a_server_that_does_not_page_sends_the_document_once(client, api: FakeApi) -> None:  # type: ignore[no-untyped-def]
    job = _job(client, api)
    api.results = {"info": {"type": "Compare"}, "results": [{"winner": "a"}], "summary": {"A_wins_total": 1}}
    assert job.get_results()["results"] == [{"winner": "a"}]
    assert len([r for r in api.requests if r.url.path.endswith("/download-results")]) == 1
