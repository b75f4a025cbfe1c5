"""What a labeler sees of a task or qualification example, and in which order its sides or options appear."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from rapidata_nb.server.labeling.content import stable_hash

__all__ = ["TaskView", "order_shown", "shown_order"]


@dataclass(frozen=True)
class TaskView:
    """What a labeler sees of a task (or a qualification example), enough to answer it.

    Attributes:
        kind: Task kind (``compare``, ``ranking``, ``classify``, ``locate``, ``draw``, ``select_words``,
            ``free_text``).
        key: The content key.
        identities: Asset identities in datapoint order (two for compare/ranking).
        options: Classification option labels.
        words: Select-words sentence split on single spaces (without the no-mistakes token).
        flags: Feature flags ``{key: value}`` (``compare_unsure``, ``locate_max_points``, ...).
        no_mistake: Whether a select-words task offers ``[No_mistakes]`` (index ``len(words)``).
    """

    kind: str
    key: str
    identities: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    flags: Mapping[str, str] = field(default_factory=dict)
    no_mistake: bool = False

    def fingerprint(self) -> str:
        """A stable digest of the payload (part of the answer's seed)."""
        return str(stable_hash(self.kind, self.key, *self.options, "|", *self.words))


def shown_order(*, seed: int, labeler_id: str, view: TaskView, n: int) -> list[int]:
    """The order in which the ``n`` sides/options are shown to this labeler (deterministic shuffle)."""
    if view.flags.get("no_shuffle", "").lower() == "true":
        return list(range(n))
    order = list(range(n))
    random.Random(stable_hash(seed, "shown", labeler_id, view.key)).shuffle(order)
    return order


def order_shown(view: TaskView, *, seed: int, labeler_id: str) -> list[int]:
    """The order in which this labeler sees the view's sides (compare, ranking) or options (others that have
    options, i.e. classify); empty for kinds that have neither."""
    n = 2 if view.kind in ("compare", "ranking") else len(view.options)
    return shown_order(seed=seed, labeler_id=labeler_id, view=view, n=n) if n else []
