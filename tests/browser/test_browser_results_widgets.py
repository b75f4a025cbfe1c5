"""JobProgress, WinLossMatrix, Leaderboard and ResultsGallery in Chromium, asserted on DOM and traits."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from rapidata_nb.widgets import JobProgress, Leaderboard, ResultsGallery, WinLossMatrix


class ScriptedJob:
    """A job whose get_progress() walks through a fixed list of progress snapshots."""

    def __init__(self, job_id: str, name: str, snapshots: list[dict[str, Any]]) -> None:
        self.id, self.name = job_id, name
        self._snapshots = [SimpleNamespace(**s) for s in snapshots]

    def get_progress(self) -> Any:
        return self._snapshots.pop(0) if len(self._snapshots) > 1 else self._snapshots[0]


def overlay_painted(page: Any) -> None:
    """Wait two animation frames: the overlay paints from a ResizeObserver, which runs after layout in the
    frame following the image's load, so after two frames it has painted (no timing guess)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_job_progress_shows_several_jobs_and_updates(bridge: Any, shot: Any) -> None:
    jobs = [
        ScriptedJob(
            "job_a",
            "Image quality",
            [
                {
                    "state": "Running",
                    "completion_percentage": 40,
                    "total": 50,
                    "completed": 20,
                    "response_count": 120,
                    "response_target": 250,
                },
                {
                    "state": "Completed",
                    "completion_percentage": 100,
                    "total": 50,
                    "completed": 50,
                    "response_count": 250,
                    "response_target": 250,
                },
            ],
        ),
        ScriptedJob(
            "job_b",
            "Prompt alignment",
            [
                {
                    "state": "Running",
                    "completion_percentage": 5,
                    "total": 200,
                    "completed": 10,
                    "response_count": 31,
                },
            ],
        ),
    ]
    widget = JobProgress(jobs, start=False)
    widget.poll()
    page = bridge.page
    bridge.mount(widget, "job_progress")
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert page.locator('[data-job-id="job_a"] .rnb-responses').inner_text() == "120 / 250"
    assert page.locator('[data-job-id="job_a"] .rnb-datapoints').inner_text() == "20 / 50"
    assert page.locator('[data-job-id="job_b"] .rnb-responses').inner_text() == "31"
    shot("job_progress_running")

    widget.poll()
    bridge.push()
    assert page.locator('[data-job-id="job_a"] .rnb-state').inner_text() == "Completed"
    assert page.locator('[data-job-id="job_a"] .rnb-pct').inner_text() == "100%"
    assert page.locator('[data-job-id="job_a"] .rnb-eta').inner_text() == "done"
    assert page.locator('[data-job-id="job_b"] .rnb-state').inner_text() == "Running"
    assert not widget.done


def _matrix(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    strength = np.linspace(2.0, -2.0, n)
    games = rng.integers(0, 12, size=(n, n))
    games = np.triu(games, 1) + np.triu(games, 1).T
    p = 1 / (1 + np.exp(-(strength[:, None] - strength[None, :])))
    wins = rng.binomial(np.triu(games, 1), np.triu(p, 1))
    counts = wins + (np.triu(games, 1) - wins).T
    names = [f"model_{i:02d}" for i in range(n)]
    return pd.DataFrame(counts, index=names, columns=names)


def test_winloss_matrix_hover_and_click(bridge: Any, shot: Any) -> None:
    wins = {
        ("flux", "sdxl"): 7,
        ("sdxl", "flux"): 3,
        ("flux", "dalle"): 9,
        ("dalle", "flux"): 1,
        ("sdxl", "dalle"): 6,
        ("dalle", "sdxl"): 4,
    }
    outcomes = [(a, b, "model_a") for (a, b), n in wins.items() for _ in range(n)] + [("flux", "sdxl", "tie")]
    battles = pd.DataFrame(
        outcomes,
        columns=["model_a", "model_b", "winner"],
        index=[f"prompt {i}" for i in range(len(outcomes))],
    )
    widget = WinLossMatrix.from_battles(battles)
    page = bridge.page
    bridge.mount(widget, "winloss_matrix")
    assert widget.names == ["flux", "sdxl", "dalle"]
    canvas = page.locator("canvas.rnb-matrix-canvas")
    box = canvas.bounding_box()
    left, top, cell = (float(canvas.get_attribute(f"data-{k}")) for k in ("left", "top", "cell"))
    # row 0 (flux), column 1 (sdxl)
    x = box["x"] + left + 1.5 * cell
    y = box["y"] + top + 0.5 * cell
    page.mouse.move(x, y)
    assert page.locator(".rnb-tooltip").inner_text() == "flux beat sdxl 7×, lost 3× (70%)"
    shot("winloss_matrix_small")
    page.mouse.click(x, y)
    bridge.settle()
    assert widget.selected == {"a": "flux", "b": "sdxl", "a_wins": 7, "b_wins": 3}
    assert len(widget.matchups) == 11  # 7 + 3 decided battles and one tie
    page.wait_for_function("() => document.querySelectorAll('.rnb-matchups li').length === 11")
    assert page.locator(".rnb-selection").inner_text().startswith("flux vs sdxl · 7–3 (flux won 70%)")
    tie = page.locator('.rnb-matchups li[data-id="prompt 30"]')
    assert tie.inner_text() == "prompt 30: flux vs sdxl · tie"
    shot("winloss_matrix_selected")


def test_winloss_matrix_100_by_100_renders_on_one_canvas(bridge: Any, shot: Any) -> None:
    widget = WinLossMatrix(_matrix(100))
    ms = bridge.mount(widget, "winloss_matrix")
    page = bridge.page
    assert page.locator("canvas").count() == 1
    assert page.locator("#root *").count() < 30  # not 10,000 DOM nodes
    assert ms < 1000
    shot("winloss_matrix_100")


def test_leaderboard_sorted_with_intervals_and_selection(bridge: Any, shot: Any) -> None:
    frame = pd.DataFrame(
        {
            "score": [1180.0, 1260.0, 1090.0, 1215.0],
            "lower": [1150.0, 1230.0, 1040.0, 1170.0],
            "upper": [1210.0, 1300.0, 1130.0, 1250.0],
            "wins": [40, 61, 22, 52],
            "battles": [90, 92, 88, 90],
        },
        index=pd.Index(["sdxl", "flux", "dalle", "mj"], name="model"),
    )
    widget = Leaderboard(frame)
    page = bridge.page
    bridge.mount(widget, "leaderboard")
    assert page.locator(".rnb-lb-name").all_inner_texts() == ["flux", "mj", "sdxl", "dalle"]
    assert page.locator(".rnb-interval-range").count() == 4
    shot("leaderboard")
    page.locator('tr[data-model="sdxl"]').click()
    bridge.settle()
    assert widget.selected == "sdxl"


def _compare_doc(images: dict[str, Path]) -> dict[str, Any]:
    def row(context: str, a: str, b: str, va: int, vb: int) -> dict[str, Any]:
        return {
            "context": context,
            "winner": f"{a}.png" if va > vb else f"{b}.png" if vb > va else None,
            "assetUrls": {
                f"{a}.png": f"https://assets.example/{a}.png",
                f"{b}.png": f"https://assets.example/{b}.png",
            },
            "aggregatedResults": {f"{a}.png": va, f"{b}.png": vb},
            "detailedResults": [{"votedFor": f"{a}.png"}] * va + [{"votedFor": f"{b}.png"}] * vb,
        }

    return {
        "info": {"type": "Compare"},
        "results": [
            row("an orange disc", "cat", "dog", 7, 3),
            row("a blue disc", "dog", "bird", 8, 2),
            row("a green disc", "bird", "fish", 4, 6),
        ],
    }


def test_results_gallery_filters_and_pages_in_python(bridge: Any, images: dict[str, Path], shot: Any) -> None:
    assets = {f"{k}.png": v for k, v in images.items()}
    widget = ResultsGallery(_compare_doc(images), assets=assets, page_size=2)
    page = bridge.page
    bridge.mount(widget, "results_gallery")
    assert page.locator(".rnb-result").count() == 2
    assert page.locator(".rnb-page").inner_text() == "1 / 2 · 3 of 3"
    page.wait_for_function("() => [...document.querySelectorAll('.rnb-result img')].every(i => i.complete)")
    shot("results_gallery_compare")
    split = page.locator('.rnb-result[data-index="0"] .rnb-split span')
    assert split.evaluate_all("els => els.map(e => e.style.width)") == ["70%", "30%"]

    page.locator(".rnb-next").click()
    bridge.settle()
    assert widget.page == 1
    page.wait_for_function("() => document.querySelectorAll('.rnb-result').length === 1")

    page.locator(".rnb-query").fill("blue")
    page.wait_for_function("() => document.querySelector('.rnb-page').textContent.endsWith('1 of 3')")
    bridge.settle()
    assert widget.query == "blue" and widget.page == 0 and widget.matches == [1]
    assert page.locator(".rnb-result-title").all_inner_texts() == ["a blue disc"]

    page.locator(".rnb-query").fill("")
    page.wait_for_function("() => document.querySelector('.rnb-page').textContent.endsWith('3 of 3')")
    page.locator(".rnb-winner-filter").select_option("fish.png")
    page.wait_for_function("() => document.querySelector('.rnb-page').textContent.endsWith('1 of 3')")
    bridge.settle()
    assert widget.winner_filter == "fish.png" and widget.matches == [2]


def test_results_gallery_locate_heatmap_and_draw_coverage(
    bridge: Any, images: dict[str, Path], shot: Any
) -> None:
    locate = {
        "info": {"type": "Locate"},
        "results": [
            {
                "originalFileName": "cat.png",
                "assetUrl": "https://assets.example/cat.png",
                "detailedResults": [
                    {"points": [{"x": 0.5 + d, "y": 0.5 - d}]} for d in (0, 0.02, -0.03, 0.01)
                ]
                + [{"points": [{"x": 0.1, "y": 0.9}]}],
            }
        ],
    }
    widget = ResultsGallery(locate, assets={"cat.png": images["cat"]})
    page = bridge.page
    bridge.mount(widget, "results_gallery")
    page.wait_for_function("() => document.querySelector('.rnb-result img').complete")
    overlay_painted(page)
    # the heatmap is hottest at the cluster in the middle of the image
    alpha = page.evaluate(
        """() => {
          const c = document.querySelector('canvas.rnb-heatmap');
          const g = c.getContext('2d');
          const at = (x, y) =>
            g.getImageData(Math.floor(x * c.width), Math.floor(y * c.height), 1, 1).data[3];
          return [at(0.5, 0.5), at(0.1, 0.9), at(0.9, 0.1)];
        }"""
    )
    assert alpha[0] > alpha[1] > alpha[2] == 0
    shot("results_gallery_locate")

    draw = {
        "info": {"type": "Draw"},
        "results": [
            {
                "originalFileName": "dog.png",
                "detailedResults": [{"lines": [[{"x": 0.3, "y": 0.5}, {"x": 0.7, "y": 0.5}]]}] * 3,
            }
        ],
    }
    bridge.mount(ResultsGallery(draw, assets={"dog.png": images["dog"]}), "results_gallery")
    page.wait_for_function("() => document.querySelector('.rnb-result img').complete")
    overlay_painted(page)
    covered = page.evaluate(
        """() => {
          const c = document.querySelector('canvas.rnb-heatmap');
          const g = c.getContext('2d');
          return [g.getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data[3],
                  g.getImageData(2, 2, 1, 1).data[3]];
        }"""
    )
    assert covered[0] > 0 and covered[1] == 0
    shot("results_gallery_draw")


def test_results_gallery_classification_words_and_texts(
    bridge: Any, images: dict[str, Path], shot: Any
) -> None:
    classification = {
        "info": {"type": "Classification"},
        "results": [
            {
                "originalFileName": "cat.png",
                "aggregatedResults": {"Cat": 4, "Dog": 0},
                "confidencePerCategory": {"Cat": 0.9943, "Dog": 0.0057},
                "detailedResults": [{"selectedCategory": "Cat"}] * 4,
            }
        ],
    }
    widget = ResultsGallery(classification, assets={"cat.png": images["cat"]})
    page = bridge.page
    bridge.mount(widget, "results_gallery")
    assert page.locator(".rnb-facts").inner_text() == "winner: Cat · 4 responses · confidence 99.4%"

    words = {
        "info": {"type": "SelectWords"},
        "results": [
            {
                "originalFileName": "dog.png",
                "sentence": "A cat on a red couch",
                "detailedResults": [{"selectedWords": ["red"]}, {"selectedWords": ["red", "couch"]}],
            }
        ],
    }
    bridge.mount(ResultsGallery(words, assets={"dog.png": images["dog"]}), "results_gallery")
    titles = page.locator(".rnb-word-result").evaluate_all("els => els.map(e => [e.textContent, e.title])")
    assert titles[4] == ["red", "2 selection(s)"] and titles[5] == ["couch", "1 selection(s)"]
    shot("results_gallery_select_words")

    texts = {
        "info": {"type": "FreeText"},
        "results": [
            {"originalFileName": "bird.png", "detailedResults": [{"answer": "a bird"}, {"answer": "green"}]}
        ],
    }
    bridge.mount(ResultsGallery(texts, assets={"bird.png": images["bird"]}), "results_gallery")
    assert page.locator(".rnb-texts li").all_inner_texts() == ["a bird", "green"]


def test_front_end_errors_are_shown_in_the_widget(bridge: Any) -> None:
    widget = WinLossMatrix(pd.DataFrame([[0, 1], [2, 0]], index=["a", "b"], columns=["a", "b"]))
    bridge.mount(widget, "winloss_matrix")
    bridge.page.evaluate(
        "() => { const m = window.__model; m.state.counts = new DataView(new ArrayBuffer(12));"
        " m.emit('change:counts'); }"
    )
    error = bridge.page.locator(".rnb-error").inner_text()
    assert error == "WinLossMatrix: counts has 3 cells, expected 2 × 2"


def test_empty_widgets_render_without_errors(bridge: Any) -> None:
    page = bridge.page
    bridge.mount(WinLossMatrix(pd.DataFrame()), "winloss_matrix")
    assert page.locator(".rnb-error").count() == 0 and page.locator("canvas").count() == 1
    bridge.mount(ResultsGallery({"info": {"type": "Compare"}, "results": []}), "results_gallery")
    assert page.locator(".rnb-empty").inner_text() == "No datapoints match."
    bridge.mount(
        Leaderboard(pd.DataFrame(columns=["score"], index=pd.Index([], name="model"))), "leaderboard"
    )
    assert page.locator(".rnb-error").count() == 0
    bridge.mount(JobProgress([], start=False), "job_progress")
    assert page.locator(".rnb-empty").inner_text() == "No jobs"


def test_results_widgets_fit_a_phone(browser: Any, static_server: Any, images: dict[str, Path]) -> None:
    from tests.utils.widget_harness import Bridge

    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    artifacts = Path(__file__).parents[1] / "artifacts"
    try:
        bridge = Bridge(page, static_server)
        assets = {f"{k}.png": v for k, v in images.items()}
        widgets = {
            "results_gallery": ResultsGallery(_compare_doc(images), assets=assets, page_size=2),
            "job_progress": JobProgress(
                [
                    ScriptedJob(
                        "j",
                        "A long job name for a phone",
                        [
                            {
                                "state": "Running",
                                "completion_percentage": 30,
                                "total": 10,
                                "completed": 3,
                                "response_count": 9,
                            }
                        ],
                    )
                ],
                start=False,
            ),
            "leaderboard": Leaderboard(
                pd.DataFrame(
                    {"score": [1250.0, 1180.0], "lower": [1200.0, 1130.0], "upper": [1300.0, 1230.0]},
                    index=pd.Index(["flux", "mj"], name="model"),
                )
            ),
        }
        widgets["job_progress"].poll()
        for name, widget in widgets.items():
            bridge.mount(widget, name)
            page.wait_for_function("() => [...document.querySelectorAll('#root img')].every(i => i.complete)")
            # nothing pushes the page wider than the phone (tables scroll inside their own box)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 375, name
            page.locator("#root").screenshot(path=str(artifacts / f"{name}_mobile.png"))
    finally:
        context.close()
