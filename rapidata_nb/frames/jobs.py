"""Jobs from DataFrames: the typed functions behind ``df.rapidata``.

Each function takes the frame first and names its columns in the arguments. It plans the job
(:mod:`rapidata_nb.frames.planning`: the frame is validated up front, and a missing column, missing values or
duplicate index labels raise a ``ValueError`` naming the rows or columns), then submits the plan: the
client creates the job definition, assigns it to an audience, and a :class:`~rapidata_nb.frames.job.Job`
comes back. The frame is never modified. Each row's index label travels as private metadata
(``__index__``), so results come back indexed like the frame (DESIGN §8).

Common keyword arguments:
    name: Job name (default: ``"<kind> of <n> rows"``).
    audience: Who labels: an audience id (``"global"``, the default), an audience object, a filtered audience,
        or a list of filters applied to the global audience.
    responses_per_datapoint: Responses to collect per row.
    confidence_threshold / quorum_threshold: Early stopping (mutually exclusive; see the SDK docs).
    settings: ``RapidataSetting`` objects.
    data_type: ``"media"`` or ``"text"``; by default detected from the values (URLs and existing paths are
        media).
    truth: A column with what is true of each row, for the simulated crowd of a rapidata_nb server (it
        cannot look at the data): compare ``"A"``/``"B"`` (or an ``a_b_names`` name), classify an option
        (or a list), locate/draw a ``Box`` (or a list), select words the wrong words' indices, free text the
        answer, rank and arena a score (higher wins). Missing values: not known. People labeling in the
        browser never see it. See ``client.simulation.set_truths``.
    client: A ``RapidataClient``; by default one shared client (embedded backend unless configured otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pandas as pd

from rapidata_nb.frames import planning
from rapidata_nb.frames.job import ArenaJob, Job, RankJob
from rapidata_nb.frames.planning import DataType, JobPlan, plan

__all__ = [
    "arena",
    "classify",
    "compare",
    "default_client",
    "draw",
    "free_text",
    "locate",
    "preview",
    "rank",
    "select_words",
    "submit",
]

_client: Any = None


def default_client() -> Any:
    """The shared ``RapidataClient`` used when no ``client=`` is given (created on first use)."""
    global _client
    if _client is None:
        from rapidata_nb.client import RapidataClient

        _client = RapidataClient()
    return _client


def _audience(client: Any, audience: Any) -> Any:
    if audience is None:
        audience = "global"
    if isinstance(audience, str):
        return client.audience.get_audience_by_id(audience)
    if isinstance(audience, (list, tuple)):
        return client.audience.get_audience_by_id("global").filter(list(audience))
    if not hasattr(audience, "assign_job"):
        raise ValueError(
            f"audience must be an id, an audience, a filtered audience or a list of filters, "
            f"got {type(audience).__name__}"
        )
    return audience


def submit(job_plan: JobPlan, *, audience: Any = None, client: Any = None) -> Job:
    """Send a plan: create its job definition, assign it to ``audience`` and return the running job.

    Args:
        job_plan: A plan from :func:`~rapidata_nb.frames.plan` (or a job method's planner).
        audience: Who labels (see the module docstring); resolved before anything is created, so a bad
            audience stores nothing.
        client: A ``RapidataClient``; by default the shared one.

    Returns:
        A :class:`Job` (a :class:`RankJob` for ``rank``, an :class:`ArenaJob` for ``arena``).
    """
    client = client if client is not None else default_client()
    target = _audience(client, audience)
    if job_plan.truths is not None and not hasattr(client, "simulation"):
        raise ValueError(
            "truth= tells a rapidata_nb server's simulated crowd the truth; this client has none"
        )
    definition = getattr(client.job, job_plan.definition_method)(name=job_plan.name, **job_plan.arguments)
    if job_plan.truths is not None:
        client.simulation.set_truths(definition, job_plan.truths)
    raw = target.assign_job(definition)
    if job_plan.groups is not None:
        return RankJob(raw, index=job_plan.index, groups=job_plan.groups, definition=definition)
    if job_plan.pairs is not None:
        return ArenaJob(raw, pairs=job_plan.pairs, definition=definition)
    return Job(raw, kind=job_plan.kind, index=job_plan.index, definition=definition)


def compare(
    df: pd.DataFrame,
    a: str,
    b: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    a_b_names: Sequence[str] | None = None,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    confidence_threshold: float | None = None,
    quorum_threshold: int | None = None,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Compare column ``a`` with column ``b`` row by row ("which one ...?").

    Args:
        df: One row per pair.
        a: Column with the first item of each pair (URL, path or text).
        b: Column with the second item.
        instruction: The question labelers answer.
        context: Column with a text shown above each pair (e.g. the prompt).
        media_context: Column with a media (or list of media) shown with each pair.
        a_b_names: Names for the two sides in the results (exactly two).
        **common: See the module docstring.

    Returns:
        The running :class:`Job`; ``job.results()`` has ``winner``, ``votes_a``, ``votes_b``, ... per row.

    Raises:
        ValueError: A column is missing or has missing values, a row compares an item with itself, or the
            index has duplicate labels.
    """
    return submit(
        planning.plan_compare(
            df,
            a,
            b,
            instruction=instruction,
            context=context,
            media_context=media_context,
            a_b_names=a_b_names,
            name=name,
            responses_per_datapoint=responses_per_datapoint,
            confidence_threshold=confidence_threshold,
            quorum_threshold=quorum_threshold,
            settings=settings,
            data_type=data_type,
            failure_tolerance=failure_tolerance,
            truth=truth,
        ),
        audience=audience,
        client=client,
    )


def classify(
    df: pd.DataFrame,
    column: str,
    *,
    options: Sequence[str],
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    confidence_threshold: float | None = None,
    quorum_threshold: int | None = None,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Classify each row's ``column`` into one of ``options``.

    Args:
        df: One row per item.
        column: Column with the item (URL, path or text).
        options: The answer options (at least two).
        instruction: The question labelers answer.
        context: Column with a text shown with each item.
        media_context: Column with a media (or list of media) shown with each item.
        **common: See the module docstring.

    Returns:
        The running :class:`Job`; ``job.results()`` has ``winner`` and ``votes_<option>``/``ratio_<option>``.
    """
    return submit(
        planning.plan_classify(
            df,
            column,
            options=options,
            instruction=instruction,
            context=context,
            media_context=media_context,
            name=name,
            responses_per_datapoint=responses_per_datapoint,
            confidence_threshold=confidence_threshold,
            quorum_threshold=quorum_threshold,
            settings=settings,
            data_type=data_type,
            failure_tolerance=failure_tolerance,
            truth=truth,
        ),
        audience=audience,
        client=client,
    )


def locate(
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Ask labelers to click on what ``instruction`` names in each row's image (``column``)."""
    return submit(
        planning.plan_locate(
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
        ),
        audience=audience,
        client=client,
    )


def draw(
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Ask labelers to draw over what ``instruction`` names in each row's image (``column``)."""
    return submit(
        planning.plan_draw(
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
        ),
        audience=audience,
        client=client,
    )


def free_text(
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None = None,
    media_context: str | None = None,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Ask labelers for a short written answer about each row's item (``column``)."""
    return submit(
        planning.plan_free_text(
            df,
            column,
            instruction=instruction,
            context=context,
            media_context=media_context,
            name=name,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            data_type=data_type,
            failure_tolerance=failure_tolerance,
            truth=truth,
        ),
        audience=audience,
        client=client,
    )


def select_words(
    df: pd.DataFrame,
    column: str,
    *,
    sentence: str,
    instruction: str,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Ask labelers which words of each row's ``sentence`` do not match its image (``column``).

    Args:
        column: Column with the image.
        sentence: Column with the sentence shown under the image.
    """
    return submit(
        planning.plan_select_words(
            df,
            column,
            sentence=sentence,
            instruction=instruction,
            name=name,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
            truth=truth,
        ),
        audience=audience,
        client=client,
    )


def rank(
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
    audience: Any = None,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> Job:
    """Rank the items of ``column`` within each group of ``by`` (one ranking per group).

    Args:
        column: Column with the items (URL, path or text); unique within each group.
        by: Column whose values form the groups (e.g. the prompt).
        context: Column with a text per group (must be constant within a group); default: none.
        comparison_budget_per_ranking: Pairwise comparisons per group; default: every pair once, ``n·(n−1)/2``
            for the largest group.
        responses_per_comparison: Responses per compared pair.
        random_comparisons_ratio: Share of the budget spent on random pairs (the rest on close scores).

    Returns:
        A :class:`RankJob`; ``job.results()`` has one row per source row: ``group, asset, score, rank, ...``.
    """
    return submit(
        planning.plan_rank(
            df,
            column,
            by=by,
            instruction=instruction,
            context=context,
            comparison_budget_per_ranking=comparison_budget_per_ranking,
            responses_per_comparison=responses_per_comparison,
            random_comparisons_ratio=random_comparisons_ratio,
            name=name,
            settings=settings,
            data_type=data_type,
            failure_tolerance=failure_tolerance,
            truth=truth,
        ),
        audience=audience,
        client=client,
    )


def arena(
    df: pd.DataFrame,
    *,
    model: str,
    media: str,
    prompt: str,
    instruction: str,
    name: str | None = None,
    audience: Any = None,
    responses_per_datapoint: int = 10,
    settings: Sequence[Any] | None = None,
    data_type: DataType | None = None,
    confidence_threshold: float | None = None,
    quorum_threshold: int | None = None,
    failure_tolerance: float | None = None,
    truth: str | None = None,
    client: Any = None,
) -> ArenaJob:
    """Every pair of models per prompt as one compare job, ready for a leaderboard.

    The frame is long: one row per (prompt, model) output. For each prompt, every pair of models that answered
    it becomes a compare datapoint with the prompt as context; sides alternate between pairs so no model is
    always A (the server also shuffles the shown order).

    Args:
        model: Column with the model name.
        media: Column with the model's output (URL, path or text).
        prompt: Column with the prompt (shown as context).
        instruction: The question, e.g. "Which image follows the prompt better?".

    Returns:
        An :class:`ArenaJob`: ``job.leaderboard()``, ``job.win_matrix()``, ``job.battles()``, ``job.pairs``.
    """
    job = submit(
        planning.plan_arena(
            df,
            model=model,
            media=media,
            prompt=prompt,
            instruction=instruction,
            name=name,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            data_type=data_type,
            confidence_threshold=confidence_threshold,
            quorum_threshold=quorum_threshold,
            failure_tolerance=failure_tolerance,
            truth=truth,
        ),
        audience=audience,
        client=client,
    )
    return cast(ArenaJob, job)


def preview(
    df: pd.DataFrame, kind: str, *args: Any, n: int | None = None, seed: int = 0, **arguments: Any
) -> Any:
    """What a labeler would see for the frame's rows, as the task-preview widget (nothing is sent).

    The frame is planned exactly as the job method plans it (same column arguments, same errors; see
    :func:`~rapidata_nb.frames.plan`), then the widget shows the datapoints one at a time; answers you give in
    it land in ``widget.answers``.

    Args:
        kind: ``"compare"``, ``"classify"``, ``"locate"``, ``"draw"``, ``"select_words"``, ``"free_text"``,
            ``"rank"`` or ``"arena"``.
        *args: The job method's positional column arguments (``a, b`` for compare, ``column`` for the others).
        n: Preview only the first ``n`` rows.
        seed: Seeds the shuffling of sides/options in the preview.
        **arguments: The job method's keyword arguments (``instruction=``, ``options=``, ``context=``, ...).

    Examples:
        >>> df.rapidata.preview("compare", "img_a", "img_b", instruction="Which?")  # doctest: +SKIP
    """
    from rapidata_nb.widgets.task_preview import TaskPreview

    frame = df if n is None else df.head(n)
    arguments.pop("audience", None)  # the job method's submit arguments: nothing is sent here
    arguments.pop("client", None)
    job_plan = plan(frame, kind, *args, **arguments)
    options = job_plan.arguments
    return TaskPreview(
        job_plan.task_type,
        options["instruction"],
        options["datapoints"],
        answer_options=options.get("answer_options"),
        a_b_names=options.get("a_b_names"),
        sentences=options.get("sentences"),
        contexts=options.get("contexts"),
        media_contexts=options.get("media_contexts"),
        data_type=options.get("data_type", "media"),
        settings=options.get("settings"),
        seed=seed,
    )
