"""Jobs from DataFrames: the typed functions behind ``df.rapidata``.

Each function takes the frame first and names its columns in the arguments; it validates the frame up front
(missing columns, missing values, duplicate index labels → ``ValueError`` naming the rows/columns), builds the
client's job definition, assigns it to an audience and returns a :class:`~rapidata_nb.frames.job.Job`. The
frame is never modified. Each row's index label travels as private metadata (``__index__``), so results come
back indexed like the frame (DESIGN §8).

Common keyword arguments:
    name: Job name (default: ``"<kind> of <n> rows"``).
    audience: Who labels: an audience id (``"global"``, the default), an audience object, a filtered audience,
        or a list of filters applied to the global audience.
    responses_per_datapoint: Responses to collect per row.
    confidence_threshold / quorum_threshold: Early stopping (mutually exclusive; see the SDK docs).
    settings: ``RapidataSetting`` objects.
    data_type: ``"media"`` or ``"text"``; by default detected from the values (URLs and existing paths are
        media).
    client: A ``RapidataClient``; by default one shared client (embedded backend unless configured otherwise).
"""

from __future__ import annotations

import contextvars
import itertools
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from rapidata_nb.frames.job import ArenaJob, Job, RankJob
from rapidata_nb.frames.tidy import INDEX_KEY, encode_index_label

__all__ = [
    "arena",
    "classify",
    "compare",
    "default_client",
    "detect_data_type",
    "draw",
    "free_text",
    "locate",
    "preview",
    "rank",
    "select_words",
]

DataType = Literal["media", "text"]
_client: Any = None


def default_client() -> Any:
    """The shared ``RapidataClient`` used when no ``client=`` is given (created on first use)."""
    global _client
    if _client is None:
        from rapidata_nb.client import RapidataClient

        _client = RapidataClient()
    return _client


# --------------------------------------------------------------------------------------------------- validati
def _check_index(df: pd.DataFrame, what: str) -> None:
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
    return [{INDEX_KEY: encode_index_label(label)} for label in df.index]


def _media_contexts(df: pd.DataFrame, column: str | None, what: str) -> list[list[str]] | None:
    values = _optional(df, column, what, "media_context")
    if values is None:
        return None
    return [[v] if isinstance(v, str) else list(v) for v in values]


# --------------------------------------------------------------------------------------------------- submissi
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


class _Planned(Exception):
    """Raised by :func:`_submit` while :func:`preview` plans a job: carries the validated definition
    arguments."""

    def __init__(self, create: str, options: dict[str, Any]) -> None:
        super().__init__(create)
        self.create, self.options = create, options


_planning: contextvars.ContextVar[bool] = contextvars.ContextVar("rapidata_nb_planning", default=False)


def _submit(
    kind: str,
    df: pd.DataFrame,
    create: str,
    *,
    client: Any,
    audience: Any,
    name: str | None,
    options: dict[str, Any],
) -> tuple[Any, Any]:
    if _planning.get():  # preview(): same validation and arguments, nothing sent
        raise _Planned(create, options)
    client = client if client is not None else default_client()
    target = _audience(client, audience)  # resolve before creating anything, so a bad audience stores nothing
    options = {k: v for k, v in options.items() if v is not None}
    definition = getattr(client.job, create)(name=name or f"{kind} of {len(df)} rows", **options)
    return target.assign_job(definition), definition


def _common(
    df: pd.DataFrame,
    what: str,
    *,
    context: str | None,
    media_context: str | None,
    responses_per_datapoint: int,
    settings: Sequence[Any] | None,
    failure_tolerance: float | None,
) -> dict[str, Any]:
    return {
        "contexts": _optional(df, context, what, "context"),
        "media_contexts": _media_contexts(df, media_context, what),
        "responses_per_datapoint": responses_per_datapoint,
        "settings": list(settings) if settings is not None else None,
        "failure_tolerance": failure_tolerance,
        "private_metadata": _metadata(df),
    }


def _start(df: pd.DataFrame, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} needs a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise ValueError(f"{what}: the frame has no rows")
    _check_index(df, what)


# --------------------------------------------------------------------------------------------------- task typ
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
    datapoints = [[x, y] for x, y in zip(left.tolist(), right.tolist(), strict=True)]
    options = {
        "instruction": instruction,
        "datapoints": datapoints,
        "data_type": data_type or detect_data_type(left.tolist() + right.tolist(), what),
        "a_b_names": list(a_b_names) if a_b_names is not None else None,
        "confidence_threshold": confidence_threshold,
        "quorum_threshold": quorum_threshold,
        **_common(
            df,
            what,
            context=context,
            media_context=media_context,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
        ),
    }
    raw, definition = _submit(
        "compare",
        df,
        "create_compare_job_definition",
        client=client,
        audience=audience,
        name=name,
        options=options,
    )
    return Job(raw, kind="compare", index=df.index.copy(), definition=definition)


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
    what = "classify"
    _start(df, what)
    values = _column(df, column, what, "column").tolist()
    if isinstance(options, str) or len(options) < 2:
        raise ValueError(f"{what}: options must be a list of at least two answers, got {options!r}")
    payload = {
        "instruction": instruction,
        "answer_options": list(options),
        "datapoints": values,
        "data_type": data_type or detect_data_type(values, what),
        "confidence_threshold": confidence_threshold,
        "quorum_threshold": quorum_threshold,
        **_common(
            df,
            what,
            context=context,
            media_context=media_context,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
        ),
    }
    raw, definition = _submit(
        "classify",
        df,
        "create_classification_job_definition",
        client=client,
        audience=audience,
        name=name,
        options=payload,
    )
    return Job(raw, kind="classify", index=df.index.copy(), definition=definition)


def _media_job(
    kind: str,
    create: str,
    df: pd.DataFrame,
    column: str,
    *,
    instruction: str,
    context: str | None,
    media_context: str | None,
    name: str | None,
    audience: Any,
    responses_per_datapoint: int,
    settings: Sequence[Any] | None,
    failure_tolerance: float | None,
    client: Any,
    extra: dict[str, Any] | None = None,
) -> Job:
    _start(df, kind)
    values = _column(df, column, kind, "column").tolist()
    payload = {
        "instruction": instruction,
        "datapoints": values,
        **(extra or {}),
        **_common(
            df,
            kind,
            context=context,
            media_context=media_context,
            responses_per_datapoint=responses_per_datapoint,
            settings=settings,
            failure_tolerance=failure_tolerance,
        ),
    }
    raw, definition = _submit(kind, df, create, client=client, audience=audience, name=name, options=payload)
    return Job(raw, kind=kind, index=df.index.copy(), definition=definition)


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
    client: Any = None,
) -> Job:
    """Ask labelers to click on what ``instruction`` names in each row's image (``column``)."""
    return _media_job(
        "locate",
        "create_locate_job_definition",
        df,
        column,
        instruction=instruction,
        context=context,
        media_context=media_context,
        name=name,
        audience=audience,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        failure_tolerance=failure_tolerance,
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
    client: Any = None,
) -> Job:
    """Ask labelers to draw over what ``instruction`` names in each row's image (``column``)."""
    return _media_job(
        "draw",
        "create_draw_job_definition",
        df,
        column,
        instruction=instruction,
        context=context,
        media_context=media_context,
        name=name,
        audience=audience,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        failure_tolerance=failure_tolerance,
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
    client: Any = None,
) -> Job:
    """Ask labelers for a short written answer about each row's item (``column``)."""
    values = _column(df, column, "free_text", "column").tolist() if isinstance(df, pd.DataFrame) else []
    return _media_job(
        "free_text",
        "create_free_text_job_definition",
        df,
        column,
        instruction=instruction,
        context=context,
        media_context=media_context,
        name=name,
        audience=audience,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        failure_tolerance=failure_tolerance,
        client=client,
        extra={"data_type": data_type or detect_data_type(values, "free_text")},
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
    client: Any = None,
) -> Job:
    """Ask labelers which words of each row's ``sentence`` do not match its image (``column``).

    Args:
        column: Column with the image.
        sentence: Column with the sentence shown under the image.
    """
    what = "select_words"
    _start(df, what)
    values = _column(df, column, what, "column").tolist()
    sentences = _column(df, sentence, what, "sentence").astype(str).tolist()
    payload = {
        "instruction": instruction,
        "datapoints": values,
        "sentences": sentences,
        "responses_per_datapoint": responses_per_datapoint,
        "settings": list(settings) if settings is not None else None,
        "failure_tolerance": failure_tolerance,
        "private_metadata": _metadata(df),
    }
    raw, definition = _submit(
        what,
        df,
        "create_select_words_job_definition",
        client=client,
        audience=audience,
        name=name,
        options=payload,
    )
    return Job(raw, kind=what, index=df.index.copy(), definition=definition)


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
    what = "rank"
    _start(df, what)
    values = _column(df, column, what, "column")
    groups = _column(df, by, what, "by")
    datapoints: list[list[Any]] = []
    members: list[list[Any]] = []
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
    payload = {
        "instruction": instruction,
        "datapoints": datapoints,
        "comparison_budget_per_ranking": comparison_budget_per_ranking or largest * (largest - 1) // 2,
        "responses_per_comparison": responses_per_comparison,
        "random_comparisons_ratio": random_comparisons_ratio,
        "data_type": data_type or detect_data_type(values.tolist(), what),
        "contexts": contexts or None,
        "settings": list(settings) if settings is not None else None,
        "failure_tolerance": failure_tolerance,
    }
    raw, definition = _submit(
        what,
        df,
        "create_ranking_job_definition",
        client=client,
        audience=audience,
        name=name,
        options=payload,
    )
    return RankJob(raw, index=df.index.copy(), groups=members, definition=definition)


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
    what = "arena"
    _start(df, what)
    models = _column(df, model, what, "model")
    outputs = _column(df, media, what, "media")
    prompts = _column(df, prompt, what, "prompt")
    keys = pd.DataFrame({"prompt": prompts, "model": models})
    duplicated = keys.duplicated(keep=False).to_numpy()
    if duplicated.any():
        raise ValueError(
            f"{what}: rows {list(df.index[duplicated][:10])} repeat a (prompt, model) combination; "
            "keep one output per model and prompt"
        )
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
    job = compare(
        pairs,
        "media_a",
        "media_b",
        instruction=instruction,
        context="prompt",
        name=name or f"arena of {models.nunique()} models",
        audience=audience,
        responses_per_datapoint=responses_per_datapoint,
        settings=settings,
        data_type=data_type,
        confidence_threshold=confidence_threshold,
        quorum_threshold=quorum_threshold,
        failure_tolerance=failure_tolerance,
        client=client,
    )
    return ArenaJob(job.raw, pairs=pairs, definition=job.definition)


_PREVIEW_KINDS: dict[str, Callable[..., Any]] = {
    "compare": compare,
    "classify": classify,
    "classification": classify,
    "locate": locate,
    "draw": draw,
    "select_words": select_words,
    "free_text": free_text,
    "rank": rank,
    "ranking": rank,
}


def preview(
    df: pd.DataFrame, kind: str, *args: Any, n: int | None = None, seed: int = 0, **arguments: Any
) -> Any:
    """What a labeler would see for the frame's rows, as the task-preview widget (nothing is sent).

    The arguments are validated exactly as the job method would (same column arguments, same errors), then the
    widget shows the datapoints one at a time; answers you give in it land in ``widget.answers``.

    Args:
        kind: ``"compare"``, ``"classify"``, ``"locate"``, ``"draw"``, ``"select_words"``, ``"free_text"`` or
            ``"rank"``.
        *args: The job method's positional column arguments (``a, b`` for compare, ``column`` for the others).
        n: Preview only the first ``n`` rows.
        seed: Seeds the shuffling of sides/options in the preview.
        **arguments: The job method's keyword arguments (``instruction=``, ``options=``, ``context=``, ...).

    Examples:
        >>> df.rapidata.preview("compare", "img_a", "img_b", instruction="Which is sharper?")  # doctest:
        +SKIP
    """
    from rapidata_nb.widgets.task_preview import TaskPreview

    if kind not in _PREVIEW_KINDS:
        raise ValueError(f"preview: kind must be one of {sorted(_PREVIEW_KINDS)}, got {kind!r}")
    frame = df if n is None else df.head(n)
    token = _planning.set(True)
    try:
        _PREVIEW_KINDS[kind](frame, *args, **arguments)
    except _Planned as planned:
        options = planned.options
    else:  # pragma: no cover - every job function submits
        raise RuntimeError(f"preview: {kind} did not plan a job")
    finally:
        _planning.reset(token)
    return TaskPreview(
        "ranking" if kind == "rank" else kind,
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
