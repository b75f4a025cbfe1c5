"""Input checks shared by the engine kernels (private).

Every public kernel validates its arrays once at the boundary and raises a ``ValueError`` that names the
argument to fix; after that the loops see clean ``int64`` codes and ``float64`` weights only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__: list[str] = []

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Scores are clipped to ``(EPS, 1 - EPS)`` so that a score of exactly 0 or 1 never gives ``log(0)``.
EPS = 1e-6


def as_index(values: Any, name: str, size: int | None = None, length: int | None = None) -> IntArray:
    """Return ``values`` as a 1-D ``int64`` array, checking the range ``[0, size)`` and the length."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of integers, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype.kind not in "iub":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.floor(arr)):
            arr = arr.astype(np.int64)
        else:
            raise ValueError(f"{name} must contain integers, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} has length {arr.shape[0]}, expected {length}")
    if size is not None:
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi >= size:
            raise ValueError(f"{name} must lie in [0, {size}), got values in [{lo}, {hi}]")
    return arr


def as_float(values: Any, name: str, length: int | None = None) -> FloatArray:
    """Return ``values`` as a finite 1-D ``float64`` array of the given length."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of numbers, got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} has length {arr.shape[0]}, expected {length}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def as_count(value: Any, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an ``int`` that is at least ``minimum``."""
    if isinstance(value, bool) or int(value) != value or int(value) < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def clip_scores(scores: FloatArray) -> FloatArray:
    """Clip user scores to ``(EPS, 1 - EPS)``."""
    return np.clip(scores, EPS, 1.0 - EPS)


def weighted_bincount(idx: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """``np.bincount(idx, weights, minlength=size)`` that is ``float64`` even for empty input."""
    out: FloatArray = np.bincount(idx, weights=weights, minlength=size).astype(np.float64, copy=False)
    return out
