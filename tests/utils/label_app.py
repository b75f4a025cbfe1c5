"""Driving the web labeling app in Chromium: join, answer, screenshots (tests/browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
"""Screenshots (gitignored)."""

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PROFILE = {"country": "DE", "language": "de", "age": "30-39", "gender": "Female", "occupation": "Research"}


def shot(page: Any, name: str) -> Path:
    """Save the page to tests/artifacts/<name>.png (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def join(page: Any, url: str, profile: dict[str, str] = PROFILE) -> None:
    """Fill the profile form and start."""
    page.goto(url)
    page.wait_for_selector(".rnb-la-form")
    for field, value in profile.items():
        page.select_option(f'select[name="{field}"]', value)


def start_and_get_item(page: Any) -> dict[str, Any]:
    """Press "Start labeling" and return the first item the feed serves."""
    with page.expect_response(lambda r: "/tasks" in r.url) as served:
        page.click(".rnb-la-start")
    return served_item(served.value)


def serves_items(response: Any) -> bool:
    """Whether ``response`` brings the next items: a fetch, or a job task's answer with ``?next=``."""
    return "/tasks" in response.url or ("/answers" in response.url and "next=" in response.url)


def served_item(response: Any) -> dict[str, Any]:
    """The first item a fetch (``items``) or an answer with ``?next=`` (``next.items``) served, or ``{}``."""
    body = response.json()
    items = body["next"]["items"] if "/answers" in response.url else body["items"]
    return items[0] if items else {}


def wait_task(page: Any, item: dict[str, Any]) -> None:
    """Wait until the item's card and its images are on screen."""
    page.wait_for_selector(f'[data-task-id="{item["taskId"]}"] .rnb-task')
    page.wait_for_function(
        "() => [...document.querySelectorAll('.rnb-la-card img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )


def answer_and_next(page: Any, action: Any) -> dict[str, Any]:
    """Perform ``action`` (which answers the current task) and return the next served item: a job task's
    answer brings it in its reply (``?next=1``), after an example the app fetches it."""
    with page.expect_response(serves_items) as served:
        action()
    return served_item(served.value)


def key_of_index(item: dict[str, Any], datapoint_index: int) -> str:
    """The key (1 or 2) of the side that shows datapoint ``datapoint_index``."""
    shown = [a["index"] for a in item["assets"]]
    return str(shown.index(datapoint_index) + 1)


def api_get(server: Any, path: str) -> dict[str, Any]:
    """GET an API path as the customer (the labeling app itself never can)."""
    with server.client() as http:
        response: httpx.Response = http.get(path)
        response.raise_for_status()
        return dict(response.json())


def drag(page: Any, box: dict[str, float], points: list[tuple[float, float]]) -> None:
    """One stroke through ``points`` (fractions of ``box``)."""
    page.mouse.move(box["x"] + box["width"] * points[0][0], box["y"] + box["height"] * points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=4)
    page.mouse.up()
