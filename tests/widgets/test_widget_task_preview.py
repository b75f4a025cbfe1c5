"""TaskPreview on the Python side: validation, settings, shuffling, paging, media serialisation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import traitlets
from PIL import Image

from rapidata_nb.client.settings import (
    AllowNeitherBothSetting,
    FreeTextMaxCharactersSetting,
    FreeTextMinimumCharactersSetting,
    LocateMaxPointsSetting,
    LocateMinPointsSetting,
    NoShuffleSetting,
)
from rapidata_nb.widgets import TaskPreview
from rapidata_nb.widgets._media import MAX_IMAGE_BYTES, THUMBNAIL_SIZE, to_media
from rapidata_nb.widgets._tasks import normalize_task_type, settings_to_flags


@pytest.fixture
def png(tmp_path: Path) -> Path:
    path = tmp_path / "red.png"
    Image.new("RGB", (8, 6), (255, 0, 0)).save(path)
    return path


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Classification", "classify"),
        ("classify", "classify"),
        ("Compare", "compare"),
        ("Select Words", "select_words"),
        ("select-words", "select_words"),
        ("Free Text", "free_text"),
        ("Ranking", "ranking"),
        ("rank", "ranking"),
        ("Draw", "draw"),
        ("locate", "locate"),
    ],
)
def test_task_type_spellings(given: str, expected: str) -> None:
    assert normalize_task_type(given) == expected


def test_unknown_task_type() -> None:
    with pytest.raises(ValueError, match="unknown task_type 'segment'; expected one of compare, classify"):
        TaskPreview("segment", "x", ["a"], data_type="text")


def test_settings_from_setting_objects_dicts_and_mappings() -> None:
    objects = [
        NoShuffleSetting(),
        AllowNeitherBothSetting(),
        LocateMaxPointsSetting(4),
        LocateMinPointsSetting(2),
    ]
    assert settings_to_flags(objects) == {
        "no_shuffle": "true",
        "compare_unsure": "5000",
        "locate_max_points": "4",
        "locate_min_points": "2",
    }
    assert settings_to_flags([{"key": "no_shuffle", "value": True}]) == {"no_shuffle": "true"}
    assert settings_to_flags({"free_text_max_characters": 20}) == {"free_text_max_characters": "20"}
    assert settings_to_flags(None) == {}
    with pytest.raises(TypeError, match="settings must be setting objects"):
        settings_to_flags(["no_shuffle"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task_type": "compare", "datapoints": ["a"]}, r"compare datapoint 0 must be a pair \[a, b\]"),
        ({"task_type": "compare", "datapoints": [["a", "b"]], "a_b_names": ["A"]}, "a_b_names must be two"),
        ({"task_type": "classify", "datapoints": ["a"]}, "needs answer_options with at least two"),
        ({"task_type": "select_words", "datapoints": ["a"]}, "needs sentences, one per datapoint"),
        (
            {"task_type": "select_words", "datapoints": ["a", "b"], "sentences": ["x"]},
            "sentences has 1 entries but datapoints has 2",
        ),
        ({"task_type": "free_text", "datapoints": ["a"], "contexts": ["x", "y"]}, "contexts has 2 entries"),
        ({"task_type": "ranking", "datapoints": [["a"]]}, "ranking datapoint 0 must be a list of at least"),
        ({"task_type": "free_text", "datapoints": []}, "datapoints is empty"),
        (
            {
                "task_type": "locate",
                "datapoints": ["a"],
                "settings": [LocateMinPointsSetting(3), LocateMaxPointsSetting(2)],
            },
            r"locate_min_points \(3\) is larger than locate_max_points \(2\)",
        ),
        (
            {
                "task_type": "free_text",
                "datapoints": ["a"],
                "settings": [FreeTextMinimumCharactersSetting(30), FreeTextMaxCharactersSetting(10)],
            },
            "free_text_minimum_characters",
        ),
        ({"task_type": "free_text", "datapoints": ["a"], "data_type": "image"}, "data_type must be 'media'"),
    ],
)
def test_invalid_parameters_raise_value_errors(kwargs: dict, message: str) -> None:
    kwargs.setdefault("data_type", "text")
    with pytest.raises(ValueError, match=message):
        TaskPreview(instruction="x", **kwargs)


def test_missing_file_names_the_datapoint(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"datapoint 0 '.*nope.png' is neither a URL nor an existing file"):
        TaskPreview("classify", "x", [str(tmp_path / "nope.png")], answer_options=["a", "b"])


def test_classify_options_shuffle_is_seeded_and_no_shuffle_keeps_order() -> None:
    options = [f"o{i}" for i in range(6)]
    a = TaskPreview("classify", "x", ["t1", "t2"], answer_options=options, data_type="text")
    b = TaskPreview("classify", "x", ["t1", "t2"], answer_options=options, data_type="text")
    assert a.task["options"] == b.task["options"]
    assert sorted(a.task["options"]) == options and a.task["options"] != options
    other_seed = TaskPreview("classify", "x", ["t1", "t2"], answer_options=options, data_type="text", seed=1)
    assert other_seed.task["options"] != a.task["options"]
    fixed = TaskPreview(
        "classify", "x", ["t1"], answer_options=options, data_type="text", settings=[NoShuffleSetting()]
    )
    assert fixed.task["options"] == options


def test_compare_sides_use_a_b_names_and_no_shuffle() -> None:
    def names(seed: int) -> list[str]:
        widget = TaskPreview(
            "compare", "x", [["l", "r"]], a_b_names=["Flux", "MJ"], data_type="text", seed=seed
        )
        return list(widget.task["names"])

    shuffled_somewhere = any(names(s) == ["MJ", "Flux"] for s in range(10))
    assert shuffled_somewhere
    for s in range(10):
        fixed = TaskPreview(
            "compare",
            "x",
            [["l", "r"]],
            a_b_names=["Flux", "MJ"],
            data_type="text",
            seed=s,
            settings=[NoShuffleSetting()],
        )
        assert fixed.task["names"] == ["Flux", "MJ"]
        assert [m["text"] for m in fixed.task["media"]] == ["l", "r"]


def test_compare_names_fall_back_to_a_and_b_when_file_names_clash() -> None:
    widget = TaskPreview(
        "compare", "x", [["https://h/1/img.png", "https://h/2/img.png"]], settings=[NoShuffleSetting()]
    )
    assert widget.task["names"] == ["A", "B"]
    assert widget.task["media"][0] == {"kind": "image", "name": "img.png", "src": "https://h/1/img.png"}


def test_ranking_pages_through_every_matchup() -> None:
    widget = TaskPreview("ranking", "Which is better?", [["a", "b", "c", "d"], ["x", "y"]], data_type="text")
    assert widget.n_tasks == 6 + 1
    seen = set()
    for i in range(widget.n_tasks):
        widget.index = i
        seen.add((widget.task["group"], frozenset(m["text"] for m in widget.task["media"])))
    assert len(seen) == 7


def test_large_ranking_groups_are_sampled() -> None:
    widget = TaskPreview("ranking", "x", [[f"item {i}" for i in range(30)]], data_type="text")
    assert widget.n_tasks == 45


def test_select_words_and_contexts_travel_with_the_task(png: Path) -> None:
    widget = TaskPreview(
        "select_words",
        "Pick wrong words",
        [png, png],
        sentences=["A cat", "A dog"],
        contexts=["first", None],
        media_contexts=[[png], None],
    )
    assert widget.task["sentence"] == "A cat"
    assert widget.task["context"] == "first"
    assert widget.task["media_context"][0]["mime"] == "image/png"
    widget.index = 1
    assert widget.task["sentence"] == "A dog"
    assert "context" not in widget.task and "media_context" not in widget.task


def test_only_the_current_datapoint_is_synced_as_bytes(png: Path) -> None:
    widget = TaskPreview("locate", "Tap", [png, png, png])
    state = widget.get_state()
    [media] = state["task"]["media"]
    assert media["data"] == png.read_bytes()
    assert media["kind"] == "image" and media["name"] == "red.png"
    assert "datapoints" not in state


def test_index_is_validated() -> None:
    widget = TaskPreview("free_text", "x", ["a", "b"], data_type="text")
    with pytest.raises(traitlets.TraitError, match=r"index must be between 0 and 1, got 2"):
        widget.index = 2
    widget.index = 1
    assert widget.task["index"] == 1 and widget.task["media"][0]["text"] == "b"


def test_answers_round_trip_through_set_state() -> None:
    widget = TaskPreview("classify", "x", ["a"], answer_options=["Cat", "Dog"], data_type="text")
    widget.set_state({"answers": [{"index": 0, "type": "classify", "selected": "Dog"}]})
    assert widget.answers == [{"index": 0, "type": "classify", "selected": "Dog"}]


def test_large_images_are_shrunk_before_sending() -> None:
    image = Image.new("RGB", (1600, 1000), (10, 120, 200))
    raw = io.BytesIO()
    image.save(raw, format="PNG", compress_level=0)  # ~4.8 MB, over MAX_IMAGE_BYTES
    assert len(raw.getvalue()) > MAX_IMAGE_BYTES
    media = to_media(raw.getvalue())
    assert media["mime"] == "image/jpeg"
    with Image.open(io.BytesIO(media["data"])) as small:
        assert max(small.size) == THUMBNAIL_SIZE


def test_media_kinds() -> None:
    assert to_media("https://x/a.mp4")["kind"] == "video"
    assert to_media("https://x/a.mp3")["kind"] == "audio"
    assert to_media("data:image/png;base64,AAAA")["kind"] == "image"
    assert to_media("hello", data_type="text") == {"kind": "text", "name": "hello", "text": "hello"}
    with pytest.raises(TypeError, match="must be a URL, a file path, bytes or text, not int"):
        to_media(3)
