// common.js
function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === void 0 || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "disabled" || key === "checked") el[key] = Boolean(value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === void 0 || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}
function showError(el, widget, error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[rapidata_nb ${widget}]`, error);
  el.replaceChildren(
    h("div", { class: "rnb-error", role: "alert" }, [
      h("strong", { text: `${widget}: ` }),
      h("span", { text: message })
    ])
  );
}
function guard(el, widget, fn) {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      showError(el, widget, error);
    }
  };
}
function formatDuration(seconds) {
  if (seconds === null || seconds === void 0 || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor(s % 3600 / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

// job_progress.js
var NAME = "JobProgress";
function ratio(value, of) {
  if (value === null || value === void 0) return "–";
  return of === null || of === void 0 ? String(value) : `${value} / ${of}`;
}
function row(job) {
  const pct = Math.max(0, Math.min(100, Number(job.completion_percentage) || 0));
  const state = String(job.state || "Unknown");
  return h("tr", { "data-job-id": job.id }, [
    h("td", {}, [
      h("div", { class: "rnb-job-name", text: job.name || job.id }),
      job.error ? h("div", { class: "rnb-hint", style: { color: "var(--rnb-bad)" }, text: job.error }) : null
    ]),
    h("td", {}, [h("span", { class: `rnb-state rnb-state-${state.toLowerCase()}`, text: state })]),
    h("td", { class: "rnb-progress-cell" }, [
      h("div", { class: "rnb-bar", role: "progressbar", "aria-valuenow": pct.toFixed(0), "aria-valuemin": "0", "aria-valuemax": "100" }, [
        h("div", { class: "rnb-bar-fill", style: { width: `${pct}%` } })
      ])
    ]),
    h("td", { class: "rnb-num rnb-pct", "data-label": "Done", text: `${pct.toFixed(0)}%` }),
    h("td", { class: "rnb-num rnb-responses", "data-label": "Responses", text: ratio(job.response_count, job.response_target) }),
    h("td", { class: "rnb-num rnb-datapoints", "data-label": "Datapoints", text: ratio(job.completed, job.total) }),
    h("td", {
      class: "rnb-num rnb-eta",
      "data-label": "ETA",
      text: state === "Completed" ? "done" : formatDuration(job.eta_seconds)
    })
  ]);
}
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-job-progress");
  const draw = guard(el, NAME, () => {
    const jobs = model.get("jobs") ?? [];
    const done = model.get("done");
    const head = h("tr", {}, ["Job", "State", "Progress", "", "Responses", "Datapoints", "ETA"].map(
      (t, i) => h("th", { class: i >= 3 ? "rnb-num" : void 0, text: t })
    ));
    const body = jobs.length ? jobs.map(row) : [h("tr", {}, [h("td", { colspan: "7", class: "rnb-empty", text: "No jobs" })])];
    el.replaceChildren(
      h("div", { class: "rnb-card" }, [
        h("div", { class: "rnb-scroll" }, [h("table", { class: "rnb-table" }, [h("thead", {}, [head]), h("tbody", {}, body)])]),
        h("div", { class: "rnb-footer", text: model.get("message") || (done ? "All jobs finished." : "Updating…") })
      ])
    );
  });
  const events = ["change:jobs", "change:done", "change:message"];
  for (const event of events) model.on(event, draw);
  try {
    draw();
  } catch (error) {
    showError(el, NAME, error);
  }
  return () => {
    for (const event of events) model.off(event, draw);
  };
}
var job_progress_default = { render };
export {
  job_progress_default as default
};
