// WinLossMatrix: a canvas heatmap of pairwise wins (rapidata_nb/widgets/winloss_matrix.py).
// One canvas instead of n² DOM nodes, so 100 × 100 renders in a few milliseconds.

import { guard, h, showError, toBytes } from "./common.js";

const NAME = "WinLossMatrix";

/**
 * The clicked cell, as stored in the `selected` trait.
 * @typedef {{a: string, b: string, a_wins: number, b_wins: number}} Selection
 */
const NO_GAMES = [233, 236, 239];

/**
 * Diverging ramp: 0 (always lost) red, 0.5 white, 1 (always won) blue.
 * @param {number} t  win rate in [0, 1]
 * @returns {number[]} [r, g, b]
 */
function rampRgb(t) {
  const stops = [
    [0, [202, 0, 32]],
    [0.25, [244, 165, 130]],
    [0.5, [247, 247, 247]],
    [0.75, [146, 197, 222]],
    [1, [5, 113, 176]],
  ];
  let i = 1;
  while (i < stops.length - 1 && t > /** @type {number} */ (stops[i][0])) i++;
  const [t0, c0] = /** @type {[number, number[]]} */ (stops[i - 1]);
  const [t1, c1] = /** @type {[number, number[]]} */ (stops[i]);
  const u = Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  return c0.map((v, k) => Math.round(v + (c1[k] - v) * u));
}

/** The ramp sampled at every whole percent: colouring a cell is a table look-up. */
const RAMP = Array.from({ length: 101 }, (_, i) => rampRgb(i / 100));

/**
 * @param {number} t  win rate in [0, 1]
 * @returns {string} a CSS colour
 */
export function rampColor(t) {
  const [r, g, b] = RAMP[Math.round(Math.min(1, Math.max(0, t)) * 100)];
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Decode the `counts` trait (int32 little-endian, row-major n × n).
 * @param {any} raw  DataView / ArrayBuffer / Uint8Array (binary buffer) or a nested list.
 * @param {number} n
 * @returns {Int32Array}
 */
export function decodeCounts(raw, n) {
  if (Array.isArray(raw)) return Int32Array.from(raw.flat());
  const bytes = toBytes(raw);
  const counts = new Int32Array(bytes.slice().buffer);
  if (counts.length !== n * n) throw new Error(`counts has ${counts.length} cells, expected ${n} × ${n}`);
  return counts;
}

/**
 * @param {{model: import("./common.js").Model, el: HTMLElement}} props
 */
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-winloss");
  /** @type {null | (() => void)} */
  let detach = null;

  const draw = guard(el, NAME, () => {
    detach?.();
    /** @type {string[]} */
    const names = model.get("names") ?? [];
    const n = names.length;
    const counts = decodeCounts(model.get("counts"), n);
    const wins = (/** @type {number} */ a, /** @type {number} */ b) => counts[a * n + b];

    const cell = Math.max(4, Math.min(32, Math.floor(640 / Math.max(1, n))));
    const showLabels = cell >= 9;
    const fontSize = Math.min(12, Math.max(8, cell - 2));
    const measure = document.createElement("canvas").getContext("2d");
    let labelSpace = 8;
    if (showLabels && measure) {
      measure.font = `${fontSize}px sans-serif`;
      labelSpace = Math.min(150, Math.ceil(Math.max(0, ...names.map((s) => measure.measureText(s).width))) + 10);
    }
    const left = labelSpace;
    const top = labelSpace;
    const width = left + n * cell + 1;
    const height = top + n * cell + 1;
    const ratio = window.devicePixelRatio || 1;
    const canvas = /** @type {HTMLCanvasElement} */ (
      h("canvas", { class: "rnb-matrix-canvas", role: "img", "aria-label": `Win/loss matrix of ${n} items, best first` })
    );
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    // Geometry for tests and tools: the grid starts at (left, top) in CSS pixels.
    canvas.dataset.left = String(left);
    canvas.dataset.top = String(top);
    canvas.dataset.cell = String(cell);
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    g.scale(ratio, ratio);

    // One pixel per cell in an n × n image, scaled up without smoothing: a single drawImage instead of
    // n² fillRect calls. Large cells get a white grid drawn over it.
    const pixels = new ImageData(Math.max(1, n), Math.max(1, n));
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const w = wins(a, b);
        const l = wins(b, a);
        const rgb = a === b || w + l === 0 ? NO_GAMES : RAMP[Math.round((100 * w) / (w + l))];
        pixels.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * (a * n + b));
      }
    }
    if (n > 0) {
      const image = document.createElement("canvas");
      image.width = n;
      image.height = n;
      /** @type {CanvasRenderingContext2D} */ (image.getContext("2d")).putImageData(pixels, 0, 0);
      g.imageSmoothingEnabled = false;
      g.drawImage(image, left, top, n * cell, n * cell);
    }
    if (cell > 6) {
      g.strokeStyle = getComputedStyle(el).getPropertyValue("--rnb-bg").trim() || "#ffffff";
      g.lineWidth = 1;
      g.beginPath();
      for (let i = 1; i <= n; i++) {
        g.moveTo(left + i * cell - 0.5, top);
        g.lineTo(left + i * cell - 0.5, top + n * cell);
        g.moveTo(left, top + i * cell - 0.5);
        g.lineTo(left + n * cell, top + i * cell - 0.5);
      }
      g.stroke();
    }
    if (cell >= 22) {
      g.font = `${Math.min(11, cell / 2.4)}px sans-serif`;
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillStyle = "#212529";
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          if (a !== b && wins(a, b) + wins(b, a) > 0) {
            g.fillText(String(wins(a, b)), left + b * cell + cell / 2, top + a * cell + cell / 2);
          }
        }
      }
    }
    if (showLabels) {
      g.font = `${fontSize}px sans-serif`;
      g.fillStyle = getComputedStyle(el).color || "#1f2328";
      g.textBaseline = "middle";
      g.textAlign = "right";
      names.forEach((name, i) => g.fillText(name, left - 5, top + i * cell + cell / 2, labelSpace - 8));
      g.save();
      g.rotate(-Math.PI / 2);
      g.textAlign = "left";
      names.forEach((name, i) => g.fillText(name, -top + 5, left + i * cell + cell / 2, labelSpace - 8));
      g.restore();
    }
    /** @type {Selection | null} */
    const selected = model.get("selected");
    if (selected) {
      const a = names.indexOf(selected.a);
      const b = names.indexOf(selected.b);
      if (a >= 0 && b >= 0) {
        g.strokeStyle = "#212529";
        g.lineWidth = 2;
        g.strokeRect(left + b * cell, top + a * cell, cell - 1, cell - 1);
      }
    }

    const tooltip = h("div", { class: "rnb-tooltip", style: { display: "none" } });
    const wrap = h("div", { class: "rnb-matrix-wrap" }, [canvas, tooltip]);
    /** @param {MouseEvent} event */
    const cellAt = (event) => {
      const rect = canvas.getBoundingClientRect();
      const x = ((event.clientX - rect.left) / rect.width) * width;
      const y = ((event.clientY - rect.top) / rect.height) * height;
      const b = Math.floor((x - left) / cell);
      const a = Math.floor((y - top) / cell);
      return a >= 0 && b >= 0 && a < n && b < n ? { a, b, x, y } : null;
    };
    const onMove = guard(el, NAME, (/** @type {MouseEvent} */ event) => {
      const hit = cellAt(event);
      if (!hit || hit.a === hit.b) {
        tooltip.style.display = "none";
        return;
      }
      const w = wins(hit.a, hit.b);
      const l = wins(hit.b, hit.a);
      const rate = w + l ? ` (${Math.round((100 * w) / (w + l))}%)` : "";
      tooltip.textContent = `${names[hit.a]} beat ${names[hit.b]} ${w}×, lost ${l}×${rate}`;
      tooltip.style.display = "block";
      tooltip.style.left = `${hit.x + 12}px`;
      tooltip.style.top = `${hit.y + 12}px`;
    });
    const onLeave = () => (tooltip.style.display = "none");
    const onClick = guard(el, NAME, (/** @type {MouseEvent} */ event) => {
      const hit = cellAt(event);
      if (!hit || hit.a === hit.b) return;
      model.set("selected", { a: names[hit.a], b: names[hit.b], a_wins: wins(hit.a, hit.b), b_wins: wins(hit.b, hit.a) });
      model.save_changes();
      draw();
    });
    canvas.addEventListener("mousemove", onMove);
    canvas.addEventListener("mouseleave", onLeave);
    canvas.addEventListener("click", onClick);
    detach = () => {
      canvas.removeEventListener("mousemove", onMove);
      canvas.removeEventListener("mouseleave", onLeave);
      canvas.removeEventListener("click", onClick);
    };

    const legend = h("div", { class: "rnb-legend" }, [
      h("span", { text: "row lost" }),
      h("span", {
        class: "rnb-legend-ramp",
        style: { background: `linear-gradient(90deg, ${[0, 0.25, 0.5, 0.75, 1].map(rampColor).join(", ")})` },
      }),
      h("span", { text: "row won" }),
      h("span", { text: `· ${n} × ${n}, sorted by score` }),
    ]);
    el.replaceChildren(h("div", { class: "rnb-card", style: { maxWidth: "none", display: "inline-block" } }, [legend, wrap, selection(selected)]));
  });

  /**
   * The matchups of the clicked cell.
   * @param {Selection | null} s
   */
  const selection = (s) => {
    if (!s) return h("div", { class: "rnb-selection rnb-hint", text: "Click a cell to list its matchups." });
    const total = s.a_wins + s.b_wins;
    const share = total ? ` (${s.a} won ${Math.round((100 * s.a_wins) / total)}%)` : " (never decided)";
    return h("div", { class: "rnb-selection" }, [
      h("strong", { text: `${s.a} vs ${s.b}` }),
      h("span", { class: "rnb-score-line", text: ` · ${s.a_wins}–${s.b_wins}${share}` }),
      battleList(model.get("matchups") ?? []),
    ]);
  };

  /**
   * The individual battles of the selected pair (when Python was given a battles frame).
   * @param {{id: string, model_a: string, model_b: string, winner: string}[]} battles
   */
  const battleList = (battles) => {
    if (!battles.length) return null;
    const outcome = (/** @type {{model_a: string, model_b: string, winner: string}} */ m) =>
      m.winner === "model_a" ? `${m.model_a} won` : m.winner === "model_b" ? `${m.model_b} won` : "tie";
    return h("div", { class: "rnb-matchups" }, [
      h("div", { class: "rnb-hint", text: `${battles.length} battle${battles.length === 1 ? "" : "s"}:` }),
      h(
        "ul",
        { class: "rnb-texts" },
        battles.map((m) => h("li", { "data-id": m.id, text: `${m.id}: ${m.model_a} vs ${m.model_b} · ${outcome(m)}` })),
      ),
    ]);
  };

  const events = ["change:names", "change:counts", "change:selected", "change:matchups"];
  for (const event of events) model.on(event, draw);
  try {
    draw();
  } catch (error) {
    showError(el, NAME, error);
  }
  return () => {
    detach?.();
    for (const event of events) model.off(event, draw);
  };
}

export default { render };
