"""The lessons as students meet them: panels, and the small text views the lessons print.

Which lesson asks which fields of which statements is the module's plan
(:mod:`attribution_lab.core.plan`, re-exported here). This module holds the panels and the text
views the lessons print: the article with statement ids, the cue self-check of lesson 01, the
trust questions' rules, and the per-lesson summary of a submission.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from IPython.display import Markdown

from ..core.case import FIELD_NAMES, FIELDS, Case
from ..core.engine import Score, check_field, score
from ..core.feedback import mark
from ..core.plan import (
    LESSONS,
    PRACTICE_CASE,
    Lesson,
    asked,
    asked_by,
    every_statement,
    flagged,
    giving_figures,
    graded_lessons,
    lesson,
    passed_on,
    with_cue,
)
from ..core.submission import Submission, answers_of
from ..storage.answers_store import AnswersStore
from ..storage.cases import load_case
from ..storage.location import MODULE_FOLDERS, SITE_ENV, answers_file_name, default_answers_path
from .text import format_choices, format_statement


def overview() -> str:
    """The lessons as plain text: number, title, minutes and what each teaches."""
    lines = []
    for item in LESSONS:
        lines.append(f"{item.number}  {item.title} ({item.minutes} min)")
        lines.extend(textwrap.wrap(item.teaches, 84, initial_indent="    ", subsequent_indent="    "))
    lines.append(f"In all about {sum(item.minutes for item in LESSONS)} minutes.")
    return "\n".join(lines)


def panel(case: Case, number: str | int, answers_path: str | Path | None = None) -> Any:
    """The classification panel of a lesson: its fields, over its statements for this case.

    When the case has no statement for the lesson, a short note is returned instead, so the
    notebook still runs from top to bottom.
    """
    item = lesson(number)
    ids = item.statement_ids(case)
    if not ids or not item.fields:
        return Markdown(f"*Case {case.id!r} has no statements for lesson {item.number} ({item.title}).*")
    if os.environ.get(SITE_ENV) == "1":  # a static page (make site) cannot run a panel: the text view
        return _panel_as_text(case, item.fields, ids)
    from .panel import Panel  # the widgets load only where a panel is shown

    return Panel(case, fields=item.fields, statements=ids, answers_path=answers_path)


def _panel_as_text(case: Case, fields: tuple[str, ...], ids: tuple[str, ...]) -> Markdown:
    """What the panel asks, as text: the statements and each field's choices (no answers, no whys)."""
    names = ", ".join(FIELD_NAMES[f] for f in fields)
    choices = "\n\n".join(format_choices(case, f) for f in fields)
    return Markdown(f"*In JupyterLab a panel asks here, statement by statement: {names}. The statements and the choices:*\n\n"
                    f"```text\n{statements_text(case, ids)}\n\n{choices}\n```")


def answers_location(case: Case) -> str:
    """Where the student's answers file for the case is, as lesson 00 shows it: its full path. On
    the static site (``make site``) the lesson runs in a folder of the build, whose path would tell
    a reader nothing about their own computer, so the page gives the rule that finds the file.
    """
    if os.environ.get(SITE_ENV) == "1":
        holds = " and ".join(f"{name}/" for name in MODULE_FOLDERS)
        return (f"{answers_file_name(case.id)}, in the module's folder: the folder that holds {holds} "
                "(run this cell in JupyterLab to see its full path)")
    return str(default_answers_path(case.id))


def my_answers(case: Case, answers_path: str | Path | None = None) -> Submission:
    """The student's answers for the case, from the answers file the panels and worksheets save to.

    An empty submission when there is no file yet. Notes about a damaged file are printed; the
    store keeps a copy of such a file before using what can be saved from it.
    """
    path = Path(answers_path) if answers_path is not None else default_answers_path(case.id)
    loaded = AnswersStore(path, case).load()
    for note in loaded.notes:
        print(note)
    return loaded.submission


def chain_example(case: Case) -> str:
    """A statement to draw as a worked example of a chain: the first with the longest key chain."""
    return max(case.statements, key=lambda s: len(s.answers["chain"])).id


def cue_practice(case: Case, count: int = 5) -> tuple[str, ...]:
    """The first few statements of the article, for practising finding cues (some may have none)."""
    return case.statement_ids[:count]


def estimates_text(case: Case, *, width: int = 88) -> str:
    """Every dated estimate with who gave it, when, the key's note and the outlet; then the article's
    own figures, which carry no date. Plain text, a text equivalent of the estimate charts.
    """
    origins = case.labels("origin")
    lines: list[str] = []
    for quantity in quantities(case):
        lines.append(f"{quantity.capitalize()}:")
        for estimate in sorted((e for e in case.estimates if e.quantity == quantity), key=lambda e: e.date):
            source = case.evidence[estimate.evidence]
            text = f"- {estimate.date}: {estimate.value:,.0f}, given by {origins[estimate.given_by].name}."
            text += f" {estimate.note}." if estimate.note else ""
            lines.extend(_wrap(f"{text} Source: {source.outlet}.", width, "  "))
        for figure in case.article_figures:
            if figure.quantity == quantity:
                lines.extend(_wrap(f"- the article, {figure.statement}: {figure.value:,.0f}, with no date", width, "  "))
    return "\n".join(lines) if lines else f"Case {case.id!r} has no dated estimates or figures to compare."


def sources_text(case: Case, statement_ids: tuple[str, ...], *, width: int = 88) -> str:
    """For each statement, the outside sources the key checked it against: outlet, date, address and
    what each supports. The "trace it to the original" step of SIFT, as plain text.
    """
    lines: list[str] = []
    for sid in statement_ids:
        statement = case.statement(sid)
        lines.append(f"{sid}:" + ("" if statement.evidence else " no outside source listed in the key"))
        for evidence_id in statement.evidence:
            source = case.evidence[evidence_id]
            when = source.date or "no date on the page"
            lines.extend(_wrap(f"- {source.outlet} ({when}): {source.supports}", width, "  "))
            if source.url:
                lines.append(f"    {source.url}")
    return "\n".join(lines)


def quantities(case: Case) -> tuple[str, ...]:
    """The quantities the case has estimates or article figures for, in order of first mention."""
    seen: list[str] = []
    for quantity in [e.quantity for e in case.estimates] + [f.quantity for f in case.article_figures]:
        if quantity not in seen:
            seen.append(quantity)
    return tuple(seen)


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
    """How to read a statement, then each trust question's rules in the order they are applied."""
    lines = []
    if case.before_the_rules:
        lines.append("Before the rules:")
        for note in case.before_the_rules:
            lines.extend(_wrap(f"- {note}", width, "  "))
    for field, rules in case.rules.items():
        lines.append(f"{FIELD_NAMES[field]} The first rule that fits decides:")
        for rule in rules:
            lines.extend(_wrap(f"{rule.id} {rule.name}: {rule.text}", width, "  "))
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
    for typed, given in cues.items():
        sid = typed.strip().upper() if isinstance(typed, str) else str(typed)
        if sid not in case.statement_ids:
            lines.extend(_wrap(f"{mark('wrong')} {typed!r} is not a statement id: use {case.statement_ids[0]} to "
                               f"{case.statement_ids[-1]}.", width))
            continue
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
        lines.extend(_wrap(f"{mark('correct' if ok else 'wrong')} {sid}: {feedback}", width))
    lines.append(f"{right} of {len(cues)} cues found.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# A submission, scored lesson by lesson


def lesson_scores(case: Case, submission: Submission, which: str = "current") -> dict[str, Score]:
    """Lesson number -> score of the submission's ``current`` or ``first`` answers on that lesson's
    statements and fields. Only lessons with fields are scored.
    """
    answers = answers_of(submission, which)
    return {
        item.number: score(case, answers, fields=item.fields, statement_ids=item.statement_ids(case))
        for item in graded_lessons()
    }


def _percent(value: Score) -> str:
    return f"{round(100 * value.fraction)}%"


def results_text(case: Case, submission: Submission, *, width: int = 88) -> str:
    """A plain-text report of a submission: score by lesson (first try and current answers), then a
    compact table of what was missed and how many fields are not answered yet.
    """
    current, first = lesson_scores(case, submission, "current"), lesson_scores(case, submission, "first")
    lines = [f"Results for case {case.id!r}", "By lesson (first try / current answers):"]
    for item in graded_lessons():
        lines.append(f"  {item.number} {item.title}: {_percent(first[item.number])} / {_percent(current[item.number])}")
    wrapped = [line for raw in lines for line in (textwrap.wrap(raw, width, subsequent_indent="    ") or [""])]
    return "\n".join([*wrapped, "", missed_table(case, submission, width=width)])


def missed_table(case: Case, submission: Submission, *, width: int = 88) -> str:
    """What was missed, compactly: one row per statement with a field not yet right (✗ or ◐), one
    column per field some lesson asks, each miss with the lesson to go back to; then the count of
    fields not answered yet. Only current answers count, and only what some lesson asks.
    """
    answers = answers_of(submission, "current")
    where = asked_by(case)
    rows: list[tuple[str, dict[str, str]]] = []
    unanswered = 0
    for sid, fields in asked(case).items():
        statement = case.statement(sid)
        cells: dict[str, str] = {}
        for field in fields:
            verdict = check_field(case, statement, field, answers.get(sid, {}).get(field)).verdict
            unanswered += verdict == "unanswered"
            cells[field] = f"{mark(verdict)} {where[(sid, field)]}" if verdict in ("wrong", "partly") else mark(verdict)
        if any(cell[0] in (mark("wrong"), mark("partly")) for cell in cells.values()):
            rows.append((sid, cells))
    if not rows:
        table = ["What was missed: nothing among the fields answered so far."]
    else:
        columns = [f for f in FIELDS if any(f in cells for _, cells in rows)]
        heads = ["Statement", *(FIELD_NAMES[f] for f in columns)]
        body = [[sid, *(cells.get(f, "") for f in columns)] for sid, cells in rows]
        widths = [max(len(row[i]) for row in (heads, *body)) for i in range(len(heads))]
        table = textwrap.wrap(f"What was missed ({mark('wrong')} not yet, {mark('partly')} partly right, each "
                              f"with the lesson to go back to; {mark('correct')} right, {mark('unanswered')} not "
                              "answered, blank: not asked):", width)
        table.extend("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in (heads, *body))
    table.append(f"Fields not answered yet: {unanswered}")
    return "\n".join(table)


def worksheets_text(case: Case | None = None, answers_path: str | Path | None = None) -> str:
    """Each graded worksheet's standing, one line each: its graded score and what was missed, or
    that it is not handed in yet. Read from the practice case's answers file, never changed.
    """
    from .hand_in import summary  # worksheets only: the lessons do not need it

    practice = case if case is not None else load_case(PRACTICE_CASE)
    submission = my_answers(practice, answers_path)
    lines = [f"Graded worksheets (case {practice.id!r}):"]
    for item in graded_lessons():
        text = summary(practice, item.number, item.fields, item.statement_ids(practice), submission).text
        lines.extend(textwrap.wrap(text, 88, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(lines)


__all__ = [
    "LESSONS",
    "Lesson",
    "answers_location",
    "article_text",
    "chain_example",
    "check_cues",
    "cue_practice",
    "estimates_text",
    "every_statement",
    "flagged",
    "giving_figures",
    "graded_lessons",
    "lesson",
    "lesson_scores",
    "missed_table",
    "my_answers",
    "overview",
    "panel",
    "passed_on",
    "quantities",
    "results_text",
    "rules_text",
    "sources_text",
    "statements_text",
    "with_cue",
    "worksheets_text",
]
