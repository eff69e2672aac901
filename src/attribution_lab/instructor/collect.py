"""Collecting a class: find every answers file, read each safely, and tell what was found.

Shared by grading and the class report. Files are read as bytes with a size cap and decoded by
:mod:`attribution_lab.formats.answers`; nothing in them is executed. A rejected or skipped file is
reported on one line and never stops the rest of the class from being read.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..core.case import Case
from ..core.submission import Submission, newest_rank, student_id
from ..errors import Problem, SubmissionError
from ..formats.answers import decode_quickly, parse_quickly, parse_submission
from ..formats.limits import MAX_SUBMISSION_BYTES
from .scoring import Scorer, Totals

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class StudentAnswers:
    """One student's accepted answers file: who (see :func:`~attribution_lab.core.submission.student_id`),
    which file, and the submission itself.
    """

    student_id: str
    file: str
    submission: Submission


def submission_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Each answers file to grade, in a stable order, as ``(path, None)``; other files found in
    folders as ``(path, reason skipped)``. A folder is searched recursively for ``*.json``; a file
    named on its own is always read. Raises FileNotFoundError for a path that does not exist.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    found = Path(root, name)
                    if name.lower().endswith(".json"):
                        yield found, None
                    else:
                        yield found, "not a .json file"
        elif path.exists():
            yield path, None
        else:
            raise FileNotFoundError(str(path))


def read_bytes(path: Path) -> tuple[bytes, float]:
    """An answers file's bytes (never more than the size limit allows) and its modification time.

    Raises :class:`SubmissionError` naming the file when it is too large, vanished or unreadable.
    """
    label = str(path)
    try:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size > MAX_SUBMISSION_BYTES:
                raise SubmissionError(
                    [Problem(label, None, None, f"is {stat.st_size:,} bytes; the limit is {MAX_SUBMISSION_BYTES:,}")]
                )
            raw = handle.read(MAX_SUBMISSION_BYTES + 1)  # never more, even if the file grows meanwhile
    except FileNotFoundError:
        raise SubmissionError([Problem(label, None, None, "disappeared before it could be read")]) from None
    except PermissionError:
        raise SubmissionError([Problem(label, None, None, "cannot be read: permission denied")]) from None
    except IsADirectoryError:
        raise SubmissionError([Problem(label, None, None, "is a folder, not an answers file")]) from None
    except OSError as error:
        raise SubmissionError([Problem(label, None, None, f"cannot be read: {error.strerror or error}")]) from None
    return raw, stat.st_mtime


def read_submission(path: Path, case: Case) -> tuple[Submission, float]:
    """Read and check one answers file; returns the submission and the file's modification time.

    Raises :class:`SubmissionError` naming the file for every reason it cannot be graded,
    including a file that vanished or cannot be read.
    """
    raw, mtime = read_bytes(path)
    return parse_quickly(raw, case, str(path)), mtime


def read_and_grade(path: Path, scorer: Scorer) -> tuple[Submission, float, tuple[Totals, Totals]]:
    """Read, check and score one answers file in one pass when it is certainly valid (the usual
    case), else through :func:`parse_submission`. Raises :class:`SubmissionError` naming the file.
    """
    raw, mtime = read_bytes(path)
    data = decode_quickly(raw)
    totals = scorer.grade_raw(data) if data is not None else None
    if totals is None:
        data = parse_submission(raw, scorer.case, str(path))
        totals = scorer.grade(data)
    return data, mtime, totals


def rejection_line(error: SubmissionError) -> str:
    """One line for standard error: the file, where, and the first reason (and how many more)."""
    problems = error.problems or [Problem("submission", None, None, str(error))]
    text = str(problems[0])
    if len(problems) > 1:
        text += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    return "rejected " + " ".join(text.split())  # one line, whatever the message held



@dataclass
class Duplicate:
    """Several files for one student: the one graded and the ones set aside."""

    student_id: str
    graded: str
    set_aside: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What reading a class found, beside the submissions themselves."""

    accepted: int = 0
    rejected: list[str] = field(default_factory=list)  # one line each
    skipped: list[str] = field(default_factory=list)  # non-json files found in folders
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every file was accepted, else 1."""
        return EXIT_REJECTED if self.rejected else EXIT_OK


def iter_class(
    paths: Iterable[str | Path],
    case: Case,
    outcome: Outcome,
    say: Callable[[str], None] | None = None,
    scorer: Scorer | None = None,
) -> Iterator[tuple[Path, Submission, float, tuple[Totals, Totals] | None]]:
    """Each accepted submission as ``(path, submission, mtime, totals)``, one at a time.

    ``totals`` are its current and first-try scores when a ``scorer`` is given, else None. Rejected
    and skipped files are recorded in ``outcome`` and passed to ``say`` (one line each) as they are
    met, so nothing stops the rest of the class from being read.
    """
    for path, skip in submission_files(paths):
        if skip:
            line = f"note: {path}: skipped, {skip}"
            outcome.skipped.append(line)
            if say:
                say(line)
            continue
        try:
            if scorer is not None:
                submission, mtime, totals = read_and_grade(path, scorer)
            else:
                (submission, mtime), totals = read_submission(path, case), None
        except SubmissionError as error:
            line = rejection_line(error)
            outcome.rejected.append(line)
            if say:
                say(line)
            continue
        outcome.accepted += 1
        yield path, submission, mtime, totals


class Newest:
    """Which of several files of one student counts: the one with the largest
    :func:`~attribution_lab.core.submission.newest_rank`, a tie going to the file read later.

    The one owner of "the newest file", for grading and the report alike. Per student it keeps one
    small tuple, and the files of a student seen more than once, to report them.
    """

    def __init__(self) -> None:
        self._best: dict[str, tuple[float, float, int, str]] = {}
        self._seen: dict[str, list[tuple[tuple[float, float, int, str], str]]] = {}
        self._count = 0

    def add(self, student: str, rank: tuple[float, float], file: str) -> int:
        """Record the next file read (its order is returned) for ``student``."""
        order = self._count
        self._count += 1
        entry = (*rank, order, file)
        before = self._best.get(student)
        if before is None:
            self._best[student] = entry
            return order
        self._seen.setdefault(student, [(before, before[3])]).append((entry, file))
        if entry > before:
            self._best[student] = entry
        return order

    def kept(self) -> set[int]:
        """The read orders of the files that count."""
        return {entry[2] for entry in self._best.values()}

    def duplicates(self) -> list[Duplicate]:
        """Each student with more than one file: the one graded and the ones set aside."""
        found = []
        for student, files in self._seen.items():
            ordered = sorted(files, key=lambda f: f[0], reverse=True)
            found.append(Duplicate(student, ordered[0][1], [f for _, f in ordered[1:]]))
        return found


def duplicate_lines(duplicates: Iterable[Duplicate]) -> list[str]:
    """One line per student with more than one file."""
    return [
        f"note: student {d.student_id!r} has {len(d.set_aside) + 1} files; graded the newest, {d.graded}; "
        f"set aside: {', '.join(d.set_aside)}"
        for d in duplicates
    ]


def read_class(
    paths: Iterable[str | Path], case: Case, say: Callable[[str], None] | None = None
) -> tuple[list[StudentAnswers], Outcome]:
    """Every student's newest accepted answers file (in file order), and what else was found.

    Holds the parsed submissions of one class in memory: meant for the report (a class of a
    thousand is a few megabytes). Grading streams instead (:func:`~attribution_lab.instructor.results.grade_files`).
    """
    outcome = Outcome()
    newest = Newest()
    students: list[StudentAnswers] = []
    for path, submission, mtime, _ in iter_class(paths, case, outcome, say):
        students.append(StudentAnswers(student_id(submission, path.stem), str(path), submission))
        newest.add(students[-1].student_id, newest_rank(submission, mtime), str(path))
    outcome.duplicates = newest.duplicates()
    if say:
        for line in duplicate_lines(outcome.duplicates):
            say(line)
    keep = newest.kept()
    return [student for order, student in enumerate(students) if order in keep], outcome


def as_students(items: Iterable[StudentAnswers | Submission]) -> list[StudentAnswers]:
    """Answers as :class:`StudentAnswers`; a bare submission (a dict, as a test or a notebook may
    pass) is named by its student id, else by its place in the list.
    """
    return [
        item if isinstance(item, StudentAnswers) else StudentAnswers(student_id(item, f"(file {n})"), "", item)
        for n, item in enumerate(items, start=1)
    ]


