"""The judge report on a simulated crowd (issue 16): bias, κ and the human ceiling recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from rapidata_nb.frames.judge import judge_report, ppi_leaderboard, sampled_estimate
from rapidata_nb.server.crowd.judge import JudgeProfile
from tests.utils.judge_crowd import Arena, make_arena


def _frame(arena: Arena) -> pd.DataFrame:
    verdicts = arena.verdicts
    first = verdicts[verdicts["shown_first"] == "A"].set_index("item")["choice"]
    second = verdicts[verdicts["shown_first"] == "B"].set_index("item")["choice"]
    return arena.results.assign(judge=first, judge_swapped=second)


@pytest.fixture(scope="module")
def arena() -> Arena:
    """1,000 compare items with 5 human votes each and a judge with a +10-point position bias."""
    return make_arena(
        n_items=1000, votes=5, profile=JudgeProfile(accuracy=0.85, position_bias=0.1, order="both"), seed=11
    )


@pytest.fixture(scope="module")
def report(arena: Arena):  # type: ignore[no-untyped-def]
    return judge_report(
        _frame(arena),
        judge="judge",
        judge_swapped="judge_swapped",
        responses=arena.responses,
        model_a="model_a",
        model_b="model_b",
        length_a="length_a",
        length_b="length_b",
        n_rounds=500,
    )


def _value(frame: pd.DataFrame, **where: str) -> pd.Series:
    mask = np.logical_and.reduce([frame[k] == v for k, v in where.items()])
    return frame[mask].iloc[0]


def test_position_bias_is_recovered(report) -> None:  # type: ignore[no-untyped-def]
    position = _value(report.bias, statistic="position", who="judge")
    assert abs(position["value"] - 0.10) <= 0.01
    assert position["lower"] < position["value"] < position["upper"] and position["n"] == 2000
    assert abs(_value(report.bias, statistic="flip_rate", who="judge")["value"] - 0.10) <= 0.01
    crowd = _value(report.bias, statistic="position", who="crowd")
    assert crowd["n"] == 5000 and crowd["value"] < 0.1  # people lean towards the first answer only a little


def test_kappa_matches_an_independent_computation(arena: Arena, report) -> None:  # type: ignore[no-untyped-def]
    results = arena.results
    majority = np.where(results["votes_a"] > results["votes_b"], "A", "B")  # 5 votes: never a tie
    judge = _frame(arena)["judge"].to_numpy()
    kappa = cohen_kappa_score(judge, majority)
    row = _value(report.agreement, comparison="judge vs crowd", statistic="kappa")
    assert row["value"] == pytest.approx(kappa, abs=1e-12)
    assert row["lower"] <= kappa <= row["upper"]
    agree = _value(report.agreement, comparison="judge vs crowd", statistic="agreement")
    assert agree["value"] == pytest.approx(float(np.mean(judge == majority)), abs=1e-12)
    assert report.confusion.to_numpy().sum() == 1000


def test_human_ceiling_matches_an_independent_computation(arena: Arena, report) -> None:  # type: ignore[no-untyped-def]
    # every human vote against the plurality of the other four on its item (a 2–2 split is a tie, which a
    # person never answers), and the judge against the same reference
    votes = arena.responses.merge(_frame(arena)[["judge"]], left_on="item", right_index=True)
    counts = votes.groupby("item")["choice"].value_counts().unstack(fill_value=0)
    other_a = counts.loc[votes["item"], "A"].to_numpy() - (votes["choice"] == "A").to_numpy()
    other_b = counts.loc[votes["item"], "B"].to_numpy() - (votes["choice"] == "B").to_numpy()
    reference = np.where(other_a > other_b, "A", np.where(other_b > other_a, "B", "tie"))
    human = float(np.mean(votes["choice"].to_numpy() == reference))
    judge = float(np.mean(votes["judge"].to_numpy() == reference))
    ceiling = _value(report.agreement, comparison="humans (leave-one-out)", statistic="agreement")
    assert ceiling["value"] == pytest.approx(human, abs=1e-12) and ceiling["n"] == 5000
    assert _value(report.agreement, comparison="judge (leave-one-out)", statistic="agreement")[
        "value"
    ] == pytest.approx(judge, abs=1e-12)


def test_alt_test_and_leaderboard_sections(report) -> None:  # type: ignore[no-untyped-def]
    summary = report.alt_test.iloc[0]
    assert summary["annotators"] == 20 and summary["skipped"] == 0
    assert 0.0 <= summary["winning_rate"] <= 1.0 and summary["verdict"].startswith("alt-test")
    assert len(report.alt_test_annotators) == 20
    stats = report.leaderboard.set_index("statistic")["value"]
    assert stats["spearman"] > 0.8 and -1.0 <= stats["agreement_with_confidence"] <= 1.0
    assert list(report.boards.columns)[:3] == ["human_score", "human_lower", "human_upper"]
    for part in ("agreement", "confusion", "bias", "alt_test", "leaderboard"):
        assert report.chart(part).to_dict()
    assert "κ =" in repr(report)


def test_ppi_leaderboard_with_a_tenth_of_the_human_labels(arena: Arena) -> None:
    frame = _frame(arena)
    keep = np.random.default_rng(0).random(len(frame)) < 0.1
    frame.loc[~keep, ["votes_a", "votes_b"]] = np.nan
    board = ppi_leaderboard(frame, judge="judge", model_a="model_a", model_b="model_b")
    truth = arena.strength.loc[board.index].to_numpy()
    assert np.corrcoef(np.argsort(np.argsort(board["score"])), np.argsort(np.argsort(truth)))[0, 1] > 0.8
    assert board["n_judge"].sum() == 2 * len(frame) and board["n_human"].sum() == 2 * int(keep.sum())
    # λ minimises the summed variance, so the intervals are narrower on the whole (not each one)
    assert (board["upper"] - board["lower"]).sum() < (board["human_upper"] - board["human_lower"]).sum()
    assert board.attrs["method"] == "ppi++ cross-fit"  # fewer than 100 pairs have human votes


def test_bad_input_names_the_problem(arena: Arena) -> None:
    frame = _frame(arena)
    with pytest.raises(ValueError, match="judge='nope' is not a column"):
        judge_report(frame, judge="nope")
    with pytest.raises(ValueError, match="expected one of"):
        judge_report(frame.assign(judge="maybe"), judge="judge")
    with pytest.raises(ValueError, match="vote counts"):
        judge_report(pd.DataFrame({"judge": ["A"]}), judge="judge")


def test_accessor_and_human_sample(arena: Arena) -> None:
    frame = _frame(arena).assign(probability_a=arena.verdicts.groupby("item")["probability_a"].first())
    report = frame.rapidata.judge_report(judge="judge", n_rounds=0)
    assert np.isnan(report.agreement["lower"]).all()
    assert report.notes == ["alt-test skipped: pass responses=job.responses() (it needs who labelled what)"]
    chosen = frame.rapidata.human_sample(size=150, judge_probability="probability_a")
    assert chosen["inclusion_probability"].sum() == pytest.approx(150)
    unsure = chosen["probability_a"].between(0.4, 0.6)
    assert (
        chosen.loc[unsure, "inclusion_probability"].mean()
        > chosen.loc[~unsure, "inclusion_probability"].mean()
    )
    chosen.loc[~chosen["sampled"], ["votes_a", "votes_b"]] = np.nan
    est = sampled_estimate(chosen, judge_probability="probability_a")
    full = float((arena.results["votes_a"] / 5).mean())
    assert est.n_labeled == int(chosen["sampled"].sum()) and est.ppi.lower < full < est.ppi.upper
    board = frame.assign(votes_a=frame["votes_a"].where(chosen["sampled"])).rapidata.leaderboard(
        judge="judge"
    )
    assert {"score", "human_score", "judge_score", "win_rate"} <= set(board.columns)
    with pytest.raises(ValueError, match="judge_probability"):
        frame.rapidata.human_sample(size=10)
