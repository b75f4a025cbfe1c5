"""``client.context``: shorten long contexts to the part that matters for a question (server-side)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from rapidata_nb.client._context import ClientContext
from rapidata_nb.config import rapidata_config

__all__ = ["ContextManager"]

_BATCH = 10


class ContextManager:
    """Shortens contexts through ``POST /datasets/shorten-context`` (at most 400 characters come back)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def _batch(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        body = (
            self._ctx.transport.request(
                "POST",
                "/datasets/shorten-context",
                json={"items": [{"context": c, "question": q} for c, q in pairs]},
            )
            or {}
        )
        items = body.get("items") or []
        if len(items) != len(pairs):
            raise ValueError(f"The server shortened {len(items)} of {len(pairs)} contexts.")
        return [str(item.get("shortenedContext", "")) for item in items]

    def shorten_context(self, context: str, question: str) -> str:
        """The part of ``context`` relevant to ``question``, at most 400 characters."""
        return self._batch([(context, question)])[0]

    def shorten_contexts(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        """Shorten many ``(context, question)`` pairs (batches of 10, sent concurrently), in order."""
        pairs = list(pairs)
        if not pairs:
            return []
        from tqdm.auto import tqdm

        batches = [pairs[i : i + _BATCH] for i in range(0, len(pairs), _BATCH)]
        out: list[list[str]] = [[] for _ in batches]
        with tqdm(
            total=len(pairs),
            desc="Shortening contexts",
            leave=False,
            disable=rapidata_config.logging.silent_mode or len(batches) == 1,
        ) as bar:
            with ThreadPoolExecutor(max_workers=min(8, len(batches))) as pool:
                futures = {pool.submit(self._batch, b): i for i, b in enumerate(batches)}
                for future, index in futures.items():
                    out[index] = future.result()
                    bar.update(len(batches[index]))
        return [s for batch in out for s in batch]
