"""Truth for the simulated crowd: latent truth per content and registered oracles.

Without ground truth every task gets a *latent* truth derived from a stable hash of its content (DESIGN §7):

- compare / ranking: a latent quality ``q ~ N(0, 1)`` per asset identity (plus a taste axis ``t ~ N(0, 1)``),
  so preferences are transitive and the same asset has the same quality in every job;
- classify: the true option (an option whose name appears in the asset's identity wins, e.g. ``dog.jpeg`` and
  "Dog", otherwise a hash picks one);
- locate / draw: one or two target boxes;
- select words: the wrong words (none in 40 % of sentences: the trailing ``[No_mistakes]`` token is right);
- free text: a generated answer.

Registered oracles (:class:`~rapidata_nb.server.store.labeling.OracleTruth`) override the latent truth of a
content key for the jobs of the customer who registered them (the row's key is :func:`owned_key`, so one
customer's truth never steers another's jobs on the same content); a compare oracle may also give a
preference probability (``{"pA": 0.6}``) to plan studies.

Canonical truth shapes (ratios 0..1, indices in datapoint order):
``{"winner": 0|1, "qualities": [qa, qb], "clarity": c}`` · ``{"categories": [label, ...]}`` ·
``{"boxes": [{"xMin", "yMin", "xMax", "yMax"}]}`` · ``{"wordIndices": [i, ...]}`` · ``{"text": str}``.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.labeling.grading import tokens
from rapidata_nb.server.store.labeling import OracleTruth, utcnow

__all__ = [
    "asset_quality",
    "latent_truth",
    "named_option",
    "oracles_for",
    "owned_key",
    "register_oracle",
    "with_oracle",
]

_WORDS = (
    "clear",
    "bright",
    "small",
    "large",
    "red",
    "blue",
    "green",
    "quiet",
    "fast",
    "old",
    "new",
    "round",
    "cat",
    "dog",
    "house",
    "tree",
    "river",
    "car",
    "book",
    "flower",
    "street",
    "sign",
    "cloud",
    "light",
)


@functools.lru_cache(maxsize=65536)
def asset_quality(seed: int, identity: str) -> tuple[float, float]:
    """Latent ``(quality, taste axis)`` of one asset: two standard normals from a stable hash."""
    rng = random.Random(stable_hash(seed, "quality", identity))
    return rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)


def _box(rng: np.random.Generator) -> dict[str, float]:
    w, h = rng.uniform(0.12, 0.35, size=2)
    x, y = rng.uniform(0.05, 0.95 - w), rng.uniform(0.05, 0.95 - h)
    return {
        "xMin": round(float(x), 4),
        "yMin": round(float(y), 4),
        "xMax": round(float(x + w), 4),
        "yMax": round(float(y + h), 4),
    }


def named_option(options: Sequence[str], identities: Sequence[str]) -> str | None:
    """The one option whose words all appear in the asset's identity (``dog.jpeg`` → "Dog"), if unique."""
    words = tokens(" ".join(identities))
    named = [o for o in options if tokens(o) and tokens(o) <= words]
    return named[0] if len(named) == 1 else None


def latent_truth(
    *,
    seed: int,
    kind: str,
    key: str,
    identities: Sequence[str] = (),
    options: Sequence[str] = (),
    words: Sequence[str] = (),
) -> dict[str, Any]:
    """The latent truth of a task (pure function of its content).

    Args:
        seed: The crowd seed.
        kind: Task kind (``compare``, ``ranking``, ``classify``, ``locate``, ``draw``, ``select_words``,
            ``free_text``).
        key: The task's content key.
        identities: Asset identities (one per compared side; the asset otherwise).
        options: Classification option labels.
        words: Select-words sentence split on single spaces (without the no-mistakes token).

    Returns:
        The canonical truth dict (module docstring).
    """
    rng = np.random.default_rng(stable_hash(seed, "truth", kind, key))
    if kind in ("compare", "ranking"):
        qa, qb = (asset_quality(seed, i)[0] for i in identities[:2])
        return {
            "winner": 0 if qa >= qb else 1,
            "qualities": [qa, qb],
            "clarity": float(np.tanh(1.2 * abs(qa - qb))),
        }
    if kind == "classify":
        named = named_option(options, identities)
        if named is not None:
            return {"categories": [named]}
        return {"categories": [options[int(rng.integers(len(options)))]] if options else []}
    if kind in ("locate", "draw"):
        return {"boxes": [_box(rng) for _ in range(1 if rng.random() < 0.75 else 2)]}
    if kind == "select_words":
        if not words or rng.random() < 0.4:
            return {"wordIndices": []}
        n = 1 if rng.random() < 0.7 or len(words) < 4 else 2
        return {"wordIndices": sorted(int(i) for i in rng.choice(len(words), size=n, replace=False))}
    if kind == "free_text":
        return {
            "text": " ".join(_WORDS[int(i)] for i in rng.integers(len(_WORDS), size=int(rng.integers(2, 5))))
        }
    raise ValueError(f"unknown task kind {kind!r}")


def owned_key(owner_id: str | None, content_key: str) -> str:
    """The oracle row key of ``content_key`` as registered by ``owner_id`` (a sha256, like content keys)."""
    return hashlib.sha256(f"oracle:{owner_id or ''}:{content_key}".encode()).hexdigest()


def register_oracle(
    *, session: Session, owner_id: str, kind: str, key: str, truth: Mapping[str, Any]
) -> None:
    """Register (or replace) ``owner_id``'s known truth of a content key; the crowd answers their jobs against
    it from now on."""
    row_key = owned_key(owner_id, key)
    row = session.get(OracleTruth, (row_key, kind))
    if row is None:
        session.add(OracleTruth(content_key=row_key, kind=kind, truth=dict(truth), created_at=utcnow()))
    else:
        row.truth = dict(truth)


def with_oracle(latent: Mapping[str, Any], oracle: Mapping[str, Any] | None, kind: str) -> dict[str, Any]:
    """A latent truth overridden by a registered oracle truth (a given winner is given with certainty)."""
    if oracle is None:
        return dict(latent)
    truth = {**latent, **oracle}
    if kind in ("compare", "ranking") and "pA" not in oracle and "winner" in oracle:
        truth["clarity"] = 1.0
    return truth


def oracles_for(
    *, session: Session, keys: Iterable[tuple[str | None, str, str]]
) -> dict[tuple[str | None, str, str], dict[str, Any]]:
    """Registered oracle truths of ``(owner id, content key, kind)`` triples, in one query."""
    by_row = {(owned_key(owner, key), kind): (owner, key, kind) for owner, key, kind in set(keys)}
    if not by_row:
        return {}
    rows = session.scalars(
        select(OracleTruth).where(tuple_(OracleTruth.content_key, OracleTruth.kind).in_(list(by_row)))
    )
    return {by_row[(row.content_key, row.kind)]: dict(row.truth) for row in rows}
