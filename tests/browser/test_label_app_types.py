"""Every task type in the web labeling app, at desktop and phone sizes, through an unlisted audience's link.

Two people (a desktop browser and a phone) open ``audience.link`` and answer every task of seven jobs with
the settings that change the UI (Neither/Both, locate min/max points, free-text length limits). Screenshots of
each task type at both sizes land in tests/artifacts/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from rapidata_nb import (
    AllowNeitherBothSetting,
    FreeTextMaxCharactersSetting,
    FreeTextMinimumCharactersSetting,
    LocateMaxPointsSetting,
    LocateMinPointsSetting,
    RapidataClient,
)
from tests.utils.label_app import (
    DESKTOP,
    PHONE,
    PROFILE,
    answer_and_next,
    api_get,
    join,
    shot,
    start_and_get_item,
    wait_task,
)


@pytest.fixture(scope="module")
def quiet(live_server_factory: Any) -> Any:
    return live_server_factory(crowd=False)


@pytest.fixture(scope="module")
def client(quiet: Any) -> RapidataClient:
    return RapidataClient(client_id=quiet.client_id, client_secret=quiet.client_secret, environment=quiet.url)


@pytest.fixture(scope="module")
def seven_jobs(
    client: RapidataClient, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, dict[str, Any]]:
    """An unlisted audience with one job of each type, two responses per datapoint."""
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("media")
    files = []
    for i, colour in enumerate([(220, 60, 60), (60, 110, 210), (40, 160, 90)]):
        image = Image.new("RGB", (480, 320), (236, 240, 245))
        ImageDraw.Draw(image).rectangle((150 + 20 * i, 80, 330, 240), fill=colour)
        files.append(str(folder / f"shape{i}.png"))
        image.save(files[-1])
    team = client.audience.create_unlisted_audience("Our team")
    job = client.job
    definitions = {
        "compare": job.create_compare_job_definition(
            name="c",
            instruction="Which picture is brighter?",
            datapoints=[files[:2]],
            responses_per_datapoint=2,
            settings=[AllowNeitherBothSetting(0)],
        ),
        "classify": job.create_classification_job_definition(
            name="k",
            instruction="Which colour is the shape?",
            answer_options=["Red", "Blue", "Green"],
            datapoints=[files[0]],
            responses_per_datapoint=2,
            contexts=["Compare with the reference picture"],
            media_contexts=[[files[2]]],
        ),
        "locate": job.create_locate_job_definition(
            name="l",
            instruction="Tap two corners of the shape",
            datapoints=[files[1]],
            responses_per_datapoint=2,
            settings=[LocateMinPointsSetting(2), LocateMaxPointsSetting(2)],
        ),
        "draw": job.create_draw_job_definition(
            name="d", instruction="Draw along the top edge", datapoints=[files[2]], responses_per_datapoint=2
        ),
        "select_words": job.create_select_words_job_definition(
            name="s",
            instruction="Select the words that are wrong",
            datapoints=[files[0]],
            sentences=["a blue square on grey"],
            responses_per_datapoint=2,
        ),
        "free_text": job.create_free_text_job_definition(
            name="f",
            instruction="Describe the picture in a few words",
            datapoints=[files[1]],
            responses_per_datapoint=2,
            settings=[FreeTextMinimumCharactersSetting(5), FreeTextMaxCharactersSetting(40)],
        ),
        "ranking": job.create_ranking_job_definition(
            name="r",
            instruction="Which shape is larger?",
            datapoints=[files],
            comparison_budget_per_ranking=3,
            responses_per_comparison=2,
        ),
    }
    return team, {kind: team.assign_job(d) for kind, d in definitions.items()}


def _answer(page: Any, item: dict[str, Any], size: str) -> dict[str, Any]:
    """Answer the shown item the way a person would; return the next served item."""
    kind = item["kind"]
    if kind == "compare":
        assert page.locator(".rnb-unsure-option").count() == 2  # AllowNeitherBothSetting(0): right away
        if size == "desktop":
            return answer_and_next(page, lambda: page.keyboard.press("n"))
        return answer_and_next(page, lambda: page.click('.rnb-side[data-key="1"]'))
    if kind == "classify":  # the text and reference media shown with the instruction
        assert page.inner_text(".rnb-context") == "Compare with the reference picture"
        assert page.locator(".rnb-media-context img").count() == 1 == len(item["mediaContext"])
    if kind in ("classify", "ranking"):
        page.click(".rnb-la-top")  # nothing focused: the page still hands number keys to the task
        return answer_and_next(page, lambda: page.keyboard.press("1"))
    if kind == "locate":
        box = page.locator(".rnb-stage").bounding_box()
        for fx, fy in ((0.35, 0.3), (0.65, 0.7), (0.5, 0.5)):
            page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        assert page.locator(".rnb-point").count() == 2  # LocateMaxPointsSetting(2) refused the third tap
        assert "At most 2" in page.inner_text(".rnb-task .rnb-hint")
        return answer_and_next(page, lambda: page.keyboard.press("Enter"))
    if kind == "draw":
        box = page.locator(".rnb-draw-canvas").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.25)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.25, steps=5)
        page.mouse.up()
        return answer_and_next(page, lambda: page.keyboard.press("Enter"))
    if kind == "select_words":
        page.click('.rnb-word:text-is("blue")')
        return answer_and_next(page, lambda: page.click(".rnb-submit"))
    assert kind == "free_text"
    box = page.locator(".rnb-textbox")
    box.fill("red")
    assert page.locator(".rnb-submit").is_disabled()  # FreeTextMinimumCharactersSetting(5)
    assert "at least 5" in page.inner_text(".rnb-counter")
    box.fill(f"a shape seen on a {size}")
    return answer_and_next(page, lambda: page.keyboard.press("Control+Enter"))


@pytest.mark.slow
@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_every_task_type_through_an_unlisted_link(
    size: str, viewport: dict[str, int], seven_jobs: tuple[Any, dict[str, Any]], quiet: Any, browser: Any
) -> None:
    team, jobs = seven_jobs
    assert team.id.startswith("ula_") and team.link.endswith(f"/label/{team.id}")
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, is_mobile=size == "phone", has_touch=size == "phone"
    )
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        join(page, f"{quiet.url}/label/{team.id}", {**PROFILE, "country": "US" if size == "phone" else "DE"})
        shot(page, f"label_app_join_{size}")
        item = start_and_get_item(page)
        seen: list[str] = []
        while item:
            assert not item["isExample"] and item["jobId"] in {j.id for j in jobs.values()}
            wait_task(page, item)
            if item["kind"] not in seen:
                shot(page, f"label_app_{item['kind']}_{size}")
            seen.append(item["kind"])
            item = _answer(page, item, size)
        assert sorted(set(seen)) == sorted(jobs)
        assert seen.count("ranking") == 3  # every pair of the group of three
        page.wait_for_selector(".rnb-la-idle")
        assert page.inner_text(".rnb-la-progress") == f"{len(seen)} answered"
        shot(page, f"label_app_done_{size}")
    finally:
        context.close()
    assert not errors, errors
    if size == "phone":  # both people answered: every job has its two responses
        for kind, job in jobs.items():
            assert api_get(quiet, f"/job/{job.id}")["state"] == "Completed", kind
        texts = api_get(quiet, f"/job/{jobs['free_text'].id}/download-results")["results"][0]
        assert sorted(d["answer"] for d in texts["detailedResults"]) == [
            "a shape seen on a desktop",
            "a shape seen on a phone",
        ]
        compare = api_get(quiet, f"/job/{jobs['compare'].id}/download-results")["results"][0]
        voted = sorted(str(d["votedFor"]) for d in compare["detailedResults"])
        # the desktop pressed N, the phone tapped a side
        assert voted[0] == "Neither" and voted[1].startswith("shape")


def test_unlisted_jobs_are_served_only_through_the_link(
    seven_jobs: tuple[Any, dict[str, Any]], quiet: Any
) -> None:
    import httpx

    with httpx.Client(base_url=quiet.url) as http:
        sid = http.post("/labeler/session", json={"country": "US"}).json()["sessionId"]
        items = http.get(f"/labeler/session/{sid}/tasks", params={"limit": 50}).json()["items"]
    assert not {i["jobId"] for i in items} & {j.id for j in seven_jobs[1].values()}


def test_a_task_past_its_deadline_gives_way_to_the_next(
    client: RapidataClient, quiet: Any, browser: Any
) -> None:
    import httpx

    crew = client.audience.create_unlisted_audience("Hurried crew")
    job = crew.assign_job(
        client.job.create_classification_job_definition(
            name="hurry",
            instruction="Is this a fruit?",
            answer_options=["Yes", "No"],
            datapoints=["apple", "brick"],
            data_type="text",
            responses_per_datapoint=1,
        )
    )
    # a session with a one-second deadline, remembered by the browser: the app resumes it
    with httpx.Client(base_url=quiet.url) as http:
        started = http.post(
            "/labeler/session", json={**PROFILE, "audienceId": crew.id, "leaseSeconds": 1}
        ).json()
    remembered = {"labelerId": started["labelerId"], "sessions": {crew.id: started["sessionId"]}}
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(
        f"localStorage.setItem('rapidata_nb.labeler', {json.dumps(json.dumps(remembered))})"
    )
    try:
        page = context.new_page()
        with page.expect_response(lambda r: "/tasks" in r.url) as served:
            page.goto(f"{quiet.url}/label/{crew.id}")
        first = served.value.json()["items"][0]
        assert page.locator(".rnb-la-form").count() == 0  # resumed, no profile form
        with page.expect_response(lambda r: "/tasks" in r.url, timeout=10_000) as again:
            pass  # the countdown runs out and the app asks for the next task by itself
        second = again.value.json()["items"][0]
        assert second["taskId"] != first["taskId"] and second["jobId"] == job.id
        assert "Time's up" in page.inner_text(".rnb-la-banner")
        page.wait_for_selector(f'[data-task-id="{second["taskId"]}"]')
        page.locator(".rnb-task").focus()
        with page.expect_response(lambda r: "/answers" in r.url) as answered:
            page.keyboard.press("1")
        assert answered.value.status == 200
    finally:
        context.close()
    assert api_get(quiet, f"/job/{job.id}/progress")["responseCount"] == 1
