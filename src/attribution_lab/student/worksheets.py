"""Graded worksheets: the lesson's questions on the practice case, answered, then handed in once.

A worksheet asks one lesson's fields of the practice case's statements
(:data:`~attribution_lab.core.plan.PRACTICE_CASE`), which no lesson explains, so its grade measures
skill rather than recall. Students answer in the worksheet's panel (:meth:`Worksheet.panel`), or,
for screen readers, in text::

    worksheet = Worksheet(lesson="02")
    worksheet.answer("origin", {"S01": "...", "S02": ...})
    result = worksheet.hand_in()

Nothing is checked until the hand-in; the first hand-in is the graded try
(:mod:`attribution_lab.student.hand_in`, the rule the panel shares). Both ways save to the same
answers file, so lesson 07 and the grader count them. Exercises are made from solutions by
:mod:`attribution_lab.authoring.exercises`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core.case import FIELD_NAMES, Case, require_fields
from ..core.engine import check_statement, is_unanswered, normalise
from ..core.plan import PRACTICE_CASE, Lesson, lesson
from ..core.submission import Submission, new_submission, record_choice
from ..errors import AttributionLabError, UnknownLabelError, UnknownStatementError
from ..storage.answers_store import AnswersStore, StoreError, now_iso
from ..storage.cases import load_case
from ..storage.location import default_answers_path
from .hand_in import HandIn, hand_in, summary, unanswered
from .text import format_choices, format_result, format_statement


class WorksheetError(AttributionLabError):
    """A worksheet used wrongly (a field it does not ask about, answers that are not a dictionary)."""


class Worksheet:
    """Worksheet ``lesson`` (its number) over ``case`` (the practice case unless given).

    ``record=False`` keeps the answers in memory only (instructors and automatic checks of the
    solutions); otherwise they go to the case's answers file, the same one the panels use.
    """

    def __init__(
        self,
        case: Case | str = PRACTICE_CASE,
        *,
        lesson: str | int,
        answers_path: str | Path | None = None,
        record: bool = True,
    ) -> None:
        self.case = case if isinstance(case, Case) else load_case(case)
        item = _lesson(lesson)
        self.number = item.number
        self.fields = require_fields(item.fields)
        self.statement_ids = item.statement_ids(self.case)
        self.answers_path = Path(answers_path) if answers_path is not None else default_answers_path(self.case.id)
        self._store = AnswersStore(self.answers_path, self.case) if record else None
        self._submission: Submission | None = None

    def show(self) -> None:
        """Print the worksheet's statements with their ids, then the choices for each of its fields."""
        print(f"Worksheet {self.number}: {len(self.statement_ids)} statements of case {self.case.id!r}.")
        for sid in self.statement_ids:
            print(format_statement(self.case, sid))
        for name in self.fields:
            print()
            print(format_choices(self.case, name))

    def panel(self) -> Any:
        """The worksheet's panel: the same questions with widgets, saved to the same answers file."""
        if not self.statement_ids:  # a case with nothing for this worksheet: a note, so the notebook runs
            from IPython.display import Markdown

            return Markdown(f"*Case {self.case.id!r} has no statements for worksheet {self.number}.*")
        from .worksheet_panel import WorksheetPanel  # the widgets load only where a panel is shown

        return WorksheetPanel(self.case, self.number, answers_path=self.answers_path)

    def answer(self, field: str, answers: Mapping[str, Any]) -> None:
        """Save answers to one field (statement id -> label id); nothing is checked before the
        hand-in. Prints what was saved and what is still to answer.

        Placeholders (``...``) count as not answered. A label or id the case does not know is named
        in one line and skipped; the other answers are still saved.
        """
        if field not in self.fields:
            raise WorksheetError(f"worksheet {self.number} asks about {', '.join(self.fields)}, not {field!r}")
        if not isinstance(answers, Mapping):
            raise WorksheetError(f"answers must be a dictionary of statement id -> {field}, not {type(answers).__name__}")
        lines: list[str] = []
        valid: dict[str, Any] = {}
        for typed, value in answers.items():
            sid = typed.strip().upper() if isinstance(typed, str) else str(typed)
            if sid not in self.statement_ids:
                known = sid in self.case.statement_ids
                use = (f"use {self.statement_ids[0]} to {self.statement_ids[-1]}" if self.statement_ids
                       else f"case {self.case.id!r} has no statement for this worksheet")
                lines.append(f"{typed!r} is not {'part of this worksheet' if known else 'a statement id'}: {use}. Not saved.")
            elif not is_unanswered(value):
                try:
                    valid[sid] = normalise(self.case, field, value, sid)
                except (UnknownLabelError, UnknownStatementError) as error:
                    lines.append(f"{sid}: {error}. Not saved.")
        notes = self._change(lambda sub: _choices(self.case, sub, field, valid)) if valid else []
        missing = [sid for sid in self.statement_ids if sid not in self._answered(field)]
        lines.append(f"{FIELD_NAMES[field]}: {len(valid)} answers saved." + (
            textwrap.fill(f" Still to answer: {', '.join(missing)}.", 88) if missing else " Every statement is answered."))
        print("\n".join([*lines, *notes]))

    def hand_in(self) -> HandIn:
        """Hand the worksheet in: refused, naming what is unanswered, until every statement is
        answered; then every answer is checked. Prints the score, what was missed (with the key's
        answers and whys) and returns the result; the first hand-in is the graded try.
        """
        outcome: list[HandIn] = []
        if unanswered(self.case, self.fields, self.statement_ids, self._loaded()) and self._store is not None:
            self._submission = self._store.load().submission  # another notebook may have answered since
        if unanswered(self.case, self.fields, self.statement_ids, self._loaded()):
            refused = hand_in(self.case, self.number, self.fields, self.statement_ids, self._loaded(), now=now_iso())[1]
            print(textwrap.fill(refused.text, 88))
            return refused  # nothing to save: a refused hand-in changes nothing

        def change(submission: Submission) -> Submission:
            handed, result = hand_in(self.case, self.number, self.fields, self.statement_ids, submission, now=now_iso())
            outcome.append(result)
            return submission if handed is None else handed

        notes = self._change(change)
        result = outcome[-1]
        lines = [textwrap.fill(result.text, 88)]
        if result.handed_in:
            current = self._loaded()["answers"]
            for sid in self.statement_ids:
                checked = check_statement(self.case, sid, {f: current[sid]["current"].get(f) for f in self.fields})
                if not checked.all_right:  # the right ones are listed as right above: only what to learn from
                    lines.append(format_result(self.case, checked, tell=self.fields))
        print("\n".join([*lines, *notes]))
        return result

    def standing(self) -> HandIn:
        """Where the worksheet stands: not handed in yet, or its graded score (nothing is changed)."""
        return summary(self.case, self.number, self.fields, self.statement_ids, self._loaded())

    # -- inside --------------------------------------------------------------------------------

    def _answered(self, field: str) -> set[str]:
        return {sid for sid, entry in self._loaded()["answers"].items() if field in entry.get("current", {})}

    def _loaded(self) -> Submission:
        if self._submission is None:
            if self._store is None:
                self._submission = new_submission(self.case, now=now_iso())
            else:
                loaded = self._store.load()
                self._submission = loaded.submission
                for note in loaded.notes:
                    print(note)
        return self._submission

    def _change(self, change: Callable[[Submission], Submission]) -> list[str]:
        """Apply a change to the answers, saving it through the answers store when recording."""
        current = self._loaded()
        if self._store is None:
            self._submission = change(current)
            return []
        try:
            self._submission, notes = self._store.update(change, current)
        except (OSError, StoreError) as error:  # update reports most problems as notes already
            return [f"Your answers could not be saved ({error})."]
        return list(notes)


def _choices(case: Case, submission: Submission, field: str, values: Mapping[str, Any]) -> Submission:
    now = now_iso()
    for sid, value in values.items():
        submission = record_choice(case, submission, sid, field, value, now=now)
    return submission


def _lesson(number: str | int) -> Lesson:
    item = lesson(number)
    if not item.fields:
        raise WorksheetError(f"lesson {item.number} asks no fields, so it has no worksheet")
    return item


__all__ = ["Worksheet", "WorksheetError"]
