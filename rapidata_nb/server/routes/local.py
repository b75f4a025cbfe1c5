"""Local-only controls: health, the simulated crowd (pause/resume/pace/step) and oracle truths.

The crowd is one for the whole server, so its controls belong to the server's operator: the local
(embedded) client and the clients registered at start, i.e. the server's own customer. Everyone else gets
403.

An oracle registers the known truth of some content so the crowd answers against it, e.g. to plan a study
("how many responses do I need to detect a 60/40 preference?"): ``POST /local/oracle`` with
``{"kind": "compare", "datapointId": "dp_..", "truth": {"pA": 0.6}}``.

``POST /local/job/{id}/judge`` asks the simulated judge (``crowd.judge``) for its verdicts on one of the
caller's jobs, drawn from the latent truth the crowd answers that job against; another customer's job is 404.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from rapidata_nb.api.models import WireModel
from rapidata_nb.server.crowd.judge import JudgeProfile, judge_job
from rapidata_nb.server.crowd.runner import CrowdRunner, run_rounds
from rapidata_nb.server.crowd.truth import check_truth, give_job_truths, register_oracle
from rapidata_nb.server.deps import CurrentUser, Principal, SessionDep, SettingsDep
from rapidata_nb.server.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from rapidata_nb.server.loaders import DefinitionDep, JobDep
from rapidata_nb.server.store.auth import DEFAULT_CUSTOMER_ID
from rapidata_nb.server.store.definitions import get_revision
from rapidata_nb.server.store.models import Datapoint

router = APIRouter(prefix="/local", tags=["local"])

_KINDS = ("compare", "ranking", "classify", "locate", "draw", "select_words", "free_text")


class PaceInput(WireModel):
    """Body of ``POST /local/crowd/pace``."""

    pace: float = Field(ge=0, le=60)


class OracleInput(WireModel):
    """Body of ``POST /local/oracle``: the truth of a datapoint, a content key or a list of URLs/texts."""

    kind: str
    truth: dict[str, Any]
    datapoint_id: str | None = None
    content_key: str | None = None
    assets: list[str] | None = None


class JobTruthsInput(WireModel):
    """Body of ``PUT /local/job-definition/{id}/truths``: one truth per datapoint in order (``null``: not
    known), in the canonical shape of ``crowd.truth`` (a ranking item's: ``{"score": s}``)."""

    truths: list[dict[str, Any] | None] = Field(max_length=1_000_000)


_Share = Annotated[float, Field(ge=0, le=1)]


class JudgeInput(WireModel):
    """Body of ``POST /local/job/{id}/judge``: how the simulated judge behaves (``crowd.judge``)."""

    accuracy: _Share = 0.8
    position_bias: _Share = 0.0
    length_bias: _Share = 0.0
    self_preference: _Share = 0.0
    model: str | None = Field(None, max_length=200)
    models: list[tuple[str, str]] | None = Field(None, max_length=100_000)
    """The models behind A and B of each datapoint, in result order (for self-preference)."""
    order: Literal["random", "ab", "both"] = "random"
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    """The judge's seed; by default the crowd's."""


def _operator(user: CurrentUser) -> Principal:
    if user.customer_id != DEFAULT_CUSTOMER_ID:
        raise ForbiddenError(
            "the simulated crowd serves every customer of this server: only its operator (the local "
            "client, or a client registered with serve --client-id) may pause, pace or step it"
        )
    return user


Operator = Annotated[Principal, Depends(_operator)]


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness check (no auth)."""
    return {"status": "ok"}


def _crowd(request: Request) -> CrowdRunner:
    crowd: CrowdRunner | None = getattr(request.app.state, "crowd", None)
    if crowd is None:
        raise ConflictError(
            "the simulated crowd is off (server started with --no-crowd); use POST /local/crowd/step"
        )
    return crowd


@router.get("/crowd")
def crowd_status(request: Request, user: CurrentUser) -> dict[str, Any]:
    """Whether the crowd runs, is paused, its pace and seed."""
    crowd = getattr(request.app.state, "crowd", None)
    return crowd.status() if crowd is not None else {"running": False, "paused": False}


@router.post("/crowd/pause")
def pause_crowd(request: Request, user: Operator) -> dict[str, Any]:
    """Stop simulated answers (humans keep labeling)."""
    crowd = _crowd(request)
    crowd.pause()
    return crowd.status()


@router.post("/crowd/resume")
def resume_crowd(request: Request, user: Operator) -> dict[str, Any]:
    """Resume simulated answers."""
    crowd = _crowd(request)
    crowd.resume()
    return crowd.status()


@router.post("/crowd/pace")
def set_pace(body: PaceInput, request: Request, user: Operator) -> dict[str, Any]:
    """Seconds between simulated responses (0 = as fast as possible)."""
    crowd = _crowd(request)
    crowd.set_pace(body.pace)
    return crowd.status()


@router.post("/crowd/step")
def step_crowd(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: Operator,
    steps: int = Query(1, ge=1, le=10_000),
) -> dict[str, int]:
    """Give up to ``steps`` simulated responses now, fewest-answered tasks first (for a server without a crowd
    thread). Each round of up to a few hundred responses is a transaction of its own, so other requests are
    served in between. A paused crowd gives none (409): resume it first."""
    crowd: CrowdRunner | None = getattr(request.app.state, "crowd", None)
    if crowd is not None and crowd.paused:
        raise ConflictError("the simulated crowd is paused; POST /local/crowd/resume before stepping it")
    session.commit()  # the token check's transaction ends here: on SQLite it holds the write lock
    done = run_rounds(request.app.state.session_factory, seed=settings.crowd_seed, units=steps)
    return {"steps": done}


@router.post("/job/{job_id}/judge")
def judge(body: JudgeInput, job: JobDep, session: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """The simulated judge's verdicts on every datapoint of the caller's compare or classification job, in
    result order: ``shownFirst`` (compare), ``verdict`` (``A``/``B``, or an option), ``probabilityA``
    (compare) and the ``mechanism`` that decided it; two per datapoint with ``order="both"``."""
    try:
        profile = JudgeProfile(
            accuracy=body.accuracy,
            position_bias=body.position_bias,
            length_bias=body.length_bias,
            self_preference=body.self_preference,
            model=body.model,
            order=body.order,
        )
        judged = judge_job(
            session,
            job=job,
            crowd_seed=settings.crowd_seed,
            seed=settings.crowd_seed if body.seed is None else body.seed,
            profile=profile,
            models=body.models,
        )
    except ValueError as exc:
        raise BadRequestError(str(exc)) from exc
    compare = all(v.shown_first for d in judged for v in d.verdicts)
    return {
        "jobId": job.id,
        "verdicts": [
            {
                "position": d.position,
                "datapointId": d.datapoint_id,
                "shownFirst": v.shown_first or None,
                "verdict": v.choice,
                "probabilityA": v.probability_a if compare else None,
                "mechanism": v.mechanism,
            }
            for d in judged
            for v in d.verdicts
        ],
    }


@router.post("/oracle")
def add_oracle(body: OracleInput, session: SessionDep, user: CurrentUser) -> dict[str, str]:
    """Register the known truth of some content; the crowd answers the caller's jobs against it from now
    on (other customers' jobs on the same content keep their own truth)."""
    if body.kind not in _KINDS:
        raise BadRequestError(f"kind must be one of {list(_KINDS)}, got {body.kind!r}")
    given = [x is not None for x in (body.datapoint_id, body.content_key, body.assets)]
    if sum(given) != 1:
        raise BadRequestError("give exactly one of datapointId, contentKey or assets")
    if body.datapoint_id is not None:
        dp = session.get(Datapoint, body.datapoint_id)
        if dp is None or dp.owner_id != user.customer_id:
            raise NotFoundError(f"datapointId: datapoint '{body.datapoint_id}' not found")
        key = dp.content_key
    elif body.content_key is not None:
        key = body.content_key
    else:
        identities = [
            f"url:{a}" if a.lower().startswith(("http://", "https://")) else f"text:{a}"
            for a in body.assets or []
        ]
        key = hashlib.sha256(json.dumps(identities).encode()).hexdigest()
    check_truth(body.kind, body.truth)
    register_oracle(session=session, owner_id=user.customer_id, kind=body.kind, key=key, truth=body.truth)
    return {"contentKey": key, "kind": body.kind}


@router.put("/job-definition/{definition_id}/truths")
def set_job_truths(definition: DefinitionDep, body: JobTruthsInput, session: SessionDep) -> dict[str, int]:
    """Give the truths of a definition's datapoints (its latest revision's); the crowd answers its jobs
    against them unless an oracle says otherwise."""
    revision = get_revision(session=session, definition=definition)
    return {"truths": give_job_truths(session=session, revision=revision, truths=body.truths)}
