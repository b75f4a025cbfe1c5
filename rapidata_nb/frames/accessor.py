"""The ``df.rapidata`` accessor.

Registered when ``rapidata_nb`` is imported. Two families of methods share the one name, because the frames
meet in the same notebook:

- on a frame of *data*: ``compare``, ``classify``, ``locate``, ``draw``, ``select_words``, ``free_text``,
  ``rank``, ``arena`` start jobs and return a :class:`~rapidata_nb.frames.job.Job`; ``preview`` shows the
  task and ``plan`` returns what would be sent;
- on a frame of *results* (``job.results()``, ``job.responses()``, a battles frame): ``battles``,
  ``leaderboard``, ``win_matrix``, ``agreement``, ``chart``, and with a column of model verdicts
  ``judge_report``, ``leaderboard(judge=...)`` (prediction-powered) and ``human_sample``.

The accessor is stateless (it only holds the frame) and never modifies it; each method delegates to a typed
function in :mod:`rapidata_nb.frames` (editors see those; they do not see accessors).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import pandas as pd

from rapidata_nb.frames import analysis, jobs, planning
from rapidata_nb.frames import judge as judging

if TYPE_CHECKING:  # altair loads on the first chart, not with `import rapidata_nb` (servers never need it)
    import altair as alt

__all__ = ["RapidataAccessor"]


def _delegate(fn: Any) -> Any:
    """A method that calls ``fn(self._obj, ...)`` and carries ``fn``'s docstring (for
    ``df.rapidata.compare?``)."""

    @functools.wraps(fn)
    def method(self: RapidataAccessor, *args: Any, **kwargs: Any) -> Any:
        return fn(self._obj, *args, **kwargs)

    return method


@pd.api.extensions.register_dataframe_accessor("rapidata")
class RapidataAccessor:
    """Human labeling and result analysis for a DataFrame (``df.rapidata.compare(...)``)."""

    def __init__(self, pandas_obj: pd.DataFrame) -> None:
        self._obj = pandas_obj

    # ------------------------------------------------------------------ jobs from data
    compare: Any = _delegate(jobs.compare)
    classify: Any = _delegate(jobs.classify)
    locate: Any = _delegate(jobs.locate)
    draw: Any = _delegate(jobs.draw)
    select_words: Any = _delegate(jobs.select_words)
    free_text: Any = _delegate(jobs.free_text)
    rank: Any = _delegate(jobs.rank)
    arena: Any = _delegate(jobs.arena)
    preview: Any = _delegate(jobs.preview)
    plan: Any = _delegate(planning.plan)

    # ------------------------------------------------------------------ analysis of results
    def battles(self, *, model_a: str | None = None, model_b: str | None = None) -> pd.DataFrame:
        """Battles (``model_a, model_b, winner``) from compare responses or results; see
        :func:`rapidata_nb.frames.as_battles`."""
        return analysis.as_battles(self._obj, model_a=model_a, model_b=model_b)

    def leaderboard(
        self,
        *,
        model_a: str | None = None,
        model_b: str | None = None,
        n_rounds: int = 100,
        random_state: int | None = 0,
        judge: str | None = None,
        judge_probability: str | None = None,
        ci: float = 0.9,
    ) -> pd.DataFrame:
        """Bradley–Terry leaderboard with bootstrap 95 % intervals; see
        :func:`rapidata_nb.frames.leaderboard`.

        With ``judge=`` (a column of ``"A"``/``"B"``/``"tie"`` verdicts on every row, human votes on some)
        the scores and win rates are prediction-powered, next to the human-only and judge-only ones; see
        :func:`rapidata_nb.frames.ppi_leaderboard`.

        Args:
            model_a: Column naming the A side (default ``asset_a``, or ``model_a`` with a judge).
            model_b: Column naming the B side.
            n_rounds: Bootstrap rounds (without a judge).
            random_state: Bootstrap (or fold) seed.
            judge: Column of judge verdicts.
            judge_probability: Column with the judge's probability of A (used instead of its verdicts).
            ci: Interval coverage of the prediction-powered intervals.
        """
        if judge is not None:
            return judging.ppi_leaderboard(
                self._obj,
                judge=judge,
                model_a=model_a or "model_a",
                model_b=model_b or "model_b",
                judge_probability=judge_probability,
                ci=ci,
                random_state=random_state,
            )
        return analysis.leaderboard(
            self.battles(model_a=model_a, model_b=model_b), n_rounds=n_rounds, random_state=random_state
        )

    judge_report: Any = _delegate(judging.judge_report)
    human_sample: Any = _delegate(judging.human_sample)

    def win_matrix(self, *, model_a: str | None = None, model_b: str | None = None) -> pd.DataFrame:
        """Square win counts (``m.loc[a, b]`` = times a beat b), ordered by score."""
        return analysis.win_matrix(self.battles(model_a=model_a, model_b=model_b))

    def agreement(self, *, item: str = "item", label: str = "choice") -> float:
        """Krippendorff's α (nominal) of a responses frame: 1 = full agreement, 0 = chance."""
        frame = self._obj
        missing = [c for c in (item, label) if c not in frame.columns]
        if missing:
            raise ValueError(f"agreement needs the columns {missing}; the frame has {list(frame.columns)}")
        return analysis.krippendorff_alpha(frame[item].to_numpy(), frame[label].to_numpy())

    def chart(self, **kwargs: Any) -> alt.TopLevelMixin:
        """The natural chart for this frame.

        - a leaderboard (``score``, ``lower``, ``upper``) → :func:`~rapidata_nb.charts.leaderboard_chart`, and
          so are the SDK's MRI standings (``name, wins, total_matches, score``, through
          :func:`~rapidata_nb.frames.from_standings`);
        - a square win matrix → :func:`~rapidata_nb.charts.win_rate_heatmap`;
        - a results frame (``votes_*``) → :func:`~rapidata_nb.charts.vote_split_chart`;
        - a responses frame (``choice``) → :func:`~rapidata_nb.charts.breakdown_chart` (``by="country"``).
        """
        from rapidata_nb import charts

        frame = self._obj
        columns = set(frame.columns)
        if "score" in columns:
            if "total_matches" in columns:
                frame = analysis.from_standings(frame)
            return charts.leaderboard_chart(frame, **kwargs)
        if len(frame) and list(frame.index) == list(frame.columns):
            return charts.win_rate_heatmap(frame, **kwargs)
        if any(str(c).startswith("votes_") for c in columns):
            return charts.vote_split_chart(frame, **kwargs)
        if "choice" in columns:
            return charts.breakdown_chart(frame, **kwargs)
        raise ValueError(
            f"no chart for a frame with columns {list(frame.columns)}; expected a leaderboard, a win "
            "matrix, a results frame (votes_*) or a responses frame (choice)"
        )
