"""Screenshots to look at: open notebooks in JupyterLab in headless Chromium, run them, and save a
picture of each panel and each figure (and the whole window) under test-artifacts/screenshots/.

Run from the repository: ``.venv/bin/python tests/browser/look.py notebooks/02_who_said_it.ipynb``.
``--open-details`` unfolds every "What each choice means" list first; ``--check N`` chooses each
field's first option and presses Check N times on each panel, so feedback shows too.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser import harness  # noqa: E402


def shoot(page: Any, element: Any, path: Path) -> None:
    """Save what the student sees of ``element``: scrolled into JupyterLab's window, cut from the page."""
    harness.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = element.bounding_box()
    if box is None:
        return
    page.screenshot(path=str(path), clip={"x": max(0, box["x"] - 4), "y": max(0, box["y"] - 4),
                                          "width": box["width"] + 8, "height": min(box["height"] + 8, 2800)})


def main(argv: list[str] | None = None) -> int:
    """Open each notebook given, run it, and save its screenshots; print where they are."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", help="paths relative to the repository, e.g. notebooks/02_who_said_it.ipynb")
    parser.add_argument("--open-details", action="store_true", help="unfold the glossaries before the pictures")
    parser.add_argument("--check", type=int, default=0, metavar="N", help="choose a first option and press Check N times")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        lab = harness.start_lab(Path(work))
        browser = harness.launch_browser(playwright)
        try:
            for notebook in args.notebooks:
                page = browser.new_page(viewport={"width": args.width, "height": 3000})
                harness.open_in_lab(page, lab, notebook)
                harness.run_all(page)
                harness.wait_idle(page)
                stem = Path(notebook).stem
                if args.open_details:
                    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                panels = page.locator(".jp-OutputArea-output:has(button:text-matches('^\\\\s*(Check|Hand in)'))")
                for i in range(panels.count()):
                    panel = panels.nth(i)
                    if args.check:
                        radios = panel.locator("input[type=radio]")
                        if radios.count():
                            radios.first.check()
                        boxes = panel.locator("input[type=checkbox]")
                        if boxes.count():
                            boxes.first.check()
                        button = panel.locator("button", has_text=re.compile(r"^\s*(Check|Hand in)\s*$")).first
                        for _ in range(args.check):  # a second try that is not right shows the why
                            button.click()
                            page.wait_for_timeout(1500)
                    path = harness.ARTIFACTS / f"look-{stem}-panel{i}.png"
                    shoot(page, panel, path)
                    print(path)
                images = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")
                for i in range(images.count()):
                    image = images.nth(i)
                    path = harness.ARTIFACTS / f"look-{stem}-figure{i}.png"
                    shoot(page, image, path)
                    box = image.bounding_box() or {}
                    print(path, f"shown {box.get('width', 0):.0f}x{box.get('height', 0):.0f} px")
                errors = harness.error_outputs(page)
                if errors:
                    print(f"{notebook}: {len(errors)} error output(s):", *errors, sep="\n  ")
                page.close()
                lab.shutdown_kernels()
        finally:
            browser.close()
            lab.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
