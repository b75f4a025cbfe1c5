"""Validate a judge against the crowd, and prediction-powered leaderboards, from tidy frames (issue 16).

A *judge* is a column of model verdicts next to a job's results: ``"A"``, ``"B"`` or ``"tie"`` for compare
jobs (``"Both"``/``"Neither"`` count as a tie), an option name for classification. :func:`judge_report`
measures it against the people who labelled the same items and returns a :class:`JudgeReport` of tidy frames
(agreement with the human ceiling, confusion matrix, biases, the alternative annotator test, leaderboard
agreement), each with a chart. :func:`ppi_leaderboard` turns many judge verdicts plus a few human ones into
Bradley–Terry scores and win rates with PPI++ intervals, beside the human-only and judge-only ones.

The maths is in :mod:`rapidata_nb.engine` (``agreement``, ``judge_bias``, ``alt_test``, ``ppi``,
``leaderboards``); this module encodes the frames once and shapes the answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rapidata_nb.config import logger
from rapidata_nb.engine import agreement, judge_bias, leaderboards, ppi, ranking
from rapidata_nb.engine.alt_test import alt_test as run_alt_test
from rapidata_nb.frames.tidy import option_column

if TYPE_CHECKING:
    import altair as alt

__all__ = ["JudgeReport", "human_sample", "judge_report", "ppi_leaderboard", "sampled_estimate"]

_COMPARE = ("A", "B", "tie")
_TIE_WORDS = {"tie": 2, "Tie": 2, "Both": 2, "Neither": 2, "both": 2, "neither": 2}


# --------------------------------------------------------------------------------------------------- encoding
def _column(frame: pd.DataFrame, name: str | None, role: str) -> pd.Series | None:
    if name is None:
        return None
    if name not in frame.columns:
        raise ValueError(f"{role}={name!r} is not a column of the frame; columns are {list(frame.columns)}")
    return frame[name]


def _is_compare(frame: pd.DataFrame) -> bool:
    return {"votes_a", "votes_b"} <= set(frame.columns)


def _categories(frame: pd.DataFrame) -> list[str]:
    """The answer categories: A/B/tie for compare, the ``votes_<option>`` suffixes for classification."""
    if _is_compare(frame):
        return list(_COMPARE)
    options = [c.removeprefix("votes_") for c in frame.columns if str(c).startswith("votes_")]
    if not options:
        raise ValueError(
            "a judge report needs a results frame with vote counts (votes_a/votes_b for compare, "
            f"votes_<option> for classification); the frame has {list(frame.columns)}"
        )
    return options


def _human_counts(frame: pd.DataFrame, categories: list[str]) -> np.ndarray:
    """``[items, K]`` human vote counts (compare: A, B, and Both + Neither as the tie)."""
    if not _is_compare(frame):
        return np.column_stack([frame[f"votes_{c}"].fillna(0).to_numpy(dtype=np.float64) for c in categories])
    tie = np.zeros(len(frame))
    for column in ("votes_both", "votes_neither"):
        if column in frame.columns:
            tie += frame[column].fillna(0).to_numpy(dtype=np.float64)
    sides = [frame[c].fillna(0).to_numpy(dtype=np.float64) for c in ("votes_a", "votes_b")]
    return np.column_stack([*sides, tie])


def _label_codes(values: pd.Series, categories: list[str], role: str) -> np.ndarray:
    """Category codes of labels (``-1`` for missing); unknown labels raise naming the allowed ones."""
    lookup: dict[Any, int] = {c: k for k, c in enumerate(categories)}
    if categories == list(_COMPARE):
        lookup.update(_TIE_WORDS)
    codes = np.full(len(values), -1, dtype=np.int64)
    for position, value in enumerate(values.tolist()):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        key = value if value in lookup else option_column(str(value))
        if key not in lookup:
            raise ValueError(f"{role} has the label {value!r}; expected one of {categories} (or missing)")
        codes[position] = lookup[key]
    return codes


# --------------------------------------------------------------------------------------------------- report
@dataclass(frozen=True)
class JudgeReport:
    """How far a judge can stand in for the crowd. Every attribute is a tidy frame.

    Attributes:
        agreement: ``comparison, statistic, value, lower, upper, n``: the judge against the crowd's plurality
            (``judge vs crowd``), and the judge and the humans against the plurality of the *other* humans
            on the same (item, held-out vote) pairs (``judge (leave-one-out)``, ``humans (leave-one-out)``:
            the ceiling). Statistics: ``agreement`` (ties included), ``decisive_agreement`` (both name a
            winner; ``n`` counts those), ``kappa``, ``alpha``.
        confusion: Items by the judge's label (rows) and the crowd's plurality (columns).
        bias: ``statistic, who, value, lower, upper, n`` for ``position`` (P(first) − P(second)),
            ``flip_rate``, ``prefers_longer`` and ``self_preference``, for the judge and the crowd.
        alt_test: One row: ``winning_rate, advantage_probability, passed, epsilon, q, annotators, skipped,
            verdict``.
        alt_test_annotators: Per tested annotator: ``labeler_id, n_items, rho_judge, rho_human, p_value,
            judge_wins``.
        leaderboard: ``statistic, value``: Spearman, Kendall τ, separability (judge, humans), agreement with
            confidence, pair-rank Brier score between the judge's and the humans' Bradley–Terry boards.
        boards: Per model: ``human_score, human_lower, human_upper, judge_score, judge_lower, judge_upper``.
    """

    agreement: pd.DataFrame
    confusion: pd.DataFrame
    bias: pd.DataFrame
    alt_test: pd.DataFrame
    alt_test_annotators: pd.DataFrame
    leaderboard: pd.DataFrame
    boards: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def chart(self, part: str = "agreement") -> alt.TopLevelMixin:
        """The chart of one part: ``agreement``, ``confusion``, ``bias``, ``alt_test`` or ``leaderboard``."""
        from rapidata_nb.charts import judge as charts

        builders = {
            "agreement": lambda: charts.agreement_chart(self.agreement),
            "confusion": lambda: charts.confusion_chart(self.confusion),
            "bias": lambda: charts.bias_chart(self.bias),
            "alt_test": lambda: charts.alt_test_chart(self.alt_test_annotators),
            "leaderboard": lambda: charts.boards_chart(self.boards),
        }
        if part not in builders:
            raise ValueError(f"part must be one of {sorted(builders)}, got {part!r}")
        return builders[part]()

    def summary(self) -> str:
        """A few lines for a notebook or a log."""
        lines = []
        rows = self.agreement.set_index(["comparison", "statistic"])
        if ("judge vs crowd", "kappa") in rows.index:
            kappa = rows.loc[("judge vs crowd", "kappa")]
            lines.append(f"κ = {kappa['value']:.3f} [{kappa['lower']:.3f}, {kappa['upper']:.3f}]")
        if ("humans (leave-one-out)", "agreement") in rows.index:
            judge = rows.loc[("judge (leave-one-out)", "agreement"), "value"]
            human = rows.loc[("humans (leave-one-out)", "agreement"), "value"]
            lines.append(f"leave-one-out agreement: judge {judge:.3f}, humans {human:.3f} (ceiling)")
        if len(self.alt_test):
            lines.append(str(self.alt_test["verdict"].iloc[0]))
        return "\n".join(lines + self.notes)

    def __repr__(self) -> str:
        return f"<JudgeReport\n{self.summary()}\n>"


def _agreement_frame(
    counts: np.ndarray, judge: np.ndarray, k: int, tie: int | None, n_rounds: int, ci: float, seed: Any
) -> tuple[pd.DataFrame, np.ndarray]:
    reference = agreement.plurality(counts, tie=tie)
    both = (judge >= 0) & (reference >= 0)
    cells = np.zeros((len(judge), k * k))
    cells[np.flatnonzero(both), judge[both] * k + reference[both]] = 1.0
    humans, judged, paired = agreement.leave_one_out(counts, judge, tie=tie)
    rows = []
    for name, contributions in (
        ("judge vs crowd", cells),
        ("judge (leave-one-out)", judged),
        ("humans (leave-one-out)", paired),
    ):
        stats = agreement.agreement_stats(
            contributions, k, tie=tie, n_rounds=n_rounds, ci=ci, random_state=seed
        )
        for statistic in ("agreement", "decisive_agreement", "kappa", "alpha"):
            lower, upper = stats.intervals[statistic]
            n = stats.n * (stats.decisive_share if statistic == "decisive_agreement" else 1.0)
            rows.append(
                {
                    "comparison": name,
                    "statistic": statistic,
                    "value": getattr(stats, statistic),
                    "lower": lower,
                    "upper": upper,
                    "n": float(n),
                }
            )
    return pd.DataFrame(rows), cells.sum(axis=0).reshape(k, k).astype(np.int64)


def _lengths(frame: pd.DataFrame, name: str | None, role: str) -> np.ndarray | None:
    values = _column(frame, name, role)
    if values is None:
        return None
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).to_numpy(dtype=np.float64)
    return values.fillna("").astype(str).str.len().to_numpy(dtype=np.float64)


def _bias_frame(
    *,
    verdict_item: np.ndarray,
    verdict_pick: np.ndarray,
    verdict_first: np.ndarray,
    counts: np.ndarray,
    crowd: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    longer: np.ndarray | None,
    own: np.ndarray | None,
    n_rounds: int,
    ci: float,
    seed: Any,
) -> pd.DataFrame:
    vote_item = np.repeat(np.arange(len(counts)), counts[:, 0].astype(int))
    vote_item = np.concatenate([vote_item, np.repeat(np.arange(len(counts)), counts[:, 1].astype(int))])
    vote_pick = np.repeat([0, 1], [int(counts[:, 0].sum()), int(counts[:, 1].sum())])
    opts = {"n_rounds": n_rounds, "ci": ci, "random_state": seed}
    rates: list[tuple[str, str, judge_bias.Rate]] = [
        ("position", "judge", judge_bias.position_bias(verdict_item, verdict_pick, verdict_first, **opts)),
        ("flip_rate", "judge", judge_bias.flip_rate(verdict_item, verdict_pick, verdict_first, **opts)),
    ]
    if crowd is not None:
        rates.append(("position", "crowd", judge_bias.position_bias(*crowd, **opts)))
    for statistic, side in (("prefers_longer", longer), ("self_preference", own)):
        if side is None:
            continue
        rates.append(
            (
                statistic,
                "judge",
                judge_bias.side_preference(verdict_item, verdict_pick, side[verdict_item], **opts),
            )
        )
        rates.append(
            (statistic, "crowd", judge_bias.side_preference(vote_item, vote_pick, side[vote_item], **opts))
        )
    return pd.DataFrame(
        [
            {"statistic": s, "who": who, "value": r.value, "lower": r.lower, "upper": r.upper, "n": r.n}
            for s, who, r in rates
        ]
    )


def _alt_test_frames(
    frame: pd.DataFrame,
    responses: pd.DataFrame,
    judge: np.ndarray,
    categories: list[str],
    *,
    epsilon: float,
    q: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    missing = [c for c in ("item", "labeler_id", "choice") if c not in responses.columns]
    if missing:
        raise ValueError(f"responses need the columns {missing}; they have {list(responses.columns)}")
    rows = responses[responses["item"].isin(frame.index) & responses["choice"].notna()]
    position = pd.Series(np.arange(len(frame)), index=frame.index)
    item = position.loc[rows["item"]].to_numpy()
    names, who = np.unique(rows["labeler_id"].astype(str), return_inverse=True)
    label = _label_codes(rows["choice"], categories, "responses.choice")
    result = run_alt_test(
        item, who, label, np.where(judge >= 0, judge, -1), epsilon=epsilon, q=q, scoring="accuracy"
    )
    if result.annotators.size:
        verdict = (
            f"alt-test {'passed' if result.passed else 'failed'}: the judge wins against "
            f"{int(result.rejected.sum())} of {result.annotators.size} annotators "
            f"(ω = {result.winning_rate:.2f}, ρ = {result.advantage_probability:.2f}, ε = {epsilon})"
        )
    else:
        verdict = (
            "alt-test not possible: no annotator labelled 30 or more items that the judge and another "
            "annotator labelled too"
        )
    summary = pd.DataFrame(
        [
            {
                "winning_rate": result.winning_rate,
                "advantage_probability": result.advantage_probability,
                "passed": result.passed,
                "epsilon": epsilon,
                "q": q,
                "annotators": int(result.annotators.size),
                "skipped": int(result.skipped.size),
                "verdict": verdict,
            }
        ]
    )
    per = pd.DataFrame(
        {
            "labeler_id": names[result.annotators],
            "n_items": result.n_items,
            "rho_judge": result.rho_judge,
            "rho_human": result.rho_human,
            "p_value": result.p_values,
            "judge_wins": result.rejected,
        }
    )
    return summary, per


def _battles(
    a: np.ndarray, b: np.ndarray, wins_a: np.ndarray, wins_b: np.ndarray, ties: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winners, losers and tie mask of one battle per vote."""
    reps = [wins_a.astype(int), wins_b.astype(int), ties.astype(int)]
    winners = np.concatenate([np.repeat(a, reps[0]), np.repeat(b, reps[1]), np.repeat(a, reps[2])])
    losers = np.concatenate([np.repeat(b, reps[0]), np.repeat(a, reps[1]), np.repeat(b, reps[2])])
    tie = np.concatenate(
        [np.zeros(reps[0].sum() + reps[1].sum(), dtype=bool), np.ones(reps[2].sum(), dtype=bool)]
    )
    return winners, losers, tie


def _board(
    winners: np.ndarray, losers: np.ndarray, tie: np.ndarray, n: int, rounds: int, ci: float, seed: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ties = tie if tie.any() else None
    score = ranking.elo_scores(winners, losers, n, ties)
    samples = ranking.bootstrap_samples(
        winners, losers, n, rounds, seed, ties=ties, alpha=ranking.DISPLAY_ALPHA
    )
    lo, hi = np.quantile(samples, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
    return score, samples, np.column_stack([lo, hi])


def _leaderboard_frames(
    frame: pd.DataFrame,
    model_a: str,
    model_b: str,
    counts: np.ndarray,
    verdict_item: np.ndarray,
    verdict_pick: np.ndarray,
    *,
    n_rounds: int,
    ci: float,
    seed: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    names, codes = np.unique(
        np.concatenate([frame[model_a].astype(str), frame[model_b].astype(str)]), return_inverse=True
    )
    a, b = codes[: len(frame)], codes[len(frame) :]
    k = len(names)
    rounds = max(min(n_rounds, 200), 20)
    human = _battles(a, b, counts[:, 0], counts[:, 1], counts[:, 2])
    va, vb = a[verdict_item], b[verdict_item]
    judged = _battles(va, vb, verdict_pick == 0, verdict_pick == 1, verdict_pick == 2)
    h_score, h_samples, h_ci = _board(*human, k, rounds, ci, seed)
    j_score, j_samples, j_ci = _board(*judged, k, rounds, ci, seed)
    boards = pd.DataFrame(
        {
            "human_score": h_score,
            "human_lower": h_ci[:, 0],
            "human_upper": h_ci[:, 1],
            "judge_score": j_score,
            "judge_lower": j_ci[:, 0],
            "judge_upper": j_ci[:, 1],
        },
        index=pd.Index(names, name="model"),
    ).sort_values("human_score", ascending=False, kind="stable")
    cmp = leaderboards.compare_leaderboards(j_score, j_samples, h_score, h_samples, ci=ci)
    summary = pd.DataFrame(
        {
            "statistic": [
                "spearman",
                "kendall",
                "separability_judge",
                "separability_human",
                "agreement_with_confidence",
                "brier",
            ],
            "value": [
                cmp.spearman,
                cmp.kendall,
                cmp.separability_judge,
                cmp.separability_human,
                cmp.agreement,
                cmp.brier,
            ],
        }
    )
    return summary, boards


def _model_verdicts(
    frame: pd.DataFrame, models: pd.DataFrame, judge: str, shown_first: str | None
) -> tuple[pd.DataFrame, str | None]:
    """The frame with the model ``judge``'s verdicts from a responses frame as a column (and the side it saw
    first, when it said so for every item it judged)."""
    mine = models[models["labeler_id"] == judge].drop_duplicates("item", keep="last").set_index("item")
    if mine.empty:
        known = sorted(models["labeler_id"].astype(str).unique())
        raise ValueError(
            f"judge={judge!r} is neither a column of the frame nor a model in responses (models: {known})"
        )
    frame = frame.assign(**{judge: mine["choice"].reindex(frame.index)})
    if shown_first is None and "side_shown" in mine.columns and mine["side_shown"].notna().all():
        shown_first = f"{judge}_shown_first"
        frame[shown_first] = mine["side_shown"].reindex(frame.index).fillna("A")
    return frame, shown_first


def judge_report(
    frame: pd.DataFrame,
    *,
    judge: str,
    judge_swapped: str | None = None,
    shown_first: str | None = None,
    responses: pd.DataFrame | None = None,
    model_a: str | None = None,
    model_b: str | None = None,
    judge_model: str | None = None,
    length_a: str | None = None,
    length_b: str | None = None,
    epsilon: float = 0.1,
    q: float = 0.05,
    n_rounds: int = 1000,
    ci: float = 0.95,
    random_state: int | None = 0,
) -> JudgeReport:
    """Measure a judge against the people who labelled the same items (module docstring).

    Args:
        frame: A results frame with human vote counts (``job.results()``, or a source frame joined with it),
            one row per item, and the judge's verdicts in the column ``judge``.
        judge: Column of verdicts: ``"A"``/``"B"``/``"tie"`` (compare) or an option (classification); or the
            name of a model whose verdicts were attached to the job (``job.add_model_verdicts``), read from
            ``responses`` (with the side it saw first, when it said).
        judge_swapped: Column of the verdicts given with the two answers in the other order (compare); items
            with both give the flip rate.
        shown_first: Column naming the side (``"A"``/``"B"``) the judge saw first for ``judge``; default A.
        responses: ``job.responses()`` of the same job: per-labeler votes for the alt-test and the crowd's
            own position bias. Rows of ``labeler_kind`` ``"model"`` are not people: they are left out of the
            crowd's side.
        model_a: Column naming the model behind A (for the leaderboard and self-preference).
        model_b: Column naming the model behind B.
        judge_model: The judge's own model name as it appears in ``model_a``/``model_b``.
        length_a: Column with A's answer (its length is used) or its length in characters.
        length_b: Likewise for B.
        epsilon: Cost margin of the alt-test (0.1 for crowd workers, 0.15 skilled, 0.2 experts).
        q: FDR level of the alt-test's Benjamini–Yekutieli procedure.
        n_rounds: Bootstrap replicates of the intervals.
        ci: Interval coverage.
        random_state: Bootstrap seed.

    Raises:
        ValueError: A named column is missing, a verdict is not a known label, or the frame has no votes.
    """
    if responses is not None and "labeler_kind" in responses.columns:
        models = responses[responses["labeler_kind"] == "model"]
        responses = responses[responses["labeler_kind"] != "model"]
        if judge not in frame.columns:
            frame, shown_first = _model_verdicts(frame, models, judge, shown_first)
    categories = _categories(frame)
    compare = categories == list(_COMPARE)
    k, tie = len(categories), (2 if compare else None)
    counts = _human_counts(frame, categories)
    verdict = _label_codes(_column(frame, judge, "judge"), categories, "judge")  # type: ignore[arg-type]
    agreement_frame, confusion = _agreement_frame(counts, verdict, k, tie, n_rounds, ci, random_state)
    confusion_frame = pd.DataFrame(
        confusion,
        index=pd.Index(categories, name="judge"),
        columns=pd.Index(categories, name="crowd"),
    )
    notes: list[str] = []
    bias = pd.DataFrame(columns=["statistic", "who", "value", "lower", "upper", "n"])
    items = np.arange(len(frame))
    v_item, v_pick = items[verdict >= 0], verdict[verdict >= 0]
    if compare:
        first_col = _column(frame, shown_first, "shown_first")
        first = (
            np.zeros(len(frame), dtype=np.int64)
            if first_col is None
            else _label_codes(first_col, ["A", "B"], "shown_first")
        )
        v_first = first[verdict >= 0]
        swapped_col = _column(frame, judge_swapped, "judge_swapped")
        if swapped_col is not None:
            swapped = _label_codes(swapped_col, categories, "judge_swapped")
            has = swapped >= 0
            v_item = np.concatenate([v_item, items[has]])
            v_pick = np.concatenate([v_pick, swapped[has]])
            v_first = np.concatenate([v_first, 1 - first[has]])
        crowd = None
        if responses is not None and "side_shown" in responses.columns:
            rows = responses[
                responses["item"].isin(frame.index)
                & responses["choice"].notna()
                & responses["side_shown"].notna()
            ]
            position = pd.Series(np.arange(len(frame)), index=frame.index)
            crowd = (
                position.loc[rows["item"]].to_numpy(),
                _label_codes(rows["choice"], categories, "responses.choice"),
                _label_codes(rows["side_shown"], ["A", "B"], "responses.side_shown"),
            )
        la, lb = _lengths(frame, length_a, "length_a"), _lengths(frame, length_b, "length_b")
        longer = judge_bias.longer_side(la, lb) if la is not None and lb is not None else None
        own = None
        if judge_model is not None and model_a is not None and model_b is not None:
            own = np.where(
                frame[model_a].astype(str) == judge_model,
                0,
                np.where(frame[model_b].astype(str) == judge_model, 1, -1),
            )
        bias = _bias_frame(
            verdict_item=v_item,
            verdict_pick=v_pick,
            verdict_first=v_first,
            counts=counts,
            crowd=crowd,
            longer=longer,
            own=own,
            n_rounds=n_rounds,
            ci=ci,
            seed=random_state,
        )
    alt_summary = pd.DataFrame()
    alt_per = pd.DataFrame(
        columns=["labeler_id", "n_items", "rho_judge", "rho_human", "p_value", "judge_wins"]
    )
    if responses is not None and "labeler_id" in responses.columns:
        alt_summary, alt_per = _alt_test_frames(frame, responses, verdict, categories, epsilon=epsilon, q=q)
    else:
        notes.append("alt-test skipped: pass responses=job.responses() (it needs who labelled what)")
    board_summary = pd.DataFrame(columns=["statistic", "value"])
    boards = pd.DataFrame()
    if compare and model_a is not None and model_b is not None:
        board_summary, boards = _leaderboard_frames(
            frame, model_a, model_b, counts, v_item, v_pick, n_rounds=n_rounds, ci=ci, seed=random_state
        )
    return JudgeReport(
        agreement=agreement_frame,
        confusion=confusion_frame,
        bias=bias,
        alt_test=alt_summary,
        alt_test_annotators=alt_per,
        leaderboard=board_summary,
        boards=boards,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------------- PPI
def _verdict_values(frame: pd.DataFrame, judge: str, probability: str | None) -> np.ndarray:
    if probability is not None:
        values = _column(frame, probability, "judge_probability")
        assert values is not None
        out = values.to_numpy(dtype=np.float64)
        if np.any(~np.isfinite(out)) or out.min(initial=0.0) < 0 or out.max(initial=1.0) > 1:
            raise ValueError(
                f"judge_probability={probability!r} must hold probabilities in [0, 1] for every row"
            )
        return out
    codes = _label_codes(_column(frame, judge, "judge"), list(_COMPARE), "judge")  # type: ignore[arg-type]
    if np.any(codes < 0):
        rows = list(frame.index[codes < 0][:5])
        raise ValueError(f"the judge must give a verdict on every row; rows {rows} have none")
    return np.array([1.0, 0.0, 0.5])[codes]


def ppi_leaderboard(
    frame: pd.DataFrame,
    *,
    judge: str,
    model_a: str = "model_a",
    model_b: str = "model_b",
    judge_probability: str | None = None,
    ci: float = 0.9,
    cross_fit: bool | None = None,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Bradley–Terry scores and win rates from a few human and many judge verdicts, with PPI++ intervals.

    Rows with human votes (``votes_a``, ``votes_b``, optionally ``votes_both``/``votes_neither`` counted as
    half each) are the human sample; rows whose votes are missing (NaN) or zero have the judge alone. The
    judge's verdicts must cover every row.

    Args:
        frame: One row per compared pair (e.g. the source frame left-joined with ``job.results()`` of a job
            over a sample of its rows).
        judge: Column of verdicts ``"A"``/``"B"``/``"tie"``.
        model_a: Column naming the model behind A.
        model_b: Column naming the model behind B.
        judge_probability: Optional column with the judge's probability of A, used instead of its verdicts.
        ci: Interval coverage.
        cross_fit: Cross-fit ``λ`` (default: when fewer than 100 rows have human votes).
        random_state: Seed of the folds.

    Returns:
        One row per model, best first: ``score, lower, upper`` (PPI++), ``human_score, human_lower,
        human_upper``, ``judge_score, judge_lower, judge_upper``, ``win_rate, win_rate_lower,
        win_rate_upper`` (PPI++ share of the votes in its pairs), ``human_win_rate``, ``judge_win_rate``,
        ``effective_n`` (human-labelled pairs the human-only fit would need for the PPI width),
        ``judge_misses`` (the judge-only interval excludes the PPI++ estimate), ``n_human``, ``n_judge``.
        ``frame.attrs`` holds ``lam``, ``correlation`` and ``method``.
    """
    for column in (model_a, model_b, "votes_a", "votes_b"):
        _column(frame, column, "column")
    names, codes = np.unique(
        np.concatenate([frame[model_a].astype(str), frame[model_b].astype(str)]), return_inverse=True
    )
    a, b = codes[: len(frame)], codes[len(frame) :]
    counts = _human_counts(frame, list(_COMPARE))
    total = counts.sum(axis=1)
    has_votes = (total > 0) & frame["votes_a"].notna().to_numpy()
    y = np.where(has_votes, (counts[:, 0] + 0.5 * counts[:, 2]) / np.where(total > 0, total, 1.0), np.nan)
    yhat = _verdict_values(frame, judge, judge_probability)
    k = len(names)
    bt = ppi.ppi_bradley_terry(a, b, k, y, yhat, ci=ci, cross_fit=cross_fit, random_state=random_state)
    rates = ppi.ppi_win_rates(a, b, k, y, yhat, ci=ci, cross_fit=cross_fit, random_state=random_state)
    nan = float("nan")

    def rate(m: int, part: str, attr: str) -> float:
        est = rates[m]
        return nan if est is None else float(getattr(getattr(est, part), attr))

    mine = [(a == m) | (b == m) for m in range(k)]
    board = pd.DataFrame(
        {
            "score": bt.ppi[:, 0],
            "lower": bt.ppi[:, 1],
            "upper": bt.ppi[:, 2],
            "human_score": bt.human[:, 0],
            "human_lower": bt.human[:, 1],
            "human_upper": bt.human[:, 2],
            "judge_score": bt.judge[:, 0],
            "judge_lower": bt.judge[:, 1],
            "judge_upper": bt.judge[:, 2],
            "win_rate": [rate(m, "ppi", "estimate") for m in range(k)],
            "win_rate_lower": [rate(m, "ppi", "lower") for m in range(k)],
            "win_rate_upper": [rate(m, "ppi", "upper") for m in range(k)],
            "human_win_rate": [rate(m, "human", "estimate") for m in range(k)],
            "judge_win_rate": [rate(m, "judge", "estimate") for m in range(k)],
            "effective_n": bt.effective_n,
            "judge_misses": (bt.ppi[:, 0] < bt.judge[:, 1]) | (bt.ppi[:, 0] > bt.judge[:, 2]),
            "n_human": [int((mine[m] & has_votes).sum()) for m in range(k)],
            "n_judge": [int(mine[m].sum()) for m in range(k)],
        },
        index=pd.Index(names, name="model"),
    ).sort_values("score", ascending=False, kind="stable")
    board.attrs.update({"lam": bt.lam, "correlation": bt.correlation, "method": bt.method})
    missed = [str(m) for m in board.index[board["judge_misses"]]]
    if missed:
        logger.warning(
            "the judge-only interval misses the prediction-powered score of %s: the judge alone is biased",
            ", ".join(missed),
        )
    return board


# --------------------------------------------------------------------------------------------------- sampling
def human_sample(
    frame: pd.DataFrame,
    *,
    size: int,
    strategy: str = "uncertainty",
    judge_probability: str | None = None,
    floor: float = 0.1,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Choose the rows people should label, given that the judge labels all of them.

    ``strategy="uniform"`` gives every row the same chance ``size / len(frame)``; ``"uncertainty"`` favours
    the rows where the judge is unsure (``√(p̂(1 − p̂))`` of ``judge_probability``), keeping a ``floor`` share
    of the budget uniform (:func:`rapidata_nb.engine.inclusion_probabilities`). Rows are drawn independently
    (Poisson sampling), so about ``size`` are chosen.

    Returns:
        The frame with ``inclusion_probability`` and ``sampled`` columns: start a job on
        ``frame[frame.sampled]``, join its results back, and :func:`sampled_estimate` weights each human
        label by ``1 / inclusion_probability`` so the estimate stays unbiased.
    """
    from rapidata_nb.engine import active

    if strategy not in ("uniform", "uncertainty"):
        raise ValueError(f"strategy must be 'uniform' or 'uncertainty', got {strategy!r}")
    if strategy == "uniform":
        uncertainty = np.ones(len(frame))
    else:
        if judge_probability is None:
            raise ValueError("strategy='uncertainty' needs judge_probability= (the judge's probability of A)")
        values = _column(frame, judge_probability, "judge_probability")
        assert values is not None
        uncertainty = active.judge_uncertainty(values.to_numpy(dtype=np.float64))
    pi = active.inclusion_probabilities(uncertainty, size, floor=floor)
    return frame.assign(inclusion_probability=pi, sampled=active.poisson_sample(pi, random_state))


def sampled_estimate(
    frame: pd.DataFrame,
    *,
    judge: str | None = None,
    judge_probability: str | None = None,
    inclusion_probability: str = "inclusion_probability",
    ci: float = 0.9,
) -> ppi.PPIMean:
    """The share of votes for A over all rows, from a :func:`human_sample` plus the judge on every row.

    Rows with ``votes_a``/``votes_b`` are the human sample; each counts ``1 / inclusion_probability`` times
    (:func:`rapidata_nb.engine.ppi_mean_sampled`).
    """
    from rapidata_nb.engine import active

    if (judge is None) == (judge_probability is None):
        raise ValueError("give exactly one of judge= (verdicts) or judge_probability=")
    yhat = _verdict_values(frame, judge or "", judge_probability)
    counts = _human_counts(frame, list(_COMPARE))
    total = counts.sum(axis=1)
    sampled = (total > 0) & frame["votes_a"].notna().to_numpy()
    y = np.where(sampled, (counts[:, 0] + 0.5 * counts[:, 2]) / np.where(total > 0, total, 1.0), np.nan)
    pi = _column(frame, inclusion_probability, "inclusion_probability")
    assert pi is not None
    return active.ppi_mean_sampled(y, yhat, sampled, pi.to_numpy(dtype=np.float64), ci=ci)
