// ResultsGallery: one card per datapoint with its media, vote split and confidence
// (rapidata_nb/widgets/results_gallery.py). Python filters and pages; this module draws one page.

import { guard, h, mediaElement, showError, UrlPool } from "./common.js";

const NAME = "ResultsGallery";
const PALETTE = ["#3b5bdb", "#f08c00", "#2b8a3e", "#c2255c", "#7048e8", "#1098ad", "#e8590c", "#5c940d"];

/**
 * One card of the `cards` trait.
 * @typedef {Object} Card
 * @property {number} index
 * @property {string} type
 * @property {string} title
 * @property {import("./common.js").Media[]} media
 * @property {string[]} [labels]
 * @property {string[]} [captions]  Text under each media item (defaults to its label).
 * @property {{label: string, count: number, ratio: number}[]} split
 * @property {string|null} winner
 * @property {number|null} confidence
 * @property {number} responses
 * @property {number[][]} [points]     locate: [x, y] in [0, 1]
 * @property {number[][][]} [lines]    draw: strokes of [x, y] in [0, 1]
 * @property {{word: string, count: number, ratio: number}[]} [words]
 * @property {string[]} [texts]
 */

/**
 * Paint a heatmap of tap points, or the coverage of drawn lines, over an image.
 * @param {HTMLCanvasElement} canvas
 * @param {Card} card
 */
function paintOverlay(canvas, card) {
  const rect = canvas.getBoundingClientRect();
  if (!rect.width || !rect.height) return;
  canvas.width = Math.round(rect.width);
  canvas.height = Math.round(rect.height);
  const g = canvas.getContext("2d");
  if (!g) return;
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  if (card.points) {
    const radius = Math.max(10, Math.min(width, height) / 10);
    for (const [x, y] of card.points) {
      const grad = g.createRadialGradient(x * width, y * height, 0, x * width, y * height, radius);
      grad.addColorStop(0, "rgba(255, 0, 60, 0.45)");
      grad.addColorStop(1, "rgba(255, 0, 60, 0)");
      g.fillStyle = grad;
      g.fillRect(x * width - radius, y * height - radius, 2 * radius, 2 * radius);
    }
  }
  if (card.lines) {
    g.lineCap = "round";
    g.lineJoin = "round";
    g.lineWidth = Math.max(4, width / 30);
    g.strokeStyle = "rgba(255, 0, 60, 0.25)";
    for (const stroke of card.lines) {
      if (!stroke.length) continue;
      g.beginPath();
      g.moveTo(stroke[0][0] * width, stroke[0][1] * height);
      for (const [x, y] of stroke.slice(1)) g.lineTo(x * width, y * height);
      g.stroke();
    }
  }
}

/**
 * @param {Card} card
 * @param {UrlPool} pool
 * @param {Array<() => void>} disposers
 */
function cardElement(card, pool, disposers) {
  const media = h(
    "div",
    { class: "rnb-result-media" },
    card.media.map((m, i) => {
      const label = card.labels?.[i];
      const el = mediaElement(m, pool);
      const winner = label !== undefined && label === card.winner;
      return h("div", { class: "rnb-stage" }, [
        el,
        label !== undefined
          ? h("div", { class: `rnb-caption${winner ? " rnb-winner" : ""}`, style: { lineHeight: "1.4" }, text: card.captions?.[i] ?? label })
          : null,
      ]);
    }),
  );
  if ((card.points || card.lines) && card.media.length) {
    const stage = /** @type {HTMLElement} */ (media.firstElementChild);
    const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "rnb-overlay rnb-heatmap", style: { pointerEvents: "none" } }));
    stage.append(canvas);
    const observer = new ResizeObserver(() => paintOverlay(canvas, card));
    observer.observe(canvas);
    disposers.push(() => observer.disconnect());
  }

  const parts = [h("div", { class: "rnb-result-title", title: card.title, text: card.title }), media];
  if (card.split.length) {
    parts.push(
      h(
        "div",
        { class: "rnb-split", title: card.split.map((s) => `${s.label}: ${s.count}`).join(", ") },
        card.split.map((s, i) =>
          h("span", { "data-label": s.label, style: { width: `${(s.ratio * 100).toFixed(2)}%`, background: PALETTE[i % PALETTE.length] } }),
        ),
      ),
      h(
        "div",
        { class: "rnb-split-legend" },
        card.split.map((s, i) =>
          h("span", { class: s.label === card.winner ? "rnb-winner" : undefined }, [
            h("span", { class: "rnb-swatch", style: { background: PALETTE[i % PALETTE.length] } }),
            `${s.label} ${Math.round(s.ratio * 100)}% (${s.count})`,
          ]),
        ),
      ),
    );
  }
  if (card.words) {
    parts.push(
      h(
        "div",
        {},
        card.words.map((w) =>
          h("span", {
            class: "rnb-word-result",
            title: `${w.count} selection(s)`,
            style: { background: `rgba(255, 0, 60, ${(0.1 + 0.6 * w.ratio).toFixed(2)})` },
            text: w.word,
          }),
        ),
      ),
    );
  }
  if (card.texts) {
    parts.push(h("ul", { class: "rnb-texts" }, card.texts.map((t) => h("li", { text: t }))));
  }
  const facts = [`${card.responses} response${card.responses === 1 ? "" : "s"}`];
  if (card.winner) facts.unshift(`winner: ${card.winner}`);
  if (card.confidence !== null && card.confidence !== undefined) facts.push(`confidence ${(card.confidence * 100).toFixed(1)}%`);
  parts.push(h("div", { class: "rnb-hint rnb-facts", text: facts.join(" · ") }));
  return h("div", { class: `rnb-result rnb-result-${card.type}`, "data-index": String(card.index) }, parts);
}

/**
 * @param {{model: import("./common.js").Model, el: HTMLElement}} props
 */
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-results-gallery");
  let pool = new UrlPool();
  /** @type {Array<() => void>} */
  let disposers = [];
  const commit = (/** @type {Record<string, any>} */ changes) => {
    for (const [key, value] of Object.entries(changes)) model.set(key, value);
    model.save_changes();
  };

  const search = /** @type {HTMLInputElement} */ (h("input", { type: "search", class: "rnb-query", placeholder: "Filter by text…" }));
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let debounce;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => commit({ query: search.value, page: 0 }), 200);
  });
  const winner = /** @type {HTMLSelectElement} */ (h("select", { class: "rnb-winner-filter" }));
  winner.addEventListener("change", () => commit({ winner_filter: winner.value, page: 0 }));
  const prev = h("button", { type: "button", class: "rnb-prev", text: "‹ Prev", onclick: () => commit({ page: model.get("page") - 1 }) });
  const next = h("button", { type: "button", class: "rnb-next", text: "Next ›", onclick: () => commit({ page: model.get("page") + 1 }) });
  const pageLabel = h("span", { class: "rnb-page" });
  const grid = h("div", { class: "rnb-grid" });
  el.replaceChildren(
    h("div", { class: "rnb-card", style: { maxWidth: "none" } }, [
      h("div", { class: "rnb-toolbar" }, [search, winner, h("div", { class: "rnb-pager" }, [prev, pageLabel, next])]),
      grid,
    ]),
  );

  const draw = guard(el, NAME, () => {
    for (const dispose of disposers.splice(0)) dispose();
    pool.release();
    pool = new UrlPool();
    if (document.activeElement !== search) search.value = model.get("query") ?? "";
    /** @type {string[]} */
    const winners = model.get("winners") ?? [];
    const current = model.get("winner_filter") ?? "";
    winner.replaceChildren(
      h("option", { value: "", text: "All winners" }),
      ...winners.map((w) => h("option", { value: w, text: w })),
    );
    winner.value = current;
    const page = model.get("page");
    const pages = model.get("n_pages");
    /** @type {HTMLButtonElement} */ (prev).disabled = page <= 0;
    /** @type {HTMLButtonElement} */ (next).disabled = page >= pages - 1;
    pageLabel.textContent = `${pages ? page + 1 : 0} / ${pages} · ${model.get("n_matches")} of ${model.get("n_total")}`;
    /** @type {Card[]} */
    const cards = model.get("cards") ?? [];
    grid.replaceChildren(
      ...(cards.length ? cards.map((c) => cardElement(c, pool, disposers)) : [h("div", { class: "rnb-empty", text: "No datapoints match." })]),
    );
  });

  const events = ["change:cards", "change:page", "change:n_pages", "change:winners", "change:query", "change:winner_filter"];
  for (const event of events) model.on(event, draw);
  try {
    draw();
  } catch (error) {
    showError(el, NAME, error);
  }
  return () => {
    clearTimeout(debounce);
    for (const event of events) model.off(event, draw);
    for (const dispose of disposers.splice(0)) dispose();
    pool.release();
  };
}

export default { render };
