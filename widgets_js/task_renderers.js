// Renders one labeling task exactly as a labeler sees it, for all seven task types.
//
// Shared by the TaskPreview widget and (later) the browser labeling app, so this module
// knows nothing about anywidget: it takes a plain task object and reports answers
// through a callback.

import { h, mediaElement, relativePoint, UrlPool } from "./common.js";

/** @typedef {import("./common.js").Media} Media */

/**
 * @typedef {"compare"|"classify"|"locate"|"draw"|"select_words"|"free_text"|"ranking"} TaskType
 */

/**
 * One task as a labeler receives it. Options and sides are already in display order
 * (the producer applies shuffling, so the order is reproducible and recorded).
 * @typedef {Object} Task
 * @property {TaskType} type
 * @property {number} [index]      Position of the task in its job (set by the producer; display only).
 * @property {string} instruction
 * @property {Media[]} media        compare / ranking: two items; other types: one.
 * @property {string[]} [names]     compare / ranking: the label of each side (a_b_names or asset names).
 * @property {string[]} [options]   classify: the answer options, in display order.
 * @property {string} [sentence]    select_words: the sentence, split on spaces.
 * @property {string} [context]     Text shown with the instruction.
 * @property {Media[]} [media_context]  Reference media shown with the instruction.
 * @property {Record<string, string>} [settings]  Feature flags, key -> string value (wire notes §1.7).
 */

/**
 * The answer a labeler gives; which fields are present depends on the task type.
 * @typedef {Object} Answer
 * @property {string} [voted_for]           compare / ranking: a name from `names`, or "Both" / "Neither".
 * @property {string} [selected]            classify: one of `options`.
 * @property {{x: number, y: number}[]} [points]   locate: taps, normalised to [0, 1].
 * @property {{x: number, y: number}[][]} [lines]  draw: strokes, normalised to [0, 1].
 * @property {string[]} [selected_words]    select_words: the chosen words, in sentence order.
 * @property {number[]} [selected_indices]  select_words: their positions in the split sentence.
 * @property {string} [text]                free_text: what was typed.
 */

/**
 * @typedef {Object} RenderOptions
 * @property {(answer: Answer) => void} [onAnswer]  Called when the labeler commits an answer.
 * @property {boolean} [interactive]  When false, the task is shown but cannot be answered.
 * @property {Answer|null} [answer]   A previous answer to show as selected.
 */

export const TASK_TYPES = /** @type {const} */ ([
  "compare",
  "classify",
  "locate",
  "draw",
  "select_words",
  "free_text",
  "ranking",
]);

/**
 * Read a boolean feature flag.
 * @param {Record<string, string>} settings
 * @param {string} key
 */
function flag(settings, key) {
  const value = settings[key];
  return value !== undefined && String(value).toLowerCase() !== "false" && value !== "0";
}

/**
 * Read an integer feature flag.
 * @param {Record<string, string>} settings
 * @param {string} key
 * @param {number|null} fallback
 * @returns {number|null}
 */
function intSetting(settings, key, fallback) {
  const value = settings[key];
  if (value === undefined || value === null || value === "") return fallback;
  const n = Number.parseInt(String(value), 10);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Render `task` into `el`, replacing its content.
 * @param {HTMLElement} el
 * @param {Task} task
 * @param {RenderOptions} [options]
 * @returns {() => void} cleanup: frees object URLs and timers.
 */
export function renderTask(el, task, options = {}) {
  const settings = task.settings ?? {};
  const pool = new UrlPool();
  /** @type {Array<() => void>} */
  const disposers = [() => pool.release()];
  const ctx = {
    settings,
    pool,
    interactive: options.interactive !== false,
    onAnswer: options.onAnswer ?? (() => {}),
    answer: options.answer ?? null,
    /** @param {() => void} fn */
    defer: (fn) => disposers.push(fn),
    mediaOptions: {
      markdown: flag(settings, "use_main_text_markdown"),
      muted: flag(settings, "mute_video_asset"),
      loop: !flag(settings, "disable_autoloop"),
    },
  };
  const renderer = RENDERERS[task.type];
  if (!renderer) throw new Error(`unknown task type ${JSON.stringify(task.type)}; expected one of ${TASK_TYPES.join(", ")}`);

  const root = h("div", {
    class: `rnb-task rnb-task-${task.type}${ctx.interactive ? "" : " rnb-readonly"}`,
    "data-task-type": task.type,
    tabindex: "0",
  });
  root.append(header(task, ctx));
  root.append(renderer(task, ctx));
  root.addEventListener("keydown", (event) => onKey(root, event));
  el.replaceChildren(root);
  return () => {
    for (const dispose of disposers.splice(0)) dispose();
  };
}

/**
 * @typedef {Object} Ctx
 * @property {Record<string, string>} settings
 * @property {UrlPool} pool
 * @property {boolean} interactive
 * @property {(answer: Answer) => void} onAnswer
 * @property {Answer|null} answer
 * @property {(fn: () => void) => void} defer
 * @property {{markdown: boolean, muted: boolean, loop: boolean}} mediaOptions
 */

/**
 * Keyboard answers while the task has focus: the key shown on a button (`data-key`: 1, 2, … for sides
 * and options, N / B for Neither / Both) presses it; Enter submits (Ctrl/⌘+Enter inside the text box).
 * Handled keys stop propagating, so a notebook's own shortcuts do not fire as well.
 * @param {HTMLElement} root
 * @param {KeyboardEvent} event
 */
function onKey(root, event) {
  const target = /** @type {HTMLElement} */ (event.target);
  const typing = target.tagName === "TEXTAREA" || target.tagName === "INPUT";
  /** @type {HTMLButtonElement | null} */
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

/**
 * Instruction, context and reference media.
 * @param {Task} task
 * @param {Ctx} ctx
 */
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
        task.media_context.map((m) => mediaElement(m, ctx.pool, ctx.mediaOptions)),
      ),
    );
  }
  return h("div", { class: "rnb-task-header" }, parts);
}

/**
 * Footer line that shows what was recorded.
 * @param {string} text
 */
function status(text) {
  return h("div", { class: "rnb-status", "aria-live": "polite", text });
}

/** @type {Record<TaskType, (task: Task, ctx: Ctx) => HTMLElement>} */
const RENDERERS = {
  compare: (task, ctx) => pairwise(task, ctx, true),
  ranking: (task, ctx) => pairwise(task, ctx, false),
  classify,
  locate,
  draw,
  select_words: selectWords,
  free_text: freeText,
};

/**
 * Compare and ranking matchups: two sides, tap one. Compare may add "Neither" / "Both"
 * after a delay (AllowNeitherBothSetting: compare_unsure = delay in ms).
 * @param {Task} task
 * @param {Ctx} ctx
 * @param {boolean} allowUnsure
 */
function pairwise(task, ctx, allowUnsure) {
  const names = task.names ?? task.media.map((m, i) => m.name ?? (i === 0 ? "A" : "B"));
  const body = h("div", { class: "rnb-body" });
  const chosen = ctx.answer?.voted_for ?? null;
  const line = status(chosen ? `Recorded: ${chosen}` : "");
  /** @type {HTMLElement[]} */
  const buttons = [];
  /** @param {string} name */
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
        onclick: () => choose(names[i]),
      },
      [mediaElement(media, ctx.pool, ctx.mediaOptions), h("span", { class: "rnb-side-label", text: names[i] })],
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
        onclick: () => choose(name),
      });
      buttons.push(b);
      extra.append(b);
    }
    // The labeler gets these options only after `delay` ms; the preview shows them disabled until then.
    const unsure = /** @type {HTMLButtonElement[]} */ (Array.from(extra.children));
    const enable = () => unsure.forEach((b) => (b.disabled = !ctx.interactive));
    if (delay > 0) {
      unsure.forEach((b) => (b.disabled = true));
      extra.setAttribute("title", `Available after ${delay / 1000} s`);
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

/**
 * @param {Task} task
 * @param {Ctx} ctx
 */
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
        "data-key": i < 9 ? String(i + 1) : undefined,
        title: i < 9 ? `Key ${i + 1}` : undefined,
        text: option,
        disabled: !ctx.interactive,
        onclick: () => {
          for (const b of grid.children) b.classList.toggle("rnb-chosen", b.getAttribute("data-option") === option);
          line.textContent = `Recorded: ${option}`;
          ctx.onAnswer({ selected: option });
        },
      }),
    );
  }
  return h("div", { class: "rnb-body" }, [single(task, ctx), grid, line]);
}

/**
 * The single datapoint of a non-pairwise task.
 * @param {Task} task
 * @param {Ctx} ctx
 */
function single(task, ctx) {
  return h("div", { class: "rnb-stage" }, [mediaElement(task.media[0], ctx.pool, ctx.mediaOptions)]);
}

/**
 * Action row: undo / clear / submit.
 * @param {Ctx} ctx
 * @param {{onUndo?: () => void, onClear?: () => void, onSubmit: () => void}} actions
 */
function actionRow(ctx, actions) {
  const make = (/** @type {string} */ label, /** @type {string} */ cls, /** @type {(() => void)|undefined} */ fn) =>
    fn
      ? h("button", {
          type: "button",
          class: `rnb-action ${cls}`,
          text: label,
          disabled: !ctx.interactive,
          onclick: fn,
        })
      : null;
  return h("div", { class: "rnb-actions" }, [
    make("Undo", "rnb-undo", actions.onUndo),
    make("Clear", "rnb-clear", actions.onClear),
    make("Submit", "rnb-submit rnb-primary", actions.onSubmit),
  ]);
}

/**
 * Locate: tap points on the media, between locate_min_points and locate_max_points of them.
 * @param {Task} task
 * @param {Ctx} ctx
 */
function locate(task, ctx) {
  const minPoints = intSetting(ctx.settings, "locate_min_points", 1) ?? 1;
  const maxPoints = intSetting(ctx.settings, "locate_max_points", null);
  /** @type {{x: number, y: number}[]} */
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
      ...points.map((p, i) =>
        h("span", {
          class: "rnb-point",
          "data-index": String(i),
          style: { left: `${p.x * 100}%`, top: `${p.y * 100}%` },
        }),
      ),
    );
    hint.textContent = `Tap ${limits} point(s) · ${points.length} placed`;
    submit.disabled = !ctx.interactive || points.length < minPoints;
  };
  stage.addEventListener("click", (event) => {
    if (!ctx.interactive) return;
    const target = /** @type {HTMLElement} */ (event.target);
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
    },
  });
  const submit = /** @type {HTMLButtonElement} */ (row.querySelector(".rnb-submit"));
  redraw();
  return h("div", { class: "rnb-body" }, [stage, hint, row, line]);
}

/**
 * Draw: freehand strokes over the media, with undo.
 * @param {Task} task
 * @param {Ctx} ctx
 */
function draw(task, ctx) {
  /** @type {{x: number, y: number}[][]} */
  let lines = (ctx.answer?.lines ?? []).map((l) => l.map((p) => ({ ...p })));
  /** @type {{x: number, y: number}[]|null} */
  let current = null;
  const stage = single(task, ctx);
  stage.classList.add("rnb-drawable");
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "rnb-overlay rnb-draw-canvas" }));
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
    },
  });
  const submit = /** @type {HTMLButtonElement} */ (row.querySelector(".rnb-submit"));
  paint();
  return h("div", { class: "rnb-body" }, [stage, hint, row, line]);
}

/**
 * Select words: the sentence split on spaces; tap words to select them.
 * @param {Task} task
 * @param {Ctx} ctx
 */
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
        onclick: (/** @type {MouseEvent} */ event) => {
          const b = /** @type {HTMLElement} */ (event.currentTarget);
          if (selected.has(i)) selected.delete(i);
          else selected.add(i);
          b.classList.toggle("rnb-chosen", selected.has(i));
        },
      }),
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
    },
  });
  return h("div", { class: "rnb-body" }, [single(task, ctx), sentence, row, line]);
}

/**
 * Free text: a text box with a character counter (min / max from the settings).
 * @param {Task} task
 * @param {Ctx} ctx
 */
function freeText(task, ctx) {
  const minChars = intSetting(ctx.settings, "free_text_minimum_characters", 1) ?? 1;
  const maxChars = intSetting(ctx.settings, "free_text_max_characters", 1024) ?? 1024;
  const numeric = flag(ctx.settings, "keyboard_numeric");
  const box = /** @type {HTMLTextAreaElement} */ (
    h("textarea", {
      class: "rnb-textbox",
      rows: "3",
      maxlength: String(maxChars),
      inputmode: numeric ? "numeric" : undefined,
      placeholder: "Type your answer",
      disabled: !ctx.interactive,
    })
  );
  box.value = ctx.answer?.text ?? "";
  const counter = h("div", { class: "rnb-hint rnb-counter" });
  const line = status(ctx.answer ? `Recorded: ${ctx.answer.text}` : "");
  const row = actionRow(ctx, {
    onSubmit: () => {
      line.textContent = `Recorded: ${box.value}`;
      ctx.onAnswer({ text: box.value });
    },
  });
  const submit = /** @type {HTMLButtonElement} */ (row.querySelector(".rnb-submit"));
  const update = () => {
    const n = box.value.length;
    counter.textContent = `${n} / ${maxChars}${n < minChars ? ` · at least ${minChars}` : ""}`;
    submit.disabled = !ctx.interactive || n < minChars || n > maxChars;
  };
  box.addEventListener("input", update);
  update();
  return h("div", { class: "rnb-body" }, [single(task, ctx), box, counter, row, line]);
}
