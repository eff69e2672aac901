"""The ``attribution-lab`` command line: a thin shell around the case loader and the engine.

Exit codes: 0 success; 1 the input had problems (each listed on its own line); 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .case import DEFAULT_CASE, builtin_cases, case_problems, load_case
from .errors import AttributionLabError
from .text import format_statement


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
    case = load_case(args.case)
    print(f"{case.title} [{case.id}, key version {case.key_version}]\n")
    for statement in case.statements:
        print(format_statement(case, statement.id))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="attribution-lab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    case_help = f"a case id ({', '.join(builtin_cases())}) or a case folder; default {DEFAULT_CASE}"

    validate = commands.add_parser("validate", help="check a case against the schema and its article")
    validate.add_argument("case", nargs="?", default=DEFAULT_CASE, help=case_help)
    validate.set_defaults(run=_validate)

    show = commands.add_parser("show", help="print the statements of a case with their ids")
    show.add_argument("case", nargs="?", default=DEFAULT_CASE, help=case_help)
    show.set_defaults(run=_show)

    # Further subcommands register themselves here, one module each.
    for register in _extensions():
        register(commands)
    return parser


def _extensions() -> list:
    """Subcommands that live in their own modules (lab server, grading, new cases, exercises)."""
    found = []
    for module_name in ("server", "grading", "newcase", "worksheets"):
        try:
            module = __import__(f"attribution_lab.{module_name}", fromlist=["register"])
        except ModuleNotFoundError as error:
            if error.name == f"attribution_lab.{module_name}":
                continue
            raise
        found.append(module.register)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except AttributionLabError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
