"""What is graded is exactly what the notebooks ask.

The lesson notebooks ask the lessons' case through their panels, the worksheets ask the practice
case through theirs. Both sides are derived here on their own: the panels' (statement, field) pairs
from the panels each notebook builds, and the maximum from the ``grade`` command's output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from attribution_lab.cli import main
from attribution_lab.core.engine import WEIGHTS
from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.formats.answers import encode
from attribution_lab.storage.answers_store import now_iso
from attribution_lab.storage.cases import load_case
from attribution_lab.student import lessons
from attribution_lab.student.worksheets import Worksheet

ROOT = Path(__file__).resolve().parents[2]


def _code(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code")


def _asked_by_lesson_notebooks(case_id: str, tmp_path: Path) -> set[tuple[str, str]]:
    """(statement, field) of every panel the lesson notebooks build, as their cells build them."""
    case, pairs = load_case(case_id), set()
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        code = _code(path)
        if "lessons.panel(case, lesson.number)" not in code:
            continue
        number = re.search(r'lesson = lessons\.lesson\("(\d\d)"\)', code)
        assert number, f"{path.name} builds a panel but names no lesson"
        panel = lessons.panel(case, number.group(1), answers_path=tmp_path / f"{path.stem}.json")
        pairs |= {(sid, f) for sid in panel.statement_ids for f in panel.fields}
    return pairs


def _asked_by_worksheets(tmp_path: Path) -> tuple[str, set[tuple[str, str]]]:
    """The practice case and the (statement, field) of every worksheet, from the solutions' cells."""
    cases, pairs = set(), set()
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        code = _code(path)
        case_id = re.search(r'^CASE = "([a-z_]+)"', code, re.M).group(1)
        number = re.search(r'Worksheet\(CASE, lesson="(\d\d)"\)', code).group(1)
        panel = Worksheet(case_id, lesson=number, answers_path=tmp_path / f"{path.stem}.json").panel()
        cases.add(case_id)
        pairs |= {(sid, f) for sid in panel.statement_ids for f in panel.fields}
    assert len(cases) == 1, f"the worksheets use several cases: {cases}"
    return cases.pop(), pairs


def _graded_maximum(case_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> float:
    """The maximum ``attribution-lab grade --json`` reports for one student's file."""
    case = load_case(case_id)
    submission = new_submission(case, student_id="a", now=now_iso())
    for statement in case.statements:
        submission = record_check(case, submission, statement.id, dict(statement.answers), now=now_iso())
    folder = tmp_path / f"class-{case_id}"
    folder.mkdir()
    (folder / "a.json").write_bytes(encode(submission))
    capsys.readouterr()
    assert main(["grade", str(folder), "--case", case_id, "--out", str(tmp_path / f"{case_id}.csv"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["mean_points"] == summary["out_of"], "a file with every key answer earns the maximum"
    return float(summary["out_of"])


def test_the_maximum_grade_of_the_lessons_case_is_what_the_lesson_panels_ask(tmp_path: Path, capsys) -> None:
    """Every scored (statement, field) of the lessons' case is asked by some lesson panel, and nothing else is scored."""
    pairs = _asked_by_lesson_notebooks("kursk", tmp_path)
    assert _graded_maximum("kursk", tmp_path, capsys) == sum(WEIGHTS[f] for _, f in pairs)


def test_the_maximum_grade_of_the_practice_case_is_what_the_worksheets_ask(tmp_path: Path, capsys) -> None:
    """The grade of the practice case counts exactly what the worksheets ask."""
    case_id, pairs = _asked_by_worksheets(tmp_path)
    assert _graded_maximum(case_id, tmp_path, capsys) == sum(WEIGHTS[f] for _, f in pairs)


def test_no_statement_and_field_is_asked_by_two_lessons(tmp_path: Path) -> None:
    """Each (statement, field) belongs to one lesson: no panel opens with another lesson's answer."""
    case = load_case("kursk")
    seen: dict[tuple[str, str], str] = {}
    for item in lessons.graded_lessons():
        for sid in item.statement_ids(case):
            for f in item.fields:
                assert (sid, f) not in seen, f"{sid} {f} is asked in lessons {seen[(sid, f)]} and {item.number}"
                seen[(sid, f)] = item.number
