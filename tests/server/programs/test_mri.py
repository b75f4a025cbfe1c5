"""MRI over real HTTP: wire shapes, validation with nothing stored, and the official SDK's MRI workflow."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.utils.server import wait_for

PROMPTS = ["A serene mountain landscape at sunset", "A futuristic city with flying cars"]


def text_prompt(identifier: str, text: str | None = None, tags: list[str] | None = None) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "segments": [{"key": "prompt", "kind": "Text", "text": text or identifier}],
        "tags": [{"value": t} for t in tags or []],
    }


@pytest.fixture(scope="module")
def benchmark_id(api: httpx.Client) -> str:
    bid = api.post("/benchmark", json={"name": "wire benchmark"}).json()["id"]
    for i, p in enumerate(PROMPTS):
        assert api.post(f"/benchmark/{bid}/prompt", json=text_prompt(p, tags=[f"t{i}"])).status_code == 200
    return str(bid)


def add_participant(api: httpx.Client, benchmark_id: str, name: str, shade: int) -> str:
    pid = api.post(f"/benchmark/{benchmark_id}/participants", json={"name": name}).json()["participantId"]
    for i, p in enumerate(PROMPTS):
        file_name = api.post("/asset/url", params={"url": f"https://example.com/{name}/{i}.png"}).json()[
            "fileName"
        ]
        body = {"identifier": p, "asset": {"_t": "ExistingAssetInput", "name": file_name}}
        assert api.post(f"/participant/{pid}/sample", json=body).status_code == 200
    return str(pid)


def test_prompts_shape(api: httpx.Client, benchmark_id: str) -> None:
    page = api.get(f"/benchmark/{benchmark_id}/prompts", params={"page": 1, "page_size": 100}).json()
    assert page["totalPages"] == 1 and page["total"] == 2
    first = page["items"][0]
    assert (first["identifier"], first["originalPrompt"], first["englishPrompt"]) == (
        PROMPTS[0],
        PROMPTS[0],
        PROMPTS[0],
    )
    assert first["tags"] == [{"value": "t0", "category": None}]
    assert first["segments"][0]["kind"] == "Text"


def test_evaluation_creates_compare_jobs_on_the_audience(api: httpx.Client, benchmark_id: str) -> None:
    created = api.post(
        "/leaderboard",
        json={
            "benchmarkId": benchmark_id,
            "name": "Realism",
            "instruction": "Which image is more realistic?",
            "showPrompt": True,
            "responseBudget": 12,
            "minResponses": 3,
            "audienceId": "aud_MU1GZYoESyO",
        },
    )
    assert created.status_code == 200, created.text
    lb = created.json()
    assert (
        lb["benchmarkId"],
        lb["responseBudget"],
        lb["minResponses"],
        lb["isInversed"],
        lb["voteAggregation"],
    ) == (benchmark_id, 12, 3, False, "MajorityVote")
    a, b = add_participant(api, benchmark_id, "alpha", 1), add_participant(api, benchmark_id, "beta", 2)
    submitted = api.post("/participants/submit", json={"participantIds": [a, b]}).json()
    assert submitted == {"validDatapoints": 4, "invalidDatapoints": 0, "minAssetsPerPromptWarning": None}
    runs = api.get(f"/leaderboard/{lb['id']}/runs").json()["items"]
    assert len(runs) == 1 and runs[0]["audienceId"] == "aud_MU1GZYoESyO"
    job = api.get(f"/job/{runs[0]['jobId']}").json()
    assert job["audienceId"] == "aud_MU1GZYoESyO"
    wait_for(
        lambda: api.get(f"/job/{runs[0]['jobId']}").json()["state"] == "Completed",
        timeout=120,
        message="evaluation job",
    )
    standings = api.get(f"/leaderboard/{lb['id']}/standings/query").json()
    assert {s["name"] for s in standings["items"]} == {"alpha", "beta"}
    assert [s["totalMatches"] for s in standings["items"]] == [2, 2]  # one matchup per prompt
    assert standings["totalResponses"] == 6
    assert [s["responseCount"] for s in standings["items"]] == [6, 6]  # every vote involves both
    intervals = [s["confidenceInterval"] for s in standings["items"]]
    assert all(ci["lowerOffset"] + ci["upperOffset"] >= 0 for ci in intervals)  # 95 % bootstrap interval
    # A third participant is matched against both existing ones only.
    c = add_participant(api, benchmark_id, "gamma", 3)
    api.post("/participants/submit", json={"participantIds": [c]})
    runs = api.get(f"/leaderboard/{lb['id']}/runs").json()["items"]
    assert len(runs) == 2
    wait_for(
        lambda: api.get(f"/job/{runs[1]['jobId']}").json()["state"] == "Completed",
        timeout=120,
        message="second evaluation job",
    )
    matches = {
        s["name"]: s["totalMatches"]
        for s in api.get(f"/leaderboard/{lb['id']}/standings/query").json()["items"]
    }
    assert matches == {"alpha": 4, "beta": 4, "gamma": 4}
    filtered = api.get(f"/leaderboard/{lb['id']}/standings/query", params=[("tags", "t0")]).json()
    assert {s["name"]: s["totalMatches"] for s in filtered["items"]} == {"alpha": 2, "beta": 2, "gamma": 2}
    matrix = api.get(f"/leaderboard/{lb['id']}/matrix/query").json()
    assert sum(map(sum, matrix["data"])) == 6


@pytest.mark.parametrize(
    ("path", "body", "status", "needle"),
    [
        ("/benchmark/{bid}/prompt", text_prompt(PROMPTS[0]), 409, "already exists"),
        ("/leaderboard", {"benchmarkId": "bm_missing", "name": "x", "instruction": "y"}, 404, "Benchmark"),
        (
            "/leaderboard",
            {"benchmarkId": "{bid}", "name": "x", "instruction": "y", "audienceId": "aud_x"},
            404,
            "audienceId",
        ),
        (
            "/leaderboard",
            {"benchmarkId": "{bid}", "name": "x", "instruction": "y", "responseBudget": 0},
            400,
            "responseBudget",
        ),
    ],
)
def test_bad_input_is_rejected(
    api: httpx.Client, benchmark_id: str, path: str, body: dict[str, Any], status: int, needle: str
) -> None:
    before = len(api.get(f"/benchmark/{benchmark_id}/leaderboards").json()["items"])
    body = json.loads(json.dumps(body).replace("{bid}", benchmark_id))
    response = api.post(path.replace("{bid}", benchmark_id), json=body)
    assert response.status_code == status, response.text
    assert needle in response.json()["message"]
    assert len(api.get(f"/benchmark/{benchmark_id}/leaderboards").json()["items"]) == before


def test_unknown_identifier_and_empty_submit(api: httpx.Client, benchmark_id: str) -> None:
    pid = api.post(f"/benchmark/{benchmark_id}/participants", json={"name": "empty"}).json()["participantId"]
    name = api.post("/asset/url", params={"url": "https://example.com/x.png"}).json()["fileName"]
    bad = api.post(
        f"/participant/{pid}/sample",
        json={"identifier": "nope", "asset": {"_t": "ExistingAssetInput", "name": name}},
    )
    assert bad.status_code == 400 and "nope" in bad.json()["message"]
    empty = api.post("/participants/submit", json={"participantIds": [pid]})
    assert empty.status_code == 400 and "no media" in empty.json()["message"]
    assert api.get(f"/participant/{pid}/samples").json()["total"] == 0
    assert api.post("/participants/submit", json={"participantIds": ["pt_missing"]}).status_code == 404


OFFICIAL_MRI = textwrap.dedent("""
    import json
    from rapidata import RapidataClient
    client = RapidataClient()
    benchmark = client.mri.create_new_benchmark(name="AI Art Competition", prompts=PROMPTS)
    leaderboard = benchmark.create_leaderboard(name="Realism", instruction="Which image is more realistic?",
                                               show_prompt=False, level_of_detail=30)
    for k, name in enumerate(["m1", "m2", "m3"]):
        benchmark.evaluate_model(name=name, media=[f"https://example.com/sdk/{name}/{i}.png"
                                                   for i in range(len(PROMPTS))], prompts=PROMPTS)
    again = client.mri.get_benchmark_by_id(benchmark.id)
    print("RESULT " + json.dumps({
        "leaderboard": leaderboard.id, "prompts": again.prompts, "english": again.english_prompts,
        "participants": sorted((p.name, str(p.status)) for p in again.participants),
        "leaderboards": [lb.id for lb in again.leaderboards],
        "found": [b.id for b in client.mri.find_benchmarks(name="Art")],
    }))
""")

OFFICIAL_STANDINGS = textwrap.dedent("""
    import json
    from rapidata import BenchmarkDemographicDimension, Gender, RapidataClient
    client = RapidataClient()
    benchmark = client.mri.get_benchmark_by_id(BENCHMARK)
    leaderboard = benchmark.leaderboards[0]
    standings = leaderboard.get_standings()
    matrix = leaderboard.get_win_loss_matrix()
    people = benchmark.get_demographics()
    breakdown = benchmark.get_standings_breakdown(BenchmarkDemographicDimension.GENDER)
    women = benchmark.get_overall_standings(gender=[Gender.FEMALE])
    nobody = leaderboard.get_standings(country=["ZZ"])
    print("RESULT " + json.dumps({
        "columns": list(standings.columns), "names": sorted(standings["name"]),
        "matches": standings["total_matches"].tolist(), "matrix_total": float(matrix.to_numpy().sum()),
        "elo": benchmark.participants[0].get_elo(),
        "benchmark_matrix_total": float(benchmark.get_win_loss_matrix().to_numpy().sum()),
        "dimensions": sorted(set(people["dimension"])),
        "gender_votes": int(people[people["dimension"] == "Gender"]["votes"].sum()),
        "segments": int(breakdown.groupby("segment")["segment_votes"].first().sum()),
        "women_matches": float(women["total_matches"].sum()),
        "female_segment_matches": float(breakdown[breakdown["segment"] == "Female"]["total_matches"].sum()),
        "nobody_matches": float(nobody["total_matches"].sum()),
    }))
""")


def run_script(source: str, env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    script = tmp_path / "official_script.py"
    script.write_text(source)
    proc = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}"
    return dict(json.loads(line.removeprefix("RESULT ")))


@pytest.mark.sdk
def test_official_sdk_runs_an_mri_study(tls_server: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    out = run_script(f"PROMPTS = {PROMPTS!r}\n" + OFFICIAL_MRI, tls_server, tmp_path)
    # The official SDK uploads prompts from a thread pool, so they are registered (and listed) in any order.
    assert sorted(out["prompts"]) == sorted(PROMPTS) and out["english"] == out["prompts"]
    assert [name for name, _ in out["participants"]] == ["m1", "m2", "m3"]
    assert all(status.lower().endswith("submitted") for _, status in out["participants"])
    assert out["leaderboards"] == [out["leaderboard"]]
    benchmark = out["found"][0]
    # Evaluation jobs run on the server: wait (over plain HTTPS) until every matchup has its votes.
    port = tls_server["RAPIDATA_ENVIRONMENT"].rsplit(":", 1)[1]
    base = f"https://localhost:{port}"
    verify = ssl.create_default_context(cafile=tls_server["SSL_CERT_FILE"])
    token = httpx.post(
        f"{base}/connect/token",
        data={"grant_type": "client_credentials"},
        verify=verify,
        auth=(tls_server["RAPIDATA_CLIENT_ID"], tls_server["RAPIDATA_CLIENT_SECRET"]),
    ).json()
    with httpx.Client(
        base_url=base, verify=verify, headers={"Authorization": f"Bearer {token['access_token']}"}
    ) as https:
        wait_for(
            lambda: (
                sum(map(sum, https.get(f"/leaderboard/{out['leaderboard']}/matrix/query").json()["data"]))
                == 6
            ),
            timeout=120,
            message="all matchups decided",
        )
    result = run_script(f"BENCHMARK = {benchmark!r}\n" + OFFICIAL_STANDINGS, tls_server, tmp_path)
    assert result["matrix_total"] == 6
    assert result["columns"] == ["name", "wins", "total_matches", "score"]
    assert result["names"] == ["m1", "m2", "m3"]
    assert result["matches"] == [4, 4, 4]
    assert isinstance(result["elo"], float)
    # MRI demographics through the official SDK (its filters arrive as ``name[in]=``)
    assert result["benchmark_matrix_total"] == 6
    assert result["dimensions"] == ["AgeBucket", "Country", "Gender", "Language", "Occupation"]
    assert result["gender_votes"] == result["segments"] > 0
    assert result["women_matches"] == result["female_segment_matches"]
    assert result["nobody_matches"] == 0


REPLAY_PROMPTS = [*PROMPTS, "A portrait of a wise old wizard"]


def small_mri_study(api: httpx.Client) -> dict[str, Any]:
    """Four models on three prompts, submitted one at a time as ``evaluate_model`` does; standings, matrix."""
    bid = api.post("/benchmark", json={"name": "replay"}).json()["id"]
    for p in REPLAY_PROMPTS:
        assert api.post(f"/benchmark/{bid}/prompt", json=text_prompt(p)).status_code == 200
    lb = api.post(
        "/leaderboard", json={"benchmarkId": bid, "name": "Realism", "instruction": "Realistic?"}
    ).json()
    for name in ["aurora", "comet", "nova", "pulsar"]:
        pid = api.post(f"/benchmark/{bid}/participants", json={"name": name}).json()["participantId"]
        for i, p in enumerate(REPLAY_PROMPTS):
            url = f"https://example.com/replay/{name}/{i}.png"
            file_name = api.post("/asset/url", params={"url": url}).json()["fileName"]
            body = {"identifier": p, "asset": {"_t": "ExistingAssetInput", "name": file_name}}
            assert api.post(f"/participant/{pid}/sample", json=body).status_code == 200
        assert api.post("/participants/submit", json={"participantIds": [pid]}).status_code == 200
    runs = api.get(f"/leaderboard/{lb['id']}/runs").json()["items"]
    assert len(runs) == 3
    for run in runs:
        wait_for(
            lambda run=run: api.get(f"/job/{run['jobId']}").json()["state"] == "Completed",
            timeout=120,
            message="evaluation job",
        )
    standings = api.get(f"/leaderboard/{lb['id']}/standings/query").json()
    for row in standings["items"]:
        del row["id"]  # ids are random per server
    return {"standings": standings, "matrix": api.get(f"/leaderboard/{lb['id']}/matrix/query").json()}


def test_the_same_program_gives_the_same_standings(live_server_factory: Any) -> None:
    """DESIGN §7: with the simulated crowd on one server, a rerun of a program reproduces its standings.

    Ids differ between servers, so nothing deciding the matchups or the crowd's answers may depend on them.
    """
    outcomes = []
    for _ in range(2):
        with live_server_factory().client() as api:
            outcomes.append(small_mri_study(api))
    first, second = outcomes
    assert sum(map(sum, first["matrix"]["data"])) == 18  # every pair once per prompt
    assert first == second
