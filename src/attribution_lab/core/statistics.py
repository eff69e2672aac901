"""What a whole class found hard, confused, over- or under-rated, and disagreed on: pure statistics.

Plain data in (a case and parsed, checked submissions), plain data out; the class report
(:mod:`attribution_lab.instructor.report`) draws and words them. Verdicts are the engine's
(:class:`~attribution_lab.core.scoring.Verdicts`); agreement is Fleiss' kappa
(:mod:`attribution_lab.core.agreement`).

Which answers are used: difficulty compares the first try with the current answer; confusion,
calibration and agreement use the **first try**, the student's own judgement before Check showed
any verdict (current answers drift towards the key, which would hide exactly the disagreements an
instructor is looking for).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .agreement import fleiss_kappa, modal_of_counts
from .case import FIELDS, Case
from .engine import WEIGHTS
from .scoring import Verdicts
from .submission import CURRENT, FIRST, Submission

#: Below this share agreeing with the modal answer, a field of a statement counts as split.
SPLIT_BELOW = 0.5
NOT_ANSWERED = "Not answered"


def _category(field_name: str, value: Any, order: Mapping[str, int] | None = None) -> Any:
    """A hashable category for agreement: a chain is the set of its links (order is not graded),
    listed in the case's vocabulary order (``order``: label -> position) so it reads naturally.
    """
    if value is None:
        return None
    if field_name != "chain":
        return value
    return tuple(sorted(set(value), key=lambda link: (order or {}).get(link, 0)))


def _chain_order(case: Case) -> dict[str, int]:
    return {label: n for n, label in enumerate(case.labels("chain"))}


class Tally:
    """How often each answer was given, per (first try or current, statement, field), counted in
    one pass over the class. Every statistic below is computed from these counts, so the work after
    the pass grows with the number of distinct answers, not with the number of students.

    A chain is counted as the tuple of its links as stored; counts keep the order in which answers
    were first met (Counter keeps insertion order), which is how ties are broken. Empty answers
    (``None``, ``""``, ``[]``) count as unanswered.

    Given ``verdicts`` and ``weights``, the same pass also adds up each student's points
    (:attr:`points`: (current, first try) per submission, in order), exactly as
    :meth:`~attribution_lab.core.scoring.Verdicts.points` does: the same products added in the same
    order, each answer's worth looked up once per distinct answer instead of once per student.
    """

    def __init__(
        self, case: Case, submissions: Sequence[Submission], *, verdicts: Verdicts | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.students = len(submissions)
        self.points: list[tuple[float, float]] = []
        self._categories: dict[tuple[str, str, str], Counter[Any]] = {}
        asked = verdicts.asked if verdicts is not None else {}
        weighed = weights if weights is not None else {}

        def worth(sid: str, f: str, value: Any) -> float:
            # A field that earns nothing (not asked, or weighed 0, or no verdicts) is worth 0.0,
            # which leaves a sum unchanged.
            if verdicts is None or f not in asked.get(sid, ()) or f not in weighed:
                return 0.0
            return verdicts.result(sid, f, value).credit * weighed[f]

        # Per statement and kind of answer (first try, current): field -> answer -> [how many gave
        # it, its worth in points]. One look-up per answer finds both; the worth is worked out
        # once per distinct answer.
        tables: dict[str, tuple[dict[str, dict[Any, list[Any]]], ...]] = {
            sid: ({f: {} for f in FIELDS}, {f: {} for f in FIELDS}) for sid in case.statement_ids
        }

        def count(sid: str, given: Mapping[str, Any], fields: dict[str, dict[Any, list[Any]]], earned: float) -> float:
            # The running total is passed in, not summed apart and added: float addition is not
            # associative, and the points must equal Verdicts.points to the last bit.
            for f, value in given.items():
                table = fields.get(f)
                if table is None or not value:
                    # Not a field of the case, or unanswered (an answer is a label, never empty,
                    # or a list of labels): counted nowhere, worth nothing.
                    continue
                key = tuple(value) if isinstance(value, list) else value
                slot = table.get(key)
                if slot is None:
                    slot = table[key] = [0, worth(sid, f, value)]
                slot[0] += 1
                earned += slot[1]
            return earned

        for submission in submissions:
            first = current = 0.0
            for sid, entry in submission.get("answers", {}).items():
                pair = tables.get(sid)
                if pair is None or not entry:
                    continue
                first = count(sid, entry.get(FIRST) or {}, pair[0], first)
                current = count(sid, entry.get(CURRENT) or {}, pair[1], current)
            self.points.append((current, first))
        # Counts keep the order in which answers were first met (ties are broken by it).
        self.counts: dict[tuple[str, str, str], Counter[Any]] = {
            (which, sid, f): Counter({key: slot[0] for key, slot in tables[sid][n][f].items()})
            for n, which in enumerate((FIRST, CURRENT)) for sid in case.statement_ids for f in FIELDS
        }

    def given(self, which: str, statement_id: str, field_name: str) -> Counter[Any]:
        """Stored answer (a chain as a tuple) -> how many students gave it; unanswered left out."""
        return self.counts[(which, statement_id, field_name)]

    def unanswered(self, which: str, statement_id: str, field_name: str) -> int:
        """How many students left the field unanswered."""
        return self.students - sum(self.counts[(which, statement_id, field_name)].values())

    def categories(self, which: str, statement_id: str, field_name: str, order: Mapping[str, int]) -> Counter[Any]:
        """Counts by agreement category (a chain as the set of its links, see :func:`_category`);
        made once per (which, statement, field), since kappa and agreement both ask (``order``
        is the case's chain order, the same for every call on one tally).
        """
        found = self._categories.get((which, statement_id, field_name))
        if found is None:
            found = Counter()
            for value, count in self.given(which, statement_id, field_name).items():
                found[_category(field_name, list(value) if field_name == "chain" else value, order)] += count
            self._categories[(which, statement_id, field_name)] = found
        return found


def _stored(field_name: str, value: Any) -> Any:
    """A counted answer as stored in a file (a chain back to a list)."""
    return list(value) if field_name == "chain" and isinstance(value, tuple) else value


def difficulty(
    case: Case, submissions: Sequence[Submission], *, verdicts: Verdicts | None = None, tally: Tally | None = None,
    fields: Sequence[str] = FIELDS,
) -> dict[str, tuple[float, float]]:
    """Per statement: (first-try right rate, current right rate).

    A rate is the share of (student, field) answers that earn full credit (the key's answer or an
    accepted one), over every student and field: an unanswered field or a partly right chain counts
    as not right. Statements in article order; rates are 0 for an empty class.
    """
    verdicts = verdicts or Verdicts(case)
    tally = tally or Tally(case, submissions)
    result = {}
    total = tally.students * len(fields)
    for statement in case.statements:
        right = {FIRST: 0, CURRENT: 0}
        for which in right:
            for f in fields:
                right[which] += sum(count for value, count in tally.given(which, statement.id, f).items()
                                    if verdicts.result(statement.id, f, _stored(f, value)).is_right)
                if verdicts.result(statement.id, f, None).is_right:
                    right[which] += tally.unanswered(which, statement.id, f)
        result[statement.id] = (right[FIRST] / total, right[CURRENT] / total) if total else (0.0, 0.0)
    return result


@dataclass(frozen=True)
class Confusion:
    """Counts of (key label, student label) pairs for one field. Columns end with "not answered"."""

    field: str
    rows: tuple[str, ...]  # label ids used by the key for this field
    columns: tuple[str, ...]  # every label id of the field, then NOT_ANSWERED
    counts: tuple[tuple[int, ...], ...]


def origin_confusion(case: Case, submissions: Sequence[Submission], *, which: str = "first", tally: Tally | None = None) -> Confusion:
    """Key origin (rows) against the origin students chose (columns), counted over statements and students."""
    labels = tuple(case.labels("origin"))
    used = {s.label("origin") for s in case.statements}
    rows = tuple(label for label in labels if label in used)
    columns = (*labels, NOT_ANSWERED)
    counts: dict[str, Counter[Any]] = {r: Counter() for r in rows}
    tally = tally or Tally(case, submissions)
    for statement in case.statements:
        key = statement.label("origin")
        counts[key].update(tally.given(which, statement.id, "origin"))
        counts[key][NOT_ANSWERED] += tally.unanswered(which, statement.id, "origin")
    return Confusion("origin", rows, columns, tuple(tuple(counts[r][c] for c in columns) for r in rows))


@dataclass(frozen=True)
class Calibration:
    """Students' "Believable?" answers against the key's.

    ``counts`` is a key label (rows) by student label (columns) table over the believable vocabulary.
    ``too_sure`` / ``matched`` / ``too_unsure`` / ``other_kind`` are shares of the answered fields:
    matched includes the key's accepted alternatives; too sure and too unsure compare positions on
    the scale; other kind is a mismatch where either label is off the scale (for example "not a
    factual claim" for a checkable fact), which is no question of being too sure.
    """

    levels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    too_sure: float
    matched: float
    too_unsure: float
    other_kind: float
    answered: int


def believable_calibration(
    case: Case, submissions: Sequence[Submission], *, which: str = "first", tally: Tally | None = None
) -> Calibration:
    """How far students believed each statement compared with the key, statement by statement.

    The believable vocabulary is read as a scale in the order the case lists it, from most to least
    believable (the case format's convention), leaving out labels marked ``on_scale: false``; a
    student above the key's position is "too sure".
    """
    labels = case.labels("believable")
    levels = tuple(labels)
    rank = {label: n for n, label in enumerate(lid for lid in levels if labels[lid].on_scale)}
    table: dict[str, Counter[Any]] = {k: Counter() for k in levels}
    sure = match = unsure = other = 0
    tally = tally or Tally(case, submissions)
    for statement in case.statements:
        key = statement.label("believable")
        accepted = {a.answer for a in statement.accepted["believable"]}
        for given, count in tally.given(which, statement.id, "believable").items():
            table[key][given] += count
            if given == key or given in accepted:
                match += count
            elif given not in rank or key not in rank:
                other += count
            elif rank[given] < rank[key]:
                sure += count
            else:
                unsure += count
    answered = sure + match + unsure + other
    share = (lambda n: n / answered) if answered else (lambda n: 0.0)
    return Calibration(
        levels,
        tuple(tuple(table[k][s] for s in levels) for k in levels),
        share(sure),
        share(match),
        share(unsure),
        share(other),
        answered,
    )


def kappa_by_field(
    case: Case, submissions: Sequence[Submission], *, which: str = "first", tally: Tally | None = None,
    fields: Sequence[str] = FIELDS,
) -> dict[str, float | None]:
    """Fleiss' kappa per field: students are the raters, statements the subjects, labels the categories.

    Unanswered fields are left out (a statement is rated by those who answered it). ``None`` where
    kappa is undefined (fewer than two raters, or one category only).
    """
    order = _chain_order(case)
    tally = tally or Tally(case, submissions)
    return {f: fleiss_kappa([tally.categories(which, statement.id, f, order) for statement in case.statements]) for f in fields}


@dataclass(frozen=True)
class FieldAgreement:
    """How one field of one statement was answered: the modal answer, its share, and whether it is right."""

    field: str
    modal: Any  # label id, or a tuple of link ids for the chain; None if nobody answered
    share: float | None
    answered: int
    modal_is_right: bool | None


@dataclass(frozen=True)
class StatementAgreement:
    """Class agreement on one statement, field by field."""

    statement_id: str
    fields: tuple[FieldAgreement, ...]
    first_try_right: float

    @property
    def mean_share(self) -> float | None:
        """Mean share agreeing with the modal answer over the answered fields."""
        shares = [f.share for f in self.fields if f.share is not None]
        return sum(shares) / len(shares) if shares else None

    @property
    def splits(self) -> bool:
        """True when, in some field, fewer than half of those who answered gave the modal answer."""
        return any(f.share is not None and f.share < SPLIT_BELOW for f in self.fields)

    @property
    def split_fields(self) -> tuple[str, ...]:
        """The fields where the class splits."""
        return tuple(f.field for f in self.fields if f.share is not None and f.share < SPLIT_BELOW)

    @property
    def majority_off_key(self) -> tuple[str, ...]:
        """Fields whose modal answer the key does not accept."""
        return tuple(f.field for f in self.fields if f.modal_is_right is False)


def statement_agreement(
    case: Case, submissions: Sequence[Submission], *, which: str = "first", verdicts: Verdicts | None = None,
    tally: Tally | None = None, fields: Sequence[str] = FIELDS, rates: Mapping[str, tuple[float, float]] | None = None,
) -> list[StatementAgreement]:
    """Per statement, the share agreeing with the modal answer in each field; split statements first.

    Order: statements where the class splits, then by mean agreement (lowest first), then article order.
    ``rates`` are the statements' :func:`difficulty`, when already computed.
    """
    verdicts = verdicts or Verdicts(case)
    tally = tally or Tally(case, submissions)
    rates = rates if rates is not None else difficulty(case, submissions, verdicts=verdicts, tally=tally, fields=fields)
    found = []
    order = _chain_order(case)
    for position, statement in enumerate(case.statements):
        agreements = []
        for f in fields:
            modal, share, answered = modal_of_counts(tally.categories(which, statement.id, f, order))
            stored = list(modal) if f == "chain" and isinstance(modal, tuple) else modal
            right = None if modal is None else verdicts.result(statement.id, f, stored).is_right
            agreements.append(FieldAgreement(f, modal, share, answered, right))
        found.append((position, StatementAgreement(statement.id, tuple(agreements), rates[statement.id][0])))
    found.sort(key=lambda p: (not p[1].splits, p[1].mean_share if p[1].mean_share is not None else 2.0, p[0]))
    return [agreement for _, agreement in found]


@dataclass(frozen=True)
class StudentLine:
    """One student's totals, for the list of who may need help."""

    student_id: str
    name: str
    points: float
    first_try_points: float


@dataclass(frozen=True)
class ClassStatistics:
    """Everything the report shows, as plain data."""

    case_id: str
    case_title: str
    key_version: str
    students: int
    synthetic: bool
    out_of: float
    mean_points: float | None
    mean_first_try: float | None
    difficulty: Mapping[str, tuple[float, float]]
    confusion: Confusion
    calibration: Calibration
    kappa: Mapping[str, float | None]
    statements: tuple[StatementAgreement, ...]
    lowest_first_try: tuple[StudentLine, ...] = field(default=())
    #: The fields the statistics count (all unless the report was asked for some).
    fields: tuple[str, ...] = FIELDS


def class_statistics(
    case: Case,
    submissions: Sequence[Submission],
    student_ids: Sequence[str],
    *,
    synthetic: bool = False,
    lowest: int = 10,
    fields: Sequence[str] = FIELDS,
) -> ClassStatistics:
    """Every statistic of the report for parsed, checked submissions (one per student, named by
    ``student_ids`` in the same order). ``synthetic`` says the class is invented; ``fields`` limits
    points, difficulty and agreement to those fields (origin confusion and calibration are about
    their own field and are kept only when it is among them).
    """
    fields = tuple(f for f in FIELDS if f in fields)
    weights = {f: (WEIGHTS[f] if f in fields else 0.0) for f in FIELDS}
    verdicts = Verdicts(case)
    # One pass over the class counts every answer and adds up every student's points.
    tally = Tally(case, submissions, verdicts=verdicts, weights=weights)
    rates = difficulty(case, submissions, verdicts=verdicts, tally=tally, fields=fields)  # shown, and used by agreement
    out_of = verdicts.out_of(weights)
    lines = [
        StudentLine(sid, str(submission.get("student", {}).get("name", "")), points, first_try)
        for sid, submission, (points, first_try) in zip(student_ids, submissions, tally.points)
    ]
    n = len(submissions)
    return ClassStatistics(
        case_id=case.id,
        case_title=case.title,
        key_version=case.key_version,
        students=n,
        synthetic=synthetic,
        out_of=out_of,
        mean_points=sum(x.points for x in lines) / n if n else None,
        mean_first_try=sum(x.first_try_points for x in lines) / n if n else None,
        difficulty=rates,
        confusion=origin_confusion(case, submissions, tally=tally),
        calibration=believable_calibration(case, submissions, tally=tally),
        kappa=kappa_by_field(case, submissions, tally=tally, fields=fields),
        statements=tuple(statement_agreement(case, submissions, verdicts=verdicts, tally=tally, fields=fields, rates=rates)),
        lowest_first_try=tuple(sorted(lines, key=lambda x: (x.first_try_points, x.student_id))[:lowest]),
        fields=fields,
    )


def kappa_words(kappa: float | None) -> str:
    """Landis and Koch's (1977) words for a kappa value."""
    if kappa is None:
        return "undefined"
    if kappa < 0:
        return "less than chance"
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return words
    return "almost perfect"



def source_note(stats: ClassStatistics, answers: str) -> str:
    """The line printed under every figure: where its numbers come from."""
    kind = "synthetic students" if stats.synthetic else "students"
    return (
        f"Source: {stats.students} {kind}' answers files, case {stats.case_id} (key version {stats.key_version}); "
        f"{answers}. Attribution Lab class report."
    )


__all__ = [
    "NOT_ANSWERED",
    "SPLIT_BELOW",
    "Calibration",
    "ClassStatistics",
    "Confusion",
    "FieldAgreement",
    "StatementAgreement",
    "StudentLine",
    "believable_calibration",
    "class_statistics",
    "difficulty",
    "kappa_by_field",
    "kappa_words",
    "origin_confusion",
    "source_note",
    "statement_agreement",
]
