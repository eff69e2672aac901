"""Making exercises from solutions, and refreshing the solutions' stored outputs.

Solutions are the only hand-edited worksheets. ``attribution-lab make-exercises SOLUTIONS EXERCISES``
turns each into an exercise: cells tagged ``solution`` are dropped, every line ending ``# SOLUTION``
keeps its name but loses its value (``x = 1  # SOLUTION`` becomes ``x = ...``; a dictionary entry
``"S01": "north_korea",  # SOLUTION`` becomes ``"S01": ...,``; any other line becomes ``...``),
lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` become one ``...``, outputs and execution
counts are cleared, and the JSON is written the same way every time so a regeneration compares
byte for byte. Pure functions on notebook JSON first, then a thin file layer.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import AttributionLabError
from ..storage.location import ANSWERS_DIR_ENV


class ExerciseError(AttributionLabError):
    """A solution notebook that cannot be turned into an exercise; the message names file, cell and line."""


# --------------------------------------------------------------------------------------------
# Making exercises from solutions (pure functions on notebook JSON, then a thin file layer)

_MARKER = re.compile(r"\s*#\s*SOLUTION\s*$")
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
# What looks meant as a marker but is not one of the two forms: SOLUTION in capitals anywhere in a
# comment, or a lower-case "solution" ending the line.
_ANY_MARKER = re.compile(r"#.*\bSOLUTIONS?\b|#\s*(?:(?i:begin|end)\s+)?(?i:solutions?)\s*:?\s*$")
_ENTRY = re.compile(r"""^(\s*)((?:"[^"\\]*"|'[^'\\]*'|[A-Za-z_][\w.]*))\s*:\s*(.+?)$""")
_ASSIGN = re.compile(r"^(\s*)([A-Za-z_][\w.]*(?:\[[^\]]+\])?)\s*(=)(?!=)\s*(.+?)$")
SOLUTION_TAG = "solution"


def _complete(expression: str) -> bool:
    """True when the text is one whole Python expression (nothing left open for the next line)."""
    try:
        ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return False
    return True


def strip_line(line: str, where: str) -> str:
    """One line ending ``# SOLUTION`` with its value replaced by ``...``. ``where`` names the place for errors."""
    body = _MARKER.sub("", line).rstrip()
    entry = _ENTRY.match(body)
    if entry:
        indent, key, value = entry.groups()
        comma = value.endswith(",")
        value = value[:-1] if comma else value
        if not _complete(value):
            raise ExerciseError(f"{where}: the value of {key} does not end on this line; "
                                "put it on one line or wrap the lines in # BEGIN SOLUTION / # END SOLUTION")
        return f"{indent}{key}: ...{',' if comma else ''}"
    assign = _ASSIGN.match(body)
    if assign:
        indent, target, _, value = assign.groups()
        if not _complete(value):
            raise ExerciseError(f"{where}: the value of {target} does not end on this line; "
                                "put it on one line or wrap the lines in # BEGIN SOLUTION / # END SOLUTION")
        return f"{indent}{target} = ..."
    if not body.strip():
        raise ExerciseError(f"{where}: a # SOLUTION marker on a line of its own marks nothing")
    return body[: len(body) - len(body.lstrip())] + "..."


def strip_source(source: str, where: str) -> str:
    """A code cell's source with every solution marker applied. Raises :class:`ExerciseError`
    for a marker that is unclosed, nested, stray or misspelt.
    """
    out: list[str] = []
    block_indent: str | None = None
    block_start = 0
    for number, line in enumerate(source.split("\n"), start=1):
        here = f"{where}, line {number}"
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if block_indent is not None:
                raise ExerciseError(f"{here}: # BEGIN SOLUTION inside the block opened on line {block_start}")
            block_indent, block_start = begin.group(1), number
            continue
        if end:
            if block_indent is None:
                raise ExerciseError(f"{here}: # END SOLUTION without a # BEGIN SOLUTION before it")
            out.append(f"{block_indent}...")
            block_indent = None
            continue
        if block_indent is not None:
            if _ANY_MARKER.search(line):
                raise ExerciseError(f"{here}: a solution marker inside the block opened on line {block_start}")
            continue
        if _MARKER.search(line) and "#" not in _MARKER.sub("", line):
            out.append(strip_line(line, here))
        elif _ANY_MARKER.search(line):
            raise ExerciseError(
                f"{here}: odd solution marker in {line.strip()!r}; write '# SOLUTION' at the end of the line, "
                "or '# BEGIN SOLUTION' and '# END SOLUTION' on lines of their own"
            )
        else:
            out.append(line)
    if block_indent is not None:
        raise ExerciseError(f"{where}: # BEGIN SOLUTION on line {block_start} is never closed with # END SOLUTION")
    return "\n".join(out)


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _as_lines(text: str) -> list[str]:
    """Notebook JSON keeps sources as a list of lines, each but the last ending in a newline."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def exercise_from_solution(notebook: Mapping[str, Any], file: str = "solution") -> dict[str, Any]:
    """The exercise made from a solution notebook (parsed JSON). Pure; the input is not changed."""
    if not isinstance(notebook, Mapping) or not isinstance(notebook.get("cells"), list):
        raise ExerciseError(f"{file}: not a Jupyter notebook (no list of cells)")
    result = copy.deepcopy(dict(notebook))
    result.get("metadata", {}).pop("widgets", None)  # saved widget state belongs to the solution's run
    cells = []
    for number, cell in enumerate(result["cells"], start=1):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            continue
        if cell.get("cell_type") == "code":
            cell["source"] = _as_lines(strip_source(_source(cell), f"{file}: cell {number}"))
            cell["outputs"] = []
            cell["execution_count"] = None
            for volatile in ("execution", "collapsed", "scrolled"):
                cell.get("metadata", {}).pop(volatile, None)
        elif _ANY_MARKER.search(_source(cell)) and cell.get("cell_type") == "raw":
            raise ExerciseError(f"{file}: cell {number}: a solution marker in a raw cell is never stripped")
        else:
            # One form for every source, so the exercise does not depend on how the solution was saved.
            cell["source"] = _as_lines(_source(cell))
        cells.append(cell)
    result["cells"] = cells
    return result


def notebook_bytes(notebook: Mapping[str, Any]) -> bytes:
    """A notebook as the same bytes every time: sorted keys, indent 1, a trailing newline."""
    return (json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def make_exercises(solutions_dir: str | Path, exercises_dir: str | Path) -> list[Path]:
    """Write an exercise for every ``*.ipynb`` in ``solutions_dir`` into ``exercises_dir``.

    Every solution is converted before anything is written, so one bad marker leaves the
    exercises folder as it was. Returns the exercises written, in name order.
    """
    source, target = Path(solutions_dir), Path(exercises_dir)
    solutions = sorted(source.glob("*.ipynb"))
    if not solutions:
        raise ExerciseError(f"{source}: no solution notebooks (*.ipynb) found")
    made: dict[Path, bytes] = {}
    for path in solutions:
        try:
            notebook = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ExerciseError(f"{path}: cannot be read as a notebook ({error})") from None
        made[target / path.name] = notebook_bytes(exercise_from_solution(notebook, str(path)))
    target.mkdir(parents=True, exist_ok=True)
    for path, data in made.items():
        path.write_bytes(data)
    return list(made)


def stale_exercises(solutions_dir: str | Path, exercises_dir: str | Path) -> list[Path]:
    """Exercises with no solution of the same name (left over after a solution was renamed)."""
    names = {p.name for p in Path(solutions_dir).glob("*.ipynb")}
    return sorted(p for p in Path(exercises_dir).glob("*.ipynb") if p.name not in names)


def _joined(value: Any) -> Any:
    """A notebook text field as one string (nbformat may hand it back as a list of lines)."""
    return "".join(value) if isinstance(value, list) else value


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def refreshed_solution(notebook: Mapping[str, Any], executed: Mapping[str, Any]) -> dict[str, Any]:
    """``notebook`` with the outputs and execution counts of ``executed`` (the same notebook, run).

    Sources, metadata and the cells' own form are kept as the author wrote them, so a refresh
    changes only what the run printed and the diff shows exactly that.
    """
    cells, ran = notebook.get("cells", []), executed.get("cells", [])
    if len(cells) != len(ran):
        raise ExerciseError(f"the run has {len(ran)} cells, the solution {len(cells)}")
    result = copy.deepcopy(dict(notebook))
    for cell, run in zip(result["cells"], ran):
        if cell.get("cell_type") != "code":
            continue
        outputs = copy.deepcopy(list(run.get("outputs", [])))
        for output in outputs:
            if "text" in output:
                output["text"] = _joined(output["text"])
            if "data" in output:
                # A widget's view names a model id that is new every run (nbval skips it too): the
                # stored solution keeps the panel's text form only, so a refresh changes no byte.
                output["data"] = {k: v if k.endswith("json") else _joined(v) for k, v in output["data"].items()
                                  if k != WIDGET_VIEW}
        cell["outputs"] = outputs
        cell["execution_count"] = run.get("execution_count")
    return result


def solution_bytes(notebook: Mapping[str, Any]) -> bytes:
    """A solution notebook in the form it is stored in: key order kept, indent 1, a trailing newline."""
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def refresh_solutions(solutions_dir: str | Path, timeout: int = 600) -> list[Path]:
    """Run every solution notebook in ``solutions_dir`` and store its new outputs in place.

    Returns the solutions whose bytes changed. Needs nbclient and nbformat (installed with the
    ``lab`` extra); a solution with a cell that raises is left as it was, and an
    :class:`ExerciseError` names the file and the error (solutions before it keep their new outputs).
    The kernels save answers into a temporary folder: solutions check with ``record=False``, but a
    run must never touch a real answers file all the same.
    """
    import nbclient
    import nbformat

    changed: list[Path] = []
    with tempfile.TemporaryDirectory() as answers:
        env = {**os.environ, ANSWERS_DIR_ENV: answers}
        for path in sorted(Path(solutions_dir).glob("*.ipynb")):
            text = path.read_text("utf-8")
            run = nbformat.reads(text, as_version=4)
            try:
                nbclient.NotebookClient(run, timeout=timeout, kernel_name="python3",
                                        resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
            except nbclient.exceptions.CellExecutionError as error:
                raise ExerciseError(
                    f"{path}: a cell raised an error, so its outputs were not stored: {error.ename}: {error.evalue}"
                ) from None
            data = solution_bytes(refreshed_solution(json.loads(text), json.loads(nbformat.writes(run))))
            if data != text.encode("utf-8"):
                path.write_bytes(data)
                changed.append(path)
    return changed


__all__ = [
    "ExerciseError",
    "exercise_from_solution",
    "make_exercises",
    "notebook_bytes",
    "refresh_solutions",
    "stale_exercises",
    "strip_line",
    "strip_source",
]
