// A browser-like DOM (happy-dom) and a fake anywidget model, so each widget's render({ model, el })
// runs under `node --test` the way anywidget's own unit tests run it: no kernel, no bundler.

import { GlobalRegistrator } from "@happy-dom/global-registrator";

GlobalRegistrator.register();

/**
 * The part of the anywidget model a view uses: traits by name, `change:<name>` events, save_changes().
 * `set` fires the change event at once, as the real (Backbone) model does.
 */
export class FakeModel {
  /** @param {Record<string, any>} traits */
  constructor(traits) {
    this.traits = { ...traits };
    /** @type {Map<string, Set<() => void>>} */
    this.listeners = new Map();
    this.saves = 0;
  }

  /** @param {string} key */
  get(key) {
    return this.traits[key];
  }

  /** @param {string} key @param {any} value */
  set(key, value) {
    this.traits[key] = value;
    for (const cb of this.listeners.get(`change:${key}`) ?? []) cb();
  }

  save_changes() {
    this.saves += 1;
  }

  /** @param {string} event @param {() => void} cb */
  on(event, cb) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(cb);
  }

  /** @param {string} event @param {() => void} cb */
  off(event, cb) {
    this.listeners.get(event)?.delete(cb);
  }

  /** How many callbacks are still registered (0 after the view's cleanup). */
  get listening() {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}

/**
 * Render a widget module into a fresh element.
 * @param {{render: (props: {model: any, el: HTMLElement}) => (() => void) | void}} widget
 * @param {Record<string, any>} traits
 */
export function mount(widget, traits) {
  const model = new FakeModel(traits);
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model, el }) ?? (() => {});
  return { model, el, cleanup };
}

/** @param {Element} el @param {string} selector */
export const texts = (el, selector) => [...el.querySelectorAll(selector)].map((n) => n.textContent);
