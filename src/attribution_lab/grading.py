"""Grading a class: read every answers file, recompute every score, write one CSV row per student.

The thin shell around :mod:`attribution_lab.submission` and the engine for instructors:

* ``attribution-lab grade SUBMISSIONS... --out results.csv`` writes one row per student (final and
  first-try points, out of, per-field points) and an LMS-friendly CSV (student id, points, out of).
* ``attribution-lab report SUBMISSIONS... --out DIR`` writes the class report (see
  :mod:`attribution_lab.report`).

Exit codes of both: 0 every file was accepted; 1 some files were rejected (each named on its own
line on standard error; the rest are still graded); 2 bad usage (unknown option, field or case, a
path that does not exist, no answers file found, an output that cannot be written).

Nothing in an answers file is executed or unpickled: files are read as bytes, parsed as JSON with a
size cap and checked against the submission schema. A score written inside a file could not even
be stored (the schema rejects unknown properties); every score is recomputed from the answers.

Speed: checking a file against the schema with ``jsonschema`` takes milliseconds, too slow for a
large class, so :func:`read_submission` first runs a strict hand-written check that accepts only
what the schema and the case certainly accept (see :func:`quick_accepts`). Anything it does not
accept goes through :func:`attribution_lab.submission.parse_submission`, which decides and words the
problems. Scores come from the engine's own :func:`~attribution_lab.engine.check_field`, remembered
per (statement, field, answer) because a class gives the same few answers again and again.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from .case import DEFAULT_CASE, FIELDS, Case, load_case
from .engine import WEIGHTS, FieldResult, check_field
from .errors import CaseError, Problem, SubmissionError
from .submission import FORMAT, MAX_SUBMISSION_BYTES, SCHEMA_VERSION, Submission, key_version_note, parse_submission

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

# --------------------------------------------------------------------------------------------
# The quick check: a strict subset of what the schema and the case accept


# The schema's patterns, anchored at both ends with fullmatch. (The schema's "$" would also allow a
# trailing newline; being stricter only sends such a file to the full check.)
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})")
_LABEL = re.compile(r"[a-z][a-z0-9_]*")
_STATEMENT_ID = re.compile(r"S[0-9]{2,3}")
_CASE_ID = re.compile(r"[a-z][a-z0-9_]*")
_KEY_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_TOP_KEYS = frozenset(("format", "schema_version", "case_id", "key_version", "student", "created", "updated", "answers"))
_ENTRY_KEYS = frozenset(("current", "first", "attempts", "first_checked", "last_checked", "updated"))
_ENTRY_REQUIRED = frozenset(("current", "first", "attempts"))
_STUDENT_KEYS = frozenset(("id", "name"))


@dataclass(frozen=True)
class _Allowed:
    """What the quick check lets through for one case: labels and ids that also match the schema."""

    case_id: str
    statement_ids: frozenset[str]
    labels: Mapping[str, frozenset[str]]


_allowed_cache: dict[int, _Allowed] = {}


def _allowed(case: Case) -> _Allowed:
    found = _allowed_cache.get(id(case))
    if found is None or found.case_id != case.id:
        labels = {
            f: frozenset(label for label in case.labels(f) if len(label) <= 40 and _LABEL.fullmatch(label)) for f in FIELDS
        }
        found = _Allowed(
            case.id,
            frozenset(s for s in case.statement_ids if _STATEMENT_ID.fullmatch(s)),
            labels,
        )
        _allowed_cache[id(case)] = found
    return found


def _is_time(value: Any, match: Any = _TIME.fullmatch) -> bool:
    return type(value) is str and len(value) <= 40 and match(value) is not None


def _values_ok(values: Any, labels: Mapping[str, frozenset[str]]) -> bool:
    if type(values) is not dict:
        return False
    for name, value in values.items():
        allowed = labels.get(name)
        if allowed is None:
            return False
        if type(value) is str:
            if value not in allowed or name == "chain":
                return False
        elif type(value) is list and name == "chain" and len(value) <= 20:
            for item in value:
                if type(item) is not str or item not in allowed:
                    return False
        else:
            return False
    return True


def _frame_ok(data: Any, allowed: _Allowed) -> bool:
    """Everything of the quick check but the answers' values (which the scorer checks as it scores)."""
    if type(data) is not dict or data.keys() != _TOP_KEYS:
        return False
    if data["format"] != FORMAT or type(data["schema_version"]) is not int or data["schema_version"] != SCHEMA_VERSION:
        return False
    case_id = data["case_id"]
    if type(case_id) is not str or case_id != allowed.case_id or len(case_id) > 40 or not _CASE_ID.fullmatch(case_id):
        return False
    key_version = data["key_version"]
    if type(key_version) is not str or not _KEY_VERSION.fullmatch(key_version):
        return False
    student = data["student"]
    if type(student) is not dict or not student.keys() <= _STUDENT_KEYS:
        return False
    for value in student.values():
        if type(value) is not str or len(value) > 200:
            return False
    if not (_is_time(data["created"]) and _is_time(data["updated"])):
        return False
    answers = data["answers"]
    if type(answers) is not dict or len(answers) > 1000:
        return False
    ids, time_match = allowed.statement_ids, _TIME.fullmatch
    for sid, entry in answers.items():
        if sid not in ids or type(entry) is not dict or "current" not in entry or "first" not in entry or "attempts" not in entry:
            return False
        for name, value in entry.items():
            if name == "current" or name == "first":
                if type(value) is not dict:
                    return False
            elif name == "attempts":
                if type(value) is not int or not 0 <= value <= 1_000_000:
                    return False
            elif name == "first_checked" or name == "last_checked" or name == "updated":
                if type(value) is str:
                    if len(value) > 40 or time_match(value) is None:
                        return False
                elif value is not None or name == "updated":  # the two "checked" times may be null
                    return False
            else:
                return False
    return True


def quick_accepts(data: Any, case: Case) -> bool:
    """True only when a parsed answers file certainly passes the schema and the case's checks.

    Stricter than the schema on purpose (exact types, exact label ids, anchored patterns): a False
    means "ask the full check", never "reject". Tests compare it with the schema on many files.
    """
    allowed = _allowed(case)
    if not _frame_ok(data, allowed):
        return False
    return all(
        _values_ok(entry["current"], allowed.labels) and _values_ok(entry["first"], allowed.labels)
        for entry in data["answers"].values()
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an answers file")


def _decode(raw: bytes) -> Any:
    if len(raw) > MAX_SUBMISSION_BYTES:
        return None
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None  # parse_submission words the reason


def parse_quickly(raw: bytes, case: Case, file: str) -> Submission:
    """Like :func:`~attribution_lab.submission.parse_submission`, and as strict, but fast for good files.

    A file the quick check accepts is returned at once; any other goes to ``parse_submission``,
    which either accepts it too or raises :class:`SubmissionError` with every problem.
    """
    data = _decode(raw)
    if data is not None and quick_accepts(data, case):
        return data
    return parse_submission(raw, case, file)


# --------------------------------------------------------------------------------------------
# Files


def submission_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Each answers file to grade, in a stable order, as ``(path, None)``; other files found in
    folders as ``(path, reason skipped)``. A folder is searched recursively for ``*.json``; a file
    named on its own is always read. Raises FileNotFoundError for a path that does not exist."""
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
    case), else through :func:`parse_submission`. Raises :class:`SubmissionError` naming the file."""
    raw, mtime = read_bytes(path)
    data = _decode(raw)
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


def student_id(submission: Submission, path: Path) -> str:
    """The student's id from the file, or the file name without ``.json`` when the id is empty."""
    given = submission.get("student", {}).get("id", "")
    return given.strip() if isinstance(given, str) and given.strip() else path.stem


def _moment(stamp: Any) -> datetime | None:
    if not isinstance(stamp, str):
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None  # allowed by the schema's pattern but not a real time: ranks as oldest
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def newest_first_key(submission: Submission, mtime: float) -> tuple[datetime, float]:
    """Sort key for duplicates: the "updated" time in the file, then the file's modification time."""
    return (_moment(submission.get("updated")) or datetime.min.replace(tzinfo=timezone.utc), mtime)


# --------------------------------------------------------------------------------------------
# Scoring (the engine's verdicts, remembered)


Totals = tuple[float, float, dict[str, float]]


class Scorer:
    """Scores submissions with the engine's :func:`check_field`, remembering each verdict.

    Totals equal ``score_submission``'s (tests compare them on many submissions): unanswered
    fields earn nothing in the engine, so only answered fields are looked up.

    :meth:`grade_raw` also checks the answers' values while it scores them (one pass over each
    file instead of two), which is what makes grading a large class fast.
    """

    def __init__(self, case: Case, fields: Sequence[str] = FIELDS, weights: Mapping[str, float] = WEIGHTS) -> None:
        self.case = case
        self.fields = tuple(fields)
        self.weights = {f: (weights[f] if f in self.fields else 0.0) for f in FIELDS}
        self._statements = {s.id: s for s in case.statements}
        self._position = {sid: n for n, sid in enumerate(case.statement_ids)}
        self._memo: dict[tuple[str, str, Any], FieldResult] = {}
        self._allowed = _allowed(case)
        # statement id -> field -> stored answer (a chain as a tuple) -> points earned. Filled with
        # every valid label up front, so a label missing from a table is one the schema or case refuses.
        self._points: dict[str, dict[str, dict[Any, float]]] = {}
        for sid in self._statements:
            self._points[sid] = {f: {} for f in FIELDS}
            for f in FIELDS:
                if f != "chain":
                    for label in self._allowed.labels[f]:
                        self._points[sid][f][label] = self.result(sid, f, label).credit * self.weights[f]
        self.out_of = float(sum(self.weights[f] for f in self.fields) * len(case.statements))

    def result(self, statement_id: str, field_name: str, value: Any) -> FieldResult:
        """The engine's verdict on one stored answer (``None`` when unanswered)."""
        key = (statement_id, field_name, tuple(value) if isinstance(value, list) else value)
        found = self._memo.get(key)
        if found is None:
            found = check_field(self.case, self._statements[statement_id], field_name, value)
            self._memo[key] = found
        return found

    def _chain_points(self, sid: str, value: list) -> float | None:
        """Points for a chain not seen before, or None when it is not a valid stored chain."""
        labels = self._allowed.labels["chain"]
        if len(value) > 20 or any(type(item) is not str or item not in labels for item in value):
            return None
        points = self._points[sid]["chain"][tuple(value)] = self.result(sid, "chain", value).credit * self.weights["chain"]
        return points

    def _points_of(self, answers: Mapping[str, Any], which: str, per_field: bool = True) -> Totals | None:
        """Totals of the ``which`` answers, or None when a value is not certainly valid.

        The hot loop of grading: the tables hold every valid label, so one look-up both checks a
        value and scores it; a missing key (unknown field or label) means "not certainly valid".
        """
        by_field = dict.fromkeys(FIELDS, 0.0)
        earned_by_statement = [0.0] * len(self._position)
        tables, position = self._points, self._position
        try:
            for sid, entry in answers.items():
                table = tables[sid]
                earned = 0.0
                for f, value in entry[which].items():
                    if type(value) is str:
                        points = table[f][value]  # a chain is never a string: its table has no str keys
                    elif type(value) is list and f == "chain":
                        points = table[f].get(tuple(value))
                        if points is None:
                            points = self._chain_points(sid, value)
                            if points is None:
                                return None
                    else:
                        return None
                    if per_field:
                        by_field[f] += points
                    earned += points
                earned_by_statement[position[sid]] = earned
        except (KeyError, TypeError):  # an unknown field or label, or an unhashable chain link
            return None
        return sum(earned_by_statement), self.out_of, ({f: by_field[f] for f in self.fields} if per_field else {})

    def grade_raw(self, data: Any) -> tuple[Totals, Totals] | None:
        """Final and first-try totals of a parsed file, or None unless it certainly passes the
        schema and the case's checks (then ask :func:`parse_submission`). The first-try totals
        leave the per-field points out (an empty dict): the results have no column for them."""
        if not _frame_ok(data, self._allowed):
            return None
        final = self._points_of(data["answers"], "current")
        if final is None:
            return None
        first = self._points_of(data["answers"], "first", per_field=False)
        if first is None:
            return None
        return final, first

    def points(self, answers: Mapping[str, Mapping[str, Any]]) -> Totals:
        """Points, out of, and points per field for checked answers: ``statement id -> field -> answer``."""
        found = self._points_of({sid: {"current": values} for sid, values in answers.items()}, "current")
        if found is None:
            raise ValueError("answers that are not valid for this case; check them with parse_submission first")
        return found

    def grade(self, submission: Submission) -> tuple[Totals, Totals]:
        """Final and first-try ``(points, out of, per field)`` of a checked submission."""
        answers = submission.get("answers", {})
        final, first = self._points_of(answers, "current"), self._points_of(answers, "first")
        if final is None or first is None:
            raise ValueError("a submission that is not valid for this case; check it with parse_submission first")
        return final, first


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
        student_id=student_id(submission, path),
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


# --------------------------------------------------------------------------------------------
# Reading a class (shared by grade and report)


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

    ``totals`` are its final and first-try scores when a ``scorer`` is given, else None. Rejected
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


def _record_duplicates(seen: Mapping[str, list[tuple[Any, str]]]) -> list[Duplicate]:
    found = []
    for sid, files in seen.items():
        if len(files) > 1:
            ordered = sorted(files, key=lambda f: f[0], reverse=True)
            found.append(Duplicate(sid, ordered[0][1], [f for _, f in ordered[1:]]))
    return found


def duplicate_lines(duplicates: Iterable[Duplicate]) -> list[str]:
    """One line per student with more than one file."""
    return [
        f"note: student {d.student_id!r} has {len(d.set_aside) + 1} files; graded the newest, {d.graded}; "
        f"set aside: {', '.join(d.set_aside)}"
        for d in duplicates
    ]


def read_class(paths: Iterable[str | Path], case: Case, say: Callable[[str], None] | None = None) -> tuple[list[Submission], Outcome]:
    """Every student's newest accepted submission (in file order), and what else was found.

    Holds the parsed submissions of one class in memory: meant for the report (a class of a
    thousand is a few megabytes). Grading streams instead (:func:`grade_files`).
    """
    outcome = Outcome()
    newest: dict[str, tuple[Any, int, Submission]] = {}
    seen: dict[str, list[tuple[Any, str]]] = {}
    for order, (path, submission, mtime, _) in enumerate(iter_class(paths, case, outcome, say)):
        sid = student_id(submission, path)
        rank = (newest_first_key(submission, mtime), order)
        seen.setdefault(sid, []).append((rank, str(path)))
        if sid not in newest or rank > newest[sid][0]:
            newest[sid] = (rank, order, submission)
    outcome.duplicates = _record_duplicates(seen)
    if say:
        for line in duplicate_lines(outcome.duplicates):
            say(line)
    return [entry[2] for entry in sorted(newest.values(), key=lambda e: e[1])], outcome


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
    # Per student only a small tuple (time as a float, mtime, row number, file); the rows are spooled.
    newest: dict[str, tuple[float, float, int, str]] = {}
    seen: dict[str, list[tuple[Any, str]]] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        rows = 0
        for path, submission, mtime, totals in iter_class(paths, case, outcome, say, scorer):
            row = grade_row(scorer, submission, path, totals)
            moment, mtime = newest_first_key(submission, mtime)
            rank = (moment.timestamp() if moment.year > 1 else float("-inf"), mtime, rows, row.file)
            before = newest.get(row.student_id)
            if before is None:
                newest[row.student_id] = rank
            else:
                if row.student_id not in seen:
                    seen[row.student_id] = [(before, before[3])]
                seen[row.student_id].append((rank, row.file))
                if rank > before:
                    newest[row.student_id] = rank
            spool.write(json.dumps(row.cells(fields), ensure_ascii=False) + "\n")
            rows += 1
        keep = {rank[2] for rank in newest.values()}
        outcome.duplicates = _record_duplicates(seen)
        del seen
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


# --------------------------------------------------------------------------------------------
# The command line


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _parse_fields(text: str | None) -> tuple[str, ...]:
    if not text:
        return FIELDS
    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FIELDS]
    if unknown or not chosen:
        raise ValueError(f"--fields: {', '.join(unknown) or 'nothing'} is not a field; the fields are {','.join(FIELDS)}")
    return tuple(f for f in FIELDS if f in chosen)


def _load(case_name: str) -> Case | None:
    try:
        return load_case(case_name)
    except CaseError as error:
        _stderr(str(error))
        return None


def _check_paths(paths: Sequence[str]) -> bool:
    missing = [p for p in paths if not Path(p).exists()]
    for p in missing:
        _stderr(f"{p}: no such file or folder")
    return not missing


def _grade(args: argparse.Namespace) -> int:
    try:
        fields = _parse_fields(args.fields)
    except ValueError as error:
        _stderr(str(error))
        return EXIT_USAGE
    case = _load(args.case)
    if case is None or not _check_paths(args.submissions):
        return EXIT_USAGE
    results = Path(args.out)
    lms = Path(args.lms) if args.lms else results.with_name(results.stem + "-lms.csv")
    try:
        summary = grade_files(args.submissions, case, results, lms, fields=fields, say=_stderr)
    except OSError as error:
        _stderr(f"cannot write the results: {error}")
        return EXIT_USAGE
    outcome = summary.outcome
    if not outcome.accepted and not outcome.rejected:
        _stderr("no answers files (*.json) found")
        return EXIT_USAGE
    if args.json:
        print(json.dumps({
            "case": case.id,
            "key_version": case.key_version,
            "fields": list(fields),
            "files_accepted": outcome.accepted,
            "files_rejected": len(outcome.rejected),
            "students": summary.students,
            "mean_points": summary.mean_points,
            "out_of": summary.out_of,
            "results": summary.results,
            "lms": summary.lms,
            "rejected": outcome.rejected,
            "skipped": outcome.skipped,
            "duplicates": [vars(d) for d in outcome.duplicates],
            "exit_code": outcome.exit_code,
        }, indent=2, ensure_ascii=False))
    else:
        mean = f"; mean {summary.mean_points:.2f} of {summary.out_of:g}" if summary.mean_points is not None else ""
        print(
            f"{summary.students} student(s) graded from {outcome.accepted} file(s), {len(outcome.rejected)} file(s) rejected"
            f"{mean}.\nResults: {summary.results}\nFor the LMS: {summary.lms}"
        )
    return outcome.exit_code


def _report(args: argparse.Namespace) -> int:
    from . import report  # matplotlib is loaded only when a report is asked for

    case = _load(args.case)
    if case is None or not _check_paths(args.submissions):
        return EXIT_USAGE
    submissions, outcome = read_class(args.submissions, case, say=_stderr)
    if not outcome.accepted and not outcome.rejected:
        _stderr("no answers files (*.json) found")
        return EXIT_USAGE
    try:
        page = report.write_report(case, submissions, Path(args.out), outcome=outcome)
    except OSError as error:
        _stderr(f"cannot write the report: {error}")
        return EXIT_USAGE
    print(f"Report on {len(submissions)} student(s): {page}")
    return outcome.exit_code


EXIT_CODES_HELP = "exit codes: 0 every file accepted; 1 some files rejected (listed on stderr, the rest graded); 2 bad usage"


def register(commands: Any) -> None:
    """Add the ``grade`` and ``report`` subcommands to the ``attribution-lab`` command line."""
    grade = commands.add_parser(
        "grade",
        help="grade a class's answers files into a results CSV",
        description="Recompute every student's score from their answers file and write one CSV row per student.",
        epilog=EXIT_CODES_HELP,
    )
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSIONS", help="answers files, or folders searched for *.json")
    grade.add_argument("--case", default=DEFAULT_CASE, help=f"the case id or folder (default {DEFAULT_CASE})")
    grade.add_argument("--out", required=True, help="the results CSV to write (one row per student)")
    grade.add_argument("--lms", help="the LMS CSV to write: student_id, points, out_of (default: OUT-lms.csv beside --out)")
    grade.add_argument("--fields", help=f"comma-separated fields to grade (default all: {','.join(FIELDS)})")
    grade.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    grade.set_defaults(run=_grade)

    report = commands.add_parser(
        "report",
        help="write the class report (figures and a one-page summary)",
        description="Figures and a one-page HTML summary of a class's answers: difficulty, confusions, calibration, agreement.",
        epilog=EXIT_CODES_HELP,
    )
    report.add_argument("submissions", nargs="+", metavar="SUBMISSIONS", help="answers files, or folders searched for *.json")
    report.add_argument("--case", default=DEFAULT_CASE, help=f"the case id or folder (default {DEFAULT_CASE})")
    report.add_argument("--out", required=True, help="the folder to write the report into")
    report.set_defaults(run=_report)


__all__ = [
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "Duplicate",
    "GradeRow",
    "GradeSummary",
    "Outcome",
    "Scorer",
    "grade_files",
    "grade_row",
    "header",
    "iter_class",
    "newest_first_key",
    "parse_quickly",
    "quick_accepts",
    "read_class",
    "read_and_grade",
    "read_bytes",
    "read_submission",
    "register",
    "rejection_line",
    "safe_cell",
    "student_id",
    "submission_files",
]
