"""The committed bundles in rapidata_nb/widgets/static are exactly what widgets_js/build.mjs produces."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "widgets_js"
STATIC = ROOT / "rapidata_nb" / "widgets" / "static"
WIDGETS = ["task_preview", "job_progress", "winloss_matrix", "leaderboard", "results_gallery"]


def test_every_widget_has_a_committed_bundle_and_the_shared_stylesheet() -> None:
    from rapidata_nb import widgets

    assert (STATIC / "widgets.css").stat().st_size > 0
    for name in WIDGETS:
        assert (STATIC / f"{name}.js").stat().st_size > 0
        assert (JS / f"{name}.js").exists()
    classes = [widgets.TaskPreview, widgets.JobProgress, widgets.WinLossMatrix, widgets.Leaderboard,
               widgets.ResultsGallery]  # fmt: skip
    assert {str(cls._css) for cls in classes} == {(STATIC / "widgets.css").read_text()}


def test_bundles_import_nothing_at_runtime() -> None:
    for name in WIDGETS:
        source = (STATIC / f"{name}.js").read_text()
        assert not re.search(r"^\s*import\s", source, flags=re.MULTILINE), name
        assert not re.search(r"import\(\s*['\"]", source), name
        assert "cdn." not in source and "esm.sh" not in source, name


def test_shared_task_renderers_have_no_anywidget_specifics() -> None:
    source = (JS / "task_renderers.js").read_text()
    assert "model." not in source and "save_changes" not in source and "model.get" not in source
    assert "export function renderTask(el, task, options = {})" in source


@pytest.mark.slow
def test_rebuilding_produces_identical_files(tmp_path: Path, widgets_js_node: str) -> None:
    node = widgets_js_node
    out = tmp_path / "static"
    subprocess.run(
        [node, "build.mjs", "--outdir", str(out)], cwd=JS, check=True, timeout=120, capture_output=True
    )
    built = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css"))
    assert built == committed
    stale = [name for name in built if (out / name).read_bytes() != (STATIC / name).read_bytes()]
    assert not stale, f"rebuild the bundles (cd widgets_js && npm ci && node build.mjs): {stale} differ"


@pytest.mark.slow
def test_jsdoc_types_check(widgets_js_node: str) -> None:
    node = widgets_js_node
    tsc = JS / "node_modules" / "typescript" / "bin" / "tsc"
    result = subprocess.run(
        [node, str(tsc), "-p", "jsconfig.json"], cwd=JS, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
