"""Submissions: a student's answers for one case, as plain data (the answers file's content).

This module owns the submission format: what a submission holds (see :func:`new_submission`), the
two sets of answers every statement keeps (``current``, the latest answer, and ``first``, the first
try, which is never overwritten), and the pure changes a panel or worksheet makes to it. Every
function takes plain dictionaries and returns new ones, never touching files, widgets or the clock
(callers pass the time). Reading and writing the bytes of an answers file is
:mod:`attribution_lab.formats.answers`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from .case import FIELDS, Case
from .engine import Score, check_field, normalise, score
from .plan import asked

FORMAT = "attribution-lab-submission"
SCHEMA_VERSION = 1
#: The two sets of answers a statement keeps: the latest answer, and the first try.
CURRENT, FIRST = "current", "first"
#: Per statement: field -> how many checks found it not yet right; and the fields whose answer the
#: student asked to see. Both only grow, and decide what feedback may show (:mod:`.reveal`).
MISSED, REVEALED = "missed", "revealed"
#: Per statement: field -> how many presses of Check included it (a lesson's "Checked N times").
CHECKS = "checks"
#: At the top: worksheet number -> when it was first and last handed in, and how often. The first
#: hand-in's answers are the statements' first tries, which are never overwritten: the graded try.
HANDED_IN = "handed_in"

Submission = dict[str, Any]


def new_submission(case: Case, *, now: str, student_id: str = "", student_name: str = "") -> Submission:
    """An empty submission for a case, created at ``now`` (an ISO time in UTC)."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "case_id": case.id,
        "key_version": case.key_version,
        "student": {"id": student_id, "name": student_name},
        "created": now,
        "updated": now,
        "answers": {},
    }


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def record_choice(case: Case, submission: Submission, statement_id: str, field: str, value: Any, *, now: str) -> Submission:
    """Return a copy with one field's current choice set (or cleared when unanswered)."""
    case.statement(statement_id)
    answer = normalise(case, field, value, statement_id)
    result = copy.deepcopy(submission)
    entry = result["answers"].setdefault(statement_id, {"current": {}, "first": {}, "attempts": 0})
    if answer is None:
        entry["current"].pop(field, None)
    else:
        entry["current"][field] = _stored(answer)
    entry["updated"] = now
    result["updated"] = now
    return result


def record_check(case: Case, submission: Submission, statement_id: str, values: Mapping[str, Any], *, now: str) -> Submission:
    """Return a copy recording a press of Check: current choices set, attempts counted, the
    first-try answer kept for every field checked for the first time, and for every field not yet
    right a missed try counted (``missed``, which decides when its why may be shown).

    A field whose answer was shown on request (``revealed``) gets no first try: an answer copied
    from the key is never counted as right first time.
    """
    statement = case.statement(statement_id)
    answers = {f: normalise(case, f, v, statement_id) for f, v in values.items()}
    result = copy.deepcopy(submission)
    entry = result["answers"].setdefault(statement_id, {"current": {}, "first": {}, "attempts": 0})
    revealed = set(entry.get(REVEALED, []))
    for field, answer in answers.items():
        if answer is None:
            entry["current"].pop(field, None)
            continue
        entry["current"][field] = _stored(answer)
        if field not in revealed:
            entry["first"].setdefault(field, _stored(answer))
        checks = entry.setdefault(CHECKS, {})
        checks[field] = checks.get(field, 0) + 1
        if not check_field(case, statement, field, answer).is_right:
            missed = entry.setdefault(MISSED, {})
            missed[field] = missed.get(field, 0) + 1
    entry["attempts"] += 1
    entry.setdefault("first_checked", None)
    if entry["first_checked"] is None:
        entry["first_checked"] = now
    entry["last_checked"] = now
    entry["updated"] = now
    result["updated"] = now
    return result


def record_reveal(case: Case, submission: Submission, statement_id: str, fields: Iterable[str], *, now: str) -> Submission:
    """Return a copy recording that the student asked to see the key's answer to ``fields`` of a
    statement. A field without a first try keeps none from then on (see :func:`record_check`).
    """
    case.statement(statement_id)
    names = [f for f in FIELDS if f in set(fields)]
    result = copy.deepcopy(submission)
    entry = result["answers"].setdefault(statement_id, {"current": {}, "first": {}, "attempts": 0})
    entry[REVEALED] = [f for f in FIELDS if f in set(entry.get(REVEALED, [])) | set(names)]
    entry["updated"] = now
    result["updated"] = now
    return result


def record_hand_in(
    case: Case, submission: Submission, worksheet: str, values: Mapping[str, Mapping[str, Any]], *, now: str
) -> Submission:
    """Return a copy recording a worksheet handed in: every statement's answers (statement id ->
    field -> answer) checked at once, as one press of Check each, and the hand-in's times.

    The first hand-in is the graded try: its answers become the first tries, which later hand-ins
    never replace; a later hand-in only updates the current answers, the last time and the count.
    """
    result = submission
    for sid, answers in values.items():
        result = record_check(case, result, sid, answers, now=now)
    if result is submission:
        result = copy.deepcopy(submission)
    record = result.setdefault(HANDED_IN, {}).setdefault(worksheet, {"first": now, "last": now, "times": 0})
    record["last"] = now
    record["times"] += 1
    result["updated"] = now
    return result


def hand_in_of(submission: Submission, worksheet: str) -> dict[str, Any] | None:
    """When a worksheet was first and last handed in and how often (None: not yet)."""
    record = submission.get(HANDED_IN, {}).get(worksheet)
    return dict(record) if isinstance(record, dict) else None


def checks_of(submission: Submission, statement_id: str, fields: Iterable[str]) -> int:
    """How many presses of Check included any of ``fields`` of a statement: the larger count of
    the fields (they are checked together in a panel), so a lesson counts only its own checks.
    """
    counts = submission.get("answers", {}).get(statement_id, {}).get(CHECKS, {})
    return max((counts.get(f, 0) for f in fields), default=0)


def with_student(submission: Submission, *, student_id: str, name: str) -> Submission:
    """Return a copy with the student's id and name set."""
    result = copy.deepcopy(submission)
    result["student"] = {"id": student_id, "name": name}
    return result


def clear_answers(submission: Submission, statement_ids: Iterable[str], fields: Iterable[str], *, now: str) -> Submission:
    """A copy with the given fields of the given statements cleared (current and first-try answers).

    Answers to other statements and other fields (from other lessons) are kept. A statement left
    with no answer at all is removed, attempts and all, unless an answer of it was shown on request:
    that stays recorded (with the missed tries), so starting over never makes a shown answer a first try.
    """
    ids, names = set(statement_ids), set(fields)
    result = copy.deepcopy(submission)
    for sid in list(result.get("answers", {})):
        if sid not in ids:
            continue
        entry = result["answers"][sid]
        for which in (CURRENT, FIRST):
            entry[which] = {f: v for f, v in entry.get(which, {}).items() if f not in names}
        if not entry["current"] and not entry["first"] and not entry.get(REVEALED):
            # an answer once shown stays recorded, so starting over cannot turn it into a first try
            del result["answers"][sid]
    result["updated"] = now
    return result


def answers_of(submission: Submission, which: str = CURRENT) -> dict[str, dict[str, Any]]:
    """Statement id -> field -> answer, either the ``current`` (latest) or the ``first`` (first-try) ones."""
    if which not in (CURRENT, FIRST):
        raise ValueError("which must be 'current' or 'first'")
    return {sid: dict(entry.get(which, {})) for sid, entry in submission.get("answers", {}).items()}


def score_submission(case: Case, submission: Submission, *, fields: tuple[str, ...] = FIELDS) -> tuple[Score, Score]:
    """The current score and the first-try score of a submission, recomputed from its answers,
    over what the module asks (:func:`~attribution_lab.core.plan.asked`).
    """
    pairs = asked(case)
    return (score(case, answers_of(submission, CURRENT), fields=fields, asked=pairs),
            score(case, answers_of(submission, FIRST), fields=fields, asked=pairs))


def restore_position(submission: Submission, statement_ids: Iterable[str]) -> str | None:
    """The statement the student worked on last, among ``statement_ids`` (None if none was touched).

    Derived from the answers' own time stamps, so no extra file is needed; a tie goes to the
    statement later in the article.
    """
    answers: Mapping[str, Any] = submission.get("answers", {})
    best: tuple[str, int] | None = None
    chosen = None
    for index, sid in enumerate(statement_ids):
        stamp = answers.get(sid, {}).get("updated")
        if isinstance(stamp, str) and (best is None or (stamp, index) >= best):
            best, chosen = (stamp, index), sid
    return chosen


def answered_fields(submission: Submission, statement_id: str, fields: Iterable[str]) -> tuple[str, ...]:
    """The fields among ``fields`` that have a current answer, or were shown on request, for a statement."""
    entry: Mapping[str, Any] = submission.get("answers", {}).get(statement_id, {})
    current, shown = entry.get(CURRENT, {}), set(entry.get(REVEALED, []))
    return tuple(f for f in fields if f in current or f in shown)


def first_unanswered(submission: Submission, statement_ids: Iterable[str], fields: Iterable[str], *, after: str | None = None) -> str | None:
    """The first statement (after ``after``, going round to the start) with a field among ``fields``
    not yet answered; None when every statement is answered.
    """
    ids, names = list(statement_ids), tuple(fields)
    start = ids.index(after) + 1 if after in ids else 0
    for sid in ids[start:] + ids[:start]:
        if len(answered_fields(submission, sid, names)) < len(names):
            return sid
    return None


def key_version_note(submission: Submission, case: Case) -> str | None:
    """A plain sentence when the answers were given against another version of the key, else None."""
    return version_note(submission.get("key_version"), case)


def version_note(key_version: Any, case: Case) -> str | None:
    """:func:`key_version_note` of a file whose ``key_version`` is given."""
    if key_version != case.key_version:
        return (
            f"These answers were given against version {key_version} of the key; "
            f"the key is now version {case.key_version}. They are checked against the current key."
        )
    return None


def student_id(submission: Submission, fallback: str) -> str:
    """Whose answers these are: the student id in the file, else ``fallback`` (what the grader
    knows of the file, such as its name). The one rule the grader and the class report share.
    """
    return given_id(submission.get("student", {}).get("id", ""), fallback)


def given_id(given: Any, fallback: str) -> str:
    """:func:`student_id` of a file whose student id is ``given`` (any value; not text means none)."""
    return given.strip() if isinstance(given, str) and given.strip() else fallback


def _moment(stamp: Any) -> float:
    if not isinstance(stamp, str):
        return float("-inf")
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return float("-inf")  # allowed by the schema's pattern but not a real time: ranks as oldest
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def newest_rank(submission: Submission, modified: float) -> tuple[float, float]:
    """How new a student's file is, for choosing among several: the "updated" time written in it
    (as a POSIX timestamp; a missing or impossible time ranks oldest), then the file's
    modification time ``modified``. The larger rank is the newer file.
    """
    return updated_rank(submission.get("updated"), modified)


def updated_rank(updated: Any, modified: float) -> tuple[float, float]:
    """:func:`newest_rank` of a file whose "updated" time is ``updated``."""
    return _moment(updated), modified


def _later(a: Any, b: Any) -> bool:
    """True when time stamp ``b`` is at least as late as ``a`` (ISO times in UTC compare as text)."""
    return _moment(b) >= _moment(a)


def merge_submissions(older: Submission, newer: Submission) -> Submission:
    """One submission holding every answer of two for the same case and student, losing none.

    Per statement and field, the current answer of the entry changed later wins (ties go to
    ``newer``); a first try, once given, is never replaced (``older``'s stays when both have one);
    attempts, checks and missed tries are the larger counts, revealed fields the union, first_checked
    the earlier and last_checked the later time; a worksheet's hand-in keeps the earlier first and
    the later last time. The
    student's id and name come from ``newer`` unless it has none. Pure: neither input is changed.
    """
    result = copy.deepcopy(older)
    if any(newer.get("student", {}).values()):
        result["student"] = dict(newer["student"])
    result["updated"] = newer["updated"] if _later(older.get("updated"), newer.get("updated")) else older["updated"]
    answers = result.setdefault("answers", {})
    for sid, theirs in newer.get("answers", {}).items():
        mine = answers.get(sid)
        if mine is None:
            answers[sid] = copy.deepcopy(theirs)
            continue
        theirs_later = _later(mine.get("updated"), theirs.get("updated"))
        current = dict(mine.get(CURRENT, {}))
        for field_name, value in theirs.get(CURRENT, {}).items():
            if theirs_later or field_name not in current:
                current[field_name] = copy.deepcopy(value)
        mine[CURRENT] = current
        first = dict(mine.get(FIRST, {}))
        for field_name, value in theirs.get(FIRST, {}).items():
            first.setdefault(field_name, copy.deepcopy(value))
        mine[FIRST] = first
        mine["attempts"] = max(mine.get("attempts", 0), theirs.get("attempts", 0))
        for counted in (MISSED, CHECKS):
            counts = {f: max(n, theirs.get(counted, {}).get(f, 0)) for f, n in mine.get(counted, {}).items()}
            counts |= {f: n for f, n in theirs.get(counted, {}).items() if f not in counts}
            if counts:
                mine[counted] = counts
        shown = set(mine.get(REVEALED, [])) | set(theirs.get(REVEALED, []))
        if shown:
            mine[REVEALED] = [f for f in FIELDS if f in shown]
        checked = [t for t in (mine.get("first_checked"), theirs.get("first_checked")) if isinstance(t, str)]
        if checked:
            mine["first_checked"] = min(checked, key=_moment)
        last = [t for t in (mine.get("last_checked"), theirs.get("last_checked")) if isinstance(t, str)]
        if last:
            mine["last_checked"] = max(last, key=_moment)
        stamps = [t for t in (mine.get("updated"), theirs.get("updated")) if isinstance(t, str)]
        if stamps:
            mine["updated"] = max(stamps, key=_moment)
    for worksheet, theirs in newer.get(HANDED_IN, {}).items():
        mine = result.setdefault(HANDED_IN, {}).get(worksheet)
        if mine is None:
            result[HANDED_IN][worksheet] = dict(theirs)
        else:
            result[HANDED_IN][worksheet] = {"first": min(mine["first"], theirs["first"], key=_moment),
                                            "last": max(mine["last"], theirs["last"], key=_moment),
                                            "times": max(mine["times"], theirs["times"])}
    return result
