"""Feedback wording: the one place that turns the engine's verdicts into the words students read."""

from __future__ import annotations

import pytest

from attribution_lab.core.engine import check_field
from attribution_lab.core.feedback import (
    VERDICT_MARKS,
    answer_name,
    field_feedback,
    join_chain,
    join_names,
    mark,
    rule_citation,
    rule_text,
    shorten,
)


def test_every_verdict_has_a_mark_and_a_word_and_feedback_starts_with_the_mark(kursk) -> None:
    """Each of the five verdicts has its own symbol and word; a line of feedback starts with the
    mark of its verdict, so views never parse feedback to recover it."""
    assert set(VERDICT_MARKS) == {"correct", "accepted", "partly", "wrong", "unanswered"}
    statement = next(s for s in kursk.statements if len(s.chain) >= 2)
    seen = set()
    for value in (None, statement.chain, statement.chain[:1], *kursk.labels("chain")):
        result = check_field(kursk, statement, "chain", [value] if isinstance(value, str) else value)
        assert field_feedback(kursk, result).startswith(mark(result.verdict) + " Chain:")
        seen.add(result.verdict)
    assert {"unanswered", "correct", "partly"} <= seen


def test_accepted_feedback_gives_the_reason_and_the_keys_answer(kursk) -> None:
    """An accepted alternative is named, its reason from the key is quoted, and the key's own
    first answer is named too."""
    statement = next(s for s in kursk.statements if s.accepted["origin"])
    alternative = statement.accepted["origin"][0]
    text = field_feedback(kursk, check_field(kursk, statement, "origin", alternative.answer))
    assert alternative.why in text
    assert answer_name(kursk, "origin", statement.label("origin")) in text


def test_names_of_answers_and_chains(kursk) -> None:
    """A label is named by its name; a chain by its links' names joined with arrows."""
    statement = next(s for s in kursk.statements if len(s.chain) >= 2)
    names = [kursk.labels("chain")[link].name for link in statement.chain]
    assert answer_name(kursk, "chain", statement.chain) == " → ".join(names) == join_chain(names)
    assert join_names(["Origin"]) == "Origin"
    assert join_names(["Origin", "Claim type", "Chain"]) == "Origin, Claim type and Chain"


def test_the_rule_is_cited_with_its_heading_and_text(kursk) -> None:
    """The heading is 'A5, name'; the text follows a colon; both come from the key's rule for that
    trust question; a field that no rule decides has no citation."""
    statement = kursk.statements[0]
    for field in ("reported_right", "believable"):
        rule = kursk.deciding_rule(statement, field)
        assert rule is not None and rule.field == field
        assert rule_citation(kursk, statement.id, field) == (f"{rule.id}, {rule.name}", rule.text)
        assert rule_text(kursk, statement.id, field) == f"{rule.id}, {rule.name}: {rule.text}"
    assert rule_citation(kursk, statement.id, "chain") is None


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Named expert", 30, "Named expert"),
        ("A very long origin label name that a case author might write", 30, "A very long origin label name…"),
        ("Supercalifragilisticexpialidocious words", 12, "Supercalifr…"),
        ("North Korea, Russia and others", 14, "North Korea…"),
    ],
)
def test_shorten_cuts_at_a_word_where_it_can(text: str, limit: int, expected: str) -> None:
    """Long texts are cut to the limit with an ellipsis, between words unless the first word alone
    is too long; a comma left at the cut goes too."""
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_a_chain_not_yet_right_names_the_links_that_do_not_belong_and_counts_the_missing(kursk) -> None:
    """A partly right chain says which named links do not belong and how many are missing, without
    naming the missing ones; the key's chain is named only when telling."""
    from attribution_lab.core.engine import check_field
    from attribution_lab.core.feedback import field_feedback

    statement = next(s for s in kursk.statements if len(s.chain) == 4 and not s.accepted["chain"])
    extra = next(link for link in kursk.labels("chain") if link not in statement.chain)
    result = check_field(kursk, statement, "chain", [statement.chain[0], extra])
    text = field_feedback(kursk, result)
    assert result.verdict == "partly"
    assert f"{kursk.labels('chain')[extra].name} does not belong" in text and "3 links are missing" in text
    assert not any(kursk.labels("chain")[link].name in text for link in statement.chain[1:])
    told = field_feedback(kursk, result, tell=True)
    assert "The key's answer is " + " → ".join(kursk.labels("chain")[link].name for link in statement.chain) in told


def test_a_chain_told_names_its_missing_links_against_the_nearest_accepted_chain(kursk) -> None:
    """Once the answer may be told, the missing links are named (not counted), measured against the
    accepted chain nearest the student's; that chain is named as accepted beside the key's."""
    from attribution_lab.core.engine import check_field
    from attribution_lab.core.feedback import field_feedback

    statement = kursk.statement("S01")
    shorter = statement.accepted["chain"][0].answer  # KCNA → Polish outlet → machine translation
    result = check_field(kursk, statement, "chain", [shorter[0]])
    names = [kursk.labels("chain")[link].name for link in shorter[1:]]
    told = field_feedback(kursk, result, tell=True)
    assert f"{names[0]} and {names[1]} are missing" in told
    assert " → ".join(kursk.labels("chain")[link].name for link in shorter) + " is also accepted" in told
    assert f"{len(names)} links are missing" in field_feedback(kursk, result) and names[0] not in field_feedback(kursk, result)
