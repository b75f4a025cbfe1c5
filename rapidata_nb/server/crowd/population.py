"""The simulated population: seeded labelers and the seeded audiences (DESIGN §7).

Everything is a pure function of ``(seed, size)``: labeler ``lab_0042`` has the same profile, skill and scores
on every machine, which is what makes tutorial outputs reproducible. Skill is drawn from ``Beta(4, 3)``; the
``userScores.global`` reported in results is the chance-corrected posterior mean of that skill after a
simulated history of binary qualification answers (``engine.scores.user_score``), so it spreads roughly
0.3–0.85 like the scores in the SDK docs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapidata_nb.engine.scores import user_score
from rapidata_nb.server.labeling.content import stable_hash
from rapidata_nb.server.store.labeling import Audience, AudienceMember, Labeler, utcnow

__all__ = [
    "CURATED_AUDIENCES",
    "COUNTRIES",
    "GLOBAL_AUDIENCE_ID",
    "labeler_profiles",
    "seed_population",
]

GLOBAL_AUDIENCE_ID = "global"

# (country, language, weight). Weights roughly follow where crowd work comes from.
COUNTRIES: tuple[tuple[str, str, float], ...] = (
    ("US", "en", 12),
    ("IN", "en", 9),
    ("PH", "en", 6),
    ("GB", "en", 5),
    ("DE", "de", 5),
    ("BR", "pt", 5),
    ("ID", "id", 4),
    ("NG", "en", 4),
    ("KE", "en", 3),
    ("MX", "es", 4),
    ("FR", "fr", 4),
    ("ES", "es", 3),
    ("IT", "it", 3),
    ("PT", "pt", 2),
    ("RS", "sr", 2),
    ("PL", "pl", 3),
    ("TR", "tr", 3),
    ("VN", "vi", 3),
    ("EG", "ar", 2),
    ("PK", "ur", 3),
    ("BD", "bn", 2),
    ("JP", "ja", 2),
    ("KR", "ko", 2),
    ("CA", "en", 3),
    ("AU", "en", 2),
    ("SG", "en", 1),
    ("ZA", "en", 2),
    ("AR", "es", 2),
    ("CO", "es", 2),
    ("UA", "uk", 2),
    ("NL", "nl", 1),
    ("SE", "sv", 1),
    ("CH", "de", 1),
)
AGE_GROUPS = (
    ("18-29", 0.38),
    ("30-39", 0.28),
    ("40-49", 0.17),
    ("50-64", 0.12),
    ("65+", 0.03),
    ("0-17", 0.02),
)
GENDERS = (("Male", 0.52), ("Female", 0.46), ("Other", 0.02))
DEVICES = (("Phone", 0.72), ("Tablet", 0.18), ("Unknown", 0.10))
OCCUPATIONS = (
    "Student",
    "Healthcare",
    "Education",
    "Engineering",
    "Information Technology",
    "Retail",
    "Finance",
    "Arts & Design",
    "Self-employed",
    "Manufacturing",
    "Hospitality",
    "Unemployed",
    "Retired",
    "Other",
)
# Curated pools (DESIGN §5): (id, name, size share, skill weight). Membership ranks labelers by
# skill + a per-audience hash jitter, so the pools are stronger than global but not identical.
CURATED_AUDIENCES: tuple[tuple[str, str, float], ...] = (
    ("aud_MU1GZYoESyO", "Alignment", 0.35),
    ("aud_mr3NbeWa4Uo", "Coherence", 0.35),
)
_HISTORY = 30
"""Simulated qualification answers behind the global score (binary tasks, chance 1/2)."""
_PRIOR = (2.0, 2.0)


@dataclass(frozen=True)
class Profile:
    """A simulated labeler before it is stored."""

    id: str
    country: str
    language: str
    age: str
    gender: str
    occupation: str
    device: str
    skill: float
    speed: float
    position_bias: float
    taste: float
    global_score: float


def _choice(rng: np.random.Generator, table: tuple[tuple[str, float], ...]) -> str:
    weights = np.array([w for _, w in table], dtype=float)
    return table[int(rng.choice(len(table), p=weights / weights.sum()))][0]


def _country_taste(seed: int, country: str) -> float:
    """A country's shared taste in [-1, 1] (shifts subjective preferences, DESIGN §7)."""
    return float(np.tanh(np.random.default_rng(stable_hash(seed, "taste", country)).normal(0.0, 0.8)))


def labeler_profiles(*, seed: int, size: int) -> list[Profile]:
    """The ``size`` simulated labelers of population ``seed`` (pure function)."""
    rng = np.random.default_rng(stable_hash(seed, "population"))
    countries = np.array([w for _, _, w in COUNTRIES], dtype=float)
    profiles = []
    for i in range(size):
        country, language, _ = COUNTRIES[int(rng.choice(len(COUNTRIES), p=countries / countries.sum()))]
        skill = float(np.clip(rng.beta(4.0, 3.0), 0.02, 0.98))
        history = rng.random(_HISTORY) < 0.5 + 0.5 * skill
        score = user_score(history, np.full(_HISTORY, 0.5), prior=_PRIOR)
        profiles.append(
            Profile(
                id=f"lab_{i:04d}",
                country=country,
                language=language,
                age=_choice(rng, AGE_GROUPS),
                gender=_choice(rng, GENDERS),
                occupation=OCCUPATIONS[int(rng.integers(len(OCCUPATIONS)))],
                device=_choice(rng, DEVICES),
                skill=round(skill, 4),
                speed=round(float(rng.lognormal(0.0, 0.3)), 4),
                position_bias=round(float(np.clip(rng.normal(0.0, 0.03), -0.1, 0.1)), 4),
                taste=round(float(np.clip(_country_taste(seed, country) + rng.normal(0, 0.2), -1, 1)), 4),
                global_score=round(float(score), 4),
            )
        )
    return profiles


def _curated_members(profiles: list[Profile], *, seed: int, audience_id: str, share: float) -> list[Profile]:
    """The strongest ``share`` of the population by skill plus an audience-specific jitter."""

    def rank(p: Profile) -> float:
        jitter = np.random.default_rng(stable_hash(seed, audience_id, p.id)).normal(0.0, 0.08)
        return p.skill + float(jitter)

    ordered = sorted(profiles, key=lambda p: (-rank(p), p.id))
    return ordered[: max(1, int(round(share * len(profiles))))]


def _curated_score(p: Profile, *, seed: int, audience_id: str) -> float:
    """A curated member's score: the global evidence plus a simulated audience-specific history."""
    rng = np.random.default_rng(stable_hash(seed, "curated-history", audience_id, p.id))
    history = rng.random(_HISTORY) < 0.5 + 0.5 * p.skill
    k = 8.0  # the global score counts as k pseudo-answers of prior evidence
    prior = (1.0 + k * p.global_score, 1.0 + k * (1.0 - p.global_score))
    return round(float(user_score(history, np.full(_HISTORY, 0.5), prior=prior)), 4)


def seed_population(*, session: Session, seed: int, size: int) -> None:
    """Insert the simulated labelers and the seeded audiences that are missing (idempotent).

    Args:
        session: Open session (the caller commits).
        seed: ``settings.crowd_seed``.
        size: ``settings.crowd_size``.
    """
    existing = set(session.scalars(select(Labeler.id).where(Labeler.kind == "sim")))
    seeded = session.scalar(
        select(func.count(func.distinct(AudienceMember.audience_id))).where(
            AudienceMember.audience_id.in_([a for a, _, _ in CURATED_AUDIENCES])
        )
    )
    if (
        len(existing) >= size
        and seeded == len(CURATED_AUDIENCES)
        and session.get(Audience, GLOBAL_AUDIENCE_ID) is not None
    ):
        return  # already seeded: a restart costs one query, not 600 profiles
    profiles = labeler_profiles(seed=seed, size=size)
    for p in profiles:
        if p.id not in existing:
            session.add(Labeler(kind="sim", name=None, **p.__dict__))
    if session.get(Audience, GLOBAL_AUDIENCE_ID) is None:
        session.add(
            Audience(
                id=GLOBAL_AUDIENCE_ID,
                owner_id=None,
                name="Global",
                kind="global",
                filters=[],
                status="Ready",
                is_public=True,
                recruiting_done=True,
                created_at=utcnow(),
            )
        )
    session.flush()
    for audience_id, name, share in CURATED_AUDIENCES:
        if session.get(Audience, audience_id) is None:
            session.add(
                Audience(
                    id=audience_id,
                    owner_id=None,
                    name=name,
                    kind="curated",
                    filters=[],
                    status="Ready",
                    is_public=True,
                    recruiting_done=True,
                    created_at=utcnow(),
                )
            )
            session.flush()
        have = session.scalar(
            select(func.count()).select_from(AudienceMember).where(AudienceMember.audience_id == audience_id)
        )
        if have:
            continue
        for p in _curated_members(profiles, seed=seed, audience_id=audience_id, share=share):
            session.add(
                AudienceMember(
                    audience_id=audience_id,
                    labeler_id=p.id,
                    state="Graduated",
                    user_score=_curated_score(p, seed=seed, audience_id=audience_id),
                    answered=_HISTORY,
                    correct=0,
                )
            )
    session.flush()
