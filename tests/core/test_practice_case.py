"""The practice case, kursk_prisoners: a news brief written for the module from the public record,
for transfer (graded worksheets ask statements students have not been told about).

Every fact in it is real and cited, its sentences are the module's own and the case says so, and it
covers every origin, claim type and red flag so that a worksheet on it can test each of them.
"""

from __future__ import annotations

import pytest

from attribution_lab import Case, builtin_cases, load_case
from attribution_lab.cli import main
from attribution_lab.core.case import RULED_FIELDS, uncovered_text

CASE_ID = "kursk_prisoners"


@pytest.fixture(scope="module")
def case() -> Case:
    """The practice case."""
    return load_case(CASE_ID)


def test_it_is_shipped_and_validates(capsys, case: Case) -> None:
    """`attribution-lab validate kursk_prisoners` exits 0 and counts its 12 to 18 statements."""
    assert CASE_ID in builtin_cases()
    assert main(["validate", CASE_ID]) == 0
    assert f"{CASE_ID}: valid" in capsys.readouterr().out
    assert 12 <= len(case.statements) <= 18
    assert uncovered_text(case) == []


def test_it_says_it_was_written_for_the_module_from_the_record(case: Case) -> None:
    """Not invented (its facts are real), and its about text says its sentences are the module's
    own, written from the cited record, with errors placed on purpose."""
    assert case.invented is False
    about = case.about.lower()
    assert "written for this module" in about and "on purpose" in about
    assert case.published == "2025-02-28"


def test_every_label_of_origin_claim_type_and_red_flag_is_used(case: Case) -> None:
    """A worksheet on the practice case can test every origin, claim type and red flag; at least
    two statements carry no red flag, so "No red flag" is sometimes right."""
    for field in ("origin", "claim_type", "red_flag"):
        used = {s.answers[field] for s in case.statements}
        assert used == set(case.labels(field)), (field, set(case.labels(field)) - used)
    assert sum(1 for s in case.statements if s.answers["red_flag"] == "none") >= 2


def test_every_fact_checked_statement_cites_a_source_that_can_be_found(case: Case) -> None:
    """Each statement that credits a source names evidence, and every evidence entry gives the
    page's address and what it supports."""
    for statement in case.statements:
        if statement.facts["credits_source"]:
            assert statement.evidence, statement.id
            assert all(ref in case.evidence for ref in statement.evidence)
    assert all(e.url and e.supports and e.outlet for e in case.evidence.values())


def test_it_asks_the_same_trust_questions_as_the_main_case(case: Case) -> None:
    """The two trust questions have the same labels, facts and rules as in the Kursk case, so what
    lesson 03 teaches transfers to the practice case unchanged."""
    kursk = load_case("kursk")
    assert case.facts == kursk.facts
    assert case.before_the_rules == kursk.before_the_rules
    for field in RULED_FIELDS:
        assert case.rules[field] == kursk.rules[field]
        assert dict(case.labels(field)) == dict(kursk.labels(field))
