"""Shared helpers for the benchmarks (not part of the package).

Every script pins the BLAS/OpenMP thread pools to one thread *before* numpy is imported: the machine has
two shared cores, and multithreaded OpenBLAS spin-waits so badly under load that a 1-D ``np.dot`` of 90,000
numbers can take 25 ms instead of 30 µs. Pinning treats every library the same way.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

__all__ = ["best_of", "header", "ratio", "verdict"]


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Run ``fn`` ``repeat`` times; return the fastest CPU time in seconds and the last result.

    CPU time of this process (``time.process_time``), not wall time: the two cores are shared with other work
    (load averages of 8-10 during our runs), which inflates wall times several-fold and unevenly. With the
    BLAS pools pinned to one thread every measured library runs single-threaded, so CPU time is the fair
    measure; :func:`header` prints the load average at the start of each run.
    """
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        out = fn()
        best = min(best, time.process_time() - start)
    return best, out


def header(title: str) -> None:
    """Print what ran, where and when."""
    import numpy as np

    print(f"# {title}")
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, numpy {np.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}"
    )


def ratio(slow: float, fast: float) -> str:
    """``slow / fast`` formatted as ``12.3×``."""
    return f"{slow / fast:.1f}×" if fast > 0 else "inf×"


def verdict(ok: bool) -> str:
    """``MET`` or ``NOT MET``."""
    return "MET" if ok else "NOT MET"
