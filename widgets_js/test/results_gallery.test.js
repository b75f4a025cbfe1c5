import assert from "node:assert/strict";
import { test } from "node:test";

import { mount, texts } from "./harness.js";
import resultsGallery from "../results_gallery.js";

const CARD = {
  index: 0,
  type: "compare",
  title: "an orange disc",
  media: [
    { kind: "text", text: "cat", name: "cat" },
    { kind: "text", text: "dog", name: "dog" },
  ],
  labels: ["cat", "dog"],
  split: [
    { label: "cat", count: 7, ratio: 0.7 },
    { label: "dog", count: 3, ratio: 0.3 },
  ],
  winner: "cat",
  confidence: null,
  responses: 10,
};

const traits = () => ({
  cards: [CARD],
  page: 0,
  n_pages: 2,
  n_matches: 3,
  n_total: 3,
  winners: ["cat", "dog"],
  winner_filter: "",
  query: "",
});

test("a card per result with its vote split and facts; the pager counts pages", () => {
  const { el } = mount(resultsGallery, traits());
  assert.deepEqual(texts(el, ".rnb-split-legend > span"), ["cat 70% (7)", "dog 30% (3)"]);
  assert.equal(el.querySelector(".rnb-facts")?.textContent, "winner: cat · 10 responses");
  assert.equal(el.querySelector(".rnb-page")?.textContent, "1 / 2 · 3 of 3");
  assert.deepEqual(texts(el, ".rnb-winner-filter option"), ["All winners", "cat", "dog"]);
});

test("paging and filtering go to Python as trait changes", () => {
  const { el, model } = mount(resultsGallery, traits());
  /** @type {HTMLElement} */ (el.querySelector(".rnb-next")).click();
  assert.equal(model.get("page"), 1);
  const filter = /** @type {HTMLSelectElement} */ (el.querySelector(".rnb-winner-filter"));
  filter.value = "dog";
  filter.dispatchEvent(new Event("change"));
  assert.deepEqual([model.get("winner_filter"), model.get("page"), model.saves], ["dog", 0, 2]);
});

test("no match is an empty state, and cleanup stops listening", () => {
  const { el, model, cleanup } = mount(resultsGallery, { ...traits(), cards: [], n_pages: 0, n_matches: 0 });
  assert.equal(el.querySelector(".rnb-empty")?.textContent, "No datapoints match.");
  cleanup();
  assert.equal(model.listening, 0);
});
