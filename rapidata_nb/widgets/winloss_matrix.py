"""WinLossMatrix: a heatmap of pairwise wins, drawn on one canvas so 100 × 100 stays fast."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import traitlets as t

from rapidata_nb.widgets._base import STATIC_DIR, BaseWidget

__all__ = ["WinLossMatrix"]

STATIC_TABLE_MAX = 12
"""Up to this many items the static HTML fallback is a full table; beyond, a summary."""

MAX_MATCHUPS = 200
"""At most this many battles of the selected pair are sent to the front end."""

_BATTLE_COLUMNS = ("model_a", "model_b", "winner")


def _check_battles(battles: Any) -> pd.DataFrame:
    if not isinstance(battles, pd.DataFrame):
        raise TypeError(f"battles must be a pandas DataFrame, got {type(battles).__name__}")
    missing = [c for c in _BATTLE_COLUMNS if c not in battles.columns]
    if missing:
        raise ValueError(
            f"battles needs the columns model_a, model_b, winner; missing {missing} (the frame has "
            f"{list(battles.columns)}); rapidata_nb.frames.as_battles() builds one from results"
        )
    return battles


def _scores(matrix: pd.DataFrame, scores: Any) -> np.ndarray:
    """Scores aligned with ``matrix.index``: given, or each item's overall win rate."""
    names = list(matrix.index)
    if scores is None:
        wins = matrix.to_numpy().sum(axis=1)
        games = wins + matrix.to_numpy().sum(axis=0)
        rate: np.ndarray = np.divide(wins, games, out=np.zeros(len(names)), where=games > 0)
        return rate
    if isinstance(scores, pd.DataFrame):
        if "score" not in scores.columns:
            raise ValueError("scores frame needs a 'score' column (indexed by name)")
        scores = scores["score"]
    if isinstance(scores, (pd.Series, Mapping)):
        series = pd.Series(scores, dtype=float)
        missing = [n for n in names if n not in series.index]
        if missing:
            raise ValueError(f"scores has no value for {missing[:5]}")
        aligned: np.ndarray = series.reindex(names).to_numpy(dtype=float)
        return aligned
    values = np.asarray(list(scores), dtype=float)
    if values.shape != (len(names),):
        raise ValueError(f"scores has {values.size} values but the matrix has {len(names)} rows")
    return values


class WinLossMatrix(BaseWidget):
    """Heatmap of ``matrix.loc[a, b]`` = how often ``a`` was preferred over ``b``, best first.

    Each cell is coloured by ``a``'s win rate against ``b`` (blue: ``a`` usually wins, red: usually
    loses, grey: never met); hovering shows the counts and clicking a cell lists that pair's
    matchups and stores them in :attr:`selected`.

    Args:
        matrix: Square frame with the same labels on the index and the columns (any order), counts
            as non-negative integers, for example ``results.win_matrix()``.
        scores: Sort key, best first: a Series/mapping by name, a sequence aligned with the index, or
            a leaderboard frame with a ``score`` column. Default: each item's overall win rate.
        battles: Optional battles frame (``model_a, model_b, winner`` with ``winner`` one of
            ``"model_a"``, ``"model_b"`` or a tie) whose rows are listed when a cell is clicked
            (see :attr:`matchups`). :meth:`from_battles` builds the matrix from it.
    """

    _esm = STATIC_DIR / "winloss_matrix.js"
    _css = STATIC_DIR / "widgets.css"
    _widget_name: ClassVar[str] = "WinLossMatrix"
    _init_arguments: ClassVar[tuple[str, ...]] = ("matrix", "scores", "battles")

    names = t.List(t.Unicode(), read_only=True).tag(sync=True)
    """Item names, sorted by score (best first); rows and columns follow this order.

    - Type: ``list[str]``
    - Default: from ``matrix``
    """

    counts = t.Bytes(read_only=True).tag(sync=True)
    """The win counts in :attr:`names` order, int32 little-endian, row-major (``n × n``), sent as one
    binary buffer.

    - Type: ``bytes``
    - Default: from ``matrix``
    """

    scores = t.List(t.Float(), read_only=True).tag(sync=True)
    """The score of each of :attr:`names`.

    - Type: ``list[float]``
    - Default: overall win rate
    """

    selected = t.Dict(default_value=None, allow_none=True).tag(sync=True)
    """The clicked cell: ``{"a", "b", "a_wins", "b_wins"}``, or ``None``.

    - Type: ``dict | None``
    - Default: ``None``
    """

    matchups = t.List(t.Dict(), read_only=True).tag(sync=True)
    """The battles of the selected pair (either side first) when ``battles`` was given: ``{"id",
    "model_a", "model_b", "winner"}`` per battle, ``id`` being the battle's index label; at most
    :data:`MAX_MATCHUPS`.

    - Type: ``list[dict]``
    - Default: ``[]``
    """

    def __init__(
        self, matrix: pd.DataFrame, scores: Any = None, *, battles: pd.DataFrame | None = None, **kwargs: Any
    ) -> None:
        self._check_kwargs(kwargs)
        self._battles = None if battles is None else _check_battles(battles)
        frame = self._validate(matrix)
        values = _scores(frame, scores)
        order = sorted(range(len(frame)), key=lambda i: (-values[i], str(frame.index[i])))
        names = [str(frame.index[i]) for i in order]
        counts = frame.to_numpy()[np.ix_(order, order)].astype("<i4")
        super().__init__(**kwargs)
        self._matrix = pd.DataFrame(counts, index=names, columns=names)
        self.set_trait("names", names)
        self.set_trait("scores", [float(values[i]) for i in order])
        self.set_trait("counts", counts.tobytes(order="C"))

    @classmethod
    def from_battles(cls, battles: pd.DataFrame, scores: Any = None, **kwargs: Any) -> WinLossMatrix:
        """Count the wins in a battles frame (ties count for neither side) and keep the battles for
        listing.

        Examples:
            >>> battles = pd.DataFrame({"model_a": ["x", "x", "y"], "model_b": ["y", "y", "x"],
            ...                         "winner": ["model_a", "tie", "model_a"]})
            >>> WinLossMatrix.from_battles(battles).matrix.loc["x", "y"]
            1
        """
        frame = _check_battles(battles)
        names = sorted({str(v) for v in frame["model_a"]} | {str(v) for v in frame["model_b"]})
        a, b, winner = frame["model_a"].astype(str), frame["model_b"].astype(str), frame["winner"]
        decided = winner.isin(["model_a", "model_b"])
        won = a.where(winner == "model_a", b)[decided]
        lost = b.where(winner == "model_a", a)[decided]
        counts = pd.crosstab(won.to_numpy(), lost.to_numpy()) if decided.any() else pd.DataFrame()
        matrix = counts.reindex(index=names, columns=names, fill_value=0)
        return cls(matrix, scores, battles=frame, **kwargs)

    @t.observe("selected")
    def _on_selected(self, change: dict[str, Any]) -> None:
        self.set_trait("matchups", self._matchups_of(change["new"]))

    def _matchups_of(self, selected: dict[str, Any] | None) -> list[dict[str, Any]]:
        if self._battles is None or not selected:
            return []
        frame = self._battles
        a, b = frame["model_a"].astype(str), frame["model_b"].astype(str)
        pair = {str(selected.get("a")), str(selected.get("b"))}
        rows = frame[(a != b) & a.isin(pair) & b.isin(pair)].head(MAX_MATCHUPS)
        return [
            {
                "id": str(index),
                "model_a": str(row["model_a"]),
                "model_b": str(row["model_b"]),
                "winner": str(row["winner"]),
            }
            for index, row in rows.iterrows()
        ]

    @staticmethod
    def _validate(matrix: Any) -> pd.DataFrame:
        if not isinstance(matrix, pd.DataFrame):
            raise TypeError(f"matrix must be a pandas DataFrame, got {type(matrix).__name__}")
        if matrix.shape[0] != matrix.shape[1] or set(matrix.index) != set(matrix.columns):
            raise ValueError(
                "matrix must be square with the same labels on index and columns "
                f"(got {matrix.shape[0]} rows, {matrix.shape[1]} columns)"
            )
        if matrix.index.has_duplicates:
            raise ValueError("matrix index has duplicate labels")
        frame = matrix.loc[:, list(matrix.index)]
        values = frame.to_numpy(dtype=float, na_value=0.0)
        if (values < 0).any() or not np.equal(np.round(values), values).all():
            raise ValueError("matrix counts must be non-negative integers")
        return pd.DataFrame(values.astype(np.int64), index=frame.index, columns=frame.index)

    @property
    def matrix(self) -> pd.DataFrame:
        """The counts as a frame, rows and columns in :attr:`names` order."""
        return self._matrix.copy()

    def _repr_fields(self) -> dict[str, Any]:
        n = len(self.names)
        return {"n_items": n, "matchups": int(self._matrix.to_numpy().sum()), "top": self.names[:3]}

    def _static_html(self) -> str:
        names = self.names
        if len(names) > STATIC_TABLE_MAX:
            top = html.escape(", ".join(names[:10]))
            return f"<p><b>WinLossMatrix</b>: {len(names)} items, best first: {top}…</p>"
        m = self._matrix.to_numpy()
        head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
        body = "".join(
            f"<tr><th>{html.escape(a)}</th>"
            + "".join("<td>–</td>" if i == j else f"<td>{m[i, j]}</td>" for j in range(len(names)))
            + "</tr>"
            for i, a in enumerate(names)
        )
        return (
            "<table style='font-family:sans-serif;border-collapse:collapse;text-align:right'>"
            f"<caption>Wins of row over column</caption><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )
