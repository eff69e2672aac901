"""The checking engine: pure functions from a case and plain answers to verdicts, feedback and scores.

Nothing here touches widgets or files, so the panel, the text interface, the worksheets and the
grader all give the same verdict for the same answer.

Scoring, as documented for instructors:

* Each field of each statement earns up to its weight: origin 2, confidence 2, claim type 1,
  chain 1, red flag 1. Origin and confidence weigh double because they are the module's two core
  questions: who said it, and how sure can I be.
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

from .case import FIELD_NAMES, FIELDS, Answer, Case, Statement
from .errors import UnknownLabelError, UnknownStatementError

WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"origin": 2.0, "confidence": 2.0, "claim_type": 1.0, "chain": 1.0, "red_flag": 1.0}
)

Verdict = Literal["correct", "accepted", "partly", "wrong", "unanswered"]

#: Symbol and word for each verdict, so right and wrong never rest on colour alone.
VERDICT_MARKS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "correct": ("✓", "Right"),
        "accepted": ("✓", "Also accepted"),
        "partly": ("◐", "Partly right"),
        "wrong": ("✗", "Not yet"),
        "unanswered": ("…", "Not answered"),
    }
)

#: What to look at again when a field is not yet right. Generic to every case.
HINTS: Mapping[str, str] = MappingProxyType(
    {
        "origin": "Who made the claim first? Follow the cue back past every outlet that passed it on.",
        "confidence": "Apply the confidence rules in order: what are you grading, and how many independent sources back it?",
        "claim_type": "Are there quotation marks around all of it, some of it, or none? Is it a number, or a guess about motives?",
        "chain": "List everyone the claim passed through between its origin and you, including the outlet and the translation.",
        "red_flag": "Check the names, the sources and the wording: does anything credit the wrong person or change the meaning?",
    }
)


@dataclass(frozen=True)
class FieldResult:
    """The verdict on one field of one statement."""

    field: str
    answer: Answer | None
    verdict: Verdict
    credit: float  # 0 to 1, before weighting
    feedback: str  # plain text; renderers escape it
    why: str | None = None  # the reason an accepted alternative is defensible

    @property
    def is_right(self) -> bool:
        """True when the answer earns full credit (the key's answer or an accepted one)."""
        return self.verdict in ("correct", "accepted")


@dataclass(frozen=True)
class StatementResult:
    """The verdicts on the fields checked for one statement, with what the student learns from."""

    statement_id: str
    fields: tuple[FieldResult, ...]
    rationale: str
    rule: str  # "R3, One good source is moderate: ..."
    cue: str | None
    uncertain: str | None

    @property
    def attempted(self) -> bool:
        """True when at least one field was answered: only then may the rationale be shown."""
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
    if field not in FIELDS:
        raise UnknownLabelError(f"{field!r} is not a field; the fields are {', '.join(FIELDS)}")
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


def _name(case: Case, field: str, answer: Answer) -> str:
    labels = case.labels(field)
    if isinstance(answer, tuple):
        return " → ".join(labels[a].name for a in answer)
    return labels[answer].name


def check_field(case: Case, statement: Statement, field: str, value: Any) -> FieldResult:
    """Check one field of one statement against the key and its accepted alternatives."""
    answer = normalise(case, field, value, statement.id)
    title = FIELD_NAMES[field]
    if answer is None:
        return FieldResult(field, None, "unanswered", 0.0, f"… {title}: not answered yet.")
    key = statement.answers[field]
    if field == "chain":
        if set(answer) == set(key):
            return FieldResult(field, answer, "correct", 1.0, f"✓ {title}: right ({_name(case, field, answer)}).")
        for alternative in statement.accepted[field]:
            if set(answer) == set(alternative.answer):
                return _accepted(case, field, answer, key, alternative.why)
        best = max([_overlap(answer, key)] + [_overlap(answer, a.answer) for a in statement.accepted[field]])
        if best > 0:
            return FieldResult(
                field, answer, "partly", best,
                f"◐ {title}: partly right. Some links are missing or do not belong. {HINTS[field]}",
            )
        return FieldResult(field, answer, "wrong", 0.0, f"✗ {title}: not yet. {HINTS[field]}")
    if answer == key:
        return FieldResult(field, answer, "correct", 1.0, f"✓ {title}: right ({_name(case, field, answer)}).")
    for alternative in statement.accepted[field]:
        if answer == alternative.answer:
            return _accepted(case, field, answer, key, alternative.why)
    hint = HINTS[field]
    if field == "origin" and statement.cue:
        hint = f"Look at the cue “{statement.cue}”: whom does it point to? " + hint
    elif field == "origin":
        # the general hint talks of following a cue: without one, ask whose voice it is instead
        hint = "There is no attribution cue here: whose voice is it, if nobody is credited?"
    return FieldResult(field, answer, "wrong", 0.0, f"✗ {title}: not yet. {hint}")


def _accepted(case: Case, field: str, answer: Answer, key: Answer, why: str) -> FieldResult:
    title = FIELD_NAMES[field]
    text = (
        f"✓ {title}: also accepted ({_name(case, field, answer)}). {why} "
        f"The key's first answer is {_name(case, field, key)}."
    )
    return FieldResult(field, answer, "accepted", 1.0, text, why)


def check_statement(case: Case, statement_id: str, answers: Mapping[str, Any]) -> StatementResult:
    """Check the given fields of one statement. Unknown ids, fields or labels raise clear errors."""
    statement = case.statement(statement_id)
    unknown = [f for f in answers if f not in FIELDS]
    if unknown:
        raise UnknownLabelError(f"{', '.join(map(repr, unknown))} is not a field; the fields are {', '.join(FIELDS)}")
    results = tuple(check_field(case, statement, f, answers[f]) for f in FIELDS if f in answers)
    rule = case.rules[statement.confidence_rule]
    return StatementResult(
        statement_id=statement.id,
        fields=results,
        rationale=statement.rationale,
        rule=f"{rule.id}, {rule.name}: {rule.text}",
        cue=statement.cue,
        uncertain=statement.uncertain,
    )


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
) -> Score:
    """Score answers (statement id -> field -> value) over the given statements and fields.

    Statements and fields that were not answered count towards the maximum and earn nothing.
    Answers for statements outside ``statement_ids`` are still checked for unknown ids and labels.
    """
    fields = tuple(fields)
    for f in fields:
        if f not in FIELDS:
            raise UnknownLabelError(f"{f!r} is not a field; the fields are {', '.join(FIELDS)}")
    ids = tuple(statement_ids) if statement_ids is not None else case.statement_ids
    for sid in [*ids, *answers]:
        case.statement(sid)  # raises UnknownStatementError for an unknown id
    by_field = {f: [0.0, 0.0] for f in fields}
    by_statement: dict[str, tuple[float, float]] = {}
    for sid in ids:
        statement = case.statement(sid)
        given = answers.get(sid, {})
        earned = possible = 0.0
        for f in fields:
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
    "HINTS",
    "VERDICT_MARKS",
    "WEIGHTS",
    "FieldResult",
    "Score",
    "StatementResult",
    "UnknownStatementError",
    "check_field",
    "check_statement",
    "is_unanswered",
    "normalise",
    "score",
]
