"""Stable identities of content: the key of a datapoint or example, and a hash that is the same everywhere."""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["NO_MISTAKES", "content_key", "offers_no_mistake", "sentence_words", "stable_hash", "stable_order"]

NO_MISTAKES = "[No_mistakes]"
"""The select-words token that stands for "no word is wrong"."""


def sentence_words(sentence: str) -> tuple[list[str], bool]:
    """A select-words sentence split on single spaces without a trailing ``[No_mistakes]``, and if it had one.

    The SDK's users append that token themselves to give labelers a way to say nothing is wrong; the feed
    shows it once, after the words, so its index is the number of words before it either way.
    """
    words = sentence.split(" ") if sentence else []
    if words and words[-1] == NO_MISTAKES:
        return words[:-1], True
    return words, False


def offers_no_mistake(flags: Mapping[str, str], *, has_token: bool, n_words: int) -> bool:
    """Whether a select-words task offers the ``[No_mistakes]`` choice.

    As in the SDK: when the job asks for it (``NoMistakeOptionSetting``, flag ``no_mistake``) or the sentence
    ends with the token. A sentence with no words offers it too, or the task could not be answered.
    """
    return has_token or n_words == 0 or str(flags.get("no_mistake", "")).lower() == "true"


def stable_hash(*parts: object) -> int:
    """A 64-bit hash of ``parts`` that is stable across processes (unlike ``hash()``)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def stable_order(labels: Iterable[str], *parts: object, depth: int | None = None) -> list[str]:
    """``labels`` sorted by ``stable_hash(*parts, label)`` (ties by label), or the first ``depth`` of them.

    The digest of the shared prefix is computed once and copied for each label, which halves the cost of a
    crowd permutation; big-endian digests sort as their integers do.
    """
    prefix = hashlib.blake2b(("\x1f".join(map(str, parts)) + "\x1f").encode(), digest_size=8)
    keyed = []
    for label in labels:
        digest = prefix.copy()
        digest.update(label.encode())
        keyed.append((digest.digest(), label))
    ordered = sorted(keyed) if depth is None or depth >= len(keyed) else heapq.nsmallest(depth, keyed)
    return [label for _, label in ordered]


def content_key(identities: Sequence[str]) -> str:
    """The stable key of a piece of content: sha256 of the JSON list of its assets' identities.

    Same formula as ``store.datasets`` uses for datapoints (identities ``url:..``, ``sha256:..``,
    ``text:..``),
    so an oracle registered for some assets applies to datapoints and qualification examples alike.
    """
    return hashlib.sha256(json.dumps(list(identities)).encode()).hexdigest()
