"""``client.simulation``: steer the simulated crowd of a rapidata_nb server (embedded or `serve`).

The crowd cannot look at pictures or read answers. It follows what it is told, in this order: an oracle
for the content (``set_preference``, ``set_categories``, ...: keyed by content — a URL, a text or a local
file's bytes — so it applies to every job and qualification example of yours showing that content); the
truths given with a job (:meth:`SimulationManager.set_truths`, or ``truth=`` in the accessor); the truth of
one of your qualification examples or validation tasks on the same content; and only then a latent truth
derived from each datapoint's content (DESIGN §7). Labelers follow a known truth as far as their skill goes.
These controls exist only on our own server; the Rapidata cloud has no simulated crowd.

A simulated judge (an "LLM as a judge") answers from the same truths: :meth:`SimulationManager.judge` gives
its verdicts on a job's datapoints, with a configurable accuracy and biases, to validate a judge against the
crowd before a real one is wired in.
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

__all__ = ["SimulationManager", "content_key", "given_truth"]

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


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _boxes(value: Any) -> list[dict[str, float]]:
    boxes = [value] if isinstance(value, (Box, dict)) else list(value)
    regions = []
    for box in boxes:
        box = box if isinstance(box, Box) else Box(**box)
        regions.append({"xMin": box.x_min, "yMin": box.y_min, "xMax": box.x_max, "yMax": box.y_max})
    return regions


def _winner(value: Any) -> int:
    if isinstance(value, str) and value.strip().upper() in ("A", "B"):
        return "AB".index(value.strip().upper())
    if value in (0, 1) and not isinstance(value, bool):
        return int(value)
    raise ValueError(f"a compare truth is 'A' or 'B' (or 0/1: the side that wins), got {value!r}")


def given_truth(task_type: str, value: Any, *, options: Sequence[str] | None = None) -> dict[str, Any] | None:
    """The crowd's truth for one datapoint from a plain value (``None`` or NaN: not known).

    By task type: Compare ``"A"``/``"B"``; Classification an option or a list of options; Locate and Draw a
    :class:`Box` (or ``{"x_min": ..}`` dict) or a list of them; Select Words a word index or a list of them
    (``[]``: no mistake); Free Text the text; Ranking the item's score (the higher-scored item wins).

    Raises:
        ValueError: The value does not fit the task type (or is not one of ``options``).
    """
    if _is_missing(value):
        return None
    if task_type == "Compare":
        return {"winner": _winner(value)}
    if task_type == "Classification":
        labels = [value] if isinstance(value, str) else list(value)
        unknown = [label for label in labels if options is not None and label not in options]
        if not labels or unknown:
            raise ValueError(
                f"a classification truth names options of the job {list(options or [])}, got {value!r}"
            )
        return {"categories": labels}
    if task_type in ("Locate", "Draw"):
        return {"boxes": _boxes(value)}
    if task_type == "Select Words":
        indices = [value] if isinstance(value, int) else list(value)
        if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indices):
            raise ValueError(f"a select-words truth is a word index or a list of them, got {value!r}")
        return {"wordIndices": sorted(int(i) for i in indices)}
    if task_type == "Free Text":
        if not isinstance(value, str):
            raise ValueError(f"a free-text truth is the text, got {value!r}")
        return {"text": value}
    if task_type == "Ranking":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"a ranking truth is the item's score (higher wins), got {value!r}")
        return {"score": float(value)}
    raise ValueError(f"no known truths for task type {task_type!r}")


class SimulationManager:
    """Controls of the simulated crowd: known truths, pace, pause and resume."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            return self._ctx.transport.request(method, f"/local{path}", **kwargs)
        except RapidataError as exc:
            # a job that is not the caller's is a 404 of our own server, not a missing crowd
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

    def set_truths(self, job_definition: Any, truths: Sequence[Any]) -> int:
        """Tell the crowd the truth of each datapoint of a job definition, in order (``None``: not known).

        The values are those of :func:`given_truth` for the definition's task type. Set them before the
        definition's job starts: answers given before are not taken back.

        Args:
            job_definition: A ``RapidataJobDefinition`` (its latest revision's datapoints).
            truths: One value per datapoint.

        Returns:
            How many truths were given (not ``None``).

        Raises:
            ValueError: A value does not fit the task type (the message gives its position).
        """
        options = job_definition.answer_options if job_definition.task_type == "Classification" else None
        wire = []
        for i, value in enumerate(truths):
            try:
                wire.append(given_truth(job_definition.task_type, value, options=options))
            except ValueError as exc:
                raise ValueError(f"truths[{i}]: {exc}") from exc
        reply = self._call("PUT", f"/job-definition/{job_definition.id}/truths", json={"truths": wire})
        return int(reply["truths"])

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
