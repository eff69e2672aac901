"""Submissions: a student's answers for one case, as plain data (the answers file's content).

Every function here is pure: it takes plain dictionaries and returns new ones, never touching
files or widgets. The panel saves what these functions return; the grader reads files through
:func:`parse_submission` and never trusts anything in them but the answers themselves.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema

from .case import FIELDS, Case
from .engine import Score, is_unanswered, normalise, score
from .errors import Problem, SubmissionError, UnknownLabelError, UnknownStatementError

FORMAT = "attribution-lab-submission"
SCHEMA_VERSION = 1
#: A submission is a few kilobytes; anything over this is refused before parsing.
MAX_SUBMISSION_BYTES = 1_000_000
#: An answers file nests five levels (answers > statement > current > chain > label); allow some slack.
MAX_DEPTH = 12

Submission = dict[str, Any]


def now_iso() -> str:
    """The current time in UTC, as stored in submissions."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@lru_cache(maxsize=None)
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("attribution_lab").joinpath("schemas/submission-v1.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def new_submission(case: Case, *, student_id: str = "", student_name: str = "", now: str | None = None) -> Submission:
    """An empty submission for a case."""
    stamp = now or now_iso()
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "case_id": case.id,
        "key_version": case.key_version,
        "student": {"id": student_id, "name": student_name},
        "created": stamp,
        "updated": stamp,
        "answers": {},
    }


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def record_choice(case: Case, submission: Submission, statement_id: str, field: str, value: Any, *, now: str | None = None) -> Submission:
    """Return a copy with one field's current choice set (or cleared when unanswered)."""
    case.statement(statement_id)
    answer = normalise(case, field, value, statement_id)
    result = copy.deepcopy(submission)
    stamp = now or now_iso()
    entry = result["answers"].setdefault(statement_id, {"current": {}, "first": {}, "attempts": 0})
    if answer is None:
        entry["current"].pop(field, None)
    else:
        entry["current"][field] = _stored(answer)
    entry["updated"] = stamp
    result["updated"] = stamp
    return result


def record_check(case: Case, submission: Submission, statement_id: str, values: Mapping[str, Any], *, now: str | None = None) -> Submission:
    """Return a copy recording a press of Check: current choices set, attempts counted, and the
    first-try answer kept for every field checked for the first time."""
    case.statement(statement_id)
    answers = {f: normalise(case, f, v, statement_id) for f, v in values.items()}
    result = copy.deepcopy(submission)
    stamp = now or now_iso()
    entry = result["answers"].setdefault(statement_id, {"current": {}, "first": {}, "attempts": 0})
    for field, answer in answers.items():
        if answer is None:
            entry["current"].pop(field, None)
            continue
        entry["current"][field] = _stored(answer)
        entry["first"].setdefault(field, _stored(answer))
    entry["attempts"] += 1
    entry.setdefault("first_checked", None)
    if entry["first_checked"] is None:
        entry["first_checked"] = stamp
    entry["last_checked"] = stamp
    entry["updated"] = stamp
    result["updated"] = stamp
    return result


def answers_of(submission: Submission, which: str = "current") -> dict[str, dict[str, Any]]:
    """Statement id -> field -> answer, either the ``current`` (final) or the ``first`` (first-try) ones."""
    if which not in ("current", "first"):
        raise ValueError("which must be 'current' or 'first'")
    return {sid: dict(entry.get(which, {})) for sid, entry in submission.get("answers", {}).items()}


def score_submission(case: Case, submission: Submission, *, fields: tuple[str, ...] = FIELDS) -> tuple[Score, Score]:
    """The final score and the first-try score of a submission, recomputed from its answers."""
    return score(case, answers_of(submission, "current"), fields=fields), score(case, answers_of(submission, "first"), fields=fields)


def submission_problems(data: Any, case: Case, file: str = "submission") -> list[Problem]:
    """Every reason a parsed submission cannot be graded against this case; empty when it can."""
    if not isinstance(data, dict):
        return [Problem(file, None, None, "is not an Attribution Lab answers file (expected a JSON object)")]
    if data.get("format") != FORMAT:
        return [Problem(file, None, "format", "is not an Attribution Lab answers file")]
    if data.get("schema_version") != SCHEMA_VERSION:
        return [Problem(file, None, "schema_version", f"is {data.get('schema_version')!r}; this version reads {SCHEMA_VERSION}")]
    if data.get("case_id") != case.id:
        return [Problem(file, None, "case_id", f"is {data.get('case_id')!r}: these answers belong to another case than {case.id!r}")]
    problems = []
    for error in _validator().iter_errors(data):
        path = list(error.absolute_path)
        statement = path[1] if len(path) >= 2 and path[0] == "answers" else None
        where = ".".join(str(p) for p in (path[2:] if statement else path)) or None
        problems.append(Problem(file, statement, where, error.message[:200]))
    if problems:
        return problems
    known = set(case.statement_ids)
    for sid, entry in data["answers"].items():
        if sid not in known:
            problems.append(Problem(file, sid, None, f"is not a statement of case {case.id!r}"))
            continue
        for which in ("current", "first"):
            for field, value in entry[which].items():
                try:
                    normalise(case, field, value, sid)
                except (UnknownLabelError, UnknownStatementError) as error:
                    problems.append(Problem(file, sid, f"{which}.{field}", str(error)))
    return problems


def nesting_depth(data: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and objects nest in parsed JSON, counted without recursion; stops past ``limit``."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an answers file")


def parse_submission(raw: bytes, case: Case, file: str = "submission") -> Submission:
    """Parse and check an answers file's bytes. Raises :class:`SubmissionError` with every problem.

    Data only: JSON is parsed with a size cap, NaN and Infinity are refused, and nothing is executed.
    A UTF-8 byte-order mark is tolerated (editors add it).
    """
    if len(raw) > MAX_SUBMISSION_BYTES:
        raise SubmissionError([Problem(file, None, None, f"is {len(raw):,} bytes; the limit is {MAX_SUBMISSION_BYTES:,}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SubmissionError([Problem(file, None, None, f"is not UTF-8 text (byte {error.start})")]) from None
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise SubmissionError([Problem(file, None, None, "is nested too deeply to be an answers file")]) from None
    except ValueError as error:
        raise SubmissionError([Problem(file, None, None, f"is not valid JSON: {error}")]) from None
    if nesting_depth(data) > MAX_DEPTH:
        raise SubmissionError([Problem(file, None, None, "is nested too deeply to be an answers file")])
    problems = submission_problems(data, case, file)
    if problems:
        raise SubmissionError(problems)
    return data


def is_empty(submission: Submission) -> bool:
    """True when no statement has a current answer."""
    return not any(
        not is_unanswered(v) for entry in submission.get("answers", {}).values() for v in entry.get("current", {}).values()
    )


def key_version_note(submission: Submission, case: Case) -> str | None:
    """A plain sentence when the answers were given against another version of the key, else None."""
    if submission.get("key_version") != case.key_version:
        return (
            f"These answers were given against version {submission.get('key_version')} of the key; "
            f"the key is now version {case.key_version}. They are checked against the current key."
        )
    return None


__all__ = [
    "FORMAT",
    "MAX_SUBMISSION_BYTES",
    "SCHEMA_VERSION",
    "answers_of",
    "is_empty",
    "key_version_note",
    "new_submission",
    "now_iso",
    "parse_submission",
    "record_check",
    "record_choice",
    "score_submission",
    "submission_problems",
]
