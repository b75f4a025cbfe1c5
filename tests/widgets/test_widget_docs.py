"""Run the ```python examples of docs/widgets.md in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "widgets.md"


def test_docs_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    assert namespace["heatmap"].names == ["flux", "sdxl", "dalle"]  # type: ignore[attr-defined]
    assert namespace["gallery"].matches == [0]  # type: ignore[attr-defined]
    assert [m["id"] for m in namespace["from_battles"].matchups] == ["prompt 1", "prompt 2", "prompt 3"]  # type: ignore[attr-defined]
    assert namespace["preview"].task["names"] in (["Midjourney", "Flux"], ["Flux", "Midjourney"])  # type: ignore[attr-defined]
