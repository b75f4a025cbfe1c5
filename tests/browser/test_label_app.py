"""The web labeling app in Chromium (issue 8): a person joins a custom audience through its invite link,
passes its qualification examples and labels compare, classify, locate and draw jobs with the simulated crowd
off; the job results hold exactly those answers with that person's profile. A person who fails the examples
is dropped and gets no job tasks. With qualification feedback other than ``immediate`` (issue 15, finding
7) the app shows no verdict on any example: only the decision (``after_decision``) or nothing (``none``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapidata_nb import RapidataClient
from tests.utils.label_app import (
    DESKTOP,
    PHONE,
    PROFILE,
    answer_and_next,
    api_get,
    drag,
    join,
    key_of_index,
    shot,
    start_and_get_item,
    wait_task,
)


@pytest.fixture(scope="module")
def quiet(live_server_factory: Any) -> Any:
    """A server with the simulated crowd off: only the people in the browser answer."""
    return live_server_factory(crowd=False)


@pytest.fixture(scope="module")
def client(quiet: Any) -> RapidataClient:
    return RapidataClient(client_id=quiet.client_id, client_secret=quiet.client_secret, environment=quiet.url)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Labelled PNGs (a disc on a plain background), made locally."""
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("pictures")
    palette = {
        "red": (220, 60, 60),
        "blue": (60, 110, 210),
        "green": (40, 160, 90),
        "orange": (240, 150, 40),
        "purple": (140, 80, 200),
        "teal": (30, 150, 160),
    }
    out = {}
    for name, colour in palette.items():
        image = Image.new("RGB", (480, 320), (236, 240, 245))
        draw = ImageDraw.Draw(image)
        draw.ellipse((170, 90, 310, 230), fill=colour)
        draw.text((12, 10), name, fill=(20, 20, 20))
        out[name] = folder / f"{name}.png"
        image.save(out[name])
    return out


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Any]:
    """New browser contexts (desktop or phone); page errors fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(viewport: dict[str, int], *, mobile: bool = False) -> Any:
        context = browser.new_context(
            viewport=viewport, device_scale_factor=1, is_mobile=mobile, has_touch=mobile
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.mark.slow
def test_a_person_qualifies_through_the_invite_link_and_labels_four_job_types(
    client: RapidataClient, quiet: Any, pictures: dict[str, Path], context_factory: Any
) -> None:
    p = {k: str(v) for k, v in pictures.items()}
    audience = client.audience.create_audience(name="Colour experts", qualification_feedback="immediate")
    for pair in ([p["red"], p["blue"]], [p["green"], p["orange"]]):
        audience.add_compare_example(
            instruction="Which disc is warmer?",
            truth=pair[0],
            datapoint=pair,
            explanation="Red and green were chosen as the warm side in this example.",
        )
    jobs = {}
    compare = client.job.create_compare_job_definition(
        name="warmth",
        instruction="Which disc is warmer?",
        datapoints=[[p["purple"], p["teal"]]],
        responses_per_datapoint=1,
    )
    jobs["compare"] = audience.assign_job(compare)
    classify = client.job.create_classification_job_definition(
        name="colour",
        instruction="What colour is the disc?",
        answer_options=["Red", "Blue", "Green"],
        datapoints=[p["red"]],
        responses_per_datapoint=1,
    )
    jobs["classify"] = audience.assign_job(classify)
    locate = client.job.create_locate_job_definition(
        name="find", instruction="Tap the disc", datapoints=[p["blue"]], responses_per_datapoint=1
    )
    jobs["locate"] = audience.assign_job(locate)
    draw = client.job.create_draw_job_definition(
        name="trace",
        instruction="Draw a line across the disc",
        datapoints=[p["green"]],
        responses_per_datapoint=1,
    )
    jobs["draw"] = audience.assign_job(draw)

    page = context_factory(DESKTOP)
    join(page, f"{quiet.url}/label/{audience.id}")
    assert "Colour experts" in page.inner_text(".rnb-la-form h1")
    assert page.inner_text(".rnb-la-device") == "Device: Desktop"
    item = start_and_get_item(page)

    # qualification: two examples, each answered correctly by keyboard, with feedback
    for _ in range(2):
        assert item["isExample"] is True and item["kind"] == "compare"
        wait_task(page, item)
        page.keyboard.press(key_of_index(item, 0))
        page.wait_for_selector(".rnb-la-feedback")
        assert page.inner_text(".rnb-la-feedback h2") == "Correct"
        assert "warm side" in page.inner_text(".rnb-la-explanation")
        shot(page, "label_app_feedback_desktop")
        item = answer_and_next(page, lambda: page.keyboard.press("Enter"))
    assert "Qualified" in page.inner_text(".rnb-la-state")

    answered: dict[str, Any] = {}
    feed: list[str] = []  # between two job tasks the app makes one request: the answer brings the next task
    page.on("request", lambda r: feed.append(r.url.split("/labeler/session/")[-1].split("/", 1)[-1]))
    while item:
        kind = item["kind"]
        assert item["isExample"] is False
        wait_task(page, item)
        shot(page, f"label_app_{kind}_desktop")
        if kind == "compare":
            key = key_of_index(item, 1)
            item = answer_and_next(page, lambda key=key: page.keyboard.press(key))
            answered[kind] = 1
        elif kind == "classify":
            option = item["options"][1]
            item = answer_and_next(page, lambda: page.keyboard.press("2"))
            answered[kind] = option
        elif kind == "locate":
            box = page.locator(".rnb-stage").bounding_box()
            page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
            assert page.locator(".rnb-point").count() == 2
            item = answer_and_next(page, lambda: page.keyboard.press("Enter"))
            answered[kind] = 2
        elif kind == "draw":
            canvas = page.locator(".rnb-draw-canvas").bounding_box()
            drag(page, canvas, [(0.1, 0.1), (0.5, 0.5)])
            page.click(".rnb-undo")  # undo the first stroke, draw the real one
            drag(page, canvas, [(0.2, 0.5), (0.8, 0.5)])
            item = answer_and_next(page, lambda: page.click(".rnb-submit"))
            answered[kind] = 1
    assert sorted(answered) == ["classify", "compare", "draw", "locate"]
    page.wait_for_selector(".rnb-la-idle")
    asked = [u for u in feed if u.startswith(("answers", "tasks"))]
    assert asked[:4] == ["answers?next=1"] * 4 and all(u.startswith("tasks") for u in asked[4:]), feed
    assert page.inner_text(".rnb-la-progress") == "4 answered"
    me = page.evaluate("() => JSON.parse(localStorage.getItem('rapidata_nb.labeler')).labelerId")

    named = set()  # a person is one pseudonym throughout one customer's results, never their labeler id
    for kind, job in jobs.items():
        assert api_get(quiet, f"/job/{job.id}")["state"] == "Completed"
        doc = api_get(quiet, f"/job/{job.id}/download-results")
        (row,) = doc["results"]
        (detail,) = row["detailedResults"]
        user = detail["userDetails"]
        named.add(detail["userId"])
        assert (user["country"], user["language"]) == ("DE", "de")
        assert user["demographics"] == {"age": "30-39", "gender": "Female", "occupation": "Research"}
        if kind == "compare":
            assert sorted(row["aggregatedResults"].values()) == [0, 1]
            assert detail["votedFor"] == row["winner"] and row["winnerIndex"] == 1
        elif kind == "classify":
            assert detail["selectedCategory"] == answered["classify"]
        elif kind == "locate":
            flat = [v for pt in detail["points"] for v in (pt["x"], pt["y"])]
            assert flat == pytest.approx([0.5, 0.5, 0.25, 0.75], abs=0.02)
        else:
            (line,) = detail["lines"]
            assert line[0]["x"] == pytest.approx(0.2, abs=0.02) and line[-1]["x"] == pytest.approx(
                0.8, abs=0.02
            )
            assert all(pt["y"] == pytest.approx(0.5, abs=0.02) for pt in line)
    (pseudonym,) = named
    assert pseudonym.startswith("hum_") and pseudonym != me

    # a reload resumes the same labeler (remembered in localStorage with its resume token)
    page.reload()
    page.wait_for_selector(".rnb-la-idle")
    assert page.locator(".rnb-la-form").count() == 0
    assert "Qualified" in page.inner_text(".rnb-la-state")


def failed_audience(client: RapidataClient, pictures: dict[str, Path], name: str, **extra: Any) -> Any:
    """A custom audience of two compare examples (the warm disc wins) with one job waiting for it."""
    p = {k: str(v) for k, v in pictures.items()}
    audience = client.audience.create_audience(name=name, **extra)
    for pair in ([p["red"], p["blue"]], [p["green"], p["orange"]]):
        audience.add_compare_example(
            instruction="Which disc is warmer?", truth=pair[0], datapoint=pair, explanation="The warm one."
        )
    job = audience.assign_job(
        client.job.create_compare_job_definition(
            name=f"{name} job",
            instruction="Which disc is warmer?",
            datapoints=[[p["purple"], p["teal"]]],
            responses_per_datapoint=1,
        )
    )
    return audience, job


def answer_wrong_without_a_verdict(page: Any, item: dict[str, Any]) -> dict[str, Any]:
    """Tap the wrong side of an example; the app goes straight on (a verdict card would wait for Continue,
    and the next item would never be fetched)."""
    wait_task(page, item)
    following = answer_and_next(page, lambda: page.click(f'.rnb-side[data-key="{key_of_index(item, 1)}"]'))
    assert page.locator(".rnb-la-feedback, .rnb-la-explanation").count() == 0
    return following


@pytest.mark.slow
def test_a_person_who_fails_the_examples_learns_only_the_decision_and_gets_no_job_tasks(
    client: RapidataClient, quiet: Any, pictures: dict[str, Path], context_factory: Any
) -> None:
    audience, job = failed_audience(client, pictures, "Strict colour experts")  # after_decision: the default
    page = context_factory(PHONE, mobile=True)
    join(page, f"{quiet.url}/label/{audience.id}", {**PROFILE, "country": "FR", "language": "fr"})
    assert page.inner_text(".rnb-la-device") == "Device: Phone"
    first = start_and_get_item(page)
    second = answer_wrong_without_a_verdict(page, first)
    assert second["isExample"] is True and second["taskId"] != first["taskId"]
    wait_task(page, second)
    page.click(f'.rnb-side[data-key="{key_of_index(second, 1)}"]')
    page.wait_for_selector(".rnb-la-feedback")  # the rule decided: that much is told, no verdict
    assert page.inner_text(".rnb-la-feedback h2") == "Qualification done"
    assert page.locator(".rnb-la-right, .rnb-la-wrong, .rnb-la-explanation").count() == 0
    assert "did not reach" in page.inner_text(".rnb-la-note")
    assert answer_and_next(page, lambda: page.click(".rnb-la-continue")) == {}
    page.wait_for_selector(".rnb-la-idle")
    assert "did not qualify" in page.inner_text(".rnb-la-idle h2")
    assert "Not qualified" in page.inner_text(".rnb-la-state")
    shot(page, "label_app_dropped_phone")
    assert api_get(quiet, f"/job/{job.id}/download-results")["results"][0]["detailedResults"] == []
    assert api_get(quiet, f"/job/{job.id}")["state"] == "Running"


@pytest.mark.slow
def test_with_no_feedback_a_person_learns_nothing_of_their_examples(
    client: RapidataClient, quiet: Any, pictures: dict[str, Path], context_factory: Any
) -> None:
    audience, _ = failed_audience(client, pictures, "Silent colour experts", qualification_feedback="none")
    page = context_factory(DESKTOP)
    join(page, f"{quiet.url}/label/{audience.id}")
    item = start_and_get_item(page)
    for _ in range(2):
        assert item["isExample"] is True
        item = answer_wrong_without_a_verdict(page, item)
    assert item == {}
    page.wait_for_selector(".rnb-la-idle")
    assert page.inner_text(".rnb-la-idle h2") == "No tasks right now"
    page.wait_for_function("() => document.querySelector('.rnb-la-state')?.textContent.includes('2 of 2')")
    assert page.inner_text(".rnb-la-state") == "Qualifying · 2 of 2 examples"
    assert api_get(quiet, f"/audience/{audience.id}")["dropped"] == 1  # the owner knows
