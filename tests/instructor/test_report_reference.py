"""The class statistics against a straightforward reference: student by student, field by field,
with the engine's own scoring, so that any faster way of counting must give the same figures."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from attribution_lab.core import statistics
from attribution_lab.core.case import FIELDS, Case
from attribution_lab.core.engine import check_field
from attribution_lab.core.submission import CURRENT, FIRST, Submission, score_submission
from attribution_lab.instructor import report
from attribution_lab.instructor.collect import as_students
from attribution_lab.instructor.synthetic import generate_class
from attribution_lab.storage.cases import load_case


def _answer(submission: Submission, which: str, statement_id: str, field_name: str) -> Any:
    """A stored answer, or None when the field was left unanswered (an empty list or text too)."""
    value = (submission.get("answers", {}).get(statement_id) or {}).get(which, {}).get(field_name)
    return None if value in ("", []) else value


def _category(case: Case, field_name: str, value: Any) -> Any:
    """A chain is the set of its links, listed in vocabulary order; other answers are themselves."""
    if field_name != "chain" or value is None:
        return value
    order = list(case.labels("chain"))
    return tuple(sorted(set(value), key=order.index))


def _kappa(rows: list[list[Any]]) -> float | None:
    """Fleiss' kappa written out from its definition, each subject over the raters it has."""
    kept = [Counter(r) for r in rows if len(r) >= 2]
    if not kept:
        return None
    p_bar = sum((sum(c * c for c in row.values()) - row.total()) / (row.total() * (row.total() - 1)) for row in kept) / len(kept)
    pooled: Counter[Any] = sum(kept, Counter())
    p_e = sum((c / pooled.total()) ** 2 for c in pooled.values())
    return None if p_e >= 1 else (p_bar - p_e) / (1 - p_e)


def _rounded(value: Any) -> Any:
    """Floats to 12 significant digits, inside any tuple, list or dict: the two computations may
    add the same numbers in another order."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, (list, tuple)):
        return type(value)(_rounded(v) for v in value)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _reference(case: Case, subs: list[Submission], fields: tuple[str, ...]) -> dict[str, Any]:
    """Every figure of :class:`~attribution_lab.core.statistics.ClassStatistics`, computed the long way."""
    n = len(subs)
    answered = {(which, s.id, f): [_answer(sub, which, s.id, f) for sub in subs]
                for which in (FIRST, CURRENT) for s in case.statements for f in FIELDS}
    rates = {
        s.id: tuple(
            sum(check_field(case, s, f, v).is_right for f in fields for v in answered[(which, s.id, f)]) / (n * len(fields))
            if n else 0.0
            for which in (FIRST, CURRENT)
        )
        for s in case.statements
    }
    origins = tuple(case.labels("origin"))
    rows = tuple(o for o in origins if any(s.label("origin") == o for s in case.statements))
    columns = (*origins, statistics.NOT_ANSWERED)
    confusion: Counter[tuple[str, str]] = Counter(
        (s.label("origin"), statistics.NOT_ANSWERED if v is None else v)
        for s in case.statements for v in answered[(FIRST, s.id, "origin")]
    )
    levels = tuple(case.labels("believable"))
    scale = [lid for lid in levels if case.labels("believable")[lid].on_scale]
    table: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    for s in case.statements:
        key, accepted = s.label("believable"), {a.answer for a in s.accepted["believable"]}
        for v in answered[(FIRST, s.id, "believable")]:
            if v is None:
                continue
            table[(key, v)] += 1
            kinds["matched" if v == key or v in accepted else "other" if key not in scale or v not in scale
                  else "sure" if scale.index(v) < scale.index(key) else "unsure"] += 1
    agreement = []
    for position, s in enumerate(case.statements):
        per_field = []
        for f in fields:
            given = [_category(case, f, v) for v in answered[(FIRST, s.id, f)] if v is not None]
            counts = Counter(given)
            modal = max(counts, key=lambda c: (counts[c], -given.index(c))) if given else None
            right = None if modal is None else check_field(case, s, f, list(modal) if f == "chain" else modal).is_right
            per_field.append((f, modal, counts[modal] / len(given) if given else None, len(given), right))
        shares = [share for _, _, share, _, _ in per_field if share is not None]
        splits = any(share < statistics.SPLIT_BELOW for share in shares)
        agreement.append(((not splits, sum(shares) / len(shares) if shares else 2.0, position), s.id, per_field))
    agreement.sort(key=lambda item: item[0])
    scores = [score_submission(case, sub, fields=fields) for sub in subs]
    ids = [student.student_id for student in as_students(subs)]
    return {
        "students": n,
        "difficulty": rates,
        "confusion": (rows, columns, tuple(tuple(confusion[(r, c)] for c in columns) for r in rows)),
        "calibration": (levels, tuple(tuple(table[(k, v)] for v in levels) for k in levels),
                        {k: kinds[k] / sum(kinds.values()) if kinds else 0.0 for k in ("sure", "matched", "unsure", "other")},
                        sum(kinds.values())),
        "kappa": {f: _kappa([[_category(case, f, v) for v in answered[(FIRST, s.id, f)] if v is not None]
                             for s in case.statements]) for f in fields},
        "statements": [(sid, per_field) for _, sid, per_field in agreement],
        "means": ((sum(c.points for c, _ in scores) / n, sum(f.points for _, f in scores) / n) if n else (None, None)),
        # Scores a different sum tells apart by a rounding error may tie here: the lowest ten are
        # compared by their scores, and each student listed by their own.
        "lowest": sorted(_rounded(f.points) for _, f in scores)[:10],
        "points": {sid: (c.points, f.points) for sid, (c, f) in zip(ids, scores)},
    }


CLASSES = [("kursk", 0, 1, FIELDS), ("kursk", 120, 7, FIELDS), ("kursk", 60, 3, ("origin", "chain")),
           ("kursk", 60, 4, ("believable",)), ("alder_river", 80, 5, FIELDS), ("kursk_prisoners", 50, 6, ("claim_type", "red_flag"))]


@pytest.mark.parametrize(("case_id", "n", "seed", "fields"), CLASSES)
def test_class_statistics_equal_a_student_by_student_computation(case_id: str, n: int, seed: int, fields: tuple[str, ...]) -> None:
    """A synthetic class gives the same statistics as counting each student's answers one by one:
    counts, orders, modal answers and ties exactly; shares, kappa and points to rounding."""
    case = load_case(case_id)
    subs = generate_class(case, n, seed=seed)
    stats = report.statistics(case, subs, fields)
    want = _rounded(_reference(case, subs, fields))
    cal = stats.calibration
    got = _rounded({
        "students": stats.students,
        "difficulty": dict(stats.difficulty),
        "confusion": (stats.confusion.rows, stats.confusion.columns, stats.confusion.counts),
        "calibration": (cal.levels, cal.counts, {"sure": cal.too_sure, "matched": cal.matched, "unsure": cal.too_unsure,
                                                 "other": cal.other_kind}, cal.answered),
        "kappa": dict(stats.kappa),
        "statements": [(s.statement_id, [(f.field, f.modal, f.share, f.answered, f.modal_is_right) for f in s.fields])
                       for s in stats.statements],
        "means": (stats.mean_points, stats.mean_first_try),
        "lowest": sorted(x.first_try_points for x in stats.lowest_first_try),
        "points": {x.student_id: (x.points, x.first_try_points) for x in stats.lowest_first_try},
    })
    assert stats.fields == fields and list(stats.difficulty) == list(case.statement_ids)
    for name in got:
        if name == "points":
            assert got[name] == {sid: want[name][sid] for sid in got[name]}
        else:
            assert got[name] == want[name], name
    if n:
        assert stats.statements and stats.lowest_first_try  # the comparison above compared something
