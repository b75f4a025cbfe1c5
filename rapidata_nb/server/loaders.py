"""Row loaders: one dependency per resource that loads the caller's row from the path or answers 404.

A handler names the row it needs (``job: JobDep``) instead of looking it up itself, so "does this exist, and
is it the caller's" is decided in one place per resource, before the handler runs (the request's session is
shared, so the handler works on the same row).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from rapidata_nb.server import validation
from rapidata_nb.server.deps import CurrentUser, SessionDep
from rapidata_nb.server.errors import NotFoundError
from rapidata_nb.server.programs import flows, mri, signals
from rapidata_nb.server.store import audiences
from rapidata_nb.server.store.labeling import Audience, AudienceExample
from rapidata_nb.server.store.models import BatchUpload, Dataset, Job, JobDefinition
from rapidata_nb.server.store.programs import (
    Benchmark,
    BenchmarkPrompt,
    Flow,
    FlowItem,
    Leaderboard,
    Participant,
    Signal,
    SignalRun,
)
from rapidata_nb.server.store.validation import ValidationSet

__all__ = [
    "AudienceDep",
    "BatchUploadDep",
    "BenchmarkDep",
    "DatasetDep",
    "DefinitionDep",
    "ExampleDep",
    "FlowDep",
    "FlowItemDep",
    "JobDep",
    "LeaderboardDep",
    "OwnSignalDep",
    "ParticipantDep",
    "PromptDep",
    "SignalDep",
    "SignalRunDep",
    "UnlistedAudienceDep",
    "ValidationSetDep",
]


# --- data and jobs ------------------------------------------------------------------------------------------


def get_dataset(dataset_id: str, session: SessionDep, user: CurrentUser) -> Dataset:
    """Load the caller's dataset or answer 404."""
    row = session.get(Dataset, dataset_id)
    if row is None or row.owner_id != user.customer_id:
        raise NotFoundError(f"Dataset '{dataset_id}' not found")
    return row


def get_definition(definition_id: str, session: SessionDep, user: CurrentUser) -> JobDefinition:
    """Load the caller's job definition or answer 404."""
    row = session.get(JobDefinition, definition_id)
    if row is None or row.deleted or row.owner_id != user.customer_id:
        raise NotFoundError(f"Job definition '{definition_id}' not found")
    return row


def get_job(job_id: str, session: SessionDep, user: CurrentUser) -> Job:
    """Load the caller's job or answer 404."""
    row = session.get(Job, job_id)
    if row is None or row.deleted or row.owner_id != user.customer_id:
        raise NotFoundError(f"Job '{job_id}' not found")
    return row


def get_batch_upload(batch_id: str, session: SessionDep, user: CurrentUser) -> BatchUpload:
    """Load the caller's batch upload or answer 404."""
    row = session.get(BatchUpload, batch_id)
    if row is None or row.owner_id != user.customer_id:
        raise NotFoundError(f"Batch upload '{batch_id}' not found")
    return row


DatasetDep = Annotated[Dataset, Depends(get_dataset)]
DefinitionDep = Annotated[JobDefinition, Depends(get_definition)]
JobDep = Annotated[Job, Depends(get_job)]
BatchUploadDep = Annotated[BatchUpload, Depends(get_batch_upload)]


# --- audiences ----------------------------------------------------------------------------------------------


def get_audience(audience_id: str, session: SessionDep, user: CurrentUser) -> Audience:
    """Load an audience the caller may see (public/seeded or its own) or answer 404."""
    row = audiences.find_visible(session=session, audience_id=audience_id, owner_id=user.customer_id)
    if row is None:
        raise NotFoundError(f"Audience '{audience_id}' not found")
    return row


def get_unlisted_audience(audience_id: str, session: SessionDep, user: CurrentUser) -> Audience:
    """Load one of the caller's unlisted audiences or answer 404."""
    row = audiences.find_unlisted(session=session, audience_id=audience_id, owner_id=user.customer_id)
    if row is None:
        raise NotFoundError(f"Unlisted audience '{audience_id}' not found")
    return row


def get_example(example_id: str, session: SessionDep, user: CurrentUser) -> tuple[AudienceExample, Audience]:
    """Load a qualification example of one of the caller's audiences, with its audience, or answer 404."""
    found = audiences.find_example(session=session, example_id=example_id, owner_id=user.customer_id)
    if found is None:
        raise NotFoundError(f"Example '{example_id}' not found")
    return found


AudienceDep = Annotated[Audience, Depends(get_audience)]
UnlistedAudienceDep = Annotated[Audience, Depends(get_unlisted_audience)]
ExampleDep = Annotated[tuple[AudienceExample, Audience], Depends(get_example)]


# --- MRI ----------------------------------------------------------------------------------------------------


def get_benchmark(benchmark_id: str, session: SessionDep, user: CurrentUser) -> Benchmark:
    """Load the caller's benchmark or answer 404."""
    return mri.get_benchmark(session=session, benchmark_id=benchmark_id, owner_id=user.customer_id)


def get_prompt(prompt_id: str, session: SessionDep, user: CurrentUser) -> BenchmarkPrompt:
    """Load a prompt of one of the caller's benchmarks or answer 404."""
    prompt = session.get(BenchmarkPrompt, prompt_id)
    if prompt is None:
        raise NotFoundError(f"Prompt '{prompt_id}' not found")
    mri.get_benchmark(session=session, benchmark_id=prompt.benchmark_id, owner_id=user.customer_id)
    return prompt


def get_leaderboard(leaderboard_id: str, session: SessionDep, user: CurrentUser) -> Leaderboard:
    """Load the caller's leaderboard or answer 404."""
    return mri.get_leaderboard(session=session, leaderboard_id=leaderboard_id, owner_id=user.customer_id)


def get_participant(participant_id: str, session: SessionDep, user: CurrentUser) -> Participant:
    """Load the caller's participant or answer 404."""
    return mri.get_participant(session=session, participant_id=participant_id, owner_id=user.customer_id)


BenchmarkDep = Annotated[Benchmark, Depends(get_benchmark)]
PromptDep = Annotated[BenchmarkPrompt, Depends(get_prompt)]
LeaderboardDep = Annotated[Leaderboard, Depends(get_leaderboard)]
ParticipantDep = Annotated[Participant, Depends(get_participant)]


# --- flows and signals --------------------------------------------------------------------------------------


def get_flow(flow_id: str, session: SessionDep, user: CurrentUser) -> Flow:
    """Load the caller's flow or answer 404."""
    return flows.get_flow(session=session, flow_id=flow_id, owner_id=user.customer_id)


def get_flow_item(item_id: str, session: SessionDep, user: CurrentUser) -> FlowItem:
    """Load an item of one of the caller's flows or answer 404."""
    return flows.get_item(session=session, item_id=item_id, owner_id=user.customer_id)


def get_signal(signal_id: str, session: SessionDep, user: CurrentUser) -> Signal:
    """Load a signal the caller may read (its own or a public one) or answer 404."""
    return signals.get_signal(session=session, signal_id=signal_id, owner_id=user.customer_id)


def get_own_signal(signal_id: str, session: SessionDep, user: CurrentUser) -> Signal:
    """Load a signal the caller may change (its own) or answer 404."""
    return signals.get_signal(session=session, signal_id=signal_id, owner_id=user.customer_id, write=True)


def get_signal_run(run_id: str, session: SessionDep, user: CurrentUser) -> SignalRun:
    """Load a firing of a signal the caller may read or answer 404."""
    run = session.get(SignalRun, run_id)
    if run is None:
        raise NotFoundError(f"Signal run '{run_id}' not found")
    signals.get_signal(session=session, signal_id=run.signal_id, owner_id=user.customer_id)
    return run


FlowDep = Annotated[Flow, Depends(get_flow)]
FlowItemDep = Annotated[FlowItem, Depends(get_flow_item)]
SignalDep = Annotated[Signal, Depends(get_signal)]
OwnSignalDep = Annotated[Signal, Depends(get_own_signal)]
SignalRunDep = Annotated[SignalRun, Depends(get_signal_run)]


# --- validation sets ----------------------------------------------------------------------------------------


def get_validation_set(validation_set_id: str, session: SessionDep, user: CurrentUser) -> ValidationSet:
    """Load the caller's validation set or answer 404."""
    return validation.load_set(
        session=session, validation_set_id=validation_set_id, owner_id=user.customer_id
    )


ValidationSetDep = Annotated[ValidationSet, Depends(get_validation_set)]
