"""Each lesson owns its fields: another lesson's checks say nothing in its panel.

A student who checked S01's origin in lesson 02 and opens lesson 03 sees no line about lesson 03's
fields ("not answered yet") before doing anything there, and lesson 03's "Checked N times" counts
only lesson 03's checks.
"""

from __future__ import annotations

import html
from pathlib import Path

from attribution_lab.student import lessons


def test_a_check_in_lesson_02_says_nothing_in_lesson_03_and_counts_are_per_lesson(kursk, tmp_path: Path) -> None:
    """Two origin checks in lesson 02, then lesson 03 on the same statement: no feedback lines until
    lesson 03's own Check, and its count is 1, not 3."""
    path = tmp_path / "answers-kursk.json"
    two = lessons.panel(kursk, "02", answers_path=path)
    sid = two.current
    statement = kursk.statement(sid)
    wrong = next(label for label in kursk.labels("origin") if label != statement.answers["origin"]
                 and label not in {a.answer for a in statement.accepted["origin"]})
    two.choose("origin", wrong)
    two.check()
    two.choose("origin", statement.answers["origin"])
    two.check()
    three = lessons.panel(kursk, "03", answers_path=path)
    three.select(sid)
    assert "not answered yet" not in three.feedback_html and "Checked" not in three.feedback_html
    for name in three.fields:
        three.choose(name, statement.answers[name])
    three.check()
    assert "Checked 1 time." in three.feedback_html
    two_again = lessons.panel(kursk, "02", answers_path=path)
    two_again.select(sid)
    assert "Checked 2 times." in two_again.feedback_html


def test_the_takeaway_shows_only_once_every_field_the_module_asks_is_answered(kursk, tmp_path: Path) -> None:
    """A statement's takeaway is not shown while a field some lesson asks of it is unanswered, even
    with this lesson's fields all right; it is shown once every lesson's fields of it are answered."""
    from attribution_lab.core.plan import asked, asked_by

    path = tmp_path / "answers-kursk.json"
    sid = next(s for s, fields in asked(kursk).items() if len({asked_by(kursk)[(s, f)] for f in fields}) >= 3)
    statement = kursk.statement(sid)
    numbers = sorted({asked_by(kursk)[(sid, f)] for f in asked(kursk)[sid]})
    takeaway = " ".join(statement.takeaway.split())[:40]
    for number in numbers:
        panel = lessons.panel(kursk, number, answers_path=path)
        panel.select(sid)
        for name in panel.fields:
            panel.choose(name, statement.answers[name])
        panel.check()
        shown = takeaway in " ".join(html.unescape(panel.feedback_html).split())
        assert shown == (number == numbers[-1]), f"lesson {number}: takeaway shown={shown}"
