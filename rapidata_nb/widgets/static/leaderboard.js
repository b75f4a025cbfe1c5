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

// leaderboard.js
var NAME = "Leaderboard";
var fmt = (v) => v === null || v === void 0 || !Number.isFinite(v) ? "–" : v.toFixed(0);
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-leaderboard");
  const draw = guard(el, NAME, () => {
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
    const x = (v) => `${((v - lo) / (hi - lo) * 100).toFixed(2)}%`;
    const hasWins = rows.some((r) => r.wins !== null && r.wins !== void 0);
    const hasBattles = rows.some((r) => r.battles !== null && r.battles !== void 0);
    const head = h("tr", {}, [
      h("th", { class: "rnb-num", text: "#" }),
      h("th", { text: "Model" }),
      h("th", { class: "rnb-num", text: "Score" }),
      h("th", { text: `Interval (${fmt(lo + pad)} – ${fmt(hi - pad)})` }),
      hasWins ? h("th", { class: "rnb-num", text: "Wins" }) : null,
      hasBattles ? h("th", { class: "rnb-num", text: "Battles" }) : null
    ]);
    const body = rows.map((r, i) => {
      const lower = r.lower ?? r.score;
      const upper = r.upper ?? r.score;
      return h(
        "tr",
        {
          "data-model": r.model,
          class: selected === r.model ? "rnb-chosen" : void 0,
          style: { cursor: "pointer" },
          onclick: () => {
            model.set("selected", selected === r.model ? null : r.model);
            model.save_changes();
          }
        },
        [
          h("td", { class: "rnb-num", text: String(i + 1) }),
          h("td", { class: "rnb-lb-name", text: r.model }),
          h("td", { class: "rnb-num rnb-lb-score", text: fmt(r.score) }),
          h("td", { title: `${fmt(lower)} – ${fmt(upper)}` }, [
            h("div", { class: "rnb-interval" }, [
              h("div", { class: "rnb-interval-axis" }),
              h("div", { class: "rnb-interval-range", style: { left: x(lower), width: `calc(${x(upper)} - ${x(lower)})` } }),
              h("div", { class: "rnb-interval-dot", style: { left: x(r.score) } })
            ])
          ]),
          hasWins ? h("td", { class: "rnb-num", text: r.wins === null || r.wins === void 0 ? "–" : String(r.wins) }) : null,
          hasBattles ? h("td", { class: "rnb-num", text: r.battles === null || r.battles === void 0 ? "–" : String(r.battles) }) : null
        ]
      );
    });
    el.replaceChildren(
      h("div", { class: "rnb-card" }, [
        h("div", { class: "rnb-scroll" }, [
          h("table", { class: "rnb-table" }, [h("thead", {}, [head]), h("tbody", {}, body)])
        ])
      ])
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
var leaderboard_default = { render };
export {
  leaderboard_default as default
};
