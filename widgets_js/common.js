// Small DOM helpers shared by every widget. Free of anywidget specifics so the
// labeling web app can reuse them together with task_renderers.js.

/**
 * A media item as the Python side serialises it (rapidata_nb/widgets/_media.py).
 * @typedef {Object} Media
 * @property {"image"|"video"|"audio"|"text"} kind
 * @property {string} [name]  Display name (file name, URL basename or a short text).
 * @property {string} [src]   A URL the browser can load (http(s) or data: URL).
 * @property {DataView|ArrayBuffer|Uint8Array} [data]  Raw bytes (sent as a binary buffer).
 * @property {string} [mime]  MIME type of `data`.
 * @property {string} [text]  The text of a text datapoint.
 */

/**
 * The subset of the anywidget model (AFM) the widgets use.
 * @typedef {{get(key: string): any, set(key: string, value: any): void, save_changes(): void,
 *   on(event: string, cb: () => void): void, off(event?: string|null, cb?: Function|null): void}} Model
 */

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]  `class`, `text`, `style`, `on<event>` or any attribute.
 * @param {Array<Node|string|null|undefined|false>} [children]
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "disabled" || key === "checked") /** @type {any} */ (el)[key] = Boolean(value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

/**
 * Show an error inside the widget, labelled with the widget's name.
 * @param {HTMLElement} el
 * @param {string} widget  The Python class name, e.g. "TaskPreview".
 * @param {unknown} error
 */
export function showError(el, widget, error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[rapidata_nb ${widget}]`, error);
  el.replaceChildren(
    h("div", { class: "rnb-error", role: "alert" }, [
      h("strong", { text: `${widget}: ` }),
      h("span", { text: message }),
    ]),
  );
}

/**
 * Wrap a callback so that an exception is shown in the widget instead of vanishing into the console.
 * @template {any[]} A
 * @param {HTMLElement} el
 * @param {string} widget
 * @param {(...args: A) => void} fn
 * @returns {(...args: A) => void}
 */
export function guard(el, widget, fn) {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      showError(el, widget, error);
    }
  };
}

/** Tracks object URLs created for byte payloads so a view can free them on cleanup. */
export class UrlPool {
  constructor() {
    /** @type {string[]} */
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
    const url = URL.createObjectURL(new Blob([/** @type {BlobPart} */ (bytes)], { type: media.mime || "application/octet-stream" }));
    this.urls.push(url);
    return url;
  }

  release() {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }
}

/**
 * @param {DataView|ArrayBuffer|Uint8Array} data
 * @returns {Uint8Array}
 */
export function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Render one media item (image, video, audio or text).
 * @param {Media} media
 * @param {UrlPool} pool
 * @param {{markdown?: boolean, muted?: boolean, loop?: boolean}} [options]
 * @returns {HTMLElement}
 */
export function mediaElement(media, pool, options = {}) {
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
      muted: options.muted ? "" : undefined,
      loop: options.loop === false ? undefined : "",
    });
  }
  if (media.kind === "audio") {
    return h("div", { class: "rnb-media rnb-media-audio" }, [
      h("audio", { src, controls: "", loop: options.loop === false ? undefined : "" }),
      h("div", { class: "rnb-caption", text: media.name ?? "" }),
    ]);
  }
  return h("img", { class: "rnb-media", src, alt: media.name ?? "", draggable: "false" });
}

/**
 * The "limited markdown" a labeler sees with MarkdownSetting: bold, italic, code, line breaks.
 * Escapes HTML first, so the input cannot inject markup.
 * @param {string} text
 * @returns {string}
 */
export function miniMarkdown(text) {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w])_([^_]+)_(?=[^\w]|$)/g, "$1<em>$2</em>")
    .replace(/\*([^*]+)\*/g, "<em>$1</em>")
    .replace(/\n/g, "<br>");
}

/**
 * Format a number of seconds as "1h 02m", "3m 05s" or "12s".
 * @param {number|null|undefined} seconds
 * @returns {string}
 */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/**
 * A pointer position relative to an element, normalised to [0, 1] on both axes.
 * @param {HTMLElement} el
 * @param {{clientX: number, clientY: number}} event
 * @returns {{x: number, y: number}}
 */
export function relativePoint(el, event) {
  const rect = el.getBoundingClientRect();
  const x = (event.clientX - rect.left) / Math.max(1, rect.width);
  const y = (event.clientY - rect.top) / Math.max(1, rect.height);
  const round = (/** @type {number} */ v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
  return { x: round(x), y: round(y) };
}
