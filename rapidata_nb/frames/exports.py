"""Exports of tidy responses to the formats other tools read.

- :func:`to_crowdkit`: ``task, worker, label`` (crowd-kit's classification input);
- :func:`to_battles`: ``model_a, model_b, winner`` with ``winner`` in ``model_a``/``model_b``/``tie``
  (FastChat's arena format, also what :func:`rapidata_nb.frames.leaderboard` reads);
- :func:`to_parquet`: a tidy frame to Parquet, index kept.
"""

from __future__ import annotations

from os import PathLike

import pandas as pd

__all__ = ["to_battles", "to_crowdkit", "to_parquet"]


def _require(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {missing}; the frame has {list(frame.columns)}")


def to_crowdkit(responses: pd.DataFrame) -> pd.DataFrame:
    """``task, worker, label`` rows for crowd-kit aggregators (``MajorityVote().fit_predict(df)``).

    ``task`` is the response's ``item``, ``label`` its ``choice``, ``worker`` its ``labeler_id``. When the
    server reports no labeler ids (the cloud's documents do not), each response gets its own worker id, so
    worker-quality models reduce to (weighted) majority vote.

    Args:
        responses: A frame from :func:`rapidata_nb.frames.responses_frame` of a compare or classification job.
    """
    _require(responses, ["item", "choice"], "to_crowdkit")
    if "labeler_id" in responses.columns:
        worker = responses["labeler_id"].astype(str)
    else:
        worker = pd.Series([f"response-{i}" for i in range(len(responses))], index=responses.index)
    return pd.DataFrame(
        {
            "task": responses["item"].to_numpy(),
            "worker": worker.to_numpy(),
            "label": responses["choice"].to_numpy(),
        }
    )


def to_battles(
    responses: pd.DataFrame, *, model_a: str = "asset_a", model_b: str = "asset_b"
) -> pd.DataFrame:
    """One battle per compare response: ``model_a, model_b, winner`` (``"model_a"``, ``"model_b"`` or
    ``"tie"``).

    ``Both``/``Neither`` answers are ties; responses with no choice are dropped.

    Args:
        responses: A compare responses frame (``choice`` in ``A``/``B``/``Both``/``Neither``).
        model_a: Column naming the A side's model (default: the asset name).
        model_b: Column naming the B side's model.
    """
    _require(responses, [model_a, model_b, "choice"], "to_battles")
    answered = responses[responses["choice"].notna()]
    winner = answered["choice"].map({"A": "model_a", "B": "model_b", "Both": "tie", "Neither": "tie"})
    return pd.DataFrame(
        {
            "model_a": answered[model_a].to_numpy(),
            "model_b": answered[model_b].to_numpy(),
            "winner": winner.to_numpy(),
        }
    )


def to_parquet(frame: pd.DataFrame, path: str | PathLike[str]) -> None:
    """Write a tidy frame to Parquet (pyarrow), index included; list/dict columns are kept as nested
    values."""
    frame.to_parquet(path, index=True)
