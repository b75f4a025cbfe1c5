"""Fixtures for the browser tests: Debian's chromium driven by Playwright, never a downloaded browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.utils.widget_harness import Bridge, StaticServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def static_server() -> Iterator[StaticServer]:
    server = StaticServer()
    yield server
    server.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 820, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def bridge(page: Any, static_server: StaticServer) -> Bridge:
    return Bridge(page, static_server)


@pytest.fixture
def shot(page: Any) -> Any:
    """``shot("name")`` saves a screenshot of the widget to tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.locator("#root").screenshot(path=str(path))
        return path

    return take


def _image(path: Path, label: str, colour: tuple[int, int, int], size: tuple[int, int] = (320, 240)) -> Path:
    """A small real PNG: a coloured disc with a label, so screenshots show which image is where."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (236, 240, 245))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.2, w * 0.7, h * 0.8), fill=colour)
    draw.text((10, 10), label, fill=(20, 20, 20))
    image.save(path)
    return path


@pytest.fixture
def images(tmp_path: Path) -> dict[str, Path]:
    """Four labelled PNG files in a temporary directory."""
    palette = {"cat": (230, 120, 40), "dog": (60, 110, 200), "bird": (40, 160, 90), "fish": (200, 60, 120)}
    return {name: _image(tmp_path / f"{name}.png", name, colour) for name, colour in palette.items()}
