"""Jobs: a job definition running on an audience. ``client.job`` creates definitions and finds jobs."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import orjson

from rapidata_nb._gc import collection_paused
from rapidata_nb.api.models import job as wire
from rapidata_nb.api.models.common import PagedResult
from rapidata_nb.client import _display
from rapidata_nb.client._browser import link_html, show
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._creation import (
    CreationInputs,
    RefereeModel,
    build_for_kind,
    matrix_checked,
    referee,
    responses_check,
)
from rapidata_nb.client._labelers import UNLISTED_PREFIX, RecruitingMetrics, open_labeler, user_metrics
from rapidata_nb.client._pipeline import create_definition
from rapidata_nb.client.definition import _COST_ESTIMATE_OR_NOT_READY, RapidataJobDefinition
from rapidata_nb.client.exceptions import RapidataError
from rapidata_nb.client.results import RapidataResults
from rapidata_nb.client.settings import RapidataSetting
from rapidata_nb.config import logger, managed_print, rapidata_config

__all__ = ["JobProgress", "RapidataJob", "RapidataJobManager"]

_BLOCKING = {"ManualApproval", "SpendLimited", "Paused", "Blocked"}
_DONE = {"Completed", "Failed"}


RESULT_PAGE_SIZE = 2000
"""Datapoints per page when downloading results (about 20,000 responses at 10 per datapoint)."""
MODEL_VERDICTS_PER_REQUEST = 50_000
"""Rows per ``add_model_verdicts`` request (each request is stored whole or refused whole)."""


def _add_counts(total: dict[str, Any], part: dict[str, Any]) -> None:
    """Add a page's summary counts to the document's (every summary field is a count over datapoints)."""
    for key, value in part.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value


@dataclass(frozen=True)
class JobProgress:
    """A snapshot of a job's progress.

    Attributes:
        state: The job state (as ``get_status()``).
        completion_percentage: Labeling done, 0..100.
        recruiting: The audience's recruiting funnel, or ``None`` for curated audiences.
        total: Datapoints (tasks) in the job.
        completed: Datapoints that have all their responses.
        response_count: Responses collected so far.
    """

    state: str
    completion_percentage: float
    recruiting: RecruitingMetrics | None
    total: int = field(default=0, kw_only=True)
    completed: int = field(default=0, kw_only=True)
    response_count: int = field(default=0, kw_only=True)

    @classmethod
    def _from_model(
        cls, state: str, progress: wire.JobProgress | None, recruiting: RecruitingMetrics | None
    ) -> JobProgress:
        """The snapshot of a job in ``state`` from its parsed progress reply (``None``: no progress yet)."""
        counts = progress.model_dump(include=_PROGRESS_COUNTS) if progress else {"completion_percentage": 0.0}
        return cls(state=state, recruiting=recruiting, **counts)


_PROGRESS_COUNTS = {"completion_percentage", "total", "completed", "response_count"}
"""The progress reply's fields in ``JobProgress`` (the reply's ``state`` is the labeling's, not the job's)."""


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class RapidataJob:
    """A running (or finished) job.

    Attributes:
        id: The job id.
        name: The job name (the definition's name).
        audience_id: The audience it runs on.
        created_at: When it was created.
        definition_id: The job definition it runs.
        job_details_page: The browser page of the job.
    """

    def __init__(
        self,
        id: str,
        name: str,
        audience_id: str,
        created_at: datetime | None,  # noqa: A002
        definition_id: str,
        ctx: ClientContext,
        pipeline_id: str | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.audience_id = audience_id
        self.created_at = created_at
        self.definition_id = definition_id
        self._pipeline_id = pipeline_id
        self._ctx = ctx
        self.job_details_page = ctx.link(f"audiences/{audience_id}/job/{id}")

    @classmethod
    def _from_model(cls, model: wire.JobOutput | wire.JobListItem, ctx: ClientContext) -> RapidataJob:
        """The job of a ``GET /job/{id}`` reply or of a ``GET /jobs`` item."""
        definition_id = model.definition_id if isinstance(model, wire.JobOutput) else model.job_definition_id
        return cls(
            id=model.job_id,
            name=model.name,
            audience_id=model.audience_id,
            created_at=model.created_at,
            definition_id=definition_id,
            ctx=ctx,
            pipeline_id=model.pipeline_id,
        )

    @classmethod
    def _fetch(cls, job_id: str, ctx: ClientContext) -> RapidataJob:
        return cls._from_model(ctx.transport.request("GET", f"/job/{job_id}", response=wire.JobOutput), ctx)

    def _job(self) -> wire.JobOutput:
        return self._ctx.transport.request("GET", f"/job/{self.id}", response=wire.JobOutput)

    # --- status --------------------------------------------------------------------------------------

    def get_status(self) -> str:
        """The job state: Submitted, Running, Completed, Failed, Paused, ..."""
        return self._job().state

    @property
    def completed_at(self) -> datetime | None:
        """When the job completed, if it did."""
        return self._job().completed_at

    @property
    def pipeline_id(self) -> str:
        """The pipeline id (used for preliminary downloads)."""
        if self._pipeline_id is None:
            self._pipeline_id = self._job().pipeline_id
        return self._pipeline_id

    def _progress(self, *, include_job: bool = False) -> wire.JobProgress | None:
        """The progress reply, or ``None`` while the job has none (404); ``include_job`` asks a rapidata_nb
        server for the job's state and its audience's ``usersPerState`` too (others ignore it)."""
        params = {"includeJob": "true"} if include_job else None
        try:
            return self._ctx.transport.request(
                "GET", f"/job/{self.id}/progress", params=params, response=wire.JobProgress
            )
        except RapidataError as exc:
            if exc.status_code == 404:
                return None
            raise

    def _recruiting(self) -> RecruitingMetrics | None:
        if self.audience_id.startswith(UNLISTED_PREFIX):
            return None
        return user_metrics(self._ctx, self.audience_id)

    def get_progress(self) -> JobProgress:
        """How far the job is (does not block)."""
        progress = self._progress(include_job=True)
        if progress is None or progress.job_state is None:  # not a rapidata_nb server: ask for each part
            return JobProgress._from_model(self._job().state, progress, self._recruiting())
        users = None if self.audience_id.startswith(UNLISTED_PREFIX) else progress.users_per_state
        recruiting = RecruitingMetrics._from_users_per_state(users) if users else None
        return JobProgress._from_model(progress.job_state, progress, recruiting)

    # --- waiting -------------------------------------------------------------------------------------

    def _raise_for_blocking(self, job: wire.JobOutput) -> None:
        state = job.state
        if state == "Paused":
            raise RuntimeError(f"Job '{self.name}' ({self.id}) is paused; call resume() to let it finish.")
        if state == "SpendLimited":
            raise RuntimeError(
                f"Job '{self.name}' ({self.id}) is spend-limited: top up the account to resume it."
            )
        if state == "Blocked":
            raise RuntimeError(
                f"Job '{self.name}' ({self.id}) is blocked by a flagged task; review it at "
                f"{self.job_details_page}."
            )
        if state == "ManualApproval":
            raise RuntimeError(
                f"Job '{self.name}' ({self.id}) awaits manual approval; call this again once approved."
            )

    def _raise_if_audience_cannot_respond(self) -> None:
        if self.audience_id.startswith(UNLISTED_PREFIX):
            return
        metrics = self._recruiting()
        if metrics is not None and (metrics.graduated > 0 or metrics.distilling > 0):
            return
        try:
            audience = (
                self._ctx.transport.request("GET", f"/audience/{self.audience_id}", max_retries=1) or {}
            )
        except Exception:
            return
        status = audience.get("status")
        never = status == "Created" or (status == "Ready" and metrics is not None)
        if not never:
            return
        raise RuntimeError(
            f"Job '{self.name}' ({self.id}) runs on audience '{audience.get('name', self.audience_id)}' "
            f"({self.audience_id}), which can never produce responses: no labelers have graduated and none "
            "are qualifying. Add qualification examples (audience.add_*_example) and call "
            "audience.start_recruiting(), "
            "or assign the job to the 'global' audience."
        )

    def _poll_interval(self, refresh_rate: float) -> float:
        return min(refresh_rate, 0.2) if self._ctx.is_local else refresh_rate

    def _wait(self, refresh_rate: float = 5, on_progress: Any = None) -> wire.JobOutput:
        """Block until Completed/Failed, raising early when the job cannot finish on its own."""
        last_check = 0.0
        while True:
            job = self._job()
            state = job.state
            if on_progress is not None:
                on_progress(job)
            if state in _DONE:
                return job
            if state in _BLOCKING:
                self._raise_for_blocking(job)
            now = time.monotonic()
            if now - last_check >= 2.0:
                self._raise_if_audience_cannot_respond()
                last_check = now
            time.sleep(self._poll_interval(refresh_rate))

    def display_progress_bar(self, refresh_rate: int = 5) -> None:
        """Show progress until the job finishes: a live widget in notebooks, a text bar elsewhere (blocks)."""
        if refresh_rate < 1:
            raise ValueError("refresh_rate must be at least 1 (seconds).")
        renderer = _display.get("job_progress") if _display.in_notebook() else None
        if renderer is not None:
            try:
                renderer([self])
            except Exception as exc:
                logger.debug("progress widget failed: %s", exc)
                renderer = None
        if renderer is not None or rapidata_config.logging.silent_mode:
            job = self._wait(refresh_rate)
        else:
            from tqdm.auto import tqdm

            bar = tqdm(
                total=100,
                desc=f"Job '{self.name}'",
                unit="%",
                bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}]",
            )

            def update(_job: wire.JobOutput) -> None:
                progress = self._progress()
                pct = progress.completion_percentage if progress else 0.0
                if _job.state == "Completed":
                    pct = 100.0
                bar.n = round(min(max(pct, 0.0), 100.0), 1)
                bar.refresh()

            try:
                job = self._wait(refresh_rate, on_progress=update)
            finally:
                bar.close()
        if job.state == "Failed":
            raise RuntimeError(f"Job '{self.name}' ({self.id}) failed: {job.failure_message}")

    def get_results(
        self, preliminary_results: bool = False, *, include_models: bool = False
    ) -> RapidataResults:
        """The results; blocks until the job is done (unless ``preliminary_results``).

        Verdicts attached with :meth:`add_model_verdicts` are listed per datapoint under ``modelResults`` and
        not counted, unless ``include_models`` counts them with the crowd's votes (rapidata_nb servers only).

        Raises:
            RuntimeError: If the job failed, is paused/blocked/awaiting approval, or its audience can never
                respond.
        """
        if preliminary_results:
            if self.get_status() != "Completed":
                return self._preliminary_results()
            managed_print("Job is already completed. Returning final results.")
        if self.get_status() == "StaleResults":
            managed_print(f"Job '{self.name}' has stale results; regenerating them...")
            self._ctx.transport.request("POST", f"/job/{self.id}/retry")
        job = self._wait(refresh_rate=5)
        if job.state == "Failed":
            raise RuntimeError(f"Job '{self.name}' ({self.id}) failed: {job.failure_message}")
        return self._download(include_models=include_models)

    def _download(self, *, include_models: bool = False) -> RapidataResults:
        query = {"includeModels": "true"} if include_models else {}
        return RapidataResults(self._paged_document(f"/job/{self.id}/download-results", query))

    def _paged_document(
        self, path: str, query: Mapping[str, Any] | None = None, **send: Any
    ) -> dict[str, Any]:
        """The result document at ``path``, one page of datapoints per request (big jobs stay quick).

        A server that does not page (the cloud) ignores the parameters and sends everything at once.
        """
        # the pages decode to one big acyclic tree: no cyclic collection while it grows (rapidata_nb._gc)
        with collection_paused():
            document = self._json(path, {**(query or {}), "page": 1, "pageSize": RESULT_PAGE_SIZE}, **send)
            paging = document.pop("page", None)
            for number in range(2, int(paging["totalPages"]) + 1 if paging else 0):
                params = {**(query or {}), "page": number, "pageSize": paging["size"]}
                page = self._json(path, params, **send)
                page.pop("page", None)
                document.setdefault("results", []).extend(page.get("results") or [])
                _add_counts(document.setdefault("summary", {}), page.get("summary") or {})
        return document

    def _json(self, path: str, params: dict[str, Any], **send: Any) -> dict[str, Any]:
        response = self._ctx.transport.send("GET", path, params=params, **send)
        try:
            return dict(orjson.loads(response.content))
        except orjson.JSONDecodeError as exc:
            raise RapidataError(
                message=f"Results of job {self.id} are not JSON: {exc}", original_exception=exc
            ) from exc

    def _preliminary_results(self) -> RapidataResults:
        download_id = self._ctx.transport.request(
            "POST",
            f"/pipeline/{self.pipeline_id}/preliminary-download",
            json=wire.PreliminaryDownloadInput(send_email=False).wire(),
            response=wire.PreliminaryDownloadOutput,
        ).download_id
        deadline = time.monotonic() + 60
        while True:
            try:
                path = f"/pipeline/preliminary-download/{download_id}"
                return RapidataResults(self._paged_document(path, max_retries=0))
            except RapidataError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"Preliminary results of job {self.id} were not ready within 60 s.")
            time.sleep(self._poll_interval(1.0))

    # --- model verdicts -------------------------------------------------------------------------------

    def add_model_verdicts(
        self,
        model: str,
        verdicts: Sequence[str | None] | Mapping[int, str],
        *,
        shown_first: Sequence[str | None] | Mapping[int, str] | None = None,
        probability_a: Sequence[float | None] | Mapping[int, float] | None = None,
    ) -> int:
        """Attach a model's verdicts (an LLM judge's, say) to this job as a labeler of kind ``model``.

        They are never shown to people and never counted in the crowd's results, early stopping or billing;
        ``get_results(include_models=True)`` counts them, and the accessor's ``job.responses()`` lists them
        with ``labeler_kind="model"``. Attaching the same model again replaces its verdicts on those rows.
        rapidata_nb servers only.

        Args:
            model: The model's name (it names the labeler in results and responses).
            verdicts: One verdict per row of the results, in result order (``None`` skips a row), or
                ``{position: verdict}``: ``"A"``, ``"B"`` or ``"tie"`` for compare jobs, an option for
                classification.
            shown_first: Compare: the side the model saw first (``"A"``/``"B"``), in the same shape.
            probability_a: Compare: the model's probability that A is better, in the same shape.

        Returns:
            How many verdicts were stored.

        Raises:
            RapidataError: 400 naming the row for an unknown position, a label the task does not offer or
                more rows than datapoints; nothing of that request is stored.
        """
        given = _by_position(verdicts)
        shown, p_a = _by_position(shown_first or {}), _by_position(probability_a or {})
        rows = [
            {
                "position": position,
                "verdict": verdict,
                "shownFirst": shown.get(position),
                "probabilityA": None if p_a.get(position) is None else float(p_a[position]),
            }
            for position, verdict in given.items()
        ]
        stored = 0
        for start in range(0, len(rows), MODEL_VERDICTS_PER_REQUEST):
            body = {"model": model, "verdicts": rows[start : start + MODEL_VERDICTS_PER_REQUEST]}
            answer = self._ctx.transport.request("POST", f"/job/{self.id}/model-verdicts", json=body) or {}
            stored += int(answer.get("stored", 0))
        return stored

    # --- actions -------------------------------------------------------------------------------------

    def view(self) -> None:
        """Open the job page (inline in notebooks; never blocks)."""
        show("job", self, self.job_details_page, f"Job '{self.name}'")

    def pause(self) -> RapidataJob:
        """Stop collecting responses for now."""
        self._ctx.transport.request("POST", f"/job/{self.id}/pause")
        return self

    def resume(self) -> RapidataJob:
        """Continue collecting responses."""
        self._ctx.transport.request("POST", f"/job/{self.id}/resume")
        return self

    def delete(self) -> None:
        """Delete the job."""
        self._ctx.transport.request("DELETE", f"/job/{self.id}")

    @property
    def estimated_cost(self) -> float:
        """The job's estimated cost."""
        path = f"/job/{self.id}/cost-estimate"
        estimate = self._ctx.transport.request("GET", path, response=_COST_ESTIMATE_OR_NOT_READY)
        return 0.0 if estimate is None else estimate.estimated_cost

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
        """Label this job's tasks yourself, in the notebook, as a human labeler of its audience.

        You label as a human labeler of the job's audience, qualification examples first where it has them;
        your answers count in the results like anyone's, with this profile. Local server only.

        Returns:
            The displayed ``Labeler`` widget.
        """
        unlisted = self.audience_id.startswith(UNLISTED_PREFIX)
        path = f"/audience/unlisted/{self.audience_id}" if unlisted else f"/audience/{self.audience_id}"
        body = self._ctx.transport.request("GET", path, max_retries=1) or {}
        profile = {
            "country": country,
            "language": language,
            "age": age,
            "gender": gender,
            "occupation": occupation,
            "name": name,
        }
        kind = "unlisted" if unlisted else "custom"
        name_ = str(body.get("name") or self.audience_id)
        return open_labeler(self._ctx, self.audience_id, name_, kind, profile, job_id=self.id)

    def __str__(self) -> str:
        return f"RapidataJob(name='{self.name}', id='{self.id}')"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return link_html(
            f"Job '{self.name}'",
            self.job_details_page,
            {"id": self.id, "audience": self.audience_id, "definition": self.definition_id},
        )


def find_jobs(
    ctx: ClientContext, *, name: str = "", amount: int = 10, page: int = 1, audience_id: str | None = None
) -> list[RapidataJob]:
    """``GET /jobs`` filtered by name (contains) and audience."""
    listed = ctx.transport.request(
        "GET",
        "/jobs",
        params={
            "page": page,
            "page_size": amount,
            "sort": "-created_at",
            "name[contains]": name or None,
            "audience_id[eq]": audience_id,
        },
        response=PagedResult[wire.JobListItem],
    )
    return [RapidataJob._from_model(item, ctx) for item in listed.items]


class RapidataJobManager:
    """``client.job``: create job definitions, find definitions and jobs."""

    def __init__(
        self, ctx: ClientContext, *, wrap: Callable[[RapidataJobDefinition], Any] | None = None
    ) -> None:
        self._ctx = ctx
        self._wrap = wrap
        """What the ``create_*`` methods make of a new definition before returning it (or attaching it to a
        ``FailedUploadException``): ``None`` returns the definition; the order API's manager makes orders."""

    def _create(
        self,
        kind: str,
        inputs: CreationInputs,
        *,
        name: str,
        referee: RefereeModel,
        settings: Sequence[RapidataSetting] | None,
        failure_tolerance: float | None,
    ) -> RapidataJobDefinition:
        definition: RapidataJobDefinition = create_definition(
            self._ctx,
            name=name,
            instruction=inputs.instruction,
            spec=build_for_kind(kind, inputs),
            referee=referee,
            settings=settings,
            failure_tolerance=failure_tolerance,
            wrap=self._wrap,
        )
        return definition  # what ``wrap`` makes of it: an order for the order API's manager

    @matrix_checked("Classification")
    def create_classification_job_definition(
        self,
        name: str,
        instruction: str,
        answer_options: list[str] | list[list[str]],
        datapoints: list[str],
        data_type: Literal["media", "text"] = "media",
        responses_per_datapoint: int = 10,
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        confidence_threshold: float | None = None,
        quorum_threshold: int | None = None,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Labelers pick the option(s) that fit each datapoint.

        Args:
            name: Name of the definition (labelers never see it).
            instruction: The question (at most 250 characters).
            answer_options: The options, or one list of options per datapoint.
            datapoints: Media (URLs or local paths) or texts.
            data_type: ``"media"`` or ``"text"``.
            responses_per_datapoint: Responses per datapoint (the maximum with early stopping).
            contexts: One text per datapoint shown with it.
            media_contexts: One list of media per datapoint shown with it.
            confidence_threshold: Stop a datapoint once this confidence is reached (0..1).
            quorum_threshold: Stop a datapoint once this many responses agree.
            settings: Display settings.
            failure_tolerance: Share of datapoints allowed to fail uploading (default from config).
            private_metadata: One dict of strings per datapoint, returned with the results.

        Raises:
            ValueError: On invalid input (the message says what to fix).
            FailedUploadException: When some datapoints failed to upload.
        """
        responses_check("responses_per_datapoint", responses_per_datapoint)
        return self._create(
            "Classify",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                data_type=data_type,
                contexts=contexts,
                media_contexts=media_contexts,
                private_metadata=private_metadata,
                answer_options=answer_options,
            ),
            name=name,
            referee=referee(responses_per_datapoint, confidence_threshold, quorum_threshold),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    @matrix_checked("Compare")
    def create_compare_job_definition(
        self,
        name: str,
        instruction: str,
        datapoints: list[list[str]],
        data_type: Literal["media", "text"] = "media",
        responses_per_datapoint: int = 10,
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        a_b_names: list[str] | None = None,
        confidence_threshold: float | None = None,
        quorum_threshold: int | None = None,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Labelers pick the better of two items.

        Args:
            name: Name of the definition.
            instruction: The question (at most 250 characters).
            datapoints: Pairs of exactly 2 different items (media or text).
            data_type: ``"media"`` or ``"text"``.
            responses_per_datapoint: Responses per pair.
            contexts: One text per pair.
            media_contexts: One list of media per pair.
            a_b_names: Names for the two sides in the results, e.g. ``["Flux", "Midjourney"]``.
            confidence_threshold: Stop a pair once this confidence is reached.
            quorum_threshold: Stop a pair once this many responses agree.
            settings: Display settings.
            failure_tolerance: Share of pairs allowed to fail uploading.
            private_metadata: One dict of strings per pair.
        """
        responses_check("responses_per_datapoint", responses_per_datapoint)
        return self._create(
            "Compare",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                data_type=data_type,
                contexts=contexts,
                media_contexts=media_contexts,
                private_metadata=private_metadata,
                a_b_names=a_b_names,
            ),
            name=name,
            referee=referee(responses_per_datapoint, confidence_threshold, quorum_threshold),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    @matrix_checked("Locate")
    def create_locate_job_definition(
        self,
        name: str,
        instruction: str,
        datapoints: list[str],
        responses_per_datapoint: int = 10,
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Labelers tap the places in an image that match the instruction."""
        responses_check("responses_per_datapoint", responses_per_datapoint)
        return self._create(
            "Locate",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                contexts=contexts,
                media_contexts=media_contexts,
                private_metadata=private_metadata,
            ),
            name=name,
            referee=referee(responses_per_datapoint),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    @matrix_checked("Draw")
    def create_draw_job_definition(
        self,
        name: str,
        instruction: str,
        datapoints: list[str],
        responses_per_datapoint: int = 10,
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Labelers draw over the regions of an image that match the instruction."""
        responses_check("responses_per_datapoint", responses_per_datapoint)
        return self._create(
            "Line",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                contexts=contexts,
                media_contexts=media_contexts,
                private_metadata=private_metadata,
            ),
            name=name,
            referee=referee(responses_per_datapoint),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    @matrix_checked("Select Words")
    def create_select_words_job_definition(
        self,
        name: str,
        instruction: str,
        datapoints: list[str],
        sentences: list[str],
        responses_per_datapoint: int = 10,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Labelers select the words of a sentence that match the instruction (e.g. not depicted)."""
        responses_check("responses_per_datapoint", responses_per_datapoint)
        return self._create(
            "Transcription",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                sentences=sentences,
                private_metadata=private_metadata,
            ),
            name=name,
            referee=referee(responses_per_datapoint),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    @matrix_checked("Free Text")
    def create_free_text_job_definition(
        self,
        name: str,
        instruction: str,
        datapoints: list[str],
        data_type: Literal["media", "text"] = "media",
        responses_per_datapoint: int = 10,
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Labelers answer the instruction in their own words."""
        responses_check("responses_per_datapoint", responses_per_datapoint)
        return self._create(
            "FreeText",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                data_type=data_type,
                contexts=contexts,
                media_contexts=media_contexts,
                private_metadata=private_metadata,
            ),
            name=name,
            referee=referee(responses_per_datapoint),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    @matrix_checked("Ranking")
    def create_ranking_job_definition(
        self,
        name: str,
        instruction: str,
        datapoints: list[list[str]],
        comparison_budget_per_ranking: int,
        responses_per_comparison: int = 1,
        data_type: Literal["media", "text"] = "media",
        random_comparisons_ratio: float = 0.5,
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        settings: Sequence[RapidataSetting] | None = None,
        failure_tolerance: float | None = None,
    ) -> RapidataJobDefinition:
        """Labelers compare pairs from each group; the results rank every group.

        Args:
            name: Name of the definition.
            instruction: The comparison question.
            datapoints: Groups (each at least 2 unique items) ranked independently.
            comparison_budget_per_ranking: Pairwise comparisons collected per group.
            responses_per_comparison: Responses per comparison.
            data_type: ``"media"`` or ``"text"``.
            random_comparisons_ratio: Share of random pairs (the rest pair close scores), 0..1.
            contexts: One text per group.
            media_contexts: One list of media per group.
            settings: Display settings.
            failure_tolerance: Share of items allowed to fail uploading.
        """
        responses_check("comparison_budget_per_ranking", comparison_budget_per_ranking)
        responses_check("responses_per_comparison", responses_per_comparison)
        if not 0 <= random_comparisons_ratio <= 1:
            raise ValueError(
                f"random_comparisons_ratio must be between 0 and 1, got {random_comparisons_ratio}."
            )
        if isinstance(datapoints, list) and datapoints and all(isinstance(g, list) for g in datapoints):
            largest = max(len(g) for g in datapoints)
            pairs = largest * (largest - 1) // 2
            votes = (
                max(1, comparison_budget_per_ranking // max(pairs, 1)) * responses_per_comparison
                if largest <= 10
                else responses_per_comparison
            )
        else:
            votes = responses_per_comparison
        return self._create(
            "GroupedRankingWorkflow",
            CreationInputs(
                instruction=instruction,
                datapoints=datapoints,
                data_type=data_type,
                contexts=contexts,
                media_contexts=media_contexts,
                comparison_budget_per_ranking=comparison_budget_per_ranking,
                random_comparisons_ratio=random_comparisons_ratio,
            ),
            name=name,
            referee=referee(votes),
            settings=settings,
            failure_tolerance=failure_tolerance,
        )

    # --- retrieval -------------------------------------------------------------------------------------

    def get_job_definition_by_id(
        self, job_definition_id: str, revision: int | None = None
    ) -> RapidataJobDefinition:
        """Open a job definition (at ``revision``, or the latest)."""
        body = self._ctx.transport.request("GET", f"/job/definition/{job_definition_id}") or {}
        definition = RapidataJobDefinition(
            str(body.get("definitionId") or job_definition_id),
            str(body.get("name", "")),
            self._ctx,
            revision=revision,
        )
        if revision is not None:
            definition.reload(revision)
        return definition

    def find_job_definitions(
        self, name: str = "", amount: int = 10, page: int = 1
    ) -> list[RapidataJobDefinition]:
        """Job definitions whose name contains ``name``, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                "/job/definitions",
                params={
                    "page": page,
                    "page_size": amount,
                    "sort": "-created_at",
                    "name[contains]": name or None,
                },
            )
            or {}
        )
        return [
            RapidataJobDefinition(
                str(item.get("definitionId") or item.get("id")), str(item.get("name", "")), self._ctx
            )
            for item in body.get("items") or []
        ]

    def get_job_by_id(self, job_id: str) -> RapidataJob:
        """Open a job by id."""
        return RapidataJob._fetch(job_id, self._ctx)

    def find_jobs(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataJob]:
        """Jobs whose name contains ``name``, newest first."""
        return find_jobs(self._ctx, name=name, amount=amount, page=page)


def _by_position(values: Sequence[Any] | Mapping[int, Any]) -> dict[int, Any]:
    """``{position: value}`` of a mapping or of a sequence in result order, without missing values."""
    pairs = values.items() if isinstance(values, Mapping) else enumerate(values)
    return {int(k): v for k, v in pairs if v is not None and v == v}  # v == v: not NaN
