"""The grader's quick check of an answers file: a strict subset of what the schema and the case
accept, fast enough for a class of thousands.

A False from :func:`quick_accepts` means "ask :func:`~attribution_lab.formats.answers.parse_submission`",
never "reject"; tests compare the two on many files. :func:`parse_quickly` does exactly that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.case import FIELDS, Case
from ..core.submission import FORMAT, SCHEMA_VERSION, Submission
from .answers import TIME_PATTERN, handed_in_ok, is_time, load_json, parse_submission
from .limits import MAX_ATTEMPTS, MAX_STUDENT_TEXT, MAX_SUBMISSION_BYTES

_LABEL = re.compile(r"[a-z][a-z0-9_]*")
_STATEMENT_ID = re.compile(r"S[0-9]{2,3}")
_CASE_ID = re.compile(r"[a-z][a-z0-9_]*")
_KEY_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_TOP_KEYS = frozenset(("format", "schema_version", "case_id", "key_version", "student", "created", "updated", "answers"))
_STUDENT_KEYS = frozenset(("id", "name"))


@dataclass(frozen=True)
class AllowedValues:
    """What the quick check lets through for one case: labels and ids that also match the schema."""

    case_id: str
    statement_ids: frozenset[str]
    labels: Mapping[str, frozenset[str]]

    @property
    def fields(self) -> frozenset[str]:
        """The field names an answers file may use (for missed tries and revealed fields)."""
        return frozenset(self.labels)


_allowed_cache: dict[int, AllowedValues] = {}


def allowed_values(case: Case) -> AllowedValues:
    """The labels and ids of a case that the quick check lets through (remembered per case)."""
    found = _allowed_cache.get(id(case))
    if found is None or found.case_id != case.id:
        labels = {
            f: frozenset(label for label in case.labels(f) if len(label) <= 40 and _LABEL.fullmatch(label)) for f in FIELDS
        }
        found = AllowedValues(
            case.id,
            frozenset(s for s in case.statement_ids if _STATEMENT_ID.fullmatch(s)),
            labels,
        )
        _allowed_cache[id(case)] = found
    return found


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


def frame_ok(data: Any, allowed: AllowedValues) -> bool:
    """Everything of the quick check but the answers' values (which the scorer checks as it scores)."""
    if type(data) is not dict or not (data.keys() == _TOP_KEYS or data.keys() == _TOP_KEYS | {"handed_in"}):
        return False
    if "handed_in" in data and not handed_in_ok(data["handed_in"]):
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
        if type(value) is not str or len(value) > MAX_STUDENT_TEXT:
            return False
    if not (is_time(data["created"]) and is_time(data["updated"])):
        return False
    answers = data["answers"]
    if type(answers) is not dict or len(answers) > 1000:
        return False
    ids, time_match = allowed.statement_ids, TIME_PATTERN.fullmatch
    for sid, entry in answers.items():
        if sid not in ids or type(entry) is not dict or "current" not in entry or "first" not in entry or "attempts" not in entry:
            return False
        for name, value in entry.items():
            if name == "current" or name == "first":
                if type(value) is not dict:
                    return False
            elif name == "attempts":
                if type(value) is not int or not 0 <= value <= MAX_ATTEMPTS:
                    return False
            elif name == "missed" or name == "checks":
                if type(value) is not dict or not value.keys() <= allowed.fields:
                    return False
                if any(type(n) is not int or not 0 <= n <= MAX_ATTEMPTS for n in value.values()):
                    return False
            elif name == "revealed":
                if type(value) is not list or not all(type(f) is str and f in allowed.fields for f in value):
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
    allowed = allowed_values(case)
    if not frame_ok(data, allowed):
        return False
    return all(
        _values_ok(entry["current"], allowed.labels) and _values_ok(entry["first"], allowed.labels)
        for entry in data["answers"].values()
    )


def decode_quickly(raw: bytes) -> Any:
    """The parsed JSON of an answers file's bytes, or None when :func:`parse_submission` must word
    why it cannot be read.
    """
    if len(raw) > MAX_SUBMISSION_BYTES:
        return None
    try:
        return load_json(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None  # parse_submission words the reason


def parse_quickly(raw: bytes, case: Case, file: str) -> Submission:
    """Like :func:`~attribution_lab.submission.parse_submission`, and as strict, but fast for good files.

    A file the quick check accepts is returned at once; any other goes to ``parse_submission``,
    which either accepts it too or raises :class:`SubmissionError` with every problem.
    """
    data = decode_quickly(raw)
    if data is not None and quick_accepts(data, case):
        return data
    return parse_submission(raw, case, file)
