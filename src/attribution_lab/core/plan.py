"""The module's plan: which lesson asks which fields of which statements, derived from the case.

Nothing here names a statement of a particular case. Each lesson picks its statements with a rule
that reads the key (lesson 05 takes the statements whose claim type is a figure, lesson 06 the ones
whose red flag is not ``none``), so a new case works in every notebook without a change of code. A
case's key may list a lesson's statements itself (``lessons`` in the key), which then win.

Each (statement, field) is asked by one lesson only: a general lesson leaves the statements of a
later, more particular lesson to that lesson (``leaves_to``), so no panel opens with an answer
given in another lesson, and a lesson's checks and first tries are its own. :func:`asked` is the
set every score counts: the grader's maximum, lesson 07 and the worksheets all read it, and a
(statement, field) no lesson asks is never scored. The graded worksheets ask the same plan of the
practice case (:data:`PRACTICE_CASE`), whose statements no lesson explains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .case import FIELDS, Case

Selector = Callable[[Case], tuple[str, ...]]

#: The case the graded worksheets use: real facts the lessons never explain.
PRACTICE_CASE = "kursk_prisoners"


def every_statement(case: Case) -> tuple[str, ...]:
    """Every statement, in article order."""
    return case.statement_ids


def passed_on(case: Case) -> tuple[str, ...]:
    """Statements whose key chain has at least two links: claims that were passed on, not just written."""
    return tuple(s.id for s in case.statements if len(s.answers["chain"]) >= 2)


def giving_figures(case: Case) -> tuple[str, ...]:
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
    """One notebook of the module: what it teaches, how long it takes, what the student answers.

    ``leaves_to`` names later lessons whose statements this one does not ask: they are asked there,
    with the fields that lesson is about.
    """

    number: str
    notebook: str
    title: str
    teaches: str
    minutes: int
    fields: tuple[str, ...]
    select: Selector
    leaves_to: tuple[str, ...] = ()

    def chosen(self, case: Case) -> tuple[str, ...]:
        """The statements this lesson is about, before any are left to a later lesson: the key's
        list for this lesson if it has one (in article order), else the lesson's own choice.
        """
        listed = case.lessons.get(self.number)
        if listed:
            return tuple(sid for sid in case.statement_ids if sid in listed)
        return self.select(case)

    def statement_ids(self, case: Case) -> tuple[str, ...]:
        """The statements this lesson asks about, for this case (:meth:`chosen`, less the statements
        of the lessons in ``leaves_to``).
        """
        left = {sid for number in self.leaves_to for sid in lesson(number).chosen(case)}
        return tuple(sid for sid in self.chosen(case) if sid not in left)

    @property
    def path(self) -> str:
        """Where the notebook lives, relative to the project folder."""
        return f"notebooks/{self.notebook}.ipynb"

    @property
    def worksheet(self) -> str:
        """Where the lesson's graded worksheet lives (exercises; solutions hold the worked copy)."""
        return f"exercises/{WORKSHEETS[self.number]}.ipynb"


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "00_start_here", "Start here",
           "what the module teaches, how answers are saved and restored, the text interface", 10, (), every_statement),
    Lesson("01", "01_reading_the_article", "Reading the article",
           "source, cue and content of an attribution; finding the cues", 10, (), with_cue),
    Lesson("02", "02_who_said_it", "Who said it?",
           "the origin of each claim", 20, ("origin",), every_statement, ("05",)),
    Lesson("03", "03_how_sure", "How sure can you be?",
           "claim types, and the two trust questions (reported right? believable?) with their rules in order", 45,
           ("claim_type", "reported_right", "believable"), every_statement, ("05",)),
    Lesson("04", "04_following_the_chain", "Following the chain",
           "who passed each claim on between its origin and you", 15, ("chain",), passed_on),
    Lesson("05", "05_numbers_and_estimates", "Numbers and estimates",
           "who gave each figure, when, and how estimates changed", 10, ("origin", "reported_right", "believable", "red_flag"),
           giving_figures),
    Lesson("06", "06_red_flags", "Red flags",
           "misattributions, wrong or outdated figures, contradictions, translation errors; SIFT", 10,
           ("red_flag",), flagged, ("05",)),
    Lesson("07", "07_my_results", "My results",
           "your scores by lesson and by field, first try against current answers, what to revisit", 5, (), every_statement),
)

#: Lesson number -> its graded worksheet's notebook name (the same fields, on the practice case).
WORKSHEETS: dict[str, str] = {
    "02": "02_origins_worksheet",
    "03": "03_trust_worksheet",
    "04": "04_chain_worksheet",
    "05": "05_figures_worksheet",
    "06": "06_red_flags_worksheet",
}


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


def asked(case: Case) -> dict[str, tuple[str, ...]]:
    """Statement id -> the fields some lesson asks of it (in the order of ``FIELDS``), for the
    statements anything is asked of, in article order. What every score counts.
    """
    fields: dict[str, set[str]] = {}
    for item in graded_lessons():
        for sid in item.statement_ids(case):
            fields.setdefault(sid, set()).update(item.fields)
    return {sid: tuple(f for f in FIELDS if f in fields[sid]) for sid in case.statement_ids if sid in fields}


def asked_by(case: Case) -> dict[tuple[str, str], str]:
    """(statement id, field) -> the number of the one lesson that asks it."""
    return {(sid, f): item.number for item in graded_lessons() for sid in item.statement_ids(case) for f in item.fields}


__all__ = [
    "LESSONS",
    "PRACTICE_CASE",
    "WORKSHEETS",
    "Lesson",
    "asked",
    "asked_by",
    "every_statement",
    "flagged",
    "giving_figures",
    "graded_lessons",
    "lesson",
    "passed_on",
    "with_cue",
]
