// TaskPreview: what a labeler sees, one datapoint at a time (rapidata_nb/widgets/task_preview.py).

import { guard, h, showError } from "./common.js";
import { renderTask } from "./task_renderers.js";

const NAME = "TaskPreview";

/**
 * @typedef {import("./task_renderers.js").Task} Task
 * @typedef {import("./task_renderers.js").Answer} Answer
 * @typedef {import("./common.js").Model} Model
 */

/**
 * @param {{model: Model, el: HTMLElement}} props
 * @returns {() => void}
 */
function render({ model, el }) {
  el.classList.add("rnb-widget", "rnb-task-preview");
  /** @type {() => void} */
  let cleanupTask = () => {};

  const draw = guard(el, NAME, () => {
    cleanupTask();
    /** @type {Task} */
    const task = model.get("task");
    const index = typeof task.index === "number" ? task.index : model.get("index");
    const total = model.get("n_tasks");
    /** @type {Array<Answer & {index: number}>} */
    const answers = model.get("answers") ?? [];
    const previous = answers.find((a) => a.index === index) ?? null;

    const stage = h("div", { class: "rnb-preview-stage" });
    const go = (/** @type {number} */ delta) => {
      model.set("index", Math.min(total - 1, Math.max(0, index + delta)));
      model.save_changes();
    };
    const nav = h("div", { class: "rnb-nav" }, [
      h("span", { class: "rnb-badge", text: task.type.replace("_", " ") }),
      h("button", { type: "button", class: "rnb-prev", text: "‹ Prev", disabled: index <= 0, onclick: () => go(-1) }),
      h("span", { class: "rnb-page", text: `${index + 1} / ${total}` }),
      h("button", { type: "button", class: "rnb-next", text: "Next ›", disabled: index >= total - 1, onclick: () => go(1) }),
      h("span", { class: "rnb-answered", text: `${answers.length} answered` }),
    ]);
    el.replaceChildren(h("div", { class: "rnb-card" }, [nav, stage]));
    cleanupTask = renderTask(stage, task, {
      interactive: model.get("interactive"),
      answer: previous,
      onAnswer: guard(el, NAME, (answer) => {
        const rest = (model.get("answers") ?? []).filter((/** @type {{index: number}} */ a) => a.index !== index);
        const entry = { index, type: task.type, ...answer };
        model.set("answers", [...rest, entry].sort((a, b) => a.index - b.index));
        model.save_changes();
        const counter = el.querySelector(".rnb-answered");
        if (counter) counter.textContent = `${rest.length + 1} answered`;
      }),
    });
  });

  // Re-render when Python sends the task of the new index (it carries its index); neither a local
  // index change nor an answer change may reset a half-drawn task.
  const events = ["change:task", "change:n_tasks", "change:interactive"];
  for (const event of events) model.on(event, draw);
  try {
    draw();
  } catch (error) {
    showError(el, NAME, error);
  }
  return () => {
    for (const event of events) model.off(event, draw);
    cleanupTask();
  };
}

export default { render };
