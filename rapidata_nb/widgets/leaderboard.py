"""Leaderboard: scores with their confidence intervals, best first."""

from __future__ import annotations

import html
import math
from typing import Any, ClassVar

import pandas as pd
import traitlets as t

from rapidata_nb.widgets._base import STATIC_DIR, BaseWidget

__all__ = ["Leaderboard"]

_OPTIONAL = ("lower", "upper", "wins", "total_matches")
_ALTERNATIVES = {"total_matches": ("battles", "matches", "comparisons"), "name": ("model", "asset")}


def _clean(value: Any) -> Any:
    """NaN/None become ``None``; numpy scalars become Python numbers."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


class Leaderboard(BaseWidget):
    """A ranked table of scores with interval bars; click a row to select it.

    Args:
        frame: One row per item with ``name`` (or the index) and ``score``; optionally ``lower``,
            ``upper`` (interval), ``wins`` and ``total_matches`` (``battles`` is accepted too, so
            ``results.leaderboard()`` can be passed as is).
    """

    _esm = STATIC_DIR / "leaderboard.js"
    _css = STATIC_DIR / "widgets.css"
    _widget_name: ClassVar[str] = "Leaderboard"
    _init_arguments: ClassVar[tuple[str, ...]] = ("frame",)

    rows = t.List(t.Dict(), read_only=True).tag(sync=True)
    """``{name, score, lower, upper, wins, total_matches}`` per item, best first (missing: ``None``).

    - Type: ``list[dict]``
    - Default: from ``frame``
    """

    selected = t.Unicode(None, allow_none=True).tag(sync=True)
    """The name of the clicked row, or ``None``.

    - Type: ``str | None``
    - Default: ``None``
    """

    def __init__(self, frame: pd.DataFrame, **kwargs: Any) -> None:
        self._check_kwargs(kwargs)
        rows = self._rows(frame)
        super().__init__(**kwargs)
        self.set_trait("rows", rows)

    @staticmethod
    def _rows(frame: Any) -> list[dict[str, Any]]:
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"Leaderboard needs a pandas DataFrame, got {type(frame).__name__}")
        data = frame.copy()
        if "name" not in data.columns:
            alt = next((c for c in _ALTERNATIVES["name"] if c in data.columns), None)
            data["name"] = data[alt] if alt else data.index.astype(str)
        if "score" not in data.columns:
            raise ValueError(f"Leaderboard needs a 'score' column; the frame has {list(frame.columns)}")
        for column in _OPTIONAL:
            if column not in data.columns:
                alt = next((c for c in _ALTERNATIVES.get(column, ()) if c in data.columns), None)
                data[column] = data[alt] if alt else None
        data = data.sort_values("score", ascending=False, kind="stable")
        return [
            {
                "name": str(row["name"]),
                "score": float(row["score"]),
                **{c: _clean(row[c]) for c in _OPTIONAL},
            }
            for _, row in data.iterrows()
        ]

    def _repr_fields(self) -> dict[str, Any]:
        return {"n_items": len(self.rows), "top": [r["name"] for r in self.rows[:3]]}

    def _static_html(self) -> str:
        def fmt(v: Any) -> str:
            return "–" if v is None else (f"{v:.0f}" if isinstance(v, float) else str(v))

        body = "".join(
            f"<tr><td>{i}</td><td>{html.escape(r['name'])}</td><td>{fmt(r['score'])}</td>"
            f"<td>{fmt(r['lower'])} – {fmt(r['upper'])}</td><td>{fmt(r['wins'])}</td>"
            f"<td>{fmt(r['total_matches'])}</td></tr>"
            for i, r in enumerate(self.rows, start=1)
        )
        return (
            "<table style='font-family:sans-serif;border-collapse:collapse'><thead><tr>"
            "<th>#</th><th>Name</th><th>Score</th><th>Interval</th><th>Wins</th><th>Matches</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
