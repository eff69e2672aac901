"""Plain-text views of the engine's results, for people without widgets (screen readers, static
viewers, a terminal). The same verdicts and feedback the panel shows, as lines of text.
"""

from __future__ import annotations

import textwrap
from typing import Any

from ..core.case import DEFAULT_CASE, FIELD_NAMES, Case
from ..core.engine import StatementResult, check_statement
from ..core.feedback import field_feedback, rule_text
from ..storage.cases import load_case


def format_result(case: Case, result: StatementResult, *, width: int = 88) -> str:
    """The feedback on one statement as plain text: a line per field, then why (only once at least
    one field is answered).
    """
    statement = case.statement(result.statement_id)
    lines = [f"{result.statement_id}:"]
    for field in result.fields:
        lines.extend(textwrap.wrap(field_feedback(case, field), width, initial_indent="  ", subsequent_indent="    "))
    if not result.attempted:
        # A why gives its field's answer away: as in the panel, it comes only after a real try.
        lines.append("  Answer at least one field to see the feedback and why.")
        return "\n".join(lines)
    for field in result.fields:  # only the fields checked: one lesson never explains another's field
        if field.verdict == "unanswered":
            continue
        why = f"Why ({FIELD_NAMES[field.field]}): {statement.why(field.field)}"
        lines.extend(textwrap.wrap(why, width, initial_indent="  ", subsequent_indent="    "))
        rule = rule_text(case, statement.id, field.field)
        if rule:
            lines.extend(textwrap.wrap(f"Rule {rule}", width, initial_indent="  ", subsequent_indent="    "))
    if statement.uncertain:
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


def check(statement_id: str, *, case: Case | str = DEFAULT_CASE, **answers: Any) -> None:
    """Check answers for one statement and print the feedback, e.g.
    ``check("S05", origin="north_korea", believable="probably_true")``.
    """
    loaded = case if isinstance(case, Case) else load_case(case)
    print(format_result(loaded, check_statement(loaded, statement_id, answers)))
