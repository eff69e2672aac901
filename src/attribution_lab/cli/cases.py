"""``attribution-lab validate`` and ``show``: check a case, and list its statements."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.case import DEFAULT_CASE
from ..storage.cases import builtin_cases, case_problems, load_case


def register(commands: Any) -> None:
    """Add the ``validate`` and ``show`` subcommands."""
    case_help = f"a case id ({', '.join(builtin_cases())}) or a case folder; default {DEFAULT_CASE}"
    validate = commands.add_parser("validate", help="check a case against the schema and its article")
    validate.add_argument("case", nargs="?", default=DEFAULT_CASE, help=case_help)
    validate.set_defaults(run=_validate)

    show = commands.add_parser("show", help="print the statements of a case with their ids")
    show.add_argument("case", nargs="?", default=DEFAULT_CASE, help=case_help)
    show.set_defaults(run=_show)


def _validate(args: argparse.Namespace) -> int:
    problems = case_problems(args.case)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{args.case}: {len(problems)} problem(s); the case is not valid", file=sys.stderr)
        return 1
    case = load_case(args.case)
    print(f"{case.id}: valid (key version {case.key_version}, {len(case.statements)} statements)")
    return 0


def _show(args: argparse.Namespace) -> int:
    from ..student.text import format_statement

    case = load_case(args.case)
    print(f"{case.title} [{case.id}, key version {case.key_version}]\n")
    for statement in case.statements:
        print(format_statement(case, statement.id))
    return 0
