"""A minimal anywidget host for browser tests: real bundles, real Python widgets, no Jupyter.

The page imports a widget's built ESM from ``rapidata_nb/widgets/static`` (served by a local
``http.server`` thread) and renders it with a small model implementing the AFM interface
(``get/set/on/off/save_changes``). The model is bridged to the Python widget the way a comm would
be: ``save_changes`` sends the changed keys to Python (``widget.set_state``), and whatever Python
changed in response (observers, validation) comes back as change events. Binary traits travel as
buffers and arrive in JS as ``DataView``, as in Jupyter.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import threading
from pathlib import Path
from typing import Any

from ipywidgets.widgets.widget import _remove_buffers

STATIC = Path(__file__).resolve().parents[2] / "rapidata_nb" / "widgets" / "static"

HARNESS_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>rapidata_nb widget harness</title>
<style>body { margin: 12px; background: #fff; }</style></head>
<body><div id="root"></div>
<script type="module">
function putBuffers(state, paths, buffers) {
  paths.forEach((path, i) => {
    let obj = state;
    for (const key of path.slice(0, -1)) obj = obj[key];
    const bytes = Uint8Array.from(atob(buffers[i]), (c) => c.charCodeAt(0));
    obj[path[path.length - 1]] = new DataView(bytes.buffer);
  });
  return state;
}
class FakeModel {
  constructor(state) { this.state = state; this.listeners = {}; this.dirty = new Set(); this.saves = 0; }
  get(key) { return this.state[key]; }
  set(key, value) { this.state[key] = value; this.dirty.add(key); this.emit("change:" + key); }
  on(event, cb) { (this.listeners[event] ??= []).push(cb); }
  off(event, cb) {
    if (!event) { this.listeners = {}; return; }
    this.listeners[event] = (this.listeners[event] ?? []).filter((f) => cb && f !== cb);
  }
  emit(event) { for (const cb of [...(this.listeners[event] ?? [])]) cb(); }
  apply(update) {
    const state = putBuffers(update.state, update.paths, update.buffers);
    for (const [key, value] of Object.entries(state)) { this.state[key] = value; this.emit("change:" + key); }
  }
  save_changes() {
    const changes = {};
    for (const key of this.dirty) changes[key] = this.state[key];
    this.dirty.clear();
    this.saves += 1;
    window.__pending += 1;
    window.py_save(JSON.stringify(changes))
      .then((reply) => this.apply(JSON.parse(reply)))
      .catch((e) => { window.__errors.push(String(e)); })
      .finally(() => { window.__pending -= 1; });
  }
}
window.__pending = 0;
window.__errors = [];
window.mount = async (name, initial) => {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = "/static/widgets.css"; // one stylesheet for every widget
  const loaded = new Promise((resolve, reject) => {
    link.onload = resolve;
    link.onerror = () => reject(new Error(`no stylesheet at ${link.href}`));
  });
  document.head.append(link);
  await loaded;
  const mod = await import(`/static/${name}.js`);
  const model = new FakeModel(putBuffers(initial.state, initial.paths, initial.buffers));
  // a fresh element per view, as a notebook output gives (classes added by a previous view must not leak)
  if (typeof window.__cleanup === "function") window.__cleanup();
  const el = document.createElement("div");
  el.id = "root";
  document.getElementById("root").replaceWith(el);
  const t0 = performance.now();
  window.__cleanup = mod.default.render({ model, el });
  window.__renderMs = performance.now() - t0;
  window.__model = model;
  return window.__renderMs;
};
window.__ready = true;
</script></body></html>
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(STATIC.parent), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        if self.path.split("?")[0] in ("/", "/harness.html"):
            body = HARNESS_HTML.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def guess_type(self, path: Any) -> str:
        return "text/javascript" if str(path).endswith(".js") else super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:  # silence the request log
        pass


class StaticServer:
    """``http.server`` in a daemon thread on a free port, serving the harness and the bundles."""

    def __init__(self) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _encode(state: dict[str, Any]) -> dict[str, Any]:
    clean, paths, buffers = _remove_buffers(state)
    return {
        "state": clean,
        "paths": paths,
        "buffers": [base64.b64encode(bytes(b)).decode() for b in buffers],
    }


def _fingerprint(value: Any) -> str:
    def default(obj: Any) -> str:
        if isinstance(obj, (bytes, bytearray, memoryview)):
            return hashlib.sha256(bytes(obj)).hexdigest()
        raise TypeError(type(obj).__name__)

    return json.dumps(value, sort_keys=True, default=default)


class Bridge:
    """Connects one Python widget to its view in the page (one widget per page at a time)."""

    def __init__(self, page: Any, server: StaticServer) -> None:
        self.page = page
        self.server = server
        self.widget: Any = None
        self._sent: dict[str, str] = {}
        self.errors: list[str] = []
        page.expose_function("py_save", self._save)
        page.goto(f"{server.url}/harness.html")
        page.wait_for_function("() => window.__ready === true")

    def _state(self) -> dict[str, Any]:
        state = self.widget.get_state()
        skip = ("layout", "tabbable", "tooltip")
        return {k: v for k, v in state.items() if not k.startswith("_") and k not in skip}

    def _changed(self) -> dict[str, Any]:
        state = self._state()
        changed = {}
        for key, value in state.items():
            fp = _fingerprint(value)
            if self._sent.get(key) != fp:
                changed[key] = value
                self._sent[key] = fp
        return changed

    def _save(self, changes_json: str) -> str:
        changes = json.loads(changes_json)
        for key in changes:
            self._sent[key] = _fingerprint(changes[key])
        try:
            self.widget.set_state(changes)
        except Exception as exc:  # reported to the test through bridge.errors
            self.errors.append(f"{type(exc).__name__}: {exc}")
        return json.dumps(_encode(self._changed()))

    def mount(self, widget: Any, name: str) -> float:
        """Render ``widget`` with the bundle ``static/<name>.js``; returns the render time in ms."""
        self.widget = widget
        self._sent = {}
        initial = _encode(self._changed())
        return float(self.page.evaluate("([name, initial]) => window.mount(name, initial)", [name, initial]))

    def push(self) -> None:
        """Send Python-side changes (e.g. from a polling thread) to the view."""
        update = _encode(self._changed())
        self.page.evaluate("(update) => window.__model.apply(update)", update)

    def settle(self) -> None:
        """Wait until every save_changes round trip has come back from Python."""
        self.page.wait_for_function("() => window.__pending === 0")
        assert not self.errors, self.errors
