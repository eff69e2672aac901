"""The grader's scorer: the engine's verdicts, remembered, so a class of thousands is scored fast.

Totals equal :func:`~attribution_lab.core.submission.score_submission`'s (tests compare them on many
submissions); the difference is speed: every (statement, field, label) is checked by the engine
once, up front, and a class then gives the same few answers again and again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from operator import getitem
from typing import Any

from msgspec.structs import astuple

from ..core.case import FIELDS, Case
from ..core.engine import WEIGHTS, FieldResult
from ..core.scoring import Verdicts
from ..core.submission import Submission
from ..formats.answers_quick import UNSET, QuickSubmission, QuickValues, allowed_values, current_of, decode_frame, first_of

Totals = tuple[float, float, dict[str, float]]

#: How many layouts of statements (which, in what order) a scorer remembers (:meth:`Scorer._layout`).
_LAYOUTS_KEPT = 64



class Scorer:
    """Scores submissions with the engine's verdicts (:class:`~attribution_lab.core.scoring.Verdicts`).

    Totals equal ``score_submission``'s (tests compare them on many submissions): unanswered
    fields earn nothing in the engine, so only answered fields are looked up.

    :meth:`grade_bytes` decodes, checks and scores a file in one pass, which is what makes
    grading a large class fast.
    """

    def __init__(self, case: Case, fields: Sequence[str] = FIELDS, weights: Mapping[str, float] = WEIGHTS) -> None:
        self.case = case
        self.fields = tuple(fields)
        self.weights = {f: (weights[f] if f in self.fields else 0.0) for f in FIELDS}
        self.verdicts = Verdicts(case)
        # Only what the module asks is scored (core.plan.asked): other answers weigh nothing.
        scored = self.verdicts.asked
        self._position = {sid: n for n, sid in enumerate(case.statement_ids)}
        self._allowed = allowed_values(case)
        # statement id -> field -> stored answer (a chain as a tuple) -> points earned. Filled with
        # every valid label up front, so a label missing from a table is one the schema or case refuses.
        self._points: dict[str, dict[str, dict[Any, float]]] = {}
        for sid in case.statement_ids:
            self._points[sid] = {f: {} for f in FIELDS}
            for f in FIELDS:
                if f != "chain":
                    weight = self.weights[f] if f in scored.get(sid, ()) else 0.0
                    for label in self._allowed.labels[f]:
                        self._points[sid][f][label] = self.result(sid, f, label).credit * weight
        self.out_of = float(sum(self.weights[f] for fields in scored.values() for f in fields))
        self._kept_fields = tuple(FIELDS.index(f) for f in self.fields)
        # The same tables in FIELDS order (QuickValues' order), each also giving an unanswered field no points.
        for tables in self._points.values():
            for table in tables.values():
                table[UNSET] = 0.0
        self._field_tables = {sid: tuple(self._points[sid][f] for f in FIELDS) for sid in self._allowed.statement_ids}
        self._layouts: dict[tuple[str, ...], tuple[tuple[dict[Any, float], ...], list[int] | None]] = {}

    def result(self, statement_id: str, field_name: str, value: Any) -> FieldResult:
        """The engine's verdict on one stored answer (``None`` when unanswered)."""
        return self.verdicts.result(statement_id, field_name, value)

    def _chain_points(self, sid: str, value: list) -> float | None:
        """Points for a chain not seen before, or None when it is not a valid stored chain."""
        labels = self._allowed.labels["chain"]
        if len(value) > 20 or any(type(item) is not str or item not in labels for item in value):
            return None
        weight = self.weights["chain"] if "chain" in self.verdicts.asked.get(sid, ()) else 0.0
        points = self._points[sid]["chain"][tuple(value)] = self.result(sid, "chain", value).credit * weight
        return points

    def _points_of(self, answers: Mapping[str, Any], which: str) -> Totals | None:
        """Totals of the ``which`` answers of a checked submission (:meth:`grade`), or None when a
        value is not certainly valid: the tables hold every valid label, so one look-up both checks
        a value and scores it; a missing key (unknown field or label) means "not certainly valid".
        """
        by_field = dict.fromkeys(FIELDS, 0.0)
        earned_by_statement = [0.0] * len(self._position)
        tables, position = self._points, self._position
        try:
            for sid, entry in answers.items():
                table = tables[sid]
                earned = 0.0
                for f, value in entry[which].items():
                    points: float | None
                    if type(value) is str:
                        points = table[f][value]  # a chain is never a string: its table has no str keys
                    elif type(value) is list and f == "chain":
                        points = table[f].get(tuple(value))
                        if points is None:
                            points = self._chain_points(sid, value)
                            if points is None:
                                return None
                    else:
                        return None
                    by_field[f] += points
                    earned += points
                earned_by_statement[position[sid]] = earned
        except (KeyError, TypeError):  # an unknown field or label, or an unhashable chain link
            return None
        return sum(earned_by_statement), self.out_of, {f: by_field[f] for f in self.fields}

    def _chain_seen(self, sid: str, values: QuickValues[str]) -> bool:
        """Score a chain not seen before into the tables; False when it holds a label the case does
        not have. No chain given is seen already (its look-up finds nothing to add).
        """
        chain = values.chain
        return chain is UNSET or (type(chain) is tuple and self._chain_points(sid, list(chain)) is not None)

    def grade_bytes(self, raw: bytes) -> tuple[QuickSubmission[str, str], Totals, Totals] | None:
        """An answers file's bytes decoded, checked and scored in one pass
        (:func:`~attribution_lab.formats.answers_quick.decode_frame`): the file and its current and
        first-try totals, or None unless it certainly passes the schema and the case's checks (then
        ask :func:`parse_submission`). The first-try totals leave the per-field points out (an empty
        dict): the results have no column for them.
        """
        data = decode_frame(raw, self._allowed)
        if data is None:
            return None
        answers = data.answers
        # Every answer of the file looked up at once, with no Python code run per statement: the
        # tables of its statements, one per field in FIELDS order, laid end to end, are paired with
        # their answers laid end to end (astuple gives them in the same order) by map(getitem), in
        # C. The decoder hands back the case's own label strings, whose hashes are known. A
        # KeyError (a chain not seen before, or a label of another field) sends the file to the
        # statement-by-statement path, which scores new chains.
        width = len(FIELDS)
        try:
            tables, order = self._layout(tuple(answers))
            entries = answers.values()
            points = list(map(getitem, tables, chain.from_iterable(map(astuple, map(current_of, entries)))))
            first: list[float] = list(map(sum, zip(*[map(getitem, tables, chain.from_iterable(map(astuple, map(first_of, entries))))] * width)))
        except KeyError:
            return self._grade_decoded(data)
        earned: list[float] = list(map(sum, zip(*[iter(points)] * width)))  # each statement's, fields in order
        if order is not None:
            # The totals add the statements up in the case's order (as the engine does), so the
            # float sums come out the same whatever order the file lists them in.
            earned, first = [earned[n] for n in order], [first[n] for n in order]
        # Per field, the statements in file order; no statement answered: 0.0, as in _grade_decoded.
        by_field = {FIELDS[n]: sum(points[n::width]) if points else 0.0 for n in self._kept_fields}
        return data, (sum(earned, 0.0), self.out_of, by_field), (sum(first, 0.0), self.out_of, {})

    def _layout(self, ids: tuple[str, ...]) -> tuple[tuple[dict[Any, float], ...], list[int] | None]:
        """The field tables of the statements ``ids`` laid end to end, and the order that puts the
        statements in the case's order (None: they are in it). Remembered for the few layouts a
        class has (most files list the same statements in the same order), up to a bound, so
        memory does not grow with the class. A KeyError: not a statement of this case.
        """
        found = self._layouts.get(ids)
        if found is None:
            tables = tuple(chain.from_iterable(map(self._field_tables.__getitem__, ids)))
            positions = [self._position[sid] for sid in ids]
            found = tables, (None if positions == sorted(positions) else sorted(range(len(ids)), key=positions.__getitem__))
            if len(self._layouts) < _LAYOUTS_KEPT:
                self._layouts[ids] = found
        return found

    def _totals(self, current: list[tuple[float, ...]], earned: list[float]) -> Totals:
        """Current totals from each answered statement's points per field (file order) and its sum (case order)."""
        sums = [sum(column) for column in zip(*current)] if current else [0.0] * len(FIELDS)
        return sum(earned), self.out_of, {FIELDS[n]: sums[n] for n in self._kept_fields}

    def _grade_decoded(self, data: QuickSubmission[str, str]) -> tuple[QuickSubmission[str, str], Totals, Totals] | None:
        """:meth:`grade_bytes` statement by statement, for a file holding a chain not seen before
        (scored into the tables) or a label its field does not have (None).
        """
        field_tables, position = self._field_tables, self._position
        current, earned, first_earned = [], [0.0] * len(position), [0.0] * len(position)
        for sid, entry in data.answers.items():
            tables = field_tables.get(sid)
            if tables is None:
                return None  # not a statement of this case
            for _ in range(2):
                try:
                    points = tuple(map(getitem, tables, astuple(entry.current)))
                    first = sum(map(getitem, tables, astuple(entry.first)))
                    break
                except KeyError:  # a chain not seen before (score it, then look again), or a label the case does not have
                    if not (self._chain_seen(sid, entry.current) and self._chain_seen(sid, entry.first)):
                        return None
            else:
                return None
            at = position[sid]
            earned[at] = sum(points)
            first_earned[at] = first
            current.append(points)
        return data, self._totals(current, earned), (sum(first_earned), self.out_of, {})

    def grade(self, submission: Submission) -> tuple[Totals, Totals]:
        """Current and first-try ``(points, out of, per field)`` of a checked submission."""
        answers = submission.get("answers", {})
        current, first = self._points_of(answers, "current"), self._points_of(answers, "first")
        if current is None or first is None:
            raise ValueError("a submission that is not valid for this case; check it with parse_submission first")
        return current, first


__all__ = ["Scorer", "Totals"]
