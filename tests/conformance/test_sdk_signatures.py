"""Our public surface against the installed official SDK (``rapidata==3.27.1``), by ``inspect.signature``.

``tests/utils/sdk_surface.py`` enumerates the SDK's public names, classes, constructors, methods, properties
and enum members, and compares each with ours. Every mismatch must stand in ``DIFFERENCES`` with its reason;
the list is exact: an entry that no longer mismatches fails too. Keyword-only parameters of ours that the SDK
lacks keep every SDK call valid, so they are no mismatch; ``ADDITIONS`` names ours with the reason.
"""

from __future__ import annotations

import inspect

import pytest

from tests.utils.sdk_surface import compare_surfaces, official_surface

pytest.importorskip("rapidata")

DIFFERENCES: dict[str, str] = {}
"""Deliberate differences from the official SDK, with the reason (none so far)."""

ADDITIONS: dict[str, str] = {
    "RapidataAudienceManager.create_audience(qualification_feedback)": (
        "what candidates learn of their qualification answers: Rapidata grades each example for its "
        "own crowd, but anyone with a team server's labeling link can make throwaway labelers, so ours "
        "tells pass or fail only once the audience decides unless the owner chooses (docs/team-server.md)"
    ),
}
"""Keyword-only parameters the SDK lacks, as ``Class.method(parameter)`` of a top-level class: why."""


@pytest.fixture(scope="module")
def mismatches() -> dict[str, str]:
    surface = official_surface()
    assert len(surface) > 400, "the official SDK's surface was not enumerated"
    found: dict[str, str] = {}
    for m in compare_surfaces(surface):
        found[m.name] = f"{m.problem}: {m.detail}".strip()  # a name may mismatch twice (class, top-level)
    return found


def test_every_official_name_exists_with_its_parameters(mismatches: dict[str, str]) -> None:
    unexplained = {name: why for name, why in mismatches.items() if name not in DIFFERENCES}
    assert not unexplained, "\n".join(f"{name}  {why}" for name, why in sorted(unexplained.items()))


def test_the_list_of_differences_is_not_stale(mismatches: dict[str, str]) -> None:
    closed = sorted(name for name in DIFFERENCES if name not in mismatches)
    assert not closed, f"these now match the official SDK; remove them from DIFFERENCES: {closed}"


@pytest.mark.parametrize("addition", sorted(ADDITIONS))
def test_our_additions_are_keyword_only_and_absent_from_the_sdk(addition: str) -> None:
    import rapidata

    import rapidata_nb

    qualname, _, parameter = addition.rstrip(")").partition("(")
    cls_name, method = qualname.split(".")
    official = inspect.signature(getattr(getattr(rapidata, cls_name), method)).parameters
    ours = inspect.signature(getattr(getattr(rapidata_nb, cls_name), method)).parameters
    assert parameter not in official
    assert ours[parameter].kind is inspect.Parameter.KEYWORD_ONLY and ours[parameter].default is None
