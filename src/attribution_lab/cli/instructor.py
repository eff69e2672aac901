"""``attribution-lab grade``, ``report`` and ``synthetic``: the instructor's commands.

Exit codes of ``grade`` and ``report``: 0 every file was accepted; 1 some files were rejected, or
a student has several files with different answers and ``--merge-duplicates`` was not given (each
named on its own line on standard error; the rest are still graded); 2 bad usage (unknown option,
field or case, a path that does not exist, no answers file found, an output refused or that cannot
be written).
Heavy modules (matplotlib for the report) are imported only by the command that needs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.case import DEFAULT_CASE, FIELDS, Case
from ..errors import CaseError
from ..instructor.collect import EXIT_OK, EXIT_USAGE
from ..instructor.gradebooks import FORMATS as GRADEBOOK_FORMATS
from ..storage.cases import load_case


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
    from ..instructor.gradebooks import Gradebook, default_assignment
    from ..instructor.results import OutputRefused, grade_files

    try:
        gradebook = Gradebook(args.lms_format, default_assignment(case.id) if args.assignment is None else args.assignment)
    except ValueError as error:
        _stderr(str(error))
        return EXIT_USAGE
    results = Path(args.out)
    lms = Path(args.lms) if args.lms else results.with_name(results.stem + "-lms.csv")
    try:
        summary = grade_files(
            args.submissions, case, results, lms, fields=fields, say=_stderr, merge=args.merge_duplicates, force=args.force,
            gradebook=gradebook,
        )
    except OutputRefused as error:
        _stderr(str(error))
        return EXIT_USAGE
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
    from ..instructor import report  # matplotlib is loaded only when a report is asked for

    try:
        fields = _parse_fields(args.fields)
    except ValueError as error:
        _stderr(str(error))
        return EXIT_USAGE
    case = _load(args.case)
    if case is None or not _check_paths(args.submissions):
        return EXIT_USAGE
    from ..instructor.collect import read_class
    from ..instructor.results import OutputRefused

    try:  # before reading the class, so a refused folder costs nothing
        report.check_report_folder(Path(args.out), args.submissions, force=args.force)
    except OutputRefused as error:
        _stderr(str(error))
        return EXIT_USAGE
    submissions, outcome = read_class(args.submissions, case, say=_stderr, merge=args.merge_duplicates)
    if not outcome.accepted and not outcome.rejected:
        _stderr("no answers files (*.json) found")
        return EXIT_USAGE
    try:
        page = report.write_report(case, submissions, Path(args.out), outcome=outcome, sources=args.submissions, force=args.force,
                                   fields=fields)
    except OutputRefused as error:
        _stderr(str(error))
        return EXIT_USAGE
    except OSError as error:
        _stderr(f"cannot write the report: {error}")
        return EXIT_USAGE
    print(f"Report on {len(submissions)} student(s): {page}")
    return outcome.exit_code


EXIT_CODES_HELP = (
    "exit codes: 0 every file accepted; 1 some files rejected, or one student has files with different answers "
    "(listed on stderr, the rest graded); 2 bad usage or an output refused. "
    "A student is the id in the file, else the per-student folder the file sits in (class/alice/answers.json is alice), "
    'else the file name. Of several files of one student the newest counts: newest "updated" time, then modification '
    "time, then file path."
)
MERGE_HELP = "merge a student's files with different answers per field (the later answer wins, first tries kept) instead of exiting 1"
FORCE_HELP = "replace existing output files that attribution-lab did not write (never a symbolic link, never inside the submissions)"


def _class_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments grade and report share: which files, which case, and how duplicates are met."""
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSIONS", help="answers files, or folders searched for *.json")
    parser.add_argument("--case", default=DEFAULT_CASE, help=f"the case id or folder (default {DEFAULT_CASE})")
    parser.add_argument("--merge-duplicates", action="store_true", help=MERGE_HELP)


def register(commands: Any) -> None:
    """Add the ``grade``, ``report`` and ``synthetic`` subcommands."""
    grade = commands.add_parser(
        "grade",
        help="grade a class's answers files into a results CSV",
        description="Recompute every student's score from their answers file and write one CSV row per student.",
        epilog=EXIT_CODES_HELP,
    )
    _class_arguments(grade)
    grade.add_argument("--out", required=True, help="the results CSV to write (one row per student)")
    grade.add_argument("--lms", help="the LMS CSV to write (default: OUT-lms.csv beside --out)")
    grade.add_argument("--lms-format", choices=GRADEBOOK_FORMATS, default="generic",
                       help="the LMS CSV's layout: generic (student_id, points, out_of), canvas (Canvas's gradebook import: "
                            "Student, ID, SIS User ID, SIS Login ID, Section, the assignment) or moodle (ID number, Full name, "
                            "the assignment; map them on import)")
    grade.add_argument("--assignment", help="the assignment's column name in a canvas or moodle file (default: Attribution Lab (CASE))")
    grade.add_argument("--fields", help=f"comma-separated fields to grade (default all: {','.join(FIELDS)})")
    grade.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    grade.add_argument("--force", action="store_true", help=FORCE_HELP)
    grade.set_defaults(run=_grade)

    report = commands.add_parser(
        "report",
        help="write the class report (charts and a one-page summary)",
        description="Charts and a one-page HTML summary of a class's answers: difficulty, confusions, calibration, agreement.",
        epilog=EXIT_CODES_HELP,
    )
    _class_arguments(report)
    report.add_argument("--out", required=True, help="the folder to write the report into")
    report.add_argument("--fields", help=f"comma-separated fields to count (default all: {','.join(FIELDS)})")
    report.add_argument("--force", action="store_true", help="write into a folder that holds other files too (never through a symbolic link)")
    report.set_defaults(run=_report)

    synthetic = commands.add_parser(
        "synthetic",
        help="write a class of invented students' answers files, to try grade and report",
        description="Write N valid answers files from invented students into FOLDER (every file is marked synthetic).",
    )
    synthetic.add_argument("folder", metavar="FOLDER", help="an empty folder, or one holding only synthetic files")
    synthetic.add_argument("students", nargs="?", type=int, default=30, metavar="N", help="how many students (default 30)")
    synthetic.add_argument("--seed", type=int, default=0, help="the seed: the same case, size and seed give the same class")
    synthetic.add_argument("--case", default=DEFAULT_CASE, help=f"the case id or folder (default {DEFAULT_CASE})")
    synthetic.set_defaults(run=_synthetic)


def _synthetic(args: argparse.Namespace) -> int:
    from ..instructor.synthetic import write_class

    try:
        paths = write_class(args.case, args.students, args.folder, args.seed)
    except ValueError as error:
        _stderr(str(error))
        return EXIT_USAGE
    print(f"wrote {len(paths)} synthetic answers files into {args.folder}")
    return EXIT_OK
