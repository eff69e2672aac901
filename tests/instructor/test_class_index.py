"""The grader's index of a class lives on disk: written a few records at a time, it still finds
every student's several files, keeps the newest, loses no row, and its scratch file is removed
when grading ends, an error included."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from attribution_lab.instructor import class_index, listing, results
from attribution_lab.instructor.class_index import ClassIndex
from attribution_lab.instructor.results import grade_files
from attribution_lab.instructor.synthetic import write_class
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder, empty: where a scratch database would be left behind."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _class_with_duplicates(root: Path) -> Path:
    """Twelve students; student 2 has a copy with the same answers, student 5 a newer file with
    other answers, student 7 an older one, and student 9 three files in three folders."""
    folder = root / "class"
    paths = write_class(CASE, 12, folder / "main", seed=8)
    others = write_class(CASE, 12, root / "others", seed=9)
    (folder / "copies").mkdir()
    shutil.copy(paths[1], folder / "copies" / "same-2.json")
    for number, when, where in ((5, "2031-01-01T00:00:00Z", "late"), (7, "2001-01-01T00:00:00Z", "early"),
                                (9, "2031-01-01T00:00:00Z", "late"), (9, "2001-01-01T00:00:00Z", "early")):
        data = json.loads(others[number - 1].read_text("utf-8"))
        data["student"]["id"] = json.loads(paths[number - 1].read_text("utf-8"))["student"]["id"]
        data["updated"] = when
        (folder / where).mkdir(exist_ok=True)
        (folder / where / f"student-{number}.json").write_text(json.dumps(data), "utf-8")
    return folder


def _grade(folder: Path, out: Path, merge: bool = False) -> tuple[object, str, str, list[str]]:
    said: list[str] = []
    summary = grade_files([folder], CASE, out / "results.csv", out / "lms.csv", say=said.append, merge=merge, force=True)
    return summary.students, (out / "results.csv").read_text("utf-8"), (out / "lms.csv").read_text("utf-8"), said


@pytest.mark.parametrize("merge", [False, True])
def test_small_batches_and_pages_give_the_same_results(tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch,
                                                       merge: bool) -> None:
    """Written two records at a time and listed three entries at a time, the index finds the same
    duplicates, keeps the same files, writes the same CSVs and says the same lines as with the
    usual batches; and nothing is left in the temporary folder."""
    folder = _class_with_duplicates(tmp_path)
    usual = _grade(folder, tmp_path / "usual", merge)
    monkeypatch.setattr(class_index, "BATCH", 2)
    monkeypatch.setattr(listing, "LISTING_IN_MEMORY", 3)
    assert _grade(folder, tmp_path / "small", merge) == usual
    assert usual[0] == 12 and len(usual[1].splitlines()) == 13
    assert sum("student 'synthetic-0009' has 3 files in 3 different folders" in line for line in usual[3]) == 1
    assert list(scratch.iterdir()) == []


def test_every_file_is_kept_or_named_as_set_aside(tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No row is lost: each accepted file is a row of the results or is named as set aside, and
    the newest of a student's files is the one kept (the later "updated" time)."""
    folder = _class_with_duplicates(tmp_path)
    monkeypatch.setattr(class_index, "BATCH", 2)
    students, text, _, said = _grade(folder, tmp_path / "out")
    rows = text.splitlines()[1:]
    set_aside = [line for line in said if ": set aside" in line]
    assert len(rows) + len(set_aside) == 17 == len(list(folder.rglob("*.json")))
    assert any("/late/student-5.json" in row for row in rows) and not any("/main/synthetic-0005.json" in row for row in rows)
    assert any("/main/synthetic-0007.json" in row for row in rows) and not any("/early/student-7.json" in row for row in rows)


def test_the_index_keeps_the_newest_file_of_each_student(scratch: Path) -> None:
    """Directly: three files of two students; the later "updated" time counts, then the later
    modification time; the rows come back in read order, the file set aside left out."""
    with ClassIndex() as index:
        index.add("ann", "2025-01-01T00:00:00Z", 5.0, "a1.json", 1.0, "ann 1\n", "lms ann 1\n")
        index.add("bob", "2025-01-01T00:00:00Z", 5.0, "b.json", 2.0, "bob\n", "lms bob\n")
        index.add("ann", "2025-01-01T00:00:00Z", 6.0, "a2.json", 3.0, "ann 2\n", "lms ann 2\n")
        duplicates = index.duplicates(answers=lambda path: None)
        assert [(d.student_id, d.graded, d.set_aside, d.differ) for d in duplicates] == [("ann", "a2.json", ["a1.json"], True)]
        assert list(index.kept_rows()) == [(1, 2.0, "bob\n", "lms bob\n"), (2, 3.0, "ann 2\n", "lms ann 2\n")]
        assert len(list(scratch.iterdir())) == 1
    assert list(scratch.iterdir()) == []


def test_the_scratch_file_is_removed_when_grading_fails(tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error half-way through a class (here, the results file cannot be opened) still removes
    the scratch database, with the listing's own."""
    folder = _class_with_duplicates(tmp_path)
    monkeypatch.setattr(listing, "LISTING_IN_MEMORY", 3)

    def refuse(path: Path, mode: str = "w") -> None:
        assert len(list(scratch.iterdir())) == 1  # the index is on disk while the class is read
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results, "open_output", refuse)
    with pytest.raises(OSError, match="No space left"):
        grade_files([folder], CASE, tmp_path / "results.csv", tmp_path / "lms.csv")
    assert list(scratch.iterdir()) == []
