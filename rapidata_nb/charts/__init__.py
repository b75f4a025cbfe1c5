"""Altair chart builders over tidy frames: pure functions that return charts, never fetch, never display."""

from __future__ import annotations

from rapidata_nb.charts.leaderboard import leaderboard_chart, win_rate_heatmap
from rapidata_nb.charts.votes import breakdown_chart, vote_split_chart

__all__ = ["breakdown_chart", "leaderboard_chart", "vote_split_chart", "win_rate_heatmap"]
