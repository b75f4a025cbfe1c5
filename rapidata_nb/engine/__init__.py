"""rapidata_nb.engine: the statistics behind results, stopping rules, user scores and rankings.

Pure numpy/scipy kernels with no I/O: the server and the client call them with flat integer codes and float
weights (see ``docs/statistics.md`` for the models).

Modules:
    aggregate: counts, ratios, summed user scores, winners, confidence and quorum state for all datapoints.
    agreement: judge–crowd agreement (raw, decisive, Cohen's κ, Krippendorff's α), the leave-one-out ceiling.
    judge_bias: position bias, order flips, preference for the longer answer or the judge's own model.
    alt_test: the Alternative Annotator Test (leave-one-annotator-out, Benjamini–Yekutieli).
    ppi: prediction-powered means, logistic and Bradley–Terry fits (PPI++).
    active: human samples drawn from the judge's uncertainty, with inverse-probability weights.
    budget: human labels needed for a target interval width, with and without a judge.
    leaderboards: rank correlation, separability, agreement and Brier score between two leaderboards.
    referee: confidence / quorum / naive stopping rules, batch and incremental.
    scores: user scores from qualification answers; one-coin Dawid–Skene labeler quality.
    ranking: Bradley–Terry fit, Elo-like scale, bootstrap intervals, win matrix.
    matchmaking: all-pairs plans and the close-matchup pair maker.
    spatial: clustering of locate points, coverage grids of drawn lines.
    text: extractive context shortening.
"""

from __future__ import annotations

from .active import inclusion_probabilities, judge_uncertainty, poisson_sample, ppi_mean_sampled
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
from .agreement import (
    AgreementStats,
    agreement_stats,
    bootstrap_confusions,
    cohen_kappa,
    confusion_matrix,
    decisive_agreement,
    krippendorff_alpha,
    leave_one_out,
    plurality,
    raw_agreement,
)
from .alt_test import AltTest, alt_test, benjamini_yekutieli
from .budget import BudgetPlan, plan_budget
from .judge_bias import Rate, flip_rate, longer_side, position_bias, side_preference
from .leaderboards import LeaderboardComparison, compare_leaderboards, separated
from .matchmaking import PairMaker, all_pairs, next_pairs
from .ppi import (
    CROSS_FIT_BELOW,
    Interval,
    PPIBradleyTerry,
    PPILogistic,
    PPIMean,
    bradley_terry_design,
    ppi_bradley_terry,
    ppi_logistic,
    ppi_mean,
    ppi_win_rates,
)
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
    "Aggregation",
    "AgreementStats",
    "AltTest",
    "BudgetPlan",
    "CROSS_FIT_BELOW",
    "DISPLAY_ALPHA",
    "ELO_PER_LOG",
    "EarlyStoppingReferee",
    "Interval",
    "LeaderboardComparison",
    "NaiveReferee",
    "OneCoinDawidSkene",
    "PPIBradleyTerry",
    "PPILogistic",
    "PPIMean",
    "PairCounts",
    "PairMaker",
    "QualityFit",
    "QuorumReferee",
    "Rate",
    "Referee",
    "StoppingTracker",
    "aggregate_votes",
    "agreement_stats",
    "all_pairs",
    "alt_test",
    "benjamini_yekutieli",
    "better_than",
    "bootstrap_confusions",
    "bootstrap_intervals",
    "bootstrap_samples",
    "bradley_terry",
    "bradley_terry_design",
    "cluster_points",
    "cohen_kappa",
    "compare_leaderboards",
    "confidence_matrix",
    "confidence_per_category",
    "confidence_state",
    "confusion_matrix",
    "coverage_grid",
    "decisive_agreement",
    "elo_scores",
    "fit_pair_counts",
    "flip_rate",
    "inclusion_probabilities",
    "judge_uncertainty",
    "krippendorff_alpha",
    "leave_one_out",
    "longer_side",
    "next_pairs",
    "one_coin_dawid_skene",
    "pair_counts",
    "plan_budget",
    "plurality",
    "poisson_sample",
    "position_bias",
    "ppi_bradley_terry",
    "ppi_logistic",
    "ppi_mean",
    "ppi_mean_sampled",
    "ppi_win_rates",
    "quorum_state",
    "rank_groups",
    "ratios",
    "raw_agreement",
    "separated",
    "shorten_context",
    "side_preference",
    "split_sentences",
    "to_elo",
    "user_score",
    "user_scores",
    "vote_counts",
    "vote_log_odds",
    "win_matrix",
    "winners",
]
