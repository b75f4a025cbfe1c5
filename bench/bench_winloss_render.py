"""How long does Chromium take to render a 100 × 100 WinLossMatrix?

Runs the real bundle (rapidata_nb/widgets/static/winloss_matrix.js) in Debian's headless chromium
through the browser-test harness, and reports the time of the synchronous ``render()`` call (canvas
drawing included) for the first view and for repeated redraws. Not a test: it prints numbers.

    .venv/bin/python bench/bench_winloss_render.py [--n 100] [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidata_nb.widgets import WinLossMatrix  # noqa: E402
from tests.utils.widget_harness import Bridge, StaticServer  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def matrix(n: int, seed: int = 0) -> pd.DataFrame:
    """A Bradley–Terry-like tournament: up to 12 games per pair, stronger items win more often."""
    rng = np.random.default_rng(seed)
    strength = np.linspace(2.0, -2.0, n)
    games = np.triu(rng.integers(0, 12, size=(n, n)), 1)
    p = 1 / (1 + np.exp(-(strength[:, None] - strength[None, :])))
    wins = rng.binomial(games, np.triu(p, 1))
    names = [f"model_{i:03d}" for i in range(n)]
    return pd.DataFrame(wins + (games - wins).T, index=names, columns=names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    widget = WinLossMatrix(matrix(args.n))
    server = StaticServer()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            bridge = Bridge(page, server)
            first = bridge.mount(widget, "winloss_matrix")
            redraws = page.evaluate(
                """(repeat) => {
                  const times = [];
                  for (let i = 0; i < repeat; i++) {
                    const t0 = performance.now();
                    window.__model.emit('change:counts');
                    times.push(performance.now() - t0);
                  }
                  return times;
                }""",
                args.repeat,
            )
            nodes = page.evaluate("() => document.querySelectorAll('#root *').length")
            browser.close()
    finally:
        server.close()
    redraws = sorted(redraws)
    p95 = redraws[min(len(redraws) - 1, int(0.95 * len(redraws)))]
    print(f"WinLossMatrix {args.n}x{args.n} in headless chromium ({nodes} DOM nodes):")
    print(f"  first render: {first:.1f} ms")
    print(f"  redraw: median {statistics.median(redraws):.1f} ms, p95 {p95:.1f} ms over {args.repeat} runs")


if __name__ == "__main__":
    main()
