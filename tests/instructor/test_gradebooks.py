"""Gradebook files that learning platforms import: `grade --lms-format canvas|moodle|generic`
writes the layout each platform documents, one row per student, with the grader's points.

The layouts checked here, from the platforms' own documentation:
- Canvas (Instructure, "How do I import grades in the Gradebook?"): the columns Student, ID, SIS
  User ID, SIS Login ID and Section come first, in that order, then one column per assignment; a
  "Points Possible" row may follow the header. Students are matched by ID, SIS User ID or SIS Login ID.
- Moodle ("Grade import", CSV): any header; on import the teacher maps one column to a user
  identifier (the ID number here) and a column to a grade item.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from attribution_lab.cli import main
from attribution_lab.instructor.synthetic import write_class
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")


def _grade(tmp_path: Path, *options: str) -> tuple[list[dict[str, str]], list[list[str]]]:
    """Grade a synthetic class of five; the results rows and the gradebook file's rows."""
    folder = tmp_path / "class"
    if not folder.exists():
        write_class(CASE, 5, folder, seed=3)
    results = tmp_path / "results.csv"
    assert main(["grade", str(folder), "--out", str(results), "--force", *options]) == 0
    with results.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (tmp_path / "results-lms.csv").open(encoding="utf-8") as handle:
        return rows, list(csv.reader(handle))


def test_canvas_layout_has_its_five_identity_columns_then_the_assignment(tmp_path: Path) -> None:
    """Canvas: Student, ID, SIS User ID, SIS Login ID, Section, the assignment; a Points Possible
    row with the maximum; then each student's name, their id as SIS User ID, and their points."""
    results, rows = _grade(tmp_path, "--lms-format", "canvas", "--assignment", "Kursk, week 3")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Kursk, week 3"]
    assert rows[1][0].strip() == "Points Possible" and float(rows[1][5]) == float(results[0]["out_of"])
    assert len(rows) == 2 + len(results)
    for row, result in zip(rows[2:], results):
        assert row == [result["name"], "", result["student_id"], "", "", row[5]]
        assert float(row[5]) == float(result["points"])


def test_moodle_layout_has_an_identifier_a_name_and_the_grade(tmp_path: Path) -> None:
    """Moodle: ID number, Full name, the assignment (default name: Attribution Lab (case)); one row each."""
    results, rows = _grade(tmp_path, "--lms-format", "moodle")
    assert rows[0] == ["ID number", "Full name", "Attribution Lab (kursk)"]
    assert [(r[0], r[1], float(r[2])) for r in rows[1:]] == [
        (r["student_id"], r["name"], float(r["points"])) for r in results]


def test_generic_layout_is_the_default(tmp_path: Path) -> None:
    """Without --lms-format: student_id, points, out_of."""
    results, rows = _grade(tmp_path)
    assert rows[0] == ["student_id", "points", "out_of"]
    assert [r[0] for r in rows[1:]] == [r["student_id"] for r in results]


def test_a_gradebook_file_may_be_written_again_in_another_layout_but_a_foreign_file_is_kept(tmp_path: Path) -> None:
    """The grader replaces a gradebook file it wrote, in any layout; a file it did not write is
    refused (exit 2) and left as it was."""
    _grade(tmp_path, "--lms-format", "canvas")
    _grade(tmp_path, "--lms-format", "moodle")
    foreign = tmp_path / "grades.csv"
    foreign.write_text("name,grade\nAda,10\n", "utf-8")
    code = main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "again.csv"), "--lms", str(foreign),
                 "--lms-format", "canvas"])
    assert code == 2 and foreign.read_text("utf-8") == "name,grade\nAda,10\n"


@pytest.mark.parametrize("name", ["", "   ", "two\nlines"])
def test_an_assignment_name_must_be_one_line(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty or multi-line assignment name is refused with one line; nothing is written."""
    write_class(CASE, 2, tmp_path / "class", seed=1)
    assert main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "r.csv"), "--lms-format", "canvas", "--assignment", name]) == 2
    assert "--assignment" in capsys.readouterr().err and not (tmp_path / "r.csv").exists()
