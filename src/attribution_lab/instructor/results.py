"""Grading a class into files: one CSV row per student, and a file for the LMS.

:func:`grade_files` streams: each file is read, checked, scored and spooled as one row before the
next is opened; only a small index per student stays in memory to keep the newest file. CSV cells
that a spreadsheet could run as formulas are neutralised (:func:`safe_cell`).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..core.case import FIELDS, Case
from ..core.submission import Submission, key_version_note, newest_rank, student_id
from .collect import Newest, Outcome, duplicate_lines, iter_class
from .scoring import Scorer, Totals


@dataclass
class GradeRow:
    """One student's line of the results."""

    student_id: str
    name: str
    file: str
    updated: str
    points: float
    first_try_points: float
    out_of: float
    by_field: dict[str, float]
    note: str = ""

    def cells(self, fields: Sequence[str]) -> list[Any]:
        """The CSV cells, in :func:`header` order."""
        return [
            self.student_id, self.name, self.file, self.updated,
            _num(self.points), _num(self.first_try_points), _num(self.out_of),
            *(_num(self.by_field[f]) for f in fields), self.note,
        ]


def header(fields: Sequence[str]) -> list[str]:
    """Column names of the results CSV."""
    return ["student_id", "name", "file", "updated", "points", "first_try_points", "out_of", *(f"{f}_points" for f in fields), "note"]


LMS_HEADER = ["student_id", "points", "out_of"]


def _num(value: float) -> float | int:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def grade_row(scorer: Scorer, submission: Submission, path: Path, totals: tuple[Totals, Totals] | None = None) -> GradeRow:
    """The results row for one checked submission (``totals``: its scores, if already computed)."""
    (points, out_of, by_field), (first_points, _, _) = totals or scorer.grade(submission)
    student = submission.get("student", {})
    return GradeRow(
        student_id=student_id(submission, path.stem),
        name=student.get("name", "") if isinstance(student.get("name", ""), str) else "",
        file=str(path),
        updated=str(submission.get("updated", "")),
        points=points,
        first_try_points=first_points,
        out_of=out_of,
        by_field=by_field,
        note=key_version_note(submission, scorer.case) or "",
    )


# --------------------------------------------------------------------------------------------
# CSV that opens safely in a spreadsheet

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (CSV injection): prefix ``'``.

    Numbers pass unchanged; every text cell is written quoted, so names stay text.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_writer(handle: TextIO) -> Any:
    return csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")



@dataclass
class GradeSummary:
    """The result of grading a class: counts, rejections, duplicates and the class mean."""

    outcome: Outcome
    students: int
    mean_points: float | None
    out_of: float | None
    results: str
    lms: str


def grade_files(
    paths: Iterable[str | Path],
    case: Case,
    results: Path,
    lms: Path,
    *,
    fields: Sequence[str] = FIELDS,
    say: Callable[[str], None] | None = None,
) -> GradeSummary:
    """Grade every answers file under ``paths`` and write the results CSV and the LMS CSV.

    Streams: each file is read, checked, scored and spooled as one row before the next is opened;
    only a small index (student id, newest time, row number) stays in memory for duplicates.
    """
    scorer = Scorer(case, fields)
    outcome = Outcome()
    newest = Newest()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        for path, submission, mtime, totals in iter_class(paths, case, outcome, say, scorer):
            row = grade_row(scorer, submission, path, totals)
            newest.add(row.student_id, newest_rank(submission, mtime), row.file)
            spool.write(json.dumps(row.cells(fields), ensure_ascii=False) + "\n")
        keep = newest.kept()
        outcome.duplicates = newest.duplicates()
        spool.seek(0, os.SEEK_SET)
        total = 0.0
        out_of = None
        results.parent.mkdir(parents=True, exist_ok=True)
        lms.parent.mkdir(parents=True, exist_ok=True)
        with open(results, "w", encoding="utf-8", newline="") as out, open(lms, "w", encoding="utf-8", newline="") as lms_out:
            full, short = _csv_writer(out), _csv_writer(lms_out)
            full.writerow(header(fields))
            short.writerow(LMS_HEADER)
            for index, line in enumerate(spool):
                if index not in keep:
                    continue
                cells = json.loads(line)
                full.writerow([safe_cell(c) for c in cells])
                short.writerow([safe_cell(cells[0]), cells[4], cells[6]])
                total += cells[4]
                out_of = cells[6]
    if say:
        for line in duplicate_lines(outcome.duplicates):
            say(line)
    students = len(keep)
    return GradeSummary(outcome, students, total / students if students else None, out_of, str(results), str(lms))
