"""``Job``: the handle the accessor returns, wrapping the client's ``RapidataJob``.

In a notebook a ``Job`` displays as the live progress widget; ``results()`` and ``responses()`` return tidy
frames indexed like the frame the job was made from, so ``df.join(job.results())`` lines up row by row.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pandas as pd

from rapidata_nb.frames import analysis
from rapidata_nb.frames.tidy import responses_frame, results_frame

__all__ = ["ArenaJob", "Job", "JobFailedError", "RankJob"]

_FAILED = {"Failed", "ManualApproval", "SpendLimited", "Paused", "Blocked"}


class JobFailedError(RuntimeError):
    """The job stopped in a state that will not produce results (Failed, Paused, ManualApproval, ...)."""


class Job:
    """A labeling job made from a DataFrame.

    Attributes:
        raw: The client's ``RapidataJob``. Its methods answer on the ``Job`` too (``job.get_results()``,
            ``job.pause()``, ``job.view()``, ...), so code written for the SDK's jobs runs unchanged.
        kind: The task type (``"compare"``, ``"classify"``, ...).
        index: The source frame's index (results are indexed by it).
    """

    def __init__(self, raw: Any, *, kind: str, index: pd.Index, definition: Any = None) -> None:
        self.raw = raw
        self.kind = kind
        self.index = index
        self.definition = definition
        self._documents: dict[bool, Mapping[str, Any]] = {}
        """Final result documents, without and with models' verdicts counted."""

    # ------------------------------------------------------------------ identity and display
    @property
    def id(self) -> str:
        """The job id."""
        return str(self.raw.id)

    @property
    def name(self) -> str:
        """The job name."""
        return str(self.raw.name)

    def __repr__(self) -> str:
        return f"<Job {self.kind} {self.name!r}: {len(self.index)} rows>"

    def __getattr__(self, name: str) -> Any:
        """The SDK's job methods (``get_results()``, ``pause()``, ``view()``, ...) answer through ``raw``, so
        code written for a ``RapidataJob`` runs on the accessor's ``Job`` too."""
        raw = self.__dict__.get("raw")
        if name.startswith("_") or raw is None:
            raise AttributeError(name)
        try:
            return getattr(raw, name)
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute {name!r}, nor has its RapidataJob (job.raw)"
            ) from None

    def progress(self) -> Any:
        """The live progress widget (polls the job in a background thread until it is done)."""
        from rapidata_nb.widgets.job_progress import JobProgress

        return JobProgress([self.raw])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        try:
            widget = self.progress()
        except ImportError:  # widgets not available: plain text only
            return {"text/plain": repr(self)}
        bundle = widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            data, metadata = bundle
            return {**data, "text/plain": repr(self)}, metadata
        return {**(bundle or {}), "text/plain": repr(self)}

    # ------------------------------------------------------------------ waiting and results
    def status(self) -> str:
        """The job's state (``Running``, ``Completed``, ...)."""
        return str(self.raw.get_status())

    def wait(self, timeout: float | None = 600.0, *, poll: float = 0.25) -> Job:
        """Block until the job completes; returns ``self``.

        Args:
            timeout: Seconds to wait at most (``None``: forever).
            poll: Seconds between status checks.

        Raises:
            JobFailedError: The job ended in a state that produces no results.
            TimeoutError: The job was still running after ``timeout`` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            state = self.status()
            if state == "Completed":
                return self
            if state in _FAILED:
                raise JobFailedError(f"job {self.id} ({self.name!r}) is {state}")
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self.id} ({self.name!r}) still {state} after {timeout} s")
            time.sleep(poll)

    def document(self, *, preliminary: bool = False, include_models: bool = False) -> Mapping[str, Any]:
        """The raw result document (``RapidataResults``); waits for completion unless ``preliminary``.

        ``include_models`` counts the verdicts of models (:meth:`add_model_verdicts`) with the crowd's votes.
        """
        if preliminary:
            return dict(self.raw.get_results(preliminary_results=True))
        if include_models not in self._documents:
            self.wait(timeout=None)
            results = self.raw.get_results(include_models=True) if include_models else self.raw.get_results()
            self._documents[include_models] = dict(results)
        return self._documents[include_models]

    def results(self, *, preliminary: bool = False, include_models: bool = False) -> pd.DataFrame:
        """One row per datapoint, indexed like the source frame (see
        :func:`rapidata_nb.frames.results_frame`); the crowd's votes only, unless ``include_models``."""
        return results_frame(
            self.document(preliminary=preliminary, include_models=include_models), index=self.index
        )

    def responses(self, *, preliminary: bool = False) -> pd.DataFrame:
        """One row per labeler response; ``item`` holds the source index label. Models' verdicts are rows
        too, told apart by ``labeler_kind`` (see :func:`rapidata_nb.frames.responses_frame`)."""
        return responses_frame(self.document(preliminary=preliminary), index=self.index)

    def add_model_verdicts(
        self,
        verdicts: pd.Series,
        *,
        model: str | None = None,
        shown_first: pd.Series | None = None,
        probability_a: pd.Series | None = None,
    ) -> int:
        """Attach a column of model verdicts (an LLM judge's) to the job as a labeler of kind ``model``.

        People never see them and the crowd's results never count them (``results(include_models=True)``
        does); ``responses()`` lists them with ``labeler_kind="model"``, so
        ``results.rapidata.judge_report(judge=model, responses=job.responses())`` reads them from there.

        Args:
            verdicts: Indexed like the job's rows (missing values are skipped): ``"A"``, ``"B"`` or ``"tie"``
                for compare jobs, an option for classification.
            model: The model's name (default: the series' name).
            shown_first: Compare: the side the model saw first (``"A"``/``"B"``), indexed the same way.
            probability_a: Compare: the model's probability that A is better, indexed the same way.

        Returns:
            How many verdicts were stored.

        Raises:
            ValueError: No model name, or index labels that are not rows of the job.
        """
        name = model if model is not None else verdicts.name
        if name is None or not str(name):
            raise ValueError("name the model: model='gpt-4o' (or give the series a name)")
        self._documents.clear()
        return int(
            self.raw.add_model_verdicts(
                str(name),
                self._positions(verdicts, "verdicts"),
                shown_first=None if shown_first is None else self._positions(shown_first, "shown_first"),
                probability_a=None
                if probability_a is None
                else self._positions(probability_a, "probability_a"),
            )
        )

    def _positions(self, values: pd.Series, role: str) -> dict[int, Any]:
        """``{result position: value}`` of a series indexed like the job's rows."""
        values = values.dropna()
        where = self.index.get_indexer(values.index)
        if (where < 0).any():
            unknown = list(values.index[where < 0][:5])
            raise ValueError(f"{role} has index labels that are not rows of this job: {unknown}")
        return {int(i): v.item() if hasattr(v, "item") else v for i, v in zip(where, values, strict=True)}


class ArenaJob(Job):
    """A compare job over every model pair per prompt (:func:`rapidata_nb.frames.arena`).

    Attributes:
        pairs: One row per compared pair: ``prompt, model_a, model_b, media_a, media_b`` (its index is the
            job's).
    """

    def __init__(self, raw: Any, *, pairs: pd.DataFrame, definition: Any = None) -> None:
        super().__init__(raw, kind="arena", index=pairs.index, definition=definition)
        self.pairs = pairs

    def __repr__(self) -> str:
        models = pd.unique(self.pairs[["model_a", "model_b"]].to_numpy().ravel())
        return (
            f"<ArenaJob {self.name!r}: {len(models)} models, {self.pairs['prompt'].nunique()} prompts, "
            f"{len(self.pairs)} pairs>"
        )

    def results(self, *, preliminary: bool = False, include_models: bool = False) -> pd.DataFrame:
        """Per pair: ``prompt, model_a, model_b`` followed by the compare results columns."""
        frame = super().results(preliminary=preliminary, include_models=include_models)
        return self.pairs[["prompt", "model_a", "model_b"]].join(frame, how="inner")

    def battles(self, *, preliminary: bool = False) -> pd.DataFrame:
        """One battle per response (``prompt, model_a, model_b, winner``)."""
        responses = self.responses(preliminary=preliminary)
        if responses.empty:
            return pd.DataFrame(columns=["prompt", "model_a", "model_b", "winner"])
        pairs = self.pairs.loc[responses["item"]]
        battles = analysis.as_battles(
            pd.DataFrame(
                {
                    "model_a": pairs["model_a"].to_numpy(),
                    "model_b": pairs["model_b"].to_numpy(),
                    "choice": responses["choice"].to_numpy(),
                }
            ),
            model_a="model_a",
            model_b="model_b",
        )
        battles.insert(0, "prompt", pairs.loc[responses["choice"].notna().to_numpy(), "prompt"].to_numpy())
        return battles

    def leaderboard(self, *, n_rounds: int = 100, random_state: int | None = 0) -> pd.DataFrame:
        """Bradley–Terry leaderboard of the models (see :func:`rapidata_nb.frames.leaderboard`)."""
        return analysis.leaderboard(
            self.battles()[["model_a", "model_b", "winner"]], n_rounds=n_rounds, random_state=random_state
        )

    def win_matrix(self) -> pd.DataFrame:
        """Win counts between models, ordered by score (see :func:`rapidata_nb.frames.win_matrix`)."""
        return analysis.win_matrix(self.battles()[["model_a", "model_b", "winner"]])


class RankJob(Job):
    """A ranking job made from a frame (:func:`rapidata_nb.frames.rank`): one ranking per group.

    Ranking documents carry no private metadata, so rows are matched back by position: the ``k``-th asset of
    group ``g`` is the ``k``-th row of the ``g``-th group sent.

    Attributes:
        groups: The source index labels of each group, in the order sent.
    """

    def __init__(self, raw: Any, *, index: pd.Index, groups: list[list[Any]], definition: Any = None) -> None:
        super().__init__(raw, kind="rank", index=index, definition=definition)
        self.groups = groups

    def results(self, *, preliminary: bool = False, include_models: bool = False) -> pd.DataFrame:
        """One row per source row: ``group, context, asset, score, rank, wins, comparisons, win_rate``."""
        frame = super().results(preliminary=preliminary, include_models=include_models)
        if frame.empty:
            return frame
        labels: list[Any] = []
        seen: dict[Any, int] = {}
        for group in frame["group"]:
            position = (
                int(group) if str(group).isdigit() else list(dict.fromkeys(frame["group"])).index(group)
            )
            k = seen.get(group, 0)
            seen[group] = k + 1
            labels.append(self.groups[position][k])
        frame.index = pd.Index(labels, name=self.index.name)
        return frame.reindex([label for label in self.index if label in frame.index])
