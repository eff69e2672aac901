"""Grading a class into files: one CSV row per student, and a file for the LMS.

:func:`grade_files` streams: each file is read, checked, scored and its row written to an index on
disk before the next is opened, so memory stays the same whatever the class's size. CSV cells that
a spreadsheet could run as formulas are neutralised (:func:`safe_cell`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from ..core.case import FIELDS, Case
from ..core.submission import Submission, key_version_note, student_id, version_note
from ..errors import SubmissionError
from .class_index import ClassIndex
from .collect import (
    GradedFile,
    Outcome,
    duplicate_lines,
    iter_graded,
    merged_submission,
    read_submission,
    rejection_line,
    shown,
)
from .gradebooks import Gradebook, default_assignment, written_heads
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
            *map(_num, map(self.by_field.__getitem__, fields)), self.note,
        ]


def header(fields: Sequence[str]) -> list[str]:
    """Column names of the results CSV."""
    return ["student_id", "name", "file", "updated", "points", "first_try_points", "out_of", *(f"{f}_points" for f in fields), "note"]




@lru_cache(maxsize=256)
def _num(value: float) -> float | int:
    """Points as the CSV shows them: two decimals at most, a whole number without any. A class
    gives the same few sums again and again: the last 256 are remembered (about three calls in four
    find theirs), a bound small enough to be full after a few dozen students, so memory does not
    grow with the class.
    """
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def grade_row(
    scorer: Scorer, submission: Submission, path: Path, totals: tuple[Totals, Totals] | None = None, student: str | None = None
) -> GradeRow:
    """The results row for one checked submission (``totals``: its scores, if already computed;
    ``student``: its identity, as :func:`~attribution_lab.instructor.collect.iter_class` gives it).
    """
    (points, out_of, by_field), (first_points, _, _) = totals or scorer.grade(submission)
    given = submission.get("student", {})
    return GradeRow(
        student_id=student if student is not None else student_id(submission, path.stem),
        name=given.get("name", "") if isinstance(given.get("name", ""), str) else "",
        file=str(path),
        updated=str(submission.get("updated", "")),
        points=points,
        first_try_points=first_points,
        out_of=out_of,
        by_field=by_field,
        note=key_version_note(submission, scorer.case) or "",
    )


def graded_row(scorer: Scorer, graded: GradedFile) -> GradeRow:
    """The results row of a file the grader read (:func:`~attribution_lab.instructor.collect.iter_graded`)."""
    (points, out_of, by_field), (first_points, _, _) = graded.totals
    return GradeRow(graded.student, graded.name, os.fspath(graded.path), graded.updated, points, first_points, out_of,
                    by_field, version_note(graded.key_version, scorer.case) or "")


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


class _ListSink:
    """What csv.writer writes to: ``write`` is the given function (a list's append)."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write


def _csv_writer(handle: TextIO | _ListSink) -> Any:
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


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _RowText:
    """A row's results line and LMS line as CSV text (formulas neutralised). One csv writer per
    layout writes into a list, whose ``append`` is its ``write``: no Python code runs per line.
    """

    def __init__(self, gradebook: Gradebook) -> None:
        self.gradebook = gradebook
        self._lines: list[str] = []
        self._writer = _csv_writer(_ListSink(self._lines.append))

    def text(self, cells: list[Any]) -> tuple[str, str]:
        """The results line and the LMS line of a row's cells."""
        gradebook_row = self.gradebook.row(cells[0], cells[1], cells[4], cells[6])
        self._writer.writerow([safe_cell(c) if type(c) is str else c for c in cells])  # numbers pass safe_cell unchanged
        self._writer.writerow([safe_cell(c) for c in gradebook_row])
        lms, line = self._lines.pop(), self._lines.pop()
        if not (line.isascii() or _encodes(line)):
            # a file name (or the student id taken from it) with bytes that are not UTF-8: written
            # as the messages show it, since a CSV of such text could not be written at all
            return self.text([shown(c) if type(c) is str else c for c in cells])
        return line, lms


def grade_files(
    paths: Iterable[str | Path],
    case: Case,
    results: Path,
    lms: Path,
    *,
    fields: Sequence[str] = FIELDS,
    say: Callable[[str], None] | None = None,
    merge: bool = False,
    force: bool = False,
    gradebook: Gradebook | None = None,
) -> GradeSummary:
    """Grade every answers file under ``paths`` and write the results CSV and the LMS CSV (in the
    ``gradebook`` layout; default the generic one, see :mod:`attribution_lab.instructor.gradebooks`).

    Streams: each file is read, checked, scored and its row written to an index on disk
    (:class:`~attribution_lab.instructor.class_index.ClassIndex`) before the next is opened, so
    memory does not grow with the class. A student's files are read again only when there are
    several (to compare their answers) and, with ``merge``, to merge them per field.
    The outputs are checked first (:func:`check_outputs`); :class:`OutputRefused` says why not.
    """
    paths = list(paths)
    check_outputs([(results, RESULTS_KIND), (lms, LMS_KIND)], paths, force=force)
    scorer = Scorer(case, fields)
    gradebook = gradebook or Gradebook("generic", default_assignment(case.id))
    outcome = Outcome()
    text = _RowText(gradebook)
    with ClassIndex() as index:
        for graded in iter_graded(paths, scorer, outcome, say):
            row = graded_row(scorer, graded)
            cells = row.cells(fields)
            index.add(row.student_id, graded.updated, graded.mtime, row.file, cells[4], *text.text(cells))
        outcome.duplicates = index.duplicates(merge, answers=lambda path: _reread(path, case))
        replaced = _merged_rows(outcome, index, scorer, fields, say)
        total, students = 0.0, 0
        with open_output(results) as out, open_output(lms) as lms_out:
            _csv_writer(out).writerow(header(fields))
            _csv_writer(lms_out).writerows(gradebook.head(_num(scorer.out_of)))
            for order, points, full, short in index.kept_rows():
                students += 1
                if order in replaced:
                    full, short = text.text(replaced[order])
                    total += replaced[order][4]
                else:
                    total += points
                out.write(full)
                lms_out.write(short)
    if say:
        for line in duplicate_lines(outcome.duplicates):
            say(line)
    return GradeSummary(outcome, students, total / students if students else None, _num(scorer.out_of) if students else None,
                        str(results), str(lms))


def _reread(path: str, case: Case) -> Submission | None:
    """A file read again to compare a student's files (None: it cannot be read or checked now)."""
    try:
        return read_submission(path, case)[0]
    except SubmissionError:
        return None


def _merged_rows(
    outcome: Outcome, index: ClassIndex, scorer: Scorer, fields: Sequence[str], say: Callable[[str], None] | None
) -> dict[int, list[Any]]:
    """The rows of students whose files are merged, by the read order of their newest file."""
    rows: dict[int, list[Any]] = {}
    for d in outcome.duplicates:
        if not d.merged:
            continue
        files = index.merge_order(d.student_id)
        try:
            parts = [read_submission(path, scorer.case)[0] for _, path in files]
        except SubmissionError as error:  # changed since it was read: grade the newest, say so
            d.merged = False
            line = rejection_line(error) + "; not merged, the newest file graded alone"
            outcome.rejected.append(line)
            if say:
                say(line)
            continue
        newest_order, newest_path = files[-1]
        row = grade_row(scorer, merged_submission(parts), Path(newest_path), None, d.student_id)
        row.note = " ".join(filter(None, [row.note, f"Merged from {len(parts)} files."]))
        rows[newest_order] = row.cells(fields)
    return rows


# --------------------------------------------------------------------------------------------
# Outputs that never overwrite what they did not write

RESULTS_KIND, LMS_KIND = "results CSV", "LMS CSV"
_HEADS = {RESULTS_KIND: ('"student_id","name","file",',), LMS_KIND: tuple(written_heads())}


class OutputRefused(ValueError):
    """An output the grader or report will not write, with one plain line saying why."""


def _inside(target: Path, source: Path) -> bool:
    source = source.resolve()
    return target == source or (source.is_dir() and source in target.parents)


def refuse_symlink(path: Path, what: str) -> None:
    """Raise :class:`OutputRefused` when ``path`` is a symbolic link (writes never follow one)."""
    if path.is_symlink():
        raise OutputRefused(f"{shown(path)}: the {what} is a symbolic link; nothing written (writes never follow a link)")


def check_outputs(outputs: Sequence[tuple[Path, str]], sources: Iterable[str | Path], *, force: bool = False) -> None:
    """Refuse (:class:`OutputRefused`) an output that is a symbolic link, lies inside the answers
    files being read, is the same file as another output, or is an existing file this program did
    not write (a results or LMS CSV it wrote starts with its header row), unless ``force``.
    """
    seen: dict[Path, str] = {}
    sources = list(sources)
    for path, what in outputs:
        refuse_symlink(path, what)
        real = path.resolve()
        if any(_inside(real, Path(s)) for s in sources):
            raise OutputRefused(f"{shown(path)}: the {what} would be inside the answers files being read; nothing written, no answers file touched")
        if real in seen:
            raise OutputRefused(f"{shown(path)}: the {what} and the {seen[real]} are the same file; nothing written")
        seen[real] = what
        if path.exists() and not force and (not path.is_file() or not any(_starts_with(path, head) for head in _HEADS[what])):
            raise OutputRefused(
                f"{shown(path)}: exists and is not a {what} written by attribution-lab; nothing written, the file kept "
                "(choose another name, or --force to replace it)"
            )


def _starts_with(path: Path, head: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(len(head)) == head
    except OSError:
        return False


def open_output(path: Path, mode: str = "w") -> Any:
    """Open an output for writing without following a symbolic link (``O_NOFOLLOW``), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    if "b" in mode:
        return os.fdopen(os.open(path, flags | getattr(os, "O_BINARY", 0), 0o644), mode)
    return os.fdopen(os.open(path, flags, 0o644), mode, encoding="utf-8", newline="")
