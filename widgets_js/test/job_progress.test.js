import assert from "node:assert/strict";
import { test } from "node:test";

import { mount, texts } from "./harness.js";
import jobProgress from "../job_progress.js";

const RUNNING = {
  id: "job_1",
  name: "compare of 3 rows",
  state: "Running",
  completion_percentage: 33.3,
  total: 3,
  completed: 1,
  response_count: 4,
  response_target: 9,
  eta_seconds: 90,
  error: null,
};

test("one row per job with its bar, counts and ETA", () => {
  const { el } = mount(jobProgress, { jobs: [RUNNING], done: false, message: "" });
  assert.deepEqual(texts(el, ".rnb-job-name"), ["compare of 3 rows"]);
  assert.equal(el.querySelector(".rnb-bar")?.getAttribute("aria-valuenow"), "33");
  assert.deepEqual(
    [".rnb-pct", ".rnb-responses", ".rnb-datapoints"].map((s) => el.querySelector(s)?.textContent),
    ["33%", "4 / 9", "1 / 3"],
  );
  assert.equal(el.querySelector(".rnb-footer")?.textContent, "Updating…");
});

test("polled progress redraws; a finished run says so", () => {
  const { el, model, cleanup } = mount(jobProgress, { jobs: [RUNNING], done: false, message: "" });
  model.set("jobs", [{ ...RUNNING, state: "Completed", completion_percentage: 100, completed: 3 }]);
  model.set("done", true);
  assert.deepEqual(
    [".rnb-pct", ".rnb-eta", ".rnb-footer"].map((s) => el.querySelector(s)?.textContent),
    ["100%", "done", "All jobs finished."],
  );
  cleanup();
  assert.equal(model.listening, 0);
});

test("no jobs is an empty table, not an error", () => {
  const { el } = mount(jobProgress, { jobs: [], done: true, message: "" });
  assert.equal(el.querySelector(".rnb-empty")?.textContent, "No jobs");
  assert.equal(el.querySelector(".rnb-error"), null);
});
