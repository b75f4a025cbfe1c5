"""Altair chart builders over tidy frames: pure functions that return charts, never fetch, never display."""

from __future__ import annotations

from rapidata_nb.charts.judge import (
    agreement_chart,
    alt_test_chart,
    bias_chart,
    boards_chart,
    confusion_chart,
    ppi_leaderboard_chart,
)
from rapidata_nb.charts.leaderboard import leaderboard_chart, win_rate_heatmap
from rapidata_nb.charts.votes import breakdown_chart, vote_split_chart

__all__ = [
    "agreement_chart",
    "alt_test_chart",
    "bias_chart",
    "boards_chart",
    "breakdown_chart",
    "confusion_chart",
    "leaderboard_chart",
    "ppi_leaderboard_chart",
    "vote_split_chart",
    "win_rate_heatmap",
]
