// JobProgress: live progress of one or more jobs (rapidata_nb/widgets/job_progress.py).
// Python polls `job.get_progress()` in a background thread and updates the `jobs` trait.

import { formatDuration, guard, h, showError } from "./common.js";

const NAME = "JobProgress";

/**
 * One row of the `jobs` trait.
 * @typedef {Object} JobRow
 * @property {string} id
 * @property {string} name
 * @property {string} state
 * @property {number} completion_percentage  0..100
 * @property {number|null} total             Datapoints in the job.
 * @property {number|null} completed         Datapoints done.
 * @property {number|null} response_count    Responses collected.
 * @property {number|null} response_target   Responses wanted, when known.
 * @property {number|null} eta_seconds       Estimated time left, when it can be estimated.
 * @property {string|null} error             Last polling error.
 */

/**
 * @param {number|null|undefined} value
 * @param {number|null|undefined} of
 */
function ratio(value, of) {
  if (value === null || value === undefined) return "–";
  return of === null || of === undefined ? String(value) : `${value} / ${of}`;
}

/**
 * @param {JobRow} job
 */
function row(job) {
  const pct = Math.max(0, Math.min(100, Number(job.completion_percentage) || 0));
  const state = String(job.state || "Unknown");
  return h("tr", { "data-job-id": job.id }, [
    h("td", {}, [
      h("div", { class: "rnb-job-name", text: job.name || job.id }),
      job.error ? h("div", { class: "rnb-hint", style: { color: "var(--rnb-bad)" }, text: job.error }) : null,
    ]),
    h("td", {}, [h("span", { class: `rnb-state rnb-state-${state.toLowerCase()}`, text: state })]),
    h("td", { class: "rnb-progress-cell" }, [
      h("div", { class: "rnb-bar", role: "progressbar", "aria-valuenow": pct.toFixed(0), "aria-valuemin": "0", "aria-valuemax": "100" }, [
        h("div", { class: "rnb-bar-fill", style: { width: `${pct}%` } }),
      ]),
    ]),
    h("td", { class: "rnb-num rnb-pct", "data-label": "Done", text: `${pct.toFixed(0)}%` }),
    h("td", { class: "rnb-num rnb-responses", "data-label": "Responses", text: ratio(job.response_count, job.response_target) }),
    h("td", { class: "rnb-num rnb-datapoints", "data-label": "Datapoints", text: ratio(job.completed, job.total) }),
    h("td", {
      class: "rnb-num rnb-eta",
      "data-label": "ETA",
      text: state === "Completed" ? "done" : formatDuration(job.eta_seconds),
    }),
  ]);
}

/**
 * @param {{model: import("./common.js").Model, el: HTMLElement}} props
 */
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-job-progress");
  const draw = guard(el, NAME, () => {
    /** @type {JobRow[]} */
    const jobs = model.get("jobs") ?? [];
    const done = model.get("done");
    const head = h("tr", {}, ["Job", "State", "Progress", "", "Responses", "Datapoints", "ETA"].map((t, i) =>
      h("th", { class: i >= 3 ? "rnb-num" : undefined, text: t }),
    ));
    const body = jobs.length
      ? jobs.map(row)
      : [h("tr", {}, [h("td", { colspan: "7", class: "rnb-empty", text: "No jobs" })])];
    el.replaceChildren(
      h("div", { class: "rnb-card" }, [
        h("div", { class: "rnb-scroll" }, [h("table", { class: "rnb-table" }, [h("thead", {}, [head]), h("tbody", {}, body)])]),
        h("div", { class: "rnb-footer", text: model.get("message") || (done ? "All jobs finished." : "Updating…") }),
      ]),
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

export default { render };
