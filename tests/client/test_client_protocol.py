"""The client speaks the wire through the api models only (issue 17): no hand-built ``_t`` tags."""

from __future__ import annotations

from pathlib import Path

CLIENT = Path(__file__).resolve().parents[2] / "rapidata_nb" / "client"


def test_no_client_module_spells_a_type_tag() -> None:
    # Tags are built by the api models (a tagged model dumps its own `_t`) and read with isinstance,
    # rapidata_nb.api.models.variant or the vocabulary; the client never writes the key itself.
    spelled = [
        f"{path.relative_to(CLIENT)}:{number}"
        for path in sorted(CLIENT.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if '"_t"' in line or "'_t'" in line
    ]
    assert spelled == []
