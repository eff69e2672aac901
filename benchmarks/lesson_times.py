"""How long each lesson and worksheet takes a student, estimated from what it asks them to do.

A time nobody measured is a guess; this script makes the guess explicit and repeatable, so the
minutes stated in the lessons (``core/plan.py``) and the README can be checked against it:

* reading: every word of the notebook's text cells and of what its cells print when run (the
  article, rules, worked examples; the notebook is run here, answers going to a temporary folder),
  and of the statements its panel shows (each statement and its paragraph), at READING words a minute;
* answering: SECONDS_PER_ANSWER for each (statement, field) the panel asks (read the choices,
  choose, press Check, read the feedback) and for each ``...`` a code cell asks the student to fill;
* the total rounded up to the next 5 minutes.

Usage: ``.venv/bin/python benchmarks/lesson_times.py`` (prints one line per notebook, and the stated
minutes beside the estimate).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path

from attribution_lab import load_case
from attribution_lab.core.plan import LESSONS, PRACTICE_CASE, WORKSHEETS, lesson
from attribution_lab.storage.location import ANSWERS_DIR_ENV
from attribution_lab.student.lessons import cue_practice

ROOT = Path(__file__).resolve().parents[1]
READING = 180  # words a minute: careful reading of unfamiliar material
SECONDS_PER_ANSWER = 25


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def _printed_words(path: Path) -> int:
    """Words the notebook's cells print (streams and plain-text results, not widgets), run now."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as answers:
        nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute(
            env={**os.environ, ANSWERS_DIR_ENV: answers})
    words = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") == "stream":
                words += _words(output.get("text", ""))
            elif "text/markdown" in data:
                words += _words(data["text/markdown"])
            elif "text/plain" in data and "application/vnd.jupyter.widget-view+json" not in data and "image/png" not in data:
                words += _words(data["text/plain"])
    return words


def estimate(path: Path, case_id: str, number: str | None) -> tuple[float, int, int]:
    """(minutes, words read, answers) for one notebook."""
    cells = json.loads(path.read_text("utf-8"))["cells"]
    words = sum(_words("".join(c["source"])) for c in cells if c["cell_type"] == "markdown")
    words += _printed_words(path)
    typed = sum("".join(c["source"]).count("...") for c in cells if c["cell_type"] == "code")
    answers = 0
    if number is not None and lesson(number).fields:
        case = load_case(case_id)
        ids = lesson(number).statement_ids(case)
        words += sum(_words(case.statement(sid).quote) * 2 for sid in ids)  # the statement and its paragraph
        answers = len(ids) * len(lesson(number).fields)
    if path.stem.startswith("01_"):  # the cue self-check: one cue typed per practice statement
        answers = len(cue_practice(load_case(case_id)))
    # a worksheet asks the same questions in its panel and in its text cells: either, not both
    answers = max(answers, typed)
    return words / READING + answers * SECONDS_PER_ANSWER / 60, words, answers


def main() -> None:
    print(f"reading at {READING} words a minute, {SECONDS_PER_ANSWER} s per answer; rounded up to 5 minutes")
    for item in LESSONS:
        minutes, words, answers = estimate(ROOT / item.path, "kursk", item.number)
        print(f"lesson {item.number}: {words:5d} words, {answers:3d} answers -> {minutes:5.1f} min, "
              f"about {5 * math.ceil(minutes / 5)} (stated {item.minutes})")
    for number, name in WORKSHEETS.items():
        minutes, words, answers = estimate(ROOT / "exercises" / f"{name}.ipynb", PRACTICE_CASE, number)
        print(f"worksheet {number}: {words:5d} words, {answers:3d} answers -> {minutes:5.1f} min, "
              f"about {5 * math.ceil(minutes / 5)}")


if __name__ == "__main__":
    main()
