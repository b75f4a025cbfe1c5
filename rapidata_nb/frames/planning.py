"""Planning a job from a DataFrame: validation that names the rows at fault, and nothing sent.

A :class:`JobPlan` is what a frame becomes before anything leaves the process: the client's job-definition
call (``client.job.create_<kind>_job_definition``) with its arguments, the frame's index (results come back
indexed by it) and, for rankings and arenas, how datapoints map back to rows. :func:`plan` builds one;
:func:`rapidata_nb.frames.submit` sends it; :func:`rapidata_nb.frames.preview` shows it.

Each rule is checked once, where it can be named best. Here: what only the frame knows (a missing column,
missing values and duplicate index labels by row, a row comparing an item with itself, rankings and arenas
by group, a ``truth=`` value that does not fit the task, by row). The client checks the arguments
themselves (the instruction, thresholds, settings) when the plan is submitted, and the server checks
everything again, because it trusts no client.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from rapidata_nb.client.simulation import given_truth
from rapidata_nb.frames.tidy import INDEX_KEY, encode_index_label

__all__ = ["DataType", "JobKind", "JobPlan", "detect_data_type", "plan"]

DataType = Literal["media", "text"]
JobKind = Literal["compare", "classify", "locate", "draw", "select_words", "free_text", "rank", "arena"]


@dataclass(frozen=True)
class JobPlan:
    """A validated job for a frame's rows, ready to send.

    Attributes:
        kind: The job method that planned it (``"compare"``, ..., ``"rank"``, ``"arena"``).
        name: The job and definition name.
        arguments: Keyword arguments of the client's job-definition method (unset ones left out).
        index: The index of the rows that became datapoints (an arena's: its pairs').
        groups: ``rank`` only: the index labels of each ranking group, in datapoint order.
        pairs: ``arena`` only: one row per compared pair (``prompt, model_a, model_b, media_a, media_b``).
        truths: What the simulated crowd is told, one value per datapoint in order (``truth=``; ``None``
            where not known), for ``client.simulation.set_truths``.
    """

    kind: JobKind
    name: str
    arguments: Mapping[str, Any]
    index: pd.Index
    groups: list[list[Hashable]] | None = None
    pairs: pd.DataFrame | None = None
    truths: list[Any] | None = None

    @property
    def definition_method(self) -> str:
        """The ``client.job`` method that creates the definition."""
        return f"create_{_DEFINITION_KIND[self.kind]}_job_definition"

    @property
    def task_type(self) -> str:
        """The task type labelers see (an arena is a compare, a rank a ranking)."""
        return {"arena": "compare", "rank": "ranking"}.get(self.kind, self.kind)


_TASK_TYPE = {
    "compare": "Compare",
    "arena": "Compare",
    "classify": "Classification",
    "locate": "Locate",
    "draw": "Draw",
    "select_words": "Select Words",
    "free_text": "Free Text",
    "rank": "Ranking",
}
"""The SDK's task type of each job method (the vocabulary of ``given_truth``)."""

_DEFINITION_KIND = {
    "compare": "compare",
    "arena": "compare",
    "classify": "classification",
    "locate": "locate",
    "draw": "draw",
    "select_words": "select_words",
    "free_text": "free_text",
    "rank": "ranking",
}


# --- the frame's rules ------------------------------------------------------------------------------------


def _start(df: pd.DataFrame, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} needs a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise ValueError(f"{what}: the frame has no rows")
    duplicated = df.index[df.index.duplicated()].unique()
    if len(duplicated):
        raise ValueError(
            f"{what}: the frame's index has duplicate labels {list(duplicated[:10])}; results are matched to "
            "rows by index label, so make it unique first (e.g. df.reset_index())"
        )


def _column(df: pd.DataFrame, column: str, what: str, role: str) -> pd.Series:
    if not isinstance(column, str) or column not in df.columns:
        raise ValueError(
            f"{what}: {role}={column!r} is not a column of the frame; columns are {list(df.columns)}"
        )
    values = df[column]
    missing = values.isna()
    if missing.any():
        rows = list(df.index[missing.to_numpy()][:10])
        raise ValueError(f"{what}: column {column!r} ({role}) has missing values in rows {rows}")
    return values


def _optional(df: pd.DataFrame, column: str | None, what: str, role: str) -> list[Any] | None:
    return None if column is None else _column(df, column, what, role).tolist()


def _media_contexts(df: pd.DataFrame, column: str | None, what: str) -> list[list[str]] | None:
    values = _optional(df, column, what, "media_context")
    return None if values is None else [[v] if isinstance(v, str) else list(v) for v in values]


def _is_media(value: str) -> bool:
    if value.startswith(("http://", "https://")):
        return True
    try:
        return len(value) < 4096 and "\n" not in value and Path(value).expanduser().exists()
    except OSError:
        return False


def detect_data_type(values: Sequence[Any], what: str = "data") -> DataType:
    """``"media"`` when every value is a URL or an existing path, ``"text"`` when none is.

    Raises:
        ValueError: Some values look like media and others do not (pass ``data_type=`` to decide).
    """
    flags = [isinstance(v, str) and _is_media(v) for v in values]
    if all(flags):
        return "media"
    if not any(flags):
        return "text"
    media = [v for v, f in zip(values, flags, strict=True) if f][:3]
    text = [v for v, f in zip(values, flags, strict=True) if not f][:3]
    raise ValueError(
        f"{what}: some values look like media ({media}) and others do not ({text}); "
        "pass data_type='media' or data_type='text'"
    )


def _metadata(df: pd.DataFrame) -> list[dict[str, str]]:
    """Each row's index label as private metadata, so results come back indexed like the frame."""
    return [{INDEX_KEY: encode_index_label(label)} for label in df.index]


def _truths(
    df: pd.DataFrame,
    column: str | None,
    what: JobKind,
    *,
    options: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    task_type: str | None = None,
) -> list[Any] | None:
    """The ``truth=`` column's values, each checked against the task (missing values: not known).

    ``names`` are the compare sides' names (``a_b_names``), which a truth may use instead of A and B;
    ``task_type`` overrides the job method's (an arena's truths are the models' scores).
    """
    if column is None:
        return None
    if not isinstance(column, str) or column not in df.columns:
        raise ValueError(
            f"{what}: truth={column!r} is not a column of the frame; columns are {list(df.columns)}"
        )
    values = []
    for label, value in df[column].items():
        if names is not None and value in names:
            value = "AB"[list(names).index(value)]
        try:
            given_truth(task_type or _TASK_TYPE[what], value, options=options)
        except ValueError as exc:
            raise ValueError(f"{what}: truth column {column!r}, row {label!r}: {exc}") from None
        values.append(value)
    return values


def _job(
    kind: JobKind, df: pd.DataFrame, name: str | None, *, truths: list[Any] | None = None, **arguments: Any
) -> JobPlan:
    return JobPlan(
        kind=kind,
        name=name or f"{kind} of {len(df)} rows",
        arguments={k: v for k, v in arguments.items() if v is not None},
        index=df.index.copy(),
        truths=truths,
    )


def _per_row(
    df: pd.DataFrame,
    what: str,
    *,
    context: str | None,
    media_context: str | None,
    responses_per_datapoint: int,
    settings: Sequence[Any] | None,
    failure_tolerance: float | None,
) -> dict[str, Any]:
    """The arguments every one-datapoint-per-row job shares."""
    return {
        "contexts": _optional(df, context, what, "context"),
        "media_contexts": _media_contexts(df, media_context, what),
        "responses_per_datapoint": responses_per_datapoint,
        "settings": list(settings) if settings is not None else None,
        "failure_tolerance": failure_tolerance,
        "private_metadata": _metadata(df),
    }


# --- one planner per job method ---------------------------------------------------------------------------


def plan_compare(
    df: pd.DataFrame,
    a: str,
    b: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    a_b_names: Sequence[str] | None = None,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    confidence_threshold: float | None = None,
    quorum_threshold: int | None = None,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.compare`."""
    what = "compare"
    _start(df, what)
    left, right = _column(df, a, what, "a"), _column(df, b, what, "b")
    same = (left.astype(str) == right.astype(str)).to_numpy()
    if same.any():
        raise ValueError(
            f"{what}: rows {list(df.index[same][:10])} compare an item with itself "
            f"(columns {a!r} and {b!r} are equal); each pair needs two different items"
        )
    if a_b_names is not None and len(a_b_names) != 2:
        raise ValueError(f"{what}: a_b_names must hold exactly two names, got {list(a_b_names)}")
    return _job(
        what,
        df,
        name,
        truths=_truths(df, truth, what, names=a_b_names),
        instruction=instruction,
        datapoints=[[x, y] for x, y in zip(left.tolist(), right.tolist(), strict=True)],
        data_type=data_type or detect_data_type(left.tolist() + right.tolist(), what),
        a_b_names=list(a_b_names) if a_b_names is not None else None,
        confidence_threshold=confidence_threshold,
        quorum_threshold=quorum_threshold,
        **_per_row(
            df,
            what,
            context=context,
            media_context=media_context,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
        ),
    )


def plan_classify(
    df: pd.DataFrame,
    column: str,
    *,
    options: Sequence[str],
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    confidence_threshold: float | None = None,
    quorum_threshold: int | None = None,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.classify`."""
    what = "classify"
    _start(df, what)
    values = _column(df, column, what, "column").tolist()
    if isinstance(options, str) or len(options) < 2:
        raise ValueError(f"{what}: options must be a list of at least two answers, got {options!r}")
    return _job(
        what,
        df,
        name,
        truths=_truths(df, truth, what, options=list(options)),
        instruction=instruction,
        answer_options=list(options),
        datapoints=values,
        data_type=data_type or detect_data_type(values, what),
        confidence_threshold=confidence_threshold,
        quorum_threshold=quorum_threshold,
        **_per_row(
            df,
            what,
            context=context,
            media_context=media_context,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
        ),
    )


def _plan_per_row(
    what: Literal["locate", "draw", "free_text"],
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None,
    media_context: str | None,
    name: str | None,
    responses_per_datapoint: int,
    settings: Sequence[Any] | None,
    failure_tolerance: float | None,
    truth: str | None,
    data_type: DataType | None = None,
) -> JobPlan:
    _start(df, what)
    values = _column(df, column, what, "column").tolist()
    return _job(
        what,
        df,
        name,
        truths=_truths(df, truth, what),
        instruction=instruction,
        datapoints=values,
        data_type=(data_type or detect_data_type(values, what)) if what == "free_text" else None,
        **_per_row(
            df,
            what,
            context=context,
            media_context=media_context,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
        ),
    )


def plan_locate(
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.locate`."""
    return _plan_per_row(
        "locate",
        df,
        column,
        instruction=instruction,
        context=context,
        media_context=media_context,
        name=name,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        failure_tolerance=failure_tolerance,
        truth=truth,
    )


def plan_draw(
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.draw`."""
    return _plan_per_row(
        "draw",
        df,
        column,
        instruction=instruction,
        context=context,
        media_context=media_context,
        name=name,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        failure_tolerance=failure_tolerance,
        truth=truth,
    )


def plan_free_text(
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.free_text`."""
    return _plan_per_row(
        "free_text",
        df,
        column,
        instruction=instruction,
        context=context,
        media_context=media_context,
        name=name,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        failure_tolerance=failure_tolerance,
        data_type=data_type,
        truth=truth,
    )


def plan_select_words(
    df: pd.DataFrame,
    column: str,
    *,
    sentence: str,
    instruction: str,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.select_words`."""
    what = "select_words"
    _start(df, what)
    return _job(
        what,
        df,
        name,
        truths=_truths(df, truth, what),
        instruction=instruction,
        datapoints=_column(df, column, what, "column").tolist(),
        sentences=_column(df, sentence, what, "sentence").astype(str).tolist(),
        responses_per_datapoint=responses_per_datapoint,
        settings=list(settings) if settings is not None else None,
        failure_tolerance=failure_tolerance,
        private_metadata=_metadata(df),
    )


def plan_rank(
    df: pd.DataFrame,
    column: str,
    *,
    by: str,
    instruction: str,
    context: str | None = None,
    comparison_budget_per_ranking: int | None = None,
    responses_per_comparison: int = 1,
    random_comparisons_ratio: float = 0.5,
    name: str | None = None,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.rank`."""
    what = "rank"
    _start(df, what)
    values = _column(df, column, what, "column")
    groups = _column(df, by, what, "by")
    datapoints: list[list[Any]] = []
    members: list[list[Hashable]] = []
    contexts: list[Any] = []
    for key, part in df.groupby(groups, sort=False):
        items = values.loc[part.index]
        duplicated = items[items.duplicated()].tolist()
        if duplicated:
            raise ValueError(f"{what}: group {key!r} holds the same item twice: {duplicated[:5]}")
        if len(items) < 2:
            raise ValueError(f"{what}: group {key!r} has a single item; a ranking needs at least two")
        datapoints.append(items.tolist())
        members.append(list(part.index))
        if context is not None:
            texts = _column(part, context, what, "context").unique()
            if len(texts) != 1:
                raise ValueError(f"{what}: context column {context!r} differs within group {key!r}")
            contexts.append(texts[0])
    largest = max(len(d) for d in datapoints)
    scores = _truths(df, truth, what)
    by_row = dict(zip(df.index, scores, strict=True)) if scores is not None else None
    ranking = _job(
        what,
        df,
        name,
        truths=[by_row[label] for group in members for label in group] if by_row is not None else None,
        instruction=instruction,
        datapoints=datapoints,
        comparison_budget_per_ranking=comparison_budget_per_ranking or largest * (largest - 1) // 2,
        responses_per_comparison=responses_per_comparison,
        random_comparisons_ratio=random_comparisons_ratio,
        data_type=data_type or detect_data_type(values.tolist(), what),
        contexts=contexts or None,
        settings=list(settings) if settings is not None else None,
        failure_tolerance=failure_tolerance,
    )
    return replace(ranking, groups=members)


def _arena_pairs(df: pd.DataFrame, models: pd.Series, outputs: pd.Series, prompts: pd.Series) -> pd.DataFrame:
    """Every pair of models per prompt, sides alternating so that no model is always A."""
    what = "arena"
    records: list[dict[str, Hashable]] = []
    for key, part in df.groupby(prompts, sort=False):
        rows = list(zip(models.loc[part.index], outputs.loc[part.index], strict=True))
        for i, j in itertools.combinations(range(len(rows)), 2):
            first, second = (rows[i], rows[j]) if len(records) % 2 == 0 else (rows[j], rows[i])
            if first[1] == second[1]:
                raise ValueError(
                    f"{what}: models {first[0]!r} and {second[0]!r} gave the same output for prompt "
                    f"{key!r}; a compare needs two different items"
                )
            records.append(
                {
                    "prompt": key,
                    "model_a": first[0],
                    "model_b": second[0],
                    "media_a": first[1],
                    "media_b": second[1],
                }
            )
    if not records:
        raise ValueError(f"{what}: no prompt has outputs from two models")
    pairs = pd.DataFrame.from_records(records)
    pairs.index.name = "pair"
    return pairs


def _arena_truths(
    df: pd.DataFrame, pairs: pd.DataFrame, truth: str | None, models: pd.Series, prompts: pd.Series
) -> list[str | None] | None:
    """Each pair's winner by the models' scores in the ``truth=`` column (``None``: a tie or not known)."""
    scores = _truths(df, truth, "arena", task_type="Ranking")
    if scores is None:
        return None
    score = dict(zip(zip(prompts, models, strict=True), scores, strict=True))
    winners: list[str | None] = []
    for prompt, a, b in zip(pairs["prompt"], pairs["model_a"], pairs["model_b"], strict=True):
        sa, sb = score[(prompt, a)], score[(prompt, b)]
        known = given_truth("Ranking", sa) is not None and given_truth("Ranking", sb) is not None
        winners.append(("A" if sa > sb else "B") if known and sa != sb else None)
    return winners


def plan_arena(
    df: pd.DataFrame,
    *,
    model: str,
    media: str,
    prompt: str,
    instruction: str,
    name: str | None = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    confidence_threshold: float | None = None,
    quorum_threshold: int | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
) -> JobPlan:
    """The plan of :func:`rapidata_nb.frames.arena`: a compare of every model pair per prompt."""
    what = "arena"
    _start(df, what)
    models = _column(df, model, what, "model")
    outputs = _column(df, media, what, "media")
    prompts = _column(df, prompt, what, "prompt")
    duplicated = pd.DataFrame({"prompt": prompts, "model": models}).duplicated(keep=False).to_numpy()
    if duplicated.any():
        raise ValueError(
            f"{what}: rows {list(df.index[duplicated][:10])} repeat a (prompt, model) combination; "
            "keep one output per model and prompt"
        )
    pairs = _arena_pairs(df, models, outputs, prompts)
    compare = plan_compare(
        pairs.assign(truth=_arena_truths(df, pairs, truth, models, prompts)),
        "media_a",
        "media_b",
        instruction=instruction,
        context="prompt",
        name=name or f"arena of {models.nunique()} models",
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        data_type=data_type,
        confidence_threshold=confidence_threshold,
        quorum_threshold=quorum_threshold,
        failure_tolerance=failure_tolerance,
        truth="truth" if truth is not None else None,
    )
    return replace(compare, kind=what, pairs=pairs)


_PLANNERS: dict[str, Callable[..., JobPlan]] = {
    "compare": plan_compare,
    "classify": plan_classify,
    "locate": plan_locate,
    "draw": plan_draw,
    "select_words": plan_select_words,
    "free_text": plan_free_text,
    "rank": plan_rank,
    "arena": plan_arena,
}
_ALIASES = {"classification": "classify", "ranking": "rank"}


def plan(df: pd.DataFrame, kind: str, *args: Any, **arguments: Any) -> JobPlan:
    """Validate a job for the frame's rows and return its :class:`JobPlan`; nothing is sent.

    Args:
        df: The frame.
        kind: The job method: ``"compare"``, ``"classify"``, ``"locate"``, ``"draw"``, ``"select_words"``,
            ``"free_text"``, ``"rank"`` or ``"arena"``.
        *args: The job method's positional column arguments (``a, b`` for compare, ``column`` for others).
        **arguments: Its keyword arguments (``instruction=``, ``options=``, ``context=``, ...); ``audience``
            and ``client`` belong to :func:`~rapidata_nb.frames.submit` and are not accepted here.

    Raises:
        ValueError: The kind is unknown, or the frame breaks a rule (the message names the rows or columns).

    Examples:
        >>> pairs = pd.DataFrame({"a": ["a red cat"], "b": ["a blue dog"]})
        >>> job_plan = plan(pairs, "compare", "a", "b", instruction="Which is cuter?")
        >>> (job_plan.definition_method, job_plan.arguments["datapoints"])
        ('create_compare_job_definition', [['a red cat', 'a blue dog']])
    """
    planner = _PLANNERS.get(_ALIASES.get(kind, kind))
    if planner is None:
        raise ValueError(f"kind must be one of {sorted(_PLANNERS) + sorted(_ALIASES)}, got {kind!r}")
    return planner(df, *args, **arguments)
