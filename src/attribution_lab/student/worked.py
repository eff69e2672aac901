"""Worked examples for the lessons: the trust rules applied step by step, and a chain explained.

A worked example shows answers, so the lessons take it from a case other than the one the student
answers: the invented practice case (:data:`PRACTICE_CASE`). Everything printed comes from the
key (the recorded facts, the rules in order, the answer, its why), so nothing is typed twice.
Pure functions returning plain text, which screen readers and static viewers read as is.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from ..core.case import FIELD_NAMES, RULED_FIELDS, Case, FactValue, Rule, Statement
from ..core.rules import applies, describe

#: The invented case the lessons' worked examples come from: it reports no real event, so working
#: through its statements gives away no answer of a case about the world.
PRACTICE_CASE = "alder_river"


def _wrap(text: str, width: int, indent: str = "", more: str = "  ") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + more) or [indent]


def _answer_value(value: FactValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def rules_tried(case: Case, statement: Statement, field: str) -> tuple[Rule, ...]:
    """The rules of a trust question tried in order on the statement's facts, up to and including
    the first that fits (the one that decides).
    """
    tried: list[Rule] = []
    for rule in case.rules[field]:
        tried.append(rule)
        if applies(rule.when, statement.facts):
            break
    return tuple(tried)


def _facts_read(case: Case, statement: Statement) -> list[str]:
    """The facts the tried rules read, in the order they are first read."""
    names: list[str] = []
    for field in RULED_FIELDS:
        for rule in rules_tried(case, statement, field):
            for conditions in rule.when:
                names.extend(name for name in conditions if name not in names)
    return names


def _conditions_text(when: tuple[Mapping[str, Any], ...]) -> str:
    return "always (it is the last rule)" if not when else "if " + ", or if ".join(describe(c) for c in when)


def _here(when: tuple[Mapping[str, Any], ...], facts: Mapping[str, FactValue]) -> str:
    names = [name for conditions in when for name in conditions]
    shown = {name: facts[name] for name in dict.fromkeys(names)}
    return ", ".join(describe({name: value}) for name, value in shown.items())


def worked_rules(case: Case, statement_id: str, *, facts: bool = True, working: bool = True, width: int = 88) -> str:
    """One statement worked through both trust questions, as plain text: the statement, the facts
    the key records for it (only those the rules read), then for each question every rule tried in
    order, why it does or does not fit, the rule that decides, the answer and the key's why.

    ``working=False`` leaves out the rules and answers (to try them first), ``facts=False`` the facts.
    """
    statement = case.statement(statement_id)
    lines = _wrap(f"{statement.id}: {statement.quote}", width, more="     ")
    if facts:
        lines.append("")
        lines.append("The facts the key records for it (only those the rules read):")
        for name in _facts_read(case, statement):
            value = _answer_value(statement.facts[name])
            lines.extend(_wrap(f"- {case.facts[name].question} {value} ({describe({name: statement.facts[name]})})", width, "  "))
    for field in RULED_FIELDS if working else ():
        lines.append("")
        lines.append(f"{FIELD_NAMES[field]} Take the rules in order; the first that fits decides.")
        tried = rules_tried(case, statement, field)
        for rule in tried:
            lines.extend(_wrap(f"{rule.id} {rule.name}: fits {_conditions_text(rule.when)}.", width, "  ", "   "))
            if rule is not tried[-1]:
                lines.extend(_wrap(f"Here {_here(rule.when, statement.facts)}: it does not fit, go on.", width, "     ", ""))
            elif rule.when:
                lines.extend(_wrap(f"Here {_here(rule.when, statement.facts)}: it fits, so {rule.id} decides.", width, "     ", ""))
            else:
                lines.extend(_wrap(f"No rule before it fits, so {rule.id} decides.", width, "     ", ""))
        answer = case.labels(field)[statement.label(field)].name
        lines.append(f"  Answer: {answer}.")
        lines.extend(_wrap(f"Why: {statement.why(field)}", width, "  "))
        for alternative in statement.accepted.get(field, ()):
            other = case.labels(field)[str(alternative.answer)].name
            lines.extend(_wrap(f"Also accepted: {other}. {alternative.why}", width, "  "))
    return "\n".join(lines)


def rules_examples(case: Case, count: int = 2) -> tuple[str, ...]:
    """Statements worth working through the rules on, in article order: first the one that tries the
    most rules before its answers are decided, then each time the one whose deciding rules add the
    most not yet shown (ties: more rules tried, then the earlier statement).
    """
    def depth(statement: Statement) -> int:
        return sum(len(rules_tried(case, statement, field)) for field in RULED_FIELDS)

    def deciding(statement: Statement) -> set[str]:
        return {rules_tried(case, statement, field)[-1].id for field in RULED_FIELDS}

    chosen: list[Statement] = []
    shown: set[str] = set()
    for _ in range(min(count, len(case.statements))):
        rest = [s for s in case.statements if s not in chosen]
        best = max(rest, key=lambda s: (len(deciding(s) - shown), depth(s), -case.statements.index(s)))
        chosen.append(best)
        shown |= deciding(best)
    return tuple(s.id for s in case.statements if s in chosen)


def worked_chain(case: Case, statement_id: str, *, width: int = 88) -> str:
    """One statement and its chain as the key gives it, with the key's why (and any other chain the
    key accepts), as plain text: the words beside the chain drawing.
    """
    statement = case.statement(statement_id)
    names = case.labels("chain")
    origin = case.labels("origin")[statement.label("origin")].name
    links = " → ".join([origin, *(names[link].name for link in statement.chain), "you"])
    lines = _wrap(f"{statement.id}: {statement.quote}", width, more="     ")
    lines.append("From its origin to you:")
    lines.extend(_wrap(links, width, "  "))
    lines.extend(_wrap(f"Why: {statement.why('chain')}", width, more="     "))
    for alternative in statement.accepted.get("chain", ()):
        chain = alternative.answer if isinstance(alternative.answer, tuple) else (alternative.answer,)
        other = " → ".join([origin, *(names[link].name for link in chain), "you"])
        lines.extend(_wrap(f"Also accepted: {other}. {alternative.why}", width, more="     "))
    return "\n".join(lines)


__all__ = ["PRACTICE_CASE", "rules_examples", "rules_tried", "worked_chain", "worked_rules"]
