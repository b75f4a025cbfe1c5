"""Leaderboard: scores with their confidence intervals, best first."""

from __future__ import annotations

import html
import math
from typing import Any, ClassVar

import pandas as pd
import traitlets as t

from rapidata_nb.widgets._base import STATIC_DIR, BaseWidget

__all__ = ["Leaderboard"]

_OPTIONAL = ("lower", "upper", "wins", "battles")


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
        frame: A leaderboard frame (:func:`rapidata_nb.frames.leaderboard`, an MRI leaderboard's
            ``standings_frame()``, ...): indexed by ``model``, with ``score`` and optionally ``lower``,
            ``upper`` (the interval), ``wins`` and ``battles``.
    """

    _esm = STATIC_DIR / "leaderboard.js"
    _css = STATIC_DIR / "widgets.css"
    _widget_name: ClassVar[str] = "Leaderboard"
    _init_arguments: ClassVar[tuple[str, ...]] = ("frame",)

    rows = t.List(t.Dict(), read_only=True).tag(sync=True)
    """``{model, score, lower, upper, wins, battles}`` per model, best first (missing: ``None``).

    - Type: ``list[dict]``
    - Default: from ``frame``
    """

    selected = t.Unicode(None, allow_none=True).tag(sync=True)
    """The model of the clicked row, or ``None``.

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
        if "score" not in frame.columns:
            raise ValueError(f"Leaderboard needs a 'score' column; the frame has {list(frame.columns)}")
        if frame.index.name != "model":
            raise ValueError(
                "Leaderboard needs a leaderboard frame indexed by 'model' (e.g. frame.set_index('model')), "
                f"got an index named {frame.index.name!r}"
            )
        data = frame.sort_values("score", ascending=False, kind="stable")
        return [
            {
                "model": str(model),
                "score": float(row["score"]),
                **{c: _clean(row[c]) if c in data.columns else None for c in _OPTIONAL},
            }
            for model, row in data.iterrows()
        ]

    def _repr_fields(self) -> dict[str, Any]:
        return {"n_items": len(self.rows), "top": [r["model"] for r in self.rows[:3]]}

    def _static_html(self) -> str:
        def fmt(v: Any) -> str:
            return "–" if v is None else (f"{v:.0f}" if isinstance(v, float) else str(v))

        body = "".join(
            f"<tr><td>{i}</td><td>{html.escape(r['model'])}</td><td>{fmt(r['score'])}</td>"
            f"<td>{fmt(r['lower'])} – {fmt(r['upper'])}</td><td>{fmt(r['wins'])}</td>"
            f"<td>{fmt(r['battles'])}</td></tr>"
            for i, r in enumerate(self.rows, start=1)
        )
        return (
            "<table style='font-family:sans-serif;border-collapse:collapse'><thead><tr>"
            "<th>#</th><th>Model</th><th>Score</th><th>Interval</th><th>Wins</th><th>Battles</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
