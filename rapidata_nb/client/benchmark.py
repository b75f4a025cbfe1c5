"""Model Ranking Insights (``client.mri``): benchmarks, leaderboards and participants.

Prompts are identified by their identifier (the prompt text by default); every medium a model generates is
tied to one identifier, and only media of the same identifier are compared. ``english_prompts`` returns the
prompts unchanged: the local backend does not translate (identity translation).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from rapidata_nb.api.models import (
    CreateBenchmarkOutput,
    ExistingAssetInput,
    MultiAsset,
    TextAssetInput,
    variant,
)
from rapidata_nb.client._browser import show
from rapidata_nb.client._context import ClientContext
from rapidata_nb.client._datapoint import AssetInputModel, one_or_multi
from rapidata_nb.client.benchmark_values import (
    BenchmarkDemographicDimension,
    Origin,
    SampleUpload,
    Tag,
    VoteAggregation,
)
from rapidata_nb.client.exceptions import FailedUpload, RapidataError
from rapidata_nb.client.filters import AgeGroup, Gender
from rapidata_nb.config import logger, rapidata_config

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LEVELS_OF_DETAIL",
    "BenchmarkParticipant",
    "RapidataBenchmark",
    "RapidataBenchmarkManager",
    "RapidataLeaderboard",
]

LEVELS_OF_DETAIL = {"debug": 20, "low": 2000, "medium": 4000, "high": 8000, "very high": 16000}
"""Comparison budget (responses per evaluation) of each named ``level_of_detail``."""


def resolve_budget(level_of_detail: str | int) -> int:
    """A named level or a positive integer → the comparison budget.

    Raises:
        ValueError: For an unknown name or a non-positive integer.
    """
    if isinstance(level_of_detail, bool):
        raise ValueError(f"level_of_detail must be one of {list(LEVELS_OF_DETAIL)} or a positive integer")
    if isinstance(level_of_detail, int):
        if level_of_detail < 1:
            raise ValueError(f"level_of_detail must be a positive integer, got {level_of_detail}")
        return level_of_detail
    if level_of_detail not in LEVELS_OF_DETAIL:
        raise ValueError(
            f"level_of_detail must be one of {list(LEVELS_OF_DETAIL)} or a positive integer, "
            f"got {level_of_detail!r}"
        )
    return LEVELS_OF_DETAIL[level_of_detail]


def _asset_input(ctx: ClientContext, value: str, data_type: str = "media") -> AssetInputModel:
    if data_type == "text":
        return TextAssetInput(text=value)
    return ExistingAssetInput(name=ctx.uploader.upload(value))


class BenchmarkParticipant:
    """A model in a benchmark.

    Attributes:
        id: The participant id.
        name: Its display name.
        price: Its price in US dollars per ``price_unit``, or ``None``.
        price_unit: ``"image"``, ``"video_second"`` or ``"million_tokens"``, or ``None``.
    """

    def __init__(
        self,
        name: str,
        id: str,  # noqa: A002
        benchmark_id: str,
        ctx: ClientContext,
        status: str = "Created",
        price: float | None = None,
        price_unit: PriceUnit | None = None,
    ) -> None:
        self.name = name
        self.id = id
        self._benchmark_id = benchmark_id
        self._ctx = ctx
        self._status = status
        self.price = price
        """US dollars per ``price_unit`` (``None``: not priced)."""
        self.price_unit = price_unit

    @property
    def status(self) -> str:
        """``Created`` (not yet submitted), ``Submitted`` or ``Disabled``."""
        return self._status

    def upload_media(
        self, assets: list[str], identifiers: list[str], data_type: Literal["media", "text"] = "media"
    ) -> tuple[list[str], list[str]]:
        """Attach media (URLs, paths or texts) to prompt identifiers; returns ``(uploaded, failed)`` assets.

        Raises:
            ValueError: When the lists differ in length.
        """
        if len(assets) != len(identifiers):
            raise ValueError("assets and identifiers must have the same length")
        outcomes = self._send(assets, identifiers, data_type)
        failed = [a for a, err in outcomes if err is not None]
        if failed:
            first = next(err for _, err in outcomes if err is not None)
            raise ValueError(f"{len(failed)} media could not be added to '{self.name}': {first}")
        return [a for a, _ in outcomes], failed

    def _send(
        self, assets: list[str], identifiers: list[str], data_type: str
    ) -> list[tuple[str, RapidataError | None]]:
        """Post the samples in parallel: each asset with its error (``None`` when it landed or was there)."""

        def one(pair: tuple[str, str]) -> tuple[str, RapidataError | None]:
            asset, identifier = pair
            try:
                self._ctx.transport.request(
                    "POST",
                    f"/participant/{self.id}/sample",
                    json={"identifier": identifier, "asset": _asset_input(self._ctx, asset, data_type)},
                )
            except RapidataError as exc:
                return asset, None if exc.status_code == 409 else exc  # 409: the sample is already held
            return asset, None

        with ThreadPoolExecutor(max_workers=max(1, min(8, rapidata_config.upload.maxWorkers))) as pool:
            return list(pool.map(one, zip(assets, identifiers, strict=True)))

    def missing_counts(self, identifiers: list[str]) -> Counter[str]:
        """How many samples each identifier is still short on the server (absent: none missing).

        Args:
            identifiers: Every identifier intended for the participant, once per sample.
        """
        held = Counter(
            str(s["identifier"])
            for s in self._ctx.transport.paged(f"/participant/{self.id}/samples", page_size=100)
        )
        intended = Counter(identifiers)
        intended.subtract(held)
        return Counter({k: v for k, v in intended.items() if v > 0})

    def retry_missing(
        self, assets: list[str], identifiers: list[str], data_type: Literal["media", "text"] = "media"
    ) -> tuple[list[str], list[FailedUpload[SampleUpload]]]:
        """Re-send the samples of every identifier the server is still short of (what already landed is
        refused as a duplicate, so nothing is doubled); stops when a round closes no gap.

        Returns:
            The assets sent successfully, and the samples that still failed.
        """
        if len(assets) != len(identifiers):
            raise ValueError("assets and identifiers must have the same length")
        successful: list[str] = []
        failed: list[FailedUpload[SampleUpload]] = []
        for _ in range(max(1, rapidata_config.upload.maxRetries)):
            short = self.missing_counts(identifiers)
            if not short:
                break
            pairs = [(a, i) for a, i in zip(assets, identifiers, strict=True) if i in short]
            outcomes = self._send([a for a, _ in pairs], [i for _, i in pairs], data_type)
            successful += [a for a, err in outcomes if err is None]
            failed = [
                FailedUpload.from_exception(SampleUpload(media=a, identifier=i), err, stage="datapoint")
                for (a, i), (_, err) in zip(pairs, outcomes, strict=True)
                if err is not None
            ]
            if sum(self.missing_counts(identifiers).values()) >= sum(short.values()):
                break
        return successful, failed

    def set_price(self, price: float, unit: PriceUnit) -> None:
        """Set the model's price: US dollars per ``unit`` (``"image"``, ``"video_second"`` or
        ``"million_tokens"``).

        Raises:
            ValueError: When the price is not a finite number above 0 or the unit is unknown.
        """
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise ValueError("price must be a number")
        if not math.isfinite(price) or price <= 0:
            raise ValueError("price must be a finite number greater than 0")
        if unit not in _COST_UNITS:
            raise ValueError(f"unit must be one of {', '.join(map(repr, _COST_UNITS))}, got {unit!r}")
        self._ctx.transport.request(
            "PATCH", f"/participant/{self.id}", json={"cost": float(price), "costUnit": _COST_UNITS[unit]}
        )
        self.price, self.price_unit = float(price), unit

    def clear_price(self) -> None:
        """Remove the model's price."""
        self._ctx.transport.request("PATCH", f"/participant/{self.id}", json={"cost": None, "costUnit": None})
        self.price = self.price_unit = None

    def run(self) -> None:
        """Submit the participant: it is matched against the field on every leaderboard (a warning is
        logged for prompts it filled below the benchmark's ``min_assets_per_prompt``)."""
        _submit(self._ctx, [self.id], {self.id: self.name})
        self._status = "Submitted"

    def get_elo(self) -> float | None:
        """The participant's score over all leaderboards of the benchmark (``None`` before any matchup)."""
        body = self._ctx.transport.request("GET", f"/benchmark/{self._benchmark_id}/standings/query") or {}
        for item in body.get("items") or []:
            if item["id"] == self.id:
                return None if item.get("score") is None else round(float(item["score"]), 2)
        return None

    def rename(self, name: str) -> None:
        """Change the display name."""
        self._ctx.transport.request("PATCH", f"/participant/{self.id}", json={"name": name})
        self.name = name

    def disable(self) -> None:
        """Exclude from evaluation and standings (reversible)."""
        self._ctx.transport.request("POST", f"/participant/{self.id}/disable")
        self._status = "Disabled"

    def enable(self) -> None:
        """Include again after :meth:`disable`."""
        self._ctx.transport.request("POST", f"/participant/{self.id}/enable")
        self._status = "Submitted"

    def delete(self) -> None:
        """Remove the participant and its media (cannot be undone)."""
        self._ctx.transport.request("DELETE", f"/participant/{self.id}")

    def __repr__(self) -> str:
        return f"BenchmarkParticipant(name='{self.name}', id='{self.id}', status='{self._status}')"


PriceUnit = Literal["image", "video_second", "million_tokens"]
"""What a participant's price (US dollars) is per."""
_COST_UNITS: dict[str, str] = {
    "image": "UsdPerImage",
    "video_second": "UsdPerVideoSecond",
    "million_tokens": "UsdPerMillionTokens",
}
_PRICE_UNITS = {wire: unit for unit, wire in _COST_UNITS.items()}


def _submit(ctx: ClientContext, participant_ids: list[str], names: dict[str, str]) -> None:
    """Submit participants; log the prompts they filled below the benchmark's samples-per-prompt minimum."""
    body = ctx.transport.request("POST", "/participants/submit", json={"participantIds": participant_ids})
    warning = (body or {}).get("minAssetsPerPromptWarning")
    if not warning:
        return
    least = warning["minAssetsPerPrompt"]
    lines = "; ".join(
        f"{names.get(w['participantId'], w['participantId'])}: "
        + ", ".join(f"'{u['identifier']}' ({u['assetCount']}/{least})" for u in w["underfilledPrompts"])
        for w in warning["underfilledParticipants"]
    )
    logger.warning(
        "%d participant(s) submitted with prompts below the benchmark's %d samples per prompt: %s",
        len(warning["underfilledParticipants"]),
        least,
        lines,
    )


def _tag_wire(tags: Sequence[str | Tag] | None) -> list[dict[str, Any]]:
    return [
        {"value": t} if isinstance(t, str) else {"value": t.value, "category": t.category} for t in tags or []
    ]


def _origin_wire(origin: Origin | str | None) -> dict[str, str] | None:
    if origin is None:
        return None
    return {"source": origin if isinstance(origin, str) else origin.source}


def _filters(
    tags: list[str] | None = None,
    country: list[str] | None = None,
    language: list[str] | None = None,
    gender: list[Gender] | None = None,
    age_bucket: list[AgeGroup] | None = None,
    occupation: list[str] | None = None,
    run_id: str | None = None,
    leaderboard_ids: list[str] | None = None,
    participant_ids: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Query parameters of the standings, matrix and demographics routes (an empty list keeps nothing)."""
    columns: dict[str, list[str] | None] = {
        "tags": tags,
        "country": country,
        "language": language,
        "gender": None if gender is None else [Gender(g).value for g in gender],
        "age_bucket": None if age_bucket is None else [AgeGroup(a).value for a in age_bucket],
        "occupation": occupation,
        "run_id": None if run_id is None else [run_id],
        "leaderboard_id": leaderboard_ids,
        "participant_id": participant_ids,
    }
    params: list[tuple[str, str]] = []
    for key, values in columns.items():
        if values is not None:
            params += [(key, v) for v in values] or [(key, "")]
    return params


def _standings_rows(body: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    rows = [
        {
            "name": p["name"],
            "wins": p["wins"],
            "total_matches": p["totalMatches"],
            "score": None if p.get("score") is None else round(float(p["score"]), 2),
        }
        for p in body.get("items") or []
    ]
    return pd.DataFrame(rows, columns=["name", "wins", "total_matches", "score"])


def _matrix(body: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        body.get("data", []), index=pd.Index(body.get("index", [])), columns=pd.Index(body.get("columns", []))
    )


def _leaderboard_frame(items: list[dict[str, Any]]) -> pd.DataFrame:
    """Standing items, best first, as a leaderboard frame (``score`` NaN for who has not played yet)."""
    import pandas as pd

    def bound(item: dict[str, Any], offset: str, sign: float) -> float:
        score, interval = item.get("score"), item.get("confidenceInterval")
        return float("nan") if score is None or interval is None else score + sign * interval[offset]

    return pd.DataFrame(
        {
            "score": [float("nan") if p.get("score") is None else float(p["score"]) for p in items],
            "lower": [bound(p, "lowerOffset", -1.0) for p in items],
            "upper": [bound(p, "upperOffset", 1.0) for p in items],
            "wins": [float(p["wins"]) for p in items],
            "battles": [float(p["totalMatches"]) for p in items],
        },
        index=pd.Index([str(p["name"]) for p in items], name="model"),
    )


class RapidataLeaderboard:
    """One evaluation criterion of a benchmark.

    Attributes:
        id: The leaderboard id.
        benchmark_id: Its benchmark.
    """

    def __init__(self, data: dict[str, Any], ctx: ClientContext) -> None:
        self.id = str(data["id"])
        self.benchmark_id = str(data.get("benchmarkId", ""))
        self._data = data
        self._ctx = ctx

    def _latest(self) -> dict[str, Any]:
        self._data = dict(self._ctx.transport.request("GET", f"/leaderboard/{self.id}") or {})
        return self._data

    @property
    def name(self) -> str:
        """The leaderboard name."""
        return str(self._latest()["name"])

    @property
    def instruction(self) -> str:
        """What labelers are asked."""
        return str(self._data["instruction"])

    @property
    def show_prompt(self) -> bool:
        """Whether labelers see the prompt."""
        return bool(self._data["showPrompt"])

    @property
    def show_prompt_asset(self) -> bool:
        """Whether labelers see the prompt asset."""
        return bool(self._data["showPromptAsset"])

    @property
    def inverse_ranking(self) -> bool:
        """Whether the question asks for the worse item."""
        return bool(self._data["isInversed"])

    @property
    def response_budget(self) -> int:
        """Responses collected per evaluation."""
        return int(self._latest()["responseBudget"])

    @property
    def level_of_detail(self) -> str | int:
        """The named level of the budget, or the budget itself."""
        budget = self.response_budget
        return next((k for k, v in LEVELS_OF_DETAIL.items() if v == budget), budget)

    @property
    def min_responses_per_matchup(self) -> int:
        """Votes collected per matchup."""
        return int(self._latest()["minResponses"])

    @property
    def audience_id(self) -> str:
        """The audience that answers."""
        return str(self._data["audienceId"])

    @property
    def vote_aggregation(self) -> VoteAggregation:
        """How the votes on one matchup become its result."""
        return VoteAggregation(self._latest().get("voteAggregation", VoteAggregation.MAJORITY_VOTE.value))

    @property
    def included_tags(self) -> list[str]:
        """Only prompts with one of these tags get matchups (empty: all)."""
        return list(self._data.get("includedTags") or [])

    @property
    def excluded_tags(self) -> list[str]:
        """Prompts with one of these tags get no matchups."""
        return list(self._data.get("excludedTags") or [])

    @property
    def jobs(self) -> list[Any]:
        """The evaluation jobs of this leaderboard, oldest first."""
        from rapidata_nb.client.job import RapidataJob

        body = self._ctx.transport.request("GET", f"/leaderboard/{self.id}/runs") or {}
        return [
            RapidataJob._fetch(str(r["jobId"]), self._ctx) for r in body.get("items") or [] if r.get("jobId")
        ]

    def get_standings(
        self,
        tags: list[str] | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
        gender: list[Gender] | None = None,
        age_bucket: list[AgeGroup] | None = None,
        occupation: list[str] | None = None,
        run_id: str | None = None,
    ) -> pd.DataFrame:
        """Standings, best first: columns ``name, wins, total_matches, score``.

        Args:
            tags: Only matchups on prompts carrying one of these tags (``None``: all; ``[]``: none).
            country: Only votes of labelers from these countries (ISO-2).
            language: Only votes of labelers speaking these languages.
            gender: Only votes of labelers of these genders.
            age_bucket: Only votes of labelers in these age groups.
            occupation: Only votes of labelers with these occupations.
            run_id: Only votes of this evaluation run (a job of :attr:`jobs`).
        """
        params = _filters(tags, country, language, gender, age_bucket, occupation, run_id)
        body = self._ctx.transport.request("GET", f"/leaderboard/{self.id}/standings/query", params=params)
        return _standings_rows(body or {})

    def standings_frame(
        self,
        tags: list[str] | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
    ) -> pd.DataFrame:
        """The standings as a leaderboard frame: index ``model``; ``score, lower, upper, wins, battles``.

        The same shape as :func:`rapidata_nb.frames.leaderboard`, so charts and the leaderboard widget take
        it as is; ``lower``/``upper`` bound the 95 % bootstrap interval (NaN before a participant played).
        Filters as in :meth:`get_standings`.
        """
        body = (
            self._ctx.transport.request(
                "GET", f"/leaderboard/{self.id}/standings/query", params=_filters(tags, country, language)
            )
            or {}
        )
        return _leaderboard_frame(body.get("items") or [])

    def get_win_loss_matrix(
        self,
        tags: list[str] | None = None,
        use_weighted_scoring: bool | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
        gender: list[Gender] | None = None,
        age_bucket: list[AgeGroup] | None = None,
        occupation: list[str] | None = None,
        run_id: str | None = None,
    ) -> pd.DataFrame:
        """``matrix.loc[a, b]`` = times model ``a`` beat ``b`` (filters as in :meth:`get_standings`).

        Args:
            use_weighted_scoring: Weight wins by the voters' reliability; this server counts plain wins, so
                ``True`` is refused (``RapidataError``, 400).
        """
        params = _filters(tags, country, language, gender, age_bucket, occupation, run_id)
        if use_weighted_scoring is not None:
            params.append(("useWeightedScoring", str(use_weighted_scoring).lower()))
        body = self._ctx.transport.request("GET", f"/leaderboard/{self.id}/matrix/query", params=params)
        return _matrix(body or {})

    def update(
        self,
        name: str | None = None,
        level_of_detail: str | int | None = None,
        min_responses_per_matchup: int | None = None,
        vote_aggregation: VoteAggregation | None = None,
    ) -> None:
        """Rename, or change the budget or the vote aggregation of future evaluations."""
        body: dict[str, Any] = {"name": name}
        if vote_aggregation is not None:
            body["voteAggregation"] = VoteAggregation(vote_aggregation).value
        if level_of_detail is not None:
            body["responseBudget"] = resolve_budget(level_of_detail)
        if min_responses_per_matchup is not None:
            body["minResponses"] = min_responses_per_matchup
        self._ctx.transport.request(
            "PATCH", f"/leaderboard/{self.id}", json={k: v for k, v in body.items() if v is not None}
        )

    def _repr_html_(self) -> str:
        return f"<h4>{self._data.get('name', self.id)}</h4>" + str(self.get_standings().to_html(index=False))

    def view(self) -> None:
        """Show the standings (inline in notebooks, else a link)."""
        show("leaderboard", self, self._ctx.link(f"mri/leaderboards/{self.id}"), f"Leaderboard '{self.id}'")

    def __repr__(self) -> str:
        return f"RapidataLeaderboard(name='{self._data.get('name')}', id='{self.id}')"


class RapidataBenchmark:
    """A set of prompts, the leaderboards that judge them and the participating models.

    Attributes:
        id: The benchmark id.
        name: Its name.
    """

    def __init__(self, name: str, id: str, ctx: ClientContext) -> None:  # noqa: A002
        self.name = name
        self.id = id
        self._ctx = ctx

    # --- prompts ---------------------------------------------------------------------------------------

    def _prompt_rows(self) -> list[dict[str, Any]]:
        return list(self._ctx.transport.paged(f"/benchmark/{self.id}/prompts", page_size=100))

    @property
    def identifiers(self) -> list[str]:
        """Prompt identifiers, in order."""
        return [str(p["identifier"]) for p in self._prompt_rows()]

    @property
    def prompts(self) -> list[str | None]:
        """Prompts as given."""
        return [p.get("originalPrompt") for p in self._prompt_rows()]

    @property
    def english_prompts(self) -> list[str | None]:
        """English prompts (locally the prompts unchanged: no translation)."""
        return [p.get("englishPrompt") for p in self._prompt_rows()]

    @property
    def prompt_assets(self) -> list[list[str] | None]:
        """Each prompt's asset (source URL or file name), or ``None``."""
        out: list[list[str] | None] = []
        for p in self._prompt_rows():
            seg = next((s for s in p.get("segments", []) if s.get("kind") == "Asset"), None)
            if seg is None or seg.get("asset") is None:
                out.append(None)
                continue
            asset = seg["asset"]
            parts = asset.get("assets") if variant(asset, MultiAsset) else [asset]
            out.append(
                [
                    str(
                        ((a.get("metadata") or {}).get("sourceUrl") or {}).get("url")
                        or ((a.get("metadata") or {}).get("originalFilename") or {}).get("originalFilename")
                        or a.get("identifier")
                    )
                    for a in parts
                ]
            )
        return out

    @property
    def tags(self) -> list[list[str]]:
        """Each prompt's tag values."""
        return [[t["value"] for t in p.get("tags", [])] for p in self._prompt_rows()]

    @property
    def structured_tags(self) -> list[list[Tag]]:
        """Each prompt's tags with their categories."""
        return [
            [Tag(value=t["value"], category=t.get("category")) for t in p.get("tags", [])]
            for p in self._prompt_rows()
        ]

    @property
    def origins(self) -> list[Origin | None]:
        """Where each prompt comes from (``None`` when not given)."""
        return [
            Origin(source=p["origin"]["source"]) if p.get("origin") else None for p in self._prompt_rows()
        ]

    def update(self, min_assets_per_prompt: int | None = None) -> None:
        """Change the benchmark's settings (only those given).

        Args:
            min_assets_per_prompt: The samples a participant should give for each prompt it fills at all
                (at least 2); submitting a participant then warns about prompts with fewer.
        """
        if min_assets_per_prompt is not None:
            self._ctx.transport.request(
                "PATCH", f"/benchmark/{self.id}", json={"minAssetsPerPrompt": min_assets_per_prompt}
            )

    def add_prompts(
        self,
        identifiers: list[str] | None = None,
        prompts: list[str | None] | list[str] | None = None,
        prompt_assets: list[list[str] | None] | list[list[str]] | None = None,
        tags: Sequence[Sequence[str | Tag] | None] | None = None,
        origins: Sequence[Origin | str | None] | None = None,
    ) -> None:
        """Register prompts (matched by index); identifiers default to the prompts and must be unique.

        Tags are strings or ``Tag`` objects (with a category); an origin is a ``Origin`` or its source.

        Raises:
            ValueError: On missing, duplicate or already registered identifiers, or lists of different length.
        """
        if not identifiers and not prompts:
            raise ValueError("At least one of identifiers or prompts must be provided.")
        if not prompts and not prompt_assets:
            raise ValueError("At least one of prompts or prompt_assets must be provided.")
        if not identifiers:
            assert prompts is not None
            if any(p is None for p in prompts) or len(set(prompts)) != len(prompts):
                raise ValueError("Prompts must be unique and not None. Otherwise use identifiers.")
            identifiers = [str(p) for p in prompts]
        if len(set(identifiers)) != len(identifiers):
            raise ValueError("Identifiers must be unique.")
        n = len(identifiers)
        prompts_ = list(prompts) if prompts else [None] * n
        assets_ = [([a] if isinstance(a, str) else a) for a in prompt_assets] if prompt_assets else [None] * n
        tags_ = list(tags) if tags else [None] * n
        origins_ = list(origins) if origins else [None] * n
        if not n == len(prompts_) == len(assets_) == len(tags_) == len(origins_):
            raise ValueError(
                "identifiers, prompts, prompt_assets, tags and origins must have the same length."
            )
        existing = set(self.identifiers)
        clash = [i for i in identifiers if i in existing]
        if clash:
            raise ValueError(f"Identifiers already exist in the benchmark: {clash}")
        rows = zip(identifiers, prompts_, assets_, tags_, origins_, strict=True)
        for identifier, prompt, asset, tag, origin in rows:
            segments: list[dict[str, Any]] = []
            if prompt is not None:
                segments.append({"key": "prompt", "kind": "Text", "text": prompt})
            if asset:
                inputs = [_asset_input(self._ctx, a) for a in asset]
                segments.append({"key": "prompt_asset", "kind": "Asset", "asset": one_or_multi(inputs)})
            self._ctx.transport.request(
                "POST",
                f"/benchmark/{self.id}/prompt",
                json={
                    "identifier": identifier,
                    "segments": segments,
                    "tags": _tag_wire(tag),
                    "origin": _origin_wire(origin),
                },
            )

    def update_prompt(
        self, identifier: str, tags: Sequence[str | Tag] | None = None, origin: Origin | str | None = None
    ) -> None:
        """Replace the tags and/or set the origin of one prompt (a field left ``None`` is kept).

        Raises:
            ValueError: When ``identifier`` is not a prompt of the benchmark.
        """
        prompt = next((p for p in self._prompt_rows() if p["identifier"] == identifier), None)
        if prompt is None:
            raise ValueError(
                f"'{identifier}' is not a prompt identifier of this benchmark (see .identifiers)"
            )
        body: dict[str, Any] = {}
        if tags is not None:
            body["tags"] = _tag_wire(tags)
        if origin is not None:
            body["origin"] = _origin_wire(origin)
        self._ctx.transport.request("PUT", f"/benchmark-prompt/{prompt['id']}/tags", json=body)

    def get_tag_counts(self) -> pd.DataFrame:
        """Every tag with the number of prompts carrying it: columns ``value, category, prompt_count``."""
        import pandas as pd

        body = self._ctx.transport.request("GET", f"/benchmark/{self.id}/tags") or {}
        rows = [
            {"value": t["value"], "category": t.get("category"), "prompt_count": t["promptCount"]}
            for t in body.get("tags") or []
        ]
        return pd.DataFrame(rows, columns=["value", "category", "prompt_count"])

    # --- leaderboards ---------------------------------------------------------------------------------

    @property
    def leaderboards(self) -> list[RapidataLeaderboard]:
        """Leaderboards of this benchmark, in creation order."""
        return [
            RapidataLeaderboard(d, self._ctx)
            for d in self._ctx.transport.paged(f"/benchmark/{self.id}/leaderboards", page_size=100)
        ]

    def create_leaderboard(
        self,
        name: str,
        instruction: str,
        show_prompt: bool = False,
        show_prompt_asset: bool = False,
        inverse_ranking: bool = False,
        level_of_detail: str | int | None = None,
        min_responses_per_matchup: int | None = None,
        audience_id: Any = None,
        settings: Sequence[Any] | None = None,
        included_tags: list[str] | None = None,
        excluded_tags: list[str] | None = None,
        vote_aggregation: VoteAggregation = VoteAggregation.MAJORITY_VOTE,
        skip_initial_run: bool = False,
    ) -> RapidataLeaderboard:
        """Create a leaderboard; submitted models are evaluated on it at once.

        Args:
            level_of_detail: ``"debug"`` (20), ``"low"`` (2000), ``"medium"`` (4000), ``"high"`` (8000),
                ``"very high"`` (16000) responses per evaluation, or an int.
            min_responses_per_matchup: Votes per matchup (default 3).
            audience_id: An audience id, a ``RapidataAudience`` or a ``RapidataFilteredAudience``
                (default: the global audience).
            vote_aggregation: How the votes on one matchup become its result.

        Raises:
            ValueError: On an unknown level of detail or fewer than 1 vote per matchup.
        """
        budget = resolve_budget(level_of_detail) if level_of_detail is not None else None
        if min_responses_per_matchup is not None and (
            not isinstance(min_responses_per_matchup, int) or min_responses_per_matchup < 1
        ):
            raise ValueError("min_responses_per_matchup must be a positive integer")
        audience = audience_id if audience_id is None or isinstance(audience_id, str) else audience_id.id
        flags = [s._to_feature_flag() for s in settings or []]
        created = (
            self._ctx.transport.request(
                "POST",
                "/leaderboard",
                json={
                    "benchmarkId": self.id,
                    "name": name,
                    "instruction": instruction,
                    "showPrompt": show_prompt,
                    "showPromptAsset": show_prompt_asset,
                    "isInversed": inverse_ranking,
                    "responseBudget": budget,
                    "minResponses": min_responses_per_matchup,
                    "audienceId": audience,
                    "includedTags": included_tags,
                    "excludedTags": excluded_tags,
                    "featureFlags": flags or None,
                    "voteAggregation": VoteAggregation(vote_aggregation).value,
                    "skipInitialRun": skip_initial_run,
                },
            )
            or {}
        )
        return RapidataLeaderboard(
            dict(self._ctx.transport.request("GET", f"/leaderboard/{created['id']}") or {}), self._ctx
        )

    # --- participants ---------------------------------------------------------------------------------

    @property
    def participants(self) -> list[BenchmarkParticipant]:
        """Every model of the benchmark, in the order added."""
        return [
            BenchmarkParticipant(
                str(p["name"]),
                str(p["id"]),
                self.id,
                self._ctx,
                str(p["status"]),
                price=p.get("cost"),
                price_unit=_PRICE_UNITS.get(p.get("costUnit") or ""),
            )
            for p in self._ctx.transport.paged(f"/benchmark/{self.id}/participants", page_size=100)
        ]

    def add_model(
        self,
        name: str,
        media: list[str],
        identifiers: list[str] | None = None,
        prompts: list[str] | None = None,
        data_type: Literal["media", "text"] = "media",
    ) -> BenchmarkParticipant:
        """Add a model and its media without submitting it (see :meth:`BenchmarkParticipant.run`).

        Raises:
            ValueError: On empty media, both/neither of identifiers and prompts, length mismatches or
                identifiers/prompts that are not registered in the benchmark.
        """
        if not isinstance(media, list) or not media or not all(isinstance(m, str) for m in media):
            raise ValueError("media must be a non-empty list of strings")
        if identifiers is None and prompts is None:
            raise ValueError("identifiers or prompts must be provided")
        if identifiers is not None and prompts is not None:
            raise ValueError(
                "identifiers and prompts cannot be provided at the same time; use one or the other"
            )
        keys = list(identifiers if identifiers is not None else prompts or [])
        if len(keys) != len(media):
            raise ValueError("media and identifiers/prompts must have the same length")
        registered = set(self.identifiers)
        unknown = sorted({k for k in keys if k not in registered})
        if unknown:
            raise ValueError(f"not registered in the benchmark (see .identifiers / .prompts): {unknown}")
        created = (
            self._ctx.transport.request("POST", f"/benchmark/{self.id}/participants", json={"name": name})
            or {}
        )
        participant = BenchmarkParticipant(name, str(created["participantId"]), self.id, self._ctx)
        participant.upload_media(media, keys, data_type=data_type)
        return participant

    def evaluate_model(
        self,
        name: str,
        media: list[str],
        identifiers: list[str] | None = None,
        prompts: list[str] | None = None,
        data_type: Literal["media", "text"] = "media",
    ) -> None:
        """Add a model with its media and submit it for evaluation on every leaderboard."""
        self.add_model(name, media, identifiers=identifiers, prompts=prompts, data_type=data_type).run()

    def run(self) -> None:
        """Submit every participant still in state ``Created``."""
        pending = {p.id: p.name for p in self.participants if p.status == "Created"}
        if pending:
            _submit(self._ctx, list(pending), pending)

    def get_overall_standings(
        self,
        tags: list[str] | None = None,
        leaderboard_ids: list[str] | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
        gender: list[Gender] | None = None,
        age_bucket: list[AgeGroup] | None = None,
        occupation: list[str] | None = None,
        run_id: str | None = None,
    ) -> pd.DataFrame:
        """Standings over the leaderboards (all, or ``leaderboard_ids``): columns ``name, wins,
        total_matches, score``; the voter filters as in :meth:`RapidataLeaderboard.get_standings`."""
        params = _filters(
            tags, country, language, gender, age_bucket, occupation, run_id, leaderboard_ids=leaderboard_ids
        )
        body = self._ctx.transport.request("GET", f"/benchmark/{self.id}/standings/query", params=params)
        return _standings_rows(body or {})

    def get_win_loss_matrix(
        self,
        tags: list[str] | None = None,
        participant_ids: list[str] | None = None,
        leaderboard_ids: list[str] | None = None,
        use_weighted_scoring: bool | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
        gender: list[Gender] | None = None,
        age_bucket: list[AgeGroup] | None = None,
        occupation: list[str] | None = None,
        run_id: str | None = None,
    ) -> pd.DataFrame:
        """``matrix.loc[a, b]`` = times model ``a`` beat ``b``, summed over the leaderboards (all, or
        ``leaderboard_ids``), between ``participant_ids`` (all by default); ``use_weighted_scoring=True`` is
        refused (plain wins only)."""
        params = _filters(
            tags,
            country,
            language,
            gender,
            age_bucket,
            occupation,
            run_id,
            leaderboard_ids=leaderboard_ids,
            participant_ids=participant_ids,
        )
        if use_weighted_scoring is not None:
            params.append(("useWeightedScoring", str(use_weighted_scoring).lower()))
        body = self._ctx.transport.request("GET", f"/benchmark/{self.id}/matrix/query", params=params)
        return _matrix(body or {})

    def get_demographics(
        self,
        tags: list[str] | None = None,
        leaderboard_ids: list[str] | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
        gender: list[Gender] | None = None,
        age_bucket: list[AgeGroup] | None = None,
        occupation: list[str] | None = None,
        run_id: str | None = None,
    ) -> pd.DataFrame:
        """Who cast the votes: one row per (dimension, value) with its ``votes`` and ``share`` of the
        dimension's votes; every dimension has an ``unknown`` row. Filters as in
        :meth:`get_overall_standings`."""
        import pandas as pd

        params = _filters(
            tags, country, language, gender, age_bucket, occupation, run_id, leaderboard_ids=leaderboard_ids
        )
        body = self._ctx.transport.request("GET", f"/benchmark/{self.id}/demographics", params=params) or {}
        dimensions = body.get("dimensions") or {}
        rows = [
            {"dimension": dimension.value, "value": b["value"], "votes": b["votes"], "share": b["share"]}
            for dimension in BenchmarkDemographicDimension
            for b in dimensions.get(dimension.value[0].lower() + dimension.value[1:], [])
        ]
        return pd.DataFrame(rows, columns=pd.Index(["dimension", "value", "votes", "share"]))

    def get_standings_breakdown(
        self,
        dimension: BenchmarkDemographicDimension,
        tags: list[str] | None = None,
        leaderboard_ids: list[str] | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
        gender: list[Gender] | None = None,
        age_bucket: list[AgeGroup] | None = None,
        occupation: list[str] | None = None,
        run_id: str | None = None,
    ) -> pd.DataFrame:
        """The standings among each segment of voters of ``dimension``: one row per (segment, model) with
        the segment's vote count (``segment, segment_votes, name, wins, total_matches, score``)."""
        import pandas as pd

        params = _filters(
            tags, country, language, gender, age_bucket, occupation, run_id, leaderboard_ids=leaderboard_ids
        )
        params.append(("dimension", BenchmarkDemographicDimension(dimension).value))
        body = (
            self._ctx.transport.request("GET", f"/benchmark/{self.id}/standings/breakdown", params=params)
            or {}
        )
        rows = [
            {
                "segment": segment["value"],
                "segment_votes": segment["votes"],
                "name": item["name"],
                "wins": item["wins"],
                "total_matches": item["totalMatches"],
                "score": None if item.get("score") is None else round(float(item["score"]), 2),
            }
            for segment in body.get("segments") or []
            for item in segment.get("items") or []
        ]
        columns = ["segment", "segment_votes", "name", "wins", "total_matches", "score"]
        return pd.DataFrame(rows, columns=pd.Index(columns))

    def standings_frame(
        self,
        tags: list[str] | None = None,
        country: list[str] | None = None,
        language: list[str] | None = None,
    ) -> pd.DataFrame:
        """The overall standings as a leaderboard frame (see :meth:`RapidataLeaderboard.standings_frame`)."""
        body = (
            self._ctx.transport.request(
                "GET", f"/benchmark/{self.id}/standings/query", params=_filters(tags, country, language)
            )
            or {}
        )
        return _leaderboard_frame(body.get("items") or [])

    def _repr_html_(self) -> str:
        return f"<h4>{self.name}</h4>" + str(self.get_overall_standings().to_html(index=False))

    def view(self) -> None:
        """Show the overall standings (inline in notebooks, else a link)."""
        show("benchmark", self, self._ctx.link(f"mri/benchmarks/{self.id}"), f"Benchmark '{self.name}'")

    def __repr__(self) -> str:
        return f"RapidataBenchmark(name='{self.name}', id='{self.id}')"


class RapidataBenchmarkManager:
    """Create, open and find benchmarks (``client.mri``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create_new_benchmark(
        self,
        name: str,
        identifiers: list[str] | None = None,
        prompts: list[str | None] | list[str] | None = None,
        prompt_assets: list[list[str] | None] | list[list[str]] | None = None,
        tags: Sequence[Sequence[str | Tag] | None] | None = None,
        origins: Sequence[Origin | str | None] | None = None,
    ) -> RapidataBenchmark:
        """Create a benchmark and register its prompts (matched by index).

        Raises:
            ValueError: As :meth:`RapidataBenchmark.add_prompts`, checked before anything is created.
        """
        if not isinstance(name, str) or not name:
            raise ValueError("name must be a non-empty string")
        if identifiers or prompts or prompt_assets:
            if not identifiers and not prompts:
                raise ValueError("At least one of identifiers or prompts must be provided.")
            ids = identifiers or [str(p) for p in prompts or []]
            if len(set(ids)) != len(ids) or (not identifiers and any(p is None for p in prompts or [])):
                raise ValueError("Identifiers (or prompts used as identifiers) must be unique and not None.")
            lengths = {len(x) for x in (identifiers, prompts, prompt_assets, tags, origins) if x}
            if len(lengths) > 1:
                raise ValueError(
                    "identifiers, prompts, prompt_assets, tags and origins must have the same length."
                )
        created = self._ctx.transport.request(
            "POST", "/benchmark", json={"name": name}, response=CreateBenchmarkOutput
        )
        benchmark = RapidataBenchmark(name, created.id, self._ctx)
        if identifiers or prompts or prompt_assets:
            benchmark.add_prompts(identifiers, prompts, prompt_assets, tags, origins)
        return benchmark

    def get_benchmark_by_id(self, id: str) -> RapidataBenchmark:  # noqa: A002
        """Open a benchmark by id."""
        body = self._ctx.transport.request("GET", f"/benchmark/{id}") or {}
        return RapidataBenchmark(str(body["name"]), str(body["id"]), self._ctx)

    def find_benchmarks(self, name: str = "", amount: int = 10, page: int = 1) -> list[RapidataBenchmark]:
        """Your benchmarks whose name contains ``name``, newest first."""
        body = (
            self._ctx.transport.request(
                "GET",
                "/benchmarks",
                params={"page": page, "page_size": amount, "name[contains]": name, "sort": "-created_at"},
            )
            or {}
        )
        return [RapidataBenchmark(str(b["name"]), str(b["id"]), self._ctx) for b in body.get("items") or []]

    def __repr__(self) -> str:
        return "RapidataBenchmarkManager"
