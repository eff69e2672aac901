"""Worksheets: checking answer dictionaries, recording them, and generating exercises from solutions."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from attribution_lab import cli
from attribution_lab.authoring.exercises import (
    ExerciseError,
    exercise_from_solution,
    make_exercises,
    notebook_bytes,
    refresh_solutions,
    refreshed_solution,
    solution_bytes,
    strip_source,
)
from attribution_lab.core.engine import WEIGHTS
from attribution_lab.storage.answers_store import AnswersStore
from attribution_lab.student.worksheets import Worksheet, WorksheetError

ROOT = Path(__file__).resolve().parents[2]

SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"


def notebooks(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ipynb"))


def code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code"]


def run_cells(path: Path) -> tuple[dict, str]:
    """Run a worksheet's code cells in this process; return the namespace and what was printed."""
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in code_cells(path):
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)  # noqa: S102 - our own notebooks
    return namespace, out.getvalue()


def wrong_label(case, statement, field):
    ok = {statement.answers[field], *(a.answer for a in statement.accepted[field])}
    return next(label for label in case.labels(field) if label not in ok)


# --------------------------------------------------------------------------------------------
# The generated exercises in the repository


def test_exercises_are_exactly_what_the_generator_makes_from_the_solutions(tmp_path: Path) -> None:
    """Regenerating into a temporary folder gives the same files, byte for byte, and no others."""
    made = make_exercises(SOLUTIONS, tmp_path)
    assert [p.name for p in made] == [p.name for p in notebooks(EXERCISES)]
    for path in made:
        assert path.read_bytes() == (EXERCISES / path.name).read_bytes(), (
            f"exercises/{path.name} differs from its solution: run `make exercises`"
        )


def test_no_exercise_gives_away_a_why_or_an_accepted_reason(kursk) -> None:
    """No field's why, takeaway, accepted alternative's reason or 'still uncertain' note of the key
    appears in any exercise, whole or as its first sixty characters."""
    secrets = []
    for statement in kursk.statements:
        secrets.extend(statement.why(field) for field in statement.key)
        secrets.append(statement.takeaway)
        secrets.extend(a.why for alternatives in statement.accepted.values() for a in alternatives)
        if statement.uncertain:
            secrets.append(statement.uncertain)
    for path in notebooks(EXERCISES):
        cells = json.loads(path.read_text("utf-8"))["cells"]
        shown = [("".join(c["source"]), json.dumps(c.get("outputs", []), ensure_ascii=False)) for c in cells]
        joined = " ".join(" ".join(part for pair in shown for part in pair).split())
        for secret in secrets:
            piece = " ".join(secret.split())[:60]
            assert piece not in joined, f"{path.name} contains key text: {piece!r}"


def test_exercises_have_no_outputs_and_no_solution_cells() -> None:
    """Exercises are stored without outputs or execution counts, and no cell tagged solution survives."""
    for path in notebooks(EXERCISES):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            assert "solution" not in cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
                assert "# SOLUTION" not in "".join(cell["source"])


def test_an_unanswered_exercise_runs_and_scores_zero(tmp_path: Path) -> None:
    """Every exercise runs top to bottom as given: nothing is answered, so its hand-in cell is
    refused (naming what is still to answer), nothing is graded, and no answers file appears."""
    with contextlib.chdir(tmp_path):
        for path in notebooks(EXERCISES):
            namespace, printed = run_cells(path)
            assert namespace["result"].handed_in is False and namespace["result"].graded is None, path.name
            assert "Not handed in: answer every statement first" in printed and "Still to answer" in printed
    assert list(tmp_path.glob("**/answers-*.json")) == []


def test_every_solution_scores_full_marks_and_ends_by_asserting_it() -> None:
    """Run as given, each solution's hand-in is graded 100%, and its last cell is a solution-only assert."""
    for path in notebooks(SOLUTIONS):
        namespace, _ = run_cells(path)
        assert namespace["result"].graded is not None and namespace["result"].graded.fraction == 1.0, path.name
        last = code_cells(path)[-1]
        assert "solution" in last["metadata"].get("tags", []) and "assert" in "".join(last["source"])


def test_solutions_are_stored_with_outputs() -> None:
    """Solutions keep their outputs, every code cell run in order, so strict nbval compares them."""
    for path in notebooks(SOLUTIONS):
        counts = [c["execution_count"] for c in code_cells(path)]
        assert counts == list(range(1, len(counts) + 1)), path.name
        assert any(c["outputs"] for c in code_cells(path))


# --------------------------------------------------------------------------------------------
# The transformation


def test_solution_lines_keep_their_names_and_lose_their_values() -> None:
    """An assignment keeps its target, a dictionary entry its key and comma, any other line becomes
    `...` at its indentation; a BEGIN/END block becomes one `...`; other lines are untouched."""
    source = "\n".join([
        "answers = {",
        '    "S01": "north_korea",  # SOLUTION',
        "    'S02': ['kcna', 'afp'],  # SOLUTION",
        '    "S03": "last"  # SOLUTION',
        "}",
        "x = 1  # SOLUTION",
        "    print(x)  # SOLUTION",
        "# a note about the solutions folder",
        "    # BEGIN SOLUTION",
        "    y = 2",
        "    # END SOLUTION",
    ])
    assert strip_source(source, "t").split("\n") == [
        "answers = {",
        '    "S01": ...,',
        "    'S02': ...,",
        '    "S03": ...',
        "}",
        "x = ...",
        "    ...",
        "# a note about the solutions folder",
        "    ...",
    ]


@pytest.mark.parametrize("source, message", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without a # BEGIN SOLUTION"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside the block"),
    ("x = [1,  # SOLUTION\n     2]", "does not end on this line"),
    ('"S01": ("a",  # SOLUTION', "does not end on this line"),
    ("x = 1  # SOLUTION: the answer", "odd solution marker"),
    ("x = 1  # solution", "odd solution marker"),
    ("x = 1  # SOLUTIONS", "odd solution marker"),
    ("# SOLUTION", "marks nothing"),
])
def test_unclosed_or_odd_markers_raise_a_clear_error(source: str, message: str) -> None:
    """Markers the generator cannot apply safely raise ExerciseError saying where and what."""
    with pytest.raises(ExerciseError, match=message) as error:
        strip_source(source, "solutions/x.ipynb: cell 3")
    assert "solutions/x.ipynb: cell 3" in str(error.value)


def notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {"widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}


def code(source: str, tags: tuple[str, ...] = (), outputs: list | None = None) -> dict:
    return {"cell_type": "code", "id": source[:8].strip() or "c", "source": source,
            "metadata": {"tags": list(tags), "execution": {"iopub.status.busy": "2025"}},
            "outputs": outputs or [{"output_type": "stream", "name": "stdout", "text": "hi"}], "execution_count": 7}


def test_exercise_drops_solution_cells_and_clears_outputs() -> None:
    """Cells tagged solution go; outputs, execution counts, timing and saved widget state are cleared;
    the input notebook is not changed; errors name the file and the cell."""
    solution = notebook(code("x = 1  # SOLUTION"), code("assert x == 1", ("solution",)), code("print(x)"))
    before = json.dumps(solution, sort_keys=True)
    exercise = exercise_from_solution(solution, "s.ipynb")
    assert json.dumps(solution, sort_keys=True) == before
    assert ["".join(c["source"]) for c in exercise["cells"]] == ["x = ...", "print(x)"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in exercise["cells"])
    assert all("execution" not in c["metadata"] for c in exercise["cells"])
    assert "widgets" not in exercise["metadata"]
    with pytest.raises(ExerciseError, match=r"s\.ipynb: cell 2, line 1"):
        exercise_from_solution(notebook(code("y = 2"), code("x = 1  # SOLUTION here")), "s.ipynb")


def test_notebook_bytes_are_deterministic() -> None:
    """Sorted keys, one-space indent, UTF-8 kept as is, one trailing newline; same input, same bytes."""
    data = notebook(code("print('✓')"))
    once = notebook_bytes(data)
    assert once == notebook_bytes(json.loads(once))
    assert once.endswith(b"}\n") and not once.endswith(b"\n\n")
    assert "✓".encode() in once and b'\n "cells"' in once


def test_a_bad_solution_leaves_the_exercises_folder_alone(tmp_path: Path) -> None:
    """When one solution has a bad marker, no exercise is written at all."""
    source, target = tmp_path / "solutions", tmp_path / "exercises"
    source.mkdir()
    (source / "01_good.ipynb").write_text(json.dumps(notebook(code("x = 1  # SOLUTION"))))
    (source / "02_bad.ipynb").write_text(json.dumps(notebook(code("# BEGIN SOLUTION"))))
    with pytest.raises(ExerciseError, match="02_bad.ipynb: cell 1"):
        make_exercises(source, target)
    assert not target.exists()


def test_make_exercises_command_writes_and_reports_stale_exercises(tmp_path: Path, capsys) -> None:
    """`attribution-lab make-exercises` writes the exercises (exit 0), and exits 1 naming an exercise
    that no longer has a solution."""
    source, target = tmp_path / "solutions", tmp_path / "exercises"
    source.mkdir()
    (source / "01_a.ipynb").write_text(json.dumps(notebook(code("x = 1  # SOLUTION"))))
    assert cli.main(["make-exercises", str(source), str(target)]) == 0
    assert (target / "01_a.ipynb").is_file()
    (target / "09_old.ipynb").write_text("{}")
    assert cli.main(["make-exercises", str(source), str(target)]) == 1
    assert "09_old.ipynb" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Checking and recording


@pytest.fixture(scope="module")
def practice():
    from attribution_lab.storage.cases import load_case

    return load_case("kursk_prisoners")


def _key(case, worksheet, field, wrong=()):
    """The key's answers to one field of a worksheet, with a wrong label for the ids in ``wrong``."""
    return {sid: wrong_label(case, case.statement(sid), field) if sid in wrong else case.statement(sid).answers[field]
            for sid in worksheet.statement_ids}


def test_worksheets_use_the_practice_case_and_ask_what_their_lesson_asks(practice) -> None:
    """By default a worksheet is on the practice case, with its lesson's fields and statements there."""
    from attribution_lab.core.plan import lesson

    worksheet = Worksheet(lesson="03", record=False)
    assert worksheet.case.id == "kursk_prisoners"
    assert worksheet.fields == lesson("03").fields
    assert worksheet.statement_ids == lesson("03").statement_ids(practice)


def test_answer_saves_without_checking_and_hand_in_waits_for_every_statement(practice, tmp_path: Path, capsys) -> None:
    """answer() saves the choices and says what is still to answer, with no verdict, hint or why; a
    hand-in with a statement unanswered is refused, names it, and records no first try."""
    path = tmp_path / "answers-kursk_prisoners.json"
    worksheet = Worksheet(practice, lesson="02", answers_path=path)
    answers = _key(practice, worksheet, "origin")
    left_out = worksheet.statement_ids[-1]
    answers[left_out] = ...
    worksheet.answer("origin", answers)
    printed = capsys.readouterr().out
    assert f"Origin: {len(answers) - 1} answers saved. Still to answer: {left_out}." in printed
    assert "✓" not in printed and "✗" not in printed and "Why" not in printed
    result = worksheet.hand_in()
    printed = capsys.readouterr().out
    assert not result.handed_in and result.graded is None
    assert "Not handed in" in printed and f"{left_out} (Origin)" in printed
    saved = AnswersStore(path, practice).read_valid()
    assert all(not entry["first"] for entry in saved["answers"].values()) and "handed_in" not in saved


def test_the_first_hand_in_is_graded_and_kept_apart(practice, tmp_path: Path, capsys) -> None:
    """The first hand-in checks every answer at once and is the graded try; answers changed and
    handed in again are practice: the current answers change, the graded score and first tries do not."""
    path = tmp_path / "answers-kursk_prisoners.json"
    worksheet = Worksheet(practice, lesson="02", answers_path=path)
    missed = worksheet.statement_ids[1]
    worksheet.answer("origin", _key(practice, worksheet, "origin", wrong={missed}))
    first = worksheet.hand_in()
    assert first.handed_in and first.graded is not None and first.times == 1
    n = len(worksheet.statement_ids)
    assert first.graded.points == WEIGHTS["origin"] * (n - 1) and first.graded.out_of == WEIGHTS["origin"] * n
    assert first.missed == (f"{missed} origin",)
    worksheet.answer("origin", {missed: practice.statement(missed).answers["origin"]})
    again = worksheet.hand_in()
    printed = capsys.readouterr().out
    assert "Handed in again, for practice" in printed
    assert again.this_try is not None and again.this_try.fraction == 1.0
    assert again.graded == first.graded and again.times == 2
    saved = AnswersStore(path, practice).read_valid()
    assert saved["answers"][missed]["first"]["origin"] != practice.statement(missed).answers["origin"]
    assert saved["handed_in"]["02"]["times"] == 2
    later = Worksheet(practice, lesson="02", answers_path=path).standing()  # read back from the file
    assert later.graded == first.graded


def test_hand_in_feedback_names_the_answer_and_why_of_what_was_missed_only(practice, tmp_path: Path, capsys) -> None:
    """After the hand-in the printout gives the score and, for each statement not right, the key's
    answer and why; the statements that were right are not printed one by one."""
    worksheet = Worksheet(practice, lesson="02", answers_path=tmp_path / "a.json")
    missed, right = worksheet.statement_ids[2], worksheet.statement_ids[0]
    worksheet.answer("origin", _key(practice, worksheet, "origin", wrong={missed}))
    capsys.readouterr()
    worksheet.hand_in()
    flat = " ".join(capsys.readouterr().out.split())
    statement = practice.statement(missed)
    answer = practice.labels("origin")[statement.answers["origin"]].name
    assert "This first hand-in is your graded try" in flat and f"Not right then: {missed} origin" in flat
    assert f"The key's answer is {answer}." in flat
    assert " ".join(statement.why("origin").split())[:50] in flat
    assert f"{right}:" not in flat


def test_answer_names_unknown_labels_and_ids_in_one_line_and_keeps_the_rest(practice, tmp_path: Path, capsys) -> None:
    """A label the case does not know, an id outside the worksheet and an unknown id are each named
    in one line and not saved; a lower-case id is read as its upper-case form; the rest is saved."""
    path = tmp_path / "a.json"
    a, b = Worksheet(practice, lesson="02", record=False).statement_ids[:2]
    outside = next(sid for sid in practice.statement_ids if sid not in Worksheet(practice, lesson="02", record=False).statement_ids)
    worksheet = Worksheet(practice, lesson="02", answers_path=path)
    worksheet.answer("origin", {a.lower(): practice.statement(a).answers["origin"], b: "north korea", outside: "writer", "S99": "writer"})
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{b}: 'north korea' is not one of the origin labels") for line in lines)
    assert any(line.startswith(f"'{outside}' is not part of this worksheet") for line in lines)
    assert any(line.startswith("'S99' is not a statement id") for line in lines)
    assert not any("Traceback" in line for line in lines)
    saved = AnswersStore(path, practice).read_valid()
    assert set(saved["answers"]) == {a}


def test_answer_refuses_a_field_the_worksheet_does_not_ask(practice) -> None:
    """Answering a field outside the worksheet, or answers that are not a dictionary, raises a clear error."""
    worksheet = Worksheet(practice, lesson="02", record=False)
    with pytest.raises(WorksheetError, match="asks about origin"):
        worksheet.answer("believable", {})
    with pytest.raises(WorksheetError, match="dictionary"):
        worksheet.answer("origin", ["north_korea"])


def test_record_false_writes_no_file_and_still_grades(practice, tmp_path: Path, capsys) -> None:
    """A worksheet made with record=False keeps its answers in memory: hand-in grades them, no file is written."""
    worksheet = Worksheet(practice, lesson="06", record=False, answers_path=tmp_path / "a.json")
    worksheet.answer("red_flag", _key(practice, worksheet, "red_flag"))
    assert worksheet.hand_in().graded.fraction == 1.0
    assert list(tmp_path.iterdir()) == []


def test_the_worksheet_panel_checks_nothing_before_the_hand_in(practice, tmp_path: Path) -> None:
    """In assessment mode the panel has no Check and no "Show the answer" in view; a choice gets no
    verdict, hint or why; Hand in is refused until every statement is answered, then the statement
    shown gets its verdict, the key's answer and why, and the progress line the graded score."""
    from attribution_lab.student.worksheet_panel import WorksheetPanel

    panel = WorksheetPanel(practice, "02", answers_path=tmp_path / "a.json")
    assert panel.controls.check.layout.display == "none" and panel.controls.reveal.layout.display == "none"
    assert "not handed in yet" in panel.progress_text
    wrong_sid = panel.statement_ids[0]
    statement = practice.statement(wrong_sid)
    panel.choose("origin", wrong_label(practice, statement, "origin"))
    flat = " ".join(panel.feedback_html.split())
    assert "✗" not in flat and "Why" not in flat and " ".join(statement.hint("origin").split())[:40] not in flat
    assert not panel.hand_in().handed_in and "Not handed in" in panel.hand_in_html
    for sid in panel.statement_ids[1:]:
        panel.select(sid)
        panel.choose("origin", practice.statement(sid).answers["origin"])
    outcome = panel.hand_in()
    assert outcome.handed_in and outcome.missed == (f"{wrong_sid} origin",)
    assert "handed in, graded" in panel.progress_text
    panel.select(wrong_sid)
    flat = " ".join(panel.feedback_html.split())
    answer = practice.labels("origin")[statement.answers["origin"]].name
    assert "✗" in flat and f"The key&#x27;s answer is {answer}." in flat and "Why (Origin)" in flat
    assert "Your graded try (the first): ✗ Origin" in flat


def test_the_panel_and_the_text_interface_share_the_worksheet_s_file(practice, tmp_path: Path, capsys) -> None:
    """Answers saved in text show in the worksheet's panel, and a hand-in in the panel is what the
    text interface then reports: one file, one graded try."""
    path = tmp_path / "answers-kursk_prisoners.json"
    worksheet = Worksheet(practice, lesson="06", answers_path=path)
    worksheet.answer("red_flag", _key(practice, worksheet, "red_flag"))
    panel = worksheet.panel()
    assert panel.model.value("red_flag") == practice.statement(panel.current).answers["red_flag"]
    assert panel.hand_in().graded.fraction == 1.0
    assert Worksheet(practice, lesson="06", answers_path=path).standing().graded.fraction == 1.0


def test_exercise_does_not_depend_on_how_the_solution_was_saved() -> None:
    """Sources saved as one string or as a list of lines (as Jupyter and nbconvert save them) give
    the same exercise bytes."""
    as_text = notebook(code("x = 1  # SOLUTION\nprint(x)"),
                       {"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# Title\n\nText"})
    as_lines = json.loads(json.dumps(as_text))
    as_lines["cells"][0]["source"] = ["x = 1  # SOLUTION\n", "print(x)"]
    as_lines["cells"][1]["source"] = ["# Title\n", "\n", "Text"]
    assert notebook_bytes(exercise_from_solution(as_text)) == notebook_bytes(exercise_from_solution(as_lines))


def test_refreshed_solution_takes_outputs_and_keeps_the_authors_form() -> None:
    """Only outputs and execution counts come from the run; sources and metadata stay as written,
    and outputs given as lists of lines are joined into one string (the stored form)."""
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["x"]}, "outputs": [],
         "source": "print('a')"},
    ], "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    executed = {"cells": [
        {"cell_type": "markdown", "metadata": {"changed": True}, "source": ["# Other"]},
        {"cell_type": "code", "execution_count": 7, "metadata": {"execution": {}}, "source": ["print('b')"],
         "outputs": [{"name": "stdout", "output_type": "stream", "text": ["a\n", "b\n"]}]},
    ]}
    result = refreshed_solution(notebook, executed)
    assert result["cells"][0] == notebook["cells"][0]
    code = result["cells"][1]
    assert (code["source"], code["metadata"], code["execution_count"]) == ("print('a')", {"tags": ["x"]}, 7)
    assert code["outputs"] == [{"name": "stdout", "output_type": "stream", "text": "a\nb\n"}]
    assert notebook["cells"][1]["outputs"] == [], "the solution passed in must not change"
    with pytest.raises(ExerciseError, match="cells"):
        refreshed_solution(notebook, {"cells": executed["cells"][:1]})


def _changed_outputs(stored: Path, refreshed: Path) -> str:
    """The cells whose outputs a refresh changed, each with its outputs before and after (for a failure message)."""
    before, after = (json.loads(p.read_text("utf-8"))["cells"] for p in (stored, refreshed))
    changed = [f"cell {n}: {old.get('outputs')!r:.600}\n  became {new.get('outputs')!r:.600}"
               for n, (old, new) in enumerate(zip(before, after)) if old != new]
    return "\n".join(changed) or "no cell changed (the notebook's other bytes did)"


@pytest.mark.slow
def test_refreshing_a_current_solution_changes_no_byte_and_a_stale_one_is_repaired(tmp_path: Path) -> None:
    """refresh-solutions on a copy of a committed solution leaves it byte for byte as it is; with
    one stored output altered, the run puts the true output back and reports the file."""
    name = "04_chain_worksheet.ipynb"
    shutil.copy(ROOT / "solutions" / name, tmp_path / name)
    assert refresh_solutions(tmp_path) == [], _changed_outputs(ROOT / "solutions" / name, tmp_path / name)
    assert (tmp_path / name).read_bytes() == (ROOT / "solutions" / name).read_bytes()

    stale = json.loads((tmp_path / name).read_text("utf-8"))
    last = next(c for c in reversed(stale["cells"]) if c["cell_type"] == "code" and c["outputs"])
    last["outputs"] = [{"name": "stdout", "output_type": "stream", "text": "an old output\n"}]
    (tmp_path / name).write_bytes(solution_bytes(stale))
    assert refresh_solutions(tmp_path) == [tmp_path / name]
    assert (tmp_path / name).read_bytes() == (ROOT / "solutions" / name).read_bytes()


@pytest.mark.slow
def test_a_solution_that_fails_is_named_and_left_as_it_was(tmp_path: Path) -> None:
    """A solution whose cell raises gives an ExerciseError naming the file and the error; the file
    keeps its bytes."""
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                           "source": "raise ValueError('the key changed')"}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "broken.ipynb"
    path.write_bytes(solution_bytes(notebook))
    before = path.read_bytes()
    with pytest.raises(ExerciseError, match=r"broken\.ipynb: a cell raised an error.*ValueError: the key changed"):
        refresh_solutions(tmp_path)
    assert path.read_bytes() == before


def test_every_worked_answer_is_for_a_statement_of_its_worksheet() -> None:
    """The answers cell of each solution names exactly the worksheet's statements (on the practice
    case): a key change that moves a statement out of a lesson must not leave it in the worksheet,
    where a student would read that it is not part of this worksheet."""
    import ast
    import re

    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code")
        calls = [node for node in ast.walk(ast.parse(code))
                 if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Worksheet"]
        assert calls, f"{path.name}: no Worksheet(...) found"
        options = {k.arg: ast.literal_eval(k.value) for k in calls[0].keywords if k.arg == "lesson"}
        case = re.search(r'^CASE = "([a-z_]+)"', code, re.M)
        assert case and case.group(1) == "kursk_prisoners", f"{path.name}: not on the practice case"
        worksheet = Worksheet(case.group(1), record=False, **options)
        cells = ["".join(c["source"]) for c in json.loads(path.read_text("utf-8"))["cells"] if c["cell_type"] == "code"]
        answer_cells = [cell for cell in cells if cell.lstrip().startswith("answers = {")]
        assert answer_cells, f"{path.name}: no answers cell"
        for cell in answer_cells:
            named = re.findall(r'^\s*"(S\d+)":', cell, re.M)
            assert sorted(named) == sorted(worksheet.statement_ids), (
                f"{path.name}: answers for {sorted(set(named) ^ set(worksheet.statement_ids))}")


def test_the_text_check_shows_answers_only_when_asked(kursk, capsys) -> None:
    """check() saves nothing and so cannot count tries: a wrong field gets its hint; with
    show_answers=True it also gets the key's answer and its why."""
    from attribution_lab import check

    statement = kursk.statement("S05")
    wrong = wrong_label(kursk, statement, "origin")
    answer = kursk.labels("origin")[statement.answers["origin"]].name
    check("S05", origin=wrong)
    out = " ".join(capsys.readouterr().out.split())
    assert " ".join(statement.hint("origin").split()) in out and answer not in out and "Why" not in out
    check("S05", origin=wrong, show_answers=True)
    out = " ".join(capsys.readouterr().out.split())
    assert f"The key's answer is {answer}." in out and "Why (Origin)" in out


def test_a_handed_in_worksheet_cannot_be_replaced_by_a_file_or_started_over(practice, tmp_path: Path) -> None:
    """After the hand-in, Restore's Replace everything is refused (Merge keeps the graded first
    tries), and the worksheet panel offers no Start over."""
    from attribution_lab.formats.answers import encode
    from attribution_lab.student.worksheet_panel import WorksheetPanel

    path = tmp_path / "answers-kursk_prisoners.json"
    worksheet = Worksheet(practice, lesson="06", answers_path=path)
    worksheet.answer("red_flag", _key(practice, worksheet, "red_flag", wrong={worksheet.statement_ids[0]}))
    graded = worksheet.hand_in().graded
    other = Worksheet(practice, lesson="06", answers_path=tmp_path / "other.json")
    other.answer("red_flag", _key(practice, other, "red_flag"))
    other.hand_in()
    panel = WorksheetPanel(practice, "06", answers_path=path)
    assert panel.controls.start_over.layout.display == "none"
    result = panel.model.restore((tmp_path / "other.json").read_bytes(), "other.json", how="replace")
    assert not result.ok and "graded try" in result.notes[0]
    assert panel.model.restore(encode(AnswersStore(tmp_path / "other.json", practice).read_valid()), "other.json").ok
    assert Worksheet(practice, lesson="06", answers_path=path).standing().graded == graded
