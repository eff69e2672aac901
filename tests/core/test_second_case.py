"""The second shipped case, an invented article: complete, valid, clearly marked as invented, and
usable by everything that takes a case (engine, scoring, text feedback, command line)."""

from __future__ import annotations

import pytest

from attribution_lab import FIELDS, Case, builtin_cases, check, check_statement, load_case, score
from attribution_lab.cli import main
from attribution_lab.core.case import uncovered_text

CASE_ID = "alder_river"


@pytest.fixture(scope="module")
def case() -> Case:
    """The invented case."""
    return load_case(CASE_ID)


def test_it_is_shipped_and_validates(capsys, case) -> None:
    """`attribution-lab validate alder_river` exits 0 and counts its statements."""
    assert CASE_ID in builtin_cases()
    assert main(["validate", CASE_ID]) == 0
    assert f"{CASE_ID}: valid (key version {case.key_version}, {len(case.statements)} statements)" in capsys.readouterr().out


def test_it_says_it_is_invented(case) -> None:
    """The key marks the case invented, and the about text says it reports no real event."""
    assert case.invented is True
    assert "invented" in case.about and "no real event" in case.about
    assert "invented" in case.title


def test_it_is_small_and_teaches_the_usual_problems(case) -> None:
    """8 to 12 statements covering the whole article, with several origins, a vague source, a
    figure, a quote and at least one red flag."""
    assert 8 <= len(case.statements) <= 12
    assert uncovered_text(case) == []
    answers = [s.answers for s in case.statements]
    assert len({a["origin"] for a in answers}) >= 4
    assert any(a["origin"] == "unnamed_sources" and a["reported_right"] == "untraced" for a in answers)
    assert any(a["claim_type"] == "figure" for a in answers)
    assert any(a["claim_type"] in ("direct_quote", "mixed_quote") for a in answers)
    assert any(a["red_flag"] != "none" for a in answers)


def test_every_entry_is_complete(case) -> None:
    """Every statement has all fields, each with a why and a hint, a rule for each trust question,
    a takeaway and no draft mark; some have accepted alternatives, each with a reason."""
    for statement in case.statements:
        assert set(statement.answers) == set(FIELDS)
        assert statement.answers["chain"], f"{statement.id}: a chain a student can answer"
        assert all(statement.why(f).strip() and statement.hint(f).strip() for f in FIELDS)
        assert all(case.deciding_rule(statement, f) is not None for f in ("reported_right", "believable"))
        assert statement.takeaway.strip() and statement.draft is False
    alternatives = [a for s in case.statements for field in FIELDS for a in s.accepted[field]]
    assert len(alternatives) >= 5
    assert all(a.why.strip() for a in alternatives)


def test_the_engine_checks_and_scores_it(case) -> None:
    """The key's answers score full marks; an accepted alternative is accepted; a wrong origin is wrong."""
    full = score(case, {s.id: dict(s.answers) for s in case.statements})
    assert full.fraction == 1.0
    with_alternative = next(s for s in case.statements if s.accepted["origin"])
    alternative = with_alternative.accepted["origin"][0].answer
    result = check_statement(case, with_alternative.id, {"origin": alternative})
    assert result.field("origin").verdict == "accepted" and result.field("origin").why
    wrong = next(label for label in case.labels("origin") if label != with_alternative.answers["origin"] and label != alternative)
    assert check_statement(case, with_alternative.id, {"origin": wrong}).field("origin").verdict == "wrong"


def test_text_feedback_and_show_work_with_it(capsys, case) -> None:
    """attribution_lab.check takes the case, and `show` prints its statements."""
    statement = case.statements[0]
    check(statement.id, case=CASE_ID, origin=statement.answers["origin"])
    out = capsys.readouterr().out
    assert out.startswith(f"{statement.id}:") and "✓" in out
    assert main(["show", CASE_ID]) == 0
    out = capsys.readouterr().out
    assert case.title in out
    assert all(f"{s.id}: " in out for s in case.statements)
