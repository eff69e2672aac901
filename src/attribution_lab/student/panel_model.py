"""The classification panel's model: plain Python, no widgets.

It holds which statement is shown, what the student has chosen and checked, what may be revealed,
and the progress line; every change goes through the answers store it is given. The view
(:mod:`attribution_lab.student.panel`) only renders what this model says, so the rules a student
meets (nothing is explained before a real try, first tries are kept) are tested without widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.case import FIELD_NAMES, FIELDS, Answer, Case, require_fields
from ..core.engine import check_field, check_statement, is_unanswered, normalise
from ..core.feedback import PROGRESS_MARKS, join_names
from ..core.reveal import answer_may_show
from ..core.submission import (
    Submission,
    answered_fields,
    clear_answers,
    first_unanswered,
    hand_in_of,
    key_version_note,
    merge_submissions,
    record_check,
    record_choice,
    record_reveal,
    restore_position,
    with_student,
)
from ..errors import SubmissionError, UnknownFieldError, UnknownStatementError
from ..formats.answers import encode, parse_earlier_submission
from ..formats.limits import MAX_STUDENT_TEXT
from ..storage.answers_store import AnswersStore, now_iso
from .hand_in import HandIn, hand_in, summary, unanswered
from .panel_feedback import Feedback, FeedbackLine, statement_feedback, worksheet_feedback
from .panel_files import Download, FileResult, RestorePlan, answer_count, answered, statement_list


@dataclass
class PanelModel:
    """The state of one panel over some statements and fields of a case, saved through ``store``."""

    case: Case
    fields: tuple[str, ...]
    statement_ids: tuple[str, ...]
    store: AnswersStore
    #: The worksheet number in assessment mode (nothing checked until "Hand in"); None in a lesson.
    worksheet: str | None = None
    submission: Submission = field(init=False)
    #: What the loaded answers file needed saying (damaged, another key version, ...).
    load_notes: tuple[str, ...] = field(init=False, default=())
    #: Notes from the last change (a failed save), for the notice at the top.
    notes: tuple[str, ...] = field(init=False, default=())
    #: True while the last save failed: the answers in memory hold more than the file, and the
    #: notice stays up until a save works again.
    save_failed: bool = field(init=False, default=False)
    #: True right after the first save that worked following failed ones (the panel says so once).
    saved_again: bool = field(init=False, default=False)
    #: The uploaded file Restore is asking about, until the student answers Merge, Replace or Cancel.
    pending_restore: RestorePlan | None = field(init=False, default=None)
    _index: int = field(init=False, default=0)
    _values: dict[str, Answer | None] = field(init=False, default_factory=dict)  # the controls' state
    _checked: dict[str, dict[str, Answer | None]] = field(init=False, default_factory=dict)  # at the last Check

    @classmethod
    def open(cls, case: Case, fields: Iterable[str], statements: Iterable[str] | None, answers_path: str | Path,
             *, worksheet: str | None = None) -> PanelModel:
        """A model over ``fields`` and ``statements`` (None: all), with the answers in ``answers_path``
        loaded and the statement worked on last shown; ``worksheet`` (a number) for assessment mode.
        """
        chosen = require_fields(fields)
        if not chosen:
            raise ValueError(f"ask at least one field: {', '.join(FIELDS)}")
        if statements is None:
            ids = case.statement_ids
        else:
            ids = tuple(case.statement(sid).id for sid in statements)
            if not ids:
                raise ValueError("give at least one statement id, or None for all")
        model = cls(case, chosen, ids, AnswersStore(answers_path, case), worksheet)
        loaded = model.store.load()
        model.submission = loaded.submission
        model.load_notes = tuple(loaded.notes)
        model._sync_checked()
        model.select(model.opening_statement())
        return model

    # -- reading -----------------------------------------------------------------------------

    def opening_statement(self) -> str:
        """Where the panel opens: its first statement with one of its own fields unanswered (answers
        given in other lessons do not count), else the one last worked on, else the first.
        """
        ids = self.statement_ids
        return first_unanswered(self.submission, ids, self.fields) or restore_position(self.submission, ids) or ids[0]

    def next_unanswered(self) -> str | None:
        """The next statement after the one shown with a field of this panel unanswered (going round)."""
        return first_unanswered(self.submission, self.statement_ids, self.fields, after=self.current)

    def done_mark(self, statement_id: str) -> str:
        """The statement's mark for the jump list: every field of this panel answered, some, or none.
        It says what was answered, never whether it is right.
        """
        given = len(answered_fields(self.submission, statement_id, self.fields))
        return PROGRESS_MARKS["all" if given == len(self.fields) else "some" if given else "none"]

    @property
    def current(self) -> str:
        """The id of the statement shown."""
        return self.statement_ids[self._index]

    @property
    def position(self) -> int:
        """The place of the statement shown among the panel's statements, from 0."""
        return self._index

    def value(self, name: str) -> Answer | None:
        """What the student has chosen for a field of the statement shown (None: nothing)."""
        return self._values.get(name)

    @property
    def progress_text(self) -> str:
        """``"N of M answered, K right first time"`` over this panel's statements and fields. A field
        shown on request counts as answered, as in the jump list's marks (:meth:`done_mark`).
        """
        if self.worksheet is not None:
            return self._worksheet_progress()
        answered = right = 0
        for sid in self.statement_ids:
            first = self.submission["answers"].get(sid, {}).get("first", {})
            if len(answered_fields(self.submission, sid, self.fields)) == len(self.fields):
                answered += 1
            if all(f in first for f in self.fields) and check_statement(self.case, sid, {f: first[f] for f in self.fields}).all_right:
                right += 1
        return f"{answered} of {len(self.statement_ids)} answered, {right} right first time"

    def in_use(self) -> Submission:
        """The answers in use: the answers file as it is on disk now (another notebook may have
        saved to it) merged with the answers in memory (which hold more when a save failed).
        """
        on_disk = self.store.read_valid()
        return self.submission if on_disk is None else merge_submissions(on_disk, self.submission)

    def download(self) -> Download:
        """Download my answers: a copy of the answers in use, built now (not when the panel was drawn)."""
        current = self.in_use()
        return Download(encode(current), self.store.path.name, answer_count(current))

    def download_bytes(self) -> bytes:
        """The answers file as the student downloads it (see :meth:`download`)."""
        return self.download().data

    def _worksheet_progress(self) -> str:
        given = sum(1 for sid in self.statement_ids
                    if len(answered_fields(self.submission, sid, self.fields)) == len(self.fields))
        done = self.hand_in_summary()
        after = f"; handed in, graded {round(100 * done.graded.fraction)}%" if done.graded else "; not handed in yet"
        return f"{given} of {len(self.statement_ids)} answered{after}"

    def hand_in_summary(self) -> HandIn:
        """Where the worksheet stands: not handed in yet, or its graded score (assessment mode)."""
        return summary(self.case, self._worksheet(), self.fields, self.statement_ids, self.submission)

    def hand_in(self) -> HandIn:
        """Press "Hand in" (assessment mode): refused, naming what is unanswered, until every field of
        every statement has an answer; then all are checked at once. The first hand-in is graded.
        """
        result: list[HandIn] = []
        in_use = self.in_use()
        if unanswered(self.case, self.fields, self.statement_ids, in_use):
            return hand_in(self.case, self._worksheet(), self.fields, self.statement_ids, in_use, now=now_iso())[1]

        def change(submission: Submission) -> Submission:
            handed, outcome = hand_in(self.case, self._worksheet(), self.fields, self.statement_ids, submission, now=now_iso())
            result.append(outcome)
            return submission if handed is None else handed

        self._apply(change)
        self._sync_checked()
        return result[-1]

    def _worksheet(self) -> str:
        if self.worksheet is None:
            raise ValueError("this panel is a lesson's, not a worksheet's: it has no Hand in")
        return self.worksheet

    def feedback(self, prompt: str | None = None) -> Feedback:
        """The feedback for the statement shown (see :func:`~.panel_feedback.statement_feedback`).

        In assessment mode nothing is said before the hand-in; after it, every field's verdict,
        the key's answer and why.
        """
        sid = self.current
        if self.worksheet is not None:
            return worksheet_feedback(self.case, self.fields, sid, self.submission["answers"].get(sid, {}),
                                      values=self._values, handed_in=hand_in_of(self.submission, self.worksheet) is not None)
        return statement_feedback(
            self.case,
            self.fields,
            sid,
            self.submission["answers"].get(sid, {}),
            values=self._values,
            checked=self._checked.get(sid, {}),
            prompt=prompt,
            can_reveal=self.can_reveal(),
        )

    def can_reveal(self) -> bool:
        """True when "Show the answer" would show something: a field of the statement shown that is
        neither right as last checked nor already shown. Never in assessment mode.
        """
        return self.worksheet is None and bool(self._to_reveal())

    def _to_reveal(self) -> list[str]:
        sid = self.current
        entry = self.submission["answers"].get(sid, {})
        checked = self._checked.get(sid, {})
        statement = self.case.statement(sid)
        return [
            name for name in self.fields
            if not answer_may_show(entry, name)
            and not (name in checked and check_field(self.case, statement, name, checked[name]).is_right)
        ]

    def reveal(self) -> Feedback:
        """Press "Show the answer": the key's answer and why for every field of the statement shown
        that is not yet right. Recorded as shown, so none of them can count as right first time.
        """
        names = self._to_reveal() if self.worksheet is None else []
        if names:
            sid = self.current
            self._apply(lambda sub: record_reveal(self.case, sub, sid, names, now=now_iso()))
        return self.feedback()

    # -- moving ------------------------------------------------------------------------------

    def select(self, statement_id: str) -> None:
        """Show a statement (by id), with the student's answers to it."""
        if statement_id not in self.statement_ids:
            self.case.statement(statement_id)  # raises for an id the case does not have
            raise UnknownStatementError(f"{statement_id} is not in this panel (it shows {', '.join(self.statement_ids)})")
        self._index = self.statement_ids.index(statement_id)
        current = self.submission["answers"].get(statement_id, {}).get("current", {})
        self._values = {name: normalise(self.case, name, current.get(name), statement_id) for name in self.fields}

    def next(self) -> None:
        """Go to the next statement (stays on the last)."""
        self.select(self.statement_ids[min(self._index + 1, len(self.statement_ids) - 1)])

    def previous(self) -> None:
        """Go to the previous statement (stays on the first)."""
        self.select(self.statement_ids[max(self._index - 1, 0)])

    # -- changing ----------------------------------------------------------------------------

    def normalised(self, name: str, value: object) -> Answer | None:
        """A value for one of the panel's fields as the engine reads it; raises for a field the panel
        does not ask or a label the case does not have.
        """
        if name not in self.fields:
            raise UnknownFieldError(f"{name!r} is not asked in this panel; it asks {', '.join(self.fields)}")
        return normalise(self.case, name, value, self.current)

    def choose(self, name: str, value: object) -> None:
        """The student chose a value for a field (a label id, intermediaries, or None): saved at once."""
        sid = self.current
        answer = self.normalised(name, value)
        self._values[name] = answer
        self._apply(lambda sub: record_choice(self.case, sub, sid, name, answer, now=now_iso()))

    def missing(self) -> list[str]:
        """The names of the panel's fields not yet answered for the statement shown."""
        return [FIELD_NAMES[name] for name in self.fields if is_unanswered(self.value(name))]

    def check(self) -> Feedback:
        """Press Check: record the attempt (first tries kept) and return the feedback.

        With a field still unanswered nothing is recorded, so nothing can be revealed before a
        real first try; the feedback then only asks for the missing fields.
        """
        if self.worksheet is not None:
            return self.feedback(prompt="… Nothing is checked before you hand in: press Hand in when every statement is answered.")
        missing = self.missing()
        if missing:
            return self.feedback(prompt=f"… Choose {join_names(missing)} first, then press Check.")
        sid, values = self.current, dict(self._values)
        self._apply(lambda sub: record_check(self.case, sub, sid, values, now=now_iso()))
        self._checked[sid] = values
        return self.feedback()

    def set_student(self, student_id: str, name: str) -> None:
        """The student's id and name, saved with the answers (each cut to the answers format's limit)."""
        self._apply(lambda sub: with_student(sub, student_id=student_id[:MAX_STUDENT_TEXT], name=name[:MAX_STUDENT_TEXT]))

    def plan_restore(self, raw: bytes, name: str) -> RestorePlan | FileResult:
        """Restore from file, step one: read the uploaded file and work out what restoring it would
        add, change and keep; nothing is written. The plan is kept until Merge, Replace or Cancel.

        A bad file gives a :class:`FileResult` that lists its problems, and changes nothing.
        """
        self.pending_restore = None
        try:
            data, retired = parse_earlier_submission(raw, self.case, name)
        except SubmissionError as error:
            shown = [str(problem) for problem in error.problems[:8]]
            more = [f"... and {len(error.problems) - 8} more problems."] if len(error.problems) > 8 else []
            return FileResult(False, (f"Could not restore from {name}; your answers were not changed.", *shown, *more))
        notes = list(retired)
        note = key_version_note(data, self.case)
        if note:
            notes.append(note)
            data["key_version"] = self.case.key_version
        in_use = self.in_use()
        now, merged = answered(in_use), answered(merge_submissions(in_use, data))
        theirs = answered(data)
        added = tuple(sid for sid in merged if sid not in now)
        changed = tuple(sid for sid in now if merged.get(sid) != now[sid])
        kept = tuple(sid for sid in now if sid not in changed)
        removed = tuple(sid for sid in now if sid not in theirs)
        self.pending_restore = RestorePlan(name, data, added, changed, kept, removed, tuple(notes))
        return self.pending_restore

    def restore(self, raw: bytes, name: str, how: str = "merge") -> FileResult:
        """Restore from file in one go: :meth:`plan_restore`, then :meth:`restore_merge` (``how="merge"``)
        or :meth:`restore_replace` (``how="replace"``).
        """
        plan = self.plan_restore(raw, name)
        if isinstance(plan, FileResult):
            return plan
        return self.restore_replace() if how == "replace" else self.restore_merge()

    def cancel_restore(self) -> FileResult:
        """Restore from file: the student chose Cancel; nothing changes."""
        plan, self.pending_restore = self.pending_restore, None
        name = plan.name if plan else "the file"
        return FileResult(True, (f"Nothing was restored from {name}; your answers were kept as they are.",))

    def restore_merge(self) -> FileResult:
        """Restore from file, Merge: back up the answers file, then merge the uploaded answers into
        the answers in use (:func:`merge_submissions`), so newer answers are never removed.
        """
        plan = self.pending_restore
        if plan is None:
            return FileResult(False, ("Nothing to restore: choose a file with Restore from file first.",))
        uploaded = plan.uploaded
        try:
            self.submission, notes, backup = self.store.update_with_backup(
                "before-merge", self._on_memory(lambda base: merge_submissions(base, uploaded), always=True), self.submission
            )
        except OSError as error:
            return FileResult(False, (f"Could not restore: the answers in use could not be copied aside first "
                                      f"({error.strerror or error}), so nothing was changed.",))
        self.pending_restore = None
        self._saved(notes)
        self._after_restore()
        kept = (f" Your answers before the merge were kept as {backup.name}." if backup
                else " There was no answers file yet, so there was nothing to copy aside.")
        return FileResult(True, (
            f"Merged {plan.name} into {self.store.path.name}: {statement_list(plan.added)} added, "
            f"{statement_list(plan.changed)} changed, {statement_list(plan.kept)} kept as they were.{kept}",
            *plan.notes, *notes))

    def restore_replace(self) -> FileResult:
        """Restore from file, Replace everything (the old behaviour): the answers file becomes the
        uploaded one; the answers in use before are kept in a ``.replaced-`` backup the notes name.
        """
        plan = self.pending_restore
        if plan is None:
            return FileResult(False, ("Nothing to restore: choose a file with Restore from file first.",))
        if self.worksheet is not None and hand_in_of(self.in_use(), self.worksheet) is not None:
            # The graded try is kept apart: a file may add answers (Merge), never replace the first hand-in.
            return FileResult(False, ("This worksheet is handed in, so Replace everything would change your graded "
                                      "try; nothing was changed. Use Merge to add the file's answers.",))
        data, notes = plan.uploaded, list(plan.notes)
        try:
            backup, not_saved = self.store.replace(data, "replaced")
        except OSError as error:
            return FileResult(False, (f"Could not restore: the answers in use could not be copied aside first "
                                      f"({error.strerror or error}), so nothing was changed.",))
        self.pending_restore = None
        failed = [f"The restored answers could not be saved ({not_saved}). Use Download my answers to keep them."] if not_saved else []
        self._saved(failed)
        count = answer_count(data)
        self.submission = data
        self._after_restore()
        kept = f" Your previous answers were kept as {backup.name}." if backup else ""
        return FileResult(True, (f"Restored {count} answer{'s' if count != 1 else ''} from {plan.name}.{kept}", *notes, *failed))

    def start_over_question(self) -> str:
        """What Start over asks before it clears anything."""
        names = join_names([FIELD_NAMES[f] for f in self.fields])
        return (f"This clears your {names} answers to the {len(self.statement_ids)} statements of this panel, "
                "including your first tries. A copy of the answers file is kept.")

    def start_over(self) -> FileResult:
        """Back up the answers file, then clear this panel's fields of its statements."""
        ids, names = self.statement_ids, self.fields
        try:
            self.submission, notes, backup = self.store.update_with_backup(
                "cleared", self._on_memory(lambda sub: clear_answers(sub, ids, names, now=now_iso())), self.submission
            )
        except OSError as error:
            return FileResult(False, (f"Nothing was cleared: the answers file could not be copied aside first "
                                      f"({error.strerror or error}).",))
        self._saved(notes)
        for sid in ids:
            self._checked.pop(sid, None)
        self.select(self.statement_ids[0])
        kept = f" A copy of what was cleared was kept as {backup.name}." if backup else ""
        return FileResult(True, (f"Your answers in this panel were cleared.{kept}",))

    # -- inside ------------------------------------------------------------------------------

    def _apply(self, change: Callable[[Submission], Submission]) -> None:
        """Apply a change to the latest answers and save it at once; notes say what went wrong."""
        self.submission, notes = self.store.update(self._on_memory(change), self.submission)
        self._saved(notes)

    def _on_memory(self, change: Callable[[Submission], Submission], *, always: bool = False) -> Callable[[Submission], Submission]:
        """``change``, applied to the file's answers merged with those in memory while saving fails.

        After a failed save the file lacks what was answered since; building the next change on the
        file alone would drop those answers from memory too. ``always`` merges in any case (Restore).
        """
        if not (always or self.save_failed):
            return change
        memory = self.submission
        return lambda base: change(merge_submissions(base, memory))

    def _saved(self, notes: list[str]) -> None:
        """Record how the last save went (the store knows whether the file lacks the answers) and
        the notes to show.
        """
        failed = self.store.unsaved
        self.saved_again = self.save_failed and not failed
        self.save_failed = failed
        self.notes = tuple(notes)

    def _after_restore(self) -> None:
        self._sync_checked()
        self.select(self.opening_statement())

    def _sync_checked(self) -> None:
        """After loading or restoring: a statement whose answers have not changed since its last Check
        shows that check's verdicts (Check stamps ``updated`` and ``last_checked`` alike).
        """
        self._checked = {}
        for sid, entry in self.submission["answers"].items():
            if entry.get("attempts") and entry.get("last_checked") and entry.get("updated") == entry.get("last_checked"):
                self._checked[sid] = {
                    name: normalise(self.case, name, value, sid) for name, value in entry.get("current", {}).items()
                }


__all__ = ["Download", "Feedback", "FeedbackLine", "FileResult", "PanelModel", "RestorePlan", "answer_count", "answered"]
