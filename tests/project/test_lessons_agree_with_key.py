"""What the lessons teach as a rule holds in every shipped case's key.

Lessons 01 and 02 and worksheet 02 teach that a sentence with no cue is the writer's own (the key
accepts the speaker too when the clause runs on from someone's words). Before key 1.1.0, S21 had no
cue and a named expert as its answer, so the lessons contradicted the key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution_lab.storage.cases import builtin_cases, load_case

ROOT = Path(__file__).resolve().parents[2]
#: How the lessons word the rule (Markdown emphasis removed).
NO_CUE_RULE = ("no cue", "without a cue")


@pytest.mark.parametrize("case_id", builtin_cases())
def test_a_statement_without_a_cue_has_the_writer_as_its_origin(case_id: str) -> None:
    """Every statement whose key records no cue has the writer (the case's own voice) as the origin answer."""
    case = load_case(case_id)
    writer = next(label for label in case.labels("origin") if label == "writer")
    wrong = [s.id for s in case.statements if s.cue is None and s.answers["origin"] != writer]
    assert not wrong, f"{case_id}: statements without a cue whose origin is not the writer: {wrong}"


def test_the_lessons_state_the_no_cue_rule_that_the_keys_follow() -> None:
    """The rule checked above is the one the lessons teach (so the test follows the text)."""
    for name in ("notebooks/01_reading_the_article.ipynb", "notebooks/02_who_said_it.ipynb", "exercises/02_origins_worksheet.ipynb"):
        cells = json.loads((ROOT / name).read_text("utf-8"))["cells"]
        text = " ".join("".join(cell["source"]) for cell in cells).lower().replace("*", "")
        assert any(f"{wording} is the writer's own claim" in text for wording in NO_CUE_RULE), name


def _text(name: str) -> str:
    cells = json.loads((ROOT / name).read_text("utf-8"))["cells"]
    return " ".join(" ".join("".join(cell["source"]).split()) for cell in cells).replace("*", "")


@pytest.mark.parametrize("case_id", builtin_cases())
def test_an_estimate_or_forecast_is_never_confirmed_by_the_record(case_id: str) -> None:
    """Lesson 03 teaches that an estimate is at best probably true: no statement whose recorded
    content is an estimate or a forecast is answered as confirmed by the record. (An accepted answer
    may rest on another reading of the statement, as S06's "deal" read as the treaty, and says so.)"""
    assert "an estimate is at best probably true" in _text("notebooks/03_how_sure.ipynb")
    case = load_case(case_id)
    for statement in case.statements:
        if statement.facts["content_kind"] in ("estimate", "forecast"):
            assert statement.answers["believable"] != "record_confirms", (case_id, statement.id)


@pytest.mark.parametrize("case_id", builtin_cases())
def test_a_red_flag_on_the_source_means_not_reported_right(case_id: str) -> None:
    """Lesson 06 teaches that when a red flag puts the source in doubt (wrong speaker, wrong
    country), the statement is not reported right: every statement flagged as a misattribution or a
    figure credited to the wrong source has neither "on record" nor "one report" as its answer."""
    assert "the statement is not reported right" in _text("notebooks/06_red_flags.ipynb")
    case = load_case(case_id)
    for statement in case.statements:
        if statement.answers["red_flag"] in ("misattribution", "wrong_figure_source"):
            assert statement.answers["reported_right"] not in ("on_record", "one_report"), (case_id, statement.id)


@pytest.mark.parametrize("case_id", builtin_cases())
def test_lesson_06_asks_statements_without_a_red_flag_too(case_id: str) -> None:
    """Lesson 06 says the statements it asks are the ones most worth a second look, not that each
    carries a flag: in the Kursk case at least two of them have no red flag, so "No red flag" is
    sometimes the right answer."""
    from attribution_lab.student.lessons import lesson

    case = load_case(case_id)
    asked = lesson("06").statement_ids(case)
    unflagged = [sid for sid in asked if case.statement(sid).answers["red_flag"] == "none"]
    if case_id == "kursk":
        assert len(unflagged) >= 2, unflagged
    assert len(asked) > len(unflagged), "lesson 06 asks at least one flagged statement"
