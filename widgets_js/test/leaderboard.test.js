import assert from "node:assert/strict";
import { test } from "node:test";

import { mount, texts } from "./harness.js";
import leaderboard from "../leaderboard.js";

const ROWS = [
  { model: "flux", score: 1262, lower: 1221, upper: 1301, wins: 61, battles: 92 },
  { model: "mj", score: 1204, lower: null, upper: null, wins: 52, battles: 90 },
];

test("a row per model in the given order, with wins and battles columns", () => {
  const { el } = mount(leaderboard, { rows: ROWS, selected: null });
  assert.deepEqual(texts(el, ".rnb-lb-name"), ["flux", "mj"]);
  assert.deepEqual(texts(el, "th"), ["#", "Model", "Score", "Interval (1204 – 1301)", "Wins", "Battles"]);
  assert.deepEqual(texts(el, ".rnb-lb-score"), ["1262", "1204"]);
  // a model without an interval gets a range of no width, starting at its score
  const mj = /** @type {HTMLElement} */ (el.querySelector('tr[data-model="mj"]'));
  const range = /** @type {HTMLElement} */ (mj.querySelector(".rnb-interval-range"));
  const dot = /** @type {HTMLElement} */ (mj.querySelector(".rnb-interval-dot"));
  assert.equal(range.style.left, dot.style.left);
});

test("columns nobody has a value for are left out", () => {
  const { el } = mount(leaderboard, { rows: [{ model: "a", score: 1, lower: null, upper: null, wins: null, battles: null }] });
  assert.deepEqual(texts(el, "th").slice(3), ["Interval (0 – 2)"]); // one score: a unit either side
});

test("clicking a row selects its model, clicking again clears it", () => {
  const { el, model } = mount(leaderboard, { rows: ROWS, selected: null });
  /** @type {HTMLElement} */ (el.querySelector('tr[data-model="mj"]')).click();
  assert.equal(model.get("selected"), "mj");
  assert.equal(model.saves, 1);
  assert.ok(el.querySelector('tr[data-model="mj"]')?.classList.contains("rnb-chosen"));
  /** @type {HTMLElement} */ (el.querySelector('tr[data-model="mj"]')).click();
  assert.equal(model.get("selected"), null);
});

test("new rows from Python redraw the table; cleanup stops listening", () => {
  const { el, model, cleanup } = mount(leaderboard, { rows: ROWS, selected: null });
  model.set("rows", [ROWS[1]]);
  assert.deepEqual(texts(el, ".rnb-lb-name"), ["mj"]);
  cleanup();
  assert.equal(model.listening, 0);
});

test("an error shows inside the widget, labelled with its name", () => {
  const { el } = mount(leaderboard, { rows: 5, selected: null });
  assert.equal(el.querySelector(".rnb-error")?.textContent?.startsWith("Leaderboard: "), true);
});
