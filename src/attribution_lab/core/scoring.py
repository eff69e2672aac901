"""Scoring many submissions fast: the engine's verdicts, remembered per (statement, field, answer).

A class gives the same few answers again and again, so each is checked by the engine once. The
verdicts and points are exactly the engine's (:func:`~attribution_lab.core.engine.check_field` and
:data:`~attribution_lab.core.engine.WEIGHTS`); tests compare them with
:func:`~attribution_lab.core.submission.score_submission` on many submissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .case import Case
from .engine import WEIGHTS, FieldResult, check_field
from .plan import asked
from .submission import Submission


class Verdicts:
    """The engine's verdict on each stored answer of one case, checked once and remembered.

    Points count only what the module asks (:func:`~attribution_lab.core.plan.asked`): an answer
    to a (statement, field) no lesson asks earns nothing and is not in the maximum.
    """

    def __init__(self, case: Case) -> None:
        self.case = case
        self._statements = {s.id: s for s in case.statements}
        self._memo: dict[tuple[str, str, Any], FieldResult] = {}
        self.asked = {sid: frozenset(fields) for sid, fields in asked(case).items()}

    def result(self, statement_id: str, field_name: str, value: Any) -> FieldResult:
        """The engine's verdict on one stored answer (``None`` when unanswered)."""
        key = (statement_id, field_name, tuple(value) if isinstance(value, list) else value)
        found = self._memo.get(key)
        if found is None:
            found = check_field(self.case, self._statements[statement_id], field_name, value)
            self._memo[key] = found
        return found

    def points(self, submission: Submission, which: str, weights: Mapping[str, float] = WEIGHTS) -> float:
        """The points a checked submission's ``current`` or ``first`` answers earn over every field."""
        total = 0.0
        for sid, entry in submission.get("answers", {}).items():
            scored = self.asked.get(sid, frozenset())
            for field_name, value in entry.get(which, {}).items():
                if field_name in scored:
                    total += self.result(sid, field_name, value).credit * weights[field_name]
        return total

    def out_of(self, weights: Mapping[str, float] = WEIGHTS) -> float:
        """The most a submission can earn: every (statement, field) the module asks."""
        return float(sum(weights[f] for fields in self.asked.values() for f in fields))


__all__ = ["Verdicts"]
