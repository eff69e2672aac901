"""A graded worksheet's panel: the lesson's panel in assessment mode, with "Hand in".

The student answers every statement of the worksheet (the lesson's fields, on the practice case's
statements), and nothing is checked until they press **Hand in**; then the score, what was missed,
and per-field feedback with the key's answers and whys. The first hand-in is the graded try (see
:mod:`attribution_lab.student.hand_in`). The same answers file holds what the text interface of the
worksheet saves, so a student may use either.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from ..core.case import Case
from ..core.plan import lesson
from ..storage.cases import load_case
from .hand_in import HandIn
from .panel import Panel
from .panel_controls import button
from .panel_html import hand_in_html


class WorksheetPanel(Panel):
    """The panel of worksheet ``number`` over ``case`` (a loaded case or its id), in assessment mode."""

    def __init__(self, case: str | Path | Case, number: str, answers_path: str | Path | None = None) -> None:
        item = lesson(number)
        case = case if isinstance(case, Case) else load_case(case)
        super().__init__(case, fields=item.fields, statements=item.statement_ids(case), answers_path=answers_path,
                         worksheet=item.number)

    def _build(self) -> None:
        super()._build()
        # No Check and no "Show the answer" before the hand-in: the graded try is the student's own.
        for hidden in (self.controls.check, self.controls.reveal, self.controls.start_over):
            hidden.layout.display = "none"
        self.hand_in_button = button("Hand in", "Check every answer at once; your first hand-in is graded",
                                     lambda: self.hand_in(), icon="paper-plane", button_style="primary", min_width="8em",
                                     align_self="flex-start")
        self.hand_in_result = widgets.HTML("")
        children = list(self.widget.children)
        at = children.index(self.controls.feedback)
        self.widget.children = (*children[:at], self.hand_in_button, self.hand_in_result, *children[at:])
        self._show_hand_in(self.model.hand_in_summary())

    def hand_in(self) -> HandIn:
        """Press "Hand in": refused (naming what is unanswered) until every statement is answered;
        then the score, what was missed, and the feedback of the statement shown.
        """
        outcome = self.model.hand_in()
        self._show_hand_in(outcome)
        self._show_feedback(self.model.feedback())
        self._show_progress()
        self._show_notes()
        return outcome

    @property
    def hand_in_html(self) -> str:
        """The HTML under Hand in: what the last press did, or where the worksheet stands."""
        return str(self.hand_in_result.value)

    def _show_hand_in(self, outcome: HandIn) -> None:
        self.hand_in_result.value = hand_in_html(outcome.text, handed_in=outcome.handed_in)

    def __repr__(self) -> str:
        return f"<Attribution Lab worksheet {self.model.worksheet}: case {self.case.id}, {len(self.statement_ids)} statements>"


__all__ = ["WorksheetPanel"]
