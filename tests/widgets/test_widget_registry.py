"""The widgets register themselves with the client's renderer registry."""

from __future__ import annotations

from rapidata_nb.client import _display
from rapidata_nb.widgets import ResultsGallery, TaskPreview
from rapidata_nb.widgets._register import preview_definition, register_renderers


def test_importing_the_widgets_registers_the_renderers() -> None:
    register_renderers()
    for kind in ("job_progress", "job", "job_definition", "results"):
        assert _display.get(kind) is not None, kind


def test_results_renderer_returns_a_gallery() -> None:
    register_renderers()
    widget = _display.get("results")({"info": {"type": "Compare"}, "results": []})
    assert isinstance(widget, ResultsGallery) and widget.n_total == 0


def test_preview_definition_reads_plain_data() -> None:
    definition = {
        "task_type": "Select Words",
        "instruction": "Select the words that are not depicted.",
        "datapoints": ["https://assets.example/cat.png"],
        "sentences": ["A cat on a red couch"],
        "settings": [{"key": "no_shuffle", "value": "true"}],
    }
    widget = preview_definition(definition)
    assert isinstance(widget, TaskPreview)
    assert widget.task_type == "select_words" and widget.task["sentence"] == "A cat on a red couch"


def test_preview_definition_prefers_preview_data() -> None:
    class Definition:
        def _preview_data(self) -> dict:
            return {"task_type": "Free Text", "instruction": "Ask", "datapoints": ["hi"], "data_type": "text"}

    assert preview_definition(Definition()).task["media"][0]["text"] == "hi"
