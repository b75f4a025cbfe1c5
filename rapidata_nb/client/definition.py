"""``RapidataJobDefinition``: what to label, held at one revision; edit, save, preview, estimate cost."""

from __future__ import annotations

import copy
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import TypeAdapter

from rapidata_nb.api.models import definition as wire
from rapidata_nb.api.models import tag_of, variant
from rapidata_nb.api.models.definition import (
    EarlyStoppingReferee,
    GroupedRankingWorkflow,
    NaiveReferee,
    QuorumReferee,
)
from rapidata_nb.api.vocabulary import KINDS, TaskKind, kind_of_workflow
from rapidata_nb.client._browser import link_html, show
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._creation import CreationInputs, build_for_kind, new_dataset, upload_into
from rapidata_nb.client._limits import check_instruction
from rapidata_nb.client.exceptions import FailedUploadException, RapidataError, RevisionConflictError
from rapidata_nb.client.settings import RapidataSetting, settings_from_flags, split_feature_flags
from rapidata_nb.client.upload import RapidataDataset
from rapidata_nb.config import logger, managed_print

__all__ = ["CostEstimate", "RapidataJobDefinition", "RevisionInfo"]


@dataclass(frozen=True)
class CostEstimate:
    """What running a definition is expected to cost.

    Attributes:
        estimated_cost: Estimated cost.
        datapoint_count: Datapoints in the dataset.
        required_responses: Responses the job will collect.
    """

    estimated_cost: float
    datapoint_count: int
    required_responses: int

    @classmethod
    def _from_model(cls, model: wire.CostEstimate) -> CostEstimate:
        return cls(model.estimated_cost, model.datapoint_count, model.required_responses)


_COST_ESTIMATE_OR_NOT_READY: TypeAdapter[wire.CostEstimate | None] = TypeAdapter(wire.CostEstimate | None)
"""The cost-estimate reply; an empty body (``None``) means "not priced yet", like a 409 (as the SDK polls)."""


@dataclass(frozen=True)
class RevisionInfo:
    """One revision of a job definition, as listed by ``revisions()``."""

    revision: int
    base_revision: int | None
    state: str
    created_at: datetime

    @classmethod
    def _from_model(cls, model: wire.RevisionListItem) -> RevisionInfo:
        return cls(model.revision_number, model.base_revision_number, model.state, model.created_at)


def _poll_interval(ctx: ClientContext, remote: float) -> float:
    return 0.1 if ctx.is_local else remote


# A stored revision's workflow and referee stay wire dicts: a cloud's may hold fields (or whole variants) that
# the api models do not, and a saved revision sends them back unchanged. Their kind is read through the api
# (the vocabulary, the models' tags), never by spelling tags here.


def _task_kind(workflow: dict[str, Any]) -> TaskKind | None:
    """The task kind of a stored workflow (``None`` for one we do not know)."""
    try:
        return kind_of_workflow(workflow)
    except ValueError:
        return None


def workflow_kind(workflow: dict[str, Any]) -> str:
    """The builder's kind: a rapid's tag (``Classify``, ...), ``GroupedRankingWorkflow``, or ``""``."""
    kind = _task_kind(workflow)
    if kind is None:
        return ""
    return KINDS[kind].rapid_tag or str(tag_of(GroupedRankingWorkflow))


def _votes_key(referee: dict[str, Any]) -> str:
    """The wire key of a referee's vote budget (``maxVotes`` of a stopping rule, else ``totalVotes``)."""
    stopping = variant(referee, QuorumReferee, EarlyStoppingReferee)
    if stopping is not None:
        return str(stopping.model_fields["max_votes"].alias)
    return str(NaiveReferee.model_fields["total_votes"].alias)


class RapidataJobDefinition:
    """A job definition at one revision.

    Reading a property gives the loaded revision's value (or your staged change); assigning stages a change;
    ``save()`` sends the complete revision in one request and moves the object to it.

    Attributes:
        id: The definition id.
        name: The definition name.
    """

    def __init__(
        self,
        id: str,
        name: str,
        ctx: ClientContext,
        revision: int | None = None,  # noqa: A002
        snapshot: dict[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self._ctx = ctx
        self._revision = revision
        self._loaded: dict[str, Any] | None = snapshot
        self._pending: dict[str, Any] = {}
        self._inputs: dict[str, Any] | None = None  # what created it in this session (for previews)

    # --- revision snapshot --------------------------------------------------------------------------

    def _fetch_revision(self, revision: int | None) -> dict[str, Any]:
        path = f"/job/definition/{self.id}/revision" + (f"/{revision}" if revision is not None else "")
        return dict(self._ctx.transport.request("GET", path) or {})

    @property
    def _snapshot(self) -> dict[str, Any]:
        if self._loaded is None:
            self._loaded = self._fetch_revision(self._revision)
            self._revision = int(self._loaded.get("revisionNumber", self._revision or 1))
        return self._loaded

    @property
    def revision(self) -> int:
        """The revision this object holds (and ``assign_job`` runs)."""
        if self._revision is None:
            return int(self._snapshot.get("revisionNumber", 1))
        return self._revision

    @property
    def base_revision(self) -> int | None:
        """The revision this one was edited from."""
        return self._snapshot.get("baseRevisionNumber")

    @property
    def state(self) -> str:
        """``Pending``, ``Completed`` or ``Failed`` (read fresh from the server)."""
        return str(self._fetch_revision(self.revision).get("state", "Completed"))

    @property
    def dataset_id(self) -> str:
        """The dataset of this revision (or the staged one)."""
        return str(self._pending.get("dataset_id", self._snapshot.get("datasetId")))

    @property
    def task_type(self) -> str:
        """The task type: Classification, Compare, Locate, Draw, Select Words, Free Text or Ranking."""
        kind = _task_kind(self._snapshot.get("workflow") or {})
        return KINDS[kind].task_type if kind is not None else "Unknown"

    @property
    def instruction(self) -> str | None:
        """The instruction shown to labelers."""
        if "instruction" in self._pending:
            return str(self._pending["instruction"])
        workflow = self._snapshot.get("workflow") or {}
        kind = _task_kind(workflow)
        if kind is None:
            return None
        field = KINDS[kind].instruction_field
        if kind is TaskKind.RANKING:
            return workflow.get(field)
        return ((workflow.get("rapid") or {}).get(field) or {}).get("literal")

    @instruction.setter
    def instruction(self, value: str) -> None:
        self._pending["instruction"] = check_instruction(value)

    @property
    def answer_options(self) -> list[str] | None:
        """Answer options (classification only)."""
        if "answer_options" in self._pending:
            return list(self._pending["answer_options"])
        workflow = self._snapshot.get("workflow") or {}
        if _task_kind(workflow) is not TaskKind.CLASSIFY:
            return None
        literal = ((workflow.get("rapid") or {}).get("categories") or {}).get("literal")
        if literal:
            return [o["label"] for o in literal]
        return self._snapshot.get("answerOptions")

    @answer_options.setter
    def answer_options(self, value: list[str]) -> None:
        if _task_kind(self._snapshot.get("workflow") or {}) is not TaskKind.CLASSIFY:
            raise ValueError(
                f"A {self.task_type} job definition has no answer options; only classification has."
            )
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("answer_options must be a list of strings.")
        if not 2 <= len(set(value)) == len(value):
            raise ValueError("answer_options needs at least 2 unique options.")
        self._pending["answer_options"] = list(value)

    @property
    def responses_per_datapoint(self) -> int:
        """Responses collected per datapoint (the referee's vote budget)."""
        if "responses_per_datapoint" in self._pending:
            return int(self._pending["responses_per_datapoint"])
        referee = self._snapshot.get("referee") or {}
        return int(referee.get(_votes_key(referee), 0))

    @responses_per_datapoint.setter
    def responses_per_datapoint(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"responses_per_datapoint must be a positive integer, got {value!r}.")
        self._pending["responses_per_datapoint"] = value

    @property
    def settings(self) -> list[RapidataSetting]:
        """The display settings."""
        if "settings" in self._pending:
            return list(self._pending["settings"])
        snap = self._snapshot
        return settings_from_flags(
            snap.get("featureFlags") or snap.get("rapidFeatureFlags") or []
        ) + settings_from_flags(snap.get("campaignFeatureFlags") or [], target="campaign")

    @settings.setter
    def settings(self, value: list[RapidataSetting]) -> None:
        if not isinstance(value, list) or not all(isinstance(s, RapidataSetting) for s in value):
            raise ValueError("settings must be a list of settings, e.g. [NoShuffleSetting()].")
        self._pending["settings"] = list(value)

    @property
    def validation_set_id(self) -> str | None:
        """A pinned validation set, or ``None``."""
        value = self._pending.get("validation_set_id", self._snapshot.get("validationSetId"))
        return None if value is None else str(value)

    @validation_set_id.setter
    def validation_set_id(self, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise ValueError("validation_set_id must be a string or None.")
        self._pending["validation_set_id"] = value

    @property
    def has_unsaved_changes(self) -> bool:
        """Whether changes are staged but not saved."""
        return bool(self._pending)

    # --- editing ----------------------------------------------------------------------------------

    def set_datapoints(
        self,
        datapoints: list[str] | list[list[str]],
        data_type: Literal["media", "text"] = "media",
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        sentences: list[str] | None = None,
        private_metadata: list[dict[str, str]] | None = None,
        answer_options: list[str] | None = None,
    ) -> RapidataJobDefinition:
        """Upload a new dataset now and stage it; ``save()`` makes it a revision.

        Raises:
            FailedUploadException: If some datapoints failed (nothing is staged then).
        """
        kind = workflow_kind(self._snapshot.get("workflow") or {})
        inputs = CreationInputs(
            instruction=self.instruction or "",
            datapoints=datapoints,
            data_type=data_type,
            contexts=contexts,
            media_contexts=media_contexts,
            sentences=sentences,
            private_metadata=private_metadata,
            answer_options=answer_options or self.answer_options,
        )
        spec = build_for_kind(kind, inputs)
        dataset = new_dataset(self._ctx, self.name, spec.schema)
        _, failed = upload_into(dataset, spec)
        if failed:
            raise FailedUploadException(dataset, failed, job_definition=self)
        self._pending["dataset_id"] = dataset.id
        if answer_options is not None and kind == KINDS[TaskKind.CLASSIFY].rapid_tag:
            self._pending["answer_options"] = list(answer_options)
        return self

    def update_dataset(
        self,
        datapoints: list[str] | list[list[str]],
        data_type: Literal["text", "media"] = "media",
        contexts: list[str] | None = None,
        media_contexts: list[list[str]] | None = None,
        sentences: list[str] | None = None,
        private_metadata: list[dict[str, str]] | None = None,
    ) -> RapidataJobDefinition:
        """Deprecated: ``set_datapoints(...)`` then ``save()``."""
        warnings.warn(
            "update_dataset() is deprecated; call set_datapoints(...) and then save().",
            DeprecationWarning,
            stacklevel=2,
        )
        self.set_datapoints(
            datapoints=datapoints,
            data_type=data_type,
            contexts=contexts,
            media_contexts=media_contexts,
            sentences=sentences,
            private_metadata=private_metadata,
        )
        self.save()
        return self

    def _revision_body(self, require_latest: bool) -> dict[str, Any]:
        snap = self._snapshot
        workflow = copy.deepcopy(snap.get("workflow") or {})
        kind = _task_kind(workflow)
        if "instruction" in self._pending and kind is not None:
            field = KINDS[kind].instruction_field
            if kind is TaskKind.RANKING:
                workflow[field] = self._pending["instruction"]
            else:
                workflow["rapid"][field] = {"literal": self._pending["instruction"]}
        if "answer_options" in self._pending:
            workflow["rapid"]["categories"] = {
                "literal": [{"label": o, "value": o} for o in self._pending["answer_options"]]
            }
        referee = copy.deepcopy(snap.get("referee") or {})
        if "responses_per_datapoint" in self._pending:
            referee[_votes_key(referee)] = self._pending["responses_per_datapoint"]
        if "settings" in self._pending:
            rapid_flags, campaign_flags = split_feature_flags(self._pending["settings"])
        else:
            rapid_flags = list(snap.get("featureFlags") or snap.get("rapidFeatureFlags") or [])
            campaign_flags = list(snap.get("campaignFeatureFlags") or [])
        return {
            "workflow": workflow,
            "referee": referee,
            "datasetId": self._pending.get("dataset_id", snap.get("datasetId")),
            "rapidFeatureFlags": rapid_flags,
            "campaignFeatureFlags": campaign_flags,
            "aggregatorType": snap.get("aggregatorType"),
            "validationSetId": self._pending.get("validation_set_id", snap.get("validationSetId")),
            "baseRevisionNumber": snap.get("revisionNumber", self._revision),
            "requireLatest": require_latest,
        }

    def save(self, require_latest: bool = False) -> int:
        """Create a new revision from the loaded one plus the staged changes, and move to it.

        Args:
            require_latest: Only save if nobody saved another revision since this object was loaded.

        Returns:
            The new revision number.

        Raises:
            RevisionConflictError: With ``require_latest=True`` when a newer revision exists; nothing is
                created and the changes stay staged.
        """
        body = self._revision_body(require_latest)
        try:
            answer = (
                self._ctx.transport.request("POST", f"/job/definition/{self.id}/revision", json=body) or {}
            )
        except RevisionConflictError as exc:
            exc.job_definition_id = self.id
            exc.base_revision = body["baseRevisionNumber"]
            raise
        self._revision = int(answer["revisionNumber"])
        self._loaded = None
        self._pending = {}
        logger.info("Saved job definition '%s' as revision %s", self.id, self._revision)
        return self._revision

    def reload(self, revision: int | None = None) -> RapidataJobDefinition:
        """Load a revision (the latest by default).

        Raises:
            RuntimeError: If there are unsaved changes.
        """
        if self._pending:
            raise RuntimeError(
                f"Job definition '{self.id}' has unsaved changes to {', '.join(sorted(self._pending))}. "
                "Call save() or discard_changes() first."
            )
        self._loaded = self._fetch_revision(revision)
        self._revision = int(self._loaded.get("revisionNumber", revision or 1))
        return self

    def discard_changes(self) -> RapidataJobDefinition:
        """Drop the staged changes."""
        self._pending = {}
        return self

    def revisions(self) -> list[RevisionInfo]:
        """Every revision, oldest first."""
        items = self._ctx.transport.paged(
            f"/job/definition/{self.id}/revisions", params={"sort": "revision_number"}, page_size=100
        )
        return [RevisionInfo._from_model(wire.RevisionListItem.model_validate(item)) for item in items]

    def wait_until_ready(self, timeout: float = 300) -> RapidataJobDefinition:
        """Block until this revision is built.

        Raises:
            TimeoutError: Still ``Pending`` after ``timeout`` seconds.
            RuntimeError: The revision failed.
        """
        deadline = time.monotonic() + timeout
        while (state := self.state) == "Pending":
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"Revision {self.revision} of job definition '{self.id}' is still Pending "
                    f"after {timeout} seconds."
                )
            time.sleep(_poll_interval(self._ctx, 2.0))
        if state == "Failed":
            raise RuntimeError(f"Revision {self.revision} of job definition '{self.id}' failed.")
        return self

    @property
    def estimated_cost(self) -> CostEstimate:
        """The cost estimate (waits up to 300 s for the server to compute it)."""
        deadline = time.monotonic() + 300
        while True:
            path = f"/job/definition/{self.id}/cost-estimate"
            try:
                estimate = self._ctx.transport.request("GET", path, response=_COST_ESTIMATE_OR_NOT_READY)
            except RapidataError as exc:
                if exc.status_code != 409:
                    raise
                estimate = None
            if estimate is not None:
                return CostEstimate._from_model(estimate)
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"The cost estimate of job definition '{self.id}' was not ready within 300 s."
                )
            time.sleep(_poll_interval(self._ctx, 5.0))

    @property
    def dataset(self) -> RapidataDataset:
        """The dataset of this revision."""
        return RapidataDataset(self.dataset_id, self._ctx)

    def delete(self) -> None:
        """Delete the job definition."""
        self._ctx.transport.request("DELETE", f"/job/definition/{self.id}")
        managed_print(f"Job definition '{self}' has been deleted.")

    @property
    def preview_url(self) -> str:
        """The link of the preview page."""
        return self._ctx.link(f"definitions/{self.id}")

    def _preview_data(self) -> dict[str, Any]:
        """Plain data for a task preview widget (``TaskPreview`` keyword arguments); never fetches."""
        data = dict(self._inputs or {})
        if not data:
            data = {"task_type": self.task_type, "datapoints": [], "answer_options": self.answer_options}
        data["instruction"] = (
            self.instruction
            if self._loaded is not None or "instruction" in self._pending
            else data.get("instruction", "")
        )
        if "answer_options" in self._pending:
            data["answer_options"] = self._pending["answer_options"]
        if "settings" in self._pending:
            data["settings"] = self._pending["settings"]
        return data

    def preview(self) -> RapidataJobDefinition:
        """Show the tasks as labelers see them: inline in notebooks, else a browser tab or a printed link."""
        show("job_definition", self, self.preview_url, f"Preview of job definition '{self.name}'")
        return self

    def __str__(self) -> str:
        revision = f", revision={self._revision}" if self._revision is not None else ""
        return f"JobDefinition(id={self.id}, name={self.name}{revision})"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        details: dict[str, Any] = {"id": self.id}
        if self._loaded is not None:
            details.update(type=self.task_type, instruction=self.instruction, revision=self._revision)
        return link_html(f"Job definition '{self.name}'", self.preview_url, details)
