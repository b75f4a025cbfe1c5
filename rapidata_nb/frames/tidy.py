"""Tidy frames from result documents.

A result document is the JSON a job's ``download-results`` returns (``RapidataResults`` is a ``dict`` of it).
This module turns it into two tidy frames:

- :func:`results_frame`: one row per datapoint, snake_case columns (``winner``, ``votes_a``, ``ratio_a``,
  ...);
- :func:`responses_frame`: one row per labeler response (``choice``, ``user_score``, ``country``, ...).

Both are indexed like the frame the job was made from: the accessor stores each row's index label as the
private metadata key ``__index__`` (JSON text) and the server echoes ``privateMetadata`` in the results.
Documents without it get a plain ``RangeIndex`` (results) or an ``item`` position (responses).

Everything here is a pure function of the document: no I/O, no client.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rapidata_nb._gc import collection_paused

__all__ = [
    "INDEX_KEY",
    "decode_index_label",
    "encode_index_label",
    "option_column",
    "responses_frame",
    "result_kind",
    "results_frame",
]

INDEX_KEY = "__index__"
"""Private-metadata key that carries the source frame's index label (JSON text)."""

_EXTRA_OPTIONS = ("Both", "Neither")
_SIDES = ("a", "b")


# --------------------------------------------------------------------------------------------------- index la
def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def encode_index_label(label: Hashable) -> str:
    """Encode one index label as the JSON text stored under ``__index__``.

    Strings, numbers and booleans round-trip exactly; tuples (MultiIndex) become lists; other labels
    (timestamps) are stored as text and mapped back through the source index (see :func:`results_frame`).

    Examples:
        >>> encode_index_label("row-1"), encode_index_label(3), encode_index_label(("a", 1))
        ('"row-1"', '3', '["a", 1]')
    """
    return json.dumps(_jsonable(label))


def decode_index_label(text: str) -> Hashable:
    """Inverse of :func:`encode_index_label` (lists become tuples)."""
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


def _labels_for(doc_labels: Sequence[str | None], index: pd.Index | None) -> pd.Index | None:
    """Map encoded ``__index__`` texts to index labels; ``None`` when the document carries none."""
    if not doc_labels or any(text is None for text in doc_labels):
        return None
    if index is not None:
        lookup = {encode_index_label(label): label for label in index}
        unknown = [text for text in doc_labels if text not in lookup]
        if unknown:
            raise ValueError(f"result rows carry index labels not in the source index: {unknown[:5]}")
        labels = [lookup[text] for text in doc_labels]  # type: ignore[index]
        if isinstance(index, pd.MultiIndex):
            return pd.MultiIndex.from_tuples(labels, names=index.names)
        return pd.Index(labels, name=index.name, dtype=index.dtype)
    decoded = [decode_index_label(text) for text in doc_labels]  # type: ignore[arg-type]
    if decoded and all(isinstance(v, tuple) for v in decoded):
        return pd.MultiIndex.from_tuples(decoded)
    return pd.Index(decoded)


# --------------------------------------------------------------------------------------------------- document
def _rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    results = doc.get("results") or []
    if isinstance(results, Mapping):  # the early-stopping docs page nests rows under results.data
        results = results.get("data") or []
    return [dict(r) for r in results]


def result_kind(doc: Mapping[str, Any]) -> str:
    """The task type of a document: ``info.type`` (or the legacy ``info.orderType``), else inferred from
    responses.

    Returns:
        One of ``"Compare"``, ``"Classification"``, ``"Locate"``, ``"Draw"``, ``"SelectWords"``,
        ``"FreeText"``, ``"Ranking"`` (or whatever the document names).

    Raises:
        ValueError: The document names no type and its responses do not reveal one.
    """
    info = doc.get("info") or {}
    kind = info.get("type") or info.get("orderType")
    if kind:
        return str(kind)
    for row in _rows(doc):
        for response in row.get("detailedResults") or []:
            if "votedFor" in response:
                return "Compare"
            if "selectedCategory" in response:
                return "Classification"
    raise ValueError("cannot tell the task type: the document has no info.type and no recognisable responses")


def _metadata(row: Mapping[str, Any]) -> dict[str, Any]:
    meta = row.get("privateMetadata")
    return dict(meta) if isinstance(meta, Mapping) else {}


_USER_COLUMNS = ("labeler_id", "user_score", "country", "language", "age", "gender", "occupation")
"""The columns :func:`_user_values` gives, in order."""


def _user_values(response: Mapping[str, Any]) -> tuple[Any, ...]:
    """Who gave ``response``, in ``_USER_COLUMNS`` order (no dict per response): ``userDetails`` flattened,
    in both documented variants (``userScores.global`` and ``userScore``)."""
    details = response.get("userDetails") or {}
    scores = details.get("userScores")
    if isinstance(scores, Mapping):  # the job audience's score (what weighted the vote), else "global"
        score = next((v for k, v in scores.items() if k != "global"), scores.get("global"))
    else:
        score = details.get("userScore")
    demographics = details.get("demographics") or {}
    if "userId" in response:
        labeler = response["userId"]
    else:
        labeler = response.get("labelerId", details.get("userId"))
    return (
        labeler,
        score,
        details.get("country"),
        details.get("language"),
        demographics["age"] if "age" in demographics else details.get("age"),
        demographics["gender"] if "gender" in demographics else details.get("gender"),
        demographics["occupation"] if "occupation" in demographics else details.get("occupation"),
    )


def option_column(option: str) -> str:
    """snake_case column suffix for an answer option (``"Dog"`` → ``"dog"``, ``"4 stars"`` →
    ``"4_stars"``)."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", str(option)).strip("_").lower()
    return text or "option"


def _argmax(values: Sequence[float], names: Sequence[str]) -> str | None:
    """The name with the largest value; ``None`` on a tie or when every value is 0."""
    if not names:
        return None
    arr = np.asarray(values, dtype=float)
    top = arr.max()
    if top <= 0 or int((arr == top).sum()) > 1:
        return None
    return names[int(arr.argmax())]


def _frame(records: list[dict[str, Any]], labels: pd.Index | None) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
    if "n_responses" in frame.columns:  # rows may differ in optional columns; keep the count last
        frame = frame[[c for c in frame.columns if c != "n_responses"] + ["n_responses"]]
    if labels is not None:
        frame.index = labels
    return frame


def _drop_empty(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Drop optional columns that are missing in every row (e.g. ``context`` when no context was given)."""
    empty = [c for c in columns if c in frame.columns and frame[c].isna().all()]
    return frame.drop(columns=empty)


# --------------------------------------------------------------------------------------------------- compare
def _compare_assets(row: Mapping[str, Any]) -> list[str]:
    """A then B, from ``aggregatedResults`` (keys in A/B order) or ``assetUrls``, without Both/Neither."""
    for key in ("aggregatedResults", "assetUrls"):
        values = row.get(key)
        if isinstance(values, Mapping):
            names = [k for k in values if k not in _EXTRA_OPTIONS]
            if len(names) == 2:
                return names
    raise ValueError(f"compare result row has no A/B assets: {sorted(row)}")


def _side_of(choice: Any, assets: Sequence[str]) -> str | None:
    if choice in _EXTRA_OPTIONS:
        return str(choice)
    if choice == assets[0]:
        return "A"
    if choice == assets[1]:
        return "B"
    return None


def _compare_record(row: Mapping[str, Any]) -> dict[str, Any]:
    assets = _compare_assets(row)
    counts = row.get("aggregatedResults") or {}
    ratios = row.get("aggregatedResultsRatios") or {}
    scores = row.get("summedUserScores") or {}
    weighted = row.get("summedUserScoresRatios") or {}
    confidence = row.get("confidencePerCategory")
    extras = [o for o in _EXTRA_OPTIONS if o in counts]
    sides = ["A", "B", *extras]
    keys = [*assets, *extras]

    winner = (
        _side_of(row["winner"], assets)
        if "winner" in row
        else _argmax([counts.get(k, 0) for k in keys], sides)
    )
    if "weightedWinner" in row:
        weighted_winner = _side_of(row["weightedWinner"], assets)
    else:
        weighted_winner = _argmax([scores.get(k, 0.0) for k in keys], sides)
    record: dict[str, Any] = {
        "asset_a": assets[0],
        "asset_b": assets[1],
        "context": row.get("context"),
        "winner": winner,
        "weighted_winner": weighted_winner,
    }
    for side, key in zip(sides, keys, strict=True):
        suffix = side.lower()
        record[f"votes_{suffix}"] = int(counts.get(key, 0))
    for side, key in zip(sides, keys, strict=True):
        record[f"ratio_{side.lower()}"] = float(ratios.get(key, 0.0))
    for side, key in zip(sides, keys, strict=True):
        record[f"score_{side.lower()}"] = float(scores.get(key, 0.0))
    for side, key in zip(sides, keys, strict=True):
        record[f"weighted_ratio_{side.lower()}"] = float(weighted.get(key, 0.0))
    if isinstance(confidence, Mapping):
        for side, key in zip(sides, keys, strict=True):
            record[f"confidence_{side.lower()}"] = float(confidence.get(key, 0.0))
    record["n_responses"] = int(sum(int(v) for v in counts.values()))
    return record


# --------------------------------------------------------------------------------------------------- classifi
def _classification_record(row: Mapping[str, Any]) -> dict[str, Any]:
    counts = row.get("aggregatedResults") or {}
    ratios = row.get("aggregatedResultsRatios") or {}
    scores = row.get("summedUserScores") or {}
    weighted = row.get("summedUserScoresRatios") or {}
    confidence = row.get("confidencePerCategory")
    options = list(counts)
    columns = {option: option_column(option) for option in options}
    if len(set(columns.values())) < len(columns):  # two options collapse to one name: keep them verbatim
        columns = {option: str(option) for option in options}
    record: dict[str, Any] = {
        "asset": row.get("originalFileName") or row.get("identifier") or row.get("assetUrl"),
        "context": row.get("context"),
        "winner": _argmax([counts[o] for o in options], options),
        "weighted_winner": _argmax([scores.get(o, 0.0) for o in options], options),
    }
    for prefix, values, cast in (
        ("votes", counts, int),
        ("ratio", ratios, float),
        ("score", scores, float),
        ("weighted_ratio", weighted, float),
        ("confidence", confidence, float),
    ):
        if not isinstance(values, Mapping):
            continue
        for option in options:
            record[f"{prefix}_{columns[option]}"] = cast(values.get(option, 0))
    record["n_responses"] = int(sum(int(v) for v in counts.values()))
    return record


# --------------------------------------------------------------------------------------------------- other ty
def _asset_name(row: Mapping[str, Any]) -> Any:
    return row.get("originalFileName") or row.get("identifier") or row.get("assetUrl") or row.get("asset")


def _generic_record(row: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """Locate / Draw / SelectWords / FreeText rows: the asset, the aggregate the server computed, the raw
    answers."""
    responses = row.get("detailedResults") or []
    n = int(row.get("responseCount", len(responses)))
    record: dict[str, Any] = {"asset": _asset_name(row), "context": row.get("context")}
    if kind == "SelectWords":
        ratios = row.get("aggregatedResultsRatios") or {}
        record["sentence"] = row.get("sentence")
        record["selected_words"] = [word for word, ratio in ratios.items() if float(ratio) > 0.5]
        record["word_votes"] = dict(row.get("aggregatedResults") or {})
        record["no_mistake"] = int(row.get("noMistakeCount", 0))
    elif kind == "Locate":
        record["clusters"] = list(row.get("clusters") or [])
    elif kind == "Draw":
        record["coverage"] = row.get("coverage")
    else:
        record["answers"] = [_value_of(r, kind) for r in responses]
    record["n_responses"] = n
    return record


_VALUE_KEYS = {
    "Compare": ("votedFor",),
    "Classification": ("selectedCategory",),
    "Locate": ("points", "coordinates"),
    "Draw": ("lines", "boxes"),
    "SelectWords": ("selectedWords", "selectedIndices"),
    "FreeText": ("answer", "text"),
}


def _value_of(response: Mapping[str, Any], kind: str) -> Any:
    for key in _VALUE_KEYS.get(kind, ()):
        if key in response:
            return response[key]
    return None


def _ranking_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ranking: one row per (group, asset), assets in the order they were sent."""
    records: list[dict[str, Any]] = []
    for position, row in enumerate(rows):
        scores = row.get("scores") or {}
        ranks = row.get("ranks") or {}
        wins = row.get("aggregatedResults") or {}
        comparisons = row.get("comparisons") or {}
        ratios = row.get("aggregatedResultsRatios") or {}
        for asset in scores:
            records.append(
                {
                    "group": row.get("group", position),
                    "context": row.get("context"),
                    "asset": asset,
                    "score": float(scores[asset]),
                    "rank": int(ranks.get(asset, 0)),
                    "wins": int(wins.get(asset, 0)),
                    "comparisons": int(comparisons.get(asset, 0)),
                    "win_rate": float(ratios.get(asset, 0.0)),
                }
            )
    return records


# --------------------------------------------------------------------------------------------------- public
@collection_paused()  # a document's records are a big acyclic tree (rapidata_nb._gc)
def results_frame(doc: Mapping[str, Any], index: pd.Index | None = None) -> pd.DataFrame:
    """One row per datapoint, indexed like the source frame.

    Compare columns: ``asset_a, asset_b, context, winner, weighted_winner, votes_a, votes_b, ratio_a, ratio_b,
    score_a, score_b, weighted_ratio_a, weighted_ratio_b`` (+ ``confidence_a, confidence_b`` with early
    stopping, ``*_both``/``*_neither`` with ``AllowNeitherBothSetting``), ``n_responses``. ``winner`` is
    ``"A"``, ``"B"`` (``"Both"``/``"Neither"``) or ``None`` on a tie; ``score_*`` are summed user scores.

    Classification columns: ``asset, context, winner, weighted_winner``, then ``votes_<option>``,
    ``ratio_<option>``, ``score_<option>``, ``weighted_ratio_<option>`` (+ ``confidence_<option>``) per answer
    option (option names in snake_case), ``n_responses``.

    Locate: ``asset, context, clusters`` (``[{x, y, count, ratio}]``, coordinates in [0, 1]), ``n_responses``.
    Draw: ``asset, context, coverage`` (grid of the share of responses covering each cell), ``n_responses``.
    SelectWords: ``asset, sentence, selected_words`` (marked by more than half the responses), ``word_votes``,
    ``no_mistake`` (responses that marked nothing), ``n_responses``. FreeText: ``asset, context, answers``,
    ``n_responses``. Ranking: one row per (group, asset) in the order sent: ``group, context, asset, score,
    rank, wins, comparisons, win_rate``.

    ``context`` is dropped when no row has one.

    Args:
        doc: The result document (``job.get_results()``).
        index: The source frame's index. With it, labels map back exactly (timestamps included) and rows come
            in source order; without it, labels are decoded from the JSON text.

    Returns:
        The tidy frame; empty when the document has no results.
    """
    rows = _rows(doc)
    if not rows:
        return pd.DataFrame()
    kind = result_kind(doc)
    if kind == "Ranking":  # no private metadata on rankings: the rank job maps rows back by position
        records, texts = _ranking_records(rows), []
    else:
        if kind == "Compare":
            records = [_compare_record(r) for r in rows]
        elif kind == "Classification":
            records = [_classification_record(r) for r in rows]
        else:
            records = [_generic_record(r, kind) for r in rows]
        texts = [_metadata(r).get(INDEX_KEY) for r in rows]
    frame = _drop_empty(_frame(records, _labels_for(texts, index)), ["context", "sentence"])
    if index is not None and not frame.empty and frame.index.is_unique and kind != "Ranking":
        frame = frame.reindex([label for label in index if label in frame.index])
    return frame


@collection_paused()
def responses_frame(doc: Mapping[str, Any], index: pd.Index | None = None) -> pd.DataFrame:
    """One row per labeler response.

    Columns: ``item`` (the source index label, or the datapoint position when the document carries none; the
    group for rankings), ``labeler_id`` (when the server reports it), ``choice``
    (``"A"``/``"B"``/``"Both"``/``"Neither"`` for compare, the option for classification) or ``value``
    (points, lines, words, text), ``user_score``, ``country``, ``language``, ``age``, ``gender``,
    ``occupation``, ``side_shown`` (compare: the side shown first, when reported), ``time`` (when reported).
    Optional columns that are empty for every response are dropped. Compare and ranking responses also carry
    ``asset_a``/``asset_b`` (for rankings: the pair shown, ``choice`` in ``A``/``B``).

    When models gave the job verdicts (``job.add_model_verdicts``), they are rows too, after each item's
    people, and a ``labeler_kind`` column tells them apart: ``"human"`` for the crowd, ``"model"`` for a
    model, whose name is its ``labeler_id`` (``probability_a``: its probability of A, when it gave one).

    Args:
        doc: The result document.
        index: The source frame's index, to map labels back exactly.
    """
    rows = _rows(doc)
    if not rows:
        return pd.DataFrame()
    kind = result_kind(doc)
    texts = [_metadata(r).get(INDEX_KEY) for r in rows]
    labels = _labels_for(texts, index)
    with_models = any(
        r.get("modelResults") or any(d.get("labelerKind") == "model" for d in r.get("detailedResults") or [])
        for r in rows
    )
    # built column by column (one list each, appended in one pass): a record dict per response, then
    # DataFrame.from_records, was most of the time of a 100,000-response frame (issue 14)
    paired = kind in ("Ranking", "Compare")
    head = (
        ("asset_a", "asset_b", "choice")
        if paired
        else ("choice",)
        if kind == "Classification"
        else ("value",)
    )
    names = ["item", *head, *_USER_COLUMNS, "side_shown", "time"]
    if with_models:
        names += ["labeler_kind", "probability_a"]
    columns: dict[str, list[Any]] = {name: [] for name in names}
    item_col, time_col, shown_col = columns["item"], columns["time"], columns["side_shown"]
    user_cols = [columns[name] for name in _USER_COLUMNS]
    first = columns[head[0]]
    for position, row in enumerate(rows):
        item = labels[position] if labels is not None else row.get("group", position)
        assets = _compare_assets(row) if kind == "Compare" else None
        for response in [*(row.get("detailedResults") or []), *(row.get("modelResults") or [])]:
            item_col.append(item)
            if kind == "Ranking":
                a, b = (list(response.get("pair") or []) + [None, None])[:2]
                columns["asset_a"].append(a)
                columns["asset_b"].append(b)
                columns["choice"].append(_side_of(response.get("votedFor"), [a, b]))
            elif assets is not None:
                columns["asset_a"].append(assets[0])
                columns["asset_b"].append(assets[1])
                columns["choice"].append(_side_of(response.get("votedFor"), assets))
            elif kind == "Classification":
                first.append(response.get("selectedCategory"))
            else:
                first.append(_value_of(response, kind))
            for column, value in zip(user_cols, _user_values(response), strict=True):
                column.append(value)
            shown = response.get("shownFirst", response.get("sideShown"))
            if assets is not None and shown is not None:
                shown = _side_of(shown, assets) or shown
            shown_col.append(shown)
            time_col.append(response.get("createdAt") or None)
            if with_models:
                columns["labeler_kind"].append(response.get("labelerKind", "human"))
                columns["probability_a"].append(response.get("probabilityA"))
    frame = pd.DataFrame(columns) if item_col else pd.DataFrame(columns=["item"])
    if "time" in frame:  # one parse for the column: per response it dominated big downloads
        frame["time"] = pd.to_datetime(frame["time"], format="ISO8601", utc=True)
    return _drop_empty(
        frame,
        ["labeler_id", "age", "gender", "occupation", "side_shown", "time", "user_score", "probability_a"],
    )
