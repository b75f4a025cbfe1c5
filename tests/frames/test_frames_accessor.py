"""The accessor's validation and preview (no backend needed: everything here fails or plans before
sending)."""

from __future__ import annotations

import pandas as pd
import pytest

import rapidata_nb.frames as frames
from rapidata_nb.frames.planning import detect_data_type


@pytest.fixture
def pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left": ["a red cat", "a blue dog"],
            "right": ["a green owl", "a yellow fish"],
            "prompt": ["p1", "p2"],
        },
        index=pd.Index(["r1", "r2"], name="row"),
    )


def test_accessor_is_registered_and_stateless(pairs: pd.DataFrame) -> None:
    before = pairs.copy()
    assert isinstance(pairs.rapidata, frames.RapidataAccessor)
    pairs.rapidata.preview("compare", "left", "right", instruction="Which?")
    pd.testing.assert_frame_equal(pairs, before)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda df: df.rapidata.compare("left", "missing", instruction="?"),
            r"b='missing' is not a column of the frame; columns are \['left', 'right', 'prompt'\]",
        ),
        (
            lambda df: df.rapidata.compare("left", "left", instruction="?"),
            r"rows \['r1', 'r2'\] compare an item",
        ),
        (lambda df: df.rapidata.compare("left", "right", instruction="?", a_b_names=["x"]), "exactly two"),
        (lambda df: df.rapidata.classify("left", options=["only"], instruction="?"), "at least two"),
        (lambda df: df.rapidata.classify("left", options="ab", instruction="?"), "at least two"),
        (lambda df: df.rapidata.rank("left", by="prompt", instruction="?"), "single item"),
        (
            lambda df: df.rapidata.compare("left", "right", instruction="?", context="nope"),
            "context='nope' is not a column",
        ),
    ],
)
def test_bad_arguments_name_what_to_fix(pairs: pd.DataFrame, call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(pairs)


def test_missing_values_name_the_rows(pairs: pd.DataFrame) -> None:
    broken = pairs.assign(right=["x", None])
    with pytest.raises(ValueError, match=r"column 'right' \(b\) has missing values in rows \['r2'\]"):
        broken.rapidata.compare("left", "right", instruction="?")


def test_duplicate_index_is_rejected_up_front(pairs: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"duplicate labels \['r1'\]"):
        pairs.set_axis(["r1", "r1"]).rapidata.compare("left", "right", instruction="?")


def test_empty_frame_and_wrong_type() -> None:
    with pytest.raises(ValueError, match="no rows"):
        pd.DataFrame({"a": [], "b": []}).rapidata.compare("a", "b", instruction="?")
    with pytest.raises(TypeError, match="DataFrame"):
        frames.compare([1, 2], "a", "b", instruction="?")  # type: ignore[arg-type]


def test_arena_rejects_repeated_model_per_prompt() -> None:
    long = pd.DataFrame({"model": ["m1", "m1"], "out": ["x", "y"], "prompt": ["p", "p"]})
    with pytest.raises(ValueError, match=r"rows \[0, 1\] repeat a \(prompt, model\)"):
        long.rapidata.arena(model="model", media="out", prompt="prompt", instruction="?")
    single = pd.DataFrame({"model": ["m1", "m2"], "out": ["x", "y"], "prompt": ["p", "q"]})
    with pytest.raises(ValueError, match="no prompt has outputs from two models"):
        single.rapidata.arena(model="model", media="out", prompt="prompt", instruction="?")


def test_data_type_detection(tmp_path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(b"\x89PNG")
    assert detect_data_type(["https://x/a.png", str(image)]) == "media"
    assert detect_data_type(["a cat", "a dog"]) == "text"
    with pytest.raises(ValueError, match="data_type='media'"):
        detect_data_type(["https://x/a.png", "a dog"])


def test_preview_compare_and_classify(pairs: pd.DataFrame) -> None:
    widget = pairs.rapidata.preview("compare", "left", "right", instruction="Which?", context="prompt")
    assert (widget.task_type, widget.n_tasks) == ("compare", 2)
    assert widget.task["context"] == "p1"
    assert sorted(m["text"] for m in widget.task["media"]) == ["a green owl", "a red cat"]
    widget = pairs.rapidata.preview("classify", "left", options=["ok", "bad"], instruction="Fine?", n=1)
    assert widget.n_tasks == 1
    with pytest.raises(ValueError, match="kind must be one of"):
        pairs.rapidata.preview("vote", "left")
    with pytest.raises(ValueError, match="is not a column"):
        pairs.rapidata.preview("classify", "nope", options=["ok", "bad"], instruction="Fine?")


def test_typed_twins_match_accessor_docs() -> None:
    for name in (
        "compare",
        "classify",
        "locate",
        "draw",
        "select_words",
        "free_text",
        "rank",
        "arena",
        "preview",
        "plan",
    ):
        assert getattr(frames.RapidataAccessor, name).__doc__ == getattr(frames, name).__doc__
