"""Leaderboard and win-rate charts (altair).

Pure builders: each takes a tidy frame, returns an :class:`altair.Chart` and never fetches or displays. The
intervals are *our* bootstrap quantiles drawn with ``x``/``x2``; ``mark_errorbar(extent="ci")`` would
bootstrap the mean of raw rows in Vega instead (ecosystem notes §5.2).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

__all__ = ["leaderboard_chart", "win_rate_heatmap"]


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {missing}; the frame has {list(frame.columns)}")


def leaderboard_chart(scores: pd.DataFrame, *, ci: bool = True, title: str | None = None) -> alt.LayerChart:
    """Models sorted by score, best on top, with a point per score and a rule per 95 % interval.

    Args:
        scores: A leaderboard frame (:func:`rapidata_nb.frames.leaderboard`, an MRI leaderboard's
            ``standings_frame()``, ...): indexed by ``model``, with ``score`` and, for ``ci=True``,
            ``lower``/``upper``; ``wins`` and ``battles`` join the tooltip when present.
        ci: Draw the interval rules (``x=lower``, ``x2=upper``).
        title: Chart title.

    Returns:
        A layered chart (rule + point, or point only).

    Raises:
        ValueError: The frame is not indexed by ``model`` or lacks a column it needs.

    Examples:
        >>> board = pd.DataFrame({"score": [1250.0, 1150.0], "lower": [1210.0, 1100.0],
        ...                       "upper": [1290.0, 1190.0]}, index=pd.Index(["a", "b"], name="model"))
        >>> leaderboard_chart(board).to_dict()["layer"][0]["mark"]["type"]
        'rule'
    """
    if scores.index.name != "model":
        raise ValueError(
            "leaderboard_chart needs a leaderboard frame indexed by 'model' (e.g. frame.set_index('model')), "
            f"got an index named {scores.index.name!r} and the columns {list(scores.columns)}"
        )
    _require(scores, ["score", *(["lower", "upper"] if ci else [])], "leaderboard_chart")
    data = scores.reset_index().sort_values("score", ascending=False, kind="stable")
    keep = [c for c in ("model", "score", "lower", "upper", "wins", "battles", "rank") if c in data.columns]
    data = data[keep].assign(model=data["model"].astype(str))
    order = data["model"].tolist()
    bounds = data[["lower", "score", "upper"] if ci else ["score"]].to_numpy(dtype=float)
    finite = bounds[np.isfinite(bounds)]  # NaN: no interval yet, or a model that has not played
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    pad = max((hi - lo) * 0.05, 1.0)
    x_scale = alt.Scale(domain=[lo - pad, hi + pad], zero=False)
    y = alt.Y("model:N", sort=order, title=None)
    tooltip = [
        alt.Tooltip(c, format=".0f") if c in ("score", "lower", "upper") else alt.Tooltip(c) for c in keep
    ]
    base = alt.Chart(data, title=title or alt.Undefined)
    point = base.mark_point(filled=True, size=70).encode(
        x=alt.X("score:Q", scale=x_scale, title="score"), y=y, tooltip=tooltip
    )
    layers: list[alt.Chart] = [point]
    if ci:
        rule = base.mark_rule(strokeWidth=2).encode(
            x=alt.X("lower:Q", scale=x_scale, title="score"), x2="upper:Q", y=y, tooltip=tooltip
        )
        layers = [rule, point]
    return alt.LayerChart(layer=layers)


def win_rate_heatmap(matrix: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Heatmap of pairwise win rates with the rate written in each cell.

    ``rate[a, b] = matrix[a, b] / (matrix[a, b] + matrix[b, a])``: how often the row model was preferred over
    the column model when the two met (ties excluded). Pairs that never met, and the diagonal, stay blank.
    Rows and columns keep the matrix's order (:func:`rapidata_nb.frames.win_matrix` orders by score, best
    first).

    Args:
        matrix: A square win-count frame (``matrix.loc[a, b]`` = times ``a`` beat ``b``).
        title: Chart title.
    """
    if list(matrix.index) != list(matrix.columns):
        raise ValueError(
            "win_rate_heatmap needs a square matrix with the same models as rows and columns, "
            f"got rows {list(matrix.index)} and columns {list(matrix.columns)}"
        )
    order = [str(m) for m in matrix.index]
    wins = matrix.to_numpy(dtype=float)
    met = wins + wins.T
    rate = np.divide(wins, met, out=np.full_like(wins, np.nan), where=met > 0)
    np.fill_diagonal(rate, np.nan)
    n = len(order)
    data = pd.DataFrame(
        {
            "model": np.repeat(order, n),
            "opponent": np.tile(order, n),
            "win_rate": rate.ravel(),
            "wins": wins.ravel().astype(int),
            "battles": met.ravel().astype(int),
        }
    ).dropna(subset=["win_rate"])
    base = alt.Chart(data, title=title or alt.Undefined).encode(
        x=alt.X("opponent:N", sort=order, title="opponent", axis=alt.Axis(orient="top", labelAngle=-45)),
        y=alt.Y("model:N", sort=order, title="model"),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "win_rate:Q", title="win rate", scale=alt.Scale(scheme="redblue", domain=[0, 1], domainMid=0.5)
        ),
        tooltip=["model", "opponent", alt.Tooltip("win_rate:Q", format=".2f"), "wins", "battles"],
    )
    text = base.mark_text(baseline="middle").encode(
        text=alt.Text("win_rate:Q", format=".2f"),
        color=alt.condition("abs(datum.win_rate - 0.5) > 0.3", alt.value("white"), alt.value("black")),
    )
    return alt.LayerChart(layer=[rect, text])
