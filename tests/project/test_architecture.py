"""The package's folders show its architecture, and the rules of that architecture hold.

Read from the source with an AST walk, so a rule broken anywhere in ``src/`` fails here: the pure
core imports no widget, plotting or notebook library, reads no file and no clock; no module imports
another that imports it back; no module grows past 500 lines; the command line lists every command.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from attribution_lab.cli import COMMAND_MODULES, command_names

SRC = Path(__file__).resolve().parents[2] / "src" / "attribution_lab"
ROOMS = ("core", "formats", "storage", "drawing", "student", "instructor", "authoring", "cli")
MAX_LINES = 500


def module_name(path: Path) -> str:
    """``src/attribution_lab/core/case.py`` -> ``attribution_lab.core.case``."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def imports(path: Path) -> Iterator[tuple[str, int, bool]]:
    """Each module a file imports, absolute, with its line and whether it is imported at the top of
    the file (a function-level import is deferred: it runs only when that function is called)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, id(node) in top_level
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno, id(node) in top_level
            for alias in node.names:  # `from . import lessons` imports a module
                candidate = f"{target}.{alias.name}"
                if candidate in modules():
                    yield candidate, node.lineno, id(node) in top_level


def test_the_walk_sees_the_package() -> None:
    """The checks below read the real package: every room is there, each with modules."""
    names = modules()
    for room in ROOMS:
        assert any(name.startswith(f"attribution_lab.{room}.") for name in names), room
    engine_imports = {target for target, _, _ in imports(names["attribution_lab.core.engine"])}
    assert "attribution_lab.core.case" in engine_imports


def test_the_package_root_holds_only_the_rooms_errors_and_the_public_names() -> None:
    """Beside the rooms, the package root has only ``__init__.py`` and ``errors.py`` (the bottom of
    the graph), and the shipped cases: a newcomer finds every rule by its folder."""
    loose = sorted(p.name for p in SRC.glob("*.py"))
    assert loose == ["__init__.py", "errors.py"]
    folders = sorted(p.name for p in SRC.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert folders == sorted([*ROOMS, "cases"])


FORBIDDEN_IN_CORE = ("ipywidgets", "IPython", "matplotlib", "pathlib", "os", "io", "shutil", "tempfile", "time",
                     "importlib", "jsonschema", "jsonschema_rs", "yaml", "json")


@pytest.mark.parametrize("name", [n for n in modules() if n.startswith("attribution_lab.core")])
def test_core_is_pure(name: str) -> None:
    """A core module imports no widget, plotting or notebook library, no file or clock access, and
    no decoder; it calls neither ``open`` nor ``datetime.now``/``today``; it imports only core and
    the errors."""
    path = modules()[name]
    for target, line, _ in imports(path):
        root = target.split(".")[0]
        assert root not in FORBIDDEN_IN_CORE, f"{path.name}:{line} imports {target}"
        if root == "attribution_lab":
            assert target.startswith("attribution_lab.core") or target == "attribution_lab.errors", f"{path.name}:{line} imports {target}"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            assert called not in ("open", "now", "today", "utcnow", "time"), f"{path.name}:{node.lineno} calls {called}()"


def test_forbidden_imports_are_found() -> None:
    """The purity check is not vacuous: the walk finds a top-level and a deferred import."""
    found = {target: top for target, _, top in imports(SRC / "student" / "lessons.py")}
    assert found.get("IPython.display") is True
    assert found.get("attribution_lab.student.panel") is False


def _graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, _, _ in imports(path):
            if target in known and target != name:
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from its first module)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_no_import_cycles() -> None:
    """No module imports another that imports it back, directly or through others, counting deferred
    (function-level) imports too."""
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    """The cycle check is not vacuous: a three-module cycle is found."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_rooms_depend_downwards() -> None:
    """Rooms import only rooms below them: errors < core < formats < storage, drawing < student,
    instructor, authoring < cli. The student's, instructor's and author's rooms do not import one
    another; what the lessons' figures and the report's charts share is drawn in drawing/."""
    rank = {"errors": 0, "core": 1, "formats": 2, "storage": 3, "drawing": 3, "student": 4, "instructor": 4, "authoring": 4,
            "cli": 5}
    for name, path in modules().items():
        parts = name.split(".")
        room = parts[1] if len(parts) > 1 else "__init__"
        if room not in rank:
            continue
        for target, line, _ in imports(path):
            tparts = target.split(".")
            if tparts[0] != "attribution_lab" or len(tparts) < 2 or tparts[1] not in rank or tparts[1] == room:
                continue
            assert rank[tparts[1]] < rank[room], f"{name} (line {line}) imports {target}, a room at or above its own"


@pytest.mark.parametrize("name", list(modules()))
def test_no_module_is_longer_than_500_lines(name: str) -> None:
    """No module grows into a room of its own: each stays at 500 lines or fewer."""
    lines = modules()[name].read_text("utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


def test_the_readme_layout_table_matches_the_tree() -> None:
    """The README's table of rooms names every room of the package, and every module it names
    exists in the room it is listed under."""
    import re

    readme = (SRC.parents[1] / "README.md").read_text("utf-8")
    table = readme[readme.index("| room | what is in it |"):]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z_]+/?|errors\.py)` \| (.+) \|$", table, re.M)}
    assert {room.rstrip("/") for room in rows} >= {*ROOMS, "errors.py"}
    for room, text in rows.items():
        for named in re.findall(r"`([a-z_]+\.py)`", text):
            assert (SRC / room.rstrip("/") / named).is_file(), f"README names {room}{named}, which does not exist"


def test_no_test_is_marked_to_fail() -> None:
    """No test in the suite is marked xfail (and pytest is configured so that one passing would fail)."""
    tests = SRC.parents[1] / "tests"
    marked = [str(p.relative_to(tests)) for p in tests.rglob("*.py") if "xfail" in p.read_text("utf-8") and p.name != Path(__file__).name]
    assert marked == []


def test_the_command_line_help_lists_every_command() -> None:
    """`python -m attribution_lab.cli --help` lists every sub-command the parser has, each module
    of ``cli/`` registers through the one fixed list, and the help starts without IPython,
    ipywidgets or matplotlib."""
    commands = command_names()
    expected = {"validate", "show", "grade", "report", "synthetic", "new-case", "migrate-key", "make-exercises",
                "refresh-solutions", "schemadoc", "lab", "app"}
    assert set(commands) == expected
    assert {m.__name__.rpartition(".")[2] for m in COMMAND_MODULES} == {"cases", "instructor", "authoring", "server"}
    code = ("import sys, runpy; sys.argv = ['attribution-lab', '--help']\n"
            "try:\n    runpy.run_module('attribution_lab.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('IPython', 'ipywidgets', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    for command in expected:
        assert command in out
    assert "LOADED []" in out
