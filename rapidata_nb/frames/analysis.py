"""Analyses of tidy frames: battles, leaderboard, win matrix, agreement.

Leaderboards share one frame schema wherever they come from (:func:`leaderboard` here, an MRI
leaderboard's ``standings_frame()``, :func:`from_standings` for the SDK's standings, the prediction-powered
leaderboard): indexed by ``model``, best first, with the columns ``score`` (Elo-like scale), ``lower`` and
``upper`` (the interval; NaN when unknown), and, where counted, ``wins`` and ``battles``; producers may add
columns. Charts and the leaderboard widget read these columns by name.

Each function takes a tidy frame and returns a new one; the maths lives in :mod:`rapidata_nb.engine`
(Bradley–Terry, bootstrap, win counts, Krippendorff's α). The frame is
encoded once (``np.unique(..., return_inverse=True)``) and the kernels see integer codes only (STYLE §3 item
4).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from rapidata_nb.frames.exports import to_battles

__all__ = ["as_battles", "from_standings", "krippendorff_alpha", "leaderboard", "win_matrix"]


def as_battles(
    frame: pd.DataFrame, *, model_a: str | None = None, model_b: str | None = None
) -> pd.DataFrame:
    """Battles (``model_a, model_b, winner``) from a battles, compare-responses or compare-results frame.

    - responses frame (``choice``): one battle per response (:func:`~rapidata_nb.frames.exports.to_battles`);
    - results frame (``votes_a``, ``votes_b``): one battle per vote (``votes_both``/``votes_neither`` as
      ties);
    - battles frame (``model_a, model_b, winner``): returned as is.

    Args:
        frame: The tidy frame.
        model_a: Column naming the A side's model (default ``model_a`` when the frame has one, e.g. a source
            frame joined with its results, else ``asset_a``).
        model_b: Column naming the B side's model (default ``model_b``, else ``asset_b``).

    Raises:
        ValueError: The frame is none of the above, or names columns it lacks.
    """
    columns = set(frame.columns)
    a = model_a or ("model_a" if "model_a" in columns else "asset_a")
    b = model_b or ("model_b" if "model_b" in columns else "asset_b")
    if "choice" in columns:
        return to_battles(frame, model_a=a, model_b=b)
    if {"votes_a", "votes_b"} <= columns:
        missing = [c for c in (a, b) if c not in columns]
        if missing:
            raise ValueError(f"battles need the columns {missing}; the frame has {list(frame.columns)}")
        parts = []
        for column, winner in (
            ("votes_a", "model_a"),
            ("votes_b", "model_b"),
            ("votes_both", "tie"),
            ("votes_neither", "tie"),
        ):
            if column not in frame.columns:
                continue
            repeats = frame[column].fillna(0).astype(int).to_numpy()
            parts.append(
                pd.DataFrame(
                    {
                        "model_a": np.repeat(frame[a].to_numpy(), repeats),
                        "model_b": np.repeat(frame[b].to_numpy(), repeats),
                        "winner": winner,
                    }
                )
            )
        return pd.concat(parts, ignore_index=True)
    if {"model_a", "model_b", "winner"} <= columns:
        return frame[["model_a", "model_b", "winner"]].reset_index(drop=True)
    raise ValueError(
        "expected a battles frame (model_a, model_b, winner), a compare responses frame (choice) or a "
        f"compare results frame (votes_a, votes_b); the frame has {list(frame.columns)}"
    )


def _encode(
    battles: pd.DataFrame,
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Models as codes; winners/losers arrays (for ties: a, b in frame order) and the tie mask."""
    if not battles["winner"].isin(["model_a", "model_b", "tie"]).all():
        bad = sorted(set(battles["winner"]) - {"model_a", "model_b", "tie"}, key=str)
        raise ValueError(f"winner must be 'model_a', 'model_b' or 'tie'; found {bad}")
    names, codes = np.unique(
        np.concatenate([battles["model_a"].astype(str), battles["model_b"].astype(str)]), return_inverse=True
    )
    n = len(battles)
    a, b = codes[:n].astype(np.int64), codes[n:].astype(np.int64)
    b_won = (battles["winner"] == "model_b").to_numpy()
    winners = np.where(b_won, b, a)
    losers = np.where(b_won, a, b)
    return names, winners, losers, (battles["winner"] == "tie").to_numpy()


def win_matrix(battles: pd.DataFrame, *, order: list[str] | None = None) -> pd.DataFrame:
    """Square frame of win counts: ``matrix.loc[a, b]`` = times ``a`` was preferred over ``b`` (ties not
    counted).

    Args:
        battles: A battles frame (or anything :func:`as_battles` reads).
        order: Row/column order; default: by Bradley–Terry score, best first.
    """
    from rapidata_nb.engine import ranking

    battles = as_battles(battles)
    names, winners, losers, ties = _encode(battles)
    counts = ranking.win_matrix(winners[~ties], losers[~ties], len(names))
    matrix = pd.DataFrame(
        counts, index=pd.Index(names, name="model"), columns=pd.Index(names, name="opponent")
    )
    if order is None:
        order = list(leaderboard(battles, n_rounds=0).index)
    return matrix.loc[order, order]


def leaderboard(
    battles: pd.DataFrame,
    *,
    n_rounds: int = 100,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Bradley–Terry leaderboard with bootstrap 95 % intervals.

    Scores are on the Elo-like scale ``1200 + 400·log10(p_i / geomean p)`` (DESIGN §6), fitted with the
    engine's display prior (``engine.ranking.elo_scores``), so they match the scores of result documents,
    flows and MRI. ``lower``/``upper`` are the 2.5 %/97.5 % quantiles over ``n_rounds`` bootstrap resamples of
    the battles, refitted with the same prior. ``better_than`` lists the models this one beats *with separated
    intervals* (its ``lower`` above their ``upper``), so it only claims what the data supports, and ``rank``
    counts only those: ``1 + number of models better than this one beyond doubt``, so models with overlapping
    intervals share a rank. Ties count half a win to each side in the fit.

    Args:
        battles: A battles frame (or anything :func:`as_battles` reads).
        n_rounds: Bootstrap rounds; 0 skips the intervals (``lower``/``upper`` are NaN).
        random_state: Seed of the bootstrap.

    Returns:
        One row per model, indexed by ``model``, best first: ``score, lower, upper, rank, wins, losses, ties,
        battles, win_rate, better_than``.
    """
    from rapidata_nb.engine import ranking

    battles = as_battles(battles)
    columns = [
        "score",
        "lower",
        "upper",
        "rank",
        "wins",
        "losses",
        "ties",
        "battles",
        "win_rate",
        "better_than",
    ]
    if battles.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="model"))
    names, winners, losers, ties = _encode(battles)
    n = len(names)
    tie_arg = ties if ties.any() else None
    # The scores result documents, flows and MRI report (engine.elo_scores: BT with the display prior),
    # and intervals refitted with that prior, so a score always sits on the scale of its interval.
    score = ranking.elo_scores(winners, losers, n, ties=tie_arg)
    if n_rounds > 0:
        lower, upper = ranking.bootstrap_intervals(
            winners,
            losers,
            n,
            n_rounds=n_rounds,
            random_state=random_state,
            ties=tie_arg,
            alpha=ranking.DISPLAY_ALPHA,
        )
        ranks = ranking.rank_groups(lower, upper)
        beats = ranking.better_than(lower, upper)
    else:
        lower = upper = np.full(n, np.nan)
        ranks = 1 + (np.asarray(score)[None, :] > np.asarray(score)[:, None]).sum(axis=1)
        beats = np.zeros((n, n), dtype=bool)
    wins = np.bincount(winners[~ties], minlength=n)
    losses = np.bincount(losers[~ties], minlength=n)
    tie_count = np.bincount(winners[ties], minlength=n) + np.bincount(losers[ties], minlength=n)
    total = wins + losses + tie_count
    board = pd.DataFrame(
        {
            "score": np.asarray(score, dtype=float),
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
            "rank": np.asarray(ranks, dtype=np.int64),
            "wins": wins,
            "losses": losses,
            "ties": tie_count,
            "battles": total,
            "win_rate": np.divide(wins, total, out=np.zeros(n), where=total > 0),
            "better_than": [[str(names[j]) for j in np.flatnonzero(beats[i])] for i in range(n)],
        },
        index=pd.Index(names, name="model"),
    ).sort_values(["score"], ascending=False, kind="stable")
    order = {name: k for k, name in enumerate(board.index)}
    board["better_than"] = [sorted(b, key=order.__getitem__) for b in board["better_than"]]
    return board[columns]


def from_standings(standings: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard frame of the SDK's standings (``get_standings()``, ``get_overall_standings()``).

    ``name`` becomes the ``model`` index and ``total_matches`` the ``battles``; the standings carry no
    interval, so ``lower``/``upper`` are NaN (an MRI leaderboard's ``standings_frame()`` has them).

    Raises:
        ValueError: The frame lacks the standings' columns.
    """
    missing = [c for c in ("name", "score", "wins", "total_matches") if c not in standings.columns]
    if missing:
        raise ValueError(f"standings need the columns {missing}; the frame has {list(standings.columns)}")
    return pd.DataFrame(
        {
            "score": standings["score"].astype(float).to_numpy(),
            "lower": np.nan,
            "upper": np.nan,
            "wins": standings["wins"].astype(float).to_numpy(),
            "battles": standings["total_matches"].astype(float).to_numpy(),
        },
        index=pd.Index(standings["name"].astype(str), name="model"),
    )


def krippendorff_alpha(items: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Krippendorff's α for nominal labels (:func:`rapidata_nb.engine.krippendorff_alpha` on this frame's
    unit × value counts): 1 is perfect agreement, 0 chance level.

    Args:
        items: The unit of each label (one entry per response).
        labels: The label of each response; missing labels (NaN/None) are ignored.

    Returns:
        α, or NaN when there is no pair of values or no variation at all.
    """
    from rapidata_nb.engine import agreement

    frame = pd.DataFrame({"item": np.asarray(items, dtype=object), "label": np.asarray(labels, dtype=object)})
    frame = frame[frame["label"].notna()]
    if frame.empty:
        return float("nan")
    _, unit = np.unique(frame["item"].astype(str), return_inverse=True)
    values, label = np.unique(frame["label"].astype(str), return_inverse=True)
    counts = np.zeros((unit.max() + 1, len(values)))
    np.add.at(counts, (unit, label), 1.0)
    return float(agreement.krippendorff_alpha(counts))
