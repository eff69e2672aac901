"""Nothing injects: text from a case or a student never reaches HTML unescaped.

A small case folder is built from the Kursk key with HTML in every text a renderer shows: the case
title, a quote (and so the article), every field's why and hint, the takeaways, the reasons of accepted
answers, uncertainties, the notes before the rules and the rules, and the names and definitions of
every label. Students' answers files carry HTML in the student name and id, and one rejected file
has HTML in its file name. Every HTML renderer that exists is fed these and must never emit a
payload unescaped:

* the classification panel: every ``HTML`` widget's ``value`` and any description rendered as HTML,
  through navigation, choices, Check, a restore from a bad file, and start over;
* the class report's HTML page (grading's ``report``);
* the grader's CSVs are data, not HTML: there the names must arrive as the same text, and cells a
  spreadsheet would run as formulas must be neutralised.
"""

from __future__ import annotations

import copy
import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from attribution_lab.core.case import FIELDS, Case
from attribution_lab.core.statistics import class_statistics
from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.formats.limits import KEY_FILE
from attribution_lab.instructor import report
from attribution_lab.instructor.collect import read_class
from attribution_lab.instructor.results import grade_files
from attribution_lab.storage.cases import load_case, read_case_files

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
ATTRIBUTE = "' onmouseover='alert(2)' data-x='"  # breaks out of a single-quoted attribute
SVG = "<svg/onload=alert(3)>"
PAYLOADS = (SCRIPT, IMG, ATTRIBUTE, SVG)
#: Raw forms that must never appear in HTML output.
FORBIDDEN = (SCRIPT, "<script", IMG, "<img src=x", "onmouseover='alert", SVG, "<svg")
TAINT = f" {SCRIPT} {IMG} {ATTRIBUTE} {SVG}"
FORMULA = "=HYPERLINK(\"http://evil.example\",\"click\")"


def _assert_clean(html_text: str, where: str) -> None:
    """No payload appears unescaped in this HTML."""
    for raw in FORBIDDEN:
        assert raw not in html_text, f"{where}: unescaped {raw!r} in {html_text[:300]!r}"


# --------------------------------------------------------------------------------------------
# The malicious case


@pytest.fixture(scope="module")
def evil_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    """The Kursk key with HTML appended to its title, every label's name and definition, every note
    before the rules and every rule, every field's why and hint, every takeaway, accepted reason and
    uncertainty, and one quote (changed in the article too); it loads cleanly."""
    data, article, _ = read_case_files("kursk")
    data = copy.deepcopy(data)
    data["case"]["id"] = "evil"
    data["case"]["title"] += TAINT
    for vocabulary in data["vocabularies"].values():
        for label in vocabulary.values():
            label["name"] += TAINT
            label["definition"] += TAINT
    data["before_the_rules"] = [note + TAINT for note in data["before_the_rules"]]
    for rules in data["rules"].values():
        for rule in rules:
            rule["name"] += TAINT
            rule["text"] += TAINT
    for entry in data["statements"]:
        entry["takeaway"] += TAINT
        entry["uncertain"] = (entry.get("uncertain") or "Unclear.") + TAINT
        for name in FIELDS:
            entry[name]["why"] += TAINT
            entry[name]["hint"] += TAINT
            for alternative in entry[name].get("accepted", ()):
                alternative["why"] += TAINT
    first = data["statements"][0]
    new_quote = first["quote"] + TAINT
    assert article.count(first["quote"]) == 1
    article = article.replace(first["quote"], new_quote)
    first["quote"] = new_quote
    folder = tmp_path_factory.mktemp("cases") / "evil"
    folder.mkdir()
    (folder / KEY_FILE).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    (folder / data["case"]["article"]).write_text(article, "utf-8")
    case = load_case(folder)
    assert SCRIPT in case.title and SCRIPT in case.statements[0].quote
    assert all(SCRIPT in label.name for f in FIELDS for label in case.labels(f).values())
    assert all(SCRIPT in s.why(f) and SCRIPT in s.hint(f) for s in case.statements for f in FIELDS)
    assert all(SCRIPT in rule.text for rules in case.rules.values() for rule in rules)
    return case


def _name(number: int) -> str:
    """A student name with HTML; even-numbered students' names start with a spreadsheet formula."""
    return f"{FORMULA} {SCRIPT} {number}" if number % 2 == 0 else f"{SCRIPT} {FORMULA} {number}"


def _submission(case: Case, number: int, right: bool) -> dict[str, Any]:
    """A student's answers with HTML in the name and id: key answers, or the first wrong label."""
    sub = new_submission(case, student_id=f"{IMG}{number}", student_name=_name(number), now="2025-04-29T10:00:00Z")
    for statement in case.statements:
        values = {}
        for name in FIELDS:
            key = statement.answers[name]
            if right or name == "chain":
                values[name] = list(key) if name == "chain" else key
            else:
                values[name] = next(label for label in case.labels(name) if label != key)
        sub = record_check(case, sub, statement.id, values, now="2025-04-29T10:00:00Z")
    return sub


# --------------------------------------------------------------------------------------------
# The panel


def _html_of(widget: Any) -> Iterator[tuple[str, str]]:
    """Every string a widget tree renders as HTML: HTML widgets' values and HTML descriptions."""
    import ipywidgets as widgets

    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        yield type(widget).__name__, widget.value
    if getattr(widget, "description_allow_html", False):
        yield f"{type(widget).__name__}.description", widget.description
    for child in getattr(widget, "children", ()):
        yield from _html_of(child)


def _assert_panel_clean(panel: Any, step: str) -> int:
    count = 0
    for kind, text in _html_of(panel.widget):
        _assert_clean(text, f"panel {kind} after {step}")
        count += 1
    return count


def test_panel_escapes_case_and_student_text(evil_case: Case, tmp_path: Path) -> None:
    """Through loading a file with an HTML student name, navigation, wrong and right choices, Check,
    a failed restore and start over, no panel HTML holds a payload unescaped; the escaped text does
    appear (so the test looks at the rendered text, not at empty widgets)."""
    from attribution_lab.student.panel import Panel

    answers = tmp_path / "answers-evil.json"
    answers.write_text(json.dumps(_submission(evil_case, 1, right=False)), "utf-8")
    panel = Panel(case=evil_case, fields=FIELDS, answers_path=answers)
    rendered = _assert_panel_clean(panel, "loading")
    assert rendered > 5
    panel.select(evil_case.statements[0].id)
    assert "&lt;script&gt;" in panel.statement_html  # the first statement's quote, escaped
    for statement in evil_case.statements[:4]:
        panel.select(statement.id)
        _assert_panel_clean(panel, f"selecting {statement.id}")
        for name in FIELDS:
            wrong = next(label for label in evil_case.labels(name) if label != statement.answers[name])
            panel.choose(name, [wrong] if name == "chain" else wrong)
        panel.check()
        _assert_panel_clean(panel, f"a wrong check of {statement.id}")
        for name in FIELDS:
            panel.choose(name, statement.answers[name])
        panel.check()
        _assert_panel_clean(panel, f"a right check of {statement.id}")
        assert "&lt;script&gt;" in panel.feedback_html  # the whys and the rules, escaped
        assert "<b>Why (" in panel.feedback_html and "<b>Rule " in panel.feedback_html
    panel.controls.student_name.value = SCRIPT + IMG
    _assert_panel_clean(panel, "typing an HTML name")
    bad = json.dumps({"format": "attribution-lab-submission", "schema_version": 1, "case_id": "evil",
                      "key_version": "1.0.0", "student": {"name": SCRIPT}, "created": SCRIPT,
                      "updated": IMG, "answers": {"S01": {"current": {"origin": SVG}, "first": {}, "attempts": 0}}})
    assert not panel.restore_from_bytes(bad.encode(), f"{IMG}.json")
    _assert_panel_clean(panel, "a failed restore")
    assert "&lt;img" in panel.notice_html
    panel.ask_start_over()
    _assert_panel_clean(panel, "asking to start over")
    panel.confirm_start_over()
    _assert_panel_clean(panel, "starting over")


def test_panel_choice_labels_are_plain_text(evil_case: Case, tmp_path: Path) -> None:
    """Radio buttons and chain check boxes show label names as plain text (options and descriptions
    that the browser never parses as HTML)."""
    import ipywidgets as widgets

    from attribution_lab.student.panel import Panel

    panel = Panel(case=evil_case, fields=FIELDS, answers_path=tmp_path / "answers-evil.json")
    seen = 0

    def walk(widget: Any) -> None:
        nonlocal seen
        if isinstance(widget, (widgets.Checkbox, widgets.RadioButtons, widgets.ToggleButtons, widgets.Dropdown, widgets.Button)):
            assert not getattr(widget, "description_allow_html", False), widget
            seen += 1
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(panel.widget)
    assert seen >= len(FIELDS)


# --------------------------------------------------------------------------------------------
# The grader and the class report


@pytest.fixture
def class_folder(evil_case: Case, tmp_path: Path) -> Path:
    """Three students' answers files with HTML in names and ids, and one rejected file whose name
    and content hold HTML."""
    folder = tmp_path / "class"
    folder.mkdir()
    for number, right in ((1, True), (2, False), (3, False)):
        (folder / f"student-{number}.json").write_text(json.dumps(_submission(evil_case, number, right)), "utf-8")
    (folder / f"{IMG}.json").write_text(json.dumps({"format": SCRIPT}), "utf-8")
    return folder


def test_class_report_escapes_everything(evil_case: Case, class_folder: Path, tmp_path: Path) -> None:
    """The class report page (as written by the report command) holds no payload unescaped, from
    the case, the students or the rejected file's name; the escaped names are there."""
    students, outcome = read_class([class_folder], evil_case)
    assert len(students) == 3 and outcome.rejected
    page = report.write_report(evil_case, students, tmp_path / "report", outcome=outcome)
    text = page.read_text("utf-8")
    _assert_clean(text, "report page")
    assert "&lt;script&gt;" in text  # the case title and students' names, escaped
    assert "&lt;img src=x onerror=" in text  # the rejected file's name, escaped
    stats = class_statistics(evil_case, [s.submission for s in students], [s.student_id for s in students])
    _assert_clean(report.summary_html(evil_case, stats, {"difficulty": f"x.png{IMG}"}, outcome=outcome), "summary fragment")
    _assert_clean(report.show(evil_case, students, outcome=outcome).data, "report shown in a notebook")


def test_grader_csv_keeps_names_as_text_and_neutralises_formulas(evil_case: Case, class_folder: Path, tmp_path: Path) -> None:
    """The results and LMS CSVs are data: a name with HTML arrives as exactly that text (escaping it
    would corrupt it), and no text cell starts with a character a spreadsheet runs as a formula."""
    results, lms = tmp_path / "results.csv", tmp_path / "results-lms.csv"
    summary = grade_files([class_folder], evil_case, results, lms)
    assert summary.students == 3
    for path in (results, lms):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == 4, rows
        for row in rows[1:]:
            for cell in row:
                assert not re.match(r"[=+\-@\t\r]", cell) or re.fullmatch(r"-?[0-9.]+", cell), f"{path.name}: {cell!r}"
    with open(results, newline="", encoding="utf-8") as handle:
        named = {row["student_id"].lstrip("'"): row["name"] for row in csv.DictReader(handle)}
    assert named[f"{IMG}1"] == _name(1)
    assert named[f"{IMG}2"] == "'" + _name(2)  # the formula is neutralised, the text kept
