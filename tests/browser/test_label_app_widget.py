"""``audience.label()`` / ``job.label()``: the Labeler notebook widget, driven in Chromium.

The page loads the app's real bundle and renders its default export with a small anywidget-style model whose
custom messages go to the Python widget (as a comm would), which forwards them to the live server's feed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapidata_nb import RapidataClient
from rapidata_nb.client import _display
from rapidata_nb.widgets.labeler import Labeler, show_labeler
from tests.utils.label_app import api_get

STATIC = Path(__file__).resolve().parents[2] / "rapidata_nb" / "server" / "web" / "static"
ORIGIN = "http://notebook.test"

HOST_HTML = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/label_app.css">
</head><body><div id="root"></div><script type="module">
class Model {
  constructor(state) { this.state = state; this.listeners = {}; }
  get(key) { return this.state[key]; }
  set(key, value) { this.state[key] = value; }
  save_changes() { window.py_save(JSON.stringify(this.state)); }
  on(event, cb) { (this.listeners[event] ??= []).push(cb); }
  off(event, cb) { this.listeners[event] = (this.listeners[event] ?? []).filter((f) => f !== cb); }
  send(msg) {
    window.py_send(JSON.stringify(msg)).then((reply) => {
      for (const cb of this.listeners["msg:custom"] ?? []) cb(JSON.parse(reply), []);
    });
  }
}
window.mount = async (state) => {
  const mod = await import("/label_app.js");
  window.__model = new Model(state);
  mod.default.render({ model: window.__model, el: document.getElementById("root") });
};
window.__ready = true;
</script></body></html>"""


@pytest.fixture(scope="module")
def quiet(live_server_factory: Any) -> Any:
    return live_server_factory(crowd=False)


@pytest.fixture(scope="module")
def client(quiet: Any) -> RapidataClient:
    return RapidataClient(client_id=quiet.client_id, client_secret=quiet.client_secret, environment=quiet.url)


@pytest.fixture
def labeler_renderer() -> Iterator[None]:
    """The client's ``"labeler"`` renderer, as ``rapidata_nb.widgets`` registers it."""
    previous = _display.get("labeler")
    _display.register("labeler", show_labeler)
    yield
    if previous is None:
        _display.unregister("labeler")
    else:
        _display.register("labeler", previous)


def mount(browser: Any, widget: Labeler) -> Any:
    """Render ``widget``'s view in a fresh page; its messages reach the Python widget."""
    context = browser.new_context(viewport={"width": 900, "height": 800})
    page = context.new_page()

    def serve(route: Any) -> None:
        name = route.request.url.removeprefix(ORIGIN).lstrip("/")
        if name in ("", "host.html"):
            route.fulfill(body=HOST_HTML, content_type="text/html")
        else:
            types = {"label_app.js": "text/javascript", "label_app.css": "text/css"}
            route.fulfill(body=(STATIC / name).read_bytes(), content_type=types[name])

    def send(message: str) -> str:
        msg = json.loads(message)
        status, data = widget.request(msg["method"], msg["path"], msg["body"])
        return json.dumps({"id": msg["id"], "status": status, "data": data})

    def save(state: str) -> None:
        widget.set_state({"answered": json.loads(state)["answered"]})

    page.route(f"{ORIGIN}/**", serve)
    page.expose_function("py_send", send)
    page.expose_function("py_save", save)
    page.goto(f"{ORIGIN}/host.html")
    page.wait_for_function("() => window.__ready === true")
    state = {
        k: v
        for k, v in widget.get_state().items()
        if k in ("audience", "profile", "session_seconds", "answered")
    }
    page.evaluate("(state) => window.mount(state)", state)
    return page


@pytest.mark.slow
def test_audience_label_lets_you_answer_in_the_notebook(
    client: RapidataClient, quiet: Any, browser: Any, labeler_renderer: None
) -> None:
    team = client.audience.create_unlisted_audience("Notebook team")
    job = team.assign_job(
        client.job.create_classification_job_definition(
            name="nb",
            instruction="Is this a greeting?",
            answer_options=["Yes", "No"],
            datapoints=["hello there"],
            data_type="text",
            responses_per_datapoint=1,
        )
    )
    widget = team.label(country="FR", language="fr", age="40-49", gender="Male", occupation="Education")
    assert isinstance(widget, Labeler) and repr(widget) == f"Labeler(audience='{team.id}', answered=0)"
    assert widget.audience == {"id": team.id, "name": "Notebook team", "kind": "unlisted"}
    page = mount(browser, widget)
    try:
        page.wait_for_selector(".rnb-la-card .rnb-task")  # the profile was given: no form
        assert page.locator(".rnb-la-form").count() == 0
        option = page.locator('.rnb-option[data-key="1"]').get_attribute("data-option")
        page.locator(".rnb-task").focus()
        page.keyboard.press("1")
        page.wait_for_selector(".rnb-la-idle")
        page.wait_for_function("() => window.__model.get('answered') === 1")
    finally:
        page.context.close()
    assert widget.answered == 1 and widget.labeler_id.startswith("hum")
    doc = api_get(quiet, f"/job/{job.id}/download-results")
    (detail,) = doc["results"][0]["detailedResults"]
    assert detail["selectedCategory"] == option
    assert detail["userDetails"]["country"] == "FR"
    assert detail["userId"].startswith("hum_") and detail["userId"] != widget.labeler_id  # a pseudonym

    # job.label(): the same audience; a second view of the same widget resumes as the same labeler
    again = job.label(country="FR")
    assert again.audience == widget.audience and again.job_id == job.id
    assert repr(again) == f"Labeler(audience='{team.id}', job='{job.id}', answered=0)"
    first = widget.labeler_id
    status, body = widget.request("POST", "/session", {"country": "US", "audienceId": team.id})
    assert status == 200 and body["labelerId"] == first


def test_the_widget_reaches_only_the_labeler_feed(quiet: Any) -> None:
    widget = Labeler(quiet.url, "global", profile={"country": "US"})
    status, body = widget.request("GET", "/../job")
    assert status == 400 and "/labeler/session" in body["message"]
    status, body = widget.request("DELETE", "/session/x")
    assert status == 400
    with pytest.raises(TypeError, match="unknown profile field"):
        Labeler(quiet.url, "global", profile={"planet": "Mars"})
    with pytest.raises(TypeError, match="audience_nme"):
        Labeler(quiet.url, "global", audience_nme="x")  # type: ignore[call-arg]
    widget.close()


def test_label_without_the_widgets_says_where_to_label(client: RapidataClient) -> None:
    previous = _display.get("labeler")
    _display.unregister("labeler")
    try:
        team = client.audience.create_unlisted_audience("No widgets")
        with pytest.raises(RuntimeError, match=f"/label/{team.id}"):
            team.label()
    finally:
        if previous is not None:
            _display.register("labeler", previous)
