// The web labeling app at /label and /label/<audience id> (rapidata_nb/server/web/router.py).
//
// A person joins with a short profile, then labels what the /labeler feed serves: qualification
// examples first (with feedback), then job tasks with a deadline. Tasks are drawn by the same
// renderers as the TaskPreview widget (task_renderers.js). The app talks only to /labeler/...;
// the labeler is remembered in localStorage so a reload resumes.
//
// `mountLabelApp(el, config)` also backs the notebook Labeler widget (rapidata_nb/widgets/labeler.py):
// the default export's `render({model, el})` sends each feed request to the kernel, which forwards it
// to the same /labeler feed, so answers count like anyone's.

import "./style.css";
import "./label_app.css";
import { h } from "./common.js";
import { renderTask } from "./task_renderers.js";

/**
 * @typedef {import("./task_renderers.js").Task} Task
 * @typedef {import("./task_renderers.js").Answer} Answer
 * @typedef {import("./common.js").Media} Media
 */

/**
 * An asset as the feed serves it: stored files by URL (`/assets/<fileName>`) or inline text.
 * @typedef {{index: number, text?: string, fileName?: string, url?: string, sourceUrl?: string|null,
 *   contentType?: string|null}} FeedAsset
 */

/**
 * One served item (dispatch.py `_served` / example): sides and options already in shown order.
 * @typedef {{taskId: string, leaseId: string|null, jobId: string|null, kind: string, isExample: boolean,
 *   audienceId?: string, instruction: string, context?: string|null, assets: FeedAsset[], options: string[],
 *   words: string[], flags: Record<string, string>, mediaContext?: FeedAsset[], expiresAt: string|null}} FeedItem
 */

/**
 * Qualification feedback (the audience's choice): `immediate` tells right or wrong after every example;
 * `after_decision` only whether the person qualified, once decided; `none` nothing (fields left null).
 * @typedef {"immediate"|"after_decision"|"none"} Feedback
 * @typedef {{audienceId: string, audienceName: string, feedback: Feedback, state: string|null,
 *   userScore: number|null, answered: number, correct: number|null, examples: number}} Membership
 * @typedef {{feedback: Feedback, correct: boolean|null, state: string|null, explanation: string|null}} Grade
 * @typedef {{sessionId: string, labelerId: string, audience: {id: string, name: string, kind: string}|null,
 *   answeredInSession: number, answered: number, globalScore: number, leaseSeconds: number,
 *   memberships: Membership[], profile: Record<string, string|null>}} Status
 */

/**
 * @typedef {Object} AppConfig
 * @property {{id: string, name: string, kind: string}|null} audience  Set by an invite link.
 * @property {number} sessionSeconds  The server's task deadline.
 * @property {string|null} [jobId]  Serve only this job's tasks (a job link `?job=`, `job.label()`).
 * @property {string} [base]     Origin of the feed (default: this page's origin).
 * @property {Transport} [transport]  How feed requests travel (default: fetch to `base`).
 * @property {Storage|null} [storage]  Where the labeler is remembered (default: localStorage).
 * @property {Record<string, string>} [profile]  Skip the form and join with this profile (notebook widget).
 * @property {(event: {type: string, detail?: any}) => void} [onEvent]  Progress events (notebook widget).
 */

/**
 * Sends one feed request (`path` below /labeler) and resolves with the HTTP status and JSON body.
 * @typedef {(method: string, path: string, body?: any) => Promise<{status: number, data: any}>} Transport
 */

const STORAGE_KEY = "rapidata_nb.labeler";
const POLL_MS = 3000;

export const COUNTRIES = [
  ["US", "United States"], ["GB", "United Kingdom"], ["DE", "Germany"], ["FR", "France"], ["ES", "Spain"],
  ["IT", "Italy"], ["CH", "Switzerland"], ["AT", "Austria"], ["NL", "Netherlands"], ["SE", "Sweden"],
  ["PL", "Poland"], ["PT", "Portugal"], ["CA", "Canada"], ["MX", "Mexico"], ["BR", "Brazil"],
  ["AR", "Argentina"], ["IN", "India"], ["CN", "China"], ["JP", "Japan"], ["KR", "South Korea"],
  ["ID", "Indonesia"], ["PH", "Philippines"], ["VN", "Vietnam"], ["TR", "Türkiye"], ["NG", "Nigeria"],
  ["KE", "Kenya"], ["ZA", "South Africa"], ["EG", "Egypt"], ["AU", "Australia"], ["NZ", "New Zealand"],
];
export const LANGUAGES = [
  ["en", "English"], ["de", "German"], ["fr", "French"], ["es", "Spanish"], ["it", "Italian"],
  ["pt", "Portuguese"], ["nl", "Dutch"], ["sv", "Swedish"], ["pl", "Polish"], ["tr", "Turkish"],
  ["hi", "Hindi"], ["zh", "Chinese"], ["ja", "Japanese"], ["ko", "Korean"], ["id", "Indonesian"],
  ["vi", "Vietnamese"], ["ar", "Arabic"], ["sw", "Swahili"], ["ru", "Russian"], ["uk", "Ukrainian"],
];
const AGES = ["0-17", "18-29", "30-39", "40-49", "50-64", "65+"];
const GENDERS = ["Female", "Male", "Other"];
const OCCUPATIONS = [
  "Student", "Engineering", "Healthcare", "Education", "Arts & Design", "Sales & Service", "Management",
  "Research", "Retired", "Other",
];

/** The device class the feed records, from the pointer and the screen size. */
export function detectDevice() {
  const coarse = typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;
  const short = Math.min(screen.width || innerWidth, screen.height || innerHeight);
  if (coarse && short < 600) return "Phone";
  if (coarse) return "Tablet";
  if (innerWidth < 600) return "Phone";
  return "Desktop";
}

/** An error from the feed, carrying the server's message. */
class FeedError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/**
 * Turn a served item into the renderer's Task (the same object TaskPreview shows).
 * @param {FeedItem} item
 * @returns {{task: Task, toAnswer: (answer: Answer) => Record<string, any>}}
 */
export function adaptItem(item) {
  const type = /** @type {Task["type"]} */ (item.kind);
  /** @type {Task} */
  const task = {
    type,
    instruction: item.instruction,
    media: item.assets.map(toMedia),
    settings: item.flags ?? {},
  };
  if (item.context) task.context = item.context;
  if (item.mediaContext?.length) task.media_context = item.mediaContext.map(toMedia);
  /** @type {string[]} */
  let names = [];
  /** @type {number[]} */
  let wordIndex = [];
  if (type === "compare" || type === "ranking") {
    names = item.assets.map((_, i) => (i === 0 ? "A" : "B"));
    task.names = names;
  }
  if (type === "classify") task.options = item.options;
  if (type === "select_words") {
    // the renderer splits on spaces and skips empty words: keep the server's word indices
    wordIndex = item.words.flatMap((w, i) => (w.length ? [i] : []));
    task.sentence = wordIndex.map((i) => item.words[i]).join(" ");
  }
  /** @param {Answer} answer */
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

/**
 * @param {FeedAsset} asset
 * @returns {Media}
 */
function toMedia(asset) {
  if (asset.text !== undefined && asset.text !== null) return { kind: "text", text: asset.text, name: "text" };
  const type = String(asset.contentType ?? "");
  const name = String(asset.sourceUrl ?? asset.fileName ?? "");
  /** @type {Media["kind"]} */
  let kind = "image";
  if (type.startsWith("video/") || /\.(mp4|webm|mov|m4v)(\?|$)/i.test(name)) kind = "video";
  else if (type.startsWith("audio/") || /\.(mp3|wav|ogg|m4a|flac)(\?|$)/i.test(name)) kind = "audio";
  return { kind, src: asset.url ?? asset.sourceUrl ?? "", name: name.split("/").pop() || "media" };
}

/**
 * Mount the app into `el`.
 * @param {HTMLElement} el
 * @param {AppConfig} config
 * @returns {() => void} cleanup
 */
export function mountLabelApp(el, config) {
  const base = (config.base ?? "").replace(/\/$/, "");
  const storage = config.storage === undefined ? safeStorage() : config.storage;
  const audienceId = config.audience?.id ?? null;
  const emit = config.onEvent ?? (() => {});
  const transport = config.transport ?? fetchTransport(base);
  /** @type {{sessionId: string, labelerId: string}|null} */
  let current = null;
  /** @type {Status|null} */
  let status = null;
  let cleanupTask = () => {};
  /** @type {ReturnType<typeof setTimeout>|null} */
  let timer = null;
  /** @type {ReturnType<typeof setInterval>|null} */
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

  /**
   * @param {string} method
   * @param {string} path
   * @param {any} [body]
   */
  async function call(method, path, body) {
    const { status, data } = await transport(method, path, body);
    if (status >= 400) throw new FeedError(data?.message ?? `${method} ${path}: HTTP ${status}`, status);
    return data;
  }

  /** @param {string|null} message */
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
  /** @param {any} value */
  const remember = (value) => {
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      /* private mode: the labeler is not remembered */
    }
  };

  function drawTop() {
    const name = status?.audience?.name ?? config.audience?.name ?? "All your audiences";
    const member = status?.memberships.find((m) => m.audienceId === (status?.audience?.id ?? audienceId));
    const chips = [];
    if (status) {
      chips.push(h("span", { class: "rnb-la-chip rnb-la-progress", text: `${status.answeredInSession} answered` }));
      if (member) {
        const label =
          member.state === null || member.state === "Distilling"
            ? `Qualifying · ${member.answered} of ${member.examples} examples`
            : member.state === "Graduated"
              ? "Qualified"
              : "Not qualified";
        const tone = (member.state ?? "distilling").toLowerCase();
        chips.push(h("span", { class: `rnb-la-chip rnb-la-state rnb-la-${tone}`, text: label }));
      }
      const score = member?.userScore ?? status.globalScore;
      chips.push(h("span", { class: "rnb-la-chip rnb-la-score", title: "Your score", text: `Score ${score.toFixed(2)}` }));
    }
    top.replaceChildren(
      h("div", { class: "rnb-la-brand" }, [h("strong", { text: "Rapidata" }), h("span", { text: " label" })]),
      h("div", { class: "rnb-la-audience", text: name }),
      h("div", { class: "rnb-la-chips" }, chips),
    );
  }

  async function refreshStatus() {
    if (!current) return;
    try {
      status = await call("GET", `/session/${current.sessionId}`);
      drawTop();
      emit({ type: "status", detail: status });
    } catch {
      /* the header is informative only */
    }
  }

  function showJoin() {
    stopTimers();
    cleanupTask();
    drawTop();
    /**
     * @param {string} name
     * @param {string} label
     * @param {string[][]} options
     * @param {string} value
     */
    const select = (name, label, options, value) =>
      h("label", { class: "rnb-la-field" }, [
        h("span", { text: label }),
        h(
          "select",
          { name, required: "" },
          options.map(([v, text]) => {
            const o = /** @type {HTMLOptionElement} */ (h("option", { value: v, text }));
            o.selected = v === value;
            return o;
          }),
        ),
      ]);
    const lang = (navigator.language || "en").slice(0, 2).toLowerCase();
    const region = (navigator.language || "en-US").split("-")[1]?.toUpperCase() ?? "US";
    const pairs = (/** @type {string[]} */ xs) => xs.map((x) => [x, x]);
    const device = detectDevice();
    const form = /** @type {HTMLFormElement} */ (
      h("form", { class: "rnb-la-form rnb-card" }, [
        h("h1", { text: config.audience ? `Join “${config.audience.name}”` : "Start labeling" }),
        h("p", {
          class: "rnb-hint",
          text:
            "Tell us a little about yourself. Your answers are stored with this profile; you never see other people's answers.",
        }),
        h("label", { class: "rnb-la-field" }, [
          h("span", { text: "Name (optional)" }),
          h("input", { name: "name", maxlength: "200", autocomplete: "nickname" }),
        ]),
        h("div", { class: "rnb-la-grid" }, [
          select("country", "Country", COUNTRIES, COUNTRIES.some(([c]) => c === region) ? region : "US"),
          select("language", "Language", LANGUAGES, LANGUAGES.some(([c]) => c === lang) ? lang : "en"),
          select("age", "Age", pairs(AGES), "18-29"),
          select("gender", "Gender", pairs(GENDERS), "Other"),
          select("occupation", "Occupation", pairs(OCCUPATIONS), "Other"),
        ]),
        h("p", { class: "rnb-hint rnb-la-device", text: `Device: ${device}` }),
        h("button", { type: "submit", class: "rnb-action rnb-primary rnb-la-start", text: "Start labeling" }),
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

  /** @param {Record<string, any>} profile */
  async function join(profile) {
    const answer = await call("POST", "/session", { ...profile, audienceId });
    current = { sessionId: answer.sessionId, labelerId: answer.labelerId };
    const saved = remembered() ?? {};
    // a new labeler's resume token comes once, with its first session: keep it to resume later
    const resumeToken = answer.resumeToken ?? saved.resumeToken;
    const sessions = { ...(saved.sessions ?? {}), [audienceId ?? ""]: answer.sessionId };
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
          status = await call("GET", `/session/${sessionId}`);
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
        remember(null); // the server forgot this labeler (new data directory, no token): join again
      }
    }
    if (config.profile) await join(config.profile);
    else showJoin();
  }

  const only = () => (config.jobId ? `&jobId=${encodeURIComponent(config.jobId)}` : "");

  /**
   * Show the next item: the one an answer brought back (`served`, from `?next=1`), else fetched.
   * @param {{items: FeedItem[]}|null} [served]
   */
  async function next(served) {
    stopTimers();
    if (disposed || !current) return;
    if (served?.items.length) {
      // one round trip between two tasks: the header catches up while the person looks at the task
      refreshStatus();
      return show(served.items[0]);
    }
    await refreshStatus();
    const { items } = await call("GET", `/session/${current.sessionId}/tasks?limit=1${only()}`);
    if (!items.length) return showIdle();
    show(/** @type {FeedItem} */ (items[0]));
  }

  function showIdle() {
    cleanupTask();
    cleanupTask = () => {};
    const member = status?.memberships.find((m) => m.audienceId === (status?.audience?.id ?? audienceId));
    const dropped = member?.state === "Dropped";
    main.replaceChildren(
      h("div", { class: "rnb-card rnb-la-idle" }, [
        h("h2", { text: dropped ? "You did not qualify for this audience" : "No tasks right now" }),
        h("p", {
          class: "rnb-hint",
          text: dropped
            ? "Thanks for trying. Your answers to the qualification examples did not reach the required accuracy."
            : "New tasks appear here as soon as a job needs answers. This page checks every few seconds.",
        }),
        dropped ? null : h("button", { type: "button", class: "rnb-action rnb-la-refresh", text: "Check now", onclick: () => next().catch(fail) }),
      ]),
    );
    emit({ type: "idle", detail: { dropped } });
    if (!dropped) timer = setTimeout(() => next().catch(fail), POLL_MS);
  }

  /** @param {FeedItem} item */
  function show(item) {
    cleanupTask();
    const { task, toAnswer } = adaptItem(item);
    const stage = h("div", { class: "rnb-la-stage" });
    const clock = h("div", { class: "rnb-la-clock" }, [h("div", { class: "rnb-la-clock-fill" })]);
    const badge = h("div", { class: "rnb-la-meta" }, [
      h("span", { class: "rnb-badge", text: item.isExample ? "qualification" : task.type.replace("_", " ") }),
      item.expiresAt ? h("span", { class: "rnb-hint rnb-la-seconds" }) : null,
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
      },
    });
    /** @type {HTMLElement|null} */ (stage.querySelector(".rnb-task"))?.focus({ preventScroll: true });
    if (item.expiresAt) countdown(item, clock, /** @type {HTMLElement} */ (badge.querySelector(".rnb-la-seconds")));
    emit({ type: "task", detail: { taskId: item.taskId, kind: item.kind, isExample: item.isExample } });
  }

  /**
   * @param {FeedItem} item
   * @param {HTMLElement} clock
   * @param {HTMLElement} label
   */
  function countdown(item, clock, label) {
    const end = Date.parse(item.expiresAt ?? "");
    const total = Math.max(1, (status?.leaseSeconds ?? config.sessionSeconds) * 1000);
    const fill = /** @type {HTMLElement} */ (clock.firstChild);
    const tick = () => {
      const left = end - Date.now();
      fill.style.width = `${Math.max(0, Math.min(100, (100 * left) / total))}%`;
      clock.classList.toggle("rnb-la-hurry", left < 5000);
      label.textContent = `${Math.max(0, Math.ceil(left / 1000))} s left`;
      if (left <= 0) {
        stopTimers();
        showBanner("Time's up: that task went to someone else. Here is the next one.");
        next().catch(fail);
      }
    };
    tick();
    ticker = setInterval(tick, 250);
  }

  /**
   * @param {FeedItem} item
   * @param {Record<string, any>} answer
   */
  async function submit(item, answer) {
    if (!current) return;
    stopTimers();
    // a job task's answer brings the next item along (`next=1`: one request, one transaction); an example's
    // does not, since its feedback may stay on screen while a lease would run
    const more = item.isExample ? "" : `?next=1${only()}`;
    const path = `/session/${current.sessionId}/answers${more}`;
    const result = await call("POST", path, { taskId: item.taskId, answer });
    showBanner(null);
    emit({ type: "answered", detail: { taskId: item.taskId, answer, result } });
    if (item.isExample && (result.correct !== null || decided(result))) return feedback(result);
    if (item.isExample) refreshStatus();
    await next(result.next);
  }

  /** @param {Grade} result */
  const decided = (result) => result.state === "Graduated" || result.state === "Dropped";

  /**
   * The verdict on one example (`immediate` feedback), or only the decision once there is one.
   * @param {Grade} result
   */
  function feedback(result) {
    cleanupTask();
    cleanupTask = () => {};
    const go = h("button", { type: "button", class: "rnb-action rnb-primary rnb-la-continue", text: "Continue ⏎", onclick: () => next().catch(fail) });
    const verdict =
      result.correct === null
        ? h("h2", { text: "Qualification done" })
        : h("h2", { text: result.correct ? "Correct" : "Not quite" });
    const tone = result.correct === null ? "rnb-la-decided" : result.correct ? "rnb-la-right" : "rnb-la-wrong";
    const card = h("div", { class: `rnb-card rnb-la-feedback ${tone}`, tabindex: "-1" }, [
      verdict,
      result.explanation ? h("p", { class: "rnb-la-explanation", text: result.explanation }) : null,
      result.state === "Graduated" ? h("p", { class: "rnb-la-note", text: "You qualified for this audience. Real tasks come next." }) : null,
      result.state === "Dropped" ? h("p", { class: "rnb-la-note", text: "You did not reach the accuracy this audience needs." }) : null,
      go,
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

  /** @param {unknown} error */
  function fail(error) {
    const message = error instanceof Error ? error.message : String(error);
    showBanner(message);
    if (error instanceof FeedError && (error.status === 409 || error.status === 410 || error.status === 404)) {
      // the task is gone (late, answered elsewhere, job stopped): move on
      next().catch((e) => showBanner(e instanceof Error ? e.message : String(e)));
    }
  }

  // On the standalone page, keys typed while nothing has focus go to the task (1/2, digits, Enter);
  // inside a notebook the cell's own focus rules apply, so the page's shortcuts are left alone.
  const captureKeys = !config.transport;
  /** @param {KeyboardEvent} event */
  const onPageKey = (event) => {
    if (event.target !== document.body || event.defaultPrevented) return;
    const target = /** @type {HTMLElement|null} */ (main.querySelector(".rnb-task, .rnb-la-feedback"));
    if (!target) return;
    target.focus({ preventScroll: true });
    const copy = new KeyboardEvent("keydown", {
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      bubbles: true,
      cancelable: true,
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

/**
 * Feed requests over fetch (the standalone page).
 * @param {string} base
 * @returns {Transport}
 */
function fetchTransport(base) {
  return async (method, path, body) => {
    const response = await fetch(`${base}/labeler${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    return { status: response.status, data: await response.json().catch(() => ({})) };
  };
}

/**
 * Feed requests through the widget's kernel (anywidget custom messages `{id, method, path, body}`,
 * answered by `{id, status, data}`).
 * @param {import("./common.js").Model & {send(msg: any): void}} model
 * @returns {{transport: Transport, dispose: () => void}}
 */
function modelTransport(model) {
  let seq = 0;
  /** @type {Map<number, (reply: {status: number, data: any}) => void>} */
  const waiting = new Map();
  /** @param {any} msg */
  const onMessage = (msg) => {
    if (!msg || typeof msg.id !== "number" || !waiting.has(msg.id)) return;
    const resolve = /** @type {(reply: {status: number, data: any}) => void} */ (waiting.get(msg.id));
    waiting.delete(msg.id);
    resolve({ status: Number(msg.status), data: msg.data });
  };
  model.on("msg:custom", /** @type {any} */ (onMessage));
  return {
    transport: (method, path, body) =>
      new Promise((resolve) => {
        const id = ++seq;
        waiting.set(id, resolve);
        model.send({ id, method, path, body: body ?? null });
      }),
    dispose: () => model.off("msg:custom", /** @type {any} */ (onMessage)),
  };
}

/**
 * The notebook widget (rapidata_nb/widgets/labeler.py): the same app, its requests answered by the kernel.
 * @param {{model: import("./common.js").Model & {send(msg: any): void}, el: HTMLElement}} props
 * @returns {() => void}
 */
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
    },
  });
  return () => {
    unmount();
    dispose();
  };
}

export default { render };

/** localStorage when the page may use it. */
function safeStorage() {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

// Standalone page: mount on #app with the config the server rendered.
if (typeof document !== "undefined") {
  const node = document.getElementById("rnb-label-config");
  const app = document.getElementById("app");
  if (node && app) {
    const job = new URLSearchParams(location.search).get("job");
    mountLabelApp(app, { ...JSON.parse(node.textContent || "{}"), jobId: job });
  }
}
