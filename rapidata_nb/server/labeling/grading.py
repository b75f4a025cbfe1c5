"""Whether an answer is right: the grading of qualification answers against their truth."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["grade", "tokens"]


def tokens(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w}


def _inside(p: Mapping[str, float], b: Mapping[str, float]) -> bool:
    return b["xMin"] <= p["x"] <= b["xMax"] and b["yMin"] <= p["y"] <= b["yMax"]


def grade(kind: str, truth: Mapping[str, Any], answer: Mapping[str, Any], *, n_words: int = 0) -> bool:
    """Whether ``answer`` (canonical shape, see ``dispatch.py``) is correct against ``truth``.

    Locate: every point inside some box (precision) and every box hit (completeness), with the
    ``requiredPrecision`` / ``requiredCompleteness`` of the truth when given. Draw: the same on the line's
    points. Select words: precision and completeness of the selected words (the no-mistakes token, index
    ``n_words``, stands for the empty selection).
    """
    precision = float(truth.get("requiredPrecision") or 1.0)
    completeness = float(truth.get("requiredCompleteness") or 1.0)
    if kind in ("compare", "ranking"):
        return bool(answer.get("winner") == truth["winner"])
    if kind == "classify":
        return answer.get("category") in truth["categories"]
    if kind in ("locate", "draw"):
        boxes = truth["boxes"]
        points = (
            answer.get("points")
            if kind == "locate"
            else [p for line in answer.get("lines", []) for p in line]
        )
        if not points or not boxes:
            return not boxes and not points
        inside = sum(any(_inside(p, b) for b in boxes) for p in points) / len(points)
        hit = sum(any(_inside(p, b) for p in points) for b in boxes) / len(boxes)
        return inside >= precision - 1e-9 and hit >= completeness - 1e-9
    if kind == "select_words":
        selected = {i for i in answer.get("wordIndices", []) if i != n_words}
        wanted = set(truth["wordIndices"]) - {n_words}
        if not wanted:
            return not selected
        if not selected:
            return False
        both = len(selected & wanted)
        return both / len(selected) >= precision - 1e-9 and both / len(wanted) >= completeness - 1e-9
    if kind == "free_text":
        return tokens(str(answer.get("text", ""))) == tokens(str(truth.get("text", "")))
    raise ValueError(f"unknown task kind {kind!r}")
