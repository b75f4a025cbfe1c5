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
var UrlPool = class {
  constructor() {
    this.urls = [];
  }
  /**
   * A URL for a media item: its `src`, or an object URL over its bytes.
   * @param {Media} media
   * @returns {string}
   */
  url(media) {
    if (media.src) return media.src;
    if (!media.data) return "";
    const bytes = toBytes(media.data);
    const url = URL.createObjectURL(new Blob([
      /** @type {BlobPart} */
      bytes
    ], { type: media.mime || "application/octet-stream" }));
    this.urls.push(url);
    return url;
  }
  release() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }
};
function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
function mediaElement(media, pool, options = {}) {
  if (!media) return h("div", { class: "rnb-media rnb-media-missing", text: "(no media)" });
  if (media.kind === "text") {
    const box = h("div", { class: "rnb-media rnb-media-text" });
    if (options.markdown) box.innerHTML = miniMarkdown(media.text ?? "");
    else box.textContent = media.text ?? "";
    return box;
  }
  const src = pool.url(media);
  if (media.kind === "video") {
    return h("video", {
      class: "rnb-media",
      src,
      controls: "",
      playsinline: "",
      muted: options.muted ? "" : void 0,
      loop: options.loop === false ? void 0 : ""
    });
  }
  if (media.kind === "audio") {
    return h("div", { class: "rnb-media rnb-media-audio" }, [
      h("audio", { src, controls: "", loop: options.loop === false ? void 0 : "" }),
      h("div", { class: "rnb-caption", text: media.name ?? "" })
    ]);
  }
  return h("img", { class: "rnb-media", src, alt: media.name ?? "", draggable: "false" });
}
function miniMarkdown(text) {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|[^\w])_([^_]+)_(?=[^\w]|$)/g, "$1<em>$2</em>").replace(/\*([^*]+)\*/g, "<em>$1</em>").replace(/\n/g, "<br>");
}
function relativePoint(el, event) {
  const rect = el.getBoundingClientRect();
  const x = (event.clientX - rect.left) / Math.max(1, rect.width);
  const y = (event.clientY - rect.top) / Math.max(1, rect.height);
  const round = (v) => Math.round(Math.min(1, Math.max(0, v)) * 1e4) / 1e4;
  return { x: round(x), y: round(y) };
}

// task_renderers.js
var TASK_TYPES = (
  /** @type {const} */
  [
    "compare",
    "classify",
    "locate",
    "draw",
    "select_words",
    "free_text",
    "ranking"
  ]
);
function flag(settings, key) {
  const value = settings[key];
  return value !== void 0 && String(value).toLowerCase() !== "false" && value !== "0";
}
function intSetting(settings, key, fallback) {
  const value = settings[key];
  if (value === void 0 || value === null || value === "") return fallback;
  const n = Number.parseInt(String(value), 10);
  return Number.isFinite(n) ? n : fallback;
}
function renderTask(el, task, options = {}) {
  const settings = task.settings ?? {};
  const pool = new UrlPool();
  const disposers = [() => pool.release()];
  const ctx = {
    settings,
    pool,
    interactive: options.interactive !== false,
    onAnswer: options.onAnswer ?? (() => {
    }),
    answer: options.answer ?? null,
    /** @param {() => void} fn */
    defer: (fn) => disposers.push(fn),
    mediaOptions: {
      markdown: flag(settings, "use_main_text_markdown"),
      muted: flag(settings, "mute_video_asset"),
      loop: !flag(settings, "disable_autoloop")
    }
  };
  const renderer = RENDERERS[task.type];
  if (!renderer) throw new Error(`unknown task type ${JSON.stringify(task.type)}; expected one of ${TASK_TYPES.join(", ")}`);
  const root = h("div", {
    class: `rnb-task rnb-task-${task.type}${ctx.interactive ? "" : " rnb-readonly"}`,
    "data-task-type": task.type,
    tabindex: "0"
  });
  root.append(header(task, ctx));
  root.append(renderer(task, ctx));
  root.addEventListener("keydown", (event) => onKey(root, event));
  el.replaceChildren(root);
  return () => {
    for (const dispose of disposers.splice(0)) dispose();
  };
}
function onKey(root, event) {
  const target = (
    /** @type {HTMLElement} */
    event.target
  );
  const typing = target.tagName === "TEXTAREA" || target.tagName === "INPUT";
  let button = null;
  if (event.key === "Enter" && (!typing || event.ctrlKey || event.metaKey)) {
    button = root.querySelector(".rnb-submit:not(:disabled)");
  } else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && event.key.length === 1) {
    button = root.querySelector(`[data-key="${CSS.escape(event.key.toLowerCase())}"]:not(:disabled)`);
  }
  if (!button) return;
  event.preventDefault();
  event.stopPropagation();
  button.click();
}
function header(task, ctx) {
  const parts = [];
  if (!flag(ctx.settings, "no_aux_text")) {
    parts.push(h("div", { class: "rnb-instruction", text: task.instruction }));
  }
  if (task.context) parts.push(h("div", { class: "rnb-context", text: task.context }));
  if (flag(ctx.settings, "swap_question_and_prompt")) parts.reverse();
  if (task.media_context && task.media_context.length) {
    parts.push(
      h(
        "div",
        { class: "rnb-media-context" },
        task.media_context.map((m) => mediaElement(m, ctx.pool, ctx.mediaOptions))
      )
    );
  }
  return h("div", { class: "rnb-task-header" }, parts);
}
function status(text) {
  return h("div", { class: "rnb-status", "aria-live": "polite", text });
}
var RENDERERS = {
  compare: (task, ctx) => pairwise(task, ctx, true),
  ranking: (task, ctx) => pairwise(task, ctx, false),
  classify,
  locate,
  draw,
  select_words: selectWords,
  free_text: freeText
};
function pairwise(task, ctx, allowUnsure) {
  const names = task.names ?? task.media.map((m, i) => m.name ?? (i === 0 ? "A" : "B"));
  const body = h("div", { class: "rnb-body" });
  const chosen = ctx.answer?.voted_for ?? null;
  const line = status(chosen ? `Recorded: ${chosen}` : "");
  const buttons = [];
  const choose = (name) => {
    if (!ctx.interactive) return;
    for (const b of buttons) b.classList.toggle("rnb-chosen", b.dataset.name === name);
    line.textContent = `Recorded: ${name}`;
    ctx.onAnswer({ voted_for: name });
  };
  const sides = h("div", { class: "rnb-sides" });
  task.media.forEach((media, i) => {
    const side = h(
      "button",
      {
        type: "button",
        class: `rnb-side${chosen === names[i] ? " rnb-chosen" : ""}`,
        "data-name": names[i],
        "data-side": String(i),
        "data-key": String(i + 1),
        title: `Key ${i + 1}`,
        disabled: !ctx.interactive,
        onclick: () => choose(names[i])
      },
      [mediaElement(media, ctx.pool, ctx.mediaOptions), h("span", { class: "rnb-side-label", text: names[i] })]
    );
    buttons.push(side);
    sides.append(side);
  });
  body.append(sides);
  const delay = allowUnsure ? intSetting(ctx.settings, "compare_unsure", null) : null;
  if (delay !== null) {
    const extra = h("div", { class: "rnb-unsure" });
    for (const name of ["Neither", "Both"]) {
      const b = h("button", {
        type: "button",
        class: `rnb-option rnb-unsure-option${chosen === name ? " rnb-chosen" : ""}`,
        "data-name": name,
        "data-key": name[0].toLowerCase(),
        title: `Key ${name[0]}`,
        text: name,
        onclick: () => choose(name)
      });
      buttons.push(b);
      extra.append(b);
    }
    const unsure = (
      /** @type {HTMLButtonElement[]} */
      Array.from(extra.children)
    );
    const enable = () => unsure.forEach((b) => b.disabled = !ctx.interactive);
    if (delay > 0) {
      unsure.forEach((b) => b.disabled = true);
      extra.setAttribute("title", `Available after ${delay / 1e3} s`);
      const timer = setTimeout(enable, delay);
      ctx.defer(() => clearTimeout(timer));
    } else {
      enable();
    }
    body.append(extra);
  }
  body.append(line);
  return body;
}
function classify(task, ctx) {
  const chosen = ctx.answer?.selected ?? null;
  const line = status(chosen ? `Recorded: ${chosen}` : "");
  const grid = h("div", { class: "rnb-options" });
  for (const [i, option] of (task.options ?? []).entries()) {
    grid.append(
      h("button", {
        type: "button",
        class: `rnb-option${chosen === option ? " rnb-chosen" : ""}`,
        "data-option": option,
        "data-key": i < 9 ? String(i + 1) : void 0,
        title: i < 9 ? `Key ${i + 1}` : void 0,
        text: option,
        disabled: !ctx.interactive,
        onclick: () => {
          for (const b of grid.children) b.classList.toggle("rnb-chosen", b.getAttribute("data-option") === option);
          line.textContent = `Recorded: ${option}`;
          ctx.onAnswer({ selected: option });
        }
      })
    );
  }
  return h("div", { class: "rnb-body" }, [single(task, ctx), grid, line]);
}
function single(task, ctx) {
  return h("div", { class: "rnb-stage" }, [mediaElement(task.media[0], ctx.pool, ctx.mediaOptions)]);
}
function actionRow(ctx, actions) {
  const make = (label, cls, fn) => fn ? h("button", {
    type: "button",
    class: `rnb-action ${cls}`,
    text: label,
    disabled: !ctx.interactive,
    onclick: fn
  }) : null;
  return h("div", { class: "rnb-actions" }, [
    make("Undo", "rnb-undo", actions.onUndo),
    make("Clear", "rnb-clear", actions.onClear),
    make("Submit", "rnb-submit rnb-primary", actions.onSubmit)
  ]);
}
function locate(task, ctx) {
  const minPoints = intSetting(ctx.settings, "locate_min_points", 1) ?? 1;
  const maxPoints = intSetting(ctx.settings, "locate_max_points", null);
  let points = (ctx.answer?.points ?? []).map((p) => ({ ...p }));
  const stage = single(task, ctx);
  stage.classList.add("rnb-tappable");
  const markers = h("div", { class: "rnb-overlay" });
  stage.append(markers);
  const hint = h("div", { class: "rnb-hint" });
  const line = status(ctx.answer ? `Recorded: ${ctx.answer.points?.length ?? 0} point(s)` : "");
  const limits = maxPoints === null ? `at least ${minPoints}` : minPoints === maxPoints ? `${minPoints}` : `${minPoints}–${maxPoints}`;
  const redraw = () => {
    markers.replaceChildren(
      ...points.map(
        (p, i) => h("span", {
          class: "rnb-point",
          "data-index": String(i),
          style: { left: `${p.x * 100}%`, top: `${p.y * 100}%` }
        })
      )
    );
    hint.textContent = `Tap ${limits} point(s) · ${points.length} placed`;
    submit.disabled = !ctx.interactive || points.length < minPoints;
  };
  stage.addEventListener("click", (event) => {
    if (!ctx.interactive) return;
    const target = (
      /** @type {HTMLElement} */
      event.target
    );
    if (target.classList.contains("rnb-point")) {
      points.splice(Number(target.dataset.index), 1);
    } else if (maxPoints === null || points.length < maxPoints) {
      points.push(relativePoint(stage, event));
    } else {
      hint.textContent = `At most ${maxPoints} point(s); tap a point to remove it`;
      return;
    }
    redraw();
  });
  const row = actionRow(ctx, {
    onUndo: () => {
      points.pop();
      redraw();
    },
    onClear: () => {
      points = [];
      redraw();
    },
    onSubmit: () => {
      line.textContent = `Recorded: ${points.length} point(s)`;
      ctx.onAnswer({ points: points.map((p) => ({ ...p })) });
    }
  });
  const submit = (
    /** @type {HTMLButtonElement} */
    row.querySelector(".rnb-submit")
  );
  redraw();
  return h("div", { class: "rnb-body" }, [stage, hint, row, line]);
}
function draw(task, ctx) {
  let lines = (ctx.answer?.lines ?? []).map((l) => l.map((p) => ({ ...p })));
  let current = null;
  const stage = single(task, ctx);
  stage.classList.add("rnb-drawable");
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "rnb-overlay rnb-draw-canvas" })
  );
  stage.append(canvas);
  const hint = h("div", { class: "rnb-hint" });
  const line = status(ctx.answer ? `Recorded: ${ctx.answer.lines?.length ?? 0} line(s)` : "");
  const paint = () => {
    const rect = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    const g = canvas.getContext("2d");
    if (!g) return;
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.lineCap = "round";
    g.lineJoin = "round";
    g.lineWidth = Math.max(3, canvas.width / 80);
    g.strokeStyle = "rgba(255, 64, 129, 0.85)";
    for (const stroke of current ? [...lines, current] : lines) {
      if (!stroke.length) continue;
      g.beginPath();
      g.moveTo(stroke[0].x * canvas.width, stroke[0].y * canvas.height);
      for (const p of stroke.slice(1)) g.lineTo(p.x * canvas.width, p.y * canvas.height);
      if (stroke.length === 1) g.lineTo(stroke[0].x * canvas.width + 0.1, stroke[0].y * canvas.height);
      g.stroke();
    }
    hint.textContent = `Draw over the image · ${lines.length} line(s)`;
    submit.disabled = !ctx.interactive || lines.length === 0;
  };
  canvas.addEventListener("pointerdown", (event) => {
    if (!ctx.interactive) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    current = [relativePoint(canvas, event)];
    paint();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    current.push(relativePoint(canvas, event));
    paint();
  });
  const finish = () => {
    if (!current) return;
    lines.push(current);
    current = null;
    paint();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  const resize = new ResizeObserver(() => paint());
  resize.observe(canvas);
  ctx.defer(() => resize.disconnect());
  const row = actionRow(ctx, {
    onUndo: () => {
      lines.pop();
      paint();
    },
    onClear: () => {
      lines = [];
      paint();
    },
    onSubmit: () => {
      line.textContent = `Recorded: ${lines.length} line(s)`;
      ctx.onAnswer({ lines: lines.map((l) => l.map((p) => ({ ...p }))) });
    }
  });
  const submit = (
    /** @type {HTMLButtonElement} */
    row.querySelector(".rnb-submit")
  );
  paint();
  return h("div", { class: "rnb-body" }, [stage, hint, row, line]);
}
function selectWords(task, ctx) {
  const words = (task.sentence ?? "").split(" ").filter((w) => w.length > 0);
  const selected = new Set(ctx.answer?.selected_indices ?? []);
  const line = status(ctx.answer ? `Recorded: ${(ctx.answer.selected_words ?? []).join(" ") || "(none)"}` : "");
  const sentence = h("div", { class: "rnb-words" });
  words.forEach((word, i) => {
    sentence.append(
      h("button", {
        type: "button",
        class: `rnb-word${selected.has(i) ? " rnb-chosen" : ""}`,
        "data-index": String(i),
        text: word,
        disabled: !ctx.interactive,
        onclick: (event) => {
          const b = (
            /** @type {HTMLElement} */
            event.currentTarget
          );
          if (selected.has(i)) selected.delete(i);
          else selected.add(i);
          b.classList.toggle("rnb-chosen", selected.has(i));
        }
      })
    );
  });
  const row = actionRow(ctx, {
    onClear: () => {
      selected.clear();
      for (const b of sentence.children) b.classList.remove("rnb-chosen");
    },
    onSubmit: () => {
      const indices = [...selected].sort((a, b) => a - b);
      const chosen = indices.map((i) => words[i]);
      line.textContent = `Recorded: ${chosen.join(" ") || "(none)"}`;
      ctx.onAnswer({ selected_words: chosen, selected_indices: indices });
    }
  });
  return h("div", { class: "rnb-body" }, [single(task, ctx), sentence, row, line]);
}
function freeText(task, ctx) {
  const minChars = intSetting(ctx.settings, "free_text_minimum_characters", 1) ?? 1;
  const maxChars = intSetting(ctx.settings, "free_text_max_characters", 1024) ?? 1024;
  const numeric = flag(ctx.settings, "keyboard_numeric");
  const box = (
    /** @type {HTMLTextAreaElement} */
    h("textarea", {
      class: "rnb-textbox",
      rows: "3",
      maxlength: String(maxChars),
      inputmode: numeric ? "numeric" : void 0,
      placeholder: "Type your answer",
      disabled: !ctx.interactive
    })
  );
  box.value = ctx.answer?.text ?? "";
  const counter = h("div", { class: "rnb-hint rnb-counter" });
  const line = status(ctx.answer ? `Recorded: ${ctx.answer.text}` : "");
  const row = actionRow(ctx, {
    onSubmit: () => {
      line.textContent = `Recorded: ${box.value}`;
      ctx.onAnswer({ text: box.value });
    }
  });
  const submit = (
    /** @type {HTMLButtonElement} */
    row.querySelector(".rnb-submit")
  );
  const update = () => {
    const n = box.value.length;
    counter.textContent = `${n} / ${maxChars}${n < minChars ? ` · at least ${minChars}` : ""}`;
    submit.disabled = !ctx.interactive || n < minChars || n > maxChars;
  };
  box.addEventListener("input", update);
  update();
  return h("div", { class: "rnb-body" }, [single(task, ctx), box, counter, row, line]);
}

// task_preview.js
var NAME = "TaskPreview";
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-task-preview");
  let cleanupTask = () => {
  };
  const draw2 = guard(el, NAME, () => {
    cleanupTask();
    const task = model.get("task");
    const index = typeof task.index === "number" ? task.index : model.get("index");
    const total = model.get("n_tasks");
    const answers = model.get("answers") ?? [];
    const previous = answers.find((a) => a.index === index) ?? null;
    const stage = h("div", { class: "rnb-preview-stage" });
    const go = (delta) => {
      model.set("index", Math.min(total - 1, Math.max(0, index + delta)));
      model.save_changes();
    };
    const nav = h("div", { class: "rnb-nav" }, [
      h("span", { class: "rnb-badge", text: task.type.replace("_", " ") }),
      h("button", { type: "button", class: "rnb-prev", text: "‹ Prev", disabled: index <= 0, onclick: () => go(-1) }),
      h("span", { class: "rnb-page", text: `${index + 1} / ${total}` }),
      h("button", { type: "button", class: "rnb-next", text: "Next ›", disabled: index >= total - 1, onclick: () => go(1) }),
      h("span", { class: "rnb-answered", text: `${answers.length} answered` })
    ]);
    el.replaceChildren(h("div", { class: "rnb-card" }, [nav, stage]));
    cleanupTask = renderTask(stage, task, {
      interactive: model.get("interactive"),
      answer: previous,
      onAnswer: guard(el, NAME, (answer) => {
        const rest = (model.get("answers") ?? []).filter((a) => a.index !== index);
        const entry = { index, type: task.type, ...answer };
        model.set("answers", [...rest, entry].sort((a, b) => a.index - b.index));
        model.save_changes();
        const counter = el.querySelector(".rnb-answered");
        if (counter) counter.textContent = `${rest.length + 1} answered`;
      })
    });
  });
  const events = ["change:task", "change:n_tasks", "change:interactive"];
  for (const event of events) model.on(event, draw2);
  try {
    draw2();
  } catch (error) {
    showError(el, NAME, error);
  }
  return () => {
    for (const event of events) model.off(event, draw2);
    cleanupTask();
  };
}
var task_preview_default = { render };
export {
  task_preview_default as default
};
