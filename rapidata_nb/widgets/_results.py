"""Turning result documents (wire notes §2) into the cards of :class:`ResultsGallery`.

Compare and Classification follow the documented shapes; Locate, Draw, SelectWords, FreeText and
Ranking keep the same skeleton (``results[].detailedResults``), read with the same keys as
``rapidata_nb.frames.tidy``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapidata_nb.api.vocabulary import KINDS

__all__ = ["result_cards", "result_type"]

_TYPE_NAMES = {
    name.replace("_", "").replace(" ", "").lower(): kind.value
    for kind, spelling in KINDS.items()
    for name in (kind.value, spelling.result_type, spelling.task_type)
}
"""A results document's ``info.type`` (squashed: ``selectwords``) → the task kind."""
_VOTED = ("compare", "classify", "ranking")


def result_type(document: Mapping[str, Any] | None, row: Mapping[str, Any]) -> str:
    """The task type of one result row, from ``info.type`` or, failing that, from its answers."""
    info = (document or {}).get("info") or {}
    name = str(info.get("type") or info.get("orderType") or "").replace("_", "").replace(" ", "").lower()
    if name in _TYPE_NAMES:
        return _TYPE_NAMES[name]
    details = row.get("detailedResults") or [{}]
    keys = set().union(*(d.keys() for d in details if isinstance(d, Mapping)))
    for key, kind in (
        ("votedFor", "compare"),
        ("selectedCategory", "classify"),
        ("points", "locate"),
        ("lines", "draw"),
        ("selectedWords", "select_words"),
        ("answer", "free_text"),
    ):
        if key in keys:
            return kind
    return "compare" if len(row.get("assetUrls") or {}) == 2 else "classify"


def _split(counts: Mapping[str, Any]) -> list[dict[str, Any]]:
    total = sum(float(v) for v in counts.values()) or 1.0
    return [{"label": str(k), "count": int(v), "ratio": float(v) / total} for k, v in counts.items()]


def _assets(row: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(name, location) of the row's media, in document order."""
    urls = row.get("assetUrls")
    if isinstance(urls, Mapping) and urls:
        return [(str(k), v) for k, v in urls.items()]
    name = row.get("originalFileName") or row.get("identifier") or row.get("asset") or row.get("assetUrl")
    location = row.get("assetUrl") or row.get("asset") or name
    return [(str(name), location)] if name is not None else []


def _xy(point: Any) -> list[float] | None:
    if isinstance(point, Mapping) and "x" in point and "y" in point:
        return [float(point["x"]), float(point["y"])]
    if isinstance(point, Sequence) and len(point) == 2:
        return [float(point[0]), float(point[1])]
    return None


def _rank_by_score(card: dict[str, Any], scores: Any) -> None:
    """Order a ranking card's media best first and caption each with its rank and score."""
    if not isinstance(scores, Mapping) or not scores:
        return
    order = sorted(card["assets"], key=lambda asset: -float(scores.get(asset[0], float("-inf"))))
    card["assets"] = order
    card["labels"] = [name for name, _ in order]
    card["captions"] = [
        f"#{rank} {name} · {float(scores[name]):.0f}" if name in scores else name
        for rank, (name, _) in enumerate(order, start=1)
    ]
    card["winner"] = order[0][0]


def _card(kind: str, row: Mapping[str, Any], index: int) -> dict[str, Any]:
    details = [d for d in (row.get("detailedResults") or []) if isinstance(d, Mapping)]
    assets = _assets(row)
    counts = row.get("aggregatedResults")
    tallies = counts if isinstance(counts, Mapping) else {}
    card: dict[str, Any] = {
        "index": index,
        "type": kind,
        "assets": assets,
        "labels": [name for name, _ in assets] if kind in ("compare", "ranking") else None,
        "split": _split(counts) if isinstance(counts, Mapping) and kind in _VOTED else [],
        "winner": None,
        "confidence": None,
        "responses": len(details) or sum(int(v) for v in tallies.values()),
    }
    if kind in _VOTED and card["split"]:
        winner = row.get("winner")
        if winner is None:
            top = max(s["count"] for s in card["split"])
            leaders = [s["label"] for s in card["split"] if s["count"] == top]
            winner = leaders[0] if len(leaders) == 1 and top > 0 else None
        card["winner"] = None if winner is None else str(winner)
    if kind == "ranking":
        _rank_by_score(card, row.get("scores"))
    confidence = row.get("confidencePerCategory")
    if isinstance(confidence, Mapping) and confidence:
        card["confidence"] = float(max(confidence.values()))
    elif isinstance(row.get("confidence"), (int, float)):
        card["confidence"] = float(row["confidence"])
    if kind == "locate":
        taps = [d.get("points") or d.get("coordinates") or [] for d in details]
        card["points"] = [p for points in taps for p in map(_xy, points) if p]
    if kind == "draw":
        card["lines"] = [[p for p in map(_xy, line) if p] for d in details for line in (d.get("lines") or [])]
    if kind == "select_words":
        words = str(row.get("sentence") or "").split(" ")
        words = [w for w in words if w]
        tally = [0] * len(words)
        for d in details:
            for i in d.get("selectedIndices") or []:
                if 0 <= int(i) < len(tally):
                    tally[int(i)] += 1
            if not d.get("selectedIndices"):
                for w in d.get("selectedWords") or []:
                    if w in words:
                        tally[words.index(w)] += 1
        n = max(1, len(details))
        card["words"] = [{"word": w, "count": c, "ratio": c / n} for w, c in zip(words, tally, strict=True)]
    if kind == "free_text":
        card["texts"] = [str(d.get("answer", d.get("text", ""))) for d in details]
    context = row.get("context")
    names = [name for name, _ in assets]
    card["title"] = (
        str(context)
        if context
        else " vs ".join(names)
        if kind in ("compare", "ranking")
        else (names[0] if names else f"Datapoint {index + 1}")
    )
    searchable = [card["title"], *names, *(card.get("texts") or []), card["winner"] or ""]
    card["search"] = " ".join([*searchable, str(row.get("sentence") or "")]).lower()
    return card


def result_cards(items: Any) -> list[dict[str, Any]]:
    """Cards (without media bytes) for a result document, or a list of result rows.

    Args:
        items: ``job.get_results()`` (a dict with ``info`` and ``results``) or a list of result rows.

    Returns:
        One card per row; ``assets`` holds ``(name, location)`` pairs resolved to media per page.
    """
    document: Mapping[str, Any] | None
    if isinstance(items, Mapping):
        if "results" not in items:
            raise ValueError("a results document needs a 'results' list (the output of job.get_results())")
        document, rows = items, list(items["results"])
    elif isinstance(items, Sequence) and not isinstance(items, (str, bytes)):
        document, rows = None, list(items)
    else:
        raise TypeError(
            f"ResultsGallery needs a results document or a list of result rows, got {type(items).__name__}"
        )
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"result {i} must be a dict, got {type(row).__name__}")
    return [_card(result_type(document, row), row, i) for i, row in enumerate(rows)]
