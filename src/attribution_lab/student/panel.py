"""The classification panel: read a statement in its paragraph, classify it, press Check.

Stock ipywidgets composed in Python, so it works in JupyterLab, Notebook 7 and Voila with nothing
to install. This is the view only: what is shown, answered, checked and revealed is decided by
:class:`~attribution_lab.student.panel_model.PanelModel`, and the HTML comes from
:mod:`attribution_lab.student.panel_html`. All feedback goes into ``HTML`` widgets (not ``Output``)
so that it can be read, and tested, without a browser.

Typical use in a lesson::

    from attribution_lab.student.panel import Panel
    panel = Panel(case="kursk", fields=("origin", "reported_right", "believable"))
    panel
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.case import DEFAULT_CASE, FIELD_NAMES, Answer, Case
from ..core.engine import StatementResult, check_statement
from ..core.feedback import shorten
from ..core.submission import Submission
from ..storage.cases import load_case
from ..storage.location import default_answers_path
from .panel_controls import PanelControls, button, field_column, question_box
from .panel_html import (
    RESTORE_CLASS,
    RESTORE_LABEL,
    chosen_html,
    download_html,
    escape,
    feedback_html,
    notice_html,
    question_html,
    statement_html,
    title_html,
)
from .panel_model import Feedback, FileResult, PanelModel, RestorePlan


class Panel:
    """A classification panel over some statements and fields of one case.

    ``case`` is a case id, a case folder or a loaded :class:`~attribution_lab.core.case.Case`;
    ``fields`` the fields to ask (any of :data:`~attribution_lab.core.case.FIELDS`); ``statements``
    the statement ids to show (None: all, in article order); ``answers_path`` the answers file
    (None: :func:`~attribution_lab.storage.location.default_answers_path`). Answers already in
    the file are restored, with the position, and every change is saved at once. ``worksheet``
    (a number) is assessment mode: see :class:`~attribution_lab.student.worksheet_panel.WorksheetPanel`.
    """

    def __init__(
        self,
        case: str | Path | Case = DEFAULT_CASE,
        fields: Iterable[str] = ("origin", "reported_right", "believable"),
        statements: Iterable[str] | None = None,
        answers_path: str | Path | None = None,
        worksheet: str | None = None,
    ) -> None:
        self.case: Case = case if isinstance(case, Case) else load_case(case)
        path = answers_path if answers_path is not None else default_answers_path(self.case.id)
        self.model = PanelModel.open(self.case, fields, statements, path, worksheet=worksheet)
        self.fields: tuple[str, ...] = self.model.fields
        self.statement_ids: tuple[str, ...] = self.model.statement_ids
        self.store = self.model.store
        self._loading = False  # True while the panel sets controls itself: not a student's choice
        self._build()
        self._show_student()
        self.controls.notice.value = notice_html(self.model.load_notes, ok=False)
        self._show_all()

    def _build(self) -> None:
        case = self.case
        self.controls = PanelControls()
        self.controls.title = widgets.HTML(title_html(case.title))
        self.controls.notice = widgets.HTML("")  # problems with the answers file, shown at the top
        self.controls.save_notice = widgets.HTML("")  # a failed save, shown at the top until saving works
        self.controls.file_notice = widgets.HTML("")  # results of Restore and Start over, next to those buttons
        self.controls.previous = button("◀ Previous", "Go to the previous statement", lambda: self.previous())
        self.controls.next = button("Next ▶", "Go to the next statement", lambda: self.next())
        self.controls.next_unanswered = button("Next unanswered", "Go to the next statement not answered yet", self.next_unanswered)
        self.controls.jump = widgets.Dropdown(
            options=self._jump_options(),
            value=self.statement_ids[0],
            description="Statement",
            tooltip="Jump to a statement",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", max_width="32em"),
        )
        self.controls.progress = widgets.HTML("", layout=widgets.Layout(margin="0 0 0 1em"))
        self.controls.jump.observe(self._on_jump, names="value")
        nav = widgets.HBox([self.controls.previous, self.controls.jump, self.controls.next, self.controls.next_unanswered,
                            self.controls.progress],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="center"))

        self.controls.statement = widgets.HTML("")

        self.controls.fields = {}
        self.controls.chain_boxes = {}
        self.controls.chosen = {}
        columns = []
        for name in self.fields:
            columns.append(self._field_column(name))
        fields_box = widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))

        self.controls.check = button("Check", "Check your answers to this statement against the key", lambda: self.check(),
                                     icon="check", button_style="primary", min_width="8em", align_self="flex-start")
        # Asking is a choice the student makes; what it shows is recorded as shown, never as a first try.
        self.controls.reveal = button("Show the answer", "Show the key's answer and why for the fields not yet right",
                                      lambda: self.reveal(), icon="eye", align_self="flex-start")
        self.controls.feedback = widgets.HTML("")

        self.controls.student_name = widgets.Text(description="Your name", placeholder="optional", continuous_update=False,
                                          tooltip="Your name, saved with your answers (optional)",
                                          style={"description_width": "initial"}, layout=widgets.Layout(width="20em"))
        self.controls.student_id = widgets.Text(description="Student id", placeholder="optional", continuous_update=False,
                                        tooltip="Your student id, saved with your answers (optional)",
                                        style={"description_width": "initial"}, layout=widgets.Layout(width="16em"))
        self.controls.student_name.observe(self._on_student, names="value")
        self.controls.student_id.observe(self._on_student, names="value")
        student = widgets.HBox([self.controls.student_name, self.controls.student_id], layout=widgets.Layout(flex_flow="row wrap"))

        # Two steps, because a widget cannot start a download without JavaScript: the button builds
        # the copy from the answers as they are now, and the link it shows saves that copy.
        self.controls.download_button = button("Download my answers", "Prepare a copy of all your answers to save on your computer",
                                               lambda: self.prepare_download(), icon="download")
        self.controls.download = widgets.HTML("")
        self.controls.upload = widgets.FileUpload(accept=".json", multiple=False, description=RESTORE_LABEL,
                                          tooltip="Restore your answers from a file you downloaded before",
                                          layout=widgets.Layout(width="auto"))
        self.controls.upload.add_class(RESTORE_CLASS)
        self.controls.upload.observe(self._on_upload, names="value")
        self.controls.start_over = button("Start over", "Clear your answers in this panel (asks first)",
                                          lambda: self.ask_start_over(), icon="undo")
        files = widgets.HBox([self.controls.download_button, self.controls.download, self.controls.upload, self.controls.start_over],
                             layout=widgets.Layout(flex_flow="row wrap", align_items="center"))

        self.controls.confirm_text = widgets.HTML("")
        self.controls.confirm_yes = button("Yes, clear my answers", "Clear your answers in this panel; a copy of the file is kept",
                                           lambda: self.confirm_start_over(), button_style="danger")
        self.controls.confirm_no = button("Cancel", "Keep your answers", lambda: self.cancel_start_over())
        self.controls.confirm = question_box(self.controls.confirm_text, self.controls.confirm_yes, self.controls.confirm_no)

        # Restore asks first: Merge is the first and the marked choice, since it never removes an answer.
        self.controls.restore_text = widgets.HTML("")
        self.controls.restore_merge = button("Merge", "Add the file's answers to yours; newer answers are never removed",
                                             lambda: self.confirm_restore("merge"), button_style="primary")
        self.controls.restore_replace = button("Replace everything", "Replace all your answers with the file's; a copy of your answers file is kept",
                                               lambda: self.confirm_restore("replace"), button_style="danger")
        self.controls.restore_cancel = button("Cancel", "Restore nothing; keep your answers", lambda: self.cancel_restore())
        self.controls.restore = question_box(self.controls.restore_text, self.controls.restore_merge,
                                             self.controls.restore_replace, self.controls.restore_cancel)

        checking = widgets.HBox([self.controls.check, self.controls.reveal])
        self.widget: widgets.VBox = widgets.VBox(
            [self.controls.title, self.controls.notice, self.controls.save_notice, nav, self.controls.statement, fields_box,
             checking, self.controls.feedback, student, files, self.controls.restore, self.controls.confirm,
             self.controls.file_notice],
            layout=widgets.Layout(max_width="64em"),
        )

    def _jump_options(self) -> list[tuple[str, str]]:
        # Option text is set as plain text by the browser, so it needs no escaping.
        return [(f"{self.model.done_mark(sid)} {sid}: {shorten(self.case.statement(sid).quote, 48)}", sid)
                for sid in self.statement_ids]

    def _show_jump(self) -> None:
        """Refresh the jump list's marks (what is answered), keeping the statement shown."""
        self._loading = True
        try:
            self.controls.jump.options, self.controls.jump.value = self._jump_options(), self.current
        finally:
            self._loading = False

    def next_unanswered(self) -> None:
        """Go to the next statement with a field of this panel not answered yet (going round)."""
        self.select(self.model.next_unanswered() or self.current)

    def _field_column(self, name: str) -> widgets.VBox:
        column, control, boxes, chosen = field_column(name, FIELD_NAMES[name], self.case.labels(name).values(),
                                                      lambda: self._on_control(name))
        self.controls.fields[name], self.controls.chosen[name] = control, chosen
        if boxes:
            self.controls.chain_boxes[name] = boxes
        return column

    # ------------------------------------------------------------------------------------
    # Display

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        # A stable plain-text form, so notebooks checked with nbval compare the same text every run.
        return {**self.widget._repr_mimebundle_(**kwargs), "text/plain": repr(self)}

    def __repr__(self) -> str:
        names = ", ".join(FIELD_NAMES[f] for f in self.fields)
        return f"<Attribution Lab panel: case {self.case.id}, {len(self.statement_ids)} statements, {names}>"

    # ------------------------------------------------------------------------------------
    # Reading the state (what tests and notebooks look at)

    @property
    def current(self) -> str:
        """The id of the statement shown."""
        return self.model.current

    @property
    def submission(self) -> Submission:
        """The current answers (a copy of the submission saved in the answers file)."""
        return copy.deepcopy(self.model.submission)

    @property
    def feedback_html(self) -> str:
        """The feedback HTML shown under the Check button."""
        return str(self.controls.feedback.value)

    @property
    def notice_html(self) -> str:
        """The notices shown: problems with the answers file, and results of Restore and Start over."""
        controls = self.controls
        return "\n".join(v for v in (controls.notice.value, controls.save_notice.value, controls.file_notice.value) if v)

    @property
    def statement_html(self) -> str:
        """The HTML of the statement shown, highlighted in its paragraph."""
        return str(self.controls.statement.value)

    @property
    def download_html(self) -> str:
        """The HTML next to Download my answers: once pressed, the link (a data: URL holding the answers file)."""
        return str(self.controls.download.value)

    @property
    def progress_text(self) -> str:
        """``"N of M answered, K right first time"`` over this panel's statements and fields."""
        return self.model.progress_text

    def value(self, field: str) -> Answer | None:
        """The value of a field's control: a label id, a tuple of intermediaries, or None."""
        if field == "chain" and field in self.controls.chain_boxes:
            labels = list(self.case.labels("chain"))
            chosen = tuple(label for label, box in zip(labels, self.controls.chain_boxes["chain"]) if box.value)
            return chosen or None
        value: Answer | None = self.controls.fields[field].value
        return value

    # ------------------------------------------------------------------------------------
    # What the student does

    def select(self, statement_id: str) -> None:
        """Show a statement (by id), with the student's answers to it and its feedback."""
        self.model.select(statement_id)
        self.cancel_start_over()
        self._show_all()

    def next(self) -> None:
        """Go to the next statement (stays on the last)."""
        self.model.next()
        self.cancel_start_over()
        self._show_all()

    def previous(self) -> None:
        """Go to the previous statement (stays on the first)."""
        self.model.previous()
        self.cancel_start_over()
        self._show_all()

    def choose(self, field: str, value: Any) -> None:
        """Set a field's control as a student would (a label id, a list of intermediaries, or None)."""
        answer = self.model.normalised(field, value)  # raises for a field not asked or an unknown label
        self._loading = True
        try:
            self._set_control(field, answer)
        finally:
            self._loading = False
        self._on_control(field)

    def check(self) -> StatementResult | None:
        """Press Check: record the attempt, save, and show per-field feedback.

        Returns the engine's result, or None when some field is still unanswered (then nothing is
        recorded, so no why can be seen before a real first try).
        """
        feedback = self._after_press(self.model.check())
        if feedback.prompt:
            return None
        return check_statement(self.case, self.current, {name: self.model.value(name) for name in self.fields})

    def reveal(self) -> Feedback:
        """Press "Show the answer": the key's answer and why for each field not yet right, recorded
        as shown (such a field keeps no first try).
        """
        return self._after_press(self.model.reveal())

    def _after_press(self, feedback: Feedback) -> Feedback:
        self._show_jump()  # a shown answer counts as answered in the jump list's marks
        self._show_feedback(feedback)
        self._show_progress()
        self._show_notes()
        return feedback

    def prepare_download(self) -> None:
        """Download my answers: build the copy now, from the answers file and the answers in memory,
        and show the link that saves it.
        """
        download = self.model.download()
        self.controls.download.value = download_html(self.store.path.name, str(self.store.path), download)

    def restore_from_bytes(self, raw: bytes, name: str = "uploaded file") -> bool:
        """Restore from file, step one: read an answers file's bytes and ask what to do with them.

        Nothing is written yet: the question says what Merge would add, change and keep and what
        Replace everything would remove. A bad file changes nothing and the notice lists its
        problems. Returns whether the file could be used.
        """
        plan = self.model.plan_restore(raw, name)
        if isinstance(plan, FileResult):
            self.cancel_restore(quietly=True)
            self._show_file_result(plan)
            return False
        self._ask_restore(plan)
        return True

    def confirm_restore(self, how: str = "merge") -> None:
        """Restore from file, step two: ``"merge"`` (keeps newer answers) or ``"replace"`` (the file's
        answers only); either way the answers file is copied aside first and the notice names the copy.
        """
        result = self.model.restore_replace() if how == "replace" else self.model.restore_merge()
        self.controls.restore.layout.display = "none"
        self._show_file_result(result)
        if result.ok:
            self._show_notes()
            self._show_student()
            self.select(self.model.current)
            self._show_download()

    def cancel_restore(self, quietly: bool = False) -> None:
        """Restore from file: the student chose Cancel; nothing changes."""
        if self.model.pending_restore is not None and not quietly:
            self._show_file_result(self.model.cancel_restore())
        self.model.pending_restore = None
        self.controls.restore.layout.display = "none"
        self.controls.restore_text.value = ""

    def ask_start_over(self) -> None:
        """Start over, step one: ask for confirmation (nothing is cleared yet)."""
        self.controls.confirm_text.value = question_html(self.model.start_over_question())
        self.controls.confirm.layout.display = "flex"

    def cancel_start_over(self) -> None:
        """Start over: the student said no; nothing changes."""
        self.controls.confirm.layout.display = "none"
        self.controls.confirm_text.value = ""

    def confirm_start_over(self) -> None:
        """Start over, step two: back up the answers file, then clear this panel's answers."""
        result = self.model.start_over()
        self.cancel_start_over()
        self._show_file_result(result)
        if result.ok:
            self._show_notes()
            self.select(self.model.current)
            self._show_download()

    # ------------------------------------------------------------------------------------
    # Controls to model

    def _on_jump(self, change: Mapping[str, Any]) -> None:
        if not self._loading and change["new"] != self.current:
            self.select(change["new"])

    def _on_control(self, field: str) -> None:
        if self._loading:
            return
        self.model.choose(field, self.value(field))
        self._show_jump()
        self._show_notes()
        self._show_definition(field)
        self._show_feedback(self.model.feedback())
        self._show_progress()
        self._show_download()

    def _on_student(self, _change: Mapping[str, Any]) -> None:
        if self._loading:
            return
        self.model.set_student(self.controls.student_id.value, self.controls.student_name.value)
        self._show_notes()
        self._show_download()

    def _on_upload(self, change: Mapping[str, Any]) -> None:
        if self._loading or not change["new"]:
            return
        item = change["new"][0]
        try:
            self.restore_from_bytes(bytes(item["content"]), str(item.get("name", "uploaded file")))
        finally:
            self._loading = True
            try:
                self.controls.upload.value = ()  # so the same file can be chosen again
            finally:
                self._loading = False

    def _set_control(self, field: str, answer: Any) -> None:
        if field == "chain":
            chosen = set(answer or ())
            for label, box in zip(self.case.labels("chain"), self.controls.chain_boxes["chain"]):
                box.value = label in chosen
        else:
            self.controls.fields[field].value = answer

    # ------------------------------------------------------------------------------------
    # Model to widgets

    def _show_all(self) -> None:
        self._show_jump()
        self._loading = True
        try:
            for name in self.fields:
                self._set_control(name, self.model.value(name))
        finally:
            self._loading = False
        position = self.model.position
        self.controls.previous.disabled = position == 0
        self.controls.next.disabled = position == len(self.statement_ids) - 1
        self.controls.statement.value = statement_html(self.case, self.case.statement(self.current), position, len(self.statement_ids))
        for name in self.fields:
            self._show_definition(name)
        self._show_feedback(self.model.feedback())
        self._show_progress()
        if not self.controls.download.value:
            self._show_download()

    def _show_definition(self, field: str) -> None:
        self.controls.chosen[field].value = chosen_html(self.case.labels(field), self.value(field), is_chain=field == "chain")

    def _show_feedback(self, feedback: Feedback) -> None:
        self.controls.feedback.value = feedback_html(feedback)
        self.controls.reveal.disabled = not feedback.can_reveal

    def _show_progress(self) -> None:
        self.controls.progress.value = f"<span role='status'>{escape(self.progress_text)}</span>"

    def _show_notes(self) -> None:
        # Shown while the last save failed, cleared as soon as one works (saying so once).
        if self.model.save_failed:
            self.controls.save_notice.value = notice_html(self.model.notes, ok=False)
        elif self.model.saved_again:
            self.controls.save_notice.value = notice_html(
                (f"Saved again: all your answers are in {self.store.path.name} now.",), ok=True)
        elif self.model.notes:  # saved, but something about the file needed saying
            self.controls.save_notice.value = notice_html(self.model.notes, ok=False)
        else:
            self.controls.save_notice.value = ""

    def _ask_restore(self, plan: RestorePlan) -> None:
        self.controls.restore_text.value = question_html(plan.question, heading=f"Restore from {plan.name}?")
        self.controls.restore.layout.display = "flex"

    def _show_file_result(self, result: FileResult) -> None:
        self.controls.file_notice.value = notice_html(result.notes, ok=result.ok)

    def _show_student(self) -> None:
        student = self.model.submission.get("student", {})
        self._loading = True
        try:
            self.controls.student_name.value = student.get("name", "")
            self.controls.student_id.value = student.get("id", "")
        finally:
            self._loading = False

    def _show_download(self) -> None:
        # A prepared copy goes as soon as the answers change: a link never offers an old state.
        self.controls.download.value = download_html(self.store.path.name, str(self.store.path))


__all__ = ["Panel", "PanelControls"]
