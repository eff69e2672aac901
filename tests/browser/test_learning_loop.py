"""The learning loop in a real browser, on a fresh clone with nothing set: feedback teaches before
it tells.

A student in lesson 02 (JupyterLab) gives a wrong origin: the feedback gives the statement's hint
and neither the why nor the key's answer. A second wrong try brings the why and names the answer.
On the next statement, "Show the answer" tells at once, and the answers file records it as shown,
with no first try, so it can never count as right first time.
"""

from __future__ import annotations

import json
from typing import Any

import harness
import pytest
from conftest import workspace
from test_one_answers_file import ANSWERS

from attribution_lab import Case
from attribution_lab.core.engine import check_field

pytestmark = pytest.mark.browser


def _wrong_origin(case: Case, sid: str) -> str:
    statement = case.statement(sid)
    return next(label for label in case.labels("origin") if check_field(case, statement, "origin", label).verdict == "wrong")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_wrong_try_gets_a_hint_the_second_the_why_and_show_the_answer_tells(
    page: Any, clone_lab: harness.Server, case: Case
) -> None:
    """Hint first, why and answer after the second try or on request; a shown answer is recorded."""
    harness.open_in_lab(page, clone_lab, "notebooks/02_who_said_it.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    panel = harness.find_panels(page, case)[0]
    panel.locator.scroll_into_view_if_needed()
    statement = panel.statement()
    answer = case.labels("origin")[statement.answers["origin"]].name

    panel.choose("origin", _wrong_origin(case, statement.id))
    first = _flat(panel.check(["✗"]))
    assert _flat(statement.hint("origin")) in first, first
    assert "Why (Origin)" not in first and "The key's answer" not in first and answer not in first, first

    second = _flat(panel.check(["Why (Origin)"]))
    assert f"The key's answer is {answer}." in second and _flat(statement.why("origin"))[:60] in second
    harness.screenshot(page, "loop-1-second-try")

    panel.button("Next").click()
    page.wait_for_timeout(500)
    following = panel.statement()
    assert following.id != statement.id
    before = panel.feedback()
    panel.button("Show the answer").click()
    shown = _flat(panel.wait_feedback(["Why (Origin)"], before))
    assert f"The key's answer is {case.labels('origin')[following.answers['origin']].name}." in shown
    harness.screenshot(page, "loop-2-shown-on-request")

    saved = json.loads((clone_lab.root / ANSWERS).read_text("utf-8"))["answers"]
    assert saved[statement.id]["missed"] == {"origin": 2} and saved[statement.id]["first"]["origin"] != statement.answers["origin"]
    assert saved[following.id]["revealed"] == ["origin"] and saved[following.id]["first"] == {}


def test_lesson_03_opens_at_its_own_first_unanswered_statement(
    page: Any, clone_lab: harness.Server, case: Case
) -> None:
    """Lesson 03 opens at its first statement with a field of its own unanswered, whatever lesson 02
    touched last; with that statement answered and checked, Restart and Run All opens at the next."""
    from attribution_lab.student.lessons import lesson

    ids = lesson("03").statement_ids(case)
    harness.open_in_lab(page, clone_lab, "notebooks/03_how_sure.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    panel = harness.find_panels(page, case)[0]
    assert panel.statement().id == ids[0]
    assert "not answered yet" not in panel.feedback()  # nothing is said before anything was done
    statement = case.statement(ids[0])
    for name in lesson("03").fields:
        panel.choose(name, statement.answers[name])
    panel.check(["✓"])
    harness.restart_and_run_all(page)
    page.wait_for_timeout(500)
    harness.wait_idle(page)
    panel = harness.find_panels(page, case)[0]
    assert panel.statement().id == ids[1]
    harness.screenshot(page, "loop-3-lesson-03-opens-where-left")
