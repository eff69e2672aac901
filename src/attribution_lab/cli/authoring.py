"""``attribution-lab new-case``, ``migrate-key``, ``make-exercises``, ``refresh-solutions`` and ``schemadoc``: the
commands of people who write cases and worksheets.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..authoring.newcase import DEFAULT_LIKE
from ..formats.limits import KEY_FILE, MAX_ARTICLE_BYTES


def register(commands: Any) -> None:
    """Add the authoring subcommands."""
    _register_new_case(commands)
    _register_exercises(commands)
    _register_migrate(commands)
    schemadoc = commands.add_parser("schemadoc", help="write docs/case-format.md from the key's JSON Schema")
    schemadoc.add_argument("--write", metavar="FILE", help="write to FILE instead of printing")
    schemadoc.set_defaults(run=_schemadoc)


def _schemadoc(args: argparse.Namespace) -> int:
    from ..authoring.schemadoc import render

    text = render()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(text)
    return 0


def _run(args: argparse.Namespace) -> int:
    from ..authoring.cues import label_for_class
    from ..authoring.newcase import BuiltinCaseIdError, make_case
    from ..storage.cases import read_case_files

    try:
        folder = make_case(args.article, args.id, args.out, force=args.force, like=args.like, published=args.published)
    except BuiltinCaseIdError as error:  # a usage error, like a bad option: exit 2
        print(error, file=sys.stderr)
        return 2
    data, _, _ = read_case_files(folder)
    statements = data["statements"]
    writer = label_for_class(data["vocabularies"]["origin"], "writer")
    with_cue = sum(1 for s in statements if s["cue"] or s["origin"]["answer"] != writer)
    print(f"Drafted {folder}: {len(statements)} statements, {with_cue} of them attributed to a source; all marked draft.")
    print(f"Next: review {folder / KEY_FILE}, remove each 'draft: true', then run: attribution-lab validate {folder}")
    return 0


def _register_new_case(commands: Any) -> None:
    parser = commands.add_parser(
        "new-case",
        help="draft a new case (article + key.yaml) from a news text",
        description=(
            "Copy ARTICLE into OUT/ID/article.txt and write a draft key.yaml: the text split into "
            "statements, attribution cues found, origins guessed, every entry marked draft."
        ),
    )
    parser.add_argument("article", metavar="ARTICLE", help=f"the article: a UTF-8 text file of at most {MAX_ARTICLE_BYTES // 1000} kB")
    parser.add_argument("--id", required=True, metavar="ID", help="the new case's id and folder name: lower-case letters, digits, _")
    parser.add_argument("--out", default="cases", metavar="DIR", help="where to create the case folder (default: ./cases)")
    parser.add_argument("--force", action="store_true", help="replace the article and key of an existing case folder")
    parser.add_argument("--like", default=DEFAULT_LIKE, metavar="CASE",
                        help=f"case whose vocabularies, facts and rules to start from (default: {DEFAULT_LIKE})")
    parser.add_argument("--published", metavar="YYYY-MM-DD", help="the day the article appeared (default: today, to correct in the key)")
    parser.set_defaults(run=_run)


def _register_migrate(commands: Any) -> None:
    parser = commands.add_parser(
        "migrate-key",
        help="convert a case's key from schema 1 to schema 2 (drafts to review)",
        description=(
            "Convert FOLDER/key.yaml from schema 1 (one confidence, one rationale) to schema 2 (two trust "
            "questions decided by rules from recorded facts, a why and a hint per field). The old key is kept "
            "as key.v1.yaml; every statement is marked draft for review."
        ),
    )
    parser.add_argument("folder", metavar="FOLDER", help="the case folder holding key.yaml")
    parser.add_argument("--like", default="kursk", metavar="CASE",
                        help="schema-2 case whose trust questions (facts, rules, labels) to use (default: kursk)")
    parser.add_argument("--published", metavar="YYYY-MM-DD",
                        help="the day the article appeared (default: the latest date in the key's evidence)")
    parser.add_argument("--force", action="store_true", help="replace an existing key.v1.yaml")
    parser.set_defaults(run=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    from ..authoring.migrate import MigrationError, migrate_folder

    try:
        path, problems = migrate_folder(args.folder, args.like, published=args.published, force=args.force)
    except MigrationError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Converted {path} to schema 2; the old key is beside it as key.v1.yaml. Every statement is a draft.")
    for problem in problems:
        print(problem)
    print(f"Next: review each statement, remove its 'draft: true', then run: attribution-lab validate {args.folder}")
    return 1 if problems else 0


def _refresh_solutions(args: argparse.Namespace) -> int:
    from ..authoring.exercises import refresh_solutions

    changed = refresh_solutions(args.solutions_dir)
    for path in changed:
        print(f"new outputs stored in {path}")
    if not changed:
        print("every solution's stored outputs are current")
    return 0


def _make_exercises(args: argparse.Namespace) -> int:
    from ..authoring.exercises import make_exercises, stale_exercises

    for path in make_exercises(args.solutions_dir, args.exercises_dir):
        print(f"wrote {path}")
    stale = stale_exercises(args.solutions_dir, args.exercises_dir)
    for path in stale:
        print(f"{path}: no solution of this name; delete it if the solution was renamed", file=sys.stderr)
    return 1 if stale else 0


def _register_exercises(commands: Any) -> None:
    parser = commands.add_parser("make-exercises", help="generate exercise notebooks from solution notebooks")
    parser.add_argument("solutions_dir", metavar="SOLUTIONS_DIR", help="folder of solution notebooks (hand-edited)")
    parser.add_argument("exercises_dir", metavar="EXERCISES_DIR", help="folder to write the exercises into")
    parser.set_defaults(run=_make_exercises)
    refresh = commands.add_parser("refresh-solutions",
                                  help="run the solution notebooks and store their new outputs (sources untouched)")
    refresh.add_argument("solutions_dir", metavar="SOLUTIONS_DIR", help="folder of solution notebooks")
    refresh.set_defaults(run=_refresh_solutions)
