"""Plain-text views of the engine's results, for people without widgets (screen readers, static
viewers, a terminal). The same verdicts and feedback the panel shows, as lines of text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

from ..core.case import DEFAULT_CASE, FIELD_NAMES, Case
from ..core.engine import StatementResult, check_statement
from ..core.feedback import field_feedback, mark, rule_text
from ..errors import UnknownLabelError, UnknownStatementError
from ..storage.cases import load_case


def format_result(case: Case, result: StatementResult, *, width: int = 88, tell: Iterable[str] = ()) -> str:
    """The feedback on one statement as plain text: a line per field, then the why (and rule) of each
    field that is right. A field not yet right gets its hint; its answer and why are shown only for
    the fields in ``tell`` (after two tries, or asked: :mod:`attribution_lab.core.reveal`).
    """
    told = set(tell)
    statement = case.statement(result.statement_id)
    lines = [f"{result.statement_id}:"]
    for field in result.fields:
        text = field_feedback(case, field, tell=field.field in told)
        lines.extend(textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="    "))
    if not result.attempted:
        lines.append("  Answer at least one field to see the feedback.")
        return "\n".join(lines)
    # A text check keeps no record of tries, so a why shows for a right field or one the caller tells.
    shown = [f for f in result.fields if f.is_right or f.field in told]
    for field in shown:  # only the fields checked: one lesson never explains another's field
        why = f"Why ({FIELD_NAMES[field.field]}): {statement.why(field.field)}"
        lines.extend(textwrap.wrap(why, width, initial_indent="  ", subsequent_indent="    "))
        rule = rule_text(case, statement.id, field.field)
        if rule:
            lines.extend(textwrap.wrap(f"Rule {rule}", width, initial_indent="  ", subsequent_indent="    "))
    if statement.uncertain and shown and len(shown) == len(result.fields):
        lines.extend(textwrap.wrap(f"Still uncertain: {statement.uncertain}", width, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(lines)


def format_statement(case: Case, statement_id: str, *, width: int = 88) -> str:
    """One statement's id and text, and the choices for each field, as plain text."""
    statement = case.statement(statement_id)
    lines = textwrap.wrap(f"{statement.id}: {statement.quote}", width, subsequent_indent="     ")
    return "\n".join(lines)


def format_choices(case: Case, field: str, *, width: int = 88) -> str:
    """The labels of one field with their definitions, as plain text."""
    lines = [f"{FIELD_NAMES[field]}:"]
    for label in case.labels(field).values():
        lines.extend(textwrap.wrap(f"{label.id}: {label.name}. {label.definition}", width, initial_indent="  - ", subsequent_indent="    "))
    return "\n".join(lines)


def check(statement_id: str, *, case: Case | str = DEFAULT_CASE, show_answers: bool = False, **answers: Any) -> None:
    """Check answers for one statement and print the feedback, e.g.
    ``check("S05", origin="north_korea", believable="probably_true")``.

    A field not yet right gets a hint; ``show_answers=True`` also names the key's answer and shows the
    why for those fields (this check saves nothing, so it cannot count the tries as a panel does). A
    statement id may be typed in lower case; an unknown id or label prints one line saying what the
    choices are.
    """
    loaded = case if isinstance(case, Case) else load_case(case)
    try:
        result = check_statement(loaded, statement_id.strip().upper() if isinstance(statement_id, str) else statement_id, answers)
    except (UnknownLabelError, UnknownStatementError) as error:  # a typo: one line that says what to choose
        print(f"{mark('wrong')} {error}")
        return
    told = [f.field for f in result.fields if f.verdict != "unanswered"] if show_answers else []
    print(format_result(loaded, result, tell=told))
