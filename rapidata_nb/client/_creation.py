"""Building job definitions: validation, datapoints, workflow, referee; the dataset steps of creation.

One ``TaskSpec`` per definition holds everything the wire needs (api models for the workflow and referee).
:mod:`rapidata_nb.client._pipeline` runs the creation itself (``create_definition``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rapidata_nb.api.models import definition as wire
from rapidata_nb.api.models.dataset import CreateDatasetOutput
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._datapoint import Datapoint
from rapidata_nb.client._limits import MAX_CONTEXT
from rapidata_nb.client.exceptions import FailedUpload
from rapidata_nb.client.upload import RapidataDataset
from rapidata_nb.config import logger, rapidata_config

__all__ = [
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


def _check_contexts(contexts: list[str] | None, instruction: str) -> list[str] | None:
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


def _singles(
    datapoints: list[str],
    data_type: str,
    contexts: list[str] | None,
    media_contexts: list[list[str]] | None,
    private_metadata: list[dict[str, str]] | None,
    **per_item: list[Any] | None,
) -> list[Datapoint]:
    out = []
    for i, asset in enumerate(datapoints):
        extra = {k: v[i] for k, v in per_item.items() if v is not None}
        out.append(
            Datapoint(
                asset=asset,
                data_type=data_type,
                context=contexts[i] if contexts else None,
                media_context=media_contexts[i] if media_contexts else None,
                private_metadata=private_metadata[i] if private_metadata else None,
                **extra,
            )
        )
    return out


def build_for_kind(
    kind: str,
    *,
    instruction: str,
    datapoints: Any,
    data_type: str = "media",
    contexts: list[str] | None = None,
    media_contexts: list[list[str]] | None = None,
    sentences: list[str] | None = None,
    private_metadata: list[dict[str, str]] | None = None,
    answer_options: Any = None,
    a_b_names: list[str] | None = None,
    comparison_budget_per_ranking: int = 0,
    random_comparisons_ratio: float = 0.5,
) -> TaskSpec:
    """Validate the inputs of a job type (by workflow kind) and build its ``TaskSpec``."""
    spec = _build(
        kind,
        instruction=instruction,
        datapoints=datapoints,
        data_type=data_type,
        contexts=contexts,
        media_contexts=media_contexts,
        sentences=sentences,
        private_metadata=private_metadata,
        answer_options=answer_options,
        a_b_names=a_b_names,
        comparison_budget_per_ranking=comparison_budget_per_ranking,
        random_comparisons_ratio=random_comparisons_ratio,
    )
    spec.inputs = {
        "task_type": spec.task_type,
        "instruction": instruction,
        "datapoints": datapoints,
        "data_type": data_type,
        "contexts": contexts,
        "media_contexts": media_contexts,
        "sentences": sentences,
        "answer_options": answer_options,
        "a_b_names": a_b_names,
    }
    return spec


def _build(
    kind: str,
    *,
    instruction: str,
    datapoints: Any,
    data_type: str,
    contexts: list[str] | None,
    media_contexts: list[list[str]] | None,
    sentences: list[str] | None,
    private_metadata: list[dict[str, str]] | None,
    answer_options: Any,
    a_b_names: list[str] | None,
    comparison_budget_per_ranking: int,
    random_comparisons_ratio: float,
) -> TaskSpec:
    _check_data_type(data_type)
    media_contexts = _check_media_contexts(media_contexts)
    _check_metadata(private_metadata)

    if kind == "GroupedRankingWorkflow":
        groups = datapoints
        if isinstance(groups, str) or not isinstance(groups, Sequence) or not groups:
            raise ValueError(
                "datapoints must be a non-empty list of groups, e.g. [['a.jpg', 'b.jpg', 'c.jpg']]."
            )
        for i, g in enumerate(groups):
            if isinstance(g, str) or not isinstance(g, Sequence) or len(set(g)) < 2 or len(set(g)) != len(g):
                raise ValueError(
                    f"datapoints[{i}] must be a list of at least 2 unique items to rank, got {g!r}."
                )
        _check_list("contexts", contexts, len(groups))
        _check_list("media_contexts", media_contexts, len(groups))
        contexts = _check_contexts(contexts, instruction)
        largest = max(len(g) for g in groups)
        pair_maker: wire.FullPermutationPairMaker | wire.OnlinePairMaker
        if largest <= 10:
            pair_maker = wire.FullPermutationPairMaker()
        else:
            # Unvalidated: the budget and ratio are the server's to refuse, with its message.
            pair_maker = wire.OnlinePairMaker.model_construct(
                total_comparison_budget=comparison_budget_per_ranking,
                random_matches_ratio=random_comparisons_ratio,
            )
        points = [
            Datapoint(asset=item, data_type=data_type, group=str(gi))
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
        return TaskSpec(
            task_type="Ranking",
            workflow=wire.GroupedRankingWorkflow(
                criteria=instruction,
                pair_maker_config=pair_maker,
                ranking_config=wire.BradleyTerryRankingConfig(starting_score=1200),
            ),
            datapoints=points,
            group_contexts=group_contexts,
        )

    if kind == "Compare":
        pairs = _check_pairs(datapoints)
        n = len(pairs)
    else:
        singles = _check_single_datapoints(datapoints)
        n = len(singles)
    _check_list("contexts", contexts, n)
    _check_list("media_contexts", media_contexts, n)
    _check_list("private_metadata", private_metadata, n)
    contexts = _check_contexts(contexts, instruction)

    if kind == "Compare":
        if a_b_names is not None and (
            not isinstance(a_b_names, list)
            or len(a_b_names) != 2
            or not all(isinstance(x, str) and x for x in a_b_names)
        ):
            raise ValueError(
                "a_b_names must be a list of exactly 2 names, e.g. ['Flux', 'Midjourney'], "
                f"got {a_b_names!r}."
            )
        points = [
            Datapoint(
                asset=pair,
                data_type=data_type,
                context=contexts[i] if contexts else None,
                media_context=media_contexts[i] if media_contexts else None,
                private_metadata=private_metadata[i] if private_metadata else None,
            )
            for i, pair in enumerate(pairs)
        ]
        return TaskSpec(
            "Compare",
            _simple(
                wire.CompareSpec(criteria=wire.TextBinding(literal=instruction), index_identifiers=a_b_names)
            ),
            points,
        )

    if kind == "Classify":
        per_item = _answer_options(answer_options, n)
        points = _singles(
            singles, data_type, contexts, media_contexts, private_metadata, answer_options=per_item
        )
        schema = [
            *_SCHEMA_BASE,
            {"key": "answer_options", "kind": "OptionList", "label": "Answer options", "required": True},
        ]
        workflow = _simple(
            wire.ClassifySpec(
                title=wire.TextBinding(literal=instruction),
                categories=wire.OptionsBinding(segment="answer_options"),
            )
        )
        return TaskSpec("Classification", workflow, points, schema=schema)

    if kind == "Transcription":
        if sentences is None:
            raise ValueError(
                "sentences is required: one sentence per datapoint for labelers to select words from."
            )
        _check_list("sentences", sentences, n)
        for i, s in enumerate(sentences):
            if not isinstance(s, str) or len(s.split(" ")) < 2:
                raise ValueError(
                    f"sentences[{i}] must contain at least two words separated by spaces, got {s!r}."
                )
        points = _singles(singles, "media", None, None, private_metadata, sentence=list(sentences))
        schema = [
            *_SCHEMA_BASE,
            {"key": "transcription", "kind": "Text", "label": "Transcription", "required": True},
        ]
        workflow = _simple(
            wire.TranscriptionSpec(
                title=wire.TextBinding(literal=instruction),
                transcription=wire.TextBinding(segment="transcription"),
            )
        )
        return TaskSpec("Select Words", workflow, points, schema=schema)

    points = _singles(singles, data_type, contexts, media_contexts, private_metadata)
    if kind == "Locate":
        return TaskSpec(
            "Locate", _simple(wire.LocateSpec(target=wire.TextBinding(literal=instruction))), points
        )
    if kind == "Line":
        return TaskSpec("Draw", _simple(wire.LineSpec(target=wire.TextBinding(literal=instruction))), points)
    if kind == "FreeText":
        rapid = wire.FreeTextSpec(
            question=wire.TextBinding(literal=instruction), validation_system_prompt=None
        )
        return TaskSpec("Free Text", _simple(rapid), points)
    raise ValueError(f"Unsupported job type {kind!r}.")


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
