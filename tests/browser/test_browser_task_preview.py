"""TaskPreview in Chromium: real clicks, taps, strokes and typing for every task type, asserted on
the Python widget's ``answers`` trait."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rapidata_nb.widgets import TaskPreview


def _mount(bridge: Any, widget: TaskPreview) -> Any:
    bridge.mount(widget, "task_preview")
    return bridge.page


def _image_box(page: Any) -> dict[str, float]:
    page.wait_for_function(
        "() => { const i = document.querySelector('.rnb-stage img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    return page.locator(".rnb-stage").first.bounding_box()


def test_compare_records_the_chosen_side_and_neither(bridge: Any, images: dict[str, Path], shot: Any) -> None:
    widget = TaskPreview(
        "compare",
        "Which image is more colourful?",
        [[images["cat"], images["dog"]], [images["bird"], images["fish"]]],
        a_b_names=["Flux", "Midjourney"],
        settings=[{"key": "compare_unsure", "value": "0"}],
    )
    page = _mount(bridge, widget)
    names = page.locator(".rnb-side").evaluate_all("els => els.map(e => e.dataset.name)")
    assert sorted(names) == ["Flux", "Midjourney"]
    assert names == widget.task["names"]  # the shown order is the one Python decided
    page.wait_for_function("() => [...document.querySelectorAll('.rnb-side img')].every(i => i.complete)")
    shot("task_preview_compare")
    page.locator('.rnb-side[data-name="Midjourney"]').click()
    bridge.settle()
    assert widget.answers == [{"index": 0, "type": "compare", "voted_for": "Midjourney"}]
    assert page.evaluate("() => window.__model.get('answers')") == widget.answers  # the view's model agrees
    assert "rnb-chosen" in page.locator('.rnb-side[data-name="Midjourney"]').get_attribute("class")

    page.locator('.rnb-unsure-option[data-name="Neither"]').click()
    bridge.settle()
    assert widget.answers == [{"index": 0, "type": "compare", "voted_for": "Neither"}]


def test_compare_neither_both_wait_for_the_delay(bridge: Any, images: dict[str, Path]) -> None:
    widget = TaskPreview(
        "compare",
        "Which is better?",
        [[images["cat"], images["dog"]]],
        settings={"compare_unsure": "5000"},
    )
    page = _mount(bridge, widget)
    assert page.locator(".rnb-unsure-option").count() == 2
    assert page.locator(".rnb-unsure-option").first.is_disabled()
    assert page.locator(".rnb-side").first.is_enabled()


def test_compare_without_neither_both_setting_has_no_extra_options(
    bridge: Any, images: dict[str, Path]
) -> None:
    page = _mount(bridge, TaskPreview("compare", "Which?", [[images["cat"], images["dog"]]]))
    assert page.locator(".rnb-unsure-option").count() == 0
    assert (
        page.locator(".rnb-side-label").all_inner_texts()
        == TaskPreview("compare", "Which?", [[images["cat"], images["dog"]]]).task["names"]
    )


def test_classify_keeps_order_with_no_shuffle_and_records_the_option(
    bridge: Any, images: dict[str, Path], shot: Any
) -> None:
    options = ["1: Poor", "2: Fair", "3: Good", "4: Excellent"]
    widget = TaskPreview(
        "classify",
        "Rate the quality of this image",
        [images["cat"], images["dog"]],
        answer_options=options,
        settings=[{"key": "no_shuffle", "value": "true"}],
    )
    page = _mount(bridge, widget)
    assert page.locator(".rnb-option").all_inner_texts() == options
    _image_box(page)
    shot("task_preview_classify")
    page.get_by_role("button", name="3: Good").click()
    bridge.settle()
    assert widget.answers == [{"index": 0, "type": "classify", "selected": "3: Good"}]


def test_classify_shuffles_options_by_default(bridge: Any, images: dict[str, Path]) -> None:
    options = [f"option {i}" for i in range(8)]
    widget = TaskPreview("classify", "Pick", [images["cat"]], answer_options=options)
    page = _mount(bridge, widget)
    shown = page.locator(".rnb-option").all_inner_texts()
    assert sorted(shown) == sorted(options)
    assert shown != options
    assert shown == widget.task["options"]


def test_locate_taps_between_min_and_max_points(bridge: Any, images: dict[str, Path], shot: Any) -> None:
    widget = TaskPreview(
        "locate",
        "Tap the disc",
        [images["cat"]],
        settings=[{"key": "locate_min_points", "value": "2"}, {"key": "locate_max_points", "value": "3"}],
    )
    page = _mount(bridge, widget)
    box = _image_box(page)
    submit = page.locator(".rnb-submit")
    targets = [(0.5, 0.5), (0.25, 0.75), (0.8, 0.2), (0.1, 0.1)]
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    assert submit.is_disabled()  # one point, two needed
    for x, y in targets[1:]:
        page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    assert page.locator(".rnb-point").count() == 3  # the fourth tap exceeds locate_max_points
    assert "At most 3" in page.locator(".rnb-hint").inner_text()
    shot("task_preview_locate")
    submit.click()
    bridge.settle()
    [answer] = widget.answers
    assert answer["type"] == "locate"
    assert [(round(p["x"], 2), round(p["y"], 2)) for p in answer["points"]] == targets[:3]

    page.locator(".rnb-point").nth(1).click()  # tapping a point removes it
    assert page.locator(".rnb-point").count() == 2


def test_draw_strokes_with_undo(bridge: Any, images: dict[str, Path], shot: Any) -> None:
    widget = TaskPreview("draw", "Colour in the disc", [images["dog"]])
    page = _mount(bridge, widget)
    box = _image_box(page)

    def stroke(points: list[tuple[float, float]]) -> None:
        page.mouse.move(box["x"] + box["width"] * points[0][0], box["y"] + box["height"] * points[0][1])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=3)
        page.mouse.up()

    assert page.locator(".rnb-submit").is_disabled()
    stroke([(0.35, 0.4), (0.5, 0.45), (0.65, 0.5)])
    stroke([(0.4, 0.7), (0.6, 0.7)])
    assert "2 line(s)" in page.locator(".rnb-hint").inner_text()
    shot("task_preview_draw")
    page.locator(".rnb-undo").click()
    page.locator(".rnb-submit").click()
    bridge.settle()
    [answer] = widget.answers
    [line] = answer["lines"]
    assert len(line) >= 3
    assert line[0] == pytest.approx({"x": 0.35, "y": 0.4}, abs=0.01)
    assert line[-1] == pytest.approx({"x": 0.65, "y": 0.5}, abs=0.01)


def test_select_words_splits_on_spaces(bridge: Any, images: dict[str, Path], shot: Any) -> None:
    widget = TaskPreview(
        "select_words",
        "Select the words that are not depicted in the image.",
        [images["cat"], images["dog"]],
        sentences=["A cat on a red couch", "A blue car in the rain"],
    )
    page = _mount(bridge, widget)
    assert page.locator(".rnb-word").all_inner_texts() == ["A", "cat", "on", "a", "red", "couch"]
    page.locator('.rnb-word[data-index="4"]').click()
    page.locator('.rnb-word[data-index="5"]').click()
    page.locator('.rnb-word[data-index="1"]').click()
    page.locator('.rnb-word[data-index="1"]').click()  # toggled off again
    _image_box(page)
    shot("task_preview_select_words")
    page.locator(".rnb-submit").click()
    bridge.settle()
    assert widget.answers == [
        {"index": 0, "type": "select_words", "selected_words": ["red", "couch"], "selected_indices": [4, 5]}
    ]


def test_free_text_respects_min_and_max_length(bridge: Any, images: dict[str, Path], shot: Any) -> None:
    widget = TaskPreview(
        "free_text",
        "What would you ask an AI about this image?",
        [images["bird"]],
        settings={"free_text_minimum_characters": 5, "free_text_max_characters": 20},
    )
    page = _mount(bridge, widget)
    box = page.locator(".rnb-textbox")
    box.fill("abc")
    assert page.locator(".rnb-submit").is_disabled()
    assert page.locator(".rnb-counter").inner_text() == "3 / 20 · at least 5"
    box.fill("")
    box.type("Is this a bird or a plane, really?")
    assert box.input_value() == "Is this a bird or a "  # maxlength stops typing at 20 characters
    _image_box(page)
    shot("task_preview_free_text")
    page.locator(".rnb-submit").click()
    bridge.settle()
    assert widget.answers == [{"index": 0, "type": "free_text", "text": "Is this a bird or a "}]


def test_ranking_shows_matchups_and_records_the_winner(
    bridge: Any, images: dict[str, Path], shot: Any
) -> None:
    group = [images["cat"], images["dog"], images["bird"]]
    widget = TaskPreview("ranking", "Which image looks better?", [group])
    assert widget.n_tasks == 3  # every pair of a group of three
    page = _mount(bridge, widget)
    shown = page.locator(".rnb-side").evaluate_all("els => els.map(e => e.dataset.name)")
    assert len(shown) == 2 and set(shown) <= {"cat.png", "dog.png", "bird.png"}
    page.wait_for_function("() => [...document.querySelectorAll('.rnb-side img')].every(i => i.complete)")
    shot("task_preview_ranking")
    page.locator(".rnb-side").nth(1).click()
    bridge.settle()
    assert widget.answers == [{"index": 0, "type": "ranking", "voted_for": shown[1]}]


def test_paging_loads_the_next_datapoint_and_keeps_answers(bridge: Any, images: dict[str, Path]) -> None:
    widget = TaskPreview(
        "select_words",
        "Select wrong words",
        [images["cat"], images["dog"]],
        sentences=["A cat on a red couch", "A blue car in the rain"],
    )
    page = _mount(bridge, widget)
    page.locator('.rnb-word[data-index="2"]').click()
    page.locator(".rnb-submit").click()
    page.locator(".rnb-next").click()
    bridge.settle()
    assert widget.index == 1
    page.wait_for_function("() => document.querySelector('.rnb-page').textContent === '2 / 2'")
    assert page.locator(".rnb-word").all_inner_texts() == ["A", "blue", "car", "in", "the", "rain"]
    assert page.locator(".rnb-next").is_disabled()
    page.locator(".rnb-prev").click()
    bridge.settle()
    page.wait_for_function("() => document.querySelector('.rnb-page').textContent === '1 / 2'")
    # the earlier answer is shown again when coming back
    assert "rnb-chosen" in page.locator('.rnb-word[data-index="2"]').get_attribute("class")
    assert widget.answers == [
        {"index": 0, "type": "select_words", "selected_words": ["on"], "selected_indices": [2]}
    ]


def test_text_datapoints_and_markdown(bridge: Any, shot: Any) -> None:
    widget = TaskPreview(
        "compare",
        "Which response is better formatted?",
        [["**Bold** and _italic_", "Plain text only"]],
        data_type="text",
        settings=[{"key": "use_main_text_markdown", "value": "true"}, {"key": "no_shuffle", "value": "true"}],
        contexts=["Explain recursion"],
    )
    page = _mount(bridge, widget)
    assert page.locator(".rnb-side strong").inner_text() == "Bold"
    assert page.locator(".rnb-context").inner_text() == "Explain recursion"
    shot("task_preview_compare_text")


def test_mobile_width_stacks_the_sides(browser: Any, static_server: Any, images: dict[str, Path]) -> None:
    from tests.utils.widget_harness import Bridge

    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    try:
        bridge = Bridge(page, static_server)
        bridge.mount(TaskPreview("compare", "Which one?", [[images["cat"], images["dog"]]]), "task_preview")
        page.wait_for_function("() => [...document.querySelectorAll('.rnb-side img')].every(i => i.complete)")
        a, b = (page.locator(".rnb-side").nth(i).bounding_box() for i in range(2))
        assert b["y"] >= a["y"] + a["height"] - 1  # stacked, not squeezed side by side
        assert a["width"] <= 375
        artifacts = Path(__file__).parents[1] / "artifacts"
        page.locator("#root").screenshot(path=str(artifacts / "task_preview_mobile.png"))
    finally:
        context.close()


def test_front_end_error_is_shown_in_the_widget(bridge: Any, images: dict[str, Path]) -> None:
    widget = TaskPreview("classify", "Pick", [images["cat"]], answer_options=["a", "b"])
    bridge.mount(widget, "task_preview")
    bridge.page.evaluate(
        "() => { const m = window.__model;"
        " m.state.task = {...m.state.task, type: 'bogus'}; m.emit('change:task'); }"
    )
    error = bridge.page.locator(".rnb-error")
    assert error.inner_text().startswith("TaskPreview: unknown task type")


def test_keyboard_answers(bridge: Any, images: dict[str, Path]) -> None:
    compare = TaskPreview(
        "compare",
        "Which?",
        [[images["cat"], images["dog"]]],
        a_b_names=["A1", "B1"],
        settings={"compare_unsure": "0"},
    )
    page = _mount(bridge, compare)
    page.locator(".rnb-task").focus()
    page.keyboard.press("2")
    bridge.settle()
    assert compare.answers == [{"index": 0, "type": "compare", "voted_for": compare.task["names"][1]}]
    page.keyboard.press("n")
    bridge.settle()
    assert compare.answers[0]["voted_for"] == "Neither"

    classify = TaskPreview(
        "classify",
        "Rate",
        [images["cat"]],
        answer_options=["bad", "ok", "good"],
        settings={"no_shuffle": "true"},
    )
    page = _mount(bridge, classify)
    page.locator(".rnb-task").focus()
    page.keyboard.press("3")
    bridge.settle()
    assert classify.answers == [{"index": 0, "type": "classify", "selected": "good"}]

    text = TaskPreview("free_text", "Say something", [images["cat"]])
    page = _mount(bridge, text)
    page.locator(".rnb-textbox").fill("hello 2")  # typing digits in the box answers nothing
    page.locator(".rnb-textbox").press("Enter")
    page.locator(".rnb-textbox").press("Control+Enter")
    bridge.settle()
    assert text.answers == [{"index": 0, "type": "free_text", "text": "hello 2\n"}]
