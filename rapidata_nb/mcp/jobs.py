"""The job tools: create a task as a draft, start it (the one step that spends), follow it, pause it.

The seven tools of RapidataAI/rapidata-mcp keep their names, arguments and result fields, so prompts written
for it carry over; the create tools for ranking, locate, draw, select-words and free-text tasks follow the
same pattern.

A task is a job definition: creating one uploads the datapoints and computes what a run needs, but hands
nothing to labelers. Its id (``job_id``) stays the handle after ``start_job``, which assigns the definition
to an audience (one job); the other tools find that job again by its definition. The id of a job started
elsewhere (a notebook, ``list_jobs``) works too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated

from pydantic import Field

from rapidata_nb.client import (
    JobProgress,
    RapidataClient,
    RapidataError,
    RapidataJob,
    RapidataJobDefinition,
)
from rapidata_nb.frames.judge import JudgeReport, judge_report
from rapidata_nb.frames.tidy import responses_frame, results_frame
from rapidata_nb.mcp._base import Toolbox, ToolError, reported
from rapidata_nb.mcp.results import DRAFT_STATE, result_status, shape_datapoints
from rapidata_nb.mcp.schemas import (
    MAX_BUDGET,
    MAX_DATAPOINTS,
    MAX_RESPONSES,
    AudienceId,
    ConfidenceThreshold,
    Contexts,
    Datapoints,
    DataType,
    Groups,
    Instruction,
    JobId,
    JobList,
    JobPaused,
    JobResults,
    JobStarted,
    JobStatus,
    JobSummary,
    JudgeValidation,
    Limit,
    Name,
    NameContains,
    Options,
    Pairs,
    ResponsesPerDatapoint,
    Sentences,
    TaskDraft,
    Verdicts,
)

__all__ = ["JobTools"]

_PAGE = 100
_NOT_FOUND = (400, 404)


@dataclass
class _Task:
    """A task as the tools see it: the id the caller used, its definition, and its job once started."""

    key: str
    definition: RapidataJobDefinition
    job: RapidataJob | None


def _job_of(client: RapidataClient, definition: RapidataJobDefinition) -> RapidataJob | None:
    """The newest job running ``definition``, or ``None`` for a draft (jobs carry the definition's name)."""
    page = 1
    while True:
        jobs = client.job.find_jobs(name=definition.name, amount=_PAGE, page=page)
        for job in jobs:
            if job.definition_id == definition.id:
                return job
        if len(jobs) < _PAGE:
            return None
        page += 1


def _open(client: RapidataClient, job_id: str) -> _Task:
    """The task ``job_id`` names: a definition id (what create_*_task returns) or a job id."""
    try:
        definition = client.job.get_job_definition_by_id(job_id)
    except RapidataError as exc:
        if exc.status_code not in _NOT_FOUND:
            raise
    else:
        return _Task(job_id, definition, _job_of(client, definition))
    try:
        job = client.job.get_job_by_id(job_id)
    except RapidataError as exc:
        if exc.status_code not in _NOT_FOUND:
            raise
        raise ToolError(
            f"job_id {job_id!r} is not one of your tasks: pass the job_id a create_*_task tool returned, "
            "or call list_jobs to see them."
        ) from None
    return _Task(job_id, client.job.get_job_definition_by_id(job.definition_id), job)


def _draft(definition: RapidataJobDefinition, datapoints: int) -> TaskDraft:
    cost = definition.estimated_cost
    return TaskDraft(
        job_id=definition.id,
        name=definition.name,
        task_type=definition.task_type,
        status=DRAFT_STATE,
        datapoints=datapoints,
        total_responses=cost.required_responses,
        estimated_cost=cost.estimated_cost,
        confirmation_required=True,
        details_url=definition.preview_url,
        next_step=(
            f"Nothing has been spent. Tell the user this task collects {cost.required_responses} human "
            f"responses (estimated cost {cost.estimated_cost:g}) and ask them to confirm; only then call "
            f"start_job(job_id='{definition.id}')."
        ),
    )


def _progress(task: _Task) -> JobProgress:
    """The job's progress, or a draft's (nothing collected)."""
    if task.job is None:
        return JobProgress(state=DRAFT_STATE, completion_percentage=0.0, recruiting=None)
    return task.job.get_progress()


def _status(task: _Task) -> JobStatus:
    definition, job = task.definition, task.job
    progress = _progress(task)
    custom = job is not None and job.audience_id != "global"
    return JobStatus(
        job_id=task.key,
        name=definition.name,
        status=progress.state,
        result_status=result_status(progress.state, progress.response_count),
        task_type=definition.task_type,
        audience_id=job.audience_id if job is not None else None,
        responses_collected=progress.response_count,
        total_responses=definition.estimated_cost.required_responses,
        tasks_total=progress.total,
        tasks_completed=progress.completed,
        completion_percentage=progress.completion_percentage,
        details_url=job.job_details_page if job is not None else definition.preview_url,
        recruiting=asdict(progress.recruiting) if custom and progress.recruiting is not None else None,
    )


def _results_next_step(status: str, collected: int, total: int) -> str | None:
    return {
        "not_started": "Not started: confirm the cost with the user, then call start_job.",
        "collecting": "No response yet (on a custom audience labelers may still be qualifying); "
        "call get_job_status again in a while.",
        "partial": f"{collected} of {total} responses so far; call again later for the rest.",
        "paused": "Paused with the responses so far; start_job resumes it.",
        "blocked": "The job waits on the account or a review; see details_url.",
    }.get(status)


class JobTools(Toolbox):
    """Create tasks, start them, follow their progress and results, pause them."""

    # --- drafts: nothing here reaches a labeler --------------------------------------------------------

    @reported
    def create_classification_task(
        self,
        name: Name,
        instruction: Instruction,
        answer_options: Options,
        datapoint_urls: Datapoints,
        responses_per_datapoint: ResponsesPerDatapoint = 10,
        contexts: Contexts = None,
        confidence_threshold: ConfidenceThreshold = None,
        data_type: DataType = "media",
    ) -> TaskDraft:
        """Create a classification task: humans pick one answer option per datapoint.

        Created as a DRAFT: nothing is collected or spent until start_job. The result gives total_responses
        (datapoints x responses_per_datapoint), the cost driver: confirm it with the user before start_job.
        """
        self._check_media("datapoint_urls", datapoint_urls, data_type)
        with self.client() as client:
            return _draft(
                client.job.create_classification_job_definition(
                    name,
                    instruction,
                    list(answer_options),
                    list(datapoint_urls),
                    data_type=data_type,
                    responses_per_datapoint=responses_per_datapoint,
                    contexts=contexts,
                    confidence_threshold=confidence_threshold,
                ),
                len(datapoint_urls),
            )

    @reported
    def create_comparison_task(
        self,
        name: Name,
        instruction: Instruction,
        comparison_pairs: Pairs,
        responses_per_datapoint: ResponsesPerDatapoint = 10,
        contexts: Contexts = None,
        confidence_threshold: ConfidenceThreshold = None,
        data_type: DataType = "media",
    ) -> TaskDraft:
        """Create a pairwise comparison task: humans choose the better of two items for each pair.

        Useful to evaluate or rank outputs (which image matches the prompt better, which answer is more
        helpful). Created as a DRAFT: nothing is collected or spent until start_job; confirm total_responses
        with the user first.
        """
        self._check_media("comparison_pairs", comparison_pairs, data_type)
        with self.client() as client:
            return _draft(
                client.job.create_compare_job_definition(
                    name,
                    instruction,
                    [list(pair) for pair in comparison_pairs],
                    data_type=data_type,
                    responses_per_datapoint=responses_per_datapoint,
                    contexts=contexts,
                    confidence_threshold=confidence_threshold,
                ),
                len(comparison_pairs),
            )

    @reported
    def create_ranking_task(
        self,
        name: Name,
        instruction: Instruction,
        groups: Groups,
        comparison_budget_per_ranking: Annotated[
            int, Field(ge=1, le=MAX_BUDGET, description="Pairwise comparisons collected per group.")
        ],
        responses_per_comparison: Annotated[
            int, Field(ge=1, le=MAX_RESPONSES, description="Human responses per comparison.")
        ] = 1,
        contexts: Annotated[
            Contexts, Field(description="Optional text shown with each group (one per group).")
        ] = None,
        data_type: DataType = "media",
    ) -> TaskDraft:
        """Create a ranking task: humans compare pairs within each group, and every group gets a ranking.

        Scores are Bradley-Terry strengths on an Elo-like scale. Created as a DRAFT: nothing is collected or
        spent until start_job; confirm total_responses with the user first.
        """
        self._check_media("groups", groups, data_type)
        with self.client() as client:
            return _draft(
                client.job.create_ranking_job_definition(
                    name,
                    instruction,
                    [list(group) for group in groups],
                    comparison_budget_per_ranking,
                    responses_per_comparison=responses_per_comparison,
                    data_type=data_type,
                    contexts=contexts,
                ),
                len(groups),
            )

    @reported
    def create_locate_task(
        self,
        name: Name,
        instruction: Instruction,
        datapoint_urls: Datapoints,
        responses_per_datapoint: ResponsesPerDatapoint = 10,
        contexts: Contexts = None,
    ) -> TaskDraft:
        """Create a locate task: humans tap the places in each image that match the instruction.

        Results cluster the taps (x, y as fractions of the image). Created as a DRAFT: nothing is collected
        or spent until start_job; confirm total_responses with the user first.
        """
        self._check_media("datapoint_urls", datapoint_urls, "media")
        with self.client() as client:
            return _draft(
                client.job.create_locate_job_definition(
                    name,
                    instruction,
                    list(datapoint_urls),
                    responses_per_datapoint=responses_per_datapoint,
                    contexts=contexts,
                ),
                len(datapoint_urls),
            )

    @reported
    def create_draw_task(
        self,
        name: Name,
        instruction: Instruction,
        datapoint_urls: Datapoints,
        responses_per_datapoint: ResponsesPerDatapoint = 10,
        contexts: Contexts = None,
    ) -> TaskDraft:
        """Create a draw task: humans draw over the regions of each image that match the instruction.

        Results give a 10x10 coverage grid per image. Created as a DRAFT: nothing is collected or spent
        until start_job; confirm total_responses with the user first.
        """
        self._check_media("datapoint_urls", datapoint_urls, "media")
        with self.client() as client:
            return _draft(
                client.job.create_draw_job_definition(
                    name,
                    instruction,
                    list(datapoint_urls),
                    responses_per_datapoint=responses_per_datapoint,
                    contexts=contexts,
                ),
                len(datapoint_urls),
            )

    @reported
    def create_select_words_task(
        self,
        name: Name,
        instruction: Instruction,
        datapoint_urls: Datapoints,
        sentences: Sentences,
        responses_per_datapoint: ResponsesPerDatapoint = 10,
    ) -> TaskDraft:
        """Create a select-words task: humans select the words of a sentence that match the instruction.

        E.g. which words of a caption the image does not show. One sentence per datapoint. Created as a
        DRAFT: nothing is collected or spent until start_job; confirm total_responses with the user first.
        """
        self._check_media("datapoint_urls", datapoint_urls, "media")
        with self.client() as client:
            return _draft(
                client.job.create_select_words_job_definition(
                    name,
                    instruction,
                    list(datapoint_urls),
                    list(sentences),
                    responses_per_datapoint=responses_per_datapoint,
                ),
                len(datapoint_urls),
            )

    @reported
    def create_free_text_task(
        self,
        name: Name,
        instruction: Instruction,
        datapoint_urls: Datapoints,
        responses_per_datapoint: ResponsesPerDatapoint = 10,
        contexts: Contexts = None,
        data_type: DataType = "media",
    ) -> TaskDraft:
        """Create a free-text task: humans answer the instruction in their own words for each datapoint.

        Created as a DRAFT: nothing is collected or spent until start_job; confirm total_responses with the
        user first.
        """
        self._check_media("datapoint_urls", datapoint_urls, data_type)
        with self.client() as client:
            return _draft(
                client.job.create_free_text_job_definition(
                    name,
                    instruction,
                    list(datapoint_urls),
                    data_type=data_type,
                    responses_per_datapoint=responses_per_datapoint,
                    contexts=contexts,
                ),
                len(datapoint_urls),
            )

    # --- the one step that spends ---------------------------------------------------------------------

    @reported
    def start_job(self, job_id: JobId, audience_id: AudienceId = "global") -> JobStarted:
        """Start collecting responses for a task (or resume a paused one). THIS IS THE STEP THAT SPENDS.

        Call it only after the user confirmed the task's total_responses and cost. A task that already runs
        is left as it is, so a repeated call never spends twice.
        """
        with self.client() as client:
            task = _open(client, job_id)
            started = True
            if task.job is None:
                try:
                    audience = client.audience.get_audience_by_id(audience_id)
                except RapidataError as exc:
                    if exc.status_code not in _NOT_FOUND:
                        raise
                    raise ToolError(
                        f"audience_id {audience_id!r} does not exist: pass 'global', or an id from "
                        "list_audiences or create_audience. Nothing was started."
                    ) from None
                task.job = audience.assign_job(task.definition)
            elif task.job.get_status() == "Paused":
                task.job.resume()
            else:
                started = False
            job = task.job
            total = task.definition.estimated_cost.required_responses
            already = "" if started else f"It was already started (on audience '{job.audience_id}'); "
            return JobStarted(
                job_id=task.key,
                name=task.definition.name,
                status=job.get_status(),
                started=started,
                audience_id=job.audience_id,
                total_responses=total,
                details_url=job.job_details_page,
                next_step=f"{already}Poll get_job_status, then read get_job_results (partial results are "
                "available while it runs).",
            )

    # --- following a job (read only) ------------------------------------------------------------------

    @reported
    def get_job_status(self, job_id: JobId) -> JobStatus:
        """Get the current status and progress of a task without fetching its results."""
        with self.client() as client:
            return _status(_open(client, job_id))

    @reported
    def get_job_results(
        self,
        job_id: JobId,
        include_details: Annotated[
            bool,
            Field(
                description="Include every individual response with the labeler's country, language, "
                "demographics and reliability score. Large; off by default."
            ),
        ] = False,
        max_datapoints: Annotated[
            int, Field(ge=1, le=MAX_DATAPOINTS, description="Cap on the datapoint entries returned.")
        ] = 50,
    ) -> JobResults:
        """Get a task's results. Never waits: returns what has been collected so far, with a result_status.

        result_status is 'complete' once the job finished; 'partial' while it runs with some responses;
        'collecting' when it started but has none yet; 'not_started' for a draft; 'paused', 'blocked' or
        'failed' otherwise.
        """
        with self.client() as client:
            task = _open(client, job_id)
            progress = _progress(task)
            status = result_status(progress.state, progress.response_count)
            total = task.definition.estimated_cost.required_responses
            document = {} if task.job is None else task.job.get_results(preliminary_results=True)
            datapoints, count = shape_datapoints(
                document, include_details=include_details, max_datapoints=max_datapoints
            )
            return JobResults(
                job_id=task.key,
                name=task.definition.name,
                status=progress.state,
                result_status=status,
                task_type=task.definition.task_type,
                responses_collected=progress.response_count,
                total_responses=total,
                summary=dict(document.get("summary") or {}),
                datapoints=datapoints,
                datapoints_total=count,
                truncated=count > len(datapoints),
                next_step=_results_next_step(status, progress.response_count, total),
            )

    @reported
    def list_jobs(self, name_contains: NameContains = "", limit: Limit = 10) -> JobList:
        """List your most recent tasks, newest first, with their status."""
        with self.client() as client:
            rows = []
            for definition in client.job.find_job_definitions(name_contains, limit):
                task = _Task(definition.id, definition, _job_of(client, definition))
                progress = _progress(task)
                rows.append(
                    JobSummary(
                        job_id=definition.id,
                        name=definition.name,
                        status=progress.state,
                        result_status=result_status(progress.state, progress.response_count),
                        task_type=definition.task_type,
                        details_url=task.job.job_details_page if task.job else definition.preview_url,
                    )
                )
            return JobList(jobs=rows)

    # --- stopping ---------------------------------------------------------------------------------------

    @reported
    def pause_job(self, job_id: JobId) -> JobPaused:
        """Pause a running task: it stops collecting further responses (and spending) until start_job."""
        with self.client() as client:
            task = _open(client, job_id)
            if task.job is None:
                raise ToolError(
                    f"job_id {job_id!r} is a draft that has not started, so there is nothing to pause."
                )
            task.job.pause()
            return JobPaused(
                job_id=task.key,
                name=task.definition.name,
                status=task.job.get_status(),
                paused=True,
                next_step="Results so far stay readable with get_job_results; start_job resumes it.",
            )

    def _check_media(self, field: str, items: list[str] | list[list[str]], data_type: str) -> None:
        if data_type == "media":
            self.check_media(field, items)

    @reported
    def validate_judge(self, job_id: JobId, verdicts: Verdicts) -> JudgeValidation:
        """Measure a model judge against the human responses of a comparison or classification task.

        Give the judge's verdict on every datapoint, in order; the report says how often it agrees with the
        crowd (Cohen's kappa), how that compares with one more human (the leave-one-out ceiling), its
        position bias, and whether it passes the Alternative Annotator Test. Reads only: nothing is spent.
        """
        with self.client() as client:
            task = _open(client, job_id)
            if task.job is None:
                raise ToolError(
                    f"job_id {job_id!r} is a draft: a judge is measured against human responses, so "
                    "start the task (start_job) and let responses come in first."
                )
            document = task.job.get_results(preliminary_results=True)
        frame = results_frame(document)
        if len(verdicts) != len(frame):
            raise ToolError(
                f"verdicts: {len(verdicts)} given, the task has {len(frame)} datapoints; give one verdict "
                "per datapoint, in the order the task was created with."
            )
        try:
            report = judge_report(
                frame.assign(judge=verdicts), judge="judge", responses=responses_frame(document), n_rounds=200
            )
        except ValueError as exc:
            raise ToolError(f"verdicts: {exc}") from None
        return _judge_validation(task.key, report)


def _judge_validation(job_id: str, report: JudgeReport) -> JudgeValidation:
    rows = report.agreement.set_index(["comparison", "statistic"])

    def cell(comparison: str, statistic: str, column: str = "value") -> float | None:
        key = (comparison, statistic)
        return float(rows.loc[key, column]) if key in rows.index else None

    lower, upper = cell("judge vs crowd", "kappa", "lower"), cell("judge vs crowd", "kappa", "upper")
    position = report.bias[(report.bias["statistic"] == "position") & (report.bias["who"] == "judge")]
    return JudgeValidation(
        job_id=job_id,
        items=int(cell("judge vs crowd", "agreement", "n") or 0),
        agreement=cell("judge vs crowd", "agreement"),
        kappa=cell("judge vs crowd", "kappa"),
        kappa_interval=None if lower is None or upper is None else [lower, upper],
        judge_leave_one_out=cell("judge (leave-one-out)", "agreement"),
        human_ceiling=cell("humans (leave-one-out)", "agreement"),
        position_bias=float(position["value"].iloc[0]) if len(position) else None,
        alt_test=str(report.alt_test["verdict"].iloc[0]) if len(report.alt_test) else "not run",
        summary=report.summary(),
    )
