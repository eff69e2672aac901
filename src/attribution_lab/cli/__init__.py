"""The ``attribution-lab`` command line: it only parses, then calls the package.

Every sub-command lives in one module of this folder and registers itself through the fixed list
:data:`COMMAND_MODULES`. Exit codes: 0 success; 1 the input had problems (each listed on its own
line); 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import AttributionLabError
from . import authoring, cases, instructor, server

#: The sub-command modules, in the order ``--help`` lists their commands.
COMMAND_MODULES = (cases, instructor, authoring, server)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="attribution-lab",
        description="Attribution Lab: check cases, grade a class, write new cases, open the lessons.",
    )
    parser.add_argument("--version", action="version", version=f"attribution-lab {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def command_names(parser: argparse.ArgumentParser | None = None) -> tuple[str, ...]:
    """The sub-commands of the parser (default: :func:`build_parser`'s), in the order ``--help`` lists them."""
    parser = parser or build_parser()
    found = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return tuple(found[0].choices) if found else ()


def package_version() -> str:
    """The installed package's version (``unknown`` when it runs from a folder not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("attribution-lab")
    except PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        if args.command != "lab":
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        # `lab --no-browser` as well as `lab -- --no-browser`: JupyterLab's options are passed as
        # they are, and lab_command refuses any that is not on its list, in one line.
        args.extra = [*args.extra, *unknown]
    try:
        code: int = args.run(args)
    except AttributionLabError as error:
        print(error, file=sys.stderr)
        return 1
    return code


__all__ = ["COMMAND_MODULES", "build_parser", "command_names", "main", "package_version"]
