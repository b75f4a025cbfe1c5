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

// label_app.js
var STORAGE_KEY = "rapidata_nb.labeler";
var POLL_MS = 3e3;
var COUNTRIES = [
  ["US", "United States"],
  ["GB", "United Kingdom"],
  ["DE", "Germany"],
  ["FR", "France"],
  ["ES", "Spain"],
  ["IT", "Italy"],
  ["CH", "Switzerland"],
  ["AT", "Austria"],
  ["NL", "Netherlands"],
  ["SE", "Sweden"],
  ["PL", "Poland"],
  ["PT", "Portugal"],
  ["CA", "Canada"],
  ["MX", "Mexico"],
  ["BR", "Brazil"],
  ["AR", "Argentina"],
  ["IN", "India"],
  ["CN", "China"],
  ["JP", "Japan"],
  ["KR", "South Korea"],
  ["ID", "Indonesia"],
  ["PH", "Philippines"],
  ["VN", "Vietnam"],
  ["TR", "Türkiye"],
  ["NG", "Nigeria"],
  ["KE", "Kenya"],
  ["ZA", "South Africa"],
  ["EG", "Egypt"],
  ["AU", "Australia"],
  ["NZ", "New Zealand"]
];
var LANGUAGES = [
  ["en", "English"],
  ["de", "German"],
  ["fr", "French"],
  ["es", "Spanish"],
  ["it", "Italian"],
  ["pt", "Portuguese"],
  ["nl", "Dutch"],
  ["sv", "Swedish"],
  ["pl", "Polish"],
  ["tr", "Turkish"],
  ["hi", "Hindi"],
  ["zh", "Chinese"],
  ["ja", "Japanese"],
  ["ko", "Korean"],
  ["id", "Indonesian"],
  ["vi", "Vietnamese"],
  ["ar", "Arabic"],
  ["sw", "Swahili"],
  ["ru", "Russian"],
  ["uk", "Ukrainian"]
];
var AGES = ["0-17", "18-29", "30-39", "40-49", "50-64", "65+"];
var GENDERS = ["Female", "Male", "Other"];
var OCCUPATIONS = [
  "Student",
  "Engineering",
  "Healthcare",
  "Education",
  "Arts & Design",
  "Sales & Service",
  "Management",
  "Research",
  "Retired",
  "Other"
];
function detectDevice() {
  const coarse = typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;
  const short = Math.min(screen.width || innerWidth, screen.height || innerHeight);
  if (coarse && short < 600) return "Phone";
  if (coarse) return "Tablet";
  if (innerWidth < 600) return "Phone";
  return "Desktop";
}
var FeedError = class extends Error {
  /**
   * @param {string} message
   * @param {number} status
   */
  constructor(message, status2) {
    super(message);
    this.status = status2;
  }
};
function adaptItem(item) {
  const type = (
    /** @type {Task["type"]} */
    item.kind
  );
  const task = {
    type,
    instruction: item.instruction,
    media: item.assets.map(toMedia),
    settings: item.flags ?? {}
  };
  if (item.context) task.context = item.context;
  if (item.mediaContext?.length) task.media_context = item.mediaContext.map(toMedia);
  let names = [];
  let wordIndex = [];
  if (type === "compare" || type === "ranking") {
    names = item.assets.map((_, i) => i === 0 ? "A" : "B");
    task.names = names;
  }
  if (type === "classify") task.options = item.options;
  if (type === "select_words") {
    wordIndex = item.words.flatMap((w, i) => w.length ? [i] : []);
    task.sentence = wordIndex.map((i) => item.words[i]).join(" ");
  }
  const toAnswer = (answer) => {
    switch (type) {
      case "compare":
      case "ranking": {
        const side = names.indexOf(answer.voted_for ?? "");
        return { winner: side >= 0 ? item.assets[side].index : answer.voted_for };
      }
      case "classify":
        return { category: answer.selected };
      case "locate":
        return { points: answer.points ?? [] };
      case "draw":
        return { lines: answer.lines ?? [] };
      case "select_words":
        return { wordIndices: (answer.selected_indices ?? []).map((k) => wordIndex[k]) };
      default:
        return { text: answer.text ?? "" };
    }
  };
  return { task, toAnswer };
}
function toMedia(asset) {
  if (asset.text !== void 0 && asset.text !== null) return { kind: "text", text: asset.text, name: "text" };
  const type = String(asset.contentType ?? "");
  const name = String(asset.sourceUrl ?? asset.fileName ?? "");
  let kind = "image";
  if (type.startsWith("video/") || /\.(mp4|webm|mov|m4v)(\?|$)/i.test(name)) kind = "video";
  else if (type.startsWith("audio/") || /\.(mp3|wav|ogg|m4a|flac)(\?|$)/i.test(name)) kind = "audio";
  return { kind, src: asset.url ?? asset.sourceUrl ?? "", name: name.split("/").pop() || "media" };
}
function mountLabelApp(el, config) {
  const base = (config.base ?? "").replace(/\/$/, "");
  const storage = config.storage === void 0 ? safeStorage() : config.storage;
  const audienceId = config.audience?.id ?? null;
  const emit = config.onEvent ?? (() => {
  });
  const transport = config.transport ?? fetchTransport(base);
  let current = null;
  let status2 = null;
  let cleanupTask = () => {
  };
  let timer = null;
  let ticker = null;
  let disposed = false;
  el.classList.add("rnb-widget", "rnb-label-app");
  const top = h("header", { class: "rnb-la-top" });
  const banner = h("div", { class: "rnb-la-banner", role: "alert", hidden: "" });
  const main = h("main", { class: "rnb-la-main" });
  el.replaceChildren(top, banner, main);
  const stopTimers = () => {
    if (timer) clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    timer = ticker = null;
  };
  async function call(method, path, body) {
    const { status: status3, data } = await transport(method, path, body);
    if (status3 >= 400) throw new FeedError(data?.message ?? `${method} ${path}: HTTP ${status3}`, status3);
    return data;
  }
  const showBanner = (message) => {
    banner.textContent = message ?? "";
    if (message) banner.removeAttribute("hidden");
    else banner.setAttribute("hidden", "");
  };
  const remembered = () => {
    try {
      return JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null");
    } catch {
      return null;
    }
  };
  const remember = (value) => {
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
    }
  };
  function drawTop() {
    const name = status2?.audience?.name ?? config.audience?.name ?? "All your audiences";
    const member = status2?.memberships.find((m) => m.audienceId === (status2?.audience?.id ?? audienceId));
    const chips = [];
    if (status2) {
      chips.push(h("span", { class: "rnb-la-chip rnb-la-progress", text: `${status2.answeredInSession} answered` }));
      if (member) {
        const label = member.state === null || member.state === "Distilling" ? `Qualifying · ${member.answered} of ${member.examples} examples` : member.state === "Graduated" ? "Qualified" : "Not qualified";
        const tone = (member.state ?? "distilling").toLowerCase();
        chips.push(h("span", { class: `rnb-la-chip rnb-la-state rnb-la-${tone}`, text: label }));
      }
      const score = member?.userScore ?? status2.globalScore;
      chips.push(h("span", { class: "rnb-la-chip rnb-la-score", title: "Your score", text: `Score ${score.toFixed(2)}` }));
    }
    top.replaceChildren(
      h("div", { class: "rnb-la-brand" }, [h("strong", { text: "Rapidata" }), h("span", { text: " label" })]),
      h("div", { class: "rnb-la-audience", text: name }),
      h("div", { class: "rnb-la-chips" }, chips)
    );
  }
  async function refreshStatus() {
    if (!current) return;
    try {
      status2 = await call("GET", `/session/${current.sessionId}`);
      drawTop();
      emit({ type: "status", detail: status2 });
    } catch {
    }
  }
  function showJoin() {
    stopTimers();
    cleanupTask();
    drawTop();
    const select = (name, label, options, value) => h("label", { class: "rnb-la-field" }, [
      h("span", { text: label }),
      h(
        "select",
        { name, required: "" },
        options.map(([v, text]) => {
          const o = (
            /** @type {HTMLOptionElement} */
            h("option", { value: v, text })
          );
          o.selected = v === value;
          return o;
        })
      )
    ]);
    const lang = (navigator.language || "en").slice(0, 2).toLowerCase();
    const region = (navigator.language || "en-US").split("-")[1]?.toUpperCase() ?? "US";
    const pairs = (xs) => xs.map((x) => [x, x]);
    const device = detectDevice();
    const form = (
      /** @type {HTMLFormElement} */
      h("form", { class: "rnb-la-form rnb-card" }, [
        h("h1", { text: config.audience ? `Join “${config.audience.name}”` : "Start labeling" }),
        h("p", {
          class: "rnb-hint",
          text: "Tell us a little about yourself. Your answers are stored with this profile; you never see other people's answers."
        }),
        h("label", { class: "rnb-la-field" }, [
          h("span", { text: "Name (optional)" }),
          h("input", { name: "name", maxlength: "200", autocomplete: "nickname" })
        ]),
        h("div", { class: "rnb-la-grid" }, [
          select("country", "Country", COUNTRIES, COUNTRIES.some(([c]) => c === region) ? region : "US"),
          select("language", "Language", LANGUAGES, LANGUAGES.some(([c]) => c === lang) ? lang : "en"),
          select("age", "Age", pairs(AGES), "18-29"),
          select("gender", "Gender", pairs(GENDERS), "Other"),
          select("occupation", "Occupation", pairs(OCCUPATIONS), "Other")
        ]),
        h("p", { class: "rnb-hint rnb-la-device", text: `Device: ${device}` }),
        h("button", { type: "submit", class: "rnb-action rnb-primary rnb-la-start", text: "Start labeling" })
      ])
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(form).entries());
      const profile = { ...data, name: String(data.name || "") || null, device };
      join(profile).catch((error) => showBanner(error.message));
    });
    main.replaceChildren(form);
  }
  async function join(profile) {
    const answer = await call("POST", "/session", { ...profile, audienceId });
    current = { sessionId: answer.sessionId, labelerId: answer.labelerId };
    const saved = remembered() ?? {};
    const resumeToken = answer.resumeToken ?? saved.resumeToken;
    const sessions = { ...saved.sessions ?? {}, [audienceId ?? ""]: answer.sessionId };
    remember({ labelerId: answer.labelerId, resumeToken, sessions });
    emit({ type: "joined", detail: current });
    showBanner(null);
    await next();
  }
  async function resume() {
    const saved = remembered();
    if (saved?.labelerId) {
      const sessionId = saved.sessions?.[audienceId ?? ""];
      if (sessionId) {
        try {
          status2 = await call("GET", `/session/${sessionId}`);
          current = { sessionId, labelerId: saved.labelerId };
          await next();
          return;
        } catch (error) {
          if (!(error instanceof FeedError) || error.status !== 404) throw error;
        }
      }
      try {
        await join({ labelerId: saved.labelerId, resumeToken: saved.resumeToken });
        return;
      } catch (error) {
        if (!(error instanceof FeedError) || error.status !== 404) throw error;
        remember(null);
      }
    }
    if (config.profile) await join(config.profile);
    else showJoin();
  }
  const only = () => config.jobId ? `&jobId=${encodeURIComponent(config.jobId)}` : "";
  async function next(served) {
    stopTimers();
    if (disposed || !current) return;
    if (served?.items.length) {
      refreshStatus();
      return show(served.items[0]);
    }
    await refreshStatus();
    const { items } = await call("GET", `/session/${current.sessionId}/tasks?limit=1${only()}`);
    if (!items.length) return showIdle();
    show(
      /** @type {FeedItem} */
      items[0]
    );
  }
  function showIdle() {
    cleanupTask();
    cleanupTask = () => {
    };
    const member = status2?.memberships.find((m) => m.audienceId === (status2?.audience?.id ?? audienceId));
    const dropped = member?.state === "Dropped";
    main.replaceChildren(
      h("div", { class: "rnb-card rnb-la-idle" }, [
        h("h2", { text: dropped ? "You did not qualify for this audience" : "No tasks right now" }),
        h("p", {
          class: "rnb-hint",
          text: dropped ? "Thanks for trying. Your answers to the qualification examples did not reach the required accuracy." : "New tasks appear here as soon as a job needs answers. This page checks every few seconds."
        }),
        dropped ? null : h("button", { type: "button", class: "rnb-action rnb-la-refresh", text: "Check now", onclick: () => next().catch(fail) })
      ])
    );
    emit({ type: "idle", detail: { dropped } });
    if (!dropped) timer = setTimeout(() => next().catch(fail), POLL_MS);
  }
  function show(item) {
    cleanupTask();
    const { task, toAnswer } = adaptItem(item);
    const stage = h("div", { class: "rnb-la-stage" });
    const clock = h("div", { class: "rnb-la-clock" }, [h("div", { class: "rnb-la-clock-fill" })]);
    const badge = h("div", { class: "rnb-la-meta" }, [
      h("span", { class: "rnb-badge", text: item.isExample ? "qualification" : task.type.replace("_", " ") }),
      item.expiresAt ? h("span", { class: "rnb-hint rnb-la-seconds" }) : null
    ]);
    main.replaceChildren(h("div", { class: "rnb-card rnb-la-card", "data-task-id": item.taskId }, [badge, item.expiresAt ? clock : null, stage]));
    let sent = false;
    cleanupTask = renderTask(stage, task, {
      onAnswer: (answer) => {
        if (sent) return;
        sent = true;
        submit(item, toAnswer(answer)).catch((error) => {
          sent = false;
          fail(error);
        });
      }
    });
    stage.querySelector(".rnb-task")?.focus({ preventScroll: true });
    if (item.expiresAt) countdown(
      item,
      clock,
      /** @type {HTMLElement} */
      badge.querySelector(".rnb-la-seconds")
    );
    emit({ type: "task", detail: { taskId: item.taskId, kind: item.kind, isExample: item.isExample } });
  }
  function countdown(item, clock, label) {
    const end = Date.parse(item.expiresAt ?? "");
    const total = Math.max(1, (status2?.leaseSeconds ?? config.sessionSeconds) * 1e3);
    const fill = (
      /** @type {HTMLElement} */
      clock.firstChild
    );
    const tick = () => {
      const left = end - Date.now();
      fill.style.width = `${Math.max(0, Math.min(100, 100 * left / total))}%`;
      clock.classList.toggle("rnb-la-hurry", left < 5e3);
      label.textContent = `${Math.max(0, Math.ceil(left / 1e3))} s left`;
      if (left <= 0) {
        stopTimers();
        showBanner("Time's up: that task went to someone else. Here is the next one.");
        next().catch(fail);
      }
    };
    tick();
    ticker = setInterval(tick, 250);
  }
  async function submit(item, answer) {
    if (!current) return;
    stopTimers();
    const more = item.isExample ? "" : `?next=1${only()}`;
    const path = `/session/${current.sessionId}/answers${more}`;
    const result = await call("POST", path, { taskId: item.taskId, answer });
    showBanner(null);
    emit({ type: "answered", detail: { taskId: item.taskId, answer, result } });
    if (item.isExample && (result.correct !== null || decided(result))) return feedback(result);
    if (item.isExample) refreshStatus();
    await next(result.next);
  }
  const decided = (result) => result.state === "Graduated" || result.state === "Dropped";
  function feedback(result) {
    cleanupTask();
    cleanupTask = () => {
    };
    const go = h("button", { type: "button", class: "rnb-action rnb-primary rnb-la-continue", text: "Continue ⏎", onclick: () => next().catch(fail) });
    const verdict = result.correct === null ? h("h2", { text: "Qualification done" }) : h("h2", { text: result.correct ? "Correct" : "Not quite" });
    const tone = result.correct === null ? "rnb-la-decided" : result.correct ? "rnb-la-right" : "rnb-la-wrong";
    const card = h("div", { class: `rnb-card rnb-la-feedback ${tone}`, tabindex: "-1" }, [
      verdict,
      result.explanation ? h("p", { class: "rnb-la-explanation", text: result.explanation }) : null,
      result.state === "Graduated" ? h("p", { class: "rnb-la-note", text: "You qualified for this audience. Real tasks come next." }) : null,
      result.state === "Dropped" ? h("p", { class: "rnb-la-note", text: "You did not reach the accuracy this audience needs." }) : null,
      go
    ]);
    card.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        go.click();
      }
    });
    main.replaceChildren(card);
    card.focus({ preventScroll: true });
    refreshStatus();
  }
  function fail(error) {
    const message = error instanceof Error ? error.message : String(error);
    showBanner(message);
    if (error instanceof FeedError && (error.status === 409 || error.status === 410 || error.status === 404)) {
      next().catch((e) => showBanner(e instanceof Error ? e.message : String(e)));
    }
  }
  const captureKeys = !config.transport;
  const onPageKey = (event) => {
    if (event.target !== document.body || event.defaultPrevented) return;
    const target = (
      /** @type {HTMLElement|null} */
      main.querySelector(".rnb-task, .rnb-la-feedback")
    );
    if (!target) return;
    target.focus({ preventScroll: true });
    const copy = new KeyboardEvent("keydown", {
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      bubbles: true,
      cancelable: true
    });
    if (!target.dispatchEvent(copy)) event.preventDefault();
  };
  if (captureKeys) document.addEventListener("keydown", onPageKey);
  drawTop();
  resume().catch(fail);
  return () => {
    disposed = true;
    if (captureKeys) document.removeEventListener("keydown", onPageKey);
    stopTimers();
    cleanupTask();
  };
}
function fetchTransport(base) {
  return async (method, path, body) => {
    const response = await fetch(`${base}/labeler${path}`, {
      method,
      headers: body === void 0 ? {} : { "content-type": "application/json" },
      body: body === void 0 ? void 0 : JSON.stringify(body),
      credentials: "same-origin"
    });
    return { status: response.status, data: await response.json().catch(() => ({})) };
  };
}
function modelTransport(model) {
  let seq = 0;
  const waiting = /* @__PURE__ */ new Map();
  const onMessage = (msg) => {
    if (!msg || typeof msg.id !== "number" || !waiting.has(msg.id)) return;
    const resolve = (
      /** @type {(reply: {status: number, data: any}) => void} */
      waiting.get(msg.id)
    );
    waiting.delete(msg.id);
    resolve({ status: Number(msg.status), data: msg.data });
  };
  model.on(
    "msg:custom",
    /** @type {any} */
    onMessage
  );
  return {
    transport: (method, path, body) => new Promise((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      model.send({ id, method, path, body: body ?? null });
    }),
    dispose: () => model.off(
      "msg:custom",
      /** @type {any} */
      onMessage
    )
  };
}
function render({ model, el }) {
  const { transport, dispose } = modelTransport(model);
  const unmount = mountLabelApp(el, {
    audience: model.get("audience"),
    jobId: model.get("job_id") || null,
    sessionSeconds: model.get("session_seconds"),
    storage: null,
    profile: model.get("profile"),
    transport,
    onEvent: (event) => {
      if (event.type === "status") {
        model.set("answered", event.detail.answeredInSession);
        model.save_changes();
      }
    }
  });
  return () => {
    unmount();
    dispose();
  };
}
var label_app_default = { render };
function safeStorage() {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
if (typeof document !== "undefined") {
  const node = document.getElementById("rnb-label-config");
  const app = document.getElementById("app");
  if (node && app) {
    const job = new URLSearchParams(location.search).get("job");
    mountLabelApp(app, { ...JSON.parse(node.textContent || "{}"), jobId: job });
  }
}
export {
  COUNTRIES,
  LANGUAGES,
  adaptItem,
  label_app_default as default,
  detectDevice,
  mountLabelApp
};
