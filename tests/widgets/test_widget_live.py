"""The widgets on real jobs: a real server process, the real client, the simulated crowd."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from rapidata_nb import RapidataClient
from rapidata_nb.widgets import JobProgress, ResultsGallery

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(live_server: Any) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


def _png(path: Path, shade: int) -> str:
    image = Image.new("RGB", (64, 48), (235, 235, 235))
    ImageDraw.Draw(image).ellipse((16, 8, 48, 40), fill=(shade, 60, 120))
    image.save(path)
    return str(path)


def test_progress_and_gallery_of_a_compare_job(live: RapidataClient, tmp_path: Path) -> None:
    pairs = [
        [_png(tmp_path / f"a{i}.png", 40 * i), _png(tmp_path / f"b{i}.png", 200 - 30 * i)] for i in range(3)
    ]
    definition = live.job.create_compare_job_definition(
        name="Widget compare",
        instruction="Which disc is redder?",
        datapoints=pairs,
        responses_per_datapoint=5,
    )
    job = live.audience.get_audience_by_id("global").assign_job(definition)

    progress = JobProgress([job], refresh_rate=0.05)
    assert progress.wait(timeout=120), progress.jobs
    [row] = progress.jobs
    assert row["id"] == job.id and row["state"] == "Completed" and row["completion_percentage"] == 100.0
    assert row["total"] == 3 and row["completed"] == 3 and row["response_count"] >= 15

    results = job.get_results()
    gallery = ResultsGallery(results, page_size=2)
    assert gallery.n_total == 3 and len(gallery.cards) == 2
    for card, result in zip(gallery.cards, results["results"], strict=False):
        assert card["type"] == "compare"
        assert sum(s["count"] for s in card["split"]) == sum(result["aggregatedResults"].values())
        assert [m["name"] for m in card["media"]] == list(result["assetUrls"])
    winners = {c["winner"] for c in gallery._cards} - {None}
    if winners:
        gallery.winner_filter = sorted(winners)[0]
        assert all(c["winner"] == sorted(winners)[0] for c in gallery.cards)


def test_gallery_of_locate_results_has_points(live: RapidataClient, tmp_path: Path) -> None:
    definition = live.job.create_locate_job_definition(
        name="Widget locate",
        instruction="Tap the disc",
        datapoints=[_png(tmp_path / "l.png", 90)],
        responses_per_datapoint=4,
    )
    job = live.audience.get_audience_by_id("global").assign_job(definition)
    gallery = ResultsGallery(job.get_results())
    [card] = gallery.cards
    assert card["type"] == "locate"
    assert card["responses"] >= 4
    assert card["points"] and all(0 <= x <= 1 and 0 <= y <= 1 for x, y in card["points"])


def test_gallery_cards_for_every_other_task_type(live: RapidataClient, tmp_path: Path) -> None:
    images = [_png(tmp_path / f"t{i}.png", 60 * i) for i in range(3)]
    audience = live.audience.get_audience_by_id("global")
    make = live.job
    definitions = {
        "classify": make.create_classification_job_definition(
            name="w classify",
            instruction="Colour?",
            answer_options=["Red", "Blue"],
            datapoints=images[:1],
            responses_per_datapoint=3,
        ),
        "draw": make.create_draw_job_definition(
            name="w draw", instruction="Colour the disc", datapoints=images[:1], responses_per_datapoint=3
        ),
        "select_words": make.create_select_words_job_definition(
            name="w words",
            instruction="Wrong words?",
            datapoints=images[:1],
            sentences=["A red disc on grey"],
            responses_per_datapoint=3,
        ),
        "free_text": make.create_free_text_job_definition(
            name="w text", instruction="Describe it", datapoints=images[:1], responses_per_datapoint=3
        ),
        "ranking": make.create_ranking_job_definition(
            name="w rank",
            instruction="Which is redder?",
            datapoints=[images],
            comparison_budget_per_ranking=6,
        ),
    }
    for kind, definition in definitions.items():
        results = audience.assign_job(definition).get_results()
        [card] = ResultsGallery(results).cards
        assert card["type"] == kind, (kind, results.get("info"))
        assert card["responses"] > 0, kind
        if kind == "classify":
            assert {s["label"] for s in card["split"]} <= {"Red", "Blue"}
        if kind == "draw":
            assert card["lines"] and all(len(line) >= 1 for line in card["lines"])
        if kind == "select_words":
            assert [w["word"] for w in card["words"]] == ["A", "red", "disc", "on", "grey"]
        if kind == "free_text":
            assert len(card["texts"]) == card["responses"]
        if kind == "ranking":
            assert len(card["media"]) == 3
