"""Charts of a judge report and of a prediction-powered leaderboard (altair).

Pure builders over the tidy frames of :class:`~rapidata_nb.frames.judge.JudgeReport` and
:func:`~rapidata_nb.frames.judge.ppi_leaderboard`: each returns a chart and never fetches or displays.
Intervals are drawn with ``x``/``x2`` rules from the frames' own ``lower``/``upper`` columns.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = [
    "agreement_chart",
    "alt_test_chart",
    "bias_chart",
    "boards_chart",
    "confusion_chart",
    "ppi_leaderboard_chart",
]


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {missing}; the frame has {list(frame.columns)}")


def _interval_dots(data: pd.DataFrame, *, y: str, color: str, row: str, title: str | None) -> alt.FacetChart:
    base = alt.Chart(data)
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("lower:Q", title=None), x2="upper:Q", y=alt.Y(f"{y}:N", title=None), color=f"{color}:N"
    )
    point = base.mark_point(filled=True, size=60).encode(
        x="value:Q",
        y=alt.Y(f"{y}:N", title=None),
        color=alt.Color(f"{color}:N", title=None),
        tooltip=[row, y, alt.Tooltip("value:Q", format=".3f"), alt.Tooltip("n:Q", format=".0f")],
    )
    return alt.layer(rule, point).facet(row=alt.Row(f"{row}:N", title=None), title=title or alt.Undefined)


def agreement_chart(agreement: pd.DataFrame, *, title: str | None = None) -> alt.FacetChart:
    """Per statistic, the judge against the crowd and the leave-one-out ceiling, with intervals.

    Examples:
        >>> frame = pd.DataFrame({"comparison": ["judge vs crowd"], "statistic": ["kappa"], "value": [0.4],
        ...                       "lower": [0.35], "upper": [0.45], "n": [1000.0]})
        >>> agreement_chart(frame).to_dict()["facet"]["row"]["field"]
        'statistic'
    """
    _require(agreement, ["comparison", "statistic", "value", "lower", "upper", "n"], "agreement_chart")
    return _interval_dots(agreement, y="comparison", color="comparison", row="statistic", title=title)


def bias_chart(bias: pd.DataFrame, *, title: str | None = None) -> alt.FacetChart:
    """Per bias statistic, the judge next to the crowd, with intervals."""
    _require(bias, ["statistic", "who", "value", "lower", "upper", "n"], "bias_chart")
    return _interval_dots(bias, y="who", color="who", row="statistic", title=title)


def confusion_chart(confusion: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Heatmap of items by the judge's label (rows) and the crowd's (columns), counts written in."""
    data = confusion.rename_axis(index="judge", columns="crowd").stack().rename("items").reset_index()
    base = alt.Chart(data, title=title or alt.Undefined).encode(
        x=alt.X("crowd:N", sort=list(confusion.columns)), y=alt.Y("judge:N", sort=list(confusion.index))
    )
    cells = base.mark_rect().encode(color=alt.Color("items:Q", scale=alt.Scale(scheme="blues")))
    return alt.layer(cells, base.mark_text().encode(text="items:Q"))


def alt_test_chart(annotators: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Per tested annotator, ``ρ_j^f`` (judge) against ``ρ_j^h`` (annotator); filled where the judge wins."""
    _require(annotators, ["labeler_id", "rho_judge", "rho_human", "judge_wins"], "alt_test_chart")
    return (
        alt.Chart(annotators, title=title or alt.Undefined)
        .mark_point(size=70)
        .encode(
            x=alt.X("rho_human:Q", title="annotator's advantage ρʰ", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("rho_judge:Q", title="judge's advantage ρᶠ", scale=alt.Scale(domain=[0, 1])),
            shape=alt.Shape("judge_wins:N", title="judge wins"),
            tooltip=["labeler_id", "n_items", "rho_judge", "rho_human", "p_value"],
        )
    )


def boards_chart(boards: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """The judge's Bradley–Terry score against the humans' per model, with both intervals."""
    _require(boards, ["human_score", "judge_score"], "boards_chart")
    data = boards.reset_index().rename(columns={boards.index.name or "index": "model"})
    base = alt.Chart(data, title=title or alt.Undefined)
    x = alt.X("human_score:Q", title="humans", scale=alt.Scale(zero=False))
    y = alt.Y("judge_score:Q", title="judge", scale=alt.Scale(zero=False))
    layers = [
        base.mark_rule().encode(x="human_lower:Q", x2="human_upper:Q", y=y),
        base.mark_rule().encode(x=x, y="judge_lower:Q", y2="judge_upper:Q"),
        base.mark_point(filled=True, size=60).encode(
            x=x, y=y, tooltip=["model", "human_score", "judge_score"]
        ),
    ]
    return alt.layer(*layers)


def ppi_leaderboard_chart(board: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Each model's three intervals: humans only, prediction-powered, judge only.

    Examples:
        >>> columns = ["score", "lower", "upper", "human_score", "human_lower", "human_upper",
        ...            "judge_score", "judge_lower", "judge_upper"]
        >>> board = pd.DataFrame({c: [1250.0] for c in columns}, index=pd.Index(["a"], name="model"))
        >>> spec = ppi_leaderboard_chart(board).to_dict()
        >>> sorted({row["method"] for rows in spec["datasets"].values() for row in rows})
        ['PPI++', 'humans only', 'judge only']
    """
    _require(board, ["score", "lower", "upper", "human_score", "judge_score"], "ppi_leaderboard_chart")
    parts = []
    for label, prefix in (("humans only", "human_"), ("PPI++", ""), ("judge only", "judge_")):
        part = pd.DataFrame(
            {
                "model": board.index.astype(str),
                "estimate": board[f"{prefix}score"].to_numpy(),
                "lower": board[f"{prefix}lower"].to_numpy(),
                "upper": board[f"{prefix}upper"].to_numpy(),
            }
        )
        parts.append(part.assign(method=label))
    data = pd.concat(parts, ignore_index=True)
    order = list(board.sort_values("score", ascending=False).index.astype(str))
    base = alt.Chart(data, title=title or alt.Undefined).encode(
        y=alt.Y("model:N", sort=order, title=None),
        yOffset=alt.YOffset("method:N", sort=["humans only", "PPI++", "judge only"]),
        color=alt.Color("method:N", sort=["humans only", "PPI++", "judge only"], title=None),
    )
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("lower:Q", scale=alt.Scale(zero=False), title="score"), x2="upper:Q"
    )
    point = base.mark_point(filled=True, size=50).encode(
        x="estimate:Q", tooltip=["model", "method", "estimate"]
    )
    return alt.layer(rule, point)
