"""The widgets inside a real Jupyter kernel (nbclient): display, comm traffic from the polling thread,
and the client's renderer registry picking them up."""

from __future__ import annotations

import sys
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _run(cells: list[str], timeout: int = 120) -> Any:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=False, store_widget_state=True
    )
    client.execute(env={"PYTHONPATH": ":".join(sys.path)})
    return notebook


def _bundle(cell: Any) -> dict[str, Any]:
    [output] = [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")]
    return dict(output.data)


def test_display_in_a_kernel_gives_widget_view_and_fallbacks() -> None:
    notebook = _run(
        [
            "from rapidata_nb.widgets import TaskPreview\n"
            "TaskPreview('classify', 'Pick one', ['a text'], answer_options=['Yes', 'No'], data_type='text')",
        ]
    )
    data = _bundle(notebook.cells[0])
    assert WIDGET_MIME in data
    assert data["text/plain"] == (
        "TaskPreview(task_type='classify', instruction='Pick one', n_tasks=1, index=0, answers=0)"
    )
    assert "<b>Pick one</b>" in data["text/html"]
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [model] = [m for m in state.values() if m["model_name"] == "AnyModel"]
    assert model["state"]["task"]["options"] in (["Yes", "No"], ["No", "Yes"])


def test_job_progress_updates_from_its_thread_inside_a_kernel() -> None:
    notebook = _run(
        [
            "from types import SimpleNamespace\n"
            "from rapidata_nb.client import _display\n"
            "import rapidata_nb.widgets\n"
            "class Job:\n"
            "    id, name = 'job_1', 'demo'\n"
            "    def __init__(self): self.n = 0\n"
            "    def get_progress(self):\n"
            "        self.n += 1\n"
            "        done = self.n >= 3\n"
            "        return SimpleNamespace(state='Completed' if done else 'Running',\n"
            "                               completion_percentage=min(100, 40 * self.n), total=5,\n"
            "                               completed=5 if done else 2 * self.n,\n"
            "                               response_count=10 * self.n)\n"
            "widget = _display.get('job_progress')([Job()], refresh_rate=0.05)",
            "assert widget.wait(timeout=30)\n"
            "print(widget.jobs[0]['state'], widget.jobs[0]['response_count'])",
        ]
    )
    first = _bundle(notebook.cells[0])
    assert first["text/plain"] == "JobProgress(jobs=['demo'])"
    assert notebook.cells[1].outputs[0].text == "Completed 30\n"
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    [model] = [m for m in state.values() if m["model_name"] == "AnyModel"]
    assert model["state"]["done"] is True and model["state"]["jobs"][0]["state"] == "Completed"
