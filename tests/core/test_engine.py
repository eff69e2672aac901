"""The checking engine: verdicts per field, feedback that explains, scores with documented weights."""

from __future__ import annotations

import pytest

from attribution_lab import UnknownLabelError, UnknownStatementError
from attribution_lab.core.case import FIELDS
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


def test_a_wrong_origin_points_at_the_cue(kursk) -> None:
    """A wrong origin says 'not yet' with a cross, and cites the statement's attribution cue."""
    sid = next(s.id for s in kursk.statements if s.cue)
    result = check_statement(kursk, sid, {"origin": a_wrong_label(kursk, "origin", sid)}).field("origin")
    assert result.verdict == "wrong" and result.credit == 0
    assert field_feedback(kursk, result).startswith("✗ Origin: not yet")
    assert kursk.statement(sid).cue in field_feedback(kursk, result)


def test_the_rule_is_cited_as_the_panel_shows_it(kursk) -> None:
    """The confidence rule that decides a statement is cited as "R3, One good source is
    moderate: ..." (id, name, text), in the text interface and the panel alike."""
    statement = kursk.statements[0]
    rule = kursk.rules[statement.confidence_rule]
    assert rule_text(kursk, statement.id) == f"{rule.id}, {rule.name}: {rule.text}"


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
    result = score(kursk, answers, fields=("origin", "confidence"))
    assert result.points == pytest.approx(WEIGHTS["origin"] + WEIGHTS["confidence"])
    assert result.out_of == (WEIGHTS["origin"] + WEIGHTS["confidence"]) * len(kursk.statements)
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
    """check() prints each field's feedback and the rationale as plain text."""
    from attribution_lab import check

    check("S10", origin="writer", red_flag="internal_contradiction")
    out = capsys.readouterr().out
    assert out.startswith("S10:")
    assert "✓ Origin: right" in out and "✓ Red flag: right" in out
    assert "Why:" in out and "Still uncertain:" in out


def test_text_interface_keeps_the_rationale_back_until_a_field_is_answered(kursk, capsys) -> None:
    """check() with no field, or with only placeholders, names what is missing but shows neither
    the rationale, nor the rule, nor the uncertainty: they would give the answer away."""
    from attribution_lab import check

    statement = kursk.statement("S10")
    for answers in ({}, {"origin": ...}, {"origin": None, "confidence": ""}):
        check("S10", **answers)
        out = capsys.readouterr().out
        assert out.startswith("S10:") and "Answer at least one field" in out, out
        assert "Why:" not in out and statement.rationale[:40] not in out and "Confidence rule" not in out, out
    check("S10", origin=..., confidence="low")
    assert "Why:" in capsys.readouterr().out, "one answered field is a try: the rationale follows"


def test_a_wrong_origin_gets_a_hint_that_fits_the_statement(kursk) -> None:
    """With a cue, the hint quotes it and says to follow it back; without one, it asks whose voice
    it is and never tells the student to follow a cue that is not there."""
    from attribution_lab.core.engine import check_field

    def wrong_origin(statement):
        return next(label for label in kursk.labels("origin")
                    if check_field(kursk, statement, "origin", label).verdict == "wrong")

    with_cue = next(s for s in kursk.statements if s.cue)
    without = next(s for s in kursk.statements if not s.cue)
    feedback = field_feedback(kursk, check_field(kursk, with_cue, "origin", wrong_origin(with_cue)))
    assert f"“{with_cue.cue}”" in feedback and "Follow the cue back" in feedback
    feedback = field_feedback(kursk, check_field(kursk, without, "origin", wrong_origin(without)))
    assert "There is no attribution cue here" in feedback and "Follow the cue" not in feedback
