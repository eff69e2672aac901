"""Worked examples come from the key, and no lesson works through a statement its own panel asks.

Lesson 03 works the trust rules through on two statements and lesson 04 draws a chain; both take
their statements from the invented practice case. Lesson 06 prints the outside sources only when the
student asks. The notebooks are run here cell by cell (all but the panel), with the functions that
show answers recording which case and statements they are asked about.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from attribution_lab import Case, load_case
from attribution_lab.core.case import FIELD_NAMES, RULED_FIELDS
from attribution_lab.storage.cases import builtin_cases
from attribution_lab.student import charts, lessons, worked

ROOT = Path(__file__).resolve().parents[2]
PRACTICE = load_case(worked.PRACTICE_CASE)
#: The lessons whose panels ask statements, and so must not show their answers beforehand.
ASKING = [item for item in lessons.LESSONS if item.fields]


def flat(text: str) -> str:
    return " ".join(text.split())


def section(text: str, field: str) -> str:
    """The part of a worked text about one trust question (up to the next question's heading)."""
    start = text.index(f"{FIELD_NAMES[field]} Take the rules in order")
    later = [text.index(f"{FIELD_NAMES[f]} Take the rules", start + 1) for f in RULED_FIELDS
             if f"{FIELD_NAMES[f]} Take the rules" in text[start + 1:]]
    return text[start:min(later, default=len(text))]


@pytest.mark.parametrize("case_id", ["alder_river", "kursk"])
def test_worked_rules_tries_each_rule_in_order_up_to_the_one_the_key_names(case_id: str) -> None:
    """For every statement and trust question, the worked text lists the rules from the first up to
    the rule the key names as deciding (no later one), says that rule decides, and gives the key's
    answer and its why; the facts it lists are the key's recorded values."""
    case = load_case(case_id)
    for statement in case.statements:
        text = worked.worked_rules(case, statement.id)
        assert flat(statement.quote) in flat(text)
        for field in RULED_FIELDS:
            part = section(text, field)
            deciding = case.deciding_rule(statement, field)
            assert deciding is not None
            ids = [rule.id for rule in case.rules[field]]
            upto = ids[: ids.index(deciding.id) + 1]
            positions = [part.index(f"  {rule_id} ") for rule_id in upto]
            assert positions == sorted(positions), (statement.id, field)
            for later in ids[len(upto):]:
                assert f"  {later} " not in part, (statement.id, field, later)
            assert f"so {deciding.id} decides" in part, (statement.id, field)
            assert f"Answer: {case.labels(field)[statement.label(field)].name}." in part
            assert flat(statement.why(field)) in flat(part)
        for name, value in statement.facts.items():
            shown = "true" if value is True else "false" if value is False else str(value)
            if f"({name} is" in text:
                assert f"({name} is {shown})" in flat(text), (statement.id, name)


def test_rules_examples_are_two_statements_with_different_deciding_rules() -> None:
    """The practice examples are two different statements, in article order, and between them the
    rules that decide cover both trust questions with at least three different rules."""
    chosen = worked.rules_examples(PRACTICE)
    assert len(chosen) == 2 and len(set(chosen)) == 2
    assert list(chosen) == [sid for sid in PRACTICE.statement_ids if sid in chosen]
    deciding = set()
    for sid in chosen:
        for field in RULED_FIELDS:
            rule = PRACTICE.deciding_rule(PRACTICE.statement(sid), field)
            assert rule is not None
            deciding.add(rule.id)
    assert len(deciding) >= 3, deciding


def test_worked_chain_gives_the_keys_chain_and_why() -> None:
    """The chain text names the origin, each intermediary of the key's chain in order, and the why."""
    sid = lessons.chain_example(PRACTICE)
    statement = PRACTICE.statement(sid)
    text = flat(worked.worked_chain(PRACTICE, sid))
    names = [PRACTICE.labels("origin")[statement.label("origin")].name]
    names += [PRACTICE.labels("chain")[link].name for link in statement.chain]
    assert " → ".join([*names, "you"]) in text
    assert flat(statement.why("chain")) in text
    assert len(statement.chain) >= 2, "the longest chain of the practice case has two links or more"


@pytest.mark.parametrize("case_id", builtin_cases())
def test_the_practice_case_is_invented_and_uses_every_cases_rules(case_id: str) -> None:
    """Lesson 03 says the practice article is invented and that its key uses the same facts and
    rules as every case: so the worked examples teach the rules a student applies to any case."""
    assert PRACTICE.invented and "invented" in PRACTICE.title
    case = load_case(case_id)
    assert (case.facts, case.rules, case.before_the_rules) == (PRACTICE.facts, PRACTICE.rules, PRACTICE.before_the_rules)


# --------------------------------------------------------------------------------------------
# The lesson notebooks, run cell by cell


def code_cells(notebook: str) -> list[dict[str, Any]]:
    cells = json.loads((ROOT / notebook).read_text("utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def run_cell(source: str, namespace: dict[str, Any]) -> str:
    """Run a cell as the kernel would (magics left out) and return what it prints and displays."""
    tree = ast.parse("\n".join(line for line in source.split("\n") if not line.lstrip().startswith("%")))
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the project's own notebooks
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307
            if value is not None:
                print(getattr(value, "data", value))
    return out.getvalue()


@contextlib.contextmanager
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Wrap the functions that show a statement's answers; yield the (case id, statement id) pairs
    they are called with."""
    seen: list[tuple[str, str]] = []

    def wrap(module: Any, name: str, many: bool = False) -> None:
        original: Callable[..., Any] = getattr(module, name)

        def recorder(case: Case, statements: Any, *args: Any, **kwargs: Any) -> Any:
            seen.extend((case.id, sid) for sid in (statements if many else (statements,)))
            return original(case, statements, *args, **kwargs)

        monkeypatch.setattr(module, name, recorder)

    wrap(worked, "worked_rules")
    wrap(worked, "worked_chain")
    wrap(charts, "draw_chain")
    wrap(lessons, "sources_text", many=True)
    yield seen


def run_lesson(notebook: str, monkeypatch: pytest.MonkeyPatch, *, edit: Callable[[str], str] = str) -> tuple[dict[str, Any], list[tuple[str, str]], str]:
    """Run every code cell but the panel's; return the namespace, the recorded pairs and the output."""
    namespace: dict[str, Any] = {}
    printed = []
    with recording(monkeypatch) as seen:
        for cell in code_cells(notebook):
            if "lessons.panel(" not in cell["source"]:
                printed.append(run_cell(edit(cell["source"]), namespace))
    return namespace, seen, "\n".join(printed)


def key_texts(case: Case, statement_ids: tuple[str, ...]) -> list[str]:
    """The key's reasons and outside sources for these statements: what answers them."""
    texts = []
    for sid in statement_ids:
        statement = case.statement(sid)
        texts += [statement.why(field) for field in statement.key]
        texts += [case.evidence[e].supports for e in statement.evidence]
        texts += [case.evidence[e].url or "" for e in statement.evidence]
    return [flat(t) for t in texts if len(t) > 20]


@pytest.mark.parametrize("item", ASKING, ids=lambda item: item.notebook)
def test_no_lesson_shows_answers_to_statements_its_panel_asks(item: lessons.Lesson, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running a lesson top to bottom never works through, draws the chain of, or lists the sources
    of a statement that the lesson's own panel asks, and prints none of those statements' whys or
    outside sources."""
    namespace, seen, printed = run_lesson(item.path, monkeypatch)
    case: Case = namespace["case"]
    asked = item.statement_ids(case)
    given_away = [(cid, sid) for cid, sid in seen if cid == case.id and sid in asked]
    assert not given_away, f"{item.notebook} shows answers of statements its panel asks: {given_away}"
    for text in key_texts(case, asked):
        assert text not in flat(printed), f"{item.notebook} prints key text of a statement it asks: {text[:60]!r}"


@pytest.mark.parametrize("number", ["03", "04"])
def test_lessons_03_and_04_work_an_example_through_on_the_invented_case(number: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lessons 03 (two statements, both trust questions) and 04 (one chain) do show worked examples,
    from the invented practice case, and say in the lesson that it is invented."""
    item = lessons.lesson(number)
    _, seen, printed = run_lesson(item.path, monkeypatch)
    cases = {cid for cid, _ in seen}
    assert cases == {worked.PRACTICE_CASE}, seen
    expected = 2 if number == "03" else 1
    assert len({sid for _, sid in seen}) == expected, seen
    for _, sid in seen:
        assert flat(PRACTICE.statement(sid).quote) in flat(printed)
    if number == "03":
        for sid in worked.rules_examples(PRACTICE):
            for field in RULED_FIELDS:
                rule = PRACTICE.deciding_rule(PRACTICE.statement(sid), field)
                assert rule is not None and f"so {rule.id} decides" in printed
    markdown = " ".join(c["source"] for c in json.loads((ROOT / item.path).read_text("utf-8"))["cells"]
                        if c["cell_type"] == "markdown")
    assert "invented" in markdown and "practice article" in markdown


def test_lesson_06_lists_the_sources_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as stored, lesson 06 prints a note on how to see the sources and not the sources; with
    SHOW_SOURCES set to True it prints them for every statement it asks."""
    item = lessons.lesson("06")
    namespace, seen, printed = run_lesson(item.path, monkeypatch)
    assert not seen and "SHOW_SOURCES = True" in printed
    namespace, seen, printed = run_lesson(item.path, monkeypatch, edit=lambda s: s.replace("SHOW_SOURCES = False", "SHOW_SOURCES = True"))
    case: Case = namespace["case"]
    assert [sid for _, sid in seen] == list(item.statement_ids(case))
    shown = [e for sid in item.statement_ids(case) for e in case.statement(sid).evidence]
    assert shown and all(flat(case.evidence[e].supports) in flat(printed) for e in shown)
