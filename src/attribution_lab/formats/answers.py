"""The answers file's decoder and encoder: bytes to a checked submission, and back.

An answers file is UTF-8 JSON in the submission format of :mod:`attribution_lab.core.submission`,
checked against the versioned JSON Schema shipped beside this module. This is the one place that
reads or writes those bytes, with the limits of :mod:`attribution_lab.formats.limits`:

* :func:`parse_submission` decides whether a file can be graded and words every problem;
* :mod:`attribution_lab.formats.answers_quick` holds the grader's fast check, a strict subset of
  it (a False means "ask :func:`parse_submission`", never "reject");
* :func:`salvage` keeps what a damaged file still holds, saying what it dropped;
* :func:`encode` gives the bytes the store writes and the panel downloads.

Data only: nothing in a file is executed, NaN and Infinity are refused, and a score written inside
a file could not even be stored (the schema rejects unknown properties).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from ..core.case import FIELD_NAMES, FIELDS, Case
from ..core.engine import normalise
from ..core.feedback import shorten
from ..core.submission import FORMAT, SCHEMA_VERSION, Submission, new_submission
from ..errors import AttributionLabError, Problem, SubmissionError, UnknownLabelError, UnknownStatementError
from .limits import MAX_ATTEMPTS, MAX_STUDENT_TEXT, MAX_SUBMISSION_BYTES, MAX_SUBMISSION_DEPTH

#: Fields of earlier keys that no longer exist, and what the student is told about their answers.
RETIRED_FIELDS: Mapping[str, str] = {
    "confidence": (
        "The earlier key's one question \"Confidence\" is now two, \"Reported right?\" and \"Believable?\", "
        "so your confidence answers could not be carried over; they are still in the copy of the old file."
    ),
}

#: The schema's patterns and limits, anchored at both ends with fullmatch. (The schema's "$" would
#: also allow a trailing newline; being stricter only sends such a file to the full check.)
TIME_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})")


@cache
def submission_schema() -> dict[str, Any]:
    """The JSON Schema of an answers file, as shipped in the package."""
    text = resources.files("attribution_lab").joinpath(f"formats/schemas/submission-v{SCHEMA_VERSION}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(submission_schema())


def encode(submission: Submission) -> bytes:
    """The answers file's bytes: indented UTF-8 JSON ending in a newline."""
    return (json.dumps(submission, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


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
    try:
        errors = list(_validator().iter_errors(data))
    except ValueError:  # the validator's own recursion limit: only data nested far too deeply reaches it
        return [Problem(file, None, None, "is nested too deeply to be an answers file")]
    for error in errors:
        path = list(error.instance_path)
        # str(): the validator gives a key that looks like a number ("12") as an int
        statement = str(path[1]) if len(path) >= 2 and path[0] == "answers" else None
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
        for name in [*entry.get("missed", {}), *entry.get("checks", {}), *entry.get("revealed", [])]:
            if name not in FIELDS:
                problems.append(Problem(file, sid, "missed/checks/revealed", f"{name!r} is not a field ({', '.join(FIELDS)})"))
    return problems


def nesting_depth(data: Any, limit: int = MAX_SUBMISSION_DEPTH) -> int:
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


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent, refused when it is too large for a float (1e999
    would otherwise become infinity, which no schema can name).
    """
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]}{'...' if len(text) > 20 else ''} is too large")
    return value


def load_json(text: str) -> Any:
    """An answers file's text as JSON data: NaN, Infinity and numbers too large for a float refused
    (ValueError), so that every value the schema sees is one it can name. The one JSON decoder of
    answers files, for the full check and the quick one.
    """
    return json.loads(text, parse_constant=_no_constants, parse_float=_finite)


def _decode(raw: bytes, file: str) -> Any:
    """The parsed JSON of an answers file, or :class:`SubmissionError` saying why it cannot be read."""
    if len(raw) > MAX_SUBMISSION_BYTES:
        raise SubmissionError([Problem(file, None, None, f"is {len(raw):,} bytes; the limit is {MAX_SUBMISSION_BYTES:,}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SubmissionError([Problem(file, None, None, f"is not UTF-8 text (byte {error.start})")]) from None
    try:
        data = load_json(text)
    except RecursionError:
        raise SubmissionError([Problem(file, None, None, "is nested too deeply to be an answers file")]) from None
    except ValueError as error:
        raise SubmissionError([Problem(file, None, None, f"is not valid JSON: {error}")]) from None
    if nesting_depth(data) > MAX_SUBMISSION_DEPTH:
        raise SubmissionError([Problem(file, None, None, "is nested too deeply to be an answers file")])
    if "\\u" in text:  # only an escape can make a lone surrogate: text decoded from UTF-8 holds none
        where = lone_surrogate_at(data)
        if where is not None:
            statement = str(where[1]) if len(where) > 2 and where[0] == "answers" else None
            shown = ".".join(str(part) for part in where)
            raise SubmissionError([Problem(file, statement, None,
                                           f"has a \\u escape at {shown} that is half of a character pair (a lone surrogate), "
                                           "which is no text")])
    return data


def mend_surrogates(data: Any) -> Any:
    """A copy of parsed JSON with every lone surrogate replaced by U+FFFD (the replacement
    character), so that what is salvaged from a refused file can be saved as UTF-8.
    """
    if isinstance(data, str):
        try:
            data.encode("utf-8")
            return data
        except UnicodeEncodeError:
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in data)
    if isinstance(data, dict):
        return {mend_surrogates(key): mend_surrogates(value) for key, value in data.items()}
    if isinstance(data, list):
        return [mend_surrogates(value) for value in data]
    return data


def lone_surrogate_at(data: Any, where: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where in parsed JSON a string (or key) holds a lone UTF-16 surrogate, or None.

    ``json`` accepts the escape of half a character pair (U+D800 to U+DFFF) on its own, but such a string cannot be
    written as UTF-8: a file holding one would crash whatever writes it next (a saved copy, the
    grader's CSV), so it is refused where it is read.
    """
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return where or ("(top)",)
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            found = lone_surrogate_at(key, (*where, "(a key)")) or lone_surrogate_at(value, (*where, key))
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = lone_surrogate_at(value, (*where, index))
            if found is not None:
                return found
    return None


def parse_submission(raw: bytes, case: Case, file: str = "submission") -> Submission:
    """Parse and check an answers file's bytes. Raises :class:`SubmissionError` with every problem.

    Data only: JSON is parsed with a size cap, NaN and Infinity are refused, and nothing is executed.
    A UTF-8 byte-order mark is tolerated (editors add it).
    """
    data = _decode(raw, file)
    problems = submission_problems(data, case, file)
    if problems:
        raise SubmissionError(problems)
    return data


def without_retired_fields(data: Any) -> tuple[Any, list[str]]:
    """A copy of parsed answers without the answers to fields earlier keys asked and this one does
    not (:data:`RETIRED_FIELDS`), and a note for each such field found; ``data`` itself is unchanged.
    Anything that is not shaped like answers is returned as it is, for the full check to word.
    """
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        return data, []
    found: set[str] = set()
    answers: dict[str, Any] = {}
    for sid, entry in data["answers"].items():
        if isinstance(entry, dict):
            entry = dict(entry)
            for which in ("current", "first"):
                values = entry.get(which)
                if isinstance(values, dict) and RETIRED_FIELDS.keys() & values.keys():
                    found |= RETIRED_FIELDS.keys() & values.keys()
                    entry[which] = {k: v for k, v in values.items() if k not in RETIRED_FIELDS}
        answers[sid] = entry
    if not found:
        return data, []
    return {**data, "answers": answers}, [RETIRED_FIELDS[name] for name in sorted(found)]


def parse_earlier_submission(raw: bytes, case: Case, file: str = "submission") -> tuple[Submission, list[str]]:
    """:func:`parse_submission` for a file the student brings back (Restore from file): answers to a
    field that earlier keys asked and this one does not are left out with a note, instead of making
    the whole file unreadable. Every other problem still raises :class:`SubmissionError`.
    """
    data, notes = without_retired_fields(_decode(raw, file))
    problems = submission_problems(data, case, file)
    if problems:
        raise SubmissionError(problems)
    return data, notes


def is_time(value: Any, match: Any = TIME_PATTERN.fullmatch) -> bool:
    """A time stamp as the schema writes it (``2025-04-29T10:00:00Z``), at most 40 characters."""
    return type(value) is str and len(value) <= 40 and match(value) is not None


# --------------------------------------------------------------------------------------------
# Salvage: what a damaged file still holds


def handed_in_ok(value: Any) -> bool:
    """The top-level ``handed_in`` record: worksheet number -> first, last (times) and times (a count)."""
    if type(value) is not dict or len(value) > 20:
        return False
    for number, record in value.items():
        if type(number) is not str or len(number) != 2 or not number.isdigit() or type(record) is not dict:
            return False
        if record.keys() != {"first", "last", "times"} or not (is_time(record["first"]) and is_time(record["last"])):
            return False
        if type(record["times"]) is not int or not 1 <= record["times"] <= MAX_ATTEMPTS:
            return False
    return True


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return shorten(text, 60)


def salvage(data: Any, case: Case, *, now: str) -> tuple[Submission, list[str]]:
    """Keep every answer in ``data`` (a parsed answers file) that is valid for ``case``.

    Returns a submission that passes :func:`~attribution_lab.submission.submission_problems` and a
    list of plain sentences saying what was changed or dropped and why (empty when nothing was).
    Answers for another case are not mixed in: the result is then empty and a note says so. The
    result is always stamped with the case's current key version.
    """
    notes: list[str] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return new_submission(case, now=now), ["It is not an Attribution Lab answers file, so no answers could be taken from it."]
    if data.get("case_id") != case.id:
        return new_submission(case, now=now), [
            f"It holds answers for another case ({_shown(data.get('case_id'))}), not for {case.id!r}: "
            "you start with no answers for this case."
        ]
    if data.get("schema_version") != SCHEMA_VERSION:
        notes.append(
            f"It was written in format version {_shown(data.get('schema_version'))}; this version reads "
            f"{SCHEMA_VERSION}. Every answer that could still be read was kept."
        )
    if data.get("key_version") != case.key_version:
        notes.append(
            f"The answers were given against version {_shown(data.get('key_version'))} of the key; the key is "
            f"now version {case.key_version}. Answers whose labels still exist were kept and are checked "
            "against the current key."
        )

    student: dict[str, Any] = data["student"] if isinstance(data.get("student"), dict) else {}
    kept_student: dict[str, str] = {}
    for part in ("id", "name"):
        value = student.get(part, "")
        if not isinstance(value, str):
            notes.append(f"The student {part} {_shown(value)} is not text and was left out.")
            value = ""
        elif len(value) > MAX_STUDENT_TEXT:
            notes.append(f"The student {part} was longer than {MAX_STUDENT_TEXT} characters and was shortened.")
            value = value[:MAX_STUDENT_TEXT]
        kept_student[part] = value
    created = str(data["created"]) if is_time(data.get("created")) else now
    result = new_submission(case, student_id=kept_student["id"], student_name=kept_student["name"], now=created)
    if is_time(data.get("updated")):
        result["updated"] = data["updated"]
    handed = data.get("handed_in")
    if isinstance(handed, dict):
        kept_hand_ins = {n: r for n, r in handed.items() if handed_in_ok({n: r})}
        if kept_hand_ins:
            result["handed_in"] = kept_hand_ins
        if len(kept_hand_ins) < len(handed):
            notes.append("A record of when a worksheet was handed in could not be read and was left out.")

    data, retired = without_retired_fields(data)
    answers = data.get("answers")
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        notes.append("Its answers were not a mapping of statements to answers, so none could be read.")
        answers = {}
    known = set(case.statement_ids)
    unknown_ids: list[str] = []
    dropped: list[str] = []
    for sid, entry in answers.items():
        if sid not in known:
            unknown_ids.append(str(sid)[:20])
            continue
        if not isinstance(entry, dict):
            dropped.append(f"{sid} (not a set of answers)")
            continue
        kept: dict[str, Any] = {"current": {}, "first": {}, "attempts": 0}
        for which in ("current", "first"):
            values = entry.get(which, {})
            if not isinstance(values, dict):
                dropped.append(f"{sid} {which} answers (not a set of answers)")
                continue
            for name, value in values.items():
                if name not in FIELDS:
                    dropped.append(f"{sid} {_shown(name)} (not a field)")
                    continue
                try:
                    answer = normalise(case, name, value, sid)
                except (AttributionLabError, TypeError, ValueError, AttributeError):
                    label = "first try" if which == "first" else "answer"
                    dropped.append(f"{sid} {FIELD_NAMES[name]} {label} {_shown(value)}")
                    continue
                if answer is not None:
                    kept[which][name] = _stored(answer)
        attempts = entry.get("attempts", 0)
        if isinstance(attempts, int) and not isinstance(attempts, bool) and 0 <= attempts <= MAX_ATTEMPTS:
            kept["attempts"] = attempts
        for counted in ("missed", "checks"):
            given = entry.get(counted)
            if isinstance(given, dict):
                counts = {f: n for f, n in given.items() if f in FIELDS and type(n) is int and 0 <= n <= MAX_ATTEMPTS}
                if counts:
                    kept[counted] = counts
        revealed = entry.get("revealed")
        if isinstance(revealed, list):
            shown = [f for f in FIELDS if f in revealed]
            if shown:
                kept["revealed"] = shown
        # A first-try answer exists only because Check was pressed at least once.
        if kept["first"] and kept["attempts"] == 0:
            kept["attempts"] = 1
        for stamp in ("first_checked", "last_checked", "updated"):
            if is_time(entry.get(stamp)):
                kept[stamp] = entry[stamp]
        if kept["current"] or kept["first"] or kept["attempts"] or kept.get("revealed"):
            result["answers"][sid] = kept
    if unknown_ids:
        notes.append(
            f"Answers for {', '.join(unknown_ids)} were dropped: the case has no such statement "
            f"(it has {case.statement_ids[0]} to {case.statement_ids[-1]})."
        )
    if dropped:
        notes.append(
            "These answers were dropped because they are not labels of the current key: " + "; ".join(dropped) + "."
        )
    notes.extend(retired)
    if submission_problems(result, case):  # cannot happen by construction; never hand on an invalid file
        return new_submission(case, now=now), [*notes, "What was left could still not be read, so you start with no answers."]
    return result, notes


