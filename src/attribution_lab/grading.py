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


def _is_time(value: Any) -> bool:
    return type(value) is str and len(value) <= 40 and _TIME.fullmatch(value) is not None


def _values_ok(values: Any, allowed: _Allowed) -> bool:
    if type(values) is not dict:
        return False
    for name, value in values.items():
        labels = allowed.labels.get(name)
        if labels is None:
            return False
        if name == "chain":
            if type(value) is not list or len(value) > 20:
                return False
            for item in value:
                if type(item) is not str or item not in labels:
                    return False
        elif type(value) is not str or value not in labels:
            return False
    return True


def quick_accepts(data: Any, case: Case) -> bool:
    """True only when a parsed answers file certainly passes the schema and the case's checks.

    Stricter than the schema on purpose (exact types, exact label ids, anchored patterns): a False
    means "ask the full check", never "reject". Tests compare it with the schema on many files.
    """
    allowed = _allowed(case)
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
    for sid, entry in answers.items():
        if sid not in allowed.statement_ids or type(entry) is not dict:
            return False
        keys = entry.keys()
        if not (_ENTRY_REQUIRED <= keys <= _ENTRY_KEYS):
            return False
        attempts = entry["attempts"]
        if type(attempts) is not int or not 0 <= attempts <= 1_000_000:
            return False
        if not (_values_ok(entry["current"], allowed) and _values_ok(entry["first"], allowed)):
            return False
        for name in ("first_checked", "last_checked"):
            if name in entry and entry[name] is not None and not _is_time(entry[name]):
                return False
        if "updated" in entry and not _is_time(entry["updated"]):
            return False
    return True


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an answers file")


def parse_quickly(raw: bytes, case: Case, file: str) -> Submission:
    """Like :func:`~attribution_lab.submission.parse_submission`, and as strict, but fast for good files.

    A file the quick check accepts is returned at once; any other goes to ``parse_submission``,
    which either accepts it too or raises :class:`SubmissionError` with every problem.
    """
    if len(raw) <= MAX_SUBMISSION_BYTES:
        try:
            data = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            data = None
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


def read_submission(path: Path, case: Case) -> tuple[Submission, float]:
    """Read and check one answers file; returns the submission and the file's modification time.

    Raises :class:`SubmissionError` naming the file for every reason it cannot be graded,
    including a file that vanished or cannot be read.
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
    except OSError as error:
        raise SubmissionError([Problem(label, None, None, f"cannot be read: {error.strerror or error}")]) from None
    return parse_quickly(raw, case, label), stat.st_mtime


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


class Scorer:
    """Scores submissions with the engine's :func:`check_field`, remembering each verdict.

    Adds points up in the same order as :func:`attribution_lab.engine.score`, so totals are equal
    to ``score_submission``'s to the last bit (a test checks this on many submissions).
    """

    def __init__(self, case: Case, fields: Sequence[str] = FIELDS, weights: Mapping[str, float] = WEIGHTS) -> None:
        self.case = case
        self.fields = tuple(fields)
        self.weights = dict(weights)
        self._statements = {s.id: s for s in case.statements}
        self._memo: dict[tuple[str, str, Any], FieldResult] = {}

    def result(self, statement_id: str, field_name: str, value: Any) -> FieldResult:
        """The engine's verdict on one stored answer (``None`` when unanswered)."""
        key = (statement_id, field_name, tuple(value) if isinstance(value, list) else value)
        found = self._memo.get(key)
        if found is None:
            found = check_field(self.case, self._statements[statement_id], field_name, value)
            self._memo[key] = found
        return found

    def points(self, answers: Mapping[str, Mapping[str, Any]]) -> tuple[float, float, dict[str, float]]:
        """Points, out of, and points per field for ``statement id -> field -> stored answer``."""
        by_field = {f: 0.0 for f in self.fields}
        by_statement = []
        possible = 0.0
        memo, weights, empty = self._memo, self.weights, {}
        for sid in self.case.statement_ids:
            given = answers.get(sid, empty)
            earned = 0.0
            for f in self.fields:
                value = given.get(f)
                # Inline memo look-up: this loop runs for every field of every statement of every file.
                found = memo.get((sid, f, tuple(value) if type(value) is list else value))
                if found is None:
                    found = self.result(sid, f, value)
                points = found.credit * weights[f]
                by_field[f] += points
                earned += points
                possible += weights[f]
            by_statement.append(earned)
        return sum(by_statement), possible, by_field

    def grade(self, submission: Submission) -> tuple[tuple[float, float, dict[str, float]], tuple[float, float, dict[str, float]]]:
        """Final and first-try ``(points, out of, per field)`` of a checked submission."""
        answers = submission.get("answers", {})
        current = {sid: entry.get("current", {}) for sid, entry in answers.items()}
        first = {sid: entry.get("first", {}) for sid, entry in answers.items()}
        return self.points(current), self.points(first)


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


def grade_row(scorer: Scorer, submission: Submission, path: Path) -> GradeRow:
    """The results row for one checked submission."""
    (points, out_of, by_field), (first_points, _, _) = scorer.grade(submission)
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
    paths: Iterable[str | Path], case: Case, outcome: Outcome, say: Callable[[str], None] | None = None
) -> Iterator[tuple[Path, Submission, float]]:
    """Each accepted submission as ``(path, submission, mtime)``, one at a time.

    Rejected and skipped files are recorded in ``outcome`` and passed to ``say`` (one line each) as
    they are met, so nothing stops the rest of the class from being read.
    """
    for path, skip in submission_files(paths):
        if skip:
            line = f"note: {path}: skipped, {skip}"
            outcome.skipped.append(line)
            if say:
                say(line)
            continue
        try:
            submission, mtime = read_submission(path, case)
        except SubmissionError as error:
            line = rejection_line(error)
            outcome.rejected.append(line)
            if say:
                say(line)
            continue
        outcome.accepted += 1
        yield path, submission, mtime


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
    for order, (path, submission, mtime) in enumerate(iter_class(paths, case, outcome, say)):
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
    newest: dict[str, tuple[Any, int]] = {}
    seen: dict[str, list[tuple[Any, str]]] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        rows = 0
        for path, submission, mtime in iter_class(paths, case, outcome, say):
            row = grade_row(scorer, submission, path)
            rank = (newest_first_key(submission, mtime), rows)
            seen.setdefault(row.student_id, []).append((rank, row.file))
            if row.student_id not in newest or rank > newest[row.student_id][0]:
                newest[row.student_id] = (rank, rows)
            spool.write(json.dumps(row.cells(fields), ensure_ascii=False) + "\n")
            rows += 1
        keep = {index for _, index in newest.values()}
        outcome.duplicates = _record_duplicates(seen)
        del seen
        spool.seek(0)
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
    "read_submission",
    "register",
    "rejection_line",
    "safe_cell",
    "student_id",
    "submission_files",
]
