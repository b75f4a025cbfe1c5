"""rapidata_nb.engine: the statistics behind results, stopping rules, user scores and rankings.

Pure numpy/scipy kernels with no I/O: the server and the client call them with flat integer codes and float
weights (see ``docs/statistics.md`` for the models).

Modules:
    aggregate: counts, ratios, summed user scores, winners, confidence and quorum state for all datapoints.
    referee: confidence / quorum / naive stopping rules, batch and incremental.
    scores: user scores from qualification answers; one-coin Dawid–Skene labeler quality.
    ranking: Bradley–Terry fit, Elo-like scale, bootstrap intervals, win matrix.
    matchmaking: all-pairs plans and the close-matchup pair maker.
    spatial: clustering of locate points, coverage grids of drawn lines.
    text: extractive context shortening.
"""

from __future__ import annotations

from .aggregate import (
    Aggregation,
    aggregate_votes,
    confidence_matrix,
    confidence_state,
    quorum_state,
    ratios,
    vote_counts,
    winners,
)
from .matchmaking import PairMaker, all_pairs, next_pairs
from .ranking import (
    DISPLAY_ALPHA,
    ELO_PER_LOG,
    PairCounts,
    better_than,
    bootstrap_intervals,
    bootstrap_samples,
    bradley_terry,
    elo_scores,
    fit_pair_counts,
    pair_counts,
    rank_groups,
    to_elo,
    win_matrix,
)
from .referee import (
    EarlyStoppingReferee,
    NaiveReferee,
    QuorumReferee,
    Referee,
    StoppingTracker,
    confidence_per_category,
    vote_log_odds,
)
from .scores import OneCoinDawidSkene, QualityFit, one_coin_dawid_skene, user_score, user_scores
from .spatial import cluster_points, coverage_grid
from .text import shorten_context, split_sentences

__all__ = [
    "DISPLAY_ALPHA",
    "ELO_PER_LOG",
    "Aggregation",
    "EarlyStoppingReferee",
    "NaiveReferee",
    "OneCoinDawidSkene",
    "PairCounts",
    "PairMaker",
    "QualityFit",
    "QuorumReferee",
    "Referee",
    "StoppingTracker",
    "aggregate_votes",
    "all_pairs",
    "better_than",
    "bootstrap_intervals",
    "bootstrap_samples",
    "bradley_terry",
    "elo_scores",
    "cluster_points",
    "confidence_matrix",
    "confidence_per_category",
    "confidence_state",
    "coverage_grid",
    "fit_pair_counts",
    "next_pairs",
    "one_coin_dawid_skene",
    "pair_counts",
    "quorum_state",
    "rank_groups",
    "ratios",
    "shorten_context",
    "split_sentences",
    "to_elo",
    "user_score",
    "user_scores",
    "vote_counts",
    "vote_log_odds",
    "win_matrix",
    "winners",
]
