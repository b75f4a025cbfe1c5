"""DataFrames in, jobs out, tidy frames back: the ``df.rapidata`` accessor and its typed twins.

Importing this package registers the ``rapidata`` DataFrame accessor (``import rapidata_nb`` does it for you).
"""

from __future__ import annotations

from rapidata_nb.frames import accessor as _accessor  # registers df.rapidata
from rapidata_nb.frames.analysis import (
    as_battles,
    from_standings,
    krippendorff_alpha,
    leaderboard,
    win_matrix,
)
from rapidata_nb.frames.exports import to_battles, to_crowdkit, to_parquet
from rapidata_nb.frames.job import ArenaJob, Job, JobFailedError, RankJob
from rapidata_nb.frames.jobs import (
    arena,
    classify,
    compare,
    draw,
    free_text,
    locate,
    preview,
    rank,
    select_words,
    submit,
)
from rapidata_nb.frames.judge import (
    JudgeReport,
    human_sample,
    judge_report,
    ppi_leaderboard,
    sampled_estimate,
)
from rapidata_nb.frames.planning import JobPlan, detect_data_type, plan
from rapidata_nb.frames.tidy import responses_frame, results_frame

RapidataAccessor = _accessor.RapidataAccessor

__all__ = [
    "ArenaJob",
    "Job",
    "JobFailedError",
    "JobPlan",
    "JudgeReport",
    "RankJob",
    "RapidataAccessor",
    "arena",
    "as_battles",
    "classify",
    "compare",
    "detect_data_type",
    "draw",
    "free_text",
    "from_standings",
    "human_sample",
    "judge_report",
    "krippendorff_alpha",
    "leaderboard",
    "locate",
    "plan",
    "ppi_leaderboard",
    "preview",
    "rank",
    "responses_frame",
    "results_frame",
    "sampled_estimate",
    "select_words",
    "submit",
    "to_battles",
    "to_crowdkit",
    "to_parquet",
    "win_matrix",
]
