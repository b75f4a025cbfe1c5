"""``client.simulation``: steer the simulated crowd of a rapidata_nb server (embedded or `serve`).

Without ground truth the crowd answers against a latent truth derived from each datapoint's content
(DESIGN §7). To plan a study you can tell it the truth instead — "A is preferred 60 % of the time", "this
image shows a cat", "the artifact is here" — and see how many responses recover it. Truths are keyed by
content (a URL, a text, or a local file's bytes), so they apply to every datapoint and qualification example
showing that content. These controls exist only on our own server; the Rapidata cloud has no simulated crowd.

A simulated judge (an "LLM as a judge") answers from the same latent truth: :meth:`SimulationManager.judge`
gives its verdicts on a job's datapoints, with a configurable accuracy and biases, to validate a judge
against the crowd before a real one is wired in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rapidata_nb.client._context import ClientContext
from rapidata_nb.client.box import Box
from rapidata_nb.client.exceptions import RapidataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SimulationManager", "content_key"]

_URL = re.compile(r"^https?://", re.IGNORECASE)


def _identity(item: str) -> str:
    """How the server identifies an asset: ``url:``, ``sha256:`` of a local file's bytes, or ``text:``."""
    if _URL.match(item):
        return f"url:{item}"
    path = Path(item).expanduser()
    if path.is_file():
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return f"text:{item}"


def content_key(items: str | Sequence[str]) -> str:
    """The content key the server gives a datapoint showing ``items`` (one asset, or a compared pair)."""
    assets = [items] if isinstance(items, str) else list(items)
    return hashlib.sha256(json.dumps([_identity(a) for a in assets]).encode()).hexdigest()


class SimulationManager:
    """Controls of the simulated crowd: known truths, pace, pause and resume."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            return self._ctx.transport.request(method, f"/local{path}", **kwargs)
        except RapidataError as exc:
            if exc.status_code in (404, 405) and not exc.message.startswith("Job '"):
                raise RuntimeError(
                    f"{self._ctx.environment} has no simulated crowd: client.simulation works only against a "
                    "rapidata_nb server (the embedded backend or `rapidata-nb serve`)."
                ) from exc
            raise

    def _truth(self, kind: str, items: str | Sequence[str], truth: dict[str, Any]) -> str:
        body = {"kind": kind, "contentKey": content_key(items), "truth": truth}
        return str(self._call("POST", "/oracle", json=body)["contentKey"])

    def set_preference(self, a: str, b: str, *, p_a: float = 1.0) -> str:
        """Each simulated labeler prefers ``a`` over ``b`` with probability ``p_a`` (compare tasks).

        Returns:
            The content key the truth was registered under.
        """
        if not 0.0 <= p_a <= 1.0:
            raise ValueError(f"p_a must be a probability in 0..1, got {p_a}")
        return self._truth("compare", [a, b], {"pA": float(p_a)})

    def set_categories(self, datapoint: str, categories: str | Sequence[str]) -> str:
        """The correct option(s) of a classification datapoint."""
        labels = [categories] if isinstance(categories, str) else list(categories)
        return self._truth("classify", datapoint, {"categories": labels})

    def set_regions(self, datapoint: str, boxes: Sequence[Box], *, kind: str = "locate") -> str:
        """Where the targets are in an image, for locate (``kind="locate"``) or draw (``kind="draw"``)."""
        if kind not in ("locate", "draw"):
            raise ValueError(f"kind must be 'locate' or 'draw', got {kind!r}")
        regions = [{"xMin": b.x_min, "yMin": b.y_min, "xMax": b.x_max, "yMax": b.y_max} for b in boxes]
        return self._truth(kind, datapoint, {"boxes": regions})

    def set_wrong_words(self, datapoint: str, word_indices: Sequence[int]) -> str:
        """The indices of the words a careful labeler selects (``[]``: the sentence has no mistake)."""
        return self._truth("select_words", datapoint, {"wordIndices": [int(i) for i in word_indices]})

    def set_answer(self, datapoint: str, text: str) -> str:
        """What labelers write for a free-text datapoint."""
        return self._truth("free_text", datapoint, {"text": text})

    def status(self) -> dict[str, Any]:
        """Whether the crowd runs, is paused, its pace (seconds per response) and seed."""
        return dict(self._call("GET", "/crowd"))

    def pause(self) -> dict[str, Any]:
        """Stop simulated answers (people labeling in the browser continue)."""
        return dict(self._call("POST", "/crowd/pause"))

    def resume(self) -> dict[str, Any]:
        """Resume simulated answers."""
        return dict(self._call("POST", "/crowd/resume"))

    def set_pace(self, seconds_per_response: float) -> dict[str, Any]:
        """Seconds between simulated responses (0: as fast as the server goes)."""
        return dict(self._call("POST", "/crowd/pace", json={"pace": seconds_per_response}))

    def judge(
        self,
        job: Any,
        *,
        accuracy: float = 0.8,
        position_bias: float = 0.0,
        length_bias: float = 0.0,
        self_preference: float = 0.0,
        model: str | None = None,
        models: pd.DataFrame | Sequence[tuple[str, str]] | None = None,
        order: Literal["random", "ab", "both"] = "random",
        seed: int | None = None,
    ) -> pd.DataFrame:
        """The verdicts of a simulated judge on a compare or classification job, one row per datapoint.

        The judge answers from the latent truth the crowd answers the job against (a truth you registered
        included). Each share is realised exactly on the job's items, so a report's estimate can be checked
        against it: judged in both orders, ``position_bias=0.1`` shows P(first) − P(second) = 0.1.

        Args:
            job: A ``RapidataJob``, or the accessor's ``Job`` (whose rows it is then indexed by).
            accuracy: Share of the items judged on their content where it picks the better side (compare)
                or the true option (classification).
            position_bias: Share of items it decides by position: the side shown first, or the first option.
            length_bias: Share of the pairs whose texts differ by more than 30 characters that it gives to the
                longer one (compare).
            self_preference: Share of the pairs showing ``model`` that it gives to ``model`` (compare).
            model: The judge's own model, as named in ``models``.
            models: The models behind A and B of each row: a frame with ``model_a`` and ``model_b`` columns
                indexed like the job's results, or one pair per row in result order. An arena job's pairs are
                used by default.
            order: Which side the judge sees first: ``"random"`` (a seeded coin per item), ``"ab"`` (always
                A) or ``"both"`` (each pair twice; ``verdict_swapped`` holds the verdict with B first).
            seed: The judge's seed (which items each bias decides); by default the crowd's.

        Returns:
            Indexed like ``job.results()``: ``verdict`` (``"A"``/``"B"``, or an option), ``mechanism``
            (``position``, ``length``, ``self`` or ``content``: what decided it) and, for compare jobs,
            ``shown_first``, ``probability_a`` (the judge's probability that A is better) and, with
            ``order="both"``, ``verdict_swapped``.

        Raises:
            RapidataError: 400 for a bad setting or another kind of job; 404 when the job is not yours.
        """
        import pandas as pd

        raw, index = getattr(job, "raw", job), getattr(job, "index", None)
        if models is None and getattr(job, "pairs", None) is not None:
            models = job.pairs
        if isinstance(models, pd.DataFrame):
            if isinstance(index, pd.Index):
                models = models.reindex(index)
            models = list(zip(models["model_a"].astype(str), models["model_b"].astype(str), strict=True))
        body = {
            "accuracy": accuracy,
            "positionBias": position_bias,
            "lengthBias": length_bias,
            "selfPreference": self_preference,
            "model": model,
            "models": None if models is None else [[str(a), str(b)] for a, b in models],
            "order": order,
            "seed": seed,
        }
        answer = self._call("POST", f"/job/{raw.id}/judge", json=body)
        return _verdict_frame(answer["verdicts"], index)


def _verdict_frame(verdicts: list[dict[str, Any]], index: Any) -> pd.DataFrame:
    """One row per datapoint; a second verdict on a datapoint (B shown first) is ``verdict_swapped``."""
    import pandas as pd

    rows: dict[int, dict[str, Any]] = {}
    for v in verdicts:
        row = rows.get(v["position"])
        if row is not None:
            row["verdict_swapped"] = v["verdict"]
            continue
        row = {"verdict": v["verdict"], "mechanism": v["mechanism"]}
        if v["shownFirst"] is not None:
            row.update(shown_first=v["shownFirst"], probability_a=v["probabilityA"])
        rows[v["position"]] = row
    frame = pd.DataFrame.from_records(list(rows.values()), index=list(rows))
    if isinstance(index, pd.Index) and len(index) == len(frame) and list(rows) == list(range(len(frame))):
        frame.index = index
    return frame
