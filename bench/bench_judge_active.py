"""Send people where they matter: an uncertainty-weighted human sample against a uniform one (issue 16).

A crowd whose items differ in difficulty: most pairs are easy (nearly every person prefers the same side),
some are toss-ups. The judge labels every item with a probability of A that tracks the people's preference
(with noise), so it is sure on easy pairs and unsure on toss-ups. People label an expected ``n`` items,
drawn either uniformly (``π = n/N``) or with ``π ∝ judge uncertainty`` (10 % of the budget kept uniform);
both estimates are the inverse-probability-weighted PPI++ mean of ``engine.active`` with its design-based
interval for the mean over these items, so the only difference is where the people go. Standard PPI++ on a
simple random sample of ``n`` items is printed for reference (its interval is for the superpopulation mean,
hence wider and over-covering the items' value).

Target: the active sample's 90 % interval is at least 20 % narrower than the uniform one; coverage of the
items' human value is printed beside it.

Usage: ``python bench/bench_judge_active.py [--seeds 500] [--items 4000] [--budget 300]``
"""

from __future__ import annotations

import argparse

import numpy as np
from _common import header, verdict

from rapidata_nb.engine import (
    inclusion_probabilities,
    judge_uncertainty,
    poisson_sample,
    ppi_mean,
    ppi_mean_sampled,
)


def population(n_items: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Human share for A (5 votes per item) and the judge's probability of A."""
    rng = np.random.default_rng(seed)
    hard = rng.random(n_items) < 0.3
    p = np.where(hard, rng.uniform(0.35, 0.65, n_items), rng.choice([0.01, 0.99], n_items))
    y = (rng.random((n_items, 5)) < p[:, None]).mean(axis=1)
    logit = np.log(p / (1 - p))
    judge = 1.0 / (1.0 + np.exp(-(0.9 * logit + rng.normal(0.0, 0.4, n_items))))
    return y, judge


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--budget", type=int, default=300)
    args = parser.parse_args()
    header(
        f"active human sample vs uniform: {args.items} items, {args.budget} human items, {args.seeds} seeds"
    )
    y, judge = population(args.items, seed=0)
    target = float(y.mean())
    uniform = np.full(args.items, args.budget / args.items)
    active = inclusion_probabilities(judge_uncertainty(judge), args.budget, floor=0.1)
    widths: dict[str, list[float]] = {"uniform": [], "active": [], "srs ppi++": []}
    covered: dict[str, list[bool]] = {name: [] for name in widths}
    rng = np.random.default_rng(1)
    for seed in range(args.seeds):
        for name, pi in (("uniform", uniform), ("active", active)):
            sampled = poisson_sample(pi, random_state=(seed, name == "active"))
            est = ppi_mean_sampled(np.where(sampled, y, np.nan), judge, sampled, pi, ci=0.9).ppi
            widths[name].append(est.upper - est.lower)
            covered[name].append(est.covers(target))
        human = np.zeros(args.items, dtype=bool)
        human[rng.choice(args.items, args.budget, replace=False)] = True
        est = ppi_mean(y[human], judge[human], judge[~human], ci=0.9, cross_fit=False).ppi
        widths["srs ppi++"].append(est.upper - est.lower)
        covered["srs ppi++"].append(est.covers(target))
    print(f"population human value {target:.4f}; judge mean {judge.mean():.4f}")
    print(f"{'design':<12} {'mean width':>11} {'coverage':>9}")
    for name in widths:
        print(f"{name:<12} {np.mean(widths[name]):>11.4f} {np.mean(covered[name]):>9.3f}")
    gain = 1.0 - np.mean(widths["active"]) / np.mean(widths["uniform"])
    print(f"active is {100 * gain:.1f}% narrower than uniform (target >= 20%): {verdict(gain >= 0.2)}")


if __name__ == "__main__":
    main()
