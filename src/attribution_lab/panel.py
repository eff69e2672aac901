"""The classification panel: read a statement in its paragraph, classify it, press Check.

Stock ipywidgets composed in Python, so it works in JupyterLab, Notebook 7 and Voila with nothing
to install. It is a thin shell: verdicts and feedback come from :mod:`attribution_lab.engine`, the
answers are changed only through :mod:`attribution_lab.submission`, and every change is saved at
once through :mod:`attribution_lab.store`. All feedback goes into ``HTML`` widgets (not ``Output``)
so that it can be read, and tested, without a browser.

Typical use in a lesson::

    from attribution_lab.panel import Panel
    panel = Panel(case="kursk", fields=("origin", "confidence"))
    panel
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .case import FIELD_NAMES, FIELDS, Answer, Case, load_case
from .engine import StatementResult, check_statement, is_unanswered, normalise
from .errors import SubmissionError, UnknownLabelError, UnknownStatementError
from .store import AnswersStore, StoreError, clear_answers, default_answers_path, encode, restore_position
from .submission import Submission, key_version_note, parse_submission, record_check, record_choice

_NOTICE_STYLE = "border:1px solid #b58900;background:#fdf6e3;color:#1b1b1b;padding:6px 10px;margin:4px 0;border-radius:4px"
_OK_STYLE = "border:1px solid #2e7d32;background:#f1f8f1;color:#1b1b1b;padding:6px 10px;margin:4px 0;border-radius:4px"
_BOX_STYLE = "line-height:1.5;max-width:60em;overflow-wrap:anywhere"
#: Colour only repeats what the symbol and the words already say.
_SYMBOL_COLOUR = {"✓": "#2e7d32", "✗": "#b00020", "◐": "#8a5a00", "…": "#555555"}


def _e(text: Any) -> str:
    """HTML-escape any text from a case, a student or a file."""
    return html.escape(str(text), quote=True)


class Panel:
    """A classification panel over some statements and fields of one case.

    ``case`` is a case id, a case folder or a loaded :class:`~attribution_lab.case.Case`;
    ``fields`` the fields to ask (any of :data:`~attribution_lab.case.FIELDS`); ``statements``
    the statement ids to show (None: all, in article order); ``answers_path`` the answers file
    (None: :func:`~attribution_lab.store.default_answers_path`). Answers already in the file are
    restored, with the position, and every change is saved at once.
    """

    def __init__(
        self,
        case: str | Path | Case = "kursk",
        fields: Iterable[str] = ("origin", "confidence"),
        statements: Iterable[str] | None = None,
        answers_path: str | Path | None = None,
    ) -> None:
        self.case: Case = case if isinstance(case, Case) else load_case(case)
        self.fields: tuple[str, ...] = tuple(fields)
        if not self.fields:
            raise ValueError(f"ask at least one field: {', '.join(FIELDS)}")
        for name in self.fields:
            if name not in FIELDS:
                raise UnknownLabelError(f"{name!r} is not a field; the fields are {', '.join(FIELDS)}")
        if statements is None:
            self.statement_ids: tuple[str, ...] = self.case.statement_ids
        else:
            self.statement_ids = tuple(self.case.statement(sid).id for sid in statements)
            if not self.statement_ids:
                raise ValueError("give at least one statement id, or None for all")
        self.store = AnswersStore(answers_path if answers_path is not None else default_answers_path(self.case.id), self.case)
        loaded = self.store.load()
        self._submission: Submission = loaded.submission
        self._loading = False  # True while the panel sets controls itself: not a student's choice
        self._index = 0
        self._checked: dict[str, dict[str, Answer]] = {}  # values at the last Check, per statement
        self._sync_checked()
        self._build()
        self._show_notice(loaded.notes, ok=False)
        start = restore_position(self._submission, self.statement_ids) or self.statement_ids[0]
        self.select(start)

    # ------------------------------------------------------------------------------------
    # Building the widgets

    def _build(self) -> None:
        case = self.case
        self._title = widgets.HTML(f"<h3 style='margin:0.2em 0'>{_e(case.title)}</h3>")
        self._notice = widgets.HTML("")  # problems with the answers file, shown at the top
        self._file_notice = widgets.HTML("")  # results of Restore and Start over, next to those buttons
        self._prev = widgets.Button(description="◀ Previous", tooltip="Go to the previous statement",
                                    layout=widgets.Layout(width="auto"))
        self._next = widgets.Button(description="Next ▶", tooltip="Go to the next statement",
                                    layout=widgets.Layout(width="auto"))
        self._jump = widgets.Dropdown(
            options=[(self._jump_label(sid), sid) for sid in self.statement_ids],
            value=self.statement_ids[0],
            description="Statement",
            tooltip="Jump to a statement",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", max_width="32em"),
        )
        self._progress = widgets.HTML("", layout=widgets.Layout(margin="0 0 0 1em"))
        self._prev.on_click(lambda _: self.previous())
        self._next.on_click(lambda _: self.next())
        self._jump.observe(self._on_jump, names="value")
        nav = widgets.HBox([self._prev, self._jump, self._next, self._progress],
                           layout=widgets.Layout(flex_flow="row wrap", align_items="center"))

        self._statement = widgets.HTML("")

        self._controls: dict[str, widgets.Widget] = {}
        self._boxes: dict[str, list[widgets.Checkbox]] = {}
        self._definitions: dict[str, widgets.HTML] = {}
        columns = []
        for name in self.fields:
            columns.append(self._field_column(name))
        fields_box = widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))

        self._check = widgets.Button(description="Check", icon="check", button_style="primary",
                                     tooltip="Check your answers to this statement against the key",
                                     layout=widgets.Layout(width="auto", min_width="8em", align_self="flex-start"))
        self._check.on_click(lambda _: self.check())
        self._feedback = widgets.HTML("")

        self._student_name = widgets.Text(description="Your name", placeholder="optional", continuous_update=False,
                                          tooltip="Your name, saved with your answers (optional)",
                                          style={"description_width": "initial"}, layout=widgets.Layout(width="20em"))
        self._student_id = widgets.Text(description="Student id", placeholder="optional", continuous_update=False,
                                        tooltip="Your student id, saved with your answers (optional)",
                                        style={"description_width": "initial"}, layout=widgets.Layout(width="16em"))
        self._student_name.observe(self._on_student, names="value")
        self._student_id.observe(self._on_student, names="value")
        student = widgets.HBox([self._student_name, self._student_id], layout=widgets.Layout(flex_flow="row wrap"))

        self._download = widgets.HTML("")
        self._upload = widgets.FileUpload(accept=".json", multiple=False, description="Restore from file",
                                          tooltip="Restore your answers from a file you downloaded before",
                                          layout=widgets.Layout(width="auto"))
        self._upload.observe(self._on_upload, names="value")
        self._start_over = widgets.Button(description="Start over", icon="undo",
                                          tooltip="Clear your answers in this panel (asks first)",
                                          layout=widgets.Layout(width="auto"))
        self._start_over.on_click(lambda _: self.ask_start_over())
        files = widgets.HBox([self._download, self._upload, self._start_over],
                             layout=widgets.Layout(flex_flow="row wrap", align_items="center"))

        self._confirm_text = widgets.HTML("")
        self._confirm_yes = widgets.Button(description="Yes, clear my answers", button_style="danger",
                                           tooltip="Clear your answers in this panel; a copy of the file is kept",
                                           layout=widgets.Layout(width="auto"))
        self._confirm_no = widgets.Button(description="Cancel", tooltip="Keep your answers",
                                          layout=widgets.Layout(width="auto"))
        self._confirm_yes.on_click(lambda _: self.confirm_start_over())
        self._confirm_no.on_click(lambda _: self.cancel_start_over())
        self._confirm = widgets.VBox(
            [self._confirm_text, widgets.HBox([self._confirm_yes, self._confirm_no])],
            layout=widgets.Layout(display="none"),
        )

        self.widget = widgets.VBox(
            [self._title, self._notice, nav, self._statement, fields_box, self._check, self._feedback,
             student, files, self._confirm, self._file_notice],
            layout=widgets.Layout(max_width="64em"),
        )
        self._show_student()

    def _jump_label(self, sid: str) -> str:
        # Option text is set as plain text by the browser, so it needs no escaping.
        quote = self.case.statement(sid).quote
        short = quote if len(quote) <= 48 else quote[:47].rstrip() + "…"
        return f"{sid}: {short}"

    def _field_column(self, name: str) -> widgets.VBox:
        labels = self.case.labels(name)
        title = FIELD_NAMES[name]
        heading = widgets.HTML(f"<b>{_e(title)}</b>" + (" <span>(tick every link)</span>" if name == "chain" else ""))
        if name == "chain":
            boxes = [
                widgets.Checkbox(value=False, description=label.name, tooltip=label.definition, indent=False,
                                 layout=widgets.Layout(width="auto", height="auto", margin="0"))
                for label in labels.values()
            ]
            for box in boxes:
                box.observe(lambda _change: self._on_choice("chain"), names="value")
            self._boxes[name] = boxes
            control: widgets.Widget = widgets.VBox(boxes)
        else:
            control = widgets.RadioButtons(
                options=[(label.name, label.id) for label in labels.values()],
                value=None,
                description="",
                tooltip=f"{title}: choose one",
                layout=widgets.Layout(width="auto"),
            )
            control.observe(lambda _change, n=name: self._on_choice(n), names="value")
        self._controls[name] = control
        chosen = widgets.HTML("")
        self._definitions[name] = chosen
        items = "".join(f"<dt><b>{_e(l.name)}</b></dt><dd style='margin:0 0 0.4em 1em'>{_e(l.definition)}</dd>"
                        for l in labels.values())
        glossary = widgets.HTML(
            f"<details style='{_BOX_STYLE}'><summary>What the {_e(title.lower())} labels mean</summary>"
            f"<dl style='margin:0.3em 0'>{items}</dl></details>"
        )
        return widgets.VBox([heading, control, chosen, glossary],
                            layout=widgets.Layout(width="22em", margin="0 1.5em 0.8em 0", border="none"))

    # ------------------------------------------------------------------------------------
    # Display

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # A stable plain-text form, so notebooks checked with nbval compare the same text every run.
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        names = ", ".join(FIELD_NAMES[f] for f in self.fields)
        return f"<Attribution Lab panel: case {self.case.id}, {len(self.statement_ids)} statements, {names}>"

    # ------------------------------------------------------------------------------------
    # Reading the state (what tests and notebooks look at)

    @property
    def current(self) -> str:
        """The id of the statement shown."""
        return self.statement_ids[self._index]

    @property
    def submission(self) -> Submission:
        """The current answers (a copy of the submission saved in the answers file)."""
        return encode_copy(self._submission)

    @property
    def feedback_html(self) -> str:
        """The feedback HTML shown under the Check button."""
        return self._feedback.value

    @property
    def notice_html(self) -> str:
        """The notices shown: problems with the answers file, and results of Restore and Start over."""
        return "\n".join(v for v in (self._notice.value, self._file_notice.value) if v)

    @property
    def statement_html(self) -> str:
        """The HTML of the statement shown, highlighted in its paragraph."""
        return self._statement.value

    @property
    def download_html(self) -> str:
        """The HTML of the download link (a data: URL holding the answers file)."""
        return self._download.value

    @property
    def progress_text(self) -> str:
        """``"N of M answered, K right first time"`` over this panel's statements and fields."""
        answered = right = 0
        for sid in self.statement_ids:
            entry = self._submission["answers"].get(sid, {})
            current, first = entry.get("current", {}), entry.get("first", {})
            if all(f in current for f in self.fields):
                answered += 1
            if all(f in first for f in self.fields):
                if check_statement(self.case, sid, {f: first[f] for f in self.fields}).all_right:
                    right += 1
        return f"{answered} of {len(self.statement_ids)} answered, {right} right first time"

    def value(self, field: str) -> Answer | None:
        """The value of a field's control: a label id, a tuple of intermediaries, or None."""
        if field == "chain" and field in self._boxes:
            labels = list(self.case.labels("chain"))
            chosen = tuple(label for label, box in zip(labels, self._boxes["chain"]) if box.value)
            return chosen or None
        control = self._controls[field]
        return control.value

    # ------------------------------------------------------------------------------------
    # Navigation

    def select(self, statement_id: str) -> None:
        """Show a statement (by id), with the student's answers to it and its feedback."""
        if statement_id not in self.statement_ids:
            self.case.statement(statement_id)  # raises for an id the case does not have
            raise UnknownStatementError(
                f"{statement_id} is not in this panel (it shows {', '.join(self.statement_ids)})"
            )
        self._index = self.statement_ids.index(statement_id)
        self.cancel_start_over()
        self._loading = True
        try:
            self._jump.value = statement_id
            current = self._submission["answers"].get(statement_id, {}).get("current", {})
            for name in self.fields:
                self._set_control(name, current.get(name))
        finally:
            self._loading = False
        self._prev.disabled = self._index == 0
        self._next.disabled = self._index == len(self.statement_ids) - 1
        self._show_statement()
        for name in self.fields:
            self._show_definition(name)
        self._show_feedback()
        self._show_progress()
        self._show_download()

    def next(self) -> None:
        """Go to the next statement (stays on the last)."""
        self.select(self.statement_ids[min(self._index + 1, len(self.statement_ids) - 1)])

    def previous(self) -> None:
        """Go to the previous statement (stays on the first)."""
        self.select(self.statement_ids[max(self._index - 1, 0)])

    def _on_jump(self, change: Mapping[str, Any]) -> None:
        if not self._loading and change["new"] != self.current:
            self.select(change["new"])

    # ------------------------------------------------------------------------------------
    # Choosing and checking

    def choose(self, field: str, value: Any) -> None:
        """Set a field's control as a student would (a label id, a list of intermediaries, or None)."""
        if field not in self.fields:
            raise UnknownLabelError(f"{field!r} is not asked in this panel; it asks {', '.join(self.fields)}")
        answer = normalise(self.case, field, value, self.current)
        self._loading = True
        try:
            self._set_control(field, answer)
        finally:
            self._loading = False
        self._on_choice(field)

    def _set_control(self, field: str, answer: Any) -> None:
        if field == "chain":
            chosen = set(answer or ())
            for label, box in zip(self.case.labels("chain"), self._boxes["chain"]):
                box.value = label in chosen
        else:
            self._controls[field].value = answer

    def _on_choice(self, field: str) -> None:
        if self._loading:
            return
        sid, value = self.current, self.value(field)
        self._apply(lambda sub: record_choice(self.case, sub, sid, field, value))
        self._show_definition(field)
        self._show_feedback()
        self._show_progress()

    def check(self) -> StatementResult | None:
        """Press Check: record the attempt, save, and show per-field feedback.

        Returns the engine's result, or None when some field is still unanswered (then nothing is
        recorded, so the rationale cannot be seen before a real first try).
        """
        sid = self.current
        values = {name: self.value(name) for name in self.fields}
        missing = [FIELD_NAMES[name] for name, v in values.items() if is_unanswered(v)]
        if missing:
            self._show_feedback(prompt=f"… Choose {self._join(missing)} first, then press Check.")
            return None
        self._apply(lambda sub: record_check(self.case, sub, sid, values))
        self._checked[sid] = {name: normalise(self.case, name, v, sid) for name, v in values.items()}
        self._show_feedback()
        self._show_progress()
        return check_statement(self.case, sid, values)

    @staticmethod
    def _join(names: list[str]) -> str:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def _on_student(self, _change: Mapping[str, Any]) -> None:
        if self._loading:
            return
        name, ident = self._student_name.value[:200], self._student_id.value[:200]

        def change(sub: Submission) -> Submission:
            result = encode_copy(sub)
            result["student"] = {"id": ident, "name": name}
            return result

        self._apply(change)

    def _apply(self, change: Any) -> None:
        """Apply a change to the latest answers and save it at once (notes go to the notice)."""
        self._submission, notes = self.store.update(change, self._submission)
        if notes:
            self._show_notice(notes, ok=False)
        self._show_download()

    def _sync_checked(self) -> None:
        """After loading or restoring: a statement whose answers have not changed since its last Check
        shows that check's verdicts (Check stamps ``updated`` and ``last_checked`` alike)."""
        self._checked = {}
        for sid, entry in self._submission["answers"].items():
            if entry.get("attempts") and entry.get("last_checked") and entry.get("updated") == entry.get("last_checked"):
                self._checked[sid] = {
                    name: normalise(self.case, name, value, sid) for name, value in entry.get("current", {}).items()
                }

    # ------------------------------------------------------------------------------------
    # Rendering

    def _show_statement(self) -> None:
        statement = self.case.statement(self.current)
        start, end = self.case.paragraph(statement)
        text = self.case.article
        paragraph = (
            _e(text[start:statement.start])
            + f"<mark>{_e(statement.quote)}</mark>"
            + _e(text[statement.end:end])
        )
        self._statement.value = (
            f"<div style='{_BOX_STYLE};margin:0.4em 0'>"
            f"<div><b>{_e(statement.id)}</b> · statement {self._index + 1} of {len(self.statement_ids)} "
            f"(the highlighted sentence)</div>"
            f"<p style='margin:0.3em 0;padding:0.4em 0.8em;border-left:3px solid #888'>{paragraph}</p></div>"
        )

    def _show_definition(self, field: str) -> None:
        value = self.value(field)
        labels = self.case.labels(field)
        if value is None:
            text = "<i>Nothing chosen yet.</i>"
        elif field == "chain":
            text = "Your chain: " + " → ".join(f"<b>{_e(labels[v].name)}</b>" for v in value)
        else:
            label = labels[value]
            text = f"<b>{_e(label.name)}</b>: {_e(label.definition)}"
        self._definitions[field].value = f"<div style='{_BOX_STYLE};font-size:0.92em;margin:0.2em 0'>{text}</div>"

    def _show_feedback(self, prompt: str | None = None) -> None:
        sid = self.current
        entry = self._submission["answers"].get(sid, {})
        first = entry.get("first", {})
        checked = self._checked.get(sid, {})
        parts: list[str] = []
        if prompt:
            parts.append(f"<p>{_e(prompt)}</p>")
        lines = []
        to_check = {}
        for name in self.fields:
            now = self._normalised(name)
            if name in checked and now == checked[name]:
                to_check[name] = now
            elif now is None:
                lines.append(f"… {FIELD_NAMES[name]}: not answered yet.")
            elif name in checked:
                lines.append(f"… {FIELD_NAMES[name]}: changed since your last check. Press Check to see if it is right.")
            else:
                lines.append(f"… {FIELD_NAMES[name]}: not checked yet. Press Check to see if it is right.")
        result = check_statement(self.case, sid, to_check) if to_check else None
        if result is not None or checked:
            verdicts = {r.field: r.feedback for r in result.fields} if result else {}
            items = []
            for name in self.fields:
                text = verdicts.get(name) or next(line for line in lines if line.startswith(f"… {FIELD_NAMES[name]}:"))
                items.append(f"<li style='margin:0.15em 0'>{self._verdict(text)}</li>")
            parts.append(f"<ul style='list-style:none;padding-left:0;margin:0.3em 0'>{''.join(items)}</ul>")
        revealed = all(name in first for name in self.fields)
        if revealed:
            statement = self.case.statement(sid)
            rule = self.case.rules[statement.confidence_rule]
            parts.append(f"<p style='margin:0.3em 0'><b>Why:</b> {_e(statement.rationale)}</p>")
            parts.append(f"<p style='margin:0.3em 0'><b>Confidence rule {_e(rule.id)}, {_e(rule.name)}:</b> {_e(rule.text)}</p>")
            if statement.uncertain:
                parts.append(f"<p style='margin:0.3em 0'><b>Still uncertain:</b> {_e(statement.uncertain)}</p>")
            attempts = entry.get("attempts", 0)
            first_marks = check_statement(self.case, sid, {name: first[name] for name in self.fields})
            summary = ", ".join(f"{r.feedback[0]} {FIELD_NAMES[r.field]}" for r in first_marks.fields)
            parts.append(
                f"<p style='margin:0.3em 0;color:#444'>Checked {attempts} time{'s' if attempts != 1 else ''}. "
                f"Your first try, which is kept: {_e(summary)}.</p>"
            )
        elif not prompt:
            parts.append(
                "<p style='margin:0.3em 0;color:#444'>Choose your answers, then press Check. "
                "Why the key says what it says appears after your first check.</p>"
            )
        self._feedback.value = f"<div role='status' style='{_BOX_STYLE}'>{''.join(parts)}</div>"

    def _normalised(self, field: str) -> Answer | None:
        value = self.value(field)
        return normalise(self.case, field, value, self.current)

    @staticmethod
    def _verdict(feedback: str) -> str:
        symbol, rest = feedback[:1], feedback[1:]
        colour = _SYMBOL_COLOUR.get(symbol, "inherit")
        return f"<span style='color:{colour};font-weight:bold'>{_e(symbol)}</span>{_e(rest)}"

    def _show_progress(self) -> None:
        self._progress.value = f"<span role='status'>{_e(self.progress_text)}</span>"

    def _show_student(self) -> None:
        student = self._submission.get("student", {})
        self._loading = True
        try:
            self._student_name.value = student.get("name", "")
            self._student_id.value = student.get("id", "")
        finally:
            self._loading = False

    def _show_download(self) -> None:
        data = base64.b64encode(encode(self._submission)).decode("ascii")
        name = self.store.path.name
        self._download.value = (
            f"<a download='{_e(name)}' href='data:application/json;base64,{data}' "
            f"title='Save a copy of your answers ({_e(name)}) to your computer' "
            "style='display:inline-block;padding:2px 10px;margin-right:0.6em;border:1px solid #888;"
            "border-radius:3px;text-decoration:none;color:inherit'>⬇ Download my answers</a>"
            f"<span style='color:#444;font-size:0.9em;margin-right:0.6em' title='{_e(self.store.path)}'>"
            f"Saved in {_e(name)}</span>"
        )

    def _show_notice(self, notes: list[str], *, ok: bool, near_files: bool = False) -> None:
        target = self._file_notice if near_files else self._notice
        if not notes:
            target.value = ""
            return
        style = _OK_STYLE if ok else _NOTICE_STYLE
        symbol = "✓" if ok else "⚠"
        items = "".join(f"<p style='margin:0.2em 0'>{_e(note)}</p>" for note in notes)
        target.value = (
            f"<div role='status' style='{style};{_BOX_STYLE}'><b>{symbol} {'Done' if ok else 'Please note'}:</b>{items}</div>"
        )

    # ------------------------------------------------------------------------------------
    # Restore and start over

    def _on_upload(self, change: Mapping[str, Any]) -> None:
        if self._loading or not change["new"]:
            return
        item = change["new"][0]
        try:
            self.restore_from_bytes(bytes(item["content"]), str(item.get("name", "uploaded file")))
        finally:
            self._loading = True
            try:
                self._upload.value = ()  # so the same file can be chosen again
            finally:
                self._loading = False

    def restore_from_bytes(self, raw: bytes, name: str = "uploaded file") -> bool:
        """Replace the answers with those of an answers file's bytes (what Restore from file does).

        A bad file changes nothing and the notice lists its problems. On success the answers in
        use before are kept in a ``.replaced-`` backup of the answers file.
        """
        try:
            data = parse_submission(raw, self.case, name)
        except SubmissionError as error:
            self._show_notice(
                [f"Could not restore from {name}; your answers were not changed."]
                + [str(problem) for problem in error.problems[:8]]
                + ([f"... and {len(error.problems) - 8} more problems."] if len(error.problems) > 8 else []),
                ok=False,
                near_files=True,
            )
            return False
        notes = []
        note = key_version_note(data, self.case)
        if note:
            notes.append(note)
            data["key_version"] = self.case.key_version
        backup = None
        if self.store.path.exists():
            try:
                backup = self.store.backup("replaced")
            except OSError as error:
                self._show_notice([f"Could not restore: the answers in use could not be copied aside first "
                                   f"({error.strerror or error}), so nothing was changed."], ok=False,
                                  near_files=True)
                return False
        count = sum(len(entry.get("current", {})) for entry in data["answers"].values())
        self._submission = data
        try:
            self.store.save(data)
        except (OSError, StoreError) as error:
            notes.append(f"The restored answers could not be saved ({error}). Use Download my answers to keep them.")
        self._sync_checked()
        self._show_student()
        kept = f" Your previous answers were kept as {backup.name}." if backup else ""
        self._show_notice([f"Restored {count} answer{'s' if count != 1 else ''} from {name}.{kept}", *notes], ok=True,
                          near_files=True)
        self.select(restore_position(self._submission, self.statement_ids) or self.statement_ids[0])
        return True

    def ask_start_over(self) -> None:
        """Start over, step one: ask for confirmation (nothing is cleared yet)."""
        names = self._join([FIELD_NAMES[f] for f in self.fields])
        self._confirm_text.value = (
            f"<div role='alert' style='{_NOTICE_STYLE};{_BOX_STYLE}'><b>⚠ Clear your answers?</b> "
            f"This clears your {_e(names)} answers to the {len(self.statement_ids)} statements of this panel, "
            "including your first tries. A copy of the answers file is kept.</div>"
        )
        self._confirm.layout.display = "flex"

    def cancel_start_over(self) -> None:
        """Start over: the student said no; nothing changes."""
        self._confirm.layout.display = "none"
        self._confirm_text.value = ""

    def confirm_start_over(self) -> None:
        """Start over, step two: back up the answers file, then clear this panel's answers."""
        backup = None
        if self.store.path.exists():
            try:
                backup = self.store.backup("cleared")
            except OSError as error:
                self.cancel_start_over()
                self._show_notice([f"Nothing was cleared: the answers file could not be copied aside first "
                                   f"({error.strerror or error})."], ok=False, near_files=True)
                return
        ids, fields = self.statement_ids, self.fields
        self._apply(lambda sub: clear_answers(sub, ids, fields))
        for sid in ids:
            self._checked.pop(sid, None)
        self.cancel_start_over()
        kept = f" A copy of what was cleared was kept as {backup.name}." if backup else ""
        self._show_notice([f"Your answers in this panel were cleared.{kept}"], ok=True, near_files=True)
        self.select(self.statement_ids[0])


def encode_copy(submission: Submission) -> Submission:
    """A deep copy of a submission (plain JSON data)."""
    return json.loads(json.dumps(submission))


__all__ = ["Panel", "default_answers_path"]
