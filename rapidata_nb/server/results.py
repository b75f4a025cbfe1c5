"""Result documents (``GET /job/{id}/download-results``), computed from the stored responses.

Compare and Classification follow the Rapidata shapes exactly (wire notes §2) so the official SDK's
``RapidataResults.to_pandas`` gives the documented columns; Locate, Draw, SelectWords, FreeText and Ranking
keep the
same skeleton ``{info, summary, results[]}`` and are documented in ``docs/results.md``.

Every aggregate comes from :mod:`rapidata_nb.engine`: votes, ratios, summed user scores, winners and
``confidencePerCategory`` from ``engine.aggregate.aggregate``; ranking scores from ``engine.ranking``.
Numbers are rounded to 4 decimals, as in the documented examples.

A document can be asked for one page at a time (``page``, ``pageSize``: datapoints in sort order). Each page
holds its datapoints' results and a ``summary`` over them, whose counts add up across pages, and says where
it stands in ``page`` (``number``, ``size``, ``totalPages``, ``totalDatapoints``). Our client downloads big
results that way, so no single request runs long; without the parameters the whole document comes at once,
as the official SDK expects. Ranking documents are small (one result per group) and always come whole.

Verdicts a model gave a compare or classification job (``store.model_responses``) are not the crowd's: each
datapoint lists them under ``modelResults`` (entries shaped like ``detailedResults``, with ``labelerKind:
"model"``, the model's name as ``userId`` and, for compare, ``probabilityA``) and no aggregate counts them.
Asked to (``include_models``), the document counts them like any vote instead, in ``detailedResults``, with a
user score of 0.5 (a new labeler's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
import orjson
from sqlalchemy import String, Text, cast, select, type_coerce
from sqlalchemy.orm import Session

from rapidata_nb.api.models.asset import AssetPart, ExistingAssetInput, TextAssetInput, asset_parts
from rapidata_nb.api.models.definition import EarlyStoppingReferee, parse_referee
from rapidata_nb.api.vocabulary import KINDS
from rapidata_nb.engine.aggregate import aggregate
from rapidata_nb.server.labeling.content import NO_MISTAKES
from rapidata_nb.server.labeling.sessions import pseudonym
from rapidata_nb.server.store import datasets as dataset_store
from rapidata_nb.server.store import model_responses
from rapidata_nb.server.store.assets import url_basename
from rapidata_nb.server.store.db import is_postgres
from rapidata_nb.server.store.definitions import get_revision, task_kind
from rapidata_nb.server.store.labeling import JobTask, Labeler, Response, utcnow
from rapidata_nb.server.store.models import Asset, Datapoint, Job, JobDefinition

__all__ = ["MAX_PAGE_SIZE", "PAGE_SIZE", "RESULT_TYPES", "build_results"]

PAGE_SIZE = 1000
"""Datapoints per page of a paged result download (about 10,000 responses at 10 per datapoint)."""
MAX_PAGE_SIZE = 10_000

RESULT_TYPES = {
    kind.value: (spelling.result_type, spelling.result_version) for kind, spelling in KINDS.items()
}
"""``info.type`` and ``info.version`` of the results document, by task kind."""
_EXTRA = ("Both", "Neither")
MODEL_SCORE = 0.5
"""The user score a model's verdict counts with when results include models."""
COVERAGE_SIZE = 10
"""Cells per side of the Draw coverage grid."""
LOCATE_RADIUS = 0.05
"""Cluster radius of Locate points, as a fraction of the image side."""


def _iso(value: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset (SQLite returns naive datetimes)."""
    return (value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _stored_iso(stored: str | datetime) -> str:
    """ISO 8601 in UTC with an offset. SQLite's text (``2026-12-03 14:46:55.123456``, always UTC) is
    rewritten, not parsed: parsing dominated the download of big results."""
    if isinstance(stored, datetime):
        return _iso(stored)
    return stored.replace(" ", "T", 1) + "+00:00"


def _r(x: float) -> float:
    return round(float(x), 4)


@dataclass(frozen=True)
class _AssetRef:
    """One asset of a datapoint: its result key (original name, URL basename or text) and hosted URL."""

    key: str
    url: str | None


class _Vote(NamedTuple):
    """One response, flattened (a tuple: a big job builds 100,000s of them)."""

    datapoint: int
    answer: dict[str, Any]
    score: float
    details: dict[str, Any]
    labeler_id: str
    created_at: str
    shown_order: list[int] | None
    item_a: str | None = None
    item_b: str | None = None
    probability_a: float | None = None
    model: bool = False


class _Context:
    """What every document builder needs: the job, its revision, datapoints, assets and responses."""

    def __init__(
        self,
        session: Session,
        job: Job,
        base_url: str,
        page: tuple[int, int] | None = None,
        *,
        include_models: bool = False,
    ) -> None:
        definition = session.get(JobDefinition, job.definition_id)
        assert definition is not None
        self.job = job
        self.base_url = base_url
        self.revision = get_revision(session=session, definition=definition, number=job.revision_number)
        self.workflow: dict[str, Any] = self.revision.workflow
        self.kind = task_kind(self.workflow)
        self.flags = {f["key"]: f["value"] for f in self.revision.rapid_feature_flags or []}
        self.paged = page is not None and self.kind != "ranking"
        offset, limit = page if page is not None and self.paged else (0, None)
        self.datapoints = _datapoints(session, self.revision.dataset_id, offset=offset, limit=limit)
        self.groups = dataset_store.list_groups(session=session, dataset_id=self.revision.dataset_id)
        self.index = {dp.id: i for i, dp in enumerate(self.datapoints)}
        # each datapoint's asset parts, parsed once (a builder reads them per datapoint, the names here)
        self.parts = [asset_parts((_segment(dp, "asset") or {}).get("asset")) for dp in self.datapoints]
        names = {p.name for parts in self.parts for p in parts if isinstance(p, ExistingAssetInput)}
        names |= {n for g in self.groups.values() for s in g.segments for n in _file_names(s)}
        self.assets = _assets(session, names)
        score_key = job.audience_id
        self.votes = self._load_votes(session, score_key)
        self.model_votes = self._load_model_votes(session, score_key)
        if include_models:
            self.votes, self.model_votes = self.votes + self.model_votes, []

    def _load_votes(self, session: Session, score_key: str) -> list[_Vote]:
        # plain columns rather than ORM objects, and the JSON columns as text for orjson (the stdlib decoder
        # was a third of the time): a big job has 100,000s of responses (bench_big_results.py)
        query = (
            select(
                Response.datapoint_id,
                Response.task_id,
                cast(Response.answer, Text),
                cast(Response.shown_order, Text),
                Response.user_score,
                Response.created_at if is_postgres(session) else type_coerce(Response.created_at, String),
                Response.labeler_id,
            )
            .where(Response.job_id == self.job.id)
            .order_by(Response.seq, Response.created_at, Response.id)
        )
        if self.paged:
            query = query.where(Response.datapoint_id.in_(list(self.index)))
        rows = session.connection().execute(query).all()  # Core rows: no ORM bookkeeping per row
        pairs: dict[str, tuple[str | None, str | None]] = {}
        if self.kind == "ranking":
            tasks = session.execute(
                select(JobTask.id, JobTask.item_a, JobTask.item_b).where(JobTask.job_id == self.job.id)
            )
            pairs = {t.id: (t.item_a, t.item_b) for t in tasks}
        people = self._labelers(session, {row.labeler_id for row in rows}, customer_id=self.job.owner_id)
        index, ranking, votes, loads = self.index, self.kind == "ranking", [], orjson.loads
        for datapoint_id, task_id, answer, shown, score, created, labeler_id in rows:
            item_a, item_b = pairs.get(task_id, (None, None)) if ranking else (None, None)
            position = index.get((item_a if ranking else datapoint_id) or "", -1)
            if position < 0:
                continue
            country, language, global_score, demographics, named = people[labeler_id]
            details = {
                "country": country,
                "language": language,
                # the job's audience score, plus the labeler's global score as the docs show it
                "userScores": {"global": global_score, score_key: round(score, 4)},
                "demographics": demographics,
            }
            votes.append(
                _Vote(
                    position,
                    (loads(answer) if answer else None) or {},
                    score,
                    details,
                    named,
                    _stored_iso(created),
                    loads(shown) if shown else None,
                    item_a,
                    item_b,
                )
            )
        return votes

    def _load_model_votes(self, session: Session, score_key: str) -> list[_Vote]:
        """The verdicts models gave this job's datapoints (none for other kinds)."""
        if self.kind not in ("compare", "classify"):
            return []
        votes = []
        for response, model in model_responses.model_responses(session=session, job_id=self.job.id):
            position = self.index.get(response.datapoint_id or "", -1)
            if position < 0:
                continue
            details = {"userScores": {"global": MODEL_SCORE, score_key: MODEL_SCORE}}
            created = _iso(response.created_at)
            votes.append(
                _Vote(
                    position,
                    response.answer,
                    MODEL_SCORE,
                    details,
                    model,
                    created,
                    response.shown_order,
                    probability_a=response.probability_a,
                    model=True,
                )
            )
        return votes

    @staticmethod
    def _labelers(
        session: Session, ids: set[str], *, customer_id: str
    ) -> dict[str, tuple[str, str, float, dict[str, str], str]]:
        """Country, language, global score, demographics and the name this customer knows them by, of each
        labeler, read once per labeler."""
        found = {}
        listed = sorted(ids)
        for start in range(0, len(listed), 900):  # below SQLite's limit of bound parameters
            for p in session.execute(
                select(
                    Labeler.id,
                    Labeler.country,
                    Labeler.language,
                    Labeler.global_score,
                    Labeler.age,
                    Labeler.gender,
                    Labeler.occupation,
                    Labeler.kind,
                    Labeler.resume_hash,
                ).where(Labeler.id.in_(listed[start : start + 900]))
            ):
                demographics = {"age": p.age, "gender": p.gender, "occupation": p.occupation}
                named = pseudonym(
                    customer_id=customer_id, labeler_id=p.id, kind=p.kind, resume_hash=p.resume_hash
                )
                found[p.id] = (p.country, p.language, _r(p.global_score), demographics, named)
        return found

    def asset_refs(self, row: int) -> list[_AssetRef]:
        """The assets of the ``asset`` segment of datapoint ``row``, in order."""
        return [self._ref(a) for a in self.parts[row]]

    def _ref(self, leaf: AssetPart) -> _AssetRef:
        if isinstance(leaf, TextAssetInput):
            return _AssetRef(key=leaf.text, url=None)
        asset = self.assets.get(leaf.name)
        if asset is None:
            return _AssetRef(key=leaf.name, url=None)
        if asset.kind == "url" and asset.url:
            return _AssetRef(key=asset.original_name or url_basename(asset.url), url=asset.url)
        return _AssetRef(key=asset.original_name, url=f"{self.base_url}/assets/{asset.file_name}")

    def instruction(self) -> str | None:
        """The instruction shown to labelers."""
        if self.kind == "ranking":
            return self.workflow.get("criteria")
        rapid = self.workflow.get("rapid") or {}
        for key in ("criteria", "title", "target", "question"):
            binding = rapid.get(key)
            if isinstance(binding, dict) and binding.get("literal") is not None:
                return str(binding["literal"])
        return None

    def info(self) -> dict[str, Any]:
        """The ``info`` block."""
        type_name, version = RESULT_TYPES[self.kind]
        return {
            "type": type_name,
            "name": self.job.name,
            "instruction": self.instruction(),
            "version": version,
            "createdAt": utcnow().isoformat(),
            "jobId": self.job.id,
            "definitionId": self.job.definition_id,
            "audienceId": self.job.audience_id,
            "state": self.job.state,
        }

    def by_datapoint(self, votes: Sequence[_Vote] | None = None) -> list[list[_Vote]]:
        """Votes (the crowd's, by default) grouped by datapoint position."""
        out: list[list[_Vote]] = [[] for _ in self.datapoints]
        for v in self.votes if votes is None else votes:
            out[v.datapoint].append(v)
        return out

    @property
    def early_stopping(self) -> bool:
        """Whether the referee is an ``EarlyStoppingReferee`` (adds ``confidencePerCategory``)."""
        return isinstance(parse_referee(self.revision.referee), EarlyStoppingReferee)


class _Datapoint(NamedTuple):
    """The columns of a datapoint a document reads (plain rows: a page holds up to 10,000)."""

    id: str
    segments: list[dict[str, Any]]
    group: str | None
    private_metadata: dict[str, str] | None


class _AssetRow(NamedTuple):
    """The columns of an asset a document reads."""

    file_name: str
    kind: str
    url: str | None
    original_name: str


def _datapoints(session: Session, dataset_id: str, *, offset: int, limit: int | None) -> list[_Datapoint]:
    """The dataset's datapoints in sort order (``limit`` from ``offset``), JSON columns read as text and
    decoded with orjson, as responses are."""
    query = (
        select(
            Datapoint.id,
            cast(Datapoint.segments, Text),
            Datapoint.group,
            cast(Datapoint.private_metadata, Text),
        )
        .where(Datapoint.dataset_id == dataset_id)
        .order_by(Datapoint.sort_index, Datapoint.created_at, Datapoint.id)
        .offset(offset)
        .limit(limit)
    )
    loads = orjson.loads
    return [
        _Datapoint(dp_id, loads(segments) if segments else [], group, loads(meta) if meta else None)
        for dp_id, segments, group, meta in session.connection().execute(query)
    ]


def _assets(session: Session, names: set[str]) -> dict[str, _AssetRow]:
    """The named assets by ``fileName``, a bounded number of names per query."""
    listed, found = sorted(names), {}
    columns = (Asset.file_name, Asset.kind, Asset.url, Asset.original_name)
    for start in range(0, len(listed), 5000):
        chunk = listed[start : start + 5000]
        found.update(
            (row[0], _AssetRow(*row))
            for row in session.execute(select(*columns).where(Asset.file_name.in_(chunk)))
        )
    return found


def _segment(dp: _Datapoint, key: str) -> dict[str, Any] | None:
    return next((s for s in dp.segments if s.get("key") == key), None)


def _text(dp: _Datapoint, key: str) -> str | None:
    seg = _segment(dp, key)
    return seg.get("text") if seg else None


def _file_names(segment: dict[str, Any] | None) -> list[str]:
    return [a.name for a in asset_parts((segment or {}).get("asset")) if isinstance(a, ExistingAssetInput)]


def _unique_keys(refs: Sequence[_AssetRef]) -> list[str]:
    """Result keys of several assets; equal names fall back to the URL, then get a ``#n`` suffix."""
    keys = [r.key for r in refs]
    if len(set(keys)) == len(keys):
        return keys
    keys = [r.url or r.key for r in refs]
    seen: dict[str, int] = defaultdict(int)
    out = []
    for k in keys:
        seen[k] += 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def _user(v: _Vote) -> dict[str, Any]:
    user: dict[str, Any] = {"userDetails": v.details, "userId": v.labeler_id, "createdAt": v.created_at}
    if v.model:
        user["labelerKind"] = "model"
    return user


def _with_models(result: dict[str, Any], entries: list[dict[str, Any]]) -> None:
    """List the (uncounted) model verdicts of a datapoint, if it has any."""
    if entries:
        result["modelResults"] = entries


def _metric_block(
    names: Sequence[str], counts: np.ndarray, agg: Any, row: int, confidence: bool
) -> dict[str, Any]:
    block = {
        "aggregatedResults": {n: int(agg.counts[row, i]) for i, n in enumerate(names)},
        "aggregatedResultsRatios": {n: _r(agg.counts_ratios[row, i]) for i, n in enumerate(names)},
        "summedUserScores": {n: _r(agg.summed_scores[row, i]) for i, n in enumerate(names)},
        "summedUserScoresRatios": {n: _r(agg.summed_scores_ratios[row, i]) for i, n in enumerate(names)},
    }
    if confidence:
        block["confidencePerCategory"] = {n: _r(agg.confidence[row, i]) for i, n in enumerate(names)}
    return block


# --- Compare ------------------------------------------------------------------------------------------------


def _compare(ctx: _Context) -> dict[str, Any]:
    identifiers = (ctx.workflow.get("rapid") or {}).get("indexIdentifiers")
    extra = list(_EXTRA) if "compare_unsure" in ctx.flags else []
    per_dp = ctx.by_datapoint()
    models_per_dp = ctx.by_datapoint(ctx.model_votes)
    n_choices = 2 + len(extra)
    task_idx, choice_idx, scores = [], [], []
    for v in ctx.votes:
        winner = v.answer.get("winner")
        if winner in extra:
            choice = 2 + extra.index(winner)
        elif winner in (0, 1):
            choice = int(winner)
        else:
            continue
        task_idx.append(v.datapoint)
        choice_idx.append(choice)
        scores.append(v.score)
    agg = aggregate(task_idx, choice_idx, scores, len(ctx.datapoints), n_choices)
    results = []
    a_wins = b_wins = 0
    for row, dp in enumerate(ctx.datapoints):
        refs = ctx.asset_refs(row)[:2]
        keys = list(identifiers) if identifiers and len(identifiers) == 2 else _unique_keys(refs)
        names = keys + extra
        winner = int(agg.winner[row])
        weighted = int(agg.weighted_winner[row])
        a_wins += winner == 0
        b_wins += winner == 1
        result: dict[str, Any] = {
            "context": _text(dp, "context"),
            "winner": names[winner] if winner >= 0 else None,
            "winnerIndex": winner if winner >= 0 else None,
            "weightedWinner": names[weighted] if weighted >= 0 else None,
            "weightedWinnerIndex": weighted if weighted >= 0 else None,
        }
        if any(r.url for r in refs):
            result["assetUrls"] = {k: r.url for k, r in zip(keys, refs, strict=True)}
        result.update(_metric_block(names, agg.counts, agg, row, ctx.early_stopping))
        if dp.private_metadata:
            result["privateMetadata"] = dict(dp.private_metadata)
        result["detailedResults"] = [_compare_entry(v, names, keys) for v in per_dp[row]]
        _with_models(result, [_compare_entry(v, names, keys) for v in models_per_dp[row]])
        results.append(result)
    return {
        "info": ctx.info(),
        "summary": {"A_wins_total": a_wins, "B_wins_total": b_wins},
        "results": results,
    }


def _compare_entry(v: _Vote, names: Sequence[str], keys: Sequence[str]) -> dict[str, Any]:
    w = v.answer.get("winner")
    entry: dict[str, Any] = {"votedFor": names[w] if w in (0, 1) else w, **_user(v)}
    if v.shown_order:
        entry["shownFirst"] = keys[v.shown_order[0]] if v.shown_order[0] < 2 else None
    if v.probability_a is not None:
        entry["probabilityA"] = v.probability_a
    return entry


# --- Classification -----------------------------------------------------------------------------------------


def _options(ctx: _Context, dp: _Datapoint) -> list[str]:
    categories = (ctx.workflow.get("rapid") or {}).get("categories") or {}
    if categories.get("literal"):
        return [str(o.get("label")) for o in categories["literal"]]
    seg = _segment(dp, categories.get("segment") or "answer_options") or {}
    return [str(o.get("label")) for o in seg.get("options") or []]


def _single_asset(ctx: _Context, row: int) -> dict[str, Any]:
    dp = ctx.datapoints[row]
    refs = ctx.asset_refs(row)
    key = " | ".join(r.key for r in refs)
    out: dict[str, Any] = {"identifier": key, "originalFileName": key}
    url = refs[0].url if refs else None
    if url:
        out["assetUrl"] = url
    out["context"] = _text(dp, "context")
    return out


def _classification(ctx: _Context) -> dict[str, Any]:
    per_dp = ctx.by_datapoint()
    models_per_dp = ctx.by_datapoint(ctx.model_votes)
    results = []
    summary: dict[str, int] = {}
    for row, dp in enumerate(ctx.datapoints):
        options = _options(ctx, dp)
        votes = [v for v in per_dp[row] if v.answer.get("category") in options]
        agg = aggregate(
            [0] * len(votes),
            [options.index(v.answer["category"]) for v in votes],
            [v.score for v in votes],
            1,
            max(len(options), 1),
        )
        result = _single_asset(ctx, row)
        result.update(_metric_block(options, agg.counts, agg, 0, ctx.early_stopping))
        if dp.private_metadata:
            result["privateMetadata"] = dict(dp.private_metadata)
        result["detailedResults"] = [{"selectedCategory": v.answer["category"], **_user(v)} for v in votes]
        _with_models(
            result, [{"selectedCategory": v.answer["category"], **_user(v)} for v in models_per_dp[row]]
        )
        for option in options:
            summary[option] = summary.get(option, 0) + result["aggregatedResults"][option]
        results.append(result)
    return {"info": ctx.info(), "summary": summary, "results": results}


# --- Locate / Draw ------------------------------------------------------------------------------------------


def _clusters(points: list[dict[str, float]], n_responses: int) -> list[dict[str, Any]]:
    """Clusters of clicked points (``engine.spatial.cluster_points``), largest first."""
    if not points:
        return []
    from rapidata_nb.engine import spatial

    xy = np.array([[p["x"], p["y"]] for p in points], dtype=np.float64)
    labels, centres = spatial.cluster_points(xy, LOCATE_RADIUS)
    labels = np.asarray(labels)
    out = []
    for c, centre in enumerate(np.asarray(centres)):
        count = int((labels == c).sum())
        out.append(
            {"x": _r(centre[0]), "y": _r(centre[1]), "count": count, "ratio": _r(count / max(n_responses, 1))}
        )
    return sorted(out, key=lambda c: (-c["count"], c["x"], c["y"]))


def _locate(ctx: _Context) -> dict[str, Any]:
    per_dp = ctx.by_datapoint()
    results = []
    total = 0
    for row, dp in enumerate(ctx.datapoints):
        votes = per_dp[row]
        points = [p for v in votes for p in v.answer.get("points") or []]
        result = _single_asset(ctx, row)
        result["responseCount"] = len(votes)
        result["clusters"] = _clusters(points, len(votes))
        if dp.private_metadata:
            result["privateMetadata"] = dict(dp.private_metadata)
        result["detailedResults"] = [
            {"points": [{"x": _r(p["x"]), "y": _r(p["y"])} for p in v.answer.get("points") or []], **_user(v)}
            for v in votes
        ]
        total += len(votes)
        results.append(result)
    return {"info": ctx.info(), "summary": {"responseCount": total}, "results": results}


def _draw(ctx: _Context) -> dict[str, Any]:
    per_dp = ctx.by_datapoint()
    results = []
    total = 0
    for row, dp in enumerate(ctx.datapoints):
        votes = per_dp[row]
        lines = [
            [[(float(p["x"]), float(p["y"])) for p in line] for line in v.answer.get("lines") or []]
            for v in votes
        ]
        result = _single_asset(ctx, row)
        result["responseCount"] = len(votes)
        result["coverage"] = _coverage(lines)
        if dp.private_metadata:
            result["privateMetadata"] = dict(dp.private_metadata)
        result["detailedResults"] = [
            {
                "lines": [
                    [{"x": _r(p["x"]), "y": _r(p["y"])} for p in line] for line in v.answer.get("lines") or []
                ],
                **_user(v),
            }
            for v in votes
        ]
        total += len(votes)
        results.append(result)
    return {"info": ctx.info(), "summary": {"responseCount": total}, "results": results}


def _coverage(per_response: list[list[list[tuple[float, float]]]]) -> list[list[float]]:
    """Share of responses whose lines cross each cell of a ``COVERAGE_SIZE``² grid (row = y)."""
    from rapidata_nb.engine import spatial

    n = len(per_response)
    grid = np.zeros((COVERAGE_SIZE, COVERAGE_SIZE), dtype=np.float64)
    for lines in per_response:
        arrays = [np.asarray(line, dtype=np.float64).reshape(-1, 2) for line in lines if line]
        if arrays:
            grid += np.asarray(spatial.coverage_grid(arrays, COVERAGE_SIZE), dtype=np.float64) > 0
    if n:
        grid /= n
    return [[_r(x) for x in row] for row in grid]


# --- SelectWords --------------------------------------------------------------------------------------------


def _select_words(ctx: _Context) -> dict[str, Any]:
    per_dp = ctx.by_datapoint()
    results = []
    summary = {"responseCount": 0, "noMistakeCount": 0}
    rapid = ctx.workflow.get("rapid") or {}
    for row, dp in enumerate(ctx.datapoints):
        binding = rapid.get("transcription") or {}
        sentence = binding.get("literal") or _text(dp, binding.get("segment") or "transcription") or ""
        words = sentence.split(" ")
        if words[-1] == NO_MISTAKES:  # the labelers' "nothing is wrong", not a word of the sentence
            words.pop()
        keys = [w if words.count(w) == 1 else f"{w} ({i})" for i, w in enumerate(words)]
        votes = per_dp[row]
        counts = [0] * len(words)
        no_mistake = 0
        detailed = []
        for v in votes:
            indices = [int(i) for i in v.answer.get("wordIndices") or []]
            chosen = sorted({i for i in indices if 0 <= i < len(words)})
            if not chosen:
                no_mistake += 1
            for i in chosen:
                counts[i] += 1
            detailed.append(
                {"selectedWords": [words[i] for i in chosen], "selectedIndices": chosen, **_user(v)}
            )
        n = len(votes)
        result = _single_asset(ctx, row)
        result.update(
            {
                "sentence": sentence,
                "responseCount": n,
                "noMistakeCount": no_mistake,
                "aggregatedResults": dict(zip(keys, counts, strict=True)),
                "aggregatedResultsRatios": {
                    k: _r(c / n) if n else 0.0 for k, c in zip(keys, counts, strict=True)
                },
            }
        )
        if dp.private_metadata:
            result["privateMetadata"] = dict(dp.private_metadata)
        result["detailedResults"] = detailed
        summary["responseCount"] += n
        summary["noMistakeCount"] += no_mistake
        results.append(result)
    return {"info": ctx.info(), "summary": summary, "results": results}


# --- FreeText -----------------------------------------------------------------------------------------------


def _free_text(ctx: _Context) -> dict[str, Any]:
    per_dp = ctx.by_datapoint()
    results = []
    total = 0
    for row, dp in enumerate(ctx.datapoints):
        votes = per_dp[row]
        result = _single_asset(ctx, row)
        result["responseCount"] = len(votes)
        if dp.private_metadata:
            result["privateMetadata"] = dict(dp.private_metadata)
        result["detailedResults"] = [{"answer": str(v.answer.get("text", "")), **_user(v)} for v in votes]
        total += len(votes)
        results.append(result)
    return {"info": ctx.info(), "summary": {"responseCount": total}, "results": results}


# --- Ranking ------------------------------------------------------------------------------------------------


def _ranking(ctx: _Context) -> dict[str, Any]:
    from rapidata_nb.engine.ranking import elo_scores

    base = float((ctx.workflow.get("rankingConfig") or {}).get("startingScore") or 1200)
    contexts = ctx.workflow.get("contexts") or {}
    members: dict[str, list[int]] = defaultdict(list)
    for i, dp in enumerate(ctx.datapoints):
        members[dp.group or ""].append(i)
    votes_by_group: dict[str, list[_Vote]] = defaultdict(list)
    for v in ctx.votes:
        votes_by_group[ctx.datapoints[v.datapoint].group or ""].append(v)
    results = []
    total_votes = 0
    for group in sorted(members, key=lambda g: (len(g), g)):
        rows = members[group]
        refs = [(ctx.asset_refs(i) or [_AssetRef(ctx.datapoints[i].id, None)])[0] for i in rows]
        keys = _unique_keys(refs)
        local = {ctx.datapoints[i].id: k for k, i in enumerate(rows)}
        winners, losers, detailed = [], [], []
        for v in votes_by_group[group]:
            a, b = local.get(v.item_a or ""), local.get(v.item_b or "")
            w = v.answer.get("winner")
            if a is None or b is None or w not in (0, 1):
                continue
            win, lose = (a, b) if w == 0 else (b, a)
            winners.append(win)
            losers.append(lose)
            detailed.append({"votedFor": keys[win], "pair": [keys[a], keys[b]], **_user(v)})
        n = len(rows)
        elo = elo_scores(winners, losers, n, base=base)
        wins = np.bincount(np.asarray(winners, dtype=np.int64), minlength=n) if winners else np.zeros(n, int)
        games = (
            np.bincount(np.asarray(winners + losers, dtype=np.int64), minlength=n)
            if winners
            else np.zeros(n, int)
        )
        order = sorted(range(n), key=lambda k: (-elo[k], keys[k]))
        group_context = contexts.get(group)
        if group_context is None and group in ctx.groups:
            group_context = next(
                (s.get("text") for s in ctx.groups[group].segments if s.get("key") == "context"), None
            )
        result: dict[str, Any] = {"group": group, "context": group_context}
        if any(r.url for r in refs):
            result["assetUrls"] = {k: r.url for k, r in zip(keys, refs, strict=True)}
        result.update(
            {
                "scores": {keys[k]: int(round(float(elo[k]))) for k in range(n)},
                "ranks": {keys[k]: order.index(k) + 1 for k in range(n)},
                "aggregatedResults": {keys[k]: int(wins[k]) for k in range(n)},
                "comparisons": {keys[k]: int(games[k]) for k in range(n)},
                "aggregatedResultsRatios": {
                    keys[k]: _r(wins[k] / games[k]) if games[k] else 0.0 for k in range(n)
                },
                "detailedResults": detailed,
            }
        )
        total_votes += len(detailed)
        results.append(result)
    return {
        "info": ctx.info(),
        "summary": {"totalVotes": total_votes, "groups": len(results)},
        "results": results,
    }


_BUILDERS = {
    "compare": _compare,
    "classify": _classification,
    "locate": _locate,
    "draw": _draw,
    "select_words": _select_words,
    "free_text": _free_text,
    "ranking": _ranking,
}


def build_results(
    *,
    session: Session,
    job: Job,
    base_url: str,
    page: int | None = None,
    page_size: int = PAGE_SIZE,
    include_models: bool = False,
) -> dict[str, Any]:
    """The result document of ``job`` from its responses so far, whole or one page of datapoints.

    Args:
        session: An open session.
        job: The job.
        base_url: Public origin used for ``assetUrls`` of stored files (``<base_url>/assets/<fileName>``).
        page: 1-based page of datapoints (in sort order); ``None`` for the whole document.
        page_size: Datapoints per page.
        include_models: Count the verdicts models gave with the crowd's votes (module docstring).

    Returns:
        A JSON-ready dict ``{info, summary, results}`` (plus ``page`` when paged); shapes per type in
        ``docs/results.md``.
    """
    span = None if page is None else ((page - 1) * page_size, page_size)
    ctx = _Context(session, job, base_url, span, include_models=include_models)
    document = _BUILDERS[ctx.kind](ctx)
    if page is not None:
        total = dataset_store.count_datapoints(session=session, dataset_id=ctx.revision.dataset_id)
        size = page_size if ctx.paged else max(total, 1)
        document["page"] = {
            "number": page if ctx.paged else 1,
            "size": size,
            "totalPages": max(-(-total // size), 1),
            "totalDatapoints": total,
        }
    return document
