"""Collecting a class: find every answers file, read each safely, and tell what was found.

Shared by grading and the class report. Files are read as bytes with a size cap and decoded by
:mod:`attribution_lab.formats.answers`; nothing in them is executed. A rejected or skipped file is
reported on one line and never stops the rest of the class from being read.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..core.case import Case
from ..core.submission import Submission, given_id, merge_submissions, newest_rank, student_id
from ..errors import Problem, SubmissionError
from ..formats.answers import parse_submission
from ..formats.answers_quick import parse_quickly
from ..formats.limits import MAX_SUBMISSION_BYTES
from ..storage.files import read_open_file
from ..storage.location import case_of_answers_file
from .listing import Found, submission_files
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


def shown(path: str | Path) -> str:
    r"""A path as printed in every message: control characters (and the backslash) escaped, as
    ``\n`` or ``\x1b``, so a file name holding a newline cannot forge a line of its own; a byte
    of a name that is not UTF-8 is written ``\xe9``, so the name can be printed and written at all.
    """
    text = str(path)
    if "\\" not in text and text.isprintable():  # the usual path: nothing to escape
        return text
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char])
        elif 0xDC80 <= ord(char) <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def fallback_id(path: str | Path, folder: Path | None) -> str:
    """What a file without a student id is called: the name of the folder it sits in when that is
    a per-student folder (a sub-folder of a folder given to the grader, as hub and LMS exports make
    them: ``class/alice/answers-kursk.json`` is ``alice``), else the file name without ``.json``.
    """
    path = Path(path)  # the grader asks only for a file without a student id: most files never need a Path
    if folder is not None and path.parent != folder:
        return path.parent.name
    return path.stem


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not an answers file"
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"is {kind}, not a regular file; not read, no answers taken from it"


def read_bytes(path: str | Path, regular: bool = False) -> tuple[bytes, float]:
    """An answers file's bytes (never more than the size limit allows) and its modification time.

    Only regular files are read: a FIFO, device or socket is refused before it is opened (and it
    is opened without waiting), so nothing hangs. ``regular``: the folder's listing already said
    the file is a regular file, so it is not asked again before opening (it is still checked once
    open). Raises :class:`SubmissionError` naming the file when it is too large, vanished,
    unreadable or not a regular file.
    """
    try:
        why = None if regular else _not_regular(os.stat(path).st_mode)
        if why:
            raise SubmissionError([Problem(shown(path), None, None, why)])
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            info = os.fstat(fd)
            why = _not_regular(info.st_mode)  # it may have been swapped since the check above
            if why:
                raise SubmissionError([Problem(shown(path), None, None, why)])
            if info.st_size > MAX_SUBMISSION_BYTES:
                raise SubmissionError(
                    [Problem(shown(path), None, None, f"is {info.st_size:,} bytes; the limit is {MAX_SUBMISSION_BYTES:,}")]
                )
            raw = read_open_file(fd, info.st_size)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise SubmissionError([Problem(shown(path), None, None, "disappeared before it could be read")]) from None
    except PermissionError:
        raise SubmissionError([Problem(shown(path), None, None, "cannot be read: permission denied")]) from None
    except IsADirectoryError:
        raise SubmissionError([Problem(shown(path), None, None, "is a folder, not an answers file")]) from None
    except OSError as error:
        raise SubmissionError([Problem(shown(path), None, None, f"cannot be read: {error.strerror or error}")]) from None
    return raw, info.st_mtime


def read_submission(path: str | Path, case: Case) -> tuple[Submission, float]:
    """Read and check one answers file; returns the submission and the file's modification time.

    Raises :class:`SubmissionError` naming the file for every reason it cannot be graded,
    including a file that vanished or cannot be read.
    """
    raw, mtime = read_bytes(path)
    return parse_quickly(raw, case, shown(path)), mtime


def rejection_line(error: SubmissionError) -> str:
    """One line for standard error: the file, where, and the first reason (and how many more)."""
    problems = error.problems or [Problem("submission", None, None, str(error))]
    text = str(problems[0])
    if len(problems) > 1:
        text += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    return "rejected " + " ".join(text.split())  # one line, whatever the message held



@dataclass
class Duplicate:
    """Several files for one student: the one graded, the ones set aside (or merged in), and
    whether their answers differ (then the grader exits 1 unless they were merged).
    """

    student_id: str
    graded: str
    set_aside: list[str] = field(default_factory=list)
    differ: bool = False
    merged: bool = False
    folders: int = 1


@dataclass
class Outcome:
    """What reading a class found, beside the submissions themselves."""

    accepted: int = 0
    rejected: list[str] = field(default_factory=list)  # one line each
    skipped: list[str] = field(default_factory=list)  # non-json files and folders not read again
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every file was accepted and no student has files with different answers left
        unmerged, else 1.
        """
        conflict = any(d.differ and not d.merged for d in self.duplicates)
        return EXIT_REJECTED if self.rejected or conflict else EXIT_OK


def _files_to_read(paths: Iterable[str | Path], case: Case, outcome: Outcome, say: Callable[[str], None] | None) -> Iterator[Found]:
    """Each answers file of ``case`` to read; the others are recorded in ``outcome`` as skipped."""
    for found in submission_files(paths):
        path, skip = found.path, found.skip
        named = case_of_answers_file(os.path.basename(path))
        if not skip and named is not None and named != case.id:
            # A student's folder holds one answers file per case (lessons, worksheets): the other
            # case's file is not an error, it is graded with its own --case.
            skip = f"the answers of case {named!r}; grade them with --case {named}"
        if skip:
            line = f"note: {shown(path)}: skipped, {skip}"
            outcome.skipped.append(line)
            if say:
                say(line)
            continue
        yield found


def _rejected(error: SubmissionError, outcome: Outcome, say: Callable[[str], None] | None) -> None:
    line = rejection_line(error)
    outcome.rejected.append(line)
    if say:
        say(line)


def iter_class(
    paths: Iterable[str | Path],
    case: Case,
    outcome: Outcome,
    say: Callable[[str], None] | None = None,
) -> Iterator[tuple[Path, Submission, float, str]]:
    """Each accepted submission as ``(path, submission, mtime, student)``, one at a time.

    ``student`` is its identity (:func:`~attribution_lab.core.submission.student_id`, falling back
    to :func:`fallback_id`). Rejected and skipped files are recorded in ``outcome`` and passed to
    ``say`` (one line each) as they are met, so nothing stops the rest of the class from being read.
    """
    for text, _, folder, _ in _files_to_read(paths, case, outcome, say):
        path = Path(text)  # the report keeps its paths as Path objects
        try:
            submission, mtime = read_submission(path, case)
        except SubmissionError as error:
            _rejected(error, outcome, say)
            continue
        outcome.accepted += 1
        yield path, submission, mtime, student_id(submission, fallback_id(path, folder))


class GradedFile(NamedTuple):
    """One accepted file as the grader needs it: no answers, only what its results row shows."""

    path: str
    mtime: float
    student: str  # its identity: the student id in the file, else fallback_id
    name: str  # the student's name as typed, "" when none
    updated: str
    key_version: str
    totals: tuple[Totals, Totals]


def iter_graded(
    paths: Iterable[str | Path], scorer: Scorer, outcome: Outcome, say: Callable[[str], None] | None = None
) -> Iterator[GradedFile]:
    """Like :func:`iter_class` with a scorer, for the grader: each accepted file read, checked and
    scored in one pass when it is certainly valid (:meth:`Scorer.grade_bytes`), else through
    :func:`parse_submission`; only what its row needs is kept.
    """
    for path, _, folder, regular in _files_to_read(paths, scorer.case, outcome, say):
        try:
            raw, mtime = read_bytes(path, regular)
            quick = scorer.grade_bytes(raw)
            if quick is not None:
                data, current, first = quick
                given, name = data.student.id, data.student.name
                updated, key_version, totals = data.updated, data.key_version, (current, first)
            else:
                submission = parse_submission(raw, scorer.case, shown(path))
                totals = scorer.grade(submission)
                student = submission.get("student", {})
                given, name = student.get("id", ""), student.get("name", "")
                updated, key_version = str(submission.get("updated", "")), str(submission.get("key_version", ""))
        except SubmissionError as error:
            _rejected(error, outcome, say)
            continue
        outcome.accepted += 1
        who = given_id(given, "") or fallback_id(path, folder)  # an id is never empty: no fallback needed
        yield GradedFile(path, mtime, who, name if type(name) is str else "", updated, key_version, totals)


def _answers_digest(submission: Submission | None) -> str:
    if submission is None:
        return ""  # cannot be read again: differs from any file that can
    return hashlib.sha256(json.dumps(submission.get("answers", {}), sort_keys=True).encode("utf-8")).hexdigest()


#: One file of a student, as the rule for the newest file sees it: its rank
#: (:func:`~attribution_lab.core.submission.newest_rank`), its path and its read order.
FileRank = tuple[float, float, str, int]


def newest_first(files: Iterable[FileRank]) -> list[FileRank]:
    """A student's files, the one that counts first: the latest "updated" time written in the file,
    then the latest modification time, then the file path that sorts first (a tie: read order).
    The one owner of "the newest file", for grading and the report alike.
    """
    return sorted(files, key=lambda f: (-f[0], -f[1], f[2]))


def duplicate_of(student: str, files: list[FileRank], merge: bool, answers: Callable[[int], Submission | None] | None) -> Duplicate:
    """What a student's several files (in read order) come to: the one graded, the ones set aside
    (or merged), and whether their answers differ. ``answers`` gives the submission of a read order,
    to compare them (without it they are taken to differ).
    """
    ordered = newest_first(files)
    digests = [_answers_digest(answers(f[3])) for f in files] if answers else [""]
    differ = answers is None or "" in digests or len(set(digests)) > 1
    folders = len({str(Path(f[2]).parent) for f in files})
    return Duplicate(student, ordered[0][2], [f[2] for f in ordered[1:]], differ, merge and differ, folders)


class Newest:
    """Which of several files of one student counts (:func:`newest_first`), by one rule that does
    not depend on the order the files were named in.

    In memory, for the report (which holds its class in memory anyway): per student it keeps one
    small tuple per file (rank, path, read order), to report duplicates. The grader keeps the same
    on disk (:class:`~attribution_lab.instructor.class_index.ClassIndex`).
    """

    def __init__(self) -> None:
        self._files: dict[str, list[FileRank]] = {}
        self._count = 0

    def add(self, student: str, rank: tuple[float, float], file: str) -> int:
        """Record the next file read (its order is returned) for ``student``."""
        order = self._count
        self._count += 1
        self._files.setdefault(student, []).append((*rank, file, order))
        return order

    def kept(self) -> set[int]:
        """The read orders of the files that count."""
        return {newest_first(files)[0][3] for files in self._files.values()}

    def orders(self, student: str) -> list[int]:
        """The read orders of a student's files, oldest first (the order to merge them in)."""
        return [f[3] for f in reversed(newest_first(self._files[student]))]

    def duplicates(self, merge: bool = False, answers: Callable[[int], Submission | None] | None = None) -> list[Duplicate]:
        """Each student with more than one file: the one graded and the ones set aside (or merged).

        ``answers`` gives the submission of a read order, to tell whether a student's files differ
        (asked only for students with several files; without it they are taken to differ).
        """
        return [duplicate_of(student, files, merge, answers) for student, files in self._files.items() if len(files) > 1]


RULE = 'latest "updated" time, then latest modification time, then file path in sorted order'


def duplicate_lines(duplicates: Iterable[Duplicate]) -> list[str]:
    """One line per file of a student with more than one file, each naming the file and what
    happened to its answers (paths escaped).
    """
    lines = []
    for d in duplicates:
        who = f"student {shown(d.student_id)!r}"
        where = f" in {d.folders} different folders" if d.folders > 1 else ""
        if d.merged:
            lines.append(
                f"note: {who} has {len(d.set_aside) + 1} files{where} with different answers, merged per field; "
                f"{shown(d.graded)}: merged (newest)"
            )
            lines.extend(f"note: {who}: {shown(f)}: merged into the graded answers" for f in d.set_aside)
        elif d.differ:
            lines.append(
                f"conflict: {who} has {len(d.set_aside) + 1} files{where} with different answers; {shown(d.graded)}: "
                f"graded (chosen by {RULE})"
            )
            lines.extend(
                f"conflict: {who}: {shown(f)}: set aside, its answers differ and were not graded "
                "(check whose file it is, or use --merge-duplicates)"
                for f in d.set_aside
            )
        else:
            lines.append(f"note: {who} has {len(d.set_aside) + 1} files{where} with the same answers; graded {shown(d.graded)}")
            lines.extend(f"note: {who}: {shown(f)}: set aside as a copy (same answers)" for f in d.set_aside)
    return lines


def merged_submission(submissions: Iterable[Submission]) -> Submission:
    """One student's files merged per field, oldest first, with
    :func:`~attribution_lab.core.submission.merge_submissions` (no answer lost).
    """
    items = list(submissions)
    result = items[0]
    for newer in items[1:]:
        result = merge_submissions(result, newer)
    return result


def read_class(
    paths: Iterable[str | Path], case: Case, say: Callable[[str], None] | None = None, *, merge: bool = False
) -> tuple[list[StudentAnswers], Outcome]:
    """Every student's newest accepted answers file (in file order), and what else was found.

    With ``merge``, a student's files with different answers are merged per field instead.
    Holds the parsed submissions of one class in memory: meant for the report (a class of a
    thousand is a few megabytes). Grading streams instead (:func:`~attribution_lab.instructor.results.grade_files`).
    """
    outcome = Outcome()
    newest = Newest()
    students: list[StudentAnswers] = []
    # Parsed answers are plain JSON data, which holds no reference cycles; the cyclic collector
    # would only walk the growing class again and again (half the reading time for 1,000 files).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path, submission, mtime, student in iter_class(paths, case, outcome, say):
            students.append(StudentAnswers(student, str(path), submission))
            newest.add(student, newest_rank(submission, mtime), str(path))
    finally:
        if collecting:
            gc.enable()
    outcome.duplicates = newest.duplicates(merge, answers=lambda order: students[order].submission)
    if say:
        for line in duplicate_lines(outcome.duplicates):
            say(line)
    keep = newest.kept()
    if merge:
        for d in outcome.duplicates:
            if d.merged:
                orders = newest.orders(d.student_id)
                whole = merged_submission(students[o].submission for o in orders)
                students[orders[-1]] = StudentAnswers(d.student_id, students[orders[-1]].file, whole)
    return [student for order, student in enumerate(students) if order in keep], outcome


def as_students(items: Iterable[StudentAnswers | Submission]) -> list[StudentAnswers]:
    """Answers as :class:`StudentAnswers`; a bare submission (a dict, as a test or a notebook may
    pass) is named by its student id, else by its place in the list.
    """
    return [
        item if isinstance(item, StudentAnswers) else StudentAnswers(student_id(item, f"(file {n})"), "", item)
        for n, item in enumerate(items, start=1)
    ]


