"""The lessons of the module: which statements and which fields each one uses, derived from the case.

Nothing here names a statement of a particular case. Each lesson picks its statements with a rule
that reads the key (lesson 05 takes the statements whose claim type is a figure, lesson 06 the ones
whose red flag is not ``none``), so a new case works in every notebook without a change of code.

The module also holds the small text views the lessons print: the article with statement ids, the
cue self-check of lesson 01, the confidence rules, and the per-lesson summary of a submission.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .case import FIELD_NAMES, Case
from .engine import Score, check_field, score
from .submission import Submission, answers_of
from .text import format_statement

Selector = Callable[[Case], tuple[str, ...]]


def every_statement(case: Case) -> tuple[str, ...]:
    """Every statement, in article order."""
    return case.statement_ids


def passed_on(case: Case) -> tuple[str, ...]:
    """Statements whose key chain has at least two links: claims that were passed on, not just written."""
    return tuple(s.id for s in case.statements if len(s.answers["chain"]) >= 2)


def figures(case: Case) -> tuple[str, ...]:
    """Statements whose key claim type is ``figure``, and any statement the case lists as giving a figure."""
    listed = {f.statement for f in case.article_figures}
    return tuple(s.id for s in case.statements if s.answers["claim_type"] == "figure" or s.id in listed)


def flagged(case: Case) -> tuple[str, ...]:
    """Statements whose key red flag is anything but ``none``."""
    return tuple(s.id for s in case.statements if s.answers["red_flag"] != "none")


def with_cue(case: Case) -> tuple[str, ...]:
    """Statements that carry an attribution cue ("said", "according to", ...)."""
    return tuple(s.id for s in case.statements if s.cue)


@dataclass(frozen=True)
class Lesson:
    """One notebook of the module: what it teaches, how long it takes, what the student answers."""

    number: str
    notebook: str
    title: str
    teaches: str
    minutes: int
    fields: tuple[str, ...]
    select: Selector

    def statement_ids(self, case: Case) -> tuple[str, ...]:
        """The statements this lesson asks about, for this case."""
        return self.select(case)

    @property
    def path(self) -> str:
        """Where the notebook lives, relative to the project folder."""
        return f"notebooks/{self.notebook}.ipynb"


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "00_start_here", "Start here",
           "what the module teaches, how answers are saved and restored, the text interface", 10, (), every_statement),
    Lesson("01", "01_reading_the_article", "Reading the article",
           "source, cue and content of an attribution; finding the cues", 20, (), with_cue),
    Lesson("02", "02_who_said_it", "Who said it?",
           "the origin of each claim", 25, ("origin",), every_statement),
    Lesson("03", "03_how_sure", "How sure can you be?",
           "claim types and confidence, applying the case's confidence rules in order", 30,
           ("claim_type", "confidence"), every_statement),
    Lesson("04", "04_following_the_chain", "Following the chain",
           "who passed each claim on between its origin and you", 25, ("chain",), passed_on),
    Lesson("05", "05_numbers_and_estimates", "Numbers and estimates",
           "who gave each figure, when, and how estimates changed", 25, ("origin", "confidence", "red_flag"), figures),
    Lesson("06", "06_red_flags", "Red flags",
           "misattributions, wrong or outdated figures, contradictions, translation errors; SIFT", 30,
           ("red_flag",), flagged),
    Lesson("07", "07_my_results", "My results",
           "your scores by lesson and by field, first try against final, what to revisit", 10, (), every_statement),
)


def lesson(number: str | int) -> Lesson:
    """The lesson with this number (``2``, ``"02"``). Raises ``KeyError`` naming the lessons."""
    wanted = f"{int(number):02d}" if str(number).isdigit() else str(number)
    for item in LESSONS:
        if item.number == wanted:
            return item
    raise KeyError(f"no lesson {number!r}; the lessons are {', '.join(i.number for i in LESSONS)}")


def graded_lessons() -> tuple[Lesson, ...]:
    """The lessons in which students answer fields (the ones a results dashboard scores)."""
    return tuple(item for item in LESSONS if item.fields)


# --------------------------------------------------------------------------------------------
# Text views the lessons print (plain text: screen readers and static viewers read it as is)


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "     ") or [indent]


def article_text(case: Case, statement_ids: tuple[str, ...] | None = None, *, width: int = 88) -> str:
    """The article paragraph by paragraph, each statement preceded by its id in square brackets."""
    chosen = set(statement_ids) if statement_ids is not None else set(case.statement_ids)
    marks = sorted((s.start, s.id) for s in case.statements if s.id in chosen)
    pieces, last = [], 0
    for start, sid in marks:
        pieces.append(case.article[last:start])
        pieces.append(f"[{sid}] ")
        last = start
    pieces.append(case.article[last:])
    marked = "".join(pieces)
    paragraphs = [textwrap.fill(p, width) for p in marked.split("\n") if p.strip()]
    return "\n\n".join(paragraphs)


def statements_text(case: Case, statement_ids: tuple[str, ...], *, width: int = 88) -> str:
    """The given statements, one per paragraph, each with its id."""
    return "\n".join(format_statement(case, sid, width=width) for sid in statement_ids)


def rules_text(case: Case, *, width: int = 88) -> str:
    """The case's confidence rules, in the order they are applied."""
    lines = []
    for rule in case.rules.values():
        lines.extend(_wrap(f"{rule.id} {rule.name}: {rule.text}", width))
    return "\n".join(lines)


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("“", '"').replace("”", '"').split()).strip(" ,.;:\"'")


def check_cues(case: Case, cues: Mapping[str, Any], *, width: int = 88) -> str:
    """Feedback on a student's cues: statement id -> the words they think introduce the source.

    A cue counts as found when it and the key's cue overlap (either contains the other, ignoring
    case and spacing); a statement without a cue is right when the student writes ``None`` or "".
    Returns the feedback as text, one line per statement, and a count.
    """
    if not cues:
        return "No cues given yet: fill in the dictionary above with a statement id and the words you found."
    lines, right = [], 0
    for sid, given in cues.items():
        key = case.statement(sid).cue
        wrote = "" if given is None or given is Ellipsis else _normal(str(given))
        if key is None:
            ok = wrote == ""
            feedback = "right: no cue; the writer speaks without naming a source." if ok else (
                "not yet: this statement has no cue; whose voice is it?")
        else:
            expected = _normal(key)
            ok = bool(wrote) and (wrote in expected or expected in wrote)
            feedback = f"right: the cue is “{key}”." if ok else "not yet: look for the words that say who is speaking."
        right += ok
        lines.extend(_wrap(f"{'✓' if ok else '✗'} {sid}: {feedback}", width))
    lines.append(f"{right} of {len(cues)} cues found.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# A submission, scored lesson by lesson


def lesson_scores(case: Case, submission: Submission, which: str = "current") -> dict[str, Score]:
    """Lesson number -> score of the submission's ``current`` or ``first`` answers on that lesson's
    statements and fields. Only lessons with fields are scored."""
    answers = answers_of(submission, which)
    return {
        item.number: score(case, answers, fields=item.fields, statement_ids=item.statement_ids(case))
        for item in graded_lessons()
    }


def _percent(value: Score) -> str:
    return f"{round(100 * value.fraction)}%"


def results_text(case: Case, submission: Submission, *, width: int = 88) -> str:
    """A plain-text report of a submission: score by lesson (first try and final) and what was missed."""
    final, first = lesson_scores(case, submission, "current"), lesson_scores(case, submission, "first")
    lines = [f"Results for case {case.id!r}", "By lesson (first try / now):"]
    for item in graded_lessons():
        lines.append(f"  {item.number} {item.title}: {_percent(first[item.number])} / {_percent(final[item.number])}")
    answers = answers_of(submission, "current")
    missed, unanswered = [], 0
    for statement in case.statements:
        for field in sorted({f for item in graded_lessons() for f in item.fields}, key=list(FIELD_NAMES).index):
            value = answers.get(statement.id, {}).get(field)
            result = check_field(case, statement, field, value)
            if result.verdict == "unanswered":
                unanswered += 1
            elif not result.is_right:
                missed.append(f"{statement.id} {FIELD_NAMES[field].lower()}")
    lines.append("Still to look at again: " + (", ".join(missed) if missed else "nothing"))
    lines.append(f"Fields not answered yet: {unanswered}")
    return "\n".join(line for raw in lines for line in (textwrap.wrap(raw, width, subsequent_indent="    ") or [""]))


__all__ = [
    "LESSONS",
    "Lesson",
    "article_text",
    "check_cues",
    "every_statement",
    "figures",
    "flagged",
    "graded_lessons",
    "lesson",
    "lesson_scores",
    "passed_on",
    "results_text",
    "rules_text",
    "statements_text",
    "with_cue",
]
