"""Behaviour shared by every widget: kwargs checking, deterministic repr, static HTML fallback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rapidata_nb.widgets import JobProgress, Leaderboard, ResultsGallery, TaskPreview, WinLossMatrix

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class DoneJob:
    id = "job_1"
    name = "finished job"

    def get_progress(self) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(
            state="Completed", completion_percentage=100, total=4, completed=4, response_count=12
        )


def _matrix() -> pd.DataFrame:
    return pd.DataFrame([[0, 2], [1, 0]], index=["a", "b"], columns=["a", "b"])


FACTORIES = {
    "TaskPreview": lambda **kw: TaskPreview(
        "classify", "Pick", ["x"], answer_options=["a", "b"], data_type="text", **kw
    ),
    "JobProgress": lambda **kw: JobProgress([DoneJob()], start=False, **kw),
    "WinLossMatrix": lambda **kw: WinLossMatrix(_matrix(), **kw),
    "Leaderboard": lambda **kw: Leaderboard(
        pd.DataFrame({"score": [1.0]}, index=pd.Index(["a"], name="model")), **kw
    ),
    "ResultsGallery": lambda **kw: ResultsGallery([{"context": "c", "aggregatedResults": {"x": 1}}], **kw),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_unknown_keyword_argument_is_a_type_error_naming_the_widget(name: str) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\(\) got an unexpected keyword argument 'colour'\."):
        FACTORIES[name](colour="red")


@pytest.mark.parametrize(
    ("name", "typo", "meant"),
    [
        ("TaskPreview", "answer_option", "answer_options"),
        ("JobProgress", "refresh", "refresh_rate"),
        ("WinLossMatrix", "selection", "selected"),
        ("ResultsGallery", "pagesize", "page_size"),
    ],
)
def test_type_error_suggests_the_likely_argument(name: str, typo: str, meant: str) -> None:
    with pytest.raises(TypeError, match=f"Did you mean '{meant}'"):
        FACTORIES[name](**{typo: 1})


def test_read_only_traits_are_not_accepted_as_arguments() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'n_tasks'"):
        FACTORIES["TaskPreview"](n_tasks=3)


def test_ipywidgets_layout_argument_is_accepted() -> None:
    widget = FACTORIES["Leaderboard"](layout={"width": "300px"})
    assert widget.layout.width == "300px"


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_repr_is_deterministic(name: str) -> None:
    first, second = repr(FACTORIES[name]()), repr(FACTORIES[name]())
    assert first == second
    assert first.startswith(f"{name}(")
    assert not re.search(r"0x[0-9a-f]+", first)


def test_repr_values() -> None:
    assert repr(FACTORIES["TaskPreview"]()) == (
        "TaskPreview(task_type='classify', instruction='Pick', n_tasks=1, index=0, answers=0)"
    )
    assert repr(FACTORIES["WinLossMatrix"]()) == "WinLossMatrix(n_items=2, matchups=3, top=['a', 'b'])"
    job_progress = FACTORIES["JobProgress"]()
    before = job_progress._repr_mimebundle_()[0]
    job_progress.poll()
    assert job_progress._repr_mimebundle_()[0]["text/html"] == before["text/html"]  # polling never changes it
    assert repr(job_progress) == "JobProgress(jobs=['finished job'])"
    assert "live progress of finished job" in before["text/html"]
    assert job_progress.summary() == "finished job: Completed 100% · 12 responses"


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_mimebundle_has_widget_view_text_and_static_html(name: str) -> None:
    widget = FACTORIES[name]()
    data, _metadata = widget._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == widget.model_id
    assert data["text/plain"] == repr(widget)
    assert data["text/html"].startswith("<")
    assert data["text/html"] == FACTORIES[name]()._repr_mimebundle_()[0]["text/html"]  # deterministic


def test_static_html_escapes_user_text() -> None:
    widget = TaskPreview("free_text", "<script>alert(1)</script>", ["a & b"], data_type="text")
    html = widget._repr_mimebundle_()[0]["text/html"]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "a &amp; b" in html


def test_every_widget_loads_its_bundle() -> None:
    for factory in FACTORIES.values():
        widget = factory()
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(widget).__name__).lower()
        name = {"win_loss_matrix": "winloss_matrix"}.get(name, name)
        bundle = Path(__file__).parents[2] / "rapidata_nb" / "widgets" / "static" / f"{name}.js"
        assert widget._esm == bundle.read_text()
        assert "export {" in widget._esm and "as default" in widget._esm
