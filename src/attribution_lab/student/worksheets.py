"""Graded worksheets: checking a dictionary of answers.

In a worksheet the student types answers into a dictionary and checks them in one call::

    worksheet = Worksheet(CASE, lesson="02")
    answers = {"S01": ..., "S02": ...}
    check_origins = worksheet.check("origin", answers)

:meth:`Worksheet.check` uses the engine for every verdict, prints the same feedback as the text
interface, returns the engine's :class:`~attribution_lab.core.engine.Score`, and records the checked
answers in the same answers file the panels use (first tries kept apart), so lesson 07 counts them.
Exercises are made from solutions by :mod:`attribution_lab.authoring.exercises`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.case import DEFAULT_CASE, FIELD_NAMES, FIELDS, Case, require_fields
from ..core.engine import Score, check_statement, is_unanswered, score
from ..core.reveal import answer_may_show
from ..core.submission import Submission, record_check
from ..errors import AttributionLabError, UnknownLabelError, UnknownStatementError
from ..storage.answers_store import AnswersStore, StoreError, now_iso
from ..storage.cases import load_case
from ..storage.location import default_answers_path
from .lessons import lesson as find_lesson
from .text import format_choices, format_result, format_statement


class WorksheetError(AttributionLabError):
    """A worksheet used wrongly (a field it does not ask about, answers that are not a dictionary)."""


# --------------------------------------------------------------------------------------------
# Checking answers


class Worksheet:
    """The statements and fields one worksheet asks about, and the answers file it records to.

    ``lesson`` picks the statements and fields of a lesson (see :mod:`attribution_lab.lessons`);
    ``fields`` and ``statements`` narrow or replace them. ``record=False`` checks without saving.
    """

    def __init__(
        self,
        case: Case | str = DEFAULT_CASE,
        *,
        lesson: str | int | None = None,
        fields: Sequence[str] | None = None,
        statements: Sequence[str] | None = None,
        answers_path: str | Path | None = None,
        record: bool = True,
    ) -> None:
        self.case = case if isinstance(case, Case) else load_case(case)
        chosen = find_lesson(lesson) if lesson is not None else None
        self.fields = require_fields(fields) if fields is not None else (chosen.fields if chosen else FIELDS)
        if statements is not None:
            self.statement_ids = tuple(self.case.statement(sid).id for sid in statements)
        else:
            self.statement_ids = chosen.statement_ids(self.case) if chosen else self.case.statement_ids
        self.answers_path = Path(answers_path) if answers_path is not None else default_answers_path(self.case.id)
        self._store = AnswersStore(self.answers_path, self.case) if record else None
        self._submission: Submission | None = None

    def show(self) -> None:
        """Print the worksheet's statements with their ids, then the choices for each of its fields."""
        print(f"{len(self.statement_ids)} statements of case {self.case.id!r}:")
        for sid in self.statement_ids:
            print(format_statement(self.case, sid))
        for name in self.fields:
            print()
            print(format_choices(self.case, name))

    def check(self, field: str, answers: Mapping[str, Any]) -> Score:
        """Check one field for every statement in ``answers`` (statement id -> answer), print the
        feedback and the score, record the answered statements, and return the score.

        Placeholders (``...``) count as not answered and earn nothing. A label the case does not
        know is reported and skipped; the other answers are still checked and recorded.
        """
        if field not in self.fields:
            raise WorksheetError(
                f"this worksheet asks about {', '.join(self.fields)}, not {field!r}; "
                f"use Worksheet(..., fields=[{field!r}]) for another field"
            )
        if not isinstance(answers, Mapping):
            raise WorksheetError(f"answers must be a dictionary of statement id -> {field}, not {type(answers).__name__}")
        valid: dict[str, Any] = {}
        unanswered: list[str] = []
        lines: list[str] = []
        results: dict[str, Any] = {}
        for sid, value in answers.items():
            if sid not in self.statement_ids:
                try:
                    self.case.statement(sid)
                except UnknownStatementError as error:
                    lines.append(f"{sid}: {error}. Not checked.")
                else:
                    lines.append(f"{sid} is not part of this worksheet. Not checked.")
                continue
            if is_unanswered(value):
                unanswered.append(sid)
                continue
            try:
                results[sid] = check_statement(self.case, sid, {field: value})
            except UnknownLabelError as error:
                lines.append(f"{sid}: {error}. Not checked.")
                continue
            valid[sid] = value
        # Recorded first, so that a second try that is not right shows the answer and why at once.
        notes = self._record(field, valid) if valid and self._store is not None else []
        entries = (self._submission or {}).get("answers", {})
        for sid, result in results.items():
            told = [field] if answer_may_show(entries.get(sid), field) else []
            lines.append(format_result(self.case, result, tell=told))
        missing = [sid for sid in self.statement_ids if sid not in answers]
        if unanswered or missing:
            lines.append(textwrap.fill(f"Not answered yet: {', '.join(unanswered + missing)}.", 88))
        result_score = score(self.case, {sid: {field: v} for sid, v in valid.items()}, fields=(field,),
                             statement_ids=self.statement_ids)
        right = sum(1 for points, out_of in result_score.by_statement.values() if out_of and points == out_of)
        lines.append(
            f"{FIELD_NAMES[field]}: {right} of {len(self.statement_ids)} statements right; "
            f"{result_score.points:g} of {result_score.out_of:g} points ({round(100 * result_score.fraction)}%)."
        )
        lines.extend(notes)
        print("\n".join(lines))
        return result_score

    def _record(self, field: str, valid: Mapping[str, Any]) -> list[str]:
        """Record the checked answers as presses of Check, through the answers store."""
        if self._store is None:  # record=False: nothing to record to
            return []
        notes: list[str] = []
        if self._submission is None:
            loaded = self._store.load()
            self._submission, notes = loaded.submission, list(loaded.notes)

        def change(submission: Submission) -> Submission:
            now = now_iso()
            for sid, value in valid.items():
                submission = record_check(self.case, submission, sid, {field: value}, now=now)
            return submission

        try:
            self._submission, more = self._store.update(change, self._submission)
        except (OSError, StoreError) as error:  # update reports most problems as notes already
            more = [f"Your answers could not be saved ({error})."]
        notes.extend(more)
        if not more:
            notes.append(f"Recorded in {self.answers_path.name}.")
        return notes


__all__ = ["Worksheet", "WorksheetError"]
