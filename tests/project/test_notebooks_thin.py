"""Notebooks stay thin and tidy: the package does the work, the case supplies every fact shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from attribution_lab.student import lessons

ROOT = Path(__file__).resolve().parents[2]


FOLDERS = ("notebooks", "exercises", "solutions")
ALL = sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb"))
LESSON_NOTEBOOKS = [ROOT / item.path for item in lessons.LESSONS]
NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
MAX_LINES = 12
#: An entry of an answer dictionary ("S01": ...,) does not count towards a cell's length.
ANSWER_ENTRY = re.compile(r"""^\s*["'][^"']+["']\s*:""")
#: Imports and comments are not logic, so they do not count either.
NOT_LOGIC = re.compile(r"^\s*(#|import |from \S+ import )")
FORBIDDEN = re.compile(r"^\s*(def |class |async def )|\blambda\b")


def cells(path: Path, kind: str | None = None) -> list[dict]:
    found = json.loads(path.read_text("utf-8"))["cells"]
    return [c for c in found if kind is None or c["cell_type"] == kind]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_notebooks_to_check() -> None:
    """Every lesson notebook exists, and every folder has notebooks (an empty glob would pass everything)."""
    assert all(p.is_file() for p in LESSON_NOTEBOOKS)
    for folder in FOLDERS:
        assert list((ROOT / folder).glob("*.ipynb")), folder


@pytest.mark.parametrize("path", ALL, ids=rel)
def test_notebook_names_are_numbered_snake_case(path: Path) -> None:
    """Names look like 02_who_said_it.ipynb."""
    assert NAME.match(path.name), f"{rel(path)}: rename to NN_snake_case.ipynb"


def test_every_solution_has_its_exercise_twin() -> None:
    """solutions/ and exercises/ hold notebooks of the same names."""
    solutions = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    exercises = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    assert solutions == exercises


@pytest.mark.parametrize("path", ALL, ids=rel)
def test_code_cells_are_thin(path: Path) -> None:
    """No def, class or lambda in a notebook, and no code cell longer than 12 lines, not counting the
    entries of an answer dictionary, imports or comments."""
    for number, cell in enumerate(cells(path), start=1):
        if cell["cell_type"] != "code":
            continue
        lines = [line for line in source(cell).split("\n") if line.strip()]
        for line in lines:
            assert not FORBIDDEN.search(line), f"{rel(path)} cell {number}: move {line.strip()!r} into the package"
        counted = [line for line in lines if not ANSWER_ENTRY.match(line) and not NOT_LOGIC.match(line)]
        assert len(counted) <= MAX_LINES, f"{rel(path)} cell {number}: {len(counted)} lines; keep cells short"


@pytest.mark.parametrize("path", [p for p in ALL if not p.name.startswith("1")], ids=rel)
def test_the_case_is_chosen_in_the_first_code_cell_only(path: Path) -> None:
    """The first code cell sets CASE, and no other cell names a case: one line switches the case."""
    code = cells(path, "code")
    assert re.fullmatch(r'CASE = "[a-z][a-z0-9_]*"(\s*#.*)?', source(code[0]).strip()), rel(path)
    for cell in code[1:]:
        assert "CASE =" not in source(cell) and '"kursk"' not in source(cell), rel(path)


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=rel)
def test_lessons_open_with_objectives_and_time_and_end_with_key_points(path: Path) -> None:
    """The first cell gives objectives and an estimated time; the last cell is the key points."""
    first, last = cells(path)[0], cells(path)[-1]
    assert first["cell_type"] == "markdown" and "Objectives" in source(first) and "**Time:**" in source(first)
    assert last["cell_type"] == "markdown" and "## Key points" in source(last)


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=rel)
def test_lesson_minutes_match_the_lesson_table(path: Path) -> None:
    """The time a lesson announces is the time lessons.LESSONS gives (the README table's source)."""
    item = next(i for i in lessons.LESSONS if i.notebook == path.stem)
    assert f"about {item.minutes} minutes" in source(cells(path)[0])


@pytest.mark.parametrize("path", [*LESSON_NOTEBOOKS, *sorted((ROOT / "exercises").glob("*.ipynb"))], ids=rel)
def test_lessons_and_exercises_are_stored_without_outputs(path: Path) -> None:
    """Outputs are made when a student runs the notebook, never stored (nbval-lax runs them)."""
    for cell in cells(path, "code"):
        assert cell["outputs"] == [] and cell["execution_count"] is None, rel(path)


def test_markdown_does_not_retype_the_case(kursk) -> None:
    """No statement text, sentence of a why, hint, takeaway or accepted answer's reason, evidence date
    or figure of the case is typed into a notebook's Markdown: those are shown by code from the case.
    (Prose may name ideas, such as the kinds of red flag, in its own words.)"""
    numbers = {f"{e.value:,.0f}" for e in kursk.estimates} | {f"{f.value:,.0f}" for f in kursk.article_figures}
    reasons = [text for st in kursk.statements for field in st.key for text in (st.why(field), st.hint(field))]
    reasons += [st.takeaway for st in kursk.statements]
    reasons += [a.why for st in kursk.statements for alternatives in st.accepted.values() for a in alternatives]
    sentences = [s.strip() for reason in reasons for s in re.split(r"(?<=[.!?])\s+", reason)]
    long_sentences = [" ".join(s.split()) for s in sentences if len(s) > 40]
    quotes = [" ".join(st.quote.split()) for st in kursk.statements]
    for path in ALL:
        for cell in cells(path, "markdown"):
            text = " ".join(source(cell).split())
            for quote in quotes:
                assert quote not in text, f"{rel(path)}: statement text typed in Markdown"
            for sentence in long_sentences:
                assert sentence not in text, f"{rel(path)}: key text typed in Markdown: {sentence!r}"
            assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), f"{rel(path)}: a date typed in Markdown"
            for number in numbers:
                assert not re.search(rf"(?<![\d,]){re.escape(number)}(?![\d,])", text), f"{rel(path)}: {number} typed"
