"""Screenshots to look at: open notebooks in JupyterLab in headless Chromium, run them, and save a
picture of each panel and each figure (and the whole window) under test-artifacts/screenshots/.

Run from the repository: ``.venv/bin/python tests/browser/look.py notebooks/02_who_said_it.ipynb``.
``--open-details`` unfolds every "What each choice means" list first; ``--check N`` chooses each
field's first option and presses Check N times on each panel, so feedback shows too;
``--sample-answers`` first puts a synthetic student's answers files in the module's folder (the
lessons' case answered, and every worksheet of the practice case handed in whose statements are all
answered), so lesson 07 and the handed-in worksheets have something to show.
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


def write_sample_answers(module: Path, seed: int = 2) -> list[Path]:
    """A synthetic student's answers files in ``module`` (where a student's would be): the lessons'
    case answered with a mix of right and wrong, and the practice case with each worksheet handed in
    whose statements the student answered. Returns the files written.
    """
    import random

    from attribution_lab import load_case
    from attribution_lab.core.plan import PRACTICE_CASE, graded_lessons
    from attribution_lab.instructor.synthetic import generate_student
    from attribution_lab.storage.answers_store import AnswersStore
    from attribution_lab.storage.location import answers_file_name
    from attribution_lab.student.worksheet_panel import WorksheetPanel

    written = []
    for number, case_id in enumerate(("kursk", PRACTICE_CASE)):
        case = load_case(case_id)
        path = module / answers_file_name(case.id)
        submission = generate_student(case, number, random.Random(seed))
        if case.id == PRACTICE_CASE:  # worksheets are never checked before the hand-in: no first tries yet
            for record in submission["answers"].values():
                record.update(first={}, attempts=0)
                record.pop("first_checked", None)
                record.pop("last_checked", None)
        AnswersStore(path, case).save(submission)
        written.append(path)
    practice = load_case(PRACTICE_CASE)
    for item in graded_lessons():
        WorksheetPanel(practice, item.number, answers_path=written[1]).hand_in()  # refused if not all answered
    return written


def main(argv: list[str] | None = None) -> int:
    """Open each notebook given, run it, and save its screenshots; print where they are."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", help="paths relative to the repository, e.g. notebooks/02_who_said_it.ipynb")
    parser.add_argument("--open-details", action="store_true", help="unfold the glossaries before the pictures")
    parser.add_argument("--check", type=int, default=0, metavar="N", help="choose a first option and press Check N times")
    parser.add_argument("--sample-answers", action="store_true", help="start from a synthetic student's answers files")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        lab = harness.start_lab(Path(work))
        if args.sample_answers:
            print("sample answers:", *write_sample_answers(lab.root), sep="\n  ")
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
                texts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output pre")
                for i in range(texts.count()):  # printed text, as the text interface and lesson 07 show it
                    path = harness.ARTIFACTS / f"look-{stem}-text{i}.png"
                    shoot(page, texts.nth(i), path)
                    print(path)
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
