"""Battles, leaderboard, win matrix and agreement on tiny literal frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rapidata_nb.frames  # noqa: F401  (registers df.rapidata)
from rapidata_nb.engine import ranking
from rapidata_nb.frames import as_battles, from_standings, krippendorff_alpha, leaderboard, win_matrix


def _battles(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    records = [(a, b, w) for a, b, w, n in rows for _ in range(n)]
    return pd.DataFrame.from_records(records, columns=["model_a", "model_b", "winner"])


def test_leaderboard_two_models_scale() -> None:
    # 8–2: the plain BT fit gives p_a / p_b = 4, i.e. ±400·log10(4)/2 ≈ ±120.4 around 1200; the display prior
    # (engine.DISPLAY_ALPHA) pulls both a little towards 1200. Scores equal what result documents report.
    battles = _battles(("a", "b", "model_a", 8), ("a", "b", "model_b", 2))
    board = leaderboard(battles, random_state=0)
    assert list(board.index) == ["a", "b"]
    assert 1200 + 80 < board.loc["a", "score"] < 1200 + 200 * np.log10(4)
    assert board.loc["a", "score"] + board.loc["b", "score"] == pytest.approx(2400)
    expected = ranking.elo_scores(np.array([0] * 8 + [1] * 2), np.array([1] * 8 + [0] * 2), 2)
    assert board["score"].tolist() == pytest.approx(expected.tolist())
    assert board[["wins", "losses", "ties", "battles"]].to_dict("index") == {
        "a": {"wins": 8, "losses": 2, "ties": 0, "battles": 10},
        "b": {"wins": 2, "losses": 8, "ties": 0, "battles": 10},
    }
    assert (board["lower"] <= board["score"]).all() and (board["score"] <= board["upper"]).all()


def test_leaderboard_even_split_and_ties() -> None:
    board = leaderboard(_battles(("a", "b", "model_a", 3), ("a", "b", "model_b", 3), ("a", "b", "tie", 2)))
    assert board["score"].tolist() == pytest.approx([1200.0, 1200.0])
    assert board["ties"].tolist() == [2, 2]
    assert board["rank"].tolist() == [1, 1]
    assert board["better_than"].tolist() == [[], []]


def test_better_than_only_where_intervals_separate() -> None:
    battles = _battles(
        ("a", "b", "model_a", 40),
        ("b", "c", "model_a", 11),
        ("b", "c", "model_b", 9),
        ("a", "c", "model_a", 40),
    )
    board = leaderboard(battles, n_rounds=200, random_state=1)
    assert list(board.index) == ["a", "b", "c"]
    assert board.loc["a", "better_than"] == ["b", "c"]
    assert board.loc["b", "better_than"] == []
    assert board["rank"].tolist() == [1, 2, 2]
    for model, beaten in board["better_than"].items():
        for other in beaten:
            assert board.loc[model, "lower"] > board.loc[other, "upper"]


def test_leaderboard_is_reproducible_and_empty_case() -> None:
    battles = _battles(("a", "b", "model_a", 5), ("a", "b", "model_b", 3))
    pd.testing.assert_frame_equal(leaderboard(battles, random_state=3), leaderboard(battles, random_state=3))
    empty = leaderboard(battles.iloc[:0])
    assert empty.empty and list(empty.columns)[:3] == ["score", "lower", "upper"]


def test_win_matrix_counts_ordered_by_score() -> None:
    matrix = win_matrix(_battles(("b", "a", "model_b", 3), ("b", "a", "model_a", 1), ("a", "c", "tie", 2)))
    # c tied a twice and never lost, so it ranks above b; ties are not counted as wins.
    assert list(matrix.index) == ["a", "c", "b"] and list(matrix.columns) == ["a", "c", "b"]
    assert matrix.to_numpy().tolist() == [[0, 0, 3], [0, 0, 0], [1, 0, 0]]


def test_as_battles_from_results_and_responses() -> None:
    results = pd.DataFrame(
        {
            "asset_a": ["x", "y"],
            "asset_b": ["y", "z"],
            "votes_a": [2, 0],
            "votes_b": [1, 1],
            "votes_both": [1, 0],
        }
    )
    assert as_battles(results).value_counts().to_dict() == {
        ("x", "y", "model_a"): 2,
        ("x", "y", "model_b"): 1,
        ("x", "y", "tie"): 1,
        ("y", "z", "model_b"): 1,
    }
    responses = pd.DataFrame({"asset_a": ["x", "x"], "asset_b": ["y", "y"], "choice": ["B", None]})
    assert as_battles(responses).to_dict("records") == [{"model_a": "x", "model_b": "y", "winner": "model_b"}]
    with pytest.raises(ValueError, match="battles frame"):
        as_battles(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="winner must be"):
        leaderboard(pd.DataFrame({"model_a": ["x"], "model_b": ["y"], "winner": ["A"]}))


def test_krippendorff_alpha_reference_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example: α = 0.743.
    units = [
        [1, 1, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [5, 5, 5],
        [1, 1],
        [3],
    ]
    items = [i for i, unit in enumerate(units) for _ in unit]
    labels = [v for unit in units for v in unit]
    assert krippendorff_alpha(items, labels) == pytest.approx(0.743421, abs=1e-6)


def test_krippendorff_alpha_edge_cases() -> None:
    assert krippendorff_alpha([0, 0, 1, 1], ["a", "a", "a", "b"]) == pytest.approx(0.0)
    assert krippendorff_alpha([0, 0, 1, 1], ["a", "a", "b", "b"]) == 1.0
    assert np.isnan(krippendorff_alpha([0, 1], ["a", "b"]))  # no unit with two values
    assert np.isnan(krippendorff_alpha([], []))


def test_accessor_analysis_methods() -> None:
    responses = pd.DataFrame(
        {
            "item": [0, 0, 0, 1, 1, 1],
            "asset_a": ["x", "x", "x", "y", "y", "y"],
            "asset_b": ["y", "y", "y", "z", "z", "z"],
            "choice": ["A", "A", "B", "A", "A", "A"],
            "country": ["DE", "FR", "DE", "DE", "US", "US"],
        }
    )
    assert responses.rapidata.agreement() == pytest.approx(
        krippendorff_alpha(responses["item"], responses["choice"])
    )
    board = responses.rapidata.leaderboard()
    assert list(board.index) == ["x", "y", "z"]
    assert list(responses.rapidata.win_matrix().index) == ["x", "y", "z"]
    assert board.rapidata.chart().to_dict()["layer"][0]["encoding"]["x2"]["field"] == "upper"
    assert responses.rapidata.chart(by="country").to_dict()["encoding"]["y"]["field"] == "country"
    assert "layer" in responses.rapidata.win_matrix().rapidata.chart().to_dict()
    with pytest.raises(ValueError, match="no chart"):
        pd.DataFrame({"x": [1]}).rapidata.chart()
    with pytest.raises(ValueError, match="agreement needs"):
        pd.DataFrame({"x": [1]}).rapidata.agreement()


def test_source_frame_joined_with_results_uses_its_model_columns() -> None:
    pairs = pd.DataFrame({"model_a": ["flux", "dalle"], "model_b": ["dalle", "sdxl"]}, index=["p0", "p1"])
    results = pd.DataFrame(
        {
            "asset_a": ["f.png", "d.png"],
            "asset_b": ["d.png", "s.png"],
            "winner": ["A", "B"],
            "votes_a": [3, 1],
            "votes_b": [1, 3],
        },
        index=["p0", "p1"],
    )
    board = pairs.join(results).rapidata.leaderboard(n_rounds=0)
    assert list(board.index) == ["sdxl", "flux", "dalle"] or list(board.index) == ["flux", "sdxl", "dalle"]
    assert board.loc["dalle", "wins"] == 2 and board.loc["dalle", "losses"] == 6


def test_the_sdk_standings_chart_names_the_models() -> None:
    standings = pd.DataFrame(
        {
            "name": ["flux", "mj", "sdxl"],
            "wins": [3.0, 2.0, 1.0],
            "total_matches": [4.0] * 3,
            "score": [1250.0, 1200.0, 1150.0],
        }
    )
    for chart in (standings.rapidata.chart(ci=False), standings.rapidata.chart()):
        point = chart.to_dict()["layer"][-1]
        assert point["encoding"]["y"]["sort"] == ["flux", "mj", "sdxl"]  # it said "0", "1", "2"
    board = from_standings(standings)
    assert board.index.name == "model" and list(board.columns) == [
        "score",
        "lower",
        "upper",
        "wins",
        "battles",
    ]
    assert board["battles"].tolist() == [4.0] * 3 and board["lower"].isna().all()
