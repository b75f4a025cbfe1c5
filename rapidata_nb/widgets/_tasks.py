"""Building the task a labeler sees from a job's parameters, one datapoint at a time.

The output is the ``Task`` object of ``widgets_js/task_renderers.js``. Shuffling (classify options,
compare sides) is decided here, seeded by the datapoint index, so a preview is reproducible and
the displayed order is part of the synced state.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidata_nb.api.vocabulary import KINDS, TaskKind
from rapidata_nb.widgets._media import DataType, media_name, to_media

__all__ = ["TASK_TYPES", "TaskSpec", "normalize_task_type", "settings_to_flags"]

TASK_TYPES = tuple(kind.value for kind in TaskKind)
"""The seven task types, as ``renderTask`` names them."""


def _squash(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


_ALIASES = {
    _squash(name): kind.value
    for kind, spelling in KINDS.items()
    for name in (kind.value, spelling.sdk_name, spelling.task_type, spelling.result_type)
} | {"rank": "ranking", "selectword": "select_words", "text": "free_text", "comparison": "compare"}
"""Every spelling of a kind (``"Select Words"``, ``"classification"``, ...), squashed, and a few more."""

RANKING_PREVIEW_PAIRS = 45
"""At most this many matchups per ranking group are previewed (every pair of a group of ten)."""


def normalize_task_type(value: str) -> str:
    """Map ``"Classification"``, ``"select-words"``, ``"Rank"``… to one of :data:`TASK_TYPES`."""
    key = _ALIASES.get(_squash(str(value).strip()))
    if key is None:
        raise ValueError(f"unknown task_type {value!r}; expected one of {', '.join(TASK_TYPES)}")
    return key


def settings_to_flags(settings: Any) -> dict[str, str]:
    """Normalise settings to ``{key: value}`` strings, the wire's feature flags (wire notes §1.7).

    Accepts ``None``, a mapping ``{key: value}``, or a sequence of setting objects (anything with
    ``key`` and ``value`` attributes, like ``NoShuffleSetting()``) or ``{"key", "value"}`` dicts.
    """
    if settings is None:
        return {}
    if isinstance(settings, Mapping):
        items = list(settings.items())
    else:
        items = []
        for item in settings:
            if isinstance(item, Mapping) and "key" in item:
                items.append((item["key"], item.get("value")))
            elif hasattr(item, "key") and hasattr(item, "value"):
                items.append((item.key, item.value))
            else:
                raise TypeError(
                    "settings must be setting objects (e.g. NoShuffleSetting()) or "
                    f"{{'key', 'value'}} dicts, got {item!r}"
                )
    flags: dict[str, str] = {}
    for key, value in items:
        if isinstance(value, bool):
            value = "true" if value else "false"
        flags[str(key)] = str(value)
    return flags


def _int_flag(flags: Mapping[str, str], key: str) -> int | None:
    if key not in flags:
        return None
    try:
        return int(flags[key])
    except ValueError:
        raise ValueError(f"setting {key!r} must be an integer, got {flags[key]!r}") from None


@dataclass
class TaskSpec:
    """A job's parameters, validated, and the tasks they produce.

    Attributes mirror the ``create_*_job_definition`` parameters (wire notes §1.4).
    """

    task_type: str
    instruction: str
    datapoints: list[Any]
    answer_options: list[str] | None = None
    a_b_names: list[str] | None = None
    sentences: list[str] | None = None
    contexts: list[str | None] | None = None
    media_contexts: list[Any] | None = None
    data_type: DataType = "media"
    settings: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    pairs: list[tuple[int, int, int]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.task_type = normalize_task_type(self.task_type)
        self.datapoints = list(self.datapoints)
        if not self.datapoints:
            raise ValueError("datapoints is empty; pass at least one datapoint")
        n = len(self.datapoints)
        self._check_lengths(n)
        self._check_type_specific()
        if self.task_type == "ranking":
            self.pairs = self._ranking_pairs()

    def _check_lengths(self, n: int) -> None:
        for name in ("contexts", "media_contexts", "sentences"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise ValueError(
                    f"{name} has {len(value)} entries but datapoints has {n}; give one per datapoint"
                )

    def _check_type_specific(self) -> None:
        kind = self.task_type
        if kind == "classify":
            if not self.answer_options or len(self.answer_options) < 2:
                raise ValueError("a classify task needs answer_options with at least two options")
            self.answer_options = [str(o) for o in self.answer_options]
        if kind == "compare":
            for i, dp in enumerate(self.datapoints):
                if isinstance(dp, (str, bytes)) or not isinstance(dp, Sequence) or len(dp) != 2:
                    raise ValueError(f"compare datapoint {i} must be a pair [a, b], got {dp!r}")
            if self.a_b_names is not None and (len(self.a_b_names) != 2 or len(set(self.a_b_names)) != 2):
                raise ValueError(f"a_b_names must be two different names, got {self.a_b_names!r}")
        if kind == "ranking":
            for i, group in enumerate(self.datapoints):
                if isinstance(group, (str, bytes)) or not isinstance(group, Sequence) or len(group) < 2:
                    raise ValueError(
                        f"ranking datapoint {i} must be a list of at least two items, got {group!r}"
                    )
        if kind == "select_words" and self.sentences is None:
            raise ValueError("a select_words task needs sentences, one per datapoint")
        low = _int_flag(self.settings, "locate_min_points")
        high = _int_flag(self.settings, "locate_max_points")
        if low is not None and high is not None and low > high:
            raise ValueError(f"locate_min_points ({low}) is larger than locate_max_points ({high})")
        low = _int_flag(self.settings, "free_text_minimum_characters")
        high = _int_flag(self.settings, "free_text_max_characters")
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"free_text_minimum_characters ({low}) is larger than free_text_max_characters ({high})"
            )

    def _ranking_pairs(self) -> list[tuple[int, int, int]]:
        pairs: list[tuple[int, int, int]] = []
        for g, group in enumerate(self.datapoints):
            combos = list(itertools.combinations(range(len(group)), 2))
            if len(combos) > RANKING_PREVIEW_PAIRS:
                combos = sorted(random.Random(f"{self.seed}:rank:{g}").sample(combos, RANKING_PREVIEW_PAIRS))
            pairs.extend((g, a, b) for a, b in combos)
        return pairs

    @property
    def n_tasks(self) -> int:
        """How many tasks a labeler could be shown: one per datapoint, one per matchup for ranking."""
        return len(self.pairs) if self.task_type == "ranking" else len(self.datapoints)

    @property
    def shuffle(self) -> bool:
        return self.settings.get("no_shuffle", "false").lower() != "true"

    def task(self, index: int) -> dict[str, Any]:
        """The task shown for ``index`` (0-based), with media as URLs or bytes."""
        if not 0 <= index < self.n_tasks:
            raise IndexError(f"task index {index} out of range [0, {self.n_tasks})")
        rng = random.Random(f"{self.seed}:{index}")
        kind = self.task_type
        task: dict[str, Any] = {
            "index": index,
            "type": kind,
            "instruction": self.instruction,
            "settings": dict(self.settings),
        }
        if kind == "ranking":
            g, a, b = self.pairs[index]
            group = self.datapoints[g]
            order = [a, b]
            rng.shuffle(order)
            task["media"] = [self._media(group[i], f"ranking datapoint {g} item {i}") for i in order]
            task["names"] = self._unique_names([group[i] for i in order], [f"Item {i + 1}" for i in order])
            task["group"] = g
            self._add_context(task, g)
            return task
        datapoint = self.datapoints[index]
        if kind == "compare":
            names = self.a_b_names or self._unique_names(list(datapoint), ["A", "B"])
            order = [0, 1]
            if self.shuffle:
                rng.shuffle(order)
            task["media"] = [self._media(datapoint[i], f"compare datapoint {index} side {i}") for i in order]
            task["names"] = [names[i] for i in order]
        else:
            task["media"] = [self._media(datapoint, f"datapoint {index}")]
        if kind == "classify":
            options = list(self.answer_options or [])
            if self.shuffle:
                rng.shuffle(options)
            task["options"] = options
        if kind == "select_words":
            task["sentence"] = str((self.sentences or [""])[index])
        self._add_context(task, index)
        return task

    def _media(self, value: Any, what: str) -> dict[str, Any]:
        return to_media(value, data_type=self.data_type, what=what)

    def _unique_names(self, values: list[Any], fallback: list[str]) -> list[str]:
        if self.data_type == "text":  # the text itself is on screen; a short label reads better
            return fallback
        names = [media_name(v) for v in values]
        return names if len(set(names)) == len(names) and all(names) else fallback

    def _add_context(self, task: dict[str, Any], position: int) -> None:
        if self.contexts is not None and self.contexts[position]:
            task["context"] = str(self.contexts[position])
        if self.media_contexts is not None and self.media_contexts[position]:
            value = self.media_contexts[position]
            values = [value] if isinstance(value, (str, bytes)) else list(value)
            task["media_context"] = [to_media(v, what=f"media context {position}") for v in values]

    def describe(self, index: int) -> str:
        """A one-line text description of datapoint ``index`` for the static HTML fallback."""
        if self.task_type == "ranking":
            g, a, b = self.pairs[index]
            return f"{media_name(self.datapoints[g][a])} vs {media_name(self.datapoints[g][b])}"
        dp = self.datapoints[index]
        if self.task_type == "compare":
            return f"{media_name(dp[0])} vs {media_name(dp[1])}"
        return media_name(dp)
