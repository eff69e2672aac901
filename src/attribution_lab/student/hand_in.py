"""Handing in a graded worksheet: the rule the worksheet panel and the text interface share.

A worksheet asks one lesson's fields of the practice case's statements, which no lesson explains
(:data:`~attribution_lab.core.plan.PRACTICE_CASE`). Nothing is checked while the student answers.
"Hand in" is refused, with the statements still to answer named, until every field of every
statement has an answer; then every answer is checked at once. The first hand-in is the graded
try: its answers become the first tries, which are never replaced; a later hand-in is practice and
changes only the current answers. After a hand-in, feedback names the key's answers and whys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.case import FIELD_NAMES, Case
from ..core.engine import Score, check_field, score
from ..core.feedback import join_names
from ..core.submission import FIRST, Submission, answers_of, hand_in_of, record_hand_in


@dataclass(frozen=True)
class HandIn:
    """What pressing "Hand in" did, and what to tell the student."""

    handed_in: bool
    #: The graded try: the first hand-in's answers, scored (None until handed in).
    graded: Score | None
    #: This hand-in's answers, scored (None when refused).
    this_try: Score | None
    times: int
    #: "S03 origin"-style names of what was not right at the graded try.
    missed: tuple[str, ...]
    text: str


def unanswered(case: Case, fields: tuple[str, ...], statement_ids: tuple[str, ...], submission: Submission) -> dict[str, list[str]]:
    """Statement id -> the worksheet's fields it has no current answer for (empty: all answered)."""
    answers = answers_of(submission)
    return {sid: missing for sid in statement_ids
            if (missing := [f for f in fields if f not in answers.get(sid, {})])}


def graded_score(case: Case, fields: tuple[str, ...], statement_ids: tuple[str, ...], submission: Submission) -> Score:
    """The score of the graded try: the first tries of the worksheet's statements and fields."""
    return score(case, answers_of(submission, FIRST), fields=fields, statement_ids=statement_ids)


def missed_at_graded_try(case: Case, fields: tuple[str, ...], statement_ids: tuple[str, ...], submission: Submission) -> tuple[str, ...]:
    """"S03 origin"-style names of the worksheet's fields not right at the graded try."""
    first = answers_of(submission, FIRST)
    return tuple(
        f"{sid} {FIELD_NAMES[f].lower()}" for sid in statement_ids for f in fields
        if not check_field(case, case.statement(sid), f, first.get(sid, {}).get(f)).is_right
    )


def _percent(value: Score) -> str:
    return f"{value.points:g} of {value.out_of:g} points ({round(100 * value.fraction)}%)"


def _sentence(text: str) -> str:
    """End ``text`` with a full stop, unless it ends in a field name's own question mark."""
    return text if text.endswith("?") else text + "."


def summary(case: Case, worksheet: str, fields: tuple[str, ...], statement_ids: tuple[str, ...], submission: Submission) -> HandIn:
    """Where a worksheet stands: not handed in yet, or its graded score and what was missed."""
    record = hand_in_of(submission, worksheet)
    if record is None:
        missing = unanswered(case, fields, statement_ids, submission)
        left = f"{len(missing)} of {len(statement_ids)} statements still need an answer" if missing else "every statement is answered"
        return HandIn(False, None, None, 0, (), f"Worksheet {worksheet}: not handed in yet ({left}).")
    graded = graded_score(case, fields, statement_ids, submission)
    missed = missed_at_graded_try(case, fields, statement_ids, submission)
    right = sum(1 for points, out_of in graded.by_statement.values() if out_of and points == out_of)
    text = (f"Worksheet {worksheet}, graded try: {_percent(graded)}; "
            f"{right} of {len(statement_ids)} statements right. "
            + (_sentence(f"Not right then: {join_names(list(missed))}") if missed else "Everything was right."))
    return HandIn(True, graded, None, record["times"], missed, text)


def hand_in(
    case: Case, worksheet: str, fields: tuple[str, ...], statement_ids: tuple[str, ...], submission: Submission, *, now: str
) -> tuple[Submission | None, HandIn]:
    """Press "Hand in": the new submission (None when refused, then nothing changes) and what happened.

    Refused while any field of any statement is unanswered; the text names them.
    """
    missing = unanswered(case, fields, statement_ids, submission)
    if missing:
        shown = [f"{sid} ({join_names([FIELD_NAMES[f] for f in names])})" for sid, names in list(missing.items())[:8]]
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        return None, HandIn(False, None, None, 0, (), (
            f"Not handed in: answer every statement first. Still to answer: {', '.join(shown)}{more}."))
    current = answers_of(submission)
    values: dict[str, Mapping[str, Any]] = {sid: {f: current[sid][f] for f in fields} for sid in statement_ids}
    again = hand_in_of(submission, worksheet) is not None
    result = record_hand_in(case, submission, worksheet, values, now=now)
    this_try = score(case, values, fields=fields, statement_ids=statement_ids)
    standing = summary(case, worksheet, fields, statement_ids, result)
    if again:
        text = (f"Handed in again, for practice: this try {_percent(this_try)}. Your graded try stays the first one. "
                + standing.text)
    else:
        text = "Handed in. This first hand-in is your graded try. " + standing.text
    return result, HandIn(True, standing.graded, this_try, standing.times, standing.missed, text)


__all__ = ["HandIn", "graded_score", "hand_in", "missed_at_graded_try", "summary", "unanswered"]
