"""Who labels, and the standings humans produced: custom audiences and leaderboards.

Creating an audience spends nothing: it records who may qualify and the examples that decide it; labelers
are recruited once a job runs on it (``start_job(job_id, audience_id=...)``). Leaderboards are read here
only, because adding a model to one starts its matchups at once, with no draft to confirm: do that from the
SDK (``client.mri``), where the cost is explicit.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import pandas as pd
from pydantic import Field, StringConstraints

from rapidata_nb.client import (
    CountryFilter,
    LanguageFilter,
    RapidataAudience,
    RapidataBenchmark,
    RapidataError,
    RapidataFilter,
    RapidataLeaderboard,
)
from rapidata_nb.mcp._base import Toolbox, ToolError, reported
from rapidata_nb.mcp.schemas import (
    MAX_EXAMPLES,
    Audience,
    AudienceId,
    AudienceList,
    ClassificationExample,
    ComparisonExample,
    Example,
    Leaderboard,
    LeaderboardList,
    Limit,
    NameContains,
    Standing,
    Standings,
)

__all__ = ["AudienceTools"]

_NOT_FOUND = (400, 404)
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2)]
BenchmarkId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(description="The benchmark_id list_leaderboards shows."),
]
LeaderboardId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(description="The leaderboard_id list_leaderboards shows."),
]


def _check_example(index: int, example: ClassificationExample | ComparisonExample) -> None:
    where = f"qualification_examples[{index}]"
    if isinstance(example, ClassificationExample):
        missing = [t for t in example.truth if t not in example.answer_options]
        if missing:
            raise ToolError(
                f"{where}.truth {missing} is not among its answer_options {example.answer_options}."
            )
    else:
        if example.pair[0] == example.pair[1]:
            raise ToolError(f"{where}.pair compares an item with itself; give two different items.")
        if example.truth not in example.pair:
            raise ToolError(f"{where}.truth must be one of the two items of its pair.")


def _filters(countries: list[str] | None, languages: list[str] | None) -> list[RapidataFilter]:
    filters: list[RapidataFilter] = []
    if countries:
        filters.append(CountryFilter(list(countries)))
    if languages:
        filters.append(LanguageFilter(list(languages)))
    return filters


def _add(audience: RapidataAudience, example: ClassificationExample | ComparisonExample) -> None:
    if isinstance(example, ClassificationExample):
        audience.add_classification_example(
            example.instruction,
            list(example.answer_options),
            example.datapoint,
            list(example.truth),
            data_type=example.data_type,
            explanation=example.explanation,
        )
    else:
        audience.add_compare_example(
            example.instruction,
            example.truth,
            list(example.pair),
            data_type=example.data_type,
            explanation=example.explanation,
        )


def _audience_row(audience: RapidataAudience, examples: int | None = None) -> Audience:
    metrics = audience.get_recruiting_metrics()
    ready = metrics.graduated > 0
    return Audience(
        audience_id=audience.id,
        name=audience.name,
        qualification_examples=examples,
        recruiting=asdict(metrics),
        next_step=None
        if ready
        else "No labeler has qualified yet; recruiting starts when a job runs on it "
        f"(start_job(job_id, audience_id='{audience.id}')).",
    )


def _leaderboard_row(benchmark: RapidataBenchmark, board: RapidataLeaderboard) -> Leaderboard:
    return Leaderboard(
        leaderboard_id=board.id,
        benchmark_id=benchmark.id,
        benchmark_name=benchmark.name,
        name=board.name,
        instruction=board.instruction,
    )


class AudienceTools(Toolbox):
    """Custom audiences with qualification examples; leaderboard standings."""

    @reported
    def create_audience(
        self,
        name: Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
            Field(description="The audience's name."),
        ],
        qualification_examples: Annotated[
            list[Example],
            Field(
                min_length=1,
                max_length=MAX_EXAMPLES,
                description="Questions with known answers; labelers qualify by answering them well. Each is "
                "{kind: 'classification', instruction, answer_options, datapoint, truth: [options]} or "
                "{kind: 'comparison', instruction, pair: [a, b], truth: a or b}.",
            ),
        ],
        countries: Annotated[
            list[Code] | None,
            Field(max_length=50, description="Only labelers from these countries (ISO codes, e.g. 'US')."),
        ] = None,
        languages: Annotated[
            list[Code] | None,
            Field(
                max_length=50, description="Only labelers speaking these languages (ISO 639-1, e.g. 'en')."
            ),
        ] = None,
        target_accuracy: Annotated[
            float | None,
            Field(ge=0, le=1, description="Accuracy on the examples needed to qualify (default 0.75)."),
        ] = None,
    ) -> Audience:
        """Create a custom audience: labelers qualify for it by answering your examples correctly.

        Spends nothing: recruiting starts when a job runs on it. Use its audience_id with start_job; then
        get_job_status shows how many labelers qualified.
        """
        for index, example in enumerate(qualification_examples):
            _check_example(index, example)
            if example.data_type == "media":
                items = [example.datapoint] if isinstance(example, ClassificationExample) else example.pair
                self.check_media(f"qualification_examples[{index}]", items)
        filters = _filters(countries, languages)
        with self.client() as client:
            audience = client.audience.create_audience(
                name, filters=filters or None, target_accuracy=target_accuracy
            )
            for example in qualification_examples:
                _add(audience, example)
            return _audience_row(audience, examples=len(qualification_examples))

    @reported
    def get_audience(self, audience_id: AudienceId) -> Audience:
        """Get an audience and its recruiting: how many labelers qualified, are qualifying or dropped."""
        with self.client() as client:
            try:
                audience = client.audience.get_audience_by_id(audience_id)
            except RapidataError as exc:
                if exc.status_code not in _NOT_FOUND:
                    raise
                raise ToolError(
                    f"audience_id {audience_id!r} does not exist: call list_audiences to see yours."
                ) from None
            if not isinstance(audience, RapidataAudience):
                raise ToolError(f"audience_id {audience_id!r} is an unlisted audience; it has no recruiting.")
            return _audience_row(audience)

    @reported
    def list_audiences(self, name_contains: NameContains = "", limit: Limit = 10) -> AudienceList:
        """List audiences you can run jobs on, newest first ('global', everyone, needs no listing)."""
        with self.client() as client:
            return AudienceList(
                audiences=[_audience_row(a) for a in client.audience.find_audiences(name_contains, limit)]
            )

    @reported
    def list_leaderboards(self, name_contains: NameContains = "", limit: Limit = 10) -> LeaderboardList:
        """List the leaderboards of your benchmarks (models ranked by human votes), newest benchmark first."""
        with self.client() as client:
            rows = [
                _leaderboard_row(benchmark, board)
                for benchmark in client.mri.find_benchmarks(name_contains, limit)
                for board in benchmark.leaderboards
            ]
            return LeaderboardList(leaderboards=rows[:limit])

    @reported
    def get_leaderboard_standings(
        self,
        benchmark_id: BenchmarkId,
        leaderboard_id: LeaderboardId,
        countries: Annotated[
            list[Code] | None,
            Field(max_length=50, description="Only votes of labelers from these countries."),
        ] = None,
        languages: Annotated[
            list[Code] | None, Field(max_length=50, description="Only votes of labelers speaking these.")
        ] = None,
    ) -> Standings:
        """Get a leaderboard's standings, best first: wins, matches and a score per model."""
        with self.client() as client:
            try:
                benchmark = client.mri.get_benchmark_by_id(benchmark_id)
            except RapidataError as exc:
                if exc.status_code not in _NOT_FOUND:
                    raise
                raise ToolError(
                    f"benchmark_id {benchmark_id!r} does not exist: call list_leaderboards."
                ) from None
            board = next((b for b in benchmark.leaderboards if b.id == leaderboard_id), None)
            if board is None:
                raise ToolError(
                    f"leaderboard_id {leaderboard_id!r} is not a leaderboard of benchmark {benchmark_id!r}: "
                    "call list_leaderboards."
                )
            frame = board.get_standings(country=countries, language=languages)
            standings = [
                Standing(
                    name=str(row["name"]),
                    wins=int(row["wins"]),
                    total_matches=int(row["total_matches"]),
                    score=None if pd.isna(row["score"]) else float(row["score"]),
                )
                for row in frame.to_dict("records")
            ]
            return Standings(leaderboard_id=board.id, name=board.name, standings=standings)
