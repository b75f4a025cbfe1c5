"""Stable identities of content: the key of a datapoint or example, and a hash that is the same everywhere."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

__all__ = ["NO_MISTAKES", "content_key", "stable_hash"]

NO_MISTAKES = "[No_mistakes]"
"""The select-words token that stands for "no word is wrong"."""


def stable_hash(*parts: object) -> int:
    """A 64-bit hash of ``parts`` that is stable across processes (unlike ``hash()``)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def content_key(identities: Sequence[str]) -> str:
    """The stable key of a piece of content: sha256 of the JSON list of its assets' identities.

    Same formula as ``store.datasets`` uses for datapoints (identities ``url:..``, ``sha256:..``,
    ``text:..``),
    so an oracle registered for some assets applies to datapoints and qualification examples alike.
    """
    return hashlib.sha256(json.dumps(list(identities)).encode()).hexdigest()
