"""How long a student waits in JupyterLab: run-all to the panel, and Check to feedback.

Starts one JupyterLab server on a copy of the student folders (as the browser tests do) and one
headless Chromium, then, RUNS times, on a fresh page and a fresh kernel:

* open -> kernel ready: from loading the notebook's address to a connected, idle kernel;
* run-all -> panel: from issuing Run All to the panel's Check button being visible;
* Check -> feedback: from clicking Check (the key's answers chosen) to the feedback being shown.

Prints the median, the fastest and the slowest of each. Usage:

    .venv/bin/python benchmarks/browser_timing.py [--runs 7] [--notebook notebooks/02_who_said_it.ipynb]

Needs Debian's Chromium (/usr/bin/chromium) and Playwright for Python; never downloads a browser.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import harness  # noqa: E402

from attribution_lab import load_case  # noqa: E402

START_RUN_ALL_JS = """async () => {
  const app = window.jupyterapp;
  await app.restored;
  const w = app.shell.currentWidget;
  await w.context.ready;
  await w.sessionContext.ready;
  app.commands.execute('notebook:run-all-cells');  // not awaited: the clock starts now
}"""

PANEL_VISIBLE_JS = """() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) button'))
  .some(b => /^\\s*Check\\b/.test(b.textContent) && b.offsetParent !== null)"""


def one_run(browser, lab: harness.Server, case, path: str) -> tuple[float, float, float]:
    """One measurement of (open -> kernel ready, run-all -> panel, Check -> feedback), in seconds."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        started = time.perf_counter()
        harness.open_in_lab(page, lab, path)
        page.wait_for_function(harness.IDLE_JS, timeout=60_000, polling=50)
        ready = time.perf_counter() - started

        started = time.perf_counter()
        page.evaluate(START_RUN_ALL_JS)
        page.wait_for_function(PANEL_VISIBLE_JS, timeout=120_000, polling="raf")
        to_panel = time.perf_counter() - started

        harness.wait_idle(page)
        panel = harness.find_panels(page, case)[0]
        statement = panel.statement()
        controls = panel.field_controls()
        for name in controls:
            panel.choose(name, statement.answers[name])
        page.wait_for_timeout(300)  # let the choices reach the kernel before the clock starts
        before = before_text(panel)
        button = panel.button("Check")
        started = time.perf_counter()
        button.click()
        panel.locator.evaluate(
            """(el, before) => new Promise(resolve => {
                 const done = () => Array.from(el.querySelectorAll('.widget-html'))
                   .map(h => h.innerText).join('\\n');
                 const tick = () => { const t = done(); if (t !== before && /[✓✗◐]/.test(t)) resolve(); else requestAnimationFrame(tick); };
                 tick(); })""",
            before,
        )
        to_feedback = time.perf_counter() - started
        return ready, to_panel, to_feedback
    finally:
        context.close()
        lab.shutdown_kernels()
        lab.clear_answers()


def before_text(panel: harness.PanelView) -> str:
    """The text of the panel's HTML blocks now (the feedback must differ from it)."""
    return panel.locator.evaluate("el => Array.from(el.querySelectorAll('.widget-html')).map(h => h.innerText).join('\\n')")


def main(argv: list[str] | None = None) -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="measurements of each figure (at least 5)")
    parser.add_argument("--notebook", default=None, help="lesson to time (default: the first with a panel)")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("use at least 5 runs: the median of fewer says little")
    missing = harness.browser_missing_reason()
    if missing:
        print(f"cannot measure: {missing}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    case = load_case("kursk")
    with tempfile.TemporaryDirectory(prefix="browser-timing-") as work:
        lab = harness.start_lab(Path(work))
        try:
            path = args.notebook or next(p for p in harness.discover(lab.root, ("notebooks",))
                                         if harness.makes_panel(lab.root / p))
            with sync_playwright() as playwright:
                browser = harness.launch_browser(playwright)
                one_run(browser, lab, case, path)  # warm-up: first loads fill the server's and the OS's caches
                runs = [one_run(browser, lab, case, path) for _ in range(args.runs)]
                browser.close()
        finally:
            lab.stop()
    names = ("open -> kernel ready", "run-all -> panel visible", "Check -> feedback shown")
    print(f"{path}: {args.runs} runs after one warm-up, fresh page and kernel each")
    for index, name in enumerate(names):
        values = [run[index] for run in runs]
        print(f"  {name:<26} median {statistics.median(values):6.3f} s   "
              f"min {min(values):6.3f} s   max {max(values):6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
