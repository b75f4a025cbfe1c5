"""MRI through the client against a real server: 4 models of known latent quality over 20 prompts."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from rapidata_nb import (
    BenchmarkDemographicDimension,
    Gender,
    Origin,
    RapidataClient,
    RapidataError,
    Tag,
    VoteAggregation,
)
from rapidata_nb.client.benchmark import RapidataBenchmark, RapidataLeaderboard, resolve_budget
from rapidata_nb.frames import from_standings
from rapidata_nb.server.crowd.truth import asset_quality
from rapidata_nb.widgets import Leaderboard

SEED = 7  # the live server's crowd seed
PROMPTS = [f"prompt number {i}" for i in range(20)]
TAGS = [["landscape", "outdoor"] if i < 10 else ["city"] for i in range(20)]
MODELS = ["model-best", "model-good", "model-fair", "model-poor"]

pytestmark = pytest.mark.slow


def media_by_quality(prompt_index: int) -> list[str]:
    """One URL per model for a prompt, best model first: ranks 0, 13, 26 and 39 of 40 latent qualities."""
    urls = [f"https://example.com/mri/p{prompt_index}/c{i}.png" for i in range(40)]
    ranked = sorted(urls, key=lambda u: -asset_quality(SEED, f"url:{u}")[0])
    return [ranked[0], ranked[13], ranked[26], ranked[39]]


@pytest.fixture(scope="module")
def live(live_server: Any) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


@pytest.fixture(scope="module")
def study(live: RapidataClient) -> tuple[RapidataBenchmark, RapidataLeaderboard]:
    benchmark = live.mri.create_new_benchmark(name="AI Art Competition", prompts=PROMPTS, tags=TAGS)
    leaderboard = benchmark.create_leaderboard(
        name="Realism", instruction="Which image is more realistic?", show_prompt=True, level_of_detail=360
    )
    media = [media_by_quality(i) for i in range(20)]
    # Three models added without submitting, submitted together; the fourth evaluated directly later.
    for k, name in enumerate(MODELS[:3]):
        participant = benchmark.add_model(name=name, media=[m[k] for m in media], prompts=PROMPTS)
        assert participant.status == "Created"
    benchmark.run()
    benchmark.evaluate_model(name=MODELS[3], media=[m[3] for m in media], prompts=PROMPTS)
    for job in leaderboard.jobs:
        job.get_results()  # wait for every evaluation job
    return benchmark, leaderboard


def test_benchmark_prompts_round_trip(live: RapidataClient, study: Any) -> None:
    benchmark, _ = study
    assert benchmark.prompts == PROMPTS
    assert benchmark.english_prompts == PROMPTS  # identity translation locally
    assert benchmark.identifiers == PROMPTS
    assert benchmark.tags == TAGS
    assert live.mri.get_benchmark_by_id(benchmark.id).name == "AI Art Competition"
    assert benchmark.id in [b.id for b in live.mri.find_benchmarks(name="Art")]
    assert [lb.id for lb in benchmark.leaderboards] == [study[1].id]
    counts = benchmark.get_tag_counts()
    assert dict(zip(counts["value"], counts["prompt_count"], strict=True)) == {
        "landscape": 10,
        "outdoor": 10,
        "city": 10,
    }


def test_standings_follow_latent_quality(study: Any) -> None:
    benchmark, leaderboard = study
    standings = leaderboard.get_standings()
    assert list(standings.columns) == ["name", "wins", "total_matches", "score"]
    assert list(standings["name"]) == MODELS
    # 120 matchups (6 pairs x 20 prompts), each model in 3 x 20 of them; majority vote: one win per matchup.
    assert list(standings["total_matches"]) == [60.0] * 4
    assert standings["wins"].sum() == 120
    assert standings["score"].is_monotonic_decreasing
    assert [p.status for p in benchmark.participants] == ["Submitted"] * 4
    elo = {p.name: p.get_elo() for p in benchmark.participants}
    assert sorted(elo, key=lambda n: -elo[n]) == MODELS
    matrix = leaderboard.get_win_loss_matrix()
    assert list(matrix.index) == MODELS and list(matrix.columns) == MODELS
    assert matrix.loc["model-best", "model-poor"] + matrix.loc["model-poor", "model-best"] == 20
    assert matrix.loc["model-best", "model-poor"] >= 15
    assert (matrix.to_numpy() + matrix.to_numpy().T)[~np.eye(4, dtype=bool)].tolist() == [20.0] * 12
    assert all(matrix.loc[m, m] == 0 for m in MODELS)
    with_ci = leaderboard.standings_frame()  # what the leaderboard widget draws
    assert list(with_ci.index) == MODELS
    assert ((with_ci["lower"] < with_ci["score"]) & (with_ci["score"] < with_ci["upper"])).all()


def test_standings_are_one_leaderboard_frame_for_charts_and_the_widget(study: Any) -> None:
    benchmark, leaderboard = study
    standings = leaderboard.get_standings()
    for frame in (leaderboard.standings_frame(), benchmark.standings_frame(), from_standings(standings)):
        assert frame.index.name == "model" and list(frame.index) == MODELS
        assert list(frame.columns) == ["score", "lower", "upper", "wins", "battles"]
        assert frame["battles"].tolist() == [60.0] * 4 and frame["wins"].sum() == 120
    # The chart names the models (it picked the first column by position and labelled them "0".."3").
    for chart in (standings.rapidata.chart(), standings.rapidata.chart(ci=False)):
        point = chart.to_dict()["layer"][-1]
        assert point["encoding"]["y"]["sort"] == MODELS
    assert [row["model"] for row in Leaderboard(leaderboard.standings_frame()).rows] == MODELS


def test_tag_and_country_filters(study: Any) -> None:
    _, leaderboard = study
    landscape = leaderboard.get_standings(tags=["landscape"])
    assert list(landscape["total_matches"]) == [30.0] * 4
    assert leaderboard.get_standings(tags=[])["total_matches"].sum() == 0
    nobody = leaderboard.get_standings(country=["ZZ"])
    assert nobody["total_matches"].sum() == 0 and nobody["score"].isna().all()
    us = leaderboard.get_standings(country=["US"])
    full = leaderboard.get_standings()
    assert 0 < us["total_matches"].sum() < full["total_matches"].sum()
    english = leaderboard.get_standings(language=["en"])
    assert 0 < english["total_matches"].sum() <= full["total_matches"].sum()


def test_demographic_filters_breakdown_and_composition_agree(study: Any) -> None:
    benchmark, _ = study
    people = benchmark.get_demographics()
    assert set(people["dimension"]) == {"AgeBucket", "Gender", "Occupation", "Country", "Language"}
    for _, rows in people.groupby("dimension"):
        assert (
            rows["value"].iloc[-1] == "unknown" and rows["votes"].iloc[-1] == 0
        )  # simulated voters are known
        assert rows["share"].sum() == pytest.approx(1.0)
    totals = people.groupby("dimension")["votes"].sum()
    assert totals.nunique() == 1 and totals.iloc[0] > 0  # every vote is counted once per dimension

    breakdown = benchmark.get_standings_breakdown(BenchmarkDemographicDimension.GENDER)
    gender = people[people["dimension"] == "Gender"].set_index("value")["votes"]
    segment_votes = breakdown.groupby("segment")["segment_votes"].first()
    assert segment_votes.to_dict() == {v: n for v, n in gender.items() if n > 0}
    women = benchmark.get_overall_standings(gender=[Gender.FEMALE]).set_index("name")
    female = breakdown[breakdown["segment"] == "Female"].set_index("name")
    assert women.loc[female.index, ["wins", "total_matches"]].equals(female[["wins", "total_matches"]])
    assert benchmark.get_demographics(gender=[Gender.FEMALE]).query("dimension == 'Gender'")[
        "value"
    ].tolist() == [
        "Female",
        "unknown",
    ]


def test_run_and_leaderboard_filters(study: Any) -> None:
    benchmark, leaderboard = study
    runs = leaderboard.jobs
    by_run = [leaderboard.get_standings(run_id=job.id)["total_matches"].sum() for job in runs]
    assert sum(by_run) == leaderboard.get_standings()["total_matches"].sum() and all(n > 0 for n in by_run)
    assert leaderboard.get_standings(run_id="job_none")["total_matches"].sum() == 0
    only = benchmark.get_overall_standings(leaderboard_ids=[leaderboard.id]).set_index("name")
    assert only.equals(leaderboard.get_standings().set_index("name").loc[only.index])


def test_benchmark_matrix_and_weighted_scoring(live: RapidataClient, study: Any) -> None:
    benchmark, leaderboard = study
    full = benchmark.get_win_loss_matrix(leaderboard_ids=[leaderboard.id])
    ids = {p.name: p.id for p in benchmark.participants}
    pair = benchmark.get_win_loss_matrix(
        leaderboard_ids=[leaderboard.id], participant_ids=[ids["model-best"], ids["model-poor"]]
    )
    assert sorted(pair.index) == ["model-best", "model-poor"]
    assert pair.equals(full.loc[pair.index, pair.columns])
    with pytest.raises(RapidataError, match="useWeightedScoring"):
        leaderboard.get_win_loss_matrix(use_weighted_scoring=True)


def test_the_official_sdk_spelling_of_filters_is_understood(live_server: Any, study: Any) -> None:
    _, leaderboard = study
    with live_server.client() as api:
        path = f"/leaderboard/{leaderboard.id}/standings/query"
        ours = api.get(path, params=[("country", "US"), ("gender", "Female")]).json()
        theirs = api.get(path, params=[("country[in]", "US"), ("gender[in]", "Female")]).json()
        everyone = api.get(path).json()
    assert ours == theirs
    assert 0 < ours["totalResponses"] < everyone["totalResponses"]


def test_disable_rename_enable(study: Any) -> None:
    benchmark, leaderboard = study
    poor = next(p for p in benchmark.participants if p.name == "model-poor")
    poor.disable()
    standings = leaderboard.get_standings()
    assert list(standings["name"]) == MODELS[:3]
    assert list(standings["total_matches"]) == [40.0] * 3
    poor.enable()
    poor.rename("model-weak")
    assert list(leaderboard.get_standings()["name"]) == [*MODELS[:3], "model-weak"]
    poor.rename("model-poor")


def test_inverse_leaderboard_flips_the_order(study: Any) -> None:
    benchmark, _ = study
    worse = benchmark.create_leaderboard(
        name="Artifacts",
        instruction="Which image has more artifacts?",
        inverse_ranking=True,
        level_of_detail=120,
        min_responses_per_matchup=1,
    )
    assert worse.inverse_ranking is True and worse.response_budget == 120
    for job in worse.jobs:
        job.get_results()
    # The crowd answers "which is better" by latent quality; inverting puts the best-answer model last.
    # (One noisy vote per matchup: only the clearly separated ends are asserted.)
    names = list(worse.get_standings()["name"])
    assert (names[0], names[-1]) == ("model-poor", "model-best")
    straight = leaderboard_scores(benchmark.leaderboards[0])
    inverted = leaderboard_scores(worse)
    assert straight["model-best"] > straight["model-poor"] and inverted["model-best"] < inverted["model-poor"]


def test_vote_aggregation_is_set_and_updated(study: Any) -> None:
    benchmark, _ = study
    board = benchmark.create_leaderboard(
        name="Every vote",
        instruction="Which image is nicer?",
        vote_aggregation=VoteAggregation.ALL_VOTES,
        skip_initial_run=True,
    )
    assert board.vote_aggregation is VoteAggregation.ALL_VOTES
    board.update(vote_aggregation=VoteAggregation.MAJORITY_VOTE)
    assert board.vote_aggregation is VoteAggregation.MAJORITY_VOTE
    assert benchmark.leaderboards[0].vote_aggregation is VoteAggregation.MAJORITY_VOTE  # the default


def leaderboard_scores(leaderboard: RapidataLeaderboard) -> dict[str, float]:
    standings = leaderboard.get_standings()
    return dict(zip(standings["name"], standings["score"], strict=True))


def test_update_prompt_tags(study: Any) -> None:
    benchmark, leaderboard = study
    benchmark.update_prompt(PROMPTS[19], tags=["city", "night"])
    assert benchmark.tags[19] == ["city", "night"]
    assert leaderboard.get_standings(tags=["night"])["total_matches"].tolist() == [3.0] * 4
    benchmark.update_prompt(PROMPTS[19], tags=["city"])
    with pytest.raises(ValueError, match="not a prompt"):
        benchmark.update_prompt("no such prompt", tags=["x"])


def test_structured_tags_origins_and_the_samples_per_prompt_minimum(
    live: RapidataClient, caplog: pytest.LogCaptureFixture
) -> None:
    benchmark = live.mri.create_new_benchmark(
        name="Tagged",
        prompts=["a red fox", "a blue whale"],
        tags=[[Tag("animal", category="subject"), "red"], None],
        origins=[Origin("coco"), "handwritten"],
    )
    assert benchmark.structured_tags == [[Tag("animal", "subject"), Tag("red")], []]
    assert benchmark.origins == [Origin("coco"), Origin("handwritten")]
    benchmark.update_prompt("a blue whale", origin="parti")  # tags left as they are
    benchmark.update_prompt("a red fox", tags=["red"])  # origin left as it is
    assert benchmark.origins == [Origin("coco"), Origin("parti")]
    assert benchmark.structured_tags == [[Tag("red")], []]

    with pytest.raises(RapidataError, match="minAssetsPerPrompt: must be at least 2"):
        benchmark.update(min_assets_per_prompt=1)
    benchmark.update(min_assets_per_prompt=2)
    model = benchmark.add_model(
        name="one-shot",
        media=["https://example.com/t/0.png", "https://example.com/t/1.png", "https://example.com/t/2.png"],
        prompts=["a red fox", "a red fox", "a blue whale"],
    )
    with caplog.at_level("WARNING", logger="rapidata"):
        model.run()
    assert "below the benchmark's 2 samples per prompt: one-shot: 'a blue whale' (1/2)" in caplog.text


def test_prices_and_recovering_missing_samples(live: RapidataClient) -> None:
    benchmark = live.mri.create_new_benchmark(name="Priced", prompts=["p1", "p2"])
    model = benchmark.add_model(name="priced", media=["https://example.com/pr/1.png"], prompts=["p1"])
    model.set_price(0.04, "image")
    assert [(p.price, p.price_unit) for p in benchmark.participants] == [(0.04, "image")]
    with pytest.raises(ValueError, match="greater than 0"):
        model.set_price(0, "image")
    with pytest.raises(ValueError, match="unit must be one of"):
        model.set_price(1.0, "second")  # type: ignore[arg-type]
    model.clear_price()
    assert [(p.price, p.price_unit) for p in benchmark.participants] == [(None, None)]

    media = ["https://example.com/pr/1.png", "https://example.com/pr/2.png", "https://example.com/pr/3.png"]
    prompts = ["p1", "p2", "p2"]
    assert model.missing_counts(prompts) == Counter({"p2": 2})
    model.upload_media([media[1]], ["p2"])  # one of p2's two samples lands, as after an interrupted upload
    assert model.missing_counts(prompts) == Counter({"p2": 1})
    sent, failed = model.retry_missing(media, prompts)
    assert failed == [] and sorted(sent) == media[1:]  # both of p2's are re-sent; the held one is a 409
    assert model.missing_counts(prompts) == Counter()
    assert sorted(s["identifier"] for s in _samples(live, model.id)) == ["p1", "p2", "p2"]
    assert model.retry_missing(media, prompts) == ([], [])  # nothing short: nothing sent


def _samples(live: RapidataClient, participant_id: str) -> list[dict[str, Any]]:
    return list(live._ctx.transport.paged(f"/participant/{participant_id}/samples", page_size=100))


def test_bad_input_is_rejected(live: RapidataClient, study: Any) -> None:
    benchmark, _ = study
    before = len(benchmark.participants)
    with pytest.raises(ValueError, match="not registered"):
        benchmark.add_model(name="x", media=["https://example.com/x.png"], prompts=["no such prompt"])
    with pytest.raises(ValueError, match="same length"):
        benchmark.add_model(name="x", media=["https://example.com/x.png"], prompts=PROMPTS[:2])
    with pytest.raises(ValueError, match="level_of_detail"):
        benchmark.create_leaderboard(name="x", instruction="x", level_of_detail="extreme")
    with pytest.raises(ValueError, match="already exist"):
        benchmark.add_prompts(prompts=[PROMPTS[0]])
    assert len(benchmark.participants) == before
    assert resolve_budget("debug") == 20 and resolve_budget("very high") == 16000


def test_leaderboard_on_a_filtered_audience(live: RapidataClient, study: Any) -> None:
    from rapidata_nb import CountryFilter

    benchmark, _ = study
    us = live.audience.get_audience_by_id("aud_MU1GZYoESyO").filter([CountryFilter(["US"])])
    leaderboard = benchmark.create_leaderboard(
        name="Realism (US)", instruction="Which image is more realistic?", audience_id=us, level_of_detail=12
    )
    assert leaderboard.audience_id == us.id
    jobs = leaderboard.jobs
    assert [job.audience_id for job in jobs] == [us.id]
    jobs[0].get_results()
    standings = leaderboard.get_standings()
    assert standings["total_matches"].sum() == 2 * 4  # 12 // 3 matchups, each counted for both sides
    assert leaderboard.get_standings(country=["US"])["total_matches"].sum() == 8  # only US labelers answered
