"""Flows (``client.flow``): batches labeled within a time to live, under one configuration.

A ranking flow ranks each batch by pairwise comparisons; a classify flow sorts each datapoint of a batch
into one of its categories.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rapidata_nb.api.models import variant
from rapidata_nb.api.models.common import FeatureFlag
from rapidata_nb.api.models.flow import (
    ClassifyBlueprint,
    ClassifyBlueprintCategory,
    ClassifyFlowItemResults,
    CreateFlowItemOutput,
    CreateFlowOutput,
    CreateSimpleFlowInput,
    FlowOutput,
    SimpleFlowOutput,
    UpdateSimpleFlowConfigInput,
)
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._creation import new_dataset
from rapidata_nb.client._datapoint import Datapoint, existing_asset
from rapidata_nb.client.exceptions import FailedUploadException

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ClassifyDatapointResult",
    "ClassifyFlowItemResult",
    "FlowItemResult",
    "RapidataClassifyFlow",
    "RapidataFlow",
    "RapidataFlowItem",
    "RapidataFlowManager",
    "RapidataRankingFlow",
]

TERMINAL_STATES = ("Completed", "Failed", "Stopped", "Incomplete")
FlowType = Literal["ranking", "simple"]
"""The wire's names of the two kinds of flow: ``simple`` is a classify flow."""


@dataclass(frozen=True)
class FlowItemResult:
    """Result of a ranking flow item.

    Attributes:
        datapoints: Each item's key (source URL, else original file name) → its score on the Elo-like scale.
        total_votes: Pairwise comparisons collected for the item.
    """

    datapoints: dict[str, int]
    total_votes: int


@dataclass(frozen=True)
class ClassifyDatapointResult:
    """How one datapoint of a classify flow item was classified.

    Attributes:
        majority_value: The category value chosen most often, ``None`` on a tie (or without votes).
        distribution: Every category value of the flow, in the flow's order, with its vote count (0 when
            nobody chose it).
        response_count: The votes the datapoint received.
    """

    majority_value: str | None
    distribution: dict[str, int]
    response_count: int


@dataclass(frozen=True)
class ClassifyFlowItemResult:
    """Result of a classify flow item.

    Attributes:
        datapoints: Each datapoint's key (source URL, else original file name, else its text) → its result.
        total_responses: The votes collected over the whole item.
    """

    datapoints: dict[str, ClassifyDatapointResult]
    total_responses: int


def _asset_key(dp: dict[str, Any]) -> str:
    asset = dp.get("asset") or {}
    metadata = asset.get("metadata") or {}
    return str(
        (metadata.get("sourceUrl") or {}).get("url")
        or (metadata.get("originalFilename") or {}).get("originalFilename")
        or asset.get("text")
        or asset.get("identifier")
        or dp.get("id", "unknown")
    )


class RapidataFlowItem:
    """One batch of a flow.

    Attributes:
        id: The flow item id.
        flow_id: The flow it belongs to.
    """

    def __init__(
        self,
        id: str,  # noqa: A002
        flow_id: str,
        ctx: ClientContext,
        flow_type: FlowType = "ranking",
    ) -> None:
        self.id = id
        self.flow_id = flow_id
        self._ctx = ctx
        self._flow_type = flow_type

    def _details(self) -> dict[str, Any]:
        return dict(self._ctx.transport.request("GET", f"/flow/ranking/item/{self.id}") or {})

    def get_status(self) -> str:
        """Pending, Running, Completed, Failed, Stopped or Incomplete."""
        return str(self._details()["state"])

    def _wait(self) -> str:
        interval = 0.1 if self._ctx.is_local else 1.0
        while (state := self.get_status()) not in TERMINAL_STATES:
            time.sleep(interval)
        return state

    def get_results(self) -> FlowItemResult | ClassifyFlowItemResult:
        """Wait until the item is done (or its TTL ended) and return its results (partial when Incomplete).

        Returns:
            A ranking item's scores (``FlowItemResult``), or a classify item's categories per datapoint
            (``ClassifyFlowItemResult``).
        """
        self._wait()
        if self._flow_type == "simple":
            return self._classify_results()
        body = self._ctx.transport.request("GET", f"/flow/ranking/item/{self.id}/results") or {}
        return FlowItemResult(
            datapoints={_asset_key(dp): int(dp.get("elo", 0)) for dp in body.get("datapoints", [])},
            total_votes=int(body.get("totalVotes", 0)),
        )

    def _classify_results(self) -> ClassifyFlowItemResult:
        body = self._ctx.transport.request(
            "GET", f"/flow/simple/item/{self.id}/results", response=ClassifyFlowItemResults
        )
        flow = self._ctx.transport.request("GET", f"/flow/{self.flow_id}", response=SimpleFlowOutput)
        values = [c.value for c in flow.blueprint.categories]
        datapoints = {}
        for dp in body.datapoints:
            counts = {c.value: c.count for c in dp.distribution}
            datapoints[_asset_key(dp.wire())] = ClassifyDatapointResult(
                majority_value=dp.majority_value,
                distribution={value: counts.get(value, 0) for value in values},
                response_count=dp.response_count,
            )
        return ClassifyFlowItemResult(datapoints=datapoints, total_responses=body.total_responses)

    def get_win_loss_matrix(self) -> pd.DataFrame:
        """Wait until done; ``matrix.loc[a, b]`` = times ``a`` was preferred over ``b`` (ranking items only).

        Raises:
            ValueError: On an item of a classify flow.
        """
        import pandas as pd

        if self._flow_type != "ranking":
            raise ValueError("The win/loss matrix is only available for items of ranking flows.")
        self._wait()
        body = self._ctx.transport.request("GET", f"/flow/ranking/item/{self.id}/vote-matrix") or {}
        return pd.DataFrame(
            body.get("data", []),
            index=pd.Index(body.get("index", [])),
            columns=pd.Index(body.get("columns", [])),
        )

    def get_response_count(self) -> int:
        """Wait until done and return the number of responses collected."""
        if self._flow_type == "simple":
            result = self.get_results()
            assert isinstance(result, ClassifyFlowItemResult)
            return result.total_responses
        return int(self.get_win_loss_matrix().to_numpy().sum())

    def __repr__(self) -> str:
        return f"FlowItem(id={self.id})"


class RapidataFlow:
    """A flow: its configuration applies to every new batch.

    Attributes:
        id: The flow id.
        name: The flow name.
    """

    def __init__(self, id: str, name: str, ctx: ClientContext, flow_type: FlowType) -> None:  # noqa: A002
        self.id = id
        self.name = name
        self._ctx = ctx
        self._flow_type: FlowType = flow_type

    @staticmethod
    def _check_time_to_live(time_to_live: int | None) -> None:
        if time_to_live is not None and not 10 <= time_to_live <= 3600:
            raise ValueError(f"time_to_live must be between 10 and 3600 seconds, got {time_to_live}")

    def _upload(self, items: list[Datapoint], accept_failed_uploads: bool) -> str:
        """Upload a batch's datapoints into a new dataset; its id."""
        dataset = new_dataset(self._ctx, self.name, None)
        _, failed = dataset.add_datapoints(items)
        if failed and not accept_failed_uploads:
            raise FailedUploadException(dataset=dataset, failed_uploads=failed)
        return dataset.id

    def get_flow_items(self, amount: int = 10, page: int = 1) -> list[RapidataFlowItem]:
        """The flow's items, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                f"/flow/ranking/{self.id}/item",
                params={"page": page, "page_size": amount, "sort": "-created_at"},
            )
            or {}
        )
        return [
            RapidataFlowItem(str(i["id"]), self.id, self._ctx, self._flow_type)
            for i in body.get("items") or []
        ]

    def delete(self) -> None:
        """Delete the flow; its running items stop and keep what they collected."""
        self._ctx.transport.request("DELETE", f"/flow/{self.id}")

    def __repr__(self) -> str:
        return f"Flow(id={self.id}, name={self.name})"


class RapidataClassifyFlow(RapidataFlow):
    """A classify flow: each datapoint of a batch gets one of the flow's categories."""

    def __init__(self, id: str, name: str, ctx: ClientContext) -> None:  # noqa: A002
        super().__init__(id, name, ctx, flow_type="simple")

    def create_new_flow_batch(
        self,
        datapoints: list[str],
        contexts: list[str] | None = None,
        context_assets: list[list[str]] | None = None,
        data_type: Literal["media", "text"] = "media",
        private_metadata: list[dict[str, str]] | None = None,
        accept_failed_uploads: bool = False,
        time_to_live: int | None = None,
    ) -> RapidataFlowItem:
        """Upload a batch and start classifying it; one context and one list of context media per datapoint.

        Raises:
            ValueError: On a TTL out of range (10..3600 s) or context lists that do not match the datapoints.
            FailedUploadException: When datapoints fail to upload and ``accept_failed_uploads`` is False.
        """
        self._check_time_to_live(time_to_live)
        if not isinstance(datapoints, list) or not datapoints:
            raise ValueError("datapoints must be a non-empty list")
        for name, column in (
            ("contexts", contexts),
            ("context_assets", context_assets),
            ("private_metadata", private_metadata),
        ):
            if column is not None and len(column) != len(datapoints):
                raise ValueError(
                    f"{name} needs one entry per datapoint ({len(datapoints)}), got {len(column)}"
                )
        items = [
            Datapoint(
                asset=asset,
                data_type=data_type,
                context=contexts[i] if contexts else None,
                media_context=context_assets[i] if context_assets else None,
                private_metadata=private_metadata[i] if private_metadata else None,
            )
            for i, asset in enumerate(datapoints)
        ]
        dataset_id = self._upload(items, accept_failed_uploads)
        created = self._ctx.transport.request(
            "POST",
            f"/flow/simple/{self.id}/item",
            json={"datasetId": dataset_id, "timeToLiveInSeconds": time_to_live},
            response=CreateFlowItemOutput,
        )
        return RapidataFlowItem(created.flow_item_id, self.id, self._ctx, self._flow_type)

    def update_config(self, drain_duration: int | None = None) -> None:
        """Change how long before its time to live a new batch stops serving new labelers."""
        change = (  # None sends nothing: a null would reset the drain to follow the serve timeout
            UpdateSimpleFlowConfigInput()
            if drain_duration is None
            else UpdateSimpleFlowConfigInput(drain_duration_seconds=drain_duration)
        )
        self._ctx.transport.request("PATCH", f"/flow/simple/{self.id}", json=change.wire(exclude_unset=True))


class RapidataRankingFlow(RapidataFlow):
    """A ranking flow: each batch is ranked by pairwise comparisons."""

    def __init__(self, id: str, name: str, ctx: ClientContext) -> None:  # noqa: A002
        super().__init__(id, name, ctx, flow_type="ranking")

    def create_new_flow_batch(
        self,
        datapoints: list[str],
        context: str | None = None,
        context_assets: list[str] | None = None,
        data_type: Literal["media", "text"] = "media",
        private_metadata: list[dict[str, str]] | None = None,
        accept_failed_uploads: bool = False,
        time_to_live: int | None = None,
    ) -> RapidataFlowItem:
        """Upload a batch and start ranking it; ``time_to_live`` is 10..3600 seconds.

        Raises:
            ValueError: On a TTL out of range, fewer than 2 datapoints or a bad ``context_assets`` list.
            FailedUploadException: When datapoints fail to upload and ``accept_failed_uploads`` is False.
        """
        self._check_time_to_live(time_to_live)
        if not isinstance(datapoints, list) or len(datapoints) < 2:
            raise ValueError("datapoints must be a list of at least 2 items to rank")
        if context_assets is not None and not 1 <= len(context_assets) <= 10:
            raise ValueError("context_assets must contain between 1 and 10 assets")
        if private_metadata is not None and len(private_metadata) != len(datapoints):
            raise ValueError("private_metadata must have one entry per datapoint")
        items = [
            Datapoint(
                asset=asset,
                data_type=data_type,
                private_metadata=private_metadata[i] if private_metadata else None,
            )
            for i, asset in enumerate(datapoints)
        ]
        dataset_id = self._upload(items, accept_failed_uploads)
        context_asset = None
        if context_assets:
            names = [self._ctx.uploader.upload(a) for a in context_assets]
            context_asset = existing_asset(names)
        body = self._ctx.transport.request(
            "POST",
            f"/flow/ranking/{self.id}/item",
            json={
                "datasetId": dataset_id,
                "context": context,
                "contextAsset": context_asset,
                "timeToLiveInSeconds": time_to_live,
            },
            response=CreateFlowItemOutput,
        )
        return RapidataFlowItem(body.flow_item_id, self.id, self._ctx)

    def update_config(
        self,
        instruction: str | None = None,
        starting_elo: int | None = None,
        min_responses: int | None = None,
        max_responses: int | None = None,
        drain_duration: int | None = None,
        serve_timeout: int | None = None,
    ) -> None:
        """Change the configuration for batches created from now on (existing items keep theirs)."""
        body: dict[str, Any] = {
            "criteria": instruction,
            "startingElo": starting_elo,
            "minResponses": min_responses,
            "maxResponses": max_responses,
        }
        if drain_duration is not None:
            body["drainDurationSeconds"] = drain_duration
        if serve_timeout is not None:
            body["serveTimeoutSeconds"] = serve_timeout
        self._ctx.transport.request(
            "PATCH", f"/flow/ranking/{self.id}", json={k: v for k, v in body.items() if v is not None}
        )


class RapidataFlowManager:
    """Create, open and find ranking and classify flows (``client.flow``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create_ranking_flow(
        self,
        name: str,
        instruction: str,
        max_response_threshold: int = 100,
        min_response_threshold: int | None = None,
        validation_set_id: str | None = None,
        settings: Sequence[Any] | None = None,
        drain_duration: int | None = None,
        serve_timeout: int | None = None,
    ) -> RapidataRankingFlow:
        """Create a ranking flow; ``min_response_threshold`` defaults to ``max_response_threshold``.

        Raises:
            ValueError: When the thresholds are not positive or min exceeds max.
        """
        if min_response_threshold is None:
            min_response_threshold = max_response_threshold
        if max_response_threshold < 1 or min_response_threshold < 1:
            raise ValueError("response thresholds must be at least 1")
        if min_response_threshold > max_response_threshold:
            raise ValueError("min_response_threshold must not exceed max_response_threshold")
        flags = [s._to_feature_flag() if hasattr(s, "_to_feature_flag") else s for s in settings or []]
        body = self._ctx.transport.request(
            "POST",
            "/flow/ranking",
            json={
                "name": name,
                "criteria": instruction,
                "maxResponses": max_response_threshold,
                "minResponses": min_response_threshold,
                "validationSetId": validation_set_id,
                "featureFlags": [f if isinstance(f, dict) else dict(f) for f in flags] or None,
                "drainDurationSeconds": drain_duration,
                "serveTimeoutSeconds": serve_timeout,
            },
            response=CreateFlowOutput,
        )
        return RapidataRankingFlow(body.flow_id, name, self._ctx)

    def create_classify_flow(
        self,
        name: str,
        instruction: str,
        categories: list[str] | list[tuple[str, str]],
        max_responses_per_datapoint: int = 15,
        min_responses_per_datapoint: int = 10,
        validation_set_id: str | None = None,
        settings: Sequence[Any] | None = None,
        drain_duration: int | None = None,
        serve_timeout: int | None = None,
    ) -> RapidataClassifyFlow:
        """Create a classify flow over 2 to 8 categories.

        Args:
            categories: Category names, or ``(label, value)`` pairs: labelers read the label, results
                report the value.
            max_responses_per_datapoint: Votes a datapoint collects at most.
            min_responses_per_datapoint: Votes every datapoint needs for its batch to end ``Completed``
                rather than ``Incomplete``.

        Raises:
            ValueError: On fewer than 2 or more than 8 categories, repeated values, or thresholds that are
                not positive or where min exceeds max.
        """
        pairs = [(c, c) if isinstance(c, str) else (c[0], c[1]) for c in categories]
        if not 2 <= len(pairs) <= 8:
            raise ValueError("categories must contain between 2 and 8 entries")
        values = [value for _, value in pairs]
        if len(set(values)) != len(values):
            raise ValueError("category values must be unique")
        if min_responses_per_datapoint < 1:
            raise ValueError("min_responses_per_datapoint must be at least 1")
        if max_responses_per_datapoint < min_responses_per_datapoint:
            raise ValueError("max_responses_per_datapoint must be at least min_responses_per_datapoint")
        body = CreateSimpleFlowInput(
            name=name,
            blueprint=ClassifyBlueprint(
                title=instruction,
                categories=[ClassifyBlueprintCategory(label=label, value=value) for label, value in pairs],
            ),
            max_responses=max_responses_per_datapoint,
            min_responses=min_responses_per_datapoint,
            validation_set_id=validation_set_id,
            feature_flags=[FeatureFlag(**s._to_feature_flag()) for s in settings or []] or None,
            drain_duration_seconds=drain_duration,
            serve_timeout_seconds=serve_timeout,
        )
        created = self._ctx.transport.request(
            "POST", "/flow/simple", json=body.wire(), response=CreateFlowOutput
        )
        return RapidataClassifyFlow(created.flow_id, name, self._ctx)

    def _open(self, flow_id: str, name: str, *, classify: bool) -> RapidataRankingFlow | RapidataClassifyFlow:
        flow_class = RapidataClassifyFlow if classify else RapidataRankingFlow
        return flow_class(flow_id, name, self._ctx)

    def get_flow_by_id(self, flow_id: str) -> RapidataRankingFlow | RapidataClassifyFlow:
        """Open a flow by id (a ranking or a classify flow)."""
        body = self._ctx.transport.request("GET", f"/flow/{flow_id}") or {}
        # Told by the tag alone: a flow without one (or of a type we do not model) opens as a ranking flow.
        classify = variant(body, FlowOutput, SimpleFlowOutput) is SimpleFlowOutput
        return self._open(str(body["id"]), str(body["name"]), classify=classify)

    def find_flows(
        self, name: str = "", amount: int = 10, page: int = 1
    ) -> list[RapidataRankingFlow | RapidataClassifyFlow]:
        """Your flows whose name contains ``name``, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                "/flow",
                params={"page": page, "page_size": amount, "name[contains]": name, "sort": "-created_at"},
            )
            or {}
        )
        return [
            self._open(str(f["id"]), str(f["name"]), classify=f.get("type") == "Simple")
            for f in body.get("items") or []
        ]

    def preheat(self) -> None:
        """Warm up labeling capacity before time-critical batches (a no-op locally)."""
        self._ctx.transport.request("POST", "/campaign/boost/preheat")

    def __repr__(self) -> str:
        return "RapidataFlowManager"
