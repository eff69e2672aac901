"""The checking engine: verdicts per field, feedback that explains, scores with documented weights."""

from __future__ import annotations

import pytest

from attribution_lab import UnknownLabelError, UnknownStatementError
from attribution_lab.core.case import FIELD_NAMES, FIELDS
from attribution_lab.core.engine import WEIGHTS, check_statement, normalise, score
from attribution_lab.core.feedback import field_feedback, rule_text


def key_answers(case, sid):
    """The key's own answers for one statement, as a student would give them."""
    statement = case.statement(sid)
    return {f: statement.answers[f] for f in FIELDS}


def a_wrong_label(case, field, sid):
    """A label of the field that is neither the key's answer nor an accepted one."""
    statement = case.statement(sid)
    ok = {statement.answers[field], *(a.answer for a in statement.accepted[field])}
    return next(label for label in case.labels(field) if label not in ok)


def test_the_key_answer_is_right_for_every_statement(kursk) -> None:
    """Giving the key's answers earns 'correct' and full credit on every field of every statement."""
    for sid in kursk.statement_ids:
        result = check_statement(kursk, sid, key_answers(kursk, sid))
        assert result.all_right
        assert {f.verdict for f in result.fields} == {"correct"}
        assert all(field_feedback(kursk, f).startswith("✓") for f in result.fields)


def test_accepted_alternatives_earn_full_credit_and_say_why(kursk) -> None:
    """Every accepted alternative is 'accepted', full credit, and the feedback quotes its reason."""
    seen = 0
    for statement in kursk.statements:
        for field, alternatives in statement.accepted.items():
            for alternative in alternatives:
                result = check_statement(kursk, statement.id, {field: alternative.answer}).field(field)
                assert result.verdict == "accepted" and result.credit == 1.0
                assert alternative.why == result.why and alternative.why in field_feedback(kursk, result)
                assert "also accepted" in field_feedback(kursk, result)
                seen += 1
    assert seen >= 20


def test_a_wrong_answer_gets_the_statements_own_hint_and_not_the_answer(kursk) -> None:
    """A wrong answer to any field says 'not yet' with a cross and gives the key's hint for that
    statement and field, which names neither the key's answer nor an accepted one."""
    for statement in kursk.statements:
        for field in ("origin", "reported_right", "believable", "claim_type", "red_flag"):
            result = check_statement(kursk, statement.id, {field: a_wrong_label(kursk, field, statement.id)}).field(field)
            assert result.verdict == "wrong" and result.credit == 0
            text = field_feedback(kursk, result)
            assert text.startswith(f"✗ {FIELD_NAMES[field]}: not yet") and statement.hint(field) in text
            for label in {statement.answers[field], *(a.answer for a in statement.accepted[field])}:
                assert kursk.labels(field)[label].name.casefold() not in text.casefold(), (statement.id, field)


def test_the_rule_is_cited_as_the_panel_shows_it(kursk) -> None:
    """The rule that decides a trust question is cited as "B5, name: text" (id, name, text), in the
    text interface and the panel alike; fields no rule decides cite none."""
    statement = kursk.statements[0]
    for field in ("reported_right", "believable"):
        rule = kursk.rule(statement.key[field].rule)
        assert rule_text(kursk, statement.id, field) == f"{rule.id}, {rule.name}: {rule.text}"
    assert rule_text(kursk, statement.id, "origin") is None


def test_chain_earns_partial_credit_by_overlap(kursk) -> None:
    """Half the links of a four-link chain earn half credit; order does not matter."""
    sid = next(s.id for s in kursk.statements if len(s.answers["chain"]) == 4 and not s.accepted["chain"])
    chain = kursk.statement(sid).answers["chain"]
    half = check_statement(kursk, sid, {"chain": list(chain[:2])}).field("chain")
    assert half.verdict == "partly" and half.credit == pytest.approx(0.5)
    reordered = check_statement(kursk, sid, {"chain": list(reversed(chain))}).field("chain")
    assert reordered.verdict == "correct"


def test_chain_may_be_typed_as_text(kursk) -> None:
    """A chain typed as 'a > b' reads the same as a list."""
    chain = kursk.statements[0].answers["chain"]
    assert normalise(kursk, "chain", " > ".join(chain)) == chain


def test_unanswered_fields_and_placeholders_earn_nothing_without_error(kursk) -> None:
    """None, '' and the worksheet placeholder ... count as unanswered."""
    for value in (None, "", ..., []):
        result = check_statement(kursk, "S01", {"origin": value}).field("origin")
        assert result.verdict == "unanswered" and result.credit == 0


def test_unknown_statement_and_label_are_clear_errors(kursk) -> None:
    """An unknown id or label raises the module's errors, naming the choices."""
    with pytest.raises(UnknownStatementError, match="S99"):
        check_statement(kursk, "S99", {"origin": "writer"})
    with pytest.raises(UnknownLabelError, match="choose from") as error:
        check_statement(kursk, "S01", {"origin": "aliens"})
    assert "north_korea" in str(error.value)
    with pytest.raises(UnknownLabelError, match="is not a field"):
        check_statement(kursk, "S01", {"colour": "red"})


def test_perfect_answers_score_everything(kursk) -> None:
    """The key's answers for all statements score the maximum, which follows the weights."""
    answers = {sid: key_answers(kursk, sid) for sid in kursk.statement_ids}
    result = score(kursk, answers)
    assert result.points == result.out_of == sum(WEIGHTS.values()) * len(kursk.statements)
    assert result.fraction == 1.0


def test_scores_add_up_by_field_and_by_statement(kursk) -> None:
    """Per-field and per-statement subtotals add up to the total; missing answers earn nothing."""
    answers = {"S01": key_answers(kursk, "S01"), "S02": {"origin": a_wrong_label(kursk, "origin", "S02")}}
    result = score(kursk, answers, fields=("origin", "believable"))
    assert result.points == pytest.approx(WEIGHTS["origin"] + WEIGHTS["believable"])
    assert result.out_of == (WEIGHTS["origin"] + WEIGHTS["believable"]) * len(kursk.statements)
    assert sum(p for p, _ in result.by_field.values()) == pytest.approx(result.points)
    assert sum(p for p, _ in result.by_statement.values()) == pytest.approx(result.points)
    assert result.by_statement["S02"][0] == 0


def test_score_refuses_unknown_ids_and_labels(kursk) -> None:
    """Scoring answers for a statement the case lacks, or with a bad label, raises a clear error."""
    with pytest.raises(UnknownStatementError):
        score(kursk, {"S77": {"origin": "writer"}})
    with pytest.raises(UnknownLabelError):
        score(kursk, {"S01": {"origin": "nobody"}}, statement_ids=["S02"])


def test_text_interface_prints_the_same_feedback(kursk, capsys) -> None:
    """check() prints each field's feedback and the why of each answered field as plain text, and
    never the why of a field it was not asked."""
    from attribution_lab import check

    statement = kursk.statement("S10")
    check("S10", origin=statement.answers["origin"], red_flag=statement.answers["red_flag"])
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert out.startswith("S10:")
    assert "✓ Origin: right" in out and "✓ Red flag: right" in out
    assert "Why (Origin):" in out and "Why (Red flag):" in out and "Still uncertain:" in out
    assert " ".join(statement.why("origin").split())[:60] in flat
    assert "Why (Believable?)" not in out and "Rule " not in out
    assert " ".join(statement.why("believable").split())[:60] not in flat


def test_text_interface_keeps_the_why_back_until_a_field_is_answered(kursk, capsys) -> None:
    """check() with no field, or with only placeholders, names what is missing but shows neither
    a why, nor a rule, nor the uncertainty: they would give the answer away."""
    from attribution_lab import check

    statement = kursk.statement("S10")
    for answers in ({}, {"origin": ...}, {"origin": None, "believable": ""}):
        check("S10", **answers)
        out = capsys.readouterr().out
        assert out.startswith("S10:") and "Answer at least one field" in out, out
        assert "Why" not in out and "Rule " not in out and "Still uncertain" not in out, out
    check("S10", origin=..., believable=statement.answers["believable"])
    out = capsys.readouterr().out
    assert "Why (Believable?):" in out and "Rule " in out, "one answered field is a try: its why follows"
    assert "Why (Origin)" not in out
