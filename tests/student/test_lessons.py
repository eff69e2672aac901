"""Lessons: which statements and fields each lesson uses, derived from the case, and the texts they print."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from IPython.display import Markdown

from attribution_lab import load_case
from attribution_lab.core.case import FIELD_NAMES, FIELDS
from attribution_lab.core.plan import asked, asked_by
from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.storage.answers_store import now_iso
from attribution_lab.storage.location import ANSWERS_DIR_ENV, SITE_ENV
from attribution_lab.student import lessons

ROOT = Path(__file__).resolve().parents[2]


CASES = ["kursk", "alder_river"]


def test_every_lesson_has_its_notebook_and_every_notebook_its_lesson() -> None:
    """LESSONS and the student notebooks (numbered 00 to 09; 10 and up are for instructors) name the
    same notebooks, in the same order."""
    on_disk = sorted(p.stem for p in (ROOT / "notebooks").glob("0*.ipynb"))
    assert [item.notebook for item in lessons.LESSONS] == on_disk
    assert all((ROOT / item.path).is_file() for item in lessons.LESSONS)


@pytest.mark.parametrize("case_id", CASES)
def test_lesson_statements_follow_the_key(case_id: str) -> None:
    """Lesson 05 takes the figures, 06 the flagged statements, 04 the chains of two or more links,
    02 and 03 every statement: each computed here from the key's answers, for every shipped case.
    Where the key lists a lesson's statements, the lesson takes that list (in article order), which
    must still hold every statement the lesson's own choice would take."""
    case = load_case(case_id)
    figures = [s.id for s in case.statements if s.answers["claim_type"] == "figure"]
    flagged = [s.id for s in case.statements if s.answers["red_flag"] != "none"]
    chained = [s.id for s in case.statements if len(s.answers["chain"]) > 1]

    five = set(lessons.lesson(5).statement_ids(case))

    def expected(number: str, chosen: list[str]) -> list[str]:
        listed = case.lessons.get(number)
        if listed:
            assert set(chosen) <= set(listed), f"the key's list for lesson {number} leaves out some of {chosen}"
            chosen = [sid for sid in case.statement_ids if sid in listed]
        # lessons 02, 03 and 06 leave the figure statements to lesson 05, which asks their origin,
        # trust and red flag itself
        return [sid for sid in chosen if number == "04" or sid not in five]

    assert set(figures) <= five
    assert {f.statement for f in case.article_figures} <= set(lessons.lesson(5).statement_ids(case))
    assert list(lessons.lesson("06").statement_ids(case)) == expected("06", flagged)
    assert list(lessons.lesson("04").statement_ids(case)) == expected("04", chained)
    for number in ("02", "03"):
        assert list(lessons.lesson(number).statement_ids(case)) == expected(number, list(case.statement_ids))


def test_a_lesson_takes_the_keys_list_in_article_order_when_the_key_has_one(kursk) -> None:
    """case.lessons[number] replaces the lesson's own choice, in article order; other lessons keep theirs."""
    first, third, last = kursk.statement_ids[0], kursk.statement_ids[2], kursk.statement_ids[-1]
    listed = dataclasses.replace(kursk, lessons={"04": (last, first, third)})
    assert lessons.lesson("04").statement_ids(listed) == (first, third, last)
    assert lessons.lesson("02").statement_ids(listed) == lessons.lesson("02").statement_ids(kursk)
    unlisted = dataclasses.replace(kursk, lessons={})
    assert lessons.lesson("04").statement_ids(unlisted) == tuple(
        s.id for s in kursk.statements if len(s.answers["chain"]) > 1)


def test_kursk_lessons_pick_the_expected_kinds_of_statement(kursk) -> None:
    """In the Kursk case every figure lesson statement is a figure, the red-flag lesson holds every
    flagged statement and mostly flagged ones (an unflagged one only where the key lists it, so that
    "no red flag" is also a possible answer), and both lessons are non-empty."""
    five, six = lessons.lesson(5).statement_ids(kursk), lessons.lesson(6).statement_ids(kursk)
    assert five and six
    assert all(kursk.statement(sid).answers["claim_type"] == "figure" for sid in five)
    flagged = {s.id for s in kursk.statements if s.answers["red_flag"] != "none"} - set(five)
    assert flagged <= set(six) and not set(five) & set(six)
    unflagged = set(six) - flagged
    assert unflagged <= set(kursk.lessons.get("06", ()))
    assert len(unflagged) < len(flagged)


def test_lesson_fields_are_fields_and_graded_lessons_have_some() -> None:
    """Every lesson's fields are engine fields; lessons 02 to 06 are graded, 00, 01 and 07 are not."""
    for item in lessons.LESSONS:
        assert set(item.fields) <= set(FIELDS)
    assert [item.number for item in lessons.graded_lessons()] == ["02", "03", "04", "05", "06"]
    covered = {f for item in lessons.graded_lessons() for f in item.fields}
    assert covered == set(FIELDS)


def test_the_trust_questions_are_asked_in_lessons_03_and_05() -> None:
    """Lesson 03 asks the claim type and both trust questions; lesson 05 asks who gave a figure, both
    trust questions and the red flag."""
    assert lessons.lesson("03").fields == ("claim_type", "reported_right", "believable")
    assert lessons.lesson("05").fields == ("origin", "reported_right", "believable", "red_flag")


def test_unknown_lesson_names_the_lessons() -> None:
    """Asking for a lesson that does not exist raises KeyError listing the real ones."""
    with pytest.raises(KeyError, match="00, 01"):
        lessons.lesson("09")


def test_panel_is_built_over_the_lessons_statements_and_fields(kursk, tmp_path: Path) -> None:
    """lessons.panel gives a panel asking the lesson's fields about the lesson's statements."""
    panel = lessons.panel(kursk, "06", answers_path=tmp_path / "a.json")
    assert panel.fields == lessons.lesson(6).fields
    assert panel.statement_ids == lessons.lesson(6).statement_ids(kursk)


def test_panel_for_a_lesson_with_no_statements_is_a_note(kursk) -> None:
    """A case with no flagged statement gets a short note instead of a panel, so the notebook runs."""
    calm = dataclasses.replace(
        kursk,
        statements=tuple(
            dataclasses.replace(s, key={**s.key, "red_flag": dataclasses.replace(s.key["red_flag"], answer="none", accepted=())})
            for s in kursk.statements
        ),
        lessons={},  # no list of the key's either
    )
    assert all(s.answers["red_flag"] == "none" for s in calm.statements)
    note = lessons.panel(calm, "06")
    assert isinstance(note, Markdown)
    assert "no statements for lesson 06" in note.data


def test_article_text_marks_every_statement_before_its_words(kursk) -> None:
    """Each statement's id in brackets is followed by its quote (ignoring line wrapping)."""
    flat = " ".join(lessons.article_text(kursk).split())
    for statement in kursk.statements:
        assert f"[{statement.id}] " + " ".join(statement.quote.split()) in flat


def test_check_cues_accepts_the_cue_or_part_of_it_and_none_for_no_cue(kursk) -> None:
    """A cue written in another letter case, or a part of the key's cue, is right; a wrong one is not;
    None is right for a statement without a cue; an empty dictionary gets a prompt."""
    with_cue = next(s for s in kursk.statements if s.cue and " " in s.cue)
    without = next(s for s in kursk.statements if not s.cue)
    report = lessons.check_cues(kursk, {
        with_cue.id: with_cue.cue.upper(),
        without.id: None,
    })
    assert report.endswith("2 of 2 cues found.")
    partial = lessons.check_cues(kursk, {with_cue.id: with_cue.cue.split()[0]})
    assert partial.startswith("✓")
    wrong = lessons.check_cues(kursk, {with_cue.id: "zebra", without.id: "said"})
    assert wrong.count("✗") == 2 and wrong.endswith("0 of 2 cues found.")
    assert "No cues given yet" in lessons.check_cues(kursk, {})


def test_rules_and_sources_texts_come_from_the_case(kursk) -> None:
    """The rules text gives the notes before the rules, then each trust question's rules in the order
    they are applied; the sources text names every outlet of a statement's evidence."""
    rules = " ".join(lessons.rules_text(kursk).split())
    assert kursk.before_the_rules and set(kursk.rules) == {"reported_right", "believable"}
    for note in kursk.before_the_rules:
        assert " ".join(note.split()) in rules
    positions = []
    for field, field_rules in kursk.rules.items():
        heading = rules.index(f"{FIELD_NAMES[field]} The first rule that fits decides:")
        positions.append(heading)
        for rule in field_rules:
            positions.append(rules.index(" ".join(f"{rule.id} {rule.name}: {rule.text}".split()), heading))
    assert positions == sorted(positions)
    assert rules.index(" ".join(kursk.before_the_rules[0].split())) < positions[0]
    statement = next(s for s in kursk.statements if len(s.evidence) > 2)
    sources = " ".join(lessons.sources_text(kursk, (statement.id,)).split())
    for evidence_id in statement.evidence:
        assert kursk.evidence[evidence_id].outlet in sources


@pytest.mark.parametrize("case_id", CASES)
def test_estimates_text_lists_every_estimate_or_says_there_are_none(case_id: str) -> None:
    """Every estimate's outlet and date and every article figure appear; a case without any says so."""
    case = load_case(case_id)
    report = " ".join(lessons.estimates_text(case).split())
    if not case.estimates and not case.article_figures:
        assert "no dated estimates" in report
    for estimate in case.estimates:
        assert estimate.date in report and case.evidence[estimate.evidence].outlet in report
    for figure in case.article_figures:
        assert f"{figure.statement}: {figure.value:,.0f}, with no date" in report


def test_results_of_an_empty_submission_are_zero_and_list_nothing_missed(kursk) -> None:
    """No answers: every lesson 0% at first try and now, nothing wrong, every graded field unanswered."""
    report = lessons.results_text(kursk, new_submission(kursk, now=now_iso()))
    for item in lessons.graded_lessons():
        assert f"{item.number} {item.title}: 0% / 0%" in report
    assert "What was missed: nothing" in report
    # only what some lesson asks: the plan's pairs, not every statement times every field
    assert f"Fields not answered yet: {sum(len(f) for f in asked(kursk).values())}" in report
    assert sum(len(f) for f in asked(kursk).values()) < len(kursk.statements) * len(FIELDS)


def test_results_keep_first_try_apart_and_list_what_was_missed(kursk) -> None:
    """A wrong first try then a right answer: lesson 02 scores more now than at first; a wrong answer
    still standing is listed as missed."""
    first, second = kursk.statements[0], kursk.statements[1]
    wrong = next(label for label in kursk.labels("origin") if label != first.answers["origin"]
                 and label not in {a.answer for a in first.accepted["origin"]})
    sub = record_check(kursk, new_submission(kursk, now=now_iso()), first.id, {"origin": wrong}, now=now_iso())
    sub = record_check(kursk, sub, first.id, {"origin": first.answers["origin"]}, now=now_iso())
    sub = record_check(kursk, sub, second.id, {"believable": next(
        label for label in kursk.labels("believable") if label != second.answers["believable"]
        and label not in {a.answer for a in second.accepted["believable"]})}, now=now_iso())
    now, at_first = lessons.lesson_scores(kursk, sub, "current"), lessons.lesson_scores(kursk, sub, "first")
    assert now["02"].points > at_first["02"].points == 0
    report = lessons.results_text(kursk, sub)
    rows = {line.split()[0]: line for line in report.splitlines() if re.match(r"  S\d", line)}
    assert set(rows) == {second.id}, "only a statement with a field not yet right has a row"
    assert "✗ 03" in rows[second.id], "the miss names the lesson that asks believable"


def test_the_missed_table_has_a_row_per_statement_missed_and_a_column_per_field_missed(kursk) -> None:
    """Wrong and partly-right fields each show their mark and the lesson that asks them, under their
    field's column; a right field shows ✓, a field no lesson asks of that statement is blank."""
    where = asked_by(kursk)
    chained = next(s for s in kursk.statements if len(s.chain) >= 2 and (s.id, "chain") in where)
    plain = next(s for s in kursk.statements if s.id != chained.id and (s.id, "origin") in where)
    sub = new_submission(kursk, now=now_iso())
    sub = record_check(kursk, sub, chained.id, {"chain": list(chained.chain[:1]), "origin": chained.answers["origin"]},
                       now=now_iso())
    wrong = next(label for label in kursk.labels("origin") if label != plain.answers["origin"]
                 and label not in {a.answer for a in plain.accepted["origin"]})
    sub = record_check(kursk, sub, plain.id, {"origin": wrong}, now=now_iso())
    lines = lessons.missed_table(kursk, sub).splitlines()
    head = next(line for line in lines if line.startswith("  Statement"))
    rows = {line.split()[0]: line for line in lines if re.match(r"  S\d", line)}
    assert set(rows) == {chained.id, plain.id}
    column = head.index(FIELD_NAMES["chain"])
    assert rows[chained.id][column:].startswith(f"◐ {where[(chained.id, 'chain')]}")
    assert rows[chained.id][head.index("Origin"):].startswith("✓")
    assert rows[plain.id][head.index("Origin"):].startswith(f"✗ {where[(plain.id, 'origin')]}")
    assert all(len(line) <= 88 for line in lines), "the table fits the text interface's width"


def test_my_answers_reads_the_answers_file_without_creating_one(kursk, tmp_path: Path) -> None:
    """No file: an empty submission and still no file. A saved file: its answers come back."""
    path = tmp_path / "answers-kursk.json"
    assert lessons.my_answers(kursk, path)["answers"] == {}
    assert not path.exists()
    from attribution_lab.storage.answers_store import AnswersStore

    sid = kursk.statement_ids[0]
    AnswersStore(path, kursk).save(record_check(kursk, new_submission(kursk, now=now_iso()), sid, {"origin": "writer"}, now=now_iso()))
    assert lessons.my_answers(kursk, path)["answers"][sid]["current"] == {"origin": "writer"}


def test_answers_location_is_the_files_path_and_on_the_site_the_rule_that_finds_it(
    kursk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lesson 00 prints where the answers file is: in a kernel its full path; on a page of the
    static site, whose kernels save into a folder of the build, the file's name and the folder it
    lives in, never the build's own path."""
    monkeypatch.setenv(ANSWERS_DIR_ENV, str(tmp_path))
    assert lessons.answers_location(kursk) == str(tmp_path / "answers-kursk.json")
    monkeypatch.setenv(SITE_ENV, "1")
    shown = lessons.answers_location(kursk)
    assert str(tmp_path) not in shown
    assert shown.startswith("answers-kursk.json, in the module's folder") and "notebooks/ and exercises/" in shown


def test_overview_gives_every_lesson_with_its_minutes() -> None:
    """The overview names every lesson and its time, and the total."""
    text = lessons.overview()
    for item in lessons.LESSONS:
        assert re.search(rf"^{item.number}  {re.escape(item.title)} \({item.minutes} min\)$", text, re.M)
    assert f"about {sum(i.minutes for i in lessons.LESSONS)} minutes" in text


def test_typos_in_the_text_check_and_the_cue_check_get_one_line_not_a_traceback(kursk, capsys) -> None:
    """A mistyped label in check() prints one line naming the choices; a lower-case statement id is
    read as the id; in the cue self-check a lower-case id works and an unknown id gets one line."""
    from attribution_lab import check
    from attribution_lab.student.lessons import check_cues

    check("S01", case=kursk, origin="aliens")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "'aliens' is not one of the origin labels" in out[0] and "north_korea" in out[0]
    check("s01", case=kursk, origin=kursk.statement("S01").answers["origin"])
    assert capsys.readouterr().out.startswith("S01:")
    text = check_cues(kursk, {"s01": kursk.statement("S01").cue, "S99": "said"})
    assert "✓ S01" in text and "'S99' is not a statement id" in text
