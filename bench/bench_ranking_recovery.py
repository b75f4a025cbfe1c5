"""How well a small ranking recovers the simulated crowd's latent order, end to end (issue 5).

Seed example 34 ranks 12 images with 50 single-vote comparisons (``random_comparisons_ratio=0.5``). One run
is one draw: 12 items give only 66 pairs, so Kendall's τ of a single ranking spreads by about ±0.15. This
script runs the same job ``--rankings`` times on fresh image sets through the whole stack — our client, the
embedded server, its online pair maker and the simulated crowd (pace 0) — and reports the distribution of τ
against each asset's latent quality (``crowd.truth.asset_quality``), plus how often a single vote agrees
with the latent order.

Usage::

    .venv/bin/python bench/bench_ranking_recovery.py [--rankings 100] [--no-record]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (pins BLAS threads before numpy)
import numpy as np
from _common import header
from scipy.stats import kendalltau

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Ranking recovery (seed example 34's shape)"
ITEMS, BUDGET, RANDOM_RATIO, TARGET = 12, 50, 0.5, 0.6


def image_sets(n: int) -> list[list[str]]:
    """``n`` disjoint sets of 12 URL datapoints (kept by reference: never fetched)."""
    base = "https://assets.rapidata.ai/bench"
    return [[f"{base}-{k:04d}-{i:02d}.webp" for i in range(ITEMS)] for k in range(n)]


def run(n_rankings: int) -> tuple[np.ndarray, float, float]:
    """``(τ per ranking, vote agreement with the latent order, wall seconds)``."""
    from rapidata_nb import RapidataClient, rapidata_config
    from rapidata_nb.server.crowd.truth import asset_quality
    from rapidata_nb.server.settings import ServerSettings

    rapidata_config.logging.silent_mode = True  # no bars or links for 100s of jobs
    seed = ServerSettings().crowd_seed
    client = RapidataClient()
    audience = client.audience.get_audience_by_id("global")
    start = time.perf_counter()
    jobs = []
    for k, urls in enumerate(image_sets(n_rankings)):
        definition = client.job.create_ranking_job_definition(
            name=f"recovery {k}",
            instruction="Which rabbit looks cooler?",
            datapoints=[urls],
            comparison_budget_per_ranking=BUDGET,
            random_comparisons_ratio=RANDOM_RATIO,
        )
        jobs.append(audience.assign_job(definition))
    taus, agree, votes = [], 0, 0
    for job in jobs:
        result = job.get_results()["results"][0]
        quality = {name: asset_quality(seed, "url:" + url)[0] for name, url in result["assetUrls"].items()}
        names = list(result["scores"])
        taus.append(kendalltau([quality[n] for n in names], [result["scores"][n] for n in names]).statistic)
        for vote in result["detailedResults"]:
            a, b = vote["pair"]
            better = a if quality[a] >= quality[b] else b
            agree += vote["votedFor"] == better
            votes += 1
    return np.asarray(taus), agree / votes, time.perf_counter() - start


def report(taus: np.ndarray, agreement: float, seconds: float) -> str:
    se = taus.std(ddof=1) / np.sqrt(taus.size)
    lo, hi = np.percentile(taus, [10, 90])
    return "\n".join(
        [
            f"rankings {taus.size}: {ITEMS} items, {BUDGET} comparisons, random ratio {RANDOM_RATIO}, "
            f"1 response each ({seconds:.0f} s wall)",
            f"  Kendall τ vs latent order: mean {taus.mean():.3f} ± {se:.3f} (SE), "
            f"median {np.median(taus):.3f}, 10–90 % {lo:.3f}–{hi:.3f}",
            f"  share of rankings with τ ≥ {TARGET}: {np.mean(taus >= TARGET):.0%}",
            f"  single votes agreeing with the latent order: {agreement:.1%}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rankings", type=int, default=100)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["RAPIDATA_NB_HOME"] = home
        os.environ["RAPIDATA_NB_CROWD_PACE"] = "0"
        header("Ranking recovery: 12 items, 50 comparisons, embedded server + simulated crowd")
        text = report(*run(args.rankings))
    print(text)
    if not args.no_record:
        command = f".venv/bin/python bench/bench_ranking_recovery.py --rankings {args.rankings}"
        _record(f"{SECTION}\n\n`{command}`\n\n```\n{text}\n```\n")


def _record(block: str) -> None:
    """Replace this script's section of RESULTS.md (or append it)."""
    body = RESULTS.read_text()
    if SECTION in body:
        head, _, tail = body.partition(SECTION)
        rest = tail.split("\n## ", 1)
        body = head + block + ("\n## " + rest[1] if len(rest) > 1 else "")
    else:
        body = body.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(body)


if __name__ == "__main__":
    sys.exit(main())
