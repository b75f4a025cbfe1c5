"""Pausing Python's cyclic garbage collector while a big, acyclic tree of containers is built (issue 14).

A page of a result document is ~10^5 dicts and lists that reference each other only downwards, kept alive
until they are encoded (server) or turned into a frame (client). The cyclic collector cannot free any of
them, yet every generation-0/1/2 pass walks them all: on a 100,000-response download that was 40% of the
server's build time (``bench/bench_big_results.py``). Reference counting frees such trees on its own, so
the collector is paused for the bounded span of one page and resumed after; anything cyclic made
meanwhile is collected at the next pass as usual. The embedded server shares the notebook's process, so the
pause is counted: it ends when the last of overlapping users (threads) leaves.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]

_lock = threading.Lock()
_users = 0
_resume = False


@contextmanager
def collection_paused() -> Iterator[None]:
    """Within the block, no automatic cyclic collection runs (explicit ``gc.collect()`` still does)."""
    global _users, _resume
    with _lock:
        if _users == 0:
            _resume = gc.isenabled()
            gc.disable()
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _resume:
                gc.enable()
