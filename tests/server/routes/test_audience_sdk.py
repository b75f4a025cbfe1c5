"""The official SDK's custom-audience and early-stopping examples run unchanged against our server.

They exercise what the SDK reads while waiting: an audience assigned a job starts recruiting by itself,
reports ``Recruiting`` while labelers qualify, and a single qualification example is enough (DESIGN §6).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.utils.official_sdk import SEEDS, run_official

pytestmark = [pytest.mark.sdk, pytest.mark.slow]


@pytest.mark.parametrize(
    ("seed", "kind"),
    [
        ("17_early_stopping_confidence.py", "Classification"),
        ("18_early_stopping_quorum.py", "Classification"),
        ("10_audiences_complete_example.py", "Compare"),
    ],
)
def test_custom_audience_examples_unchanged(
    tls_server: dict[str, str],  # noqa: F811 - the imported fixture
    tmp_path: Path,
    seed: str,
    kind: str,
) -> None:
    outcome = run_official(SEEDS / seed, tls_server, tmp_path)
    assert outcome["type"] == kind
    assert outcome["n_results"] >= 1
