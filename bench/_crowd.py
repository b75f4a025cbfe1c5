"""Seeded synthetic crowds for the benchmarks (the chance-corrected model of DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Crowd", "comparisons", "make_crowd"]


@dataclass(frozen=True)
class Crowd:
    """Flat response arrays plus the latent truth they were drawn from."""

    truth: np.ndarray  # [n_tasks] true category
    skill: np.ndarray  # [n_labelers] chance-corrected skill s
    task: np.ndarray  # [n_responses]
    labeler: np.ndarray  # [n_responses]
    choice: np.ndarray  # [n_responses]
    n_tasks: int
    n_labelers: int
    n_choices: int


def make_crowd(
    n_tasks: int = 100_000,
    per_task: int = 10,
    n_labelers: int = 5_000,
    n_choices: int = 3,
    skill_range: tuple[float, float] = (0.2, 0.9),
    seed: int = 0,
) -> Crowd:
    """Each task gets ``per_task`` distinct labelers; a labeler with skill s is right w.p. 1/K + (1-1/K)s."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_choices, n_tasks)
    skill = rng.uniform(*skill_range, n_labelers)
    task = np.repeat(np.arange(n_tasks), per_task)
    start = rng.integers(0, n_labelers, n_tasks)
    labeler = ((start[:, None] + 7 * np.arange(per_task)[None, :]) % n_labelers).ravel()
    right = rng.random(task.size) < 1 / n_choices + (1 - 1 / n_choices) * skill[labeler]
    wrong = (truth[task] + rng.integers(1, n_choices, task.size)) % n_choices
    choice = np.where(right, truth[task], wrong)
    return Crowd(truth, skill, task, labeler, choice, n_tasks, n_labelers, n_choices)


def comparisons(
    n_items: int, n_comparisons: int, seed: int = 0, spread: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random pairs with Bradley–Terry outcomes; returns (winners, losers, true log-strengths)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, spread, n_items)
    a = rng.integers(0, n_items, n_comparisons)
    b = (a + rng.integers(1, n_items, n_comparisons)) % n_items
    a_wins = rng.random(n_comparisons) < 1.0 / (1.0 + np.exp(theta[b] - theta[a]))
    return np.where(a_wins, a, b), np.where(a_wins, b, a), theta
