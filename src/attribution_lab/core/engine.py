"""The checking engine: pure functions from a case and plain answers to verdicts and scores.

Nothing here touches widgets or files, so the panel, the text interface, the worksheets and the
grader all give the same verdict for the same answer. The engine words nothing: the sentences a
student reads are made from its verdicts by :mod:`attribution_lab.core.feedback`.

Scoring, as documented for instructors:

* Each field of each statement earns up to its weight: origin 2, reported right 1, believable 1,
  claim type 1, chain 1, red flag 1. Origin weighs double, and the two trust questions together
  weigh as much, because they are the module's two core questions: who said it, and how far can I
  trust it.
* The key's answer and every accepted alternative earn full credit: a defensible answer is right.
* The chain earns partial credit: the overlap between the student's intermediaries and the key's
  (shared links divided by all links named by either), against the key or the nearest accepted
  alternative. Order is not graded.
* Everything else earns nothing; an unanswered field (``None``, ``...`` or empty) earns nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from ..errors import UnknownLabelError
from .case import FIELD_NAMES, FIELDS, Answer, Case, Statement, require_fields

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"origin": 2.0, "reported_right": 1.0, "believable": 1.0, "claim_type": 1.0, "chain": 1.0, "red_flag": 1.0}
)

Verdict = Literal["correct", "accepted", "partly", "wrong", "unanswered"]

@dataclass(frozen=True)
class FieldResult:
    """The verdict on one field of one statement."""

    statement_id: str
    field: str
    answer: Answer | None
    verdict: Verdict
    credit: float  # 0 to 1, before weighting
    why: str | None = None  # the reason an accepted alternative is defensible (from the key)

    @property
    def is_right(self) -> bool:
        """True when the answer earns full credit (the key's answer or an accepted one)."""
        return self.verdict in ("correct", "accepted")


@dataclass(frozen=True)
class StatementResult:
    """The verdicts on the fields checked for one statement (:mod:`.feedback` words them)."""

    statement_id: str
    fields: tuple[FieldResult, ...]

    @property
    def attempted(self) -> bool:
        """True when at least one field was answered: only then may a why be shown."""
        return any(f.verdict != "unanswered" for f in self.fields)

    @property
    def all_right(self) -> bool:
        """True when every checked field earns full credit."""
        return all(f.is_right for f in self.fields)

    def field(self, name: str) -> FieldResult:
        """The result for one field."""
        for result in self.fields:
            if result.field == name:
                return result
        raise KeyError(name)


def is_unanswered(value: Any) -> bool:
    """``None``, ``...`` (a worksheet placeholder) and empty values count as not answered."""
    return value is None or value is Ellipsis or (isinstance(value, (str, list, tuple, set, frozenset)) and not value)


def normalise(case: Case, field: str, value: Any, statement_id: str | None = None) -> Answer | None:
    """Turn a student's value into a label (or a tuple of labels for the chain), or ``None``.

    Accepts label ids in any letter case; a chain may be a list or a string such as
    ``"kcna > the_guardian"``. Raises :class:`UnknownLabelError` naming the field and the choices.
    """
    require_fields((field,))
    if is_unanswered(value):
        return None
    labels = case.labels(field)
    where = f" for {statement_id}" if statement_id else ""
    if field == "chain":
        items = re.split(r"\s*(?:->|>|→|,)\s*", value.strip()) if isinstance(value, str) else value
        if not isinstance(items, (list, tuple, set, frozenset)):
            raise UnknownLabelError(f"chain{where} must be a list of intermediaries, not {value!r}")
        chain = []
        for item in items:
            label = item.strip().lower() if isinstance(item, str) else item
            if not isinstance(label, str) or label not in labels:
                raise UnknownLabelError(f"{item!r} is not an intermediary{where}; choose from {', '.join(labels)}")
            if label not in chain:
                chain.append(label)
        return tuple(chain) or None
    label = value.strip().lower() if isinstance(value, str) else value
    if not isinstance(label, str) or label not in labels:
        raise UnknownLabelError(
            f"{value!r} is not one of the {FIELD_NAMES[field].lower()} labels{where}; choose from {', '.join(labels)}"
        )
    return label


def _overlap(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def check_field(case: Case, statement: Statement, field: str, value: Any) -> FieldResult:
    """The verdict on one field of one statement, against the key and its accepted alternatives."""
    answer = normalise(case, field, value, statement.id)
    sid = statement.id
    if answer is None:
        return FieldResult(sid, field, None, "unanswered", 0.0)
    key = statement.answers[field]
    alternatives = statement.accepted[field]
    if field == "chain":
        # Order is not graded: a chain is right when it names the same links.
        if set(answer) == set(key):
            return FieldResult(sid, field, answer, "correct", 1.0)
        for alternative in alternatives:
            if set(answer) == set(alternative.answer):
                return FieldResult(sid, field, answer, "accepted", 1.0, alternative.why)
        best = max([_overlap(answer, key)] + [_overlap(answer, a.answer) for a in alternatives])
        return FieldResult(sid, field, answer, "partly" if best > 0 else "wrong", best)
    if answer == key:
        return FieldResult(sid, field, answer, "correct", 1.0)
    for alternative in alternatives:
        if answer == alternative.answer:
            return FieldResult(sid, field, answer, "accepted", 1.0, alternative.why)
    return FieldResult(sid, field, answer, "wrong", 0.0)


def check_statement(case: Case, statement_id: str, answers: Mapping[str, Any]) -> StatementResult:
    """Check the given fields of one statement. Unknown ids, fields or labels raise clear errors."""
    statement = case.statement(statement_id)
    require_fields(answers)
    results = tuple(check_field(case, statement, f, answers[f]) for f in FIELDS if f in answers)
    return StatementResult(statement_id=statement.id, fields=results)


@dataclass(frozen=True)
class Score:
    """Points earned against points possible, in total, per field and per statement."""

    points: float
    out_of: float
    by_field: Mapping[str, tuple[float, float]]
    by_statement: Mapping[str, tuple[float, float]]

    @property
    def fraction(self) -> float:
        """Points as a fraction of the maximum (0 when nothing can be earned)."""
        return self.points / self.out_of if self.out_of else 0.0


def score(
    case: Case,
    answers: Mapping[str, Mapping[str, Any]],
    *,
    fields: Iterable[str] = FIELDS,
    statement_ids: Iterable[str] | None = None,
    weights: Mapping[str, float] = WEIGHTS,
    asked: Mapping[str, Iterable[str]] | None = None,
) -> Score:
    """Score answers (statement id -> field -> value) over the given statements and fields.

    Statements and fields that were not answered count towards the maximum and earn nothing.
    ``asked`` (statement id -> fields, :func:`attribution_lab.core.plan.asked`) narrows each
    statement to the fields the module asks of it; a statement it leaves out is not scored.
    Answers for statements outside ``statement_ids`` are still checked for unknown ids and labels.
    """
    fields = require_fields(fields)
    ids = tuple(statement_ids) if statement_ids is not None else case.statement_ids
    for sid in [*ids, *answers]:
        case.statement(sid)  # raises UnknownStatementError for an unknown id
    by_field = {f: [0.0, 0.0] for f in fields}
    by_statement: dict[str, tuple[float, float]] = {}
    for sid in ids:
        statement = case.statement(sid)
        given = answers.get(sid, {})
        earned = possible = 0.0
        these = fields if asked is None else tuple(f for f in fields if f in set(asked.get(sid, ())))
        if not these:
            continue
        for f in these:
            result = check_field(case, statement, f, given.get(f))
            points = result.credit * weights[f]
            by_field[f][0] += points
            by_field[f][1] += weights[f]
            earned += points
            possible += weights[f]
        by_statement[sid] = (earned, possible)
    for sid, given in answers.items():
        if sid not in by_statement:
            for f, value in given.items():
                normalise(case, f, value, sid)
    total = sum(p for p, _ in by_statement.values())
    out_of = sum(m for _, m in by_statement.values())
    return Score(
        points=total,
        out_of=out_of,
        by_field=MappingProxyType({f: (p, m) for f, (p, m) in by_field.items()}),
        by_statement=MappingProxyType(by_statement),
    )


__all__ = [
    "WEIGHTS",
    "FieldResult",
    "Score",
    "StatementResult",
    "Verdict",
    "check_field",
    "check_statement",
    "is_unanswered",
    "normalise",
    "score",
]
