"""Building job definitions: validation, datapoints, workflow, referee; the dataset steps of creation.

A caller's ``CreationInputs`` go to ``build_for_kind``, which runs the checks all kinds share once and hands
them to the kind's builder in ``_BUILDERS``; the builder checks the rest and returns a ``TaskSpec``, which
holds everything the wire needs (api models for the workflow and referee).
:mod:`rapidata_nb.client._pipeline` runs the creation itself (``create_definition``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from rapidata_nb.api.models import definition as wire
from rapidata_nb.api.models import tag_of
from rapidata_nb.api.models.dataset import CreateDatasetOutput
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._datapoint import Datapoint
from rapidata_nb.client._limits import MAX_CONTEXT
from rapidata_nb.client.exceptions import FailedUpload
from rapidata_nb.client.upload import RapidataDataset
from rapidata_nb.config import logger, rapidata_config

__all__ = [
    "CreationInputs",
    "RefereeModel",
    "TaskSpec",
    "build_for_kind",
    "matrix_checked",
    "new_dataset",
    "referee",
    "shorten_long_contexts",
    "upload_into",
]

F = TypeVar("F", bound=Callable[..., Any])

RefereeModel = wire.NaiveReferee | wire.QuorumReferee | wire.EarlyStoppingReferee
RapidModel = (
    wire.CompareSpec
    | wire.ClassifySpec
    | wire.LocateSpec
    | wire.LineSpec
    | wire.TranscriptionSpec
    | wire.FreeTextSpec
)

# The docs' parameter availability matrix: which optional parameters each job type takes.
PARAMETERS: dict[str, set[str]] = {
    "Classification": {
        "responses_per_datapoint",
        "data_type",
        "contexts",
        "media_contexts",
        "confidence_threshold",
        "quorum_threshold",
        "settings",
        "answer_options",
        "failure_tolerance",
        "private_metadata",
    },
    "Compare": {
        "responses_per_datapoint",
        "data_type",
        "contexts",
        "media_contexts",
        "confidence_threshold",
        "quorum_threshold",
        "settings",
        "a_b_names",
        "failure_tolerance",
        "private_metadata",
    },
    "Locate": {
        "responses_per_datapoint",
        "contexts",
        "media_contexts",
        "settings",
        "failure_tolerance",
        "private_metadata",
    },
    "Draw": {
        "responses_per_datapoint",
        "contexts",
        "media_contexts",
        "settings",
        "failure_tolerance",
        "private_metadata",
    },
    "Select Words": {
        "responses_per_datapoint",
        "settings",
        "sentences",
        "failure_tolerance",
        "private_metadata",
    },
    "Free Text": {
        "responses_per_datapoint",
        "data_type",
        "contexts",
        "media_contexts",
        "settings",
        "failure_tolerance",
        "private_metadata",
    },
    "Ranking": {
        "data_type",
        "contexts",
        "media_contexts",
        "settings",
        "comparison_budget_per_ranking",
        "responses_per_comparison",
        "random_comparisons_ratio",
        "failure_tolerance",
    },
}
ALL_PARAMETERS = set().union(*PARAMETERS.values())


def matrix_checked(task_type: str) -> Callable[[F], F]:
    """Turn "unexpected keyword argument" into an error that says which job types take the parameter."""

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            unknown = [k for k in kwargs if k not in signature.parameters]
            for name in unknown:
                takers = [t for t, params in PARAMETERS.items() if name in params]
                if takers:
                    raise TypeError(
                        f"{name!r} is not available for {task_type} job definitions; it applies to "
                        f"{', '.join(takers)} job definitions."
                    )
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


@dataclass
class TaskSpec:
    """Everything needed to create one job definition."""

    task_type: str
    workflow: wire.SimpleWorkflow | wire.GroupedRankingWorkflow
    datapoints: list[Datapoint]
    schema: list[dict[str, Any]] | None = None
    group_contexts: dict[str, tuple[str | None, list[str] | None]] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    """The caller's inputs, kept for ``RapidataJobDefinition._preview_data`` (task previews)."""


# --- validation helpers ------------------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(
            "name must be a non-empty string (it identifies the job definition; labelers never see it)."
        )


def _check_data_type(data_type: str) -> None:
    if data_type not in ("media", "text"):
        raise ValueError(f"data_type must be 'media' or 'text', got {data_type!r}.")


def _check_list(name: str, values: Sequence[Any] | None, n: int) -> None:
    if values is None:
        return
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a list with one entry per datapoint.")
    if len(values) != n:
        raise ValueError(
            f"{name} has {len(values)} entries but there are {n} datapoints; give one per datapoint."
        )


def _check_responses(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def _check_single_datapoints(datapoints: Any) -> list[str]:
    if isinstance(datapoints, str) or not isinstance(datapoints, Sequence) or not datapoints:
        raise ValueError(
            "datapoints must be a non-empty list, e.g. ['image1.jpg', 'https://.../image2.jpg']."
        )
    for i, dp in enumerate(datapoints):
        if not isinstance(dp, str) or not dp:
            raise ValueError(f"datapoints[{i}] must be a non-empty string (URL, path or text), got {dp!r}.")
    return list(datapoints)


def _check_pairs(datapoints: Any) -> list[list[str]]:
    if isinstance(datapoints, str) or not isinstance(datapoints, Sequence) or not datapoints:
        raise ValueError("datapoints must be a non-empty list of pairs, e.g. [['a.jpg', 'b.jpg']].")
    for i, pair in enumerate(datapoints):
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"datapoints[{i}] must be a list of exactly 2 items to compare, got {pair!r}.")
        if not all(isinstance(p, str) and p for p in pair):
            raise ValueError(f"datapoints[{i}] must hold two non-empty strings, got {pair!r}.")
        if pair[0] == pair[1]:
            raise ValueError(
                f"datapoints[{i}] compares {pair[0]!r} with itself; the 2 items must be different."
            )
    return [list(p) for p in datapoints]


def _check_contexts(contexts: list[str] | None) -> list[str] | None:
    if contexts is None:
        return None
    for i, c in enumerate(contexts):
        if c is not None and not isinstance(c, str):
            raise ValueError(f"contexts[{i}] must be a string, got {c!r}.")
    long = [i for i, c in enumerate(contexts) if c and len(c) > MAX_CONTEXT]
    if not long:
        return list(contexts)
    if rapidata_config.upload.autoShortenContext:  # shortened by the caller, which holds the context
        return list(contexts)
    logger.warning(
        "%d context(s) exceed %d characters (first: index %d, %d characters); the backend may reject them. "
        "Shorten them or set rapidata_config.upload.autoShortenContext = True.",
        len(long),
        MAX_CONTEXT,
        long[0],
        len(contexts[long[0]]),
    )
    return list(contexts)


def _check_media_contexts(media_contexts: list[list[str]] | None) -> list[list[str]] | None:
    if media_contexts is None:
        return None
    out = []
    for i, mc in enumerate(media_contexts):
        if isinstance(mc, str):
            logger.warning("media_contexts[%d] is a string; wrap it in a list: [%r].", i, mc)
            mc = [mc]
        if not isinstance(mc, Sequence) or not 1 <= len(mc) <= 10:
            raise ValueError(f"media_contexts[{i}] must be a list of 1 to 10 media URLs/paths, got {mc!r}.")
        out.append(list(mc))
    return out


def _check_metadata(private_metadata: list[dict[str, str]] | None) -> None:
    if private_metadata is None:
        return
    for i, md in enumerate(private_metadata):
        if md is None:
            continue
        if not isinstance(md, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in md.items()
        ):
            raise ValueError(f"private_metadata[{i}] must be a dict of strings to strings, got {md!r}.")


def referee(
    responses: int, confidence_threshold: float | None = None, quorum_threshold: int | None = None
) -> RefereeModel:
    """The referee for a vote budget and an optional early-stopping rule.

    Built unvalidated (``model_construct``): the checks below give the SDK's messages, and the vote bounds are
    the server's to refuse (a 400 with its message), as they were when the client sent plain dicts.
    """
    if confidence_threshold is not None and quorum_threshold is not None:
        raise ValueError("confidence_threshold and quorum_threshold are mutually exclusive; pass only one.")
    if confidence_threshold is not None:
        if not 0 < confidence_threshold < 1:
            raise ValueError(
                f"confidence_threshold must be between 0 and 1 (e.g. 0.99), got {confidence_threshold}."
            )
        return wire.EarlyStoppingReferee.model_construct(max_votes=responses, threshold=confidence_threshold)
    if quorum_threshold is not None:
        if (
            isinstance(quorum_threshold, bool)
            or not isinstance(quorum_threshold, int)
            or quorum_threshold < 1
        ):
            raise ValueError(f"quorum_threshold must be a positive integer, got {quorum_threshold!r}.")
        if quorum_threshold > responses:
            raise ValueError(
                f"quorum_threshold ({quorum_threshold}) cannot exceed responses_per_datapoint "
                f"({responses}); raise responses_per_datapoint or lower the quorum."
            )
        return wire.QuorumReferee.model_construct(max_votes=responses, threshold=quorum_threshold)
    return wire.NaiveReferee.model_construct(total_votes=responses)


_SCHEMA_BASE = [
    {"key": "asset", "kind": "Asset", "label": "Asset", "required": True},
    {"key": "context", "kind": "Text", "label": "Context", "required": False, "maxLength": MAX_CONTEXT},
    {"key": "context_asset", "kind": "Asset", "label": "Context asset", "required": False},
]


def _simple(rapid: RapidModel) -> wire.SimpleWorkflow:
    rapid.asset = wire.AssetBinding(segment="asset")  # sent explicitly, as the SDK does
    return wire.SimpleWorkflow(rapid=rapid)


@dataclass(frozen=True)
class CreationInputs:
    """What a caller gives to create (or re-stage) a job definition's tasks, before validation.

    One field per parameter of the ``create_*_job_definition`` methods that shapes the tasks; the rest (name,
    referee, settings, failure tolerance) belongs to the pipeline, :mod:`rapidata_nb.client._pipeline`.
    """

    instruction: str
    datapoints: Sequence[str] | Sequence[Sequence[str]]
    """Single items, compare pairs or ranking groups, as the kind takes them (checked by its builder)."""
    data_type: str = "media"
    contexts: list[str] | None = None
    media_contexts: list[list[str]] | None = None
    sentences: list[str] | None = None
    private_metadata: list[dict[str, str]] | None = None
    answer_options: list[str] | list[list[str]] | None = None
    a_b_names: list[str] | None = None
    comparison_budget_per_ranking: int = 0
    random_comparisons_ratio: float = 0.5

    def for_preview(self, task_type: str) -> dict[str, Any]:
        """The inputs as ``RapidataJobDefinition._preview_data`` reads them (task previews)."""
        return {
            "task_type": task_type,
            "instruction": self.instruction,
            "datapoints": self.datapoints,
            "data_type": self.data_type,
            "contexts": self.contexts,
            "media_contexts": self.media_contexts,
            "sentences": self.sentences,
            "answer_options": self.answer_options,
            "a_b_names": self.a_b_names,
        }


Builder = Callable[[CreationInputs], TaskSpec]


def build_for_kind(kind: str, inputs: CreationInputs) -> TaskSpec:
    """Validate the inputs of a job type (by workflow kind: a rapid's tag or ``GroupedRankingWorkflow``).

    The checks every kind shares run here, once; the kind's builder in :data:`_BUILDERS` checks the rest.

    Raises:
        ValueError: For an unknown kind or invalid inputs (the message says what to fix).
    """
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise ValueError(f"Unsupported job type {kind!r}; expected one of {', '.join(_BUILDERS)}.")
    _check_data_type(inputs.data_type)
    _check_metadata(inputs.private_metadata)
    checked = replace(inputs, media_contexts=_check_media_contexts(inputs.media_contexts))
    spec = builder(checked)
    spec.inputs = inputs.for_preview(spec.task_type)
    return spec


def _per_datapoint(inputs: CreationInputs, n: int, *, metadata: bool = True) -> list[str] | None:
    """Check the per-datapoint lists against ``n`` datapoints (or groups); the checked contexts."""
    _check_list("contexts", inputs.contexts, n)
    _check_list("media_contexts", inputs.media_contexts, n)
    if metadata:
        _check_list("private_metadata", inputs.private_metadata, n)
    return _check_contexts(inputs.contexts)


def _singles(
    inputs: CreationInputs,
    *,
    contexts: list[str] | None,
    answer_options: list[list[str]] | None = None,
    sentences: list[str] | None = None,
) -> list[Datapoint]:
    """One ``Datapoint`` per single item (every kind but compare and ranking)."""
    media_contexts, metadata = inputs.media_contexts, inputs.private_metadata
    return [
        Datapoint(
            asset=asset,
            data_type=inputs.data_type,
            context=contexts[i] if contexts else None,
            media_context=media_contexts[i] if media_contexts else None,
            private_metadata=metadata[i] if metadata else None,
            answer_options=answer_options[i] if answer_options is not None else None,
            sentence=sentences[i] if sentences is not None else None,
        )
        for i, asset in enumerate(inputs.datapoints)
    ]


def _checked_singles(inputs: CreationInputs) -> tuple[CreationInputs, list[str] | None]:
    """The inputs with their datapoints checked as single items, and the checked contexts."""
    singles = _check_single_datapoints(inputs.datapoints)
    contexts = _per_datapoint(inputs, len(singles))
    return replace(inputs, datapoints=singles), contexts


def _build_ranking(inputs: CreationInputs) -> TaskSpec:
    groups = inputs.datapoints
    if isinstance(groups, str) or not isinstance(groups, Sequence) or not groups:
        raise ValueError("datapoints must be a non-empty list of groups, e.g. [['a.jpg', 'b.jpg', 'c.jpg']].")
    for i, g in enumerate(groups):
        if isinstance(g, str) or not isinstance(g, Sequence) or len(set(g)) < 2 or len(set(g)) != len(g):
            raise ValueError(f"datapoints[{i}] must be a list of at least 2 unique items to rank, got {g!r}.")
    contexts = _per_datapoint(inputs, len(groups), metadata=False)  # ranking takes no private_metadata
    media_contexts = inputs.media_contexts
    pair_maker: wire.FullPermutationPairMaker | wire.OnlinePairMaker
    if max(len(g) for g in groups) <= 10:
        pair_maker = wire.FullPermutationPairMaker()
    else:
        # Unvalidated: the budget and ratio are the server's to refuse, with its message.
        pair_maker = wire.OnlinePairMaker.model_construct(
            total_comparison_budget=inputs.comparison_budget_per_ranking,
            random_matches_ratio=inputs.random_comparisons_ratio,
        )
    points = [
        Datapoint(asset=item, data_type=inputs.data_type, group=str(gi))
        for gi, g in enumerate(groups)
        for item in g
    ]
    group_contexts = {
        str(gi): (
            (contexts[gi] if contexts else None) or None,
            media_contexts[gi] if media_contexts else None,
        )
        for gi in range(len(groups))
        if (contexts and contexts[gi]) or media_contexts
    }
    workflow = wire.GroupedRankingWorkflow(
        criteria=inputs.instruction,
        pair_maker_config=pair_maker,
        ranking_config=wire.BradleyTerryRankingConfig(starting_score=1200),
    )
    return TaskSpec("Ranking", workflow, points, group_contexts=group_contexts)


def _build_compare(inputs: CreationInputs) -> TaskSpec:
    pairs = _check_pairs(inputs.datapoints)
    contexts = _per_datapoint(inputs, len(pairs))
    a_b_names = inputs.a_b_names
    if a_b_names is not None and (
        not isinstance(a_b_names, list)
        or len(a_b_names) != 2
        or not all(isinstance(x, str) and x for x in a_b_names)
    ):
        raise ValueError(
            f"a_b_names must be a list of exactly 2 names, e.g. ['Flux', 'Midjourney'], got {a_b_names!r}."
        )
    media_contexts, metadata = inputs.media_contexts, inputs.private_metadata
    points = [
        Datapoint(
            asset=pair,
            data_type=inputs.data_type,
            context=contexts[i] if contexts else None,
            media_context=media_contexts[i] if media_contexts else None,
            private_metadata=metadata[i] if metadata else None,
        )
        for i, pair in enumerate(pairs)
    ]
    rapid = wire.CompareSpec(
        criteria=wire.TextBinding(literal=inputs.instruction), index_identifiers=a_b_names
    )
    return TaskSpec("Compare", _simple(rapid), points)


def _build_classify(inputs: CreationInputs) -> TaskSpec:
    inputs, contexts = _checked_singles(inputs)
    per_item = _answer_options(inputs.answer_options, len(inputs.datapoints))
    schema = [
        *_SCHEMA_BASE,
        {"key": "answer_options", "kind": "OptionList", "label": "Answer options", "required": True},
    ]
    rapid = wire.ClassifySpec(
        title=wire.TextBinding(literal=inputs.instruction),
        categories=wire.OptionsBinding(segment="answer_options"),
    )
    points = _singles(inputs, contexts=contexts, answer_options=per_item)
    return TaskSpec("Classification", _simple(rapid), points, schema=schema)


def _build_transcription(inputs: CreationInputs) -> TaskSpec:
    inputs, _ = _checked_singles(inputs)
    sentences = inputs.sentences
    if sentences is None:
        raise ValueError(
            "sentences is required: one sentence per datapoint for labelers to select words from."
        )
    _check_list("sentences", sentences, len(inputs.datapoints))
    for i, s in enumerate(sentences):
        if not isinstance(s, str) or len(s.split(" ")) < 2:
            raise ValueError(
                f"sentences[{i}] must contain at least two words separated by spaces, got {s!r}."
            )
    schema = [
        *_SCHEMA_BASE,
        {"key": "transcription", "kind": "Text", "label": "Transcription", "required": True},
    ]
    rapid = wire.TranscriptionSpec(
        title=wire.TextBinding(literal=inputs.instruction),
        transcription=wire.TextBinding(segment="transcription"),
    )
    # Select words shows the media alone: no contexts (the SDK's matrix), always media.
    bare = replace(inputs, data_type="media", media_contexts=None)
    points = _singles(bare, contexts=None, sentences=list(sentences))
    return TaskSpec("Select Words", _simple(rapid), points, schema=schema)


def _build_locate(inputs: CreationInputs) -> TaskSpec:
    inputs, contexts = _checked_singles(inputs)
    rapid = wire.LocateSpec(target=wire.TextBinding(literal=inputs.instruction))
    return TaskSpec("Locate", _simple(rapid), _singles(inputs, contexts=contexts))


def _build_line(inputs: CreationInputs) -> TaskSpec:
    inputs, contexts = _checked_singles(inputs)
    rapid = wire.LineSpec(target=wire.TextBinding(literal=inputs.instruction))
    return TaskSpec("Draw", _simple(rapid), _singles(inputs, contexts=contexts))


def _build_free_text(inputs: CreationInputs) -> TaskSpec:
    inputs, contexts = _checked_singles(inputs)
    rapid = wire.FreeTextSpec(
        question=wire.TextBinding(literal=inputs.instruction), validation_system_prompt=None
    )
    return TaskSpec("Free Text", _simple(rapid), _singles(inputs, contexts=contexts))


_BUILDERS: dict[str, Builder] = {
    str(tag_of(model)): builder
    for model, builder in (
        (wire.GroupedRankingWorkflow, _build_ranking),
        (wire.CompareSpec, _build_compare),
        (wire.ClassifySpec, _build_classify),
        (wire.TranscriptionSpec, _build_transcription),
        (wire.LocateSpec, _build_locate),
        (wire.LineSpec, _build_line),
        (wire.FreeTextSpec, _build_free_text),
    )
}
"""One builder per workflow kind, keyed by the wire tag: a ``SimpleWorkflow``'s rapid (``Compare``, ...) or
``GroupedRankingWorkflow``."""


def _answer_options(answer_options: Any, n: int) -> list[list[str]]:
    if not isinstance(answer_options, list) or not answer_options:
        raise ValueError("answer_options must be a list of at least 2 options, e.g. ['Cat', 'Dog'].")
    if all(isinstance(o, list) for o in answer_options):
        _check_list("answer_options", answer_options, n)
        per_item = answer_options
    elif all(isinstance(o, str) for o in answer_options):
        per_item = [answer_options] * n
    else:
        raise ValueError("answer_options must be a list of strings, or one list of strings per datapoint.")
    for i, options in enumerate(per_item):
        if len(options) < 2 or len(set(options)) != len(options):
            where = f"answer_options[{i}]" if per_item is answer_options else "answer_options"
            raise ValueError(f"{where} needs at least 2 unique options, got {options!r}.")
    return [list(o) for o in per_item]


# --- creation pipeline -------------------------------------------------------------------------------


def new_dataset(ctx: ClientContext, name: str, schema: list[dict[str, Any]] | None) -> RapidataDataset:
    """``POST /dataset`` → a new empty dataset."""
    created = ctx.transport.request(
        "POST", "/dataset", json={"name": f"{name}_dataset", "schema": schema}, response=CreateDatasetOutput
    )
    return RapidataDataset(created.dataset_id, ctx)


def shorten_long_contexts(ctx: ClientContext, spec: TaskSpec, instruction: str) -> None:
    """With ``autoShortenContext``, shorten every context over 400 characters through the server."""
    if not rapidata_config.upload.autoShortenContext:
        return
    from rapidata_nb.client.context import ContextManager

    manager = ContextManager(ctx)
    long = [dp for dp in spec.datapoints if dp.context and len(dp.context) > MAX_CONTEXT]
    if long:
        shortened = manager.shorten_contexts([(dp.context or "", instruction) for dp in long])
        for dp, short in zip(long, shortened, strict=True):
            dp.context = short
    for group, (text, media) in list(spec.group_contexts.items()):
        if text and len(text) > MAX_CONTEXT:
            spec.group_contexts[group] = (manager.shorten_context(text, instruction), media)


def upload_into(
    dataset: RapidataDataset, spec: TaskSpec
) -> tuple[list[Datapoint], list[FailedUpload[Datapoint]]]:
    """Upload the spec's datapoints (and ranking group contexts) into ``dataset``."""
    successful, failed = dataset.add_datapoints(spec.datapoints)
    for group, (text, media) in spec.group_contexts.items():
        dataset.add_group_context(group, text, media)
    return successful, failed


def responses_check(name: str, value: int) -> None:
    """Public re-export of the positive-int check for managers."""
    _check_responses(name, value)
