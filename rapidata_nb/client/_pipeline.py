"""The creation pipeline: ``create dataset → upload datapoints → persist definition``, once per definition.

``create_definition`` runs it for a ``TaskSpec`` built by :mod:`rapidata_nb.client._creation` and decides,
from ``failure_tolerance``, whether partial uploads raise ``FailedUploadException`` (the definition built from
the successful datapoints is attached to it whenever at least one datapoint uploaded). It lives apart from the
builders because it returns ``RapidataJobDefinition`` objects, while a definition uses the builders to stage
a new dataset (``set_datapoints``): one direction each, no import cycle (issue 17).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._creation import (
    RefereeModel,
    TaskSpec,
    _check_name,
    new_dataset,
    shorten_long_contexts,
    upload_into,
)
from rapidata_nb.client._datapoint import Datapoint
from rapidata_nb.client._limits import check_instruction
from rapidata_nb.client.definition import RapidataJobDefinition
from rapidata_nb.client.exceptions import FailedUpload, FailedUploadException
from rapidata_nb.client.settings import RapidataSetting, check_settings, split_feature_flags
from rapidata_nb.client.upload import RapidataDataset
from rapidata_nb.config import logger, managed_print, rapidata_config

__all__ = ["create_definition"]


class _Creation:
    """One run of the creation pipeline; kept alive by ``FailedUploadException.retry``."""

    def __init__(
        self,
        ctx: ClientContext,
        *,
        name: str,
        spec: TaskSpec,
        referee: RefereeModel,
        settings: list[RapidataSetting],
        failure_tolerance: float,
        wrap: Callable[[RapidataJobDefinition], Any] | None = None,
    ) -> None:
        self.ctx = ctx
        self.name = name
        self.spec = spec
        self.referee = referee
        self.settings = settings
        self.failure_tolerance = failure_tolerance
        self.wrap = wrap
        self.dataset: RapidataDataset | None = None
        self.definition: RapidataJobDefinition | None = None
        self.product: Any = None
        self.succeeded = 0

    def run(self) -> Any:
        self.dataset = new_dataset(self.ctx, self.name, self.spec.schema)
        successful, failed = upload_into(self.dataset, self.spec)
        self.succeeded = len(successful)
        return self._conclude(failed)

    def retry(self) -> Any:
        assert self.dataset is not None
        pending = [f.item for f in self._failed]
        successful, failed = self.dataset.add_datapoints(pending)
        self.succeeded += len(successful)
        return self._conclude(failed)

    def _conclude(self, failed: list[FailedUpload[Datapoint]]) -> Any:
        self._failed = failed
        total = self.succeeded + len(failed)
        if self.definition is None and self.succeeded > 0:
            self._persist()
        if not failed:
            return self.product
        if self.definition is not None and len(failed) / total <= self.failure_tolerance:
            logger.warning(
                "%d of %d datapoints failed to upload (within failure_tolerance=%s); continuing.",
                len(failed),
                total,
                self.failure_tolerance,
            )
            return self.product
        assert self.dataset is not None
        order = self.product if self.product is not self.definition else None
        raise FailedUploadException(
            self.dataset, failed, job_definition=self.definition, machine=self, order=order
        )

    def _persist(self) -> None:
        assert self.dataset is not None
        rapid_flags, campaign_flags = split_feature_flags(self.settings)
        body: dict[str, Any] = {
            "definitionName": self.name,
            "workflow": self.spec.workflow,
            "referee": self.referee,
            "datasetId": self.dataset.id,
        }
        if rapid_flags:
            body["rapidFeatureFlags"] = rapid_flags
        if campaign_flags:
            body["campaignFeatureFlags"] = campaign_flags
        answer = self.ctx.transport.request("POST", "/job/definition", json=body) or {}
        self.definition = RapidataJobDefinition(str(answer["definitionId"]), self.name, self.ctx, revision=1)
        self.definition._inputs = dict(self.spec.inputs, settings=list(self.settings))
        managed_print(f"Preview in dashboard: {self.definition.preview_url}")
        self.product = self.wrap(self.definition) if self.wrap else self.definition


def create_definition(
    ctx: ClientContext,
    *,
    name: str,
    instruction: str,
    spec: TaskSpec,
    referee: RefereeModel,
    settings: Sequence[RapidataSetting] | None,
    failure_tolerance: float | None,
    wrap: Callable[[RapidataJobDefinition], Any] | None = None,
) -> Any:
    """Run the creation pipeline and return the definition, or what ``wrap`` makes of it (an order)."""
    _check_name(name)
    check_instruction(instruction)
    checked = check_settings(settings, spec.task_type)
    tolerance = rapidata_config.upload.failureTolerance if failure_tolerance is None else failure_tolerance
    if not 0.0 <= tolerance <= 1.0:
        raise ValueError(f"failure_tolerance must be between 0.0 and 1.0, got {tolerance}.")
    shorten_long_contexts(ctx, spec, instruction)
    creation = _Creation(
        ctx,
        name=name,
        spec=spec,
        referee=referee,
        settings=checked,
        failure_tolerance=tolerance,
        wrap=wrap,
    )
    return creation.run()
