"""The tools rapidata-mcp lacks, over stdio against a backend with the crowd at full speed: the other task
types, custom audiences with qualification examples, and leaderboards (whose standings must be exactly what
the SDK reads)."""

from __future__ import annotations

import pytest

pytest.importorskip("mcp")

from rapidata_nb import RapidataClient  # noqa: E402
from tests.utils.mcp_server import call, mcp_env, refused, run, stdio_session, wait_until  # noqa: E402
from tests.utils.server import LiveServer  # noqa: E402

IMAGES = ["https://assets.rapidata.ai/street.jpg", "https://assets.rapidata.ai/park.jpg"]


@pytest.fixture(scope="module")
def env(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A local user whose credentials name ``live_server``."""
    return mcp_env(
        tmp_path_factory.mktemp("mcp-home"),
        RAPIDATA_ENVIRONMENT=live_server.url,
        RAPIDATA_CLIENT_ID=live_server.client_id,
        RAPIDATA_CLIENT_SECRET=live_server.client_secret,
    )


def test_ranking_task_ranks_every_item_of_its_group(env: dict[str, str]) -> None:
    items = ["a short poem", "a long poem", "a haiku", "a limerick"]

    async def session() -> None:
        async with stdio_session(env) as client:
            draft = await call(
                client,
                "create_ranking_task",
                name="poems",
                instruction="Which poem is funnier?",
                groups=[items],
                comparison_budget_per_ranking=6,
                data_type="text",
            )
            assert (draft["task_type"], draft["datapoints"], draft["total_responses"]) == ("Ranking", 1, 6)
            await call(client, "start_job", job_id=draft["job_id"])
            await wait_until(client, draft["job_id"], "complete")
            results = await call(client, "get_job_results", job_id=draft["job_id"])
            (group,) = results["datapoints"]
            assert sorted(group["ranks"].values()) == [1, 2, 3, 4]
            assert sorted(group["ranks"]) == sorted(items)
            assert sum(group["aggregatedResults"].values()) == 6  # one vote per pair of four

    run(session)


def test_other_task_types_are_drafts_with_their_cost(env: dict[str, str]) -> None:
    async def session() -> None:
        async with stdio_session(env) as client:
            common = {"instruction": "Where is the bicycle?", "datapoint_urls": IMAGES}
            drafts = {
                "create_classification_task": {
                    "answer_options": ["Day", "Night"],
                    "responses_per_datapoint": 5,
                },
                "create_locate_task": {"responses_per_datapoint": 4},
                "create_draw_task": {"responses_per_datapoint": 3},
                "create_select_words_task": {
                    "sentences": ["a red bicycle", "a blue car"],
                    "responses_per_datapoint": 2,
                },
                "create_free_text_task": {"responses_per_datapoint": 1},
            }
            seen = {}
            for tool, arguments in drafts.items():
                draft = await call(client, tool, name=tool, **common, **arguments)
                seen[tool] = (draft["task_type"], draft["total_responses"], draft["status"])
            assert seen == {
                "create_classification_task": ("Classification", 10, "Created"),
                "create_locate_task": ("Locate", 8, "Created"),
                "create_draw_task": ("Draw", 6, "Created"),
                "create_select_words_task": ("Select Words", 4, "Created"),
                "create_free_text_task": ("Free Text", 2, "Created"),
            }

    run(session)


def test_custom_audience_qualifies_labelers_then_runs_a_job(env: dict[str, str]) -> None:
    example = {
        "kind": "comparison",
        "instruction": "Which sentence is grammatically correct?",
        "pair": ["He goes to school.", "He go to school."],
        "truth": "He goes to school.",
        "data_type": "text",
    }

    async def session() -> None:
        async with stdio_session(env) as client:
            audience = await call(
                client, "create_audience", name="grammar experts", qualification_examples=[example]
            )
            empty = {"graduated": 0, "distilling": 0, "dropped": 0, "inactive": 0}
            assert (audience["qualification_examples"], audience["recruiting"]) == (1, empty)
            assert f"audience_id='{audience['audience_id']}'" in audience["next_step"]
            listed = await call(client, "list_audiences", name_contains="grammar experts")
            assert [a["audience_id"] for a in listed["audiences"]] == [audience["audience_id"]]

            draft = await call(
                client,
                "create_comparison_task",
                name="grammar on experts",
                instruction="Which sentence is grammatically correct?",
                comparison_pairs=[["She sings well.", "She sing well."]],
                responses_per_datapoint=3,
                data_type="text",
            )
            started = await call(
                client, "start_job", job_id=draft["job_id"], audience_id=audience["audience_id"]
            )
            assert started["audience_id"] == audience["audience_id"]
            status = await wait_until(client, draft["job_id"], "complete")
            assert status["recruiting"]["graduated"] >= 1
            assert (await call(client, "get_audience", audience_id=audience["audience_id"]))[
                "next_step"
            ] is None
            assert "does not exist" in await refused(client, "get_audience", audience_id="aud_missing")

    run(session)


def test_leaderboard_standings_are_what_the_sdk_reads(env: dict[str, str], live_server: LiveServer) -> None:
    sdk = RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)
    prompts = ["a cat astronaut", "a dog chef"]
    benchmark = sdk.mri.create_new_benchmark(name="mcp arena", prompts=prompts)
    board = benchmark.create_leaderboard(name="Realism", instruction="Which image is more realistic?")
    for model in ("model-a", "model-b"):
        media = [f"https://example.com/{model}/{i}.png" for i in range(len(prompts))]
        benchmark.evaluate_model(name=model, media=media, prompts=prompts)
    for job in board.jobs:
        job.get_results()
    expected = [
        {
            "name": row["name"],
            "wins": row["wins"],
            "total_matches": row["total_matches"],
            "score": row["score"],
        }
        for row in board.get_standings().to_dict("records")
    ]

    async def session() -> None:
        async with stdio_session(env) as client:
            listed = await call(client, "list_leaderboards", name_contains="mcp arena")
            assert [(b["benchmark_id"], b["leaderboard_id"], b["name"]) for b in listed["leaderboards"]] == [
                (benchmark.id, board.id, "Realism")
            ]
            standings = await call(
                client, "get_leaderboard_standings", benchmark_id=benchmark.id, leaderboard_id=board.id
            )
            assert (standings["name"], standings["standings"]) == ("Realism", expected)
            assert sum(s["total_matches"] for s in standings["standings"]) == 2 * len(prompts)
            missing = await refused(
                client, "get_leaderboard_standings", benchmark_id=benchmark.id, leaderboard_id="lb_missing"
            )
            assert "is not a leaderboard of benchmark" in missing

    try:
        run(session)
    finally:
        sdk.close()


def test_a_judge_is_validated_against_the_crowd(env: dict[str, str]) -> None:
    pairs = [[f"judged answer {i} one", f"judged answer {i} two"] for i in range(6)]

    async def session() -> None:
        async with stdio_session(env) as client:
            draft = await call(
                client,
                "create_comparison_task",
                name="judged",
                instruction="Which answer is better?",
                comparison_pairs=pairs,
                responses_per_datapoint=5,
                data_type="text",
            )
            job_id = draft["job_id"]
            assert "start_job" in await refused(client, "validate_judge", job_id=job_id, verdicts=["A"] * 6)
            await call(client, "start_job", job_id=job_id)
            await wait_until(client, job_id, "complete")
            results = await call(client, "get_job_results", job_id=job_id)
            crowd = [
                "A" if entry["aggregatedResults"][a] > entry["aggregatedResults"][b] else "B"
                for entry, (a, b) in zip(results["datapoints"], pairs, strict=True)
            ]
            faithful = await call(client, "validate_judge", job_id=job_id, verdicts=crowd)
            assert (faithful["items"], faithful["agreement"], faithful["kappa"]) == (6, 1.0, 1.0)
            first = await call(client, "validate_judge", job_id=job_id, verdicts=["A"] * 6)
            assert first["position_bias"] == 1.0  # it always picks the answer shown first
            assert first["agreement"] == crowd.count("A") / 6
            message = await refused(client, "validate_judge", job_id=job_id, verdicts=["A"])
            assert "verdicts: 1 given, the task has 6 datapoints" in message
            assert "verdicts" in await refused(client, "validate_judge", job_id=job_id, verdicts=["C"] * 6)

    run(session)
