"""Audiences: who labels. ``client.audience`` creates, finds and trains them; ``assign_job`` runs jobs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from rapidata_nb.api.models import TAG, MultiAsset, MultiAssetInput, TextAssetInput, variant
from rapidata_nb.api.models import audience as wire
from rapidata_nb.api.models.asset import ExistingAssetInput
from rapidata_nb.api.models.audience import QualificationFeedback
from rapidata_nb.api.vocabulary import KINDS, TaskKind
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._datapoint import AssetInputModel, is_url, one_or_multi
from rapidata_nb.client._labelers import UNLISTED_PREFIX, RecruitingMetrics, open_labeler, user_metrics
from rapidata_nb.client._limits import MAX_CONTEXT, MAX_MEDIA_CONTEXT, check_instruction
from rapidata_nb.client.box import Box, boxes_coverage
from rapidata_nb.client.context import ContextManager
from rapidata_nb.client.filters import AndFilter, RapidataFilter, filter_from_wire
from rapidata_nb.client.job import RapidataJob, find_jobs
from rapidata_nb.client.settings import RapidataSetting, check_settings
from rapidata_nb.config import logger, managed_print, rapidata_config

if TYPE_CHECKING:
    import pandas as pd

    from rapidata_nb.client.definition import RapidataJobDefinition

__all__ = [
    "RapidataAudience",
    "RapidataAudienceBase",
    "RapidataAudienceManager",
    "RapidataFilteredAudience",
    "RapidataUnlistedAudience",
    "RecruitingMetrics",
]


def _media_context_list(media_context: str | list[str] | None) -> list[str] | None:
    if media_context is None:
        return None
    if isinstance(media_context, str):
        logger.warning(
            "media_context as a single string is deprecated; pass a list, e.g. [%r].", media_context
        )
        media_context = [media_context]
    if not media_context or len(media_context) > MAX_MEDIA_CONTEXT:
        raise ValueError(
            f"media_context needs between 1 and {MAX_MEDIA_CONTEXT} entries, got {len(media_context)}."
        )
    return list(media_context)


def _audience_filters_wire(filters: Sequence[RapidataFilter] | None) -> list[dict[str, Any]]:
    if filters is None:
        return []
    if isinstance(filters, RapidataFilter):
        filters = [filters]
    out = []
    for f in filters:
        if not isinstance(f, RapidataFilter):
            raise ValueError(f"filters: {f!r} is not a filter (use e.g. CountryFilter(['US'])).")
        out.append(f._to_audience_model().wire())
    return out


def audience_id_of(audience: str | RapidataAudienceBase) -> str:
    """The id of an audience object or id string."""
    return audience if isinstance(audience, str) else audience.id


class RapidataAudienceBase:
    """What every audience has: an id, a name, filters; and the ability to run jobs.

    Attributes:
        id: The audience id (``"global"`` for the whole pool).
    """

    def __init__(self, id: str, name: str, filters: list[RapidataFilter] | None, ctx: ClientContext) -> None:  # noqa: A002
        self.id = id
        self._name = name
        self._filters = list(filters or [])
        self._ctx = ctx

    @property
    def name(self) -> str:
        """The audience's name."""
        return self._name

    @property
    def filters(self) -> list[RapidataFilter]:
        """The filters that decide who belongs to the audience."""
        return self._filters

    def assign_job(
        self, job_definition: RapidataJobDefinition, run_after: RapidataJob | str | None = None
    ) -> RapidataJob:
        """Run ``job_definition`` (the revision it holds) on this audience.

        Args:
            job_definition: The job definition to run.
            run_after: A job (or job id) this one must wait for.

        Returns:
            The new job.

        Raises:
            RuntimeError: If the definition has unsaved changes.
        """
        if job_definition.has_unsaved_changes:
            raise RuntimeError(
                f"Job definition '{job_definition.id}' has unsaved changes; "
                "call save() or discard_changes() first."
            )
        preceding = run_after.id if isinstance(run_after, RapidataJob) else run_after
        answer = (
            self._ctx.transport.request(
                "POST",
                "/job",
                json={
                    "jobDefinitionId": job_definition.id,
                    "audienceId": self.id,
                    "revisionNumber": job_definition.revision,
                    "precedingJobId": preceding,
                    "checkForExplicitContent": rapidata_config.upload.checkForExplicitContent,
                    "experimentId": None,
                },
            )
            or {}
        )
        job = RapidataJob._fetch(str(answer["jobId"]), self._ctx)
        if answer.get("costWarning"):
            warning = answer["costWarning"]
            logger.warning(
                "Estimated cost %s exceeds the available balance %s.",
                warning.get("estimatedCost"),
                warning.get("availableBalance"),
            )
        if answer.get("contentCheckSkipDenied"):
            logger.warning("Skipping the explicit-content check was not permitted; the check runs.")
        managed_print(f"Job '{job.name}' is now viewable under: {job.job_details_page}")
        self._warn_if_nobody_graduated()
        return job

    def _warn_if_nobody_graduated(self) -> None:
        metrics = user_metrics(self._ctx, self.id)
        if metrics is not None and metrics.graduated == 0:
            hint = (
                "labelers are qualifying now"
                if metrics.distilling
                else "add qualification examples (add_*_example) so labelers can qualify"
            )
            logger.warning(
                "Audience '%s' has no graduated labelers yet: %s. The job starts once some graduate.",
                self.id,
                hint,
            )

    def find_jobs(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataJob]:
        """Jobs of this audience, newest first, whose name contains ``name``."""
        return find_jobs(self._ctx, name=name, amount=amount, page=page, audience_id=self.id)

    def __str__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, name={self.name!r})"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        from html import escape

        filters = ", ".join(escape(repr(f)) for f in self.filters) or "none"
        return (
            f"<div><b>{escape(type(self).__name__)}</b> {escape(self.name)} "
            f"<code>{escape(self.id)}</code><br>filters: {filters}</div>"
        )


class RapidataAudience(RapidataAudienceBase):
    """A custom (or curated) audience: train it with examples, recruit, and run jobs on it."""

    def __init__(self, id: str, name: str, filters: list[RapidataFilter] | None, ctx: ClientContext) -> None:  # noqa: A002
        super().__init__(id, name, filters, ctx)
        self._recruiting_started = False

    def label(
        self,
        *,
        country: str = "US",
        language: str = "en",
        age: str = "18-29",
        gender: str = "Other",
        occupation: str = "Other",
        name: str | None = None,
    ) -> Any:
        """Label this audience's tasks yourself, in the notebook, as a human labeler of the audience.

        Qualification examples come first where the audience has them; your answers then count in its
        jobs' results like anyone's, with this profile. Local server only (the ``/labeler`` feed).

        Returns:
            The displayed ``Labeler`` widget.
        """
        profile = {
            "country": country,
            "language": language,
            "age": age,
            "gender": gender,
            "occupation": occupation,
            "name": name,
        }
        return open_labeler(self._ctx, self.id, self.name, "custom", profile)

    # --- examples ---------------------------------------------------------------------------------------

    def _context(self, context: str | None, instruction: str) -> str | None:
        if context is None or context == "":
            return None
        if len(context) > MAX_CONTEXT:
            logger.warning(
                "Example context is %d characters (limit %d); shortening it for the instruction.",
                len(context),
                MAX_CONTEXT,
            )
            context = ContextManager(self._ctx).shorten_context(context, instruction)
        return context

    def _asset(self, item: str, data_type: str) -> ExistingAssetInput | TextAssetInput:
        if data_type == "text":
            return TextAssetInput(text=item)
        return ExistingAssetInput(name=self._ctx.uploader.upload(item))

    def _context_asset(self, media_context: str | list[str] | None) -> AssetInputModel | None:
        items = _media_context_list(media_context)
        if not items:
            return None
        return one_or_multi([self._asset(m, "media") for m in items])

    # Payloads and truths are built unvalidated (model_construct): the checks of each add_*_example give the
    # SDK's messages, and what they do not check is the server's to refuse, as with the former plain dicts.

    def _post_example(
        self,
        *,
        asset: AssetInputModel,
        payload: wire.ClassifyExamplePayload
        | wire.CompareExamplePayload
        | wire.LocateExamplePayload
        | wire.LineExamplePayload
        | wire.TranscriptionExamplePayload,
        truth: wire.ClassifyExampleTruth
        | wire.CompareExampleTruth
        | wire.LocateExampleTruth
        | wire.LineExampleTruth
        | wire.TranscriptionExampleTruth,
        random_correct_probability: float,
        explanation: str | None,
        context: str | None = None,
        context_asset: AssetInputModel | None = None,
        settings: Sequence[RapidataSetting] | None,
        task_type: str,
    ) -> RapidataAudience:
        flags = [s._to_feature_flag() for s in check_settings(settings, task_type)]
        self._ctx.transport.request(
            "POST",
            f"/audience/{self.id}/example",
            json={
                "asset": asset,
                "payload": payload,
                "truth": truth,
                "randomCorrectProbability": random_correct_probability,
                "explanation": explanation,
                "context": context,
                "contextAsset": context_asset,
                "featureFlags": flags or None,
            },
        )
        return self

    def add_classification_example(
        self,
        instruction: str,
        answer_options: list[str],
        datapoint: str,
        truth: list[str],
        data_type: Literal["media", "text"] = "media",
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
        settings: Sequence[RapidataSetting] | None = None,
    ) -> RapidataAudience:
        """Add a classification qualification example.

        Args:
            instruction: The question (at most 250 characters).
            answer_options: The options shown.
            datapoint: The media (URL or path) or text.
            truth: The correct option(s); each must be one of ``answer_options``.
            data_type: ``"media"`` or ``"text"``.
            context: Text shown with the datapoint (over 400 characters is shortened).
            media_context: Up to 10 media shown with the datapoint.
            explanation: Shown to a labeler who answers wrong.
            settings: Display settings.
        """
        check_instruction(instruction)
        _check_data_type(data_type)
        if not isinstance(answer_options, list) or len(answer_options) < 2:
            raise ValueError("answer_options needs at least two options, e.g. ['Cat', 'Dog'].")
        if isinstance(truth, str) or not isinstance(truth, list) or not truth:
            raise ValueError(
                f"truth must be a non-empty list of answer options, e.g. [{answer_options[0]!r}]."
            )
        missing = [t for t in truth if t not in answer_options]
        if missing:
            raise ValueError(f"truth {missing} is not among answer_options {answer_options}.")
        return self._post_example(
            asset=self._asset(datapoint, data_type),
            payload=wire.ClassifyExamplePayload.model_construct(
                categories=[wire.ExampleCategory.model_construct(label=o, value=o) for o in answer_options],
                title=instruction,
            ),
            truth=wire.ClassifyExampleTruth.model_construct(correct_categories=list(truth)),
            random_correct_probability=len(truth) / len(answer_options),
            explanation=explanation,
            context=self._context(context, instruction),
            context_asset=self._context_asset(media_context),
            settings=settings,
            task_type=KINDS[TaskKind.CLASSIFY].task_type,
        )

    def add_compare_example(
        self,
        instruction: str,
        truth: str,
        datapoint: list[str],
        data_type: Literal["media", "text"] = "media",
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
        settings: Sequence[RapidataSetting] | None = None,
    ) -> RapidataAudience:
        """Add a compare qualification example.

        Args:
            instruction: The question (at most 250 characters).
            truth: The better item; must be one of the two in ``datapoint``.
            datapoint: The two items (media or text) to compare.
            data_type: ``"media"`` or ``"text"``.
            context: Text shown with the pair.
            media_context: Up to 10 media shown with the pair.
            explanation: Shown to a labeler who answers wrong.
            settings: Display settings.
        """
        check_instruction(instruction)
        _check_data_type(data_type)
        if not isinstance(datapoint, list) or len(datapoint) != 2 or datapoint[0] == datapoint[1]:
            raise ValueError(f"datapoint must be a list of exactly two different items, got {datapoint!r}.")
        if truth not in datapoint:
            raise ValueError(f"truth {truth!r} must be one of the two datapoint items {datapoint}.")
        inputs = [self._asset(item, data_type) for item in datapoint]
        chosen = inputs[datapoint.index(truth)]
        winner = chosen.name if isinstance(chosen, ExistingAssetInput) else truth
        return self._post_example(
            asset=MultiAssetInput(assets=inputs),
            payload=wire.CompareExamplePayload.model_construct(criteria=instruction),
            truth=wire.CompareExampleTruth.model_construct(winner_id=winner),
            random_correct_probability=0.5,
            explanation=explanation,
            context=self._context(context, instruction),
            context_asset=self._context_asset(media_context),
            settings=settings,
            task_type=KINDS[TaskKind.COMPARE].task_type,
        )

    def _box_example(
        self,
        kind: str,
        instruction: str,
        datapoint: str,
        truths: list[Box],
        context: str | None,
        media_context: list[str] | None,
        explanation: str | None,
        settings: Sequence[RapidataSetting] | None,
    ) -> RapidataAudience:
        check_instruction(instruction)
        if not isinstance(truths, list) or not truths or not all(isinstance(b, Box) for b in truths):
            raise ValueError(
                f"truths must be a non-empty list of Box, e.g. [Box(0.1, 0.1, 0.5, 0.5)] ({kind})."
            )
        payload_t, truth_t, task = (
            (wire.LocateExamplePayload, wire.LocateExampleTruth, KINDS[TaskKind.LOCATE].task_type)
            if kind == "locate"
            else (wire.LineExamplePayload, wire.LineExampleTruth, KINDS[TaskKind.DRAW].task_type)
        )
        return self._post_example(
            asset=self._asset(datapoint, "media"),
            payload=payload_t.model_construct(target=instruction),
            truth=truth_t.model_construct(
                bounding_boxes=[b.to_model() for b in truths],
                required_precision=None,
                required_completeness=None,
            ),
            random_correct_probability=boxes_coverage(truths),
            explanation=explanation,
            context=self._context(context, instruction),
            context_asset=self._context_asset(media_context),
            settings=settings,
            task_type=task,
        )

    def add_locate_example(
        self,
        instruction: str,
        datapoint: str,
        truths: list[Box],
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
        settings: Sequence[RapidataSetting] | None = None,
    ) -> RapidataAudience:
        """Add a locate example: a tap inside any of ``truths`` (ratios of the image) is correct."""
        return self._box_example(
            "locate", instruction, datapoint, truths, context, media_context, explanation, settings
        )

    def add_draw_example(
        self,
        instruction: str,
        datapoint: str,
        truths: list[Box],
        context: str | None = None,
        media_context: list[str] | None = None,
        explanation: str | None = None,
        settings: Sequence[RapidataSetting] | None = None,
    ) -> RapidataAudience:
        """Add a draw example: lines inside ``truths`` (ratios of the image) are correct."""
        return self._box_example(
            "draw", instruction, datapoint, truths, context, media_context, explanation, settings
        )

    def add_select_words_example(
        self,
        instruction: str,
        datapoint: str,
        sentence: str,
        truths: list[int],
        required_precision: float = 1,
        required_completeness: float = 1,
        explanation: str | None = None,
        settings: Sequence[RapidataSetting] | None = None,
    ) -> RapidataAudience:
        """Add a select-words example.

        Args:
            instruction: The question.
            datapoint: The media.
            sentence: The sentence; words are split on single spaces.
            truths: Indices (0-based) of the words to select.
            required_precision: Share of selected words that must be correct, 0..1.
            required_completeness: Share of correct words that must be selected, 0..1.
            explanation: Shown to a labeler who answers wrong.
            settings: Display settings.
        """
        check_instruction(instruction)
        words = sentence.split(" ") if isinstance(sentence, str) else []
        if len(words) < 2:
            raise ValueError("sentence must contain at least two words separated by spaces.")
        if not isinstance(truths, list) or not truths:
            raise ValueError("truths must be a non-empty list of word indices (0-based) into the sentence.")
        bad = [t for t in truths if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < len(words)]
        if bad:
            raise ValueError(
                f"truths {bad} are not word indices of the sentence (valid: 0..{len(words) - 1})."
            )
        for name, value in (
            ("required_precision", required_precision),
            ("required_completeness", required_completeness),
        ):
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1, got {value}.")
        transcription = [wire.TranscriptionWord(word=w, word_index=i) for i, w in enumerate(words)]
        return self._post_example(
            asset=self._asset(datapoint, "media"),
            payload=wire.TranscriptionExamplePayload.model_construct(
                title=instruction, transcription=transcription
            ),
            truth=wire.TranscriptionExampleTruth.model_construct(
                correct_words=[transcription[i] for i in sorted(set(truths))],
                required_precision=required_precision,
                required_completeness=required_completeness,
            ),
            random_correct_probability=len(set(truths)) / len(words),
            explanation=explanation,
            settings=settings,
            task_type=KINDS[TaskKind.SELECT_WORDS].task_type,
        )

    def get_examples(self, amount: int = 10, page: int = 1) -> pd.DataFrame:
        """The qualification examples, one row each: ``id, asset, truth, context, contextAsset``."""
        import pandas as pd

        body = (
            self._ctx.transport.request(
                "GET", f"/audience/{self.id}/examples", params={"page": page, "page_size": amount}
            )
            or {}
        )
        rows = [
            {
                "id": item.get("id"),
                "asset": _asset_repr(item.get("asset"), self._ctx.assets_url),
                "truth": _truth_repr(item.get("truth")),
                "context": item.get("context"),
                "contextAsset": _asset_repr(item.get("contextAsset"), self._ctx.assets_url),
            }
            for item in body.get("items") or []
        ]
        return pd.DataFrame(rows, columns=["id", "asset", "truth", "context", "contextAsset"])

    def delete_example(self, example_id: str) -> RapidataAudience:
        """Remove a qualification example (e.g. one with a wrong truth)."""
        self._ctx.transport.request("DELETE", f"/audience/example/{example_id}")
        return self

    # --- recruiting and management ------------------------------------------------------------------

    def start_recruiting(self) -> RapidataAudience:
        """Start recruiting labelers (a no-op the second time on the same object)."""
        if not self._recruiting_started:
            self._ctx.transport.request("POST", f"/audience/{self.id}/recruit")
            self._recruiting_started = True
        return self

    def get_recruiting_metrics(self) -> RecruitingMetrics:
        """How many labelers are graduated, distilling, dropped and inactive."""
        return user_metrics(self._ctx, self.id) or RecruitingMetrics(0, 0, 0, 0)

    def filter(self, filters: list[RapidataFilter]) -> RapidataFilteredAudience:
        """A filtered view of this audience (several filters are ANDed); its labelers stay qualified."""
        if isinstance(filters, RapidataFilter):
            filters = [filters]
        if not filters:
            raise ValueError("filter() needs at least one filter, e.g. [CountryFilter(['US'])].")
        combined = filters[0] if len(filters) == 1 else AndFilter(list(filters))
        created = self._ctx.transport.request(
            "POST",
            f"/audience/{self.id}/filter",
            json={"filter": combined._to_audience_model().wire()},
            response=wire.CreateAudienceOutput,
        )
        return RapidataFilteredAudience(
            created.audience_id, self.name, list(filters), self._ctx, base_id=self.id
        )

    def update_filters(self, filters: list[RapidataFilter]) -> RapidataAudience:
        """Replace the audience's filters."""
        self._ctx.transport.request(
            "PATCH", f"/audience/{self.id}", json={"filters": _audience_filters_wire(filters)}
        )
        self._filters = list(filters)
        return self

    def update_name(self, name: str) -> RapidataAudience:
        """Rename the audience."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError("name must be a non-empty string.")
        self._ctx.transport.request("PATCH", f"/audience/{self.id}", json={"name": name})
        self._name = name
        return self

    def delete(self) -> None:
        """Delete the audience."""
        self._ctx.transport.request("DELETE", f"/audience/{self.id}")


class RapidataFilteredAudience(RapidataAudienceBase):
    """An audience narrowed by filters; usable wherever an audience id is expected."""

    def __init__(
        self,
        id: str,
        name: str,
        filters: list[RapidataFilter] | None,
        ctx: ClientContext,  # noqa: A002
        base_id: str | None = None,
    ) -> None:
        super().__init__(id, name, filters, ctx)
        self.base_id = base_id

    def delete(self) -> None:
        """Delete the filtered audience (the base audience is untouched)."""
        self._ctx.transport.request("DELETE", f"/audience/{self.id}")


class RapidataUnlistedAudience(RapidataAudienceBase):
    """An audience whose labelers join through a link (``.link``)."""

    @property
    def link(self) -> str:
        """The link labelers open to join."""
        return self._ctx.link(f"label/{self.id}")

    def get_job_link(self, job: RapidataJob | str) -> str:
        """A link that opens one job of this audience."""
        job_id = job if isinstance(job, str) else job.id
        return self._ctx.link(f"label/{self.id}?job={job_id}")

    def label(
        self,
        *,
        country: str = "US",
        language: str = "en",
        age: str = "18-29",
        gender: str = "Other",
        occupation: str = "Other",
        name: str | None = None,
    ) -> Any:
        """Label this audience's tasks yourself, in the notebook, as if you had opened ``.link``.

        Qualification examples come first where the audience has them; your answers then count in its
        jobs' results like anyone's, with this profile. Local server only (the ``/labeler`` feed).

        Returns:
            The displayed ``Labeler`` widget.
        """
        profile = {
            "country": country,
            "language": language,
            "age": age,
            "gender": gender,
            "occupation": occupation,
            "name": name,
        }
        return open_labeler(self._ctx, self.id, self.name, "unlisted", profile)


def _check_data_type(data_type: str) -> None:
    if data_type not in ("media", "text"):
        raise ValueError(f"data_type must be 'media' or 'text', got {data_type!r}.")


def _asset_repr(asset: Any, assets_url: str) -> Any:
    if not isinstance(asset, dict):
        return asset
    if variant(asset, MultiAsset, MultiAssetInput):
        return [_asset_repr(a, assets_url) for a in asset.get("assets") or []]
    if "text" in asset:
        return asset["text"]
    name = asset.get("fileName") or asset.get("name")
    if name:
        return name if is_url(str(name)) else f"{assets_url.rstrip('/')}/{name}"
    return asset


def _truth_repr(truth: Any) -> Any:
    if not isinstance(truth, dict):
        return truth
    for key in ("correctCategories", "winnerId", "boundingBoxes", "correctWords"):
        if key in truth:
            value = truth[key]
            if key == "correctWords":
                return [w.get("word") for w in value]
            return value
    return {k: v for k, v in truth.items() if k != TAG}


class RapidataAudienceManager:
    """``client.audience``: create, find and open audiences."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create_audience(
        self,
        name: str,
        filters: list[RapidataFilter] | None = None,
        target_accuracy: float | None = None,
        min_tasks: int | None = None,
        max_tasks: int | None = None,
        *,
        qualification_feedback: QualificationFeedback | None = None,
    ) -> RapidataAudience:
        """Create a custom audience.

        Args:
            name: Its name.
            filters: Country/language filters for recruiting.
            target_accuracy: Accuracy on the examples needed to graduate (0..1; 0.75 if any knob is set).
            min_tasks: Examples answered before graduating (default 10 when any knob is set).
            max_tasks: Examples after which a labeler who has not reached the target is dropped.
            qualification_feedback: What candidates learn of their answers to the examples: ``"immediate"``
                (right or wrong and the example's explanation, after each one), ``"after_decision"`` (only
                whether they qualified; the server's default) or ``"none"``. Not in the official SDK.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValueError("name must be a non-empty string.")
        modes = get_args(QualificationFeedback)
        if qualification_feedback is not None and qualification_feedback not in modes:
            raise ValueError(
                f"qualification_feedback must be one of {list(modes)}, got {qualification_feedback!r}."
            )
        body: dict[str, Any] = {"name": name, "filters": _audience_filters_wire(filters)}
        if qualification_feedback is not None:
            body["qualificationFeedback"] = qualification_feedback
        if target_accuracy is not None or min_tasks is not None or max_tasks is not None:
            accuracy = 0.75 if target_accuracy is None else target_accuracy
            minimum = 10 if min_tasks is None else min_tasks
            if not 0 <= accuracy <= 1:
                raise ValueError(f"target_accuracy must be between 0 and 1, got {accuracy}.")
            if minimum < 1:
                raise ValueError(f"min_tasks must be at least 1, got {minimum}.")
            if max_tasks is not None and max_tasks < minimum:
                raise ValueError(f"max_tasks ({max_tasks}) must be at least min_tasks ({minimum}).")
            body["graduationRule"] = wire.TaskAccuracy.model_construct(
                target_accuracy=accuracy, min_tasks=minimum, max_tasks=max_tasks
            )
        created = self._ctx.transport.request(
            "POST", "/audience", json=body, response=wire.CreateAudienceOutput
        )
        return RapidataAudience(created.audience_id, name, list(filters or []), self._ctx)

    def create_unlisted_audience(self, name: str) -> RapidataUnlistedAudience:
        """Create an unlisted audience (labelers join through its link)."""
        created = self._ctx.transport.request(
            "POST", "/audience/unlisted", json={"name": name}, response=wire.CreateAudienceOutput
        )
        return RapidataUnlistedAudience(created.audience_id, name, [], self._ctx)

    def get_audience_by_id(self, audience_id: str) -> RapidataAudience | RapidataUnlistedAudience:
        """Open an audience by id (``"global"`` is the whole pool)."""
        if audience_id.startswith(UNLISTED_PREFIX):
            body = self._ctx.transport.request("GET", f"/audience/unlisted/{audience_id}") or {}
            return RapidataUnlistedAudience(audience_id, str(body.get("name", "")), [], self._ctx)
        body = self._ctx.transport.request("GET", f"/audience/{audience_id}") or {}
        return cast(RapidataAudience, _audience_from_wire(body, self._ctx, audience_id))

    def find_audiences(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataAudience]:
        """Audiences whose name contains ``name``, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                "/audiences",
                params={
                    "page": page,
                    "page_size": amount,
                    "sort": "-created_at",
                    "name[contains]": name or None,
                },
            )
            or {}
        )
        return [_audience_from_wire(item, self._ctx) for item in body.get("items") or []]


def _audience_from_wire(body: dict[str, Any], ctx: ClientContext, fallback_id: str | None = None) -> Any:
    audience_id = str(body.get("id") or fallback_id)
    filters = [
        f for f in (filter_from_wire(d) for d in body.get("filters") or [] if isinstance(d, dict)) if f
    ]
    base = body.get("baseAudienceId")
    if base and base != audience_id:
        inner = filter_from_wire(body["filter"]) if isinstance(body.get("filter"), dict) else None
        return RapidataFilteredAudience(
            audience_id, str(body.get("name", "")), [inner] if inner else filters, ctx, base_id=str(base)
        )
    return RapidataAudience(audience_id, str(body.get("name", "")), filters, ctx)
