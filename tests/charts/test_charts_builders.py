"""Chart builders, tested on their Vega-Lite dicts (fields, sort order, x/x2 intervals)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from rapidata_nb.charts import breakdown_chart, leaderboard_chart, vote_split_chart, win_rate_heatmap

BOARD = pd.DataFrame(
    {"score": [1150.0, 1250.0, 1200.0], "lower": [1100.0, 1210.0, 1160.0], "upper": [1190.0, 1290.0, 1240.0]},
    index=pd.Index(["b", "a", "c"], name="model"),
)


def _data(spec: dict, layer: dict | None = None) -> list[dict]:
    name = (layer or spec).get("data", spec.get("data"))["name"]
    return spec["datasets"][name]


def test_leaderboard_chart_sorted_with_interval() -> None:
    spec = leaderboard_chart(BOARD).to_dict()
    rule, point = spec["layer"]
    assert rule["mark"]["type"] == "rule" and point["mark"]["type"] == "point"
    assert rule["encoding"]["x"]["field"] == "lower" and rule["encoding"]["x2"]["field"] == "upper"
    assert point["encoding"]["x"]["field"] == "score"
    assert point["encoding"]["y"]["sort"] == ["a", "c", "b"]
    assert [row["model"] for row in _data(spec, rule)] == ["a", "c", "b"]
    json.loads(json.dumps(spec))


def test_leaderboard_chart_without_ci() -> None:
    spec = leaderboard_chart(BOARD[["score"]], ci=False).to_dict()
    assert len(spec["layer"]) == 1
    assert "x2" not in spec["layer"][0]["encoding"]


def test_leaderboard_chart_names_missing_columns() -> None:
    with pytest.raises(ValueError, match=r"\['lower', 'upper'\]"):
        leaderboard_chart(BOARD[["score"]])


def test_win_rate_heatmap_rates_and_order() -> None:
    matrix = pd.DataFrame([[0, 3, 2], [1, 0, 0], [0, 0, 0]], index=["a", "b", "c"], columns=["a", "b", "c"])
    spec = win_rate_heatmap(matrix).to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    scale = rect["encoding"]["color"]["scale"]
    assert scale == {"domain": [0, 1], "domainMid": 0.5, "scheme": "redblue"}
    assert rect["encoding"]["x"]["sort"] == ["a", "b", "c"] and rect["encoding"]["y"]["sort"] == [
        "a",
        "b",
        "c",
    ]
    rows = {(r["model"], r["opponent"]): r["win_rate"] for r in _data(spec)}
    # b-c never met and the diagonal is blank.
    assert rows == {("a", "b"): 0.75, ("a", "c"): 1.0, ("b", "a"): 0.25, ("c", "a"): 0.0}


def test_win_rate_heatmap_rejects_non_square() -> None:
    with pytest.raises(ValueError, match="square"):
        win_rate_heatmap(pd.DataFrame([[0, 1]], index=["a"], columns=["a", "b"]))


def test_vote_split_chart_compare() -> None:
    results = pd.DataFrame({"votes_a": [1, 3], "votes_b": [2, 0]}, index=["p1", "p0"])
    spec = vote_split_chart(results).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["p1", "p0"]
    assert spec["encoding"]["x"]["stack"] == "normalize"
    assert spec["encoding"]["color"]["sort"] == ["a", "b"]
    shares = {(r["item"], r["answer"]): r["share"] for r in _data(spec)}
    assert shares[("p1", "b")] == pytest.approx(2 / 3) and shares[("p0", "a")] == 1.0


def test_vote_split_chart_needs_votes() -> None:
    with pytest.raises(ValueError, match="votes_"):
        vote_split_chart(pd.DataFrame({"x": [1]}))


def test_breakdown_chart_counts_by_group() -> None:
    responses = pd.DataFrame(
        {
            "choice": ["A", "B", "A", "A", "B"],
            "country": ["DE", "DE", "FR", None, "DE"],
        }
    )
    spec = breakdown_chart(responses, by="country").to_dict()
    assert spec["encoding"]["y"]["field"] == "country"
    assert spec["encoding"]["y"]["sort"] == ["DE", "FR", "unknown"]
    counts = {(r["country"], r["choice"]): r["responses"] for r in _data(spec)}
    assert counts == {("DE", "A"): 1, ("DE", "B"): 2, ("FR", "A"): 1, ("unknown", "A"): 1}
    with pytest.raises(ValueError, match="age"):
        breakdown_chart(responses, by="age")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "charts.md"


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.S) if DOCS.exists() else []


@pytest.mark.parametrize("source", _examples())
def test_docs_chart_examples_run(source: str) -> None:
    namespace: dict = {}
    exec(compile(source, str(DOCS), "exec"), namespace)
    chart = namespace["chart"]
    assert isinstance(chart, alt.TopLevelMixin)
    json.loads(json.dumps(chart.to_dict()))


def test_docs_have_chart_examples() -> None:
    assert len(_examples()) >= 4
