import assert from "node:assert/strict";
import { test } from "node:test";

import { mount, texts } from "./harness.js";
import taskPreview from "../task_preview.js";

/** @param {number} index */
const compare = (index) => ({
  type: "compare",
  index,
  instruction: "Which sentence reads better?",
  media: [
    { kind: "text", text: `left ${index}`, name: "a" },
    { kind: "text", text: `right ${index}`, name: "b" },
  ],
  names: ["a", "b"],
  settings: {},
});

const traits = () => ({ task: compare(0), index: 0, n_tasks: 2, answers: [], interactive: true });

test("the task is drawn with its position and both sides", () => {
  const { el } = mount(taskPreview, traits());
  assert.equal(el.querySelector(".rnb-page")?.textContent, "1 / 2");
  assert.deepEqual(texts(el, ".rnb-side-label"), ["a", "b"]);
  assert.equal(/** @type {HTMLButtonElement} */ (el.querySelector(".rnb-prev")).disabled, true);
});

test("an answer lands in the answers trait and is saved", () => {
  const { el, model } = mount(taskPreview, traits());
  /** @type {HTMLElement} */ (el.querySelector('.rnb-side[data-name="b"]')).click();
  assert.deepEqual(model.get("answers"), [{ index: 0, type: "compare", voted_for: "b" }]);
  assert.equal(model.saves, 1);
  assert.equal(el.querySelector(".rnb-answered")?.textContent, "1 answered");
});

test("next asks Python for the next task, which redraws the view when it arrives", () => {
  const { el, model, cleanup } = mount(taskPreview, traits());
  /** @type {HTMLElement} */ (el.querySelector(".rnb-next")).click();
  assert.equal(model.get("index"), 1);
  model.set("task", compare(1)); // what the Python side sends back for index 1
  assert.equal(el.querySelector(".rnb-page")?.textContent, "2 / 2");
  assert.ok(el.textContent?.includes("left 1"));
  cleanup();
  assert.equal(model.listening, 0);
});

test("a read-only preview cannot be answered", () => {
  const { el, model } = mount(taskPreview, { ...traits(), interactive: false });
  /** @type {HTMLElement} */ (el.querySelector('.rnb-side[data-name="a"]')).click();
  assert.deepEqual(model.get("answers"), []);
});
