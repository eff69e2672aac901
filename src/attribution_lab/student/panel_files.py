"""What Restore from file and Start over tell the student, as plain data (the panel model's files side)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.case import Answer
from ..core.feedback import join_names
from ..core.submission import Submission


@dataclass(frozen=True)
class FileResult:
    """What Restore or Start over did: whether it worked, and the sentences to tell the student."""

    ok: bool
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Download:
    """A copy of the answers prepared for Download my answers, at the moment it was asked for."""

    data: bytes
    name: str  # the file name the browser suggests
    answers: int  # how many answers (statement and field) it holds


@dataclass(frozen=True)
class RestorePlan:
    """What restoring an uploaded answers file would do, worked out before anything is written.

    Statement ids by what happens to them: ``added`` (the file answers them, the answers in use do
    not), ``changed`` (Merge would change their answers: the file's are newer), ``kept`` (answered
    now and left as they are by Merge) and ``removed`` (answered now, but Replace everything would
    leave them with no answers, because the file does not answer them).
    """

    name: str
    uploaded: Submission
    added: tuple[str, ...]
    changed: tuple[str, ...]
    kept: tuple[str, ...]
    removed: tuple[str, ...]
    notes: tuple[str, ...] = ()  # e.g. the file was made against another version of the key

    @property
    def question(self) -> str:
        """What the panel asks before restoring, in plain words, with the counts and the statements."""
        held = len(answered(self.uploaded))
        does = [text for ids, text in (
            (self.added, f"adds answers to {statement_list(self.added)}"),
            (self.changed, f"changes your answers to {statement_list(self.changed)}, where the file's are newer"),
            (self.kept, f"keeps your answers to {statement_list(self.kept)} as they are"),
        ) if ids]
        merge = (f"Merge {join_names(does)}; newer answers are never removed." if does
                 else "Merge changes nothing: the file holds no answers that yours lack.")
        replace = ("Replace everything sets your answers to exactly those in the file"
                   + (f", so {statement_list(self.removed)} you answered would lose their answers." if self.removed else "."))
        return (f"{self.name} holds answers to {held} statement{'s' if held != 1 else ''}. {merge} {replace} "
                "Either way, a copy of your answers file is kept first.")


def answered(submission: Submission) -> dict[str, tuple[dict[str, Answer], dict[str, Answer]]]:
    """Statement id -> (current answers, first tries), for the statements with any answer at all."""
    return {
        sid: (dict(entry.get("current", {})), dict(entry.get("first", {})))
        for sid, entry in submission.get("answers", {}).items()
        if entry.get("current") or entry.get("first")
    }


def answer_count(submission: Submission) -> int:
    """How many answers a submission holds: one per statement and field answered now."""
    return sum(len(entry.get("current", {})) for entry in submission.get("answers", {}).values())


def statement_list(ids: tuple[str, ...], shown: int = 8) -> str:
    """``"3 statements (K01, K02 and K05)"``; long lists end with ``and N more``."""
    if not ids:
        return "no statements"
    listed = list(ids[:shown]) + ([f"{len(ids) - shown} more"] if len(ids) > shown else [])
    return f"{len(ids)} statement{'s' if len(ids) != 1 else ''} ({join_names(listed)})"


__all__ = ["Download", "FileResult", "RestorePlan", "answer_count", "answered"]
