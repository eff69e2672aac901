"""One answers file per student, wherever the notebook is: the path a new student takes.

A fresh clone of the repository, served as ``make lab`` serves it, with no answers folder set: the
student answers in lesson 02 (JupyterLab) and in lesson 03 in Voila, and answers worksheet 02 with
its panel and hands it in. Every lesson answer lands in one ``answers-kursk.json`` in the module's
folder, the worksheet's in ``answers-kursk_prisoners.json`` beside it (the practice case); lesson 07
counts every lesson answer and shows the worksheet's grade; and ``attribution-lab grade`` on the
handed-in module folder grades one student with every answer. Before, lessons and worksheets saved two files (``notebooks/`` and ``exercises/``), lesson
07 saw one of them, and the grader silently kept only the newer.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import harness
import pytest
from conftest import workspace
from test_lab_notebooks import answer_right, check_and_expect, go_next

from attribution_lab import Case
from attribution_lab.core.engine import WEIGHTS, score
from attribution_lab.core.feedback import PROGRESS_MARKS
from attribution_lab.core.plan import PRACTICE_CASE, asked, lesson
from attribution_lab.core.submission import answers_of
from attribution_lab.formats.answers import parse_submission
from attribution_lab.storage.cases import load_case
from attribution_lab.storage.location import answers_file_name

pytestmark = pytest.mark.browser

ANSWERS = "answers-kursk.json"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _given(answers: dict[str, Any], sid: str, out: dict[tuple[str, str], Any]) -> None:
    for name, value in answers.items():
        out[(sid, name)] = list(value) if name == "chain" else value


def test_lessons_worksheets_and_voila_share_one_answers_file(
    page: Any, browser: Any, clone_lab: harness.Server, case: Case, tmp_path: Path
) -> None:
    """Answer in lesson 02, worksheet 02 and Voila (lesson 03) on a fresh clone with nothing set:
    one answers file in the module's folder holds every answer, lesson 07 counts them all, and the
    grader finds one student with every answer."""
    given: dict[tuple[str, str], Any] = {}
    module = clone_lab.root

    # Lesson 02 in JupyterLab: the key's origin for the statement shown, then Check.
    harness.open_in_lab(page, clone_lab, "notebooks/02_who_said_it.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    panel = harness.find_panels(page, case)[0]
    sid, answers = answer_right(panel, case)
    check_and_expect(panel, case, sid, answers)
    _given(answers, sid, given)
    harness.screenshot(page, "one-file-1-lesson-02")

    # Worksheet 02 in JupyterLab, with its panel: every statement answered (one wrong), then Hand in.
    practice = load_case(PRACTICE_CASE)
    harness.open_in_lab(page, clone_lab, "exercises/02_origins_worksheet.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    sheet = harness.find_panels(page, practice)[0]
    sheet.locator.scroll_into_view_if_needed()
    missed = None
    for _ in practice.statement_ids:
        statement = sheet.statement()
        if missed is None:
            missed = statement.id
            sheet.choose("origin", harness.wrong_answer(practice, statement, "origin"))
        else:
            sheet.choose("origin", statement.answers["origin"])
        # Once the list marks the statement answered, the kernel has handled the choice: a check
        # it made then would show beside it.
        sheet.wait_jump_mark(PROGRESS_MARKS["all"])
        assert "✗" not in sheet.feedback() and "Why" not in sheet.text(), "the worksheet checked before the hand-in"
        if not go_next(sheet):  # the last statement: Next is disabled
            break
    sheet.button("Hand in").click()
    deadline = time.monotonic() + 30
    while "graded try" not in sheet.text() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    worksheet_ids = lesson("02").statement_ids(practice)
    points = WEIGHTS["origin"] * (len(worksheet_ids) - 1)
    assert f"graded try: {points:g} of {WEIGHTS['origin'] * len(worksheet_ids):g} points" in sheet.text(), sheet.text()[-800:]
    assert f"Not right then: {missed} origin" in _flat(sheet.text())
    harness.screenshot(page, "one-file-2-worksheet-02-handed-in")
    clone_lab.shutdown_kernels()
    practice_file = module / answers_file_name(practice.id)
    handed = parse_submission(practice_file.read_bytes(), practice, practice_file.name)
    assert handed["handed_in"]["02"]["times"] == 1

    # Lesson 03 in Voila (code hidden), on the same folder.
    voila = harness.start_voila(tmp_path / "voila", clone_lab, "notebooks/03_how_sure.ipynb")
    try:
        voila_page = browser.new_page(viewport={"width": 1280, "height": 1000})
        try:
            voila_page.goto(f"{voila.base}/")
            panel = harness.find_panels(voila_page, case, timeout=120)[0]
            vsid, vanswers = answer_right(panel, case)
            check_and_expect(panel, case, vsid, vanswers)
            _given(vanswers, vsid, given)
            harness.screenshot(voila_page, "one-file-3-voila-lesson-03")
        finally:
            voila_page.close()
    finally:
        voila.stop()

    # One file, in the module's folder, holding every answer; none beside the notebooks.
    assert not (module / "notebooks" / ANSWERS).exists() and not (module / "exercises" / ANSWERS).exists(), (
        "a notebook saved beside itself instead of in the module's folder")
    submission = parse_submission((module / ANSWERS).read_bytes(), case, ANSWERS)
    current = answers_of(submission, "current")
    for (gsid, name), value in given.items():
        saved = current.get(gsid, {}).get(name)
        assert (sorted(saved) if name == "chain" else saved) == (sorted(value) if name == "chain" else value), (
            f"{gsid} {name}: the answers file holds {saved!r}, not the answer given")

    # Lesson 07 reads the same file: it counts every field answered anywhere.
    harness.open_in_lab(page, clone_lab, "notebooks/07_my_results.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    index = next(i for i, source in enumerate(harness.cell_sources(page)) if "results_text" in source)
    shown = harness.cell_output(page, index)
    harness.screenshot(page, "one-file-4-lesson-07")
    pairs = {(sid, f) for sid, fields in asked(case).items() for f in fields}
    answered = {(s, f) for (s, f) in given if (s, f) in pairs}
    unanswered = re.search(r"Fields not answered yet: (\d+)", shown)
    assert unanswered, shown
    assert int(unanswered.group(1)) == len(pairs) - len(answered), shown
    worksheets = harness.cell_output(page, next(i for i, source in enumerate(harness.cell_sources(page))
                                                 if "worksheets_text" in source))
    assert f"Worksheet 02, graded try: {points:g} of" in _flat(worksheets), worksheets
    clone_lab.shutdown_kernels()

    # The instructor collects the student's folder and grades it: one student, every answer.
    handed_in = tmp_path / "students" / "alice"
    shutil.copytree(module, handed_in, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    results = tmp_path / "results.csv"
    run = subprocess.run([sys.executable, "-m", "attribution_lab.cli", "grade", str(tmp_path / "students"), "--out", str(results)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = list(csv.DictReader(results.open(encoding="utf-8")))
    assert len(rows) == 1, rows
    by_statement: dict[str, dict[str, Any]] = {}
    for (gsid, name), value in given.items():
        by_statement.setdefault(gsid, {})[name] = value
    assert float(rows[0]["points"]) == pytest.approx(score(case, by_statement).points), rows[0]
