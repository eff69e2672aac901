"""Worked examples come from the key: the trust rules applied in order, and a chain explained."""

from __future__ import annotations

import pytest

from attribution_lab import load_case
from attribution_lab.core.case import FIELD_NAMES, RULED_FIELDS
from attribution_lab.storage.cases import builtin_cases
from attribution_lab.student import lessons, worked

PRACTICE = load_case(worked.PRACTICE_CASE)


def flat(text: str) -> str:
    return " ".join(text.split())


def section(text: str, field: str) -> str:
    """The part of a worked text about one trust question (up to the next question's heading)."""
    start = text.index(f"{FIELD_NAMES[field]} Take the rules in order")
    later = [text.index(f"{FIELD_NAMES[f]} Take the rules", start + 1) for f in RULED_FIELDS
             if f"{FIELD_NAMES[f]} Take the rules" in text[start + 1:]]
    return text[start:min(later, default=len(text))]


@pytest.mark.parametrize("case_id", ["alder_river", "kursk"])
def test_worked_rules_tries_each_rule_in_order_up_to_the_one_the_key_names(case_id: str) -> None:
    """For every statement and trust question, the worked text lists the rules from the first up to
    the rule the key names as deciding (no later one), says that rule decides, and gives the key's
    answer and its why; the facts it lists are the key's recorded values."""
    case = load_case(case_id)
    for statement in case.statements:
        text = worked.worked_rules(case, statement.id)
        assert flat(statement.quote) in flat(text)
        for field in RULED_FIELDS:
            part = section(text, field)
            deciding = case.deciding_rule(statement, field)
            assert deciding is not None
            ids = [rule.id for rule in case.rules[field]]
            upto = ids[: ids.index(deciding.id) + 1]
            positions = [part.index(f"  {rule_id} ") for rule_id in upto]
            assert positions == sorted(positions), (statement.id, field)
            for later in ids[len(upto):]:
                assert f"  {later} " not in part, (statement.id, field, later)
            assert f"so {deciding.id} decides" in part, (statement.id, field)
            assert f"Answer: {case.labels(field)[statement.label(field)].name}." in part
            assert flat(statement.why(field)) in flat(part)
        for name, value in statement.facts.items():
            shown = "true" if value is True else "false" if value is False else str(value)
            if f"({name} is" in text:
                assert f"({name} is {shown})" in flat(text), (statement.id, name)


def test_rules_examples_are_two_statements_with_different_deciding_rules() -> None:
    """The practice examples are two different statements, in article order, and between them the
    rules that decide cover both trust questions with at least three different rules."""
    chosen = worked.rules_examples(PRACTICE)
    assert len(chosen) == 2 and len(set(chosen)) == 2
    assert list(chosen) == [sid for sid in PRACTICE.statement_ids if sid in chosen]
    deciding = set()
    for sid in chosen:
        for field in RULED_FIELDS:
            rule = PRACTICE.deciding_rule(PRACTICE.statement(sid), field)
            assert rule is not None
            deciding.add(rule.id)
    assert len(deciding) >= 3, deciding


def test_worked_chain_gives_the_keys_chain_and_why() -> None:
    """The chain text names the origin, each intermediary of the key's chain in order, and the why."""
    sid = lessons.chain_example(PRACTICE)
    statement = PRACTICE.statement(sid)
    text = flat(worked.worked_chain(PRACTICE, sid))
    names = [PRACTICE.labels("origin")[statement.label("origin")].name]
    names += [PRACTICE.labels("chain")[link].name for link in statement.chain]
    assert " → ".join([*names, "you"]) in text
    assert flat(statement.why("chain")) in text
    assert len(statement.chain) >= 2, "the longest chain of the practice case has two links or more"


@pytest.mark.parametrize("case_id", builtin_cases())
def test_the_practice_case_is_invented_and_uses_every_cases_rules(case_id: str) -> None:
    """Lesson 03 says the practice article is invented and that its key uses the same facts and
    rules as every case: so the worked examples teach the rules a student applies to any case."""
    assert PRACTICE.invented and "invented" in PRACTICE.title
    case = load_case(case_id)
    assert (case.facts, case.rules, case.before_the_rules) == (PRACTICE.facts, PRACTICE.rules, PRACTICE.before_the_rules)
