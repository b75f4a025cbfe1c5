"""Jobs (``/job``, ``/job/{id}/...``, ``/jobs``) and preliminary result downloads (``/pipeline/...``)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from rapidata_nb._gc import collection_paused
from rapidata_nb.api.models import (
    CostEstimate,
    CreateJobInput,
    CreateJobOutput,
    JobListItem,
    JobOutput,
    JobProgress,
    PagedResult,
    PreliminaryDownloadInput,
    PreliminaryDownloadOutput,
)
from rapidata_nb.server import dispatch, results
from rapidata_nb.server.deps import CurrentUser, SessionDep, SettingsDep, WakeCrowd, base_url, read_only
from rapidata_nb.server.errors import BadRequestError, NotFoundError
from rapidata_nb.server.labeling import qualification
from rapidata_nb.server.loaders import JobDep
from rapidata_nb.server.paging import PageDep
from rapidata_nb.server.routes.definitions import COST_PER_RESPONSE
from rapidata_nb.server.store import audiences
from rapidata_nb.server.store import definitions as definition_store
from rapidata_nb.server.store import jobs as store
from rapidata_nb.server.store.auth import owner_mail
from rapidata_nb.server.store.labeling import Audience
from rapidata_nb.server.store.models import Job, JobDefinition

router = APIRouter(tags=["job"])

_LABELING_STATE = {
    "Submitted": "Created",
    "Queued": "Created",
    "Running": "Labeling",
    "Completed": "Done",
    "Failed": "Failed",
    "Paused": "Paused",
}
_PRELIMINARY_PREFIX = "pdl_"


def _job_out(session: SessionDep, job: Job) -> JobOutput:
    audience = session.get(Audience, job.audience_id)
    return JobOutput(
        job_id=job.id,
        name=job.name,
        definition_id=job.definition_id,
        audience_id=job.audience_id,
        revision_number=job.revision_number,
        pipeline_id=job.pipeline_id,
        audience_name=audience.name if audience else None,
        audience_deleted=bool(audience is None or audience.deleted),
        state=job.state,
        completed_at=job.completed_at,
        failed_at=job.failed_at,
        failure_message=job.failure_message,
        preceding_job_id=job.preceding_job_id,
        created_at=job.created_at,
        owner_id=job.owner_id,
        owner_mail=owner_mail(session=session, owner_id=job.owner_id),
        organization_id=job.owner_id,
    )


ResultPage = Annotated[
    int | None,
    Query(ge=1, le=1_000_000, description="1-based page of datapoints; omit for everything"),
]
ResultPageSize = Annotated[
    int, Query(alias="pageSize", ge=1, le=results.MAX_PAGE_SIZE, description="datapoints per page")
]


def _results_response(
    session: SessionDep,
    request: Request,
    job: Job,
    page: int | None,
    page_size: int,
    include_models: bool = False,
) -> Response:
    # a page is a big acyclic tree, built and encoded with the cyclic collector paused (rapidata_nb._gc)
    with collection_paused():
        document = results.build_results(
            session=session,
            job=job,
            base_url=base_url(request),
            page=page,
            page_size=page_size,
            include_models=include_models,
        )
        # orjson: result documents are the biggest answers we send, and encoding them dominated
        body = orjson.dumps(document)
        del document  # freed here by reference counting, still within the pause
    return Response(body, media_type="application/json")


@router.post("/job")
def create_job(
    body: CreateJobInput,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    wake: WakeCrowd,
) -> CreateJobOutput:
    """Run a job definition revision with an audience."""
    job = store.create_job(session=session, owner_id=user.customer_id, body=body)
    recruiting_started = dispatch.open_job(session=session, job=job, seed=settings.crowd_seed)
    wake()
    return CreateJobOutput(job_id=job.id, recruiting_started=recruiting_started)


@router.get("/jobs")
def list_jobs(
    session: SessionDep,
    user: CurrentUser,
    page: PageDep,
    audience_id: Annotated[str | None, Query(alias="audience_id[eq]")] = None,
    definition_id: Annotated[str | None, Query(alias="definition_id[eq]")] = None,
    name_contains: Annotated[str | None, Query(alias="name[contains]")] = None,
    sort: Annotated[list[str] | None, Query()] = None,
) -> PagedResult[JobListItem]:
    """The caller's jobs, newest first, filtered by ``audience_id[eq]`` and ``name[contains]``."""
    total, rows = store.list_jobs(
        session=session,
        owner_id=user.customer_id,
        audience_id=audience_id,
        definition_id=definition_id,
        name_contains=name_contains,
        sort=sort or [],
        page=page.number,
        page_size=page.size,
    )
    mail = owner_mail(session=session, owner_id=user.customer_id)
    items = []
    for job in rows:
        counts = dispatch.job_progress(session=session, job=job)
        items.append(
            JobListItem(
                job_id=job.id,
                name=job.name,
                job_definition_id=job.definition_id,
                audience_id=job.audience_id,
                revision_number=job.revision_number,
                pipeline_id=job.pipeline_id,
                state=job.state,
                owner_mail=mail,
                organization_id=job.owner_id,
                created_at=job.created_at,
                progress=counts.percentage,
            )
        )
    return page.result(items, total=total)


@router.get("/job/{job_id}")
@read_only
def get_job(job: JobDep, session: SessionDep) -> JobOutput:
    """A job's state and metadata."""
    return _job_out(session, job)


@router.get("/job/{job_id}/progress", response_model_exclude_none=True)
@read_only
def get_progress(
    job: JobDep,
    session: SessionDep,
    user: CurrentUser,
    include_job: Annotated[
        bool,
        Query(alias="includeJob", description="also the job's state and its audience's usersPerState"),
    ] = False,
) -> JobProgress:
    """Finished tasks out of all tasks, and the responses so far."""
    counts = dispatch.job_progress(session=session, job=job)
    extra: dict[str, Any] = {}
    if include_job:  # our client's progress poll in one request instead of three (issue 14)
        extra["job_state"] = job.state
        owner = user.customer_id
        audience = audiences.find_visible(session=session, audience_id=job.audience_id, owner_id=owner)
        if audience is not None:
            extra["users_per_state"] = qualification.user_metrics(session, audience)
    return JobProgress(
        completion_percentage=round(counts.percentage, 2),
        total=counts.total,
        completed=counts.completed,
        state=_LABELING_STATE.get(job.state, "Labeling"),
        response_count=counts.responses,
        **extra,
    )


@router.get("/job/{job_id}/download-results", response_model=None)
@read_only
def download_results(
    job: JobDep,
    session: SessionDep,
    request: Request,
    page: ResultPage = None,
    page_size: ResultPageSize = results.PAGE_SIZE,
    include_models: Annotated[
        bool, Query(alias="includeModels", description="count models' verdicts with the crowd's votes")
    ] = False,
) -> Response:
    """The result document (wire notes §2), computed from the responses so far; whole or one page."""
    return _results_response(session, request, job, page, page_size, include_models)


@router.get("/job/{job_id}/cost-estimate")
def job_cost_estimate(job: JobDep, session: SessionDep) -> CostEstimate:
    """How many responses the job's revision needs."""
    definition = session.get(JobDefinition, job.definition_id)
    assert definition is not None
    revision = definition_store.get_revision(
        session=session, definition=definition, number=job.revision_number
    )
    count, required = definition_store.required_responses(session=session, revision=revision)
    return CostEstimate(
        estimated_cost=required * COST_PER_RESPONSE,
        cost_per_response=COST_PER_RESPONSE,
        datapoint_count=count,
        required_responses=required,
    )


@router.post("/job/{job_id}/pause", status_code=204)
def pause_job(job: JobDep, session: SessionDep) -> Response:
    """Stop serving the job's tasks until it is resumed."""
    if job.state not in ("Running", "Queued", "Submitted", "Paused"):
        raise BadRequestError(f"Job '{job.id}' is {job.state} and cannot be paused")
    store.set_state(session=session, job=job, state="Paused")
    return Response(status_code=204)


@router.post("/job/{job_id}/resume", status_code=204)
def resume_job(job: JobDep, session: SessionDep, wake: WakeCrowd) -> Response:
    """Serve a paused job's tasks again."""
    if job.state not in ("Paused", "Running"):
        raise BadRequestError(f"Job '{job.id}' is {job.state} and cannot be resumed")
    store.set_state(session=session, job=job, state="Running")
    wake()
    return Response(status_code=204)


@router.post("/job/{job_id}/retry", status_code=204)
def retry_job(job: JobDep, session: SessionDep, wake: WakeCrowd) -> Response:
    """Re-run a failed job (or refresh stale results)."""
    if job.state in ("Failed", "StaleResults"):
        store.set_state(session=session, job=job, state="Running")
    wake()
    return Response(status_code=204)


@router.delete("/job/{job_id}", status_code=204)
def delete_job(job: JobDep, session: SessionDep) -> Response:
    """Delete a job; its tasks are no longer served, and no answer is taken after this commits."""
    store.delete_job(session=session, job=job)
    return Response(status_code=204)


@router.post("/pipeline/{pipeline_id}/preliminary-download")
def start_preliminary_download(
    pipeline_id: str, session: SessionDep, user: CurrentUser, body: PreliminaryDownloadInput | None = None
) -> PreliminaryDownloadOutput:
    """Start a download of the results so far (ready at once)."""
    job = session.scalars(select(Job).where(Job.pipeline_id == pipeline_id)).first()
    if job is None or job.deleted or job.owner_id != user.customer_id:
        raise NotFoundError(f"Pipeline '{pipeline_id}' not found")
    return PreliminaryDownloadOutput(download_id=_PRELIMINARY_PREFIX + job.id)


@router.get("/pipeline/preliminary-download/{download_id}", response_model=None)
def get_preliminary_download(
    download_id: str,
    session: SessionDep,
    user: CurrentUser,
    request: Request,
    page: ResultPage = None,
    page_size: ResultPageSize = results.PAGE_SIZE,
) -> Response:
    """The result document of the job so far; whole or one page."""
    job = session.get(Job, download_id.removeprefix(_PRELIMINARY_PREFIX))
    if not download_id.startswith(_PRELIMINARY_PREFIX) or job is None or job.owner_id != user.customer_id:
        raise NotFoundError(f"Preliminary download '{download_id}' not found")
    return _results_response(session, request, job, page, page_size)
