"""Ranking flows (``client.flow``): items ranked by pairwise comparisons within a time to live."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._creation import new_dataset
from rapidata_nb.client._datapoint import Datapoint
from rapidata_nb.client.exceptions import FailedUploadException

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FlowItemResult", "RapidataFlowItem", "RapidataFlowManager", "RapidataRankingFlow"]

TERMINAL_STATES = ("Completed", "Failed", "Stopped", "Incomplete")


@dataclass(frozen=True)
class FlowItemResult:
    """Result of a ranking flow item.

    Attributes:
        datapoints: Each item's key (source URL, else original file name) → its score on the Elo-like scale.
        total_votes: Pairwise comparisons collected for the item.
    """

    datapoints: dict[str, int]
    total_votes: int


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
    """One batch of a ranking flow.

    Attributes:
        id: The flow item id.
        flow_id: The flow it belongs to.
    """

    def __init__(self, id: str, flow_id: str, ctx: ClientContext) -> None:  # noqa: A002
        self.id = id
        self.flow_id = flow_id
        self._ctx = ctx

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

    def get_results(self) -> FlowItemResult:
        """Wait until the item is done (or its TTL ended) and return the scores (partial when Incomplete)."""
        self._wait()
        body = self._ctx.transport.request("GET", f"/flow/ranking/item/{self.id}/results") or {}
        return FlowItemResult(
            datapoints={_asset_key(dp): int(dp.get("elo", 0)) for dp in body.get("datapoints", [])},
            total_votes=int(body.get("totalVotes", 0)),
        )

    def get_win_loss_matrix(self) -> pd.DataFrame:
        """Wait until done; ``matrix.loc[a, b]`` = times ``a`` was preferred over ``b``."""
        import pandas as pd

        self._wait()
        body = self._ctx.transport.request("GET", f"/flow/ranking/item/{self.id}/vote-matrix") or {}
        return pd.DataFrame(
            body.get("data", []),
            index=pd.Index(body.get("index", [])),
            columns=pd.Index(body.get("columns", [])),
        )

    def get_response_count(self) -> int:
        """Wait until done and return the number of pairwise responses collected."""
        return int(self.get_win_loss_matrix().to_numpy().sum())

    def __repr__(self) -> str:
        return f"FlowItem(id={self.id})"


class RapidataRankingFlow:
    """A ranking flow: its configuration applies to every new batch.

    Attributes:
        id: The flow id.
        name: The flow name.
    """

    def __init__(self, id: str, name: str, ctx: ClientContext) -> None:  # noqa: A002
        self.id = id
        self.name = name
        self._ctx = ctx

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
        if time_to_live is not None and not 10 <= time_to_live <= 3600:
            raise ValueError(f"time_to_live must be between 10 and 3600 seconds, got {time_to_live}")
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
        dataset = new_dataset(self._ctx, self.name, None)
        _, failed = dataset.add_datapoints(items)
        if failed and not accept_failed_uploads:
            raise FailedUploadException(dataset=dataset, failed_uploads=failed)
        context_asset = None
        if context_assets:
            names = [self._ctx.uploader.upload(a) for a in context_assets]
            inputs = [{"_t": "ExistingAssetInput", "name": n} for n in names]
            context_asset = inputs[0] if len(inputs) == 1 else {"_t": "MultiAssetInput", "assets": inputs}
        body = (
            self._ctx.transport.request(
                "POST",
                f"/flow/ranking/{self.id}/item",
                json={
                    "datasetId": dataset.id,
                    "context": context,
                    "contextAsset": context_asset,
                    "timeToLiveInSeconds": time_to_live,
                },
            )
            or {}
        )
        return RapidataFlowItem(str(body["flowItemId"]), self.id, self._ctx)

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
        return [RapidataFlowItem(str(i["id"]), self.id, self._ctx) for i in body.get("items") or []]

    def delete(self) -> None:
        """Delete the flow."""
        self._ctx.transport.request("DELETE", f"/flow/{self.id}")

    def __repr__(self) -> str:
        return f"Flow(id={self.id}, name={self.name})"


class RapidataFlowManager:
    """Create, open and find ranking flows (``client.flow``)."""

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
        body = (
            self._ctx.transport.request(
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
            )
            or {}
        )
        return RapidataRankingFlow(str(body["flowId"]), name, self._ctx)

    def get_flow_by_id(self, flow_id: str) -> RapidataRankingFlow:
        """Open a flow by id."""
        body = self._ctx.transport.request("GET", f"/flow/{flow_id}") or {}
        return RapidataRankingFlow(str(body["id"]), str(body["name"]), self._ctx)

    def find_flows(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataRankingFlow]:
        """Your flows whose name contains ``name``, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                "/flow",
                params={"page": page, "page_size": amount, "name[contains]": name, "sort": "-created_at"},
            )
            or {}
        )
        return [RapidataRankingFlow(str(f["id"]), str(f["name"]), self._ctx) for f in body.get("items") or []]

    def preheat(self) -> None:
        """Warm up labeling capacity before time-critical batches (a no-op locally)."""
        self._ctx.transport.request("POST", "/campaign/boost/preheat")

    def __repr__(self) -> str:
        return "RapidataFlowManager"
