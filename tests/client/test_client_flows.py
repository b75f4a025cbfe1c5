"""Ranking flows through the client against a real server: results, matrix, TTL → Incomplete, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from rapidata_nb import RapidataClient
from rapidata_nb.client.flow import FlowItemResult
from rapidata_nb.server.crowd.truth import asset_quality

SEED = 7  # the live server's crowd seed


def spaced_urls(n: int, *, prefix: str, gap: float = 1.2) -> list[str]:
    """``n`` URLs whose latent qualities (crowd truth of ``url:<url>``) are ``gap`` apart, best first."""
    candidates = sorted(
        (asset_quality(SEED, f"url:{u}")[0], u)
        for u in (f"https://example.com/{prefix}/{i}.png" for i in range(400))
    )
    picked: list[tuple[float, str]] = []
    for q, u in reversed(candidates):
        if not picked or picked[-1][0] - q >= gap:
            picked.append((q, u))
        if len(picked) == n:
            break
    return [u for _, u in picked]


@pytest.fixture(scope="module")
def live(live_server: Any) -> RapidataClient:
    return RapidataClient(live_server.client_id, live_server.client_secret, environment=live_server.url)


def test_flow_item_ranks_in_latent_order(live: RapidataClient) -> None:
    urls = spaced_urls(4, prefix="flow")
    flow = live.flow.create_ranking_flow(
        name="Image Quality Ranking",
        instruction="Which image looks better?",
        max_response_threshold=120,
        min_response_threshold=60,
    )
    item = flow.create_new_flow_batch(
        datapoints=list(reversed(urls)), context="made by model X", time_to_live=600
    )
    results = item.get_results()
    assert isinstance(results, FlowItemResult)
    assert item.get_status() == "Completed"
    assert set(results.datapoints) == set(urls)
    ranked = sorted(results.datapoints, key=results.datapoints.__getitem__, reverse=True)
    assert ranked == urls
    assert results.total_votes == 120  # 6 pairs x 20 votes
    assert abs(sum(results.datapoints.values()) / 4 - 1200) <= 1  # Elo-like scale around 1200
    matrix = item.get_win_loss_matrix()
    assert list(matrix.index) == list(matrix.columns) and set(matrix.index) == set(urls)
    assert matrix.to_numpy().sum() == results.total_votes == item.get_response_count()
    assert matrix.loc[urls[0], urls[3]] > matrix.loc[urls[3], urls[0]]
    assert [i.id for i in flow.get_flow_items()] == [item.id]
    assert live.flow.get_flow_by_id(flow.id).name == "Image Quality Ranking"
    assert flow.id in [f.id for f in live.flow.find_flows(name="Quality")]


@pytest.mark.slow
def test_ttl_expiry_leaves_an_incomplete_item_with_partial_results(live: RapidataClient) -> None:
    urls = spaced_urls(3, prefix="ttl")
    # 5000 responses over 3 pairs cannot be reached by 600 labelers: the 10 s TTL (or the exhausted
    # audience, if the crowd is quicker) ends the item short of its minimum.
    flow = live.flow.create_ranking_flow(
        name="ttl", instruction="Which is better?", max_response_threshold=5000
    )
    item = flow.create_new_flow_batch(datapoints=urls, time_to_live=10)
    results = item.get_results()  # waits for the TTL to end the item
    assert item.get_status() == "Incomplete"
    assert 0 < results.total_votes < 5000
    assert set(results.datapoints) == set(urls)


def test_update_config_only_affects_new_items(live: RapidataClient, live_server: Any) -> None:
    urls = spaced_urls(2, prefix="cfg")
    flow = live.flow.create_ranking_flow(name="cfg", instruction="Which is nicer?", max_response_threshold=4)
    first = flow.create_new_flow_batch(datapoints=urls)
    flow.update_config(instruction="Which is sharper?", max_responses=6, starting_elo=1000)
    second = flow.create_new_flow_batch(datapoints=urls)
    assert first.get_results().total_votes == 4
    r2 = second.get_results()
    assert r2.total_votes == 6
    assert abs(sum(r2.datapoints.values()) / 2 - 1000) <= 1


def test_bad_input_raises_before_anything_is_stored(live: RapidataClient) -> None:
    flow = live.flow.create_ranking_flow(name="bad", instruction="Which?")
    with pytest.raises(ValueError, match="time_to_live"):
        flow.create_new_flow_batch(datapoints=spaced_urls(2, prefix="bad"), time_to_live=5)
    with pytest.raises(ValueError, match="at least 2"):
        flow.create_new_flow_batch(datapoints=["https://example.com/one.png"])
    with pytest.raises(ValueError, match="min_response_threshold"):
        live.flow.create_ranking_flow(
            name="bad", instruction="Which?", max_response_threshold=5, min_response_threshold=10
        )
    assert flow.get_flow_items() == []
    live.flow.preheat()
    flow.delete()
    assert flow.id not in [f.id for f in live.flow.find_flows(name="bad")]
