// Leaderboard: scores with their confidence intervals (rapidata_nb/widgets/leaderboard.py).

import { guard, h, showError } from "./common.js";

const NAME = "Leaderboard";

/**
 * @typedef {Object} LeaderboardRow
 * @property {string} model
 * @property {number} score
 * @property {number|null} lower
 * @property {number|null} upper
 * @property {number|null} wins
 * @property {number|null} battles
 */

/** @param {number|null|undefined} v */
const fmt = (v) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(0));

/**
 * @param {{model: import("./common.js").Model, el: HTMLElement}} props
 */
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-leaderboard");
  const draw = guard(el, NAME, () => {
    /** @type {LeaderboardRow[]} */
    const rows = model.get("rows") ?? [];
    const selected = model.get("selected");
    const values = rows.flatMap((r) => [r.score, r.lower ?? r.score, r.upper ?? r.score]).filter(Number.isFinite);
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (!Number.isFinite(lo) || hi - lo < 1e-9) {
      lo = (lo || 0) - 1;
      hi = (hi || 0) + 1;
    }
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    const x = (/** @type {number} */ v) => `${(((v - lo) / (hi - lo)) * 100).toFixed(2)}%`;
    // Columns nobody has a value for (no wins/battles in the frame) are left out.
    const hasWins = rows.some((r) => r.wins !== null && r.wins !== undefined);
    const hasBattles = rows.some((r) => r.battles !== null && r.battles !== undefined);
    const head = h("tr", {}, [
      h("th", { class: "rnb-num", text: "#" }),
      h("th", { text: "Model" }),
      h("th", { class: "rnb-num", text: "Score" }),
      h("th", { text: `Interval (${fmt(lo + pad)} – ${fmt(hi - pad)})` }),
      hasWins ? h("th", { class: "rnb-num", text: "Wins" }) : null,
      hasBattles ? h("th", { class: "rnb-num", text: "Battles" }) : null,
    ]);
    const body = rows.map((r, i) => {
      const lower = r.lower ?? r.score;
      const upper = r.upper ?? r.score;
      return h(
        "tr",
        {
          "data-model": r.model,
          class: selected === r.model ? "rnb-chosen" : undefined,
          style: { cursor: "pointer" },
          onclick: () => {
            model.set("selected", selected === r.model ? null : r.model);
            model.save_changes();
          },
        },
        [
          h("td", { class: "rnb-num", text: String(i + 1) }),
          h("td", { class: "rnb-lb-name", text: r.model }),
          h("td", { class: "rnb-num rnb-lb-score", text: fmt(r.score) }),
          h("td", { title: `${fmt(lower)} – ${fmt(upper)}` }, [
            h("div", { class: "rnb-interval" }, [
              h("div", { class: "rnb-interval-axis" }),
              h("div", { class: "rnb-interval-range", style: { left: x(lower), width: `calc(${x(upper)} - ${x(lower)})` } }),
              h("div", { class: "rnb-interval-dot", style: { left: x(r.score) } }),
            ]),
          ]),
          hasWins ? h("td", { class: "rnb-num", text: r.wins === null || r.wins === undefined ? "–" : String(r.wins) }) : null,
          hasBattles
            ? h("td", { class: "rnb-num", text: r.battles === null || r.battles === undefined ? "–" : String(r.battles) })
            : null,
        ],
      );
    });
    el.replaceChildren(
      h("div", { class: "rnb-card" }, [
        h("div", { class: "rnb-scroll" }, [
          h("table", { class: "rnb-table" }, [h("thead", {}, [head]), h("tbody", {}, body)]),
        ]),
      ]),
    );
  });
  const events = ["change:rows", "change:selected"];
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
