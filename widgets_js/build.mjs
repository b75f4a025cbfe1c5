// Bundle each widget's ES module, and their shared stylesheet (widgets.css), into
// rapidata_nb/widgets/static/, and the labeling web app (label_app.js) into
// rapidata_nb/server/web/static/.
//
//   npm ci && node build.mjs          one deterministic build (the committed bundles)
//   node build.mjs --outdir D         widgets only, into D (the app too with --app-outdir E)
//   node build.mjs --watch            rebuild on change (use with ANYWIDGET_HMR=1)
//
// The bundles are committed so `pip install` needs no node; tests/widgets/test_bundles.py
// rebuilds into a temporary directory and checks the result is byte-identical.

import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
export const WIDGETS = ["task_preview", "job_progress", "winloss_matrix", "leaderboard", "results_gallery"];
export const APPS = ["label_app"];

const args = process.argv.slice(2);
const outIndex = args.indexOf("--outdir");
const outdir = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : path.join(here, "..", "rapidata_nb", "widgets", "static");
const appIndex = args.indexOf("--app-outdir");
const appOutdir =
  appIndex >= 0
    ? path.resolve(args[appIndex + 1])
    : outIndex >= 0
      ? null
      : path.join(here, "..", "rapidata_nb", "server", "web", "static");

/** @type {import("esbuild").BuildOptions} */
const options = {
  // one stylesheet for every widget (widgets.css), not a copy per bundle
  entryPoints: [
    ...WIDGETS.map((name) => path.join(here, `${name}.js`)),
    { in: path.join(here, "style.css"), out: "widgets" },
  ],
  absWorkingDir: here,
  outdir,
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: false,
  legalComments: "none",
  charset: "utf8",
  logLevel: "info",
};

/** @type {import("esbuild").BuildOptions[]} */
const builds = [options];
if (appOutdir) {
  builds.push({ ...options, entryPoints: APPS.map((name) => path.join(here, `${name}.js`)), outdir: appOutdir });
}

for (const build of builds) {
  if (args.includes("--watch")) {
    const context = await esbuild.context(build);
    await context.watch();
  } else {
    await esbuild.build(build);
  }
}
