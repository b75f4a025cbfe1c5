"""What the tools take and give: argument types with their limits, and the structured results.

Every limit lives in the argument's type (``maxItems``, ``maxLength``, ``minimum``...), so it is published in
the tool's input schema and checked before a tool runs: a call that breaks one gets a tool error naming the
argument and the bound, and nothing is created. Results are pydantic models, published as output schemas and
returned as ``structuredContent``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

__all__ = [
    "Audience",
    "AudienceId",
    "AudienceList",
    "ClassificationExample",
    "ComparisonExample",
    "ConfidenceThreshold",
    "Context",
    "Contexts",
    "DataType",
    "Datapoints",
    "Example",
    "Groups",
    "Instruction",
    "Item",
    "JobId",
    "JobList",
    "JobPaused",
    "JobResults",
    "JobStarted",
    "JobStatus",
    "JobSummary",
    "JudgeValidation",
    "Verdicts",
    "Leaderboard",
    "LeaderboardList",
    "Limit",
    "MAX_BUDGET",
    "MAX_DATAPOINTS",
    "MAX_EXAMPLES",
    "MAX_GROUPS",
    "MAX_GROUP_SIZE",
    "MAX_LIST_LIMIT",
    "MAX_OPTIONS",
    "MAX_RESPONSES",
    "Name",
    "NameContains",
    "Option",
    "Options",
    "Pairs",
    "ResponsesPerDatapoint",
    "ResultStatus",
    "Sentences",
    "Standing",
    "Standings",
    "TaskDraft",
]

MAX_DATAPOINTS = 500
"""Datapoints (pairs, groups) per task: larger studies belong in a notebook or script."""
MAX_RESPONSES = 100
"""Responses per datapoint (or per comparison)."""
MAX_OPTIONS = 20
"""Answer options of a classification."""
MAX_GROUPS = 50
"""Groups of a ranking task."""
MAX_GROUP_SIZE = 100
"""Items in one ranking group."""
MAX_BUDGET = 10_000
"""Comparisons per ranking group."""
MAX_LIST_LIMIT = 50
"""Rows a list tool returns."""
MAX_EXAMPLES = 50
"""Qualification examples added with one audience."""

# --- argument types -----------------------------------------------------------------------------------

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(description="Internal name of the task, to find it again (labelers never see it)."),
]
Instruction = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=250),
    Field(description="The question labelers answer, e.g. 'Which image matches the prompt better?'."),
]
Item = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
"""One datapoint: a media URL (or, over stdio, a local file path) or a text."""
Context = Annotated[str, StringConstraints(max_length=400)]
Option = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
JobId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(description="The job_id a create_*_task tool returned (or that list_jobs shows)."),
]
AudienceId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Field(description="An audience id from create_audience or list_audiences ('global': everyone)."),
]
DataType = Annotated[
    Literal["media", "text"],
    Field(description="'media': the datapoints are image/video/audio URLs; 'text': they are texts."),
]
ResponsesPerDatapoint = Annotated[
    int,
    Field(ge=1, le=MAX_RESPONSES, description="Human responses collected per datapoint (drives the cost)."),
]
Contexts = Annotated[
    list[Context] | None,
    Field(
        max_length=MAX_DATAPOINTS,
        description="Optional text shown with each datapoint (at most 400 characters); one per datapoint.",
    ),
]
ConfidenceThreshold = Annotated[
    float | None,
    Field(
        gt=0,
        lt=1,
        description="Optional early stop: a datapoint stops collecting once its leading answer reaches this "
        "confidence (e.g. 0.99); responses_per_datapoint is then the maximum.",
    ),
]
Datapoints = Annotated[
    list[Item],
    Field(
        min_length=1,
        max_length=MAX_DATAPOINTS,
        description="One datapoint each: a publicly reachable media URL, or a text with data_type='text'.",
    ),
]
Pairs = Annotated[
    list[Annotated[list[Item], Field(min_length=2, max_length=2)]],
    Field(
        min_length=1,
        max_length=MAX_DATAPOINTS,
        description="The pairs to compare, each [item_a, item_b]: media URLs (texts with data_type='text').",
    ),
]
Groups = Annotated[
    list[Annotated[list[Item], Field(min_length=2, max_length=MAX_GROUP_SIZE)]],
    Field(
        min_length=1,
        max_length=MAX_GROUPS,
        description="Groups of items, each ranked on its own (e.g. the outputs of several models for one "
        "prompt): media URLs, or texts with data_type='text'.",
    ),
]
Options = Annotated[
    list[Option],
    Field(min_length=2, max_length=MAX_OPTIONS, description="The options labelers choose from (2 or more)."),
]
Sentences = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=400)]],
    Field(
        min_length=1,
        max_length=MAX_DATAPOINTS,
        description="One sentence per datapoint; labelers select its words that match the instruction.",
    ),
]
Limit = Annotated[int, Field(ge=1, le=MAX_LIST_LIMIT, description="How many rows to return, newest first.")]
NameContains = Annotated[
    str, StringConstraints(max_length=200), Field(description="Only rows whose name contains this.")
]


class ClassificationExample(BaseModel):
    """A classification question with a known answer; labelers who answer it well qualify."""

    kind: Literal["classification"]
    instruction: Instruction
    answer_options: Annotated[list[Option], Field(min_length=2, max_length=MAX_OPTIONS)]
    datapoint: Annotated[Item, Field(description="The media URL or text shown.")]
    truth: Annotated[
        list[Option], Field(min_length=1, max_length=MAX_OPTIONS, description="The correct option(s).")
    ]
    data_type: DataType = "media"
    explanation: Annotated[str | None, StringConstraints(max_length=400)] = Field(
        None, description="Shown to a labeler who answers wrong."
    )


class ComparisonExample(BaseModel):
    """A comparison with a known better side; labelers who pick it reliably qualify."""

    kind: Literal["comparison"]
    instruction: Instruction
    pair: Annotated[list[Item], Field(min_length=2, max_length=2, description="The two items compared.")]
    truth: Annotated[Item, Field(description="The better of the two items (one of `pair`).")]
    data_type: DataType = "media"
    explanation: Annotated[str | None, StringConstraints(max_length=400)] = Field(
        None, description="Shown to a labeler who answers wrong."
    )


Example = Annotated[ClassificationExample | ComparisonExample, Field(discriminator="kind")]

# --- results ------------------------------------------------------------------------------------------

ResultStatus = Literal["not_started", "collecting", "partial", "paused", "blocked", "complete", "failed"]
"""Where a job's results stand: ``not_started`` (a draft), ``collecting`` (started, no response yet),
``partial`` (some responses), ``paused``, ``blocked`` (waits on the account or a review), ``complete``,
``failed``."""


class TaskDraft(BaseModel):
    """A task created as a draft: nothing runs and nothing is spent until start_job."""

    job_id: str = Field(description="Pass this to start_job, get_job_status and get_job_results.")
    name: str
    task_type: str = Field(description="Classification, Compare, Ranking, Locate, Draw, ...")
    status: str = Field(description="'Created': a draft that has not started.")
    datapoints: int = Field(description="Datapoints in the task: items, pairs, or groups for ranking.")
    total_responses: int = Field(description="Human responses the task collects once started: the cost.")
    estimated_cost: float = Field(description="The backend's cost estimate (0 on a local backend).")
    confirmation_required: bool = Field(
        description="Always true: confirm total_responses (and the cost) with the user before start_job."
    )
    details_url: str = Field(description="A page previewing the tasks exactly as labelers will see them.")
    next_step: str


class JobStarted(BaseModel):
    """What start_job did."""

    job_id: str
    name: str
    status: str = Field(description="The job state: Submitted, Running, Paused, Completed, ...")
    started: bool = Field(description="True when this call started (or resumed) collecting; false if it was.")
    audience_id: str
    total_responses: int
    details_url: str
    next_step: str


class JobPaused(BaseModel):
    """What pause_job did."""

    job_id: str
    name: str
    status: str
    paused: bool = Field(description="True once the job no longer collects responses.")
    next_step: str


class JobStatus(BaseModel):
    """A job's progress, without its results."""

    job_id: str
    name: str
    status: str = Field(description="'Created' for a draft, else the job state (Running, Completed, ...).")
    result_status: ResultStatus
    task_type: str
    audience_id: str | None = Field(description="Where it runs; null for a draft.")
    responses_collected: int
    total_responses: int
    tasks_total: int = Field(description="Labeling tasks: datapoints, or matchups for ranking.")
    tasks_completed: int = Field(description="Tasks that have all their responses.")
    completion_percentage: float
    details_url: str
    recruiting: dict[str, int] | None = Field(
        None,
        description="For a custom audience: labelers graduated, distilling (still qualifying), dropped and "
        "inactive.",
    )


class JobResults(BaseModel):
    """The results so far; never waits for the job."""

    job_id: str
    name: str
    status: str
    result_status: ResultStatus
    task_type: str
    responses_collected: int
    total_responses: int
    summary: dict[str, Any] = Field(description="Totals over all datapoints (per option, per side...).")
    datapoints: list[dict[str, Any]] = Field(
        description="One entry per datapoint (group for ranking): its aggregated answers; with "
        "include_details, every response and who gave it."
    )
    datapoints_total: int
    truncated: bool = Field(description="True when max_datapoints cut the list.")
    next_step: str | None = None


class JobSummary(BaseModel):
    """One row of list_jobs."""

    job_id: str
    name: str
    status: str
    result_status: ResultStatus
    task_type: str
    details_url: str


class JobList(BaseModel):
    """Tasks, newest first."""

    jobs: list[JobSummary]


class Audience(BaseModel):
    """An audience: who labels, and how far its recruiting is."""

    audience_id: str
    name: str
    qualification_examples: int | None = Field(None, description="Examples added by create_audience.")
    recruiting: dict[str, int] = Field(
        description="Labelers graduated (qualified), distilling (still qualifying), dropped and inactive."
    )
    next_step: str | None = None


class AudienceList(BaseModel):
    """Audiences, newest first (the global audience always exists as 'global')."""

    audiences: list[Audience]


class Leaderboard(BaseModel):
    """A leaderboard of a benchmark (model ranking by human votes)."""

    leaderboard_id: str
    benchmark_id: str
    benchmark_name: str
    name: str
    instruction: str


class LeaderboardList(BaseModel):
    """Leaderboards of your benchmarks."""

    leaderboards: list[Leaderboard]


class Standing(BaseModel):
    """One model on a leaderboard."""

    name: str
    wins: int
    total_matches: int
    score: float | None = Field(description="Bradley–Terry strength on an Elo-like scale; null: no matches.")


class Standings(BaseModel):
    """A leaderboard's standings, best first."""

    leaderboard_id: str
    name: str
    standings: list[Standing]


Verdicts = Annotated[
    list[str],
    Field(
        min_length=1,
        max_length=MAX_DATAPOINTS,
        description="The judge's verdict on each datapoint, in the order the task was created with: 'A', 'B' "
        "or 'tie' for a comparison (A is the first item of a pair), an option for a classification.",
    ),
]


class JudgeValidation(BaseModel):
    """How far a model judge can stand in for the people who answered the same task."""

    job_id: str
    items: int = Field(description="Datapoints with both a judge verdict and human responses.")
    agreement: float | None = Field(description="Share of items where the judge names the crowd's plurality.")
    kappa: float | None = Field(description="Cohen's kappa of the judge against the crowd's plurality.")
    kappa_interval: list[float] | None = Field(description="Its 95 % bootstrap interval over items.")
    judge_leave_one_out: float | None = Field(
        description="The judge's agreement with the plurality of the other humans, vote by vote."
    )
    human_ceiling: float | None = Field(
        description="A held-out human's agreement with the plurality of the others on the same votes: the "
        "ceiling a judge cannot be expected to beat."
    )
    position_bias: float | None = Field(
        description="Comparisons: P(judge picks the first) - P(picks the second), A shown first."
    )
    alt_test: str = Field(
        description="The Alternative Annotator Test's verdict (can the judge replace them?)."
    )
    summary: str
