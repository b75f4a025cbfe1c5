"""WinLossMatrix, Leaderboard and ResultsGallery on the Python side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import traitlets
from PIL import Image

from rapidata_nb.widgets import Leaderboard, ResultsGallery, WinLossMatrix
from rapidata_nb.widgets._results import result_cards


def frame(values: list[list[int]], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(values, index=names, columns=names)


# -- WinLossMatrix ----------------------------------------------------------------------------------


def test_matrix_sorted_by_win_rate_with_counts_as_int32_bytes() -> None:
    widget = WinLossMatrix(frame([[0, 1, 0], [5, 0, 4], [2, 3, 0]], ["a", "b", "c"]))
    assert widget.names == ["b", "c", "a"]
    counts = np.frombuffer(widget.counts, dtype="<i4").reshape(3, 3)
    assert counts.tolist() == [[0, 4, 5], [3, 0, 2], [1, 0, 0]]
    assert widget.matrix.loc["b", "a"] == 5
    assert widget.scores == pytest.approx([9 / 13, 5 / 9, 1 / 8])


def test_matrix_accepts_columns_in_another_order_and_explicit_scores() -> None:
    matrix = pd.DataFrame([[0, 2], [1, 0]], index=["x", "y"], columns=["x", "y"])[["y", "x"]]
    widget = WinLossMatrix(matrix, scores={"x": 1000.0, "y": 1100.0})
    assert widget.names == ["y", "x"]
    assert widget.matrix.loc["x", "y"] == 2
    board = pd.DataFrame({"score": [5.0, 9.0]}, index=["y", "x"])
    assert WinLossMatrix(matrix, scores=board).names == ["x", "y"]
    assert WinLossMatrix(matrix, scores=[1.0, 2.0]).names == ["y", "x"]


@pytest.mark.parametrize(
    ("matrix", "scores", "error", "message"),
    [
        ([[0, 1]], None, ValueError, "matrix must be square"),
        (frame([[0, -1], [1, 0]], ["a", "b"]), None, ValueError, "non-negative integers"),
        (frame([[0, 1.5], [1, 0]], ["a", "b"]), None, ValueError, "non-negative integers"),
        (frame([[0, 1], [1, 0]], ["a", "b"]), {"a": 1.0}, ValueError, r"scores has no value for \['b'\]"),
        (frame([[0, 1], [1, 0]], ["a", "b"]), [1.0], ValueError, "scores has 1 values but the matrix has 2"),
        ([[0, 1], [1, 0]], None, TypeError, "matrix must be a pandas DataFrame"),
    ],
)
def test_matrix_validation(matrix: object, scores: object, error: type, message: str) -> None:
    if isinstance(matrix, list) and len(matrix) == 1:
        matrix = pd.DataFrame(matrix, index=["a"], columns=["a", "b"])
    with pytest.raises(error, match=message):
        WinLossMatrix(matrix, scores=scores)


def test_matrix_static_html_table_and_summary() -> None:
    small = WinLossMatrix(frame([[0, 2], [1, 0]], ["a", "b"]))._static_html()
    assert "<td>2</td>" in small and "Wins of row over column" in small
    names = [f"m{i}" for i in range(20)]
    big = WinLossMatrix(pd.DataFrame(np.ones((20, 20), dtype=int), index=names, columns=names))._static_html()
    assert big.startswith("<p><b>WinLossMatrix</b>: 20 items")


def test_matrix_selection_trait_accepts_a_cell() -> None:
    widget = WinLossMatrix(frame([[0, 2], [1, 0]], ["a", "b"]))
    widget.set_state({"selected": {"a": "a", "b": "b", "a_wins": 2, "b_wins": 1}})
    assert widget.selected == {"a": "a", "b": "b", "a_wins": 2, "b_wins": 1}


# -- Leaderboard -----------------------------------------------------------------------------------


def test_leaderboard_rows_from_the_frames_leaderboard_shape() -> None:
    board = pd.DataFrame(
        {
            "score": [1150.0, 1250.0],
            "lower": [1100.0, np.nan],
            "upper": [1200.0, 1300.0],
            "wins": [3, 7],
            "battles": [10, 10],
        },
        index=pd.Index(["a", "b"], name="model"),
    )
    widget = Leaderboard(board)
    assert widget.rows == [
        {"model": "b", "score": 1250.0, "lower": None, "upper": 1300.0, "wins": 7, "battles": 10},
        {"model": "a", "score": 1150.0, "lower": 1100.0, "upper": 1200.0, "wins": 3, "battles": 10},
    ]
    assert Leaderboard(board[["score"]]).rows[0] == {
        "model": "b",
        "score": 1250.0,
        "lower": None,
        "upper": None,
        "wins": None,
        "battles": None,
    }


def test_leaderboard_needs_a_score() -> None:
    with pytest.raises(ValueError, match=r"needs a 'score' column; the frame has \['name', 'elo'\]"):
        Leaderboard(pd.DataFrame({"name": ["a"], "elo": [1.0]}))
    with pytest.raises(TypeError, match="needs a pandas DataFrame"):
        Leaderboard([{"name": "a", "score": 1}])


def test_leaderboard_reads_the_model_by_name_not_by_position() -> None:
    with pytest.raises(
        ValueError, match=r"indexed by 'model' \(e.g. frame.set_index\('model'\)\), got an index named None"
    ):
        Leaderboard(pd.DataFrame({"name": ["a", "b"], "score": [1.0, 2.0]}))


# -- ResultsGallery ---------------------------------------------------------------------------------

COMPARE = {
    "info": {"type": "Compare"},
    "results": [
        {
            "context": f"prompt {i}",
            "winner": w,
            "assetUrls": {"a.png": "https://h/a.png", "b.png": "https://h/b.png"},
            "aggregatedResults": {"a.png": va, "b.png": vb},
            "detailedResults": [{"votedFor": "a.png"}] * (va + vb),
        }
        for i, (w, va, vb) in enumerate([("a.png", 3, 1), ("b.png", 0, 4), (None, 2, 2), ("a.png", 4, 0)])
    ],
}


def test_cards_for_compare() -> None:
    cards = result_cards(COMPARE)
    assert [c["winner"] for c in cards] == ["a.png", "b.png", None, "a.png"]
    assert cards[0]["split"] == [
        {"label": "a.png", "count": 3, "ratio": 0.75},
        {"label": "b.png", "count": 1, "ratio": 0.25},
    ]
    assert cards[0]["title"] == "prompt 0" and cards[0]["labels"] == ["a.png", "b.png"]


def test_cards_for_every_other_type() -> None:
    classify = result_cards(
        {
            "info": {"type": "Classification"},
            "results": [
                {
                    "originalFileName": "x.png",
                    "aggregatedResults": {"Cat": 3, "Dog": 1},
                    "confidencePerCategory": {"Cat": 0.97, "Dog": 0.03},
                }
            ],
        }
    )[0]
    assert classify["winner"] == "Cat" and classify["confidence"] == 0.97 and classify["responses"] == 4
    locate = result_cards(
        {
            "info": {"type": "Locate"},
            "results": [
                {
                    "asset": "x.png",
                    "detailedResults": [{"points": [{"x": 0.1, "y": 0.2}, {"x": 0.3, "y": 0.4}]}],
                }
            ],
        }
    )[0]
    assert locate["points"] == [[0.1, 0.2], [0.3, 0.4]]
    draw = result_cards(
        {
            "info": {"type": "Draw"},
            "results": [
                {"asset": "x.png", "detailedResults": [{"lines": [[{"x": 0, "y": 0}, {"x": 1, "y": 1}]]}]}
            ],
        }
    )[0]
    assert draw["lines"] == [[[0.0, 0.0], [1.0, 1.0]]]
    words = result_cards(
        {
            "info": {"type": "SelectWords"},
            "results": [
                {
                    "asset": "x.png",
                    "sentence": "a red car",
                    "detailedResults": [{"selectedIndices": [1]}, {"selectedWords": ["red", "car"]}],
                }
            ],
        }
    )[0]
    assert [(w["word"], w["count"], w["ratio"]) for w in words["words"]] == [
        ("a", 0, 0.0),
        ("red", 2, 1.0),
        ("car", 1, 0.5),
    ]
    text = result_cards(
        {
            "info": {"type": "FreeText"},
            "results": [{"asset": "x.png", "detailedResults": [{"answer": "hi"}, {"text": "yo"}]}],
        }
    )[0]
    assert text["texts"] == ["hi", "yo"] and "hi" in text["search"]


def test_ranking_cards_are_ordered_by_score() -> None:
    [card] = result_cards(
        {
            "info": {"type": "Ranking"},
            "results": [
                {
                    "assetUrls": {
                        "a.png": "https://h/a.png",
                        "b.png": "https://h/b.png",
                        "c.png": "https://h/c.png",
                    },
                    "scores": {"a.png": 1150.0, "b.png": 1290.4, "c.png": 1160.0},
                    "aggregatedResults": {"a.png": 1, "b.png": 6, "c.png": 2},
                }
            ],
        }
    )
    assert card["labels"] == ["b.png", "c.png", "a.png"]
    assert card["captions"] == ["#1 b.png · 1290", "#2 c.png · 1160", "#3 a.png · 1150"]
    assert card["winner"] == "b.png" and card["responses"] == 9


def test_type_is_inferred_from_answers_without_info() -> None:
    cards = result_cards([{"asset": "x.png", "detailedResults": [{"points": [[0.5, 0.5]]}]}])
    assert cards[0]["type"] == "locate" and cards[0]["points"] == [[0.5, 0.5]]


def test_gallery_filters_and_pages() -> None:
    widget = ResultsGallery(COMPARE, page_size=2)
    assert (widget.n_total, widget.n_matches, widget.n_pages) == (4, 4, 2)
    assert [c["index"] for c in widget.cards] == [0, 1]
    widget.page = 1
    assert [c["index"] for c in widget.cards] == [2, 3]
    widget.winner_filter = "a.png"
    assert widget.matches == [0, 3] and widget.page == 0 and widget.n_pages == 1
    widget.winner_filter = ""
    widget.query = "PROMPT 2"
    assert widget.matches == [2]
    widget.query = "nothing like this"
    assert widget.cards == [] and widget.n_pages == 0
    assert widget.winners == ["a.png", "b.png"]


def test_gallery_sends_local_assets_as_bytes_one_page_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    Image.new("RGB", (4, 4), (0, 0, 255)).save(path)
    widget = ResultsGallery(COMPARE, assets={"a.png": path}, page_size=1)
    [card] = widget.cards
    assert card["media"][0]["data"] == path.read_bytes()
    assert card["media"][1] == {"kind": "image", "name": "b.png", "src": "https://h/b.png"}


def test_gallery_validation() -> None:
    with pytest.raises(ValueError, match="needs a 'results' list"):
        ResultsGallery({"info": {}})
    with pytest.raises(TypeError, match="result 0 must be a dict"):
        ResultsGallery(["x"])
    with pytest.raises(traitlets.TraitError, match="page_size must be at least 1"):
        ResultsGallery(COMPARE, page_size=0)


def test_empty_inputs() -> None:
    matrix = WinLossMatrix(pd.DataFrame())
    assert (matrix.names, matrix.counts, matrix.scores) == ([], b"", [])
    assert Leaderboard(pd.DataFrame(columns=["score"], index=pd.Index([], name="model"))).rows == []
    gallery = ResultsGallery({"info": {"type": "Compare"}, "results": []})
    assert (gallery.n_total, gallery.n_pages, gallery.cards, gallery.winners) == (0, 0, [], [])


def test_matrix_from_battles_lists_the_matchups_of_the_selected_pair() -> None:
    battles = pd.DataFrame(
        {
            "model_a": ["x", "x", "y", "z", "x"],
            "model_b": ["y", "y", "x", "x", "z"],
            "winner": ["model_a", "tie", "model_a", "model_b", "model_a"],
        },
        index=pd.Index(["p1", "p2", "p3", "p4", "p5"], name="prompt"),
    )
    widget = WinLossMatrix.from_battles(battles)
    assert widget.names == ["x", "y", "z"]
    assert widget.matrix.to_dict() == {
        "x": {"x": 0, "y": 1, "z": 0},
        "y": {"x": 1, "y": 0, "z": 0},
        "z": {"x": 2, "y": 0, "z": 0},
    }
    assert widget.matchups == []
    widget.set_state({"selected": {"a": "y", "b": "x", "a_wins": 1, "b_wins": 1}})
    assert widget.matchups == [
        {"id": "p1", "model_a": "x", "model_b": "y", "winner": "model_a"},
        {"id": "p2", "model_a": "x", "model_b": "y", "winner": "tie"},
        {"id": "p3", "model_a": "y", "model_b": "x", "winner": "model_a"},
    ]
    widget.selected = None
    assert widget.matchups == []


def test_battles_need_the_three_columns() -> None:
    with pytest.raises(ValueError, match=r"needs the columns model_a, model_b, winner; missing \['winner'\]"):
        WinLossMatrix.from_battles(pd.DataFrame({"model_a": ["x"], "model_b": ["y"]}))
