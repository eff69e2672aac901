"""The gradebook file the grader writes beside its results, in the layout a learning platform
imports: one owner for each layout's header, its rows, and the first bytes that mark a file as
written by the grader.

* ``generic``: ``student_id, points, out_of``, for anything that maps columns itself;
* ``canvas``: Canvas's gradebook import layout: the columns Student, ID, SIS User ID, SIS Login ID
  and Section, then one column named after the assignment, with a "Points Possible" row under the
  header. The student id a student typed goes into SIS User ID (ask students to type the id their
  institution gives them); Canvas's own ID column is left empty;
* ``moodle``: Moodle's grade import from a CSV file, where the teacher maps an identifier column to
  a user field (the ID number) and a grade column to a grade item: ID number, Full name, and one
  column named after the assignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: The layouts, by the name ``grade --lms-format`` takes.
FORMATS = ("generic", "canvas", "moodle")
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: Canvas's label of the row that gives each assignment's maximum (indented, as Canvas writes it).
CANVAS_POINTS_POSSIBLE = "    Points Possible"
MOODLE_IDENTITY = ["ID number", "Full name"]


def default_assignment(case_id: str) -> str:
    """The assignment's column name when none is given."""
    return f"Attribution Lab ({case_id})"


@dataclass(frozen=True)
class Gradebook:
    """One layout with its assignment's name: the rows to write before the students, and each
    student's row.
    """

    format: str
    assignment: str

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"--lms-format: {self.format!r} is not a layout; choose one of {', '.join(FORMATS)}")
        if not self.assignment.strip() or any(c in self.assignment for c in "\r\n"):
            raise ValueError("--assignment: give the assignment's name on one line")

    def head(self, out_of: float | int) -> list[list[Any]]:
        """The header row, and for Canvas the "Points Possible" row under it."""
        if self.format == "canvas":
            return [[*CANVAS_IDENTITY, self.assignment], [CANVAS_POINTS_POSSIBLE, "", "", "", "", out_of]]
        if self.format == "moodle":
            return [[*MOODLE_IDENTITY, self.assignment]]
        return [["student_id", "points", "out_of"]]

    def row(self, student_id: str, name: str, points: float | int, out_of: float | int) -> list[Any]:
        """One student's row: their id, name and points where this layout puts them."""
        if self.format == "canvas":
            return [name, "", student_id, "", "", points]
        if self.format == "moodle":
            return [student_id, name, points]
        return [student_id, points, out_of]


def written_heads() -> Sequence[str]:
    """The first bytes of a gradebook file the grader wrote, in any layout (quoted as it writes
    them): an existing file that starts otherwise is not replaced without ``--force``.
    """
    def quoted(columns: Sequence[str]) -> str:
        return ",".join(f'"{c}"' for c in columns)

    generic = Gradebook("generic", "-").head(0)[0]
    return (quoted(generic), quoted(CANVAS_IDENTITY) + ",", quoted(MOODLE_IDENTITY) + ",")


__all__ = ["CANVAS_IDENTITY", "CANVAS_POINTS_POSSIBLE", "FORMATS", "MOODLE_IDENTITY", "Gradebook", "default_assignment", "written_heads"]
