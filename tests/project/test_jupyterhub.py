"""The module runs unchanged on a shared JupyterHub: relative paths, writes only in the working folder,
no network ports of its own.

On a hub every student has a home folder and a kernel of their own, started in the folder of the
notebook they open. These tests check the three promises docs/jupyterhub.md makes to an
administrator:

* no notebook names an absolute path or climbs out of the module with ``..``;
* running a lesson and a worksheet writes nothing outside the notebook's folder: not into the
  student's home, not into the module's other folders; inside it only the answers file;
* the package the notebooks import opens no socket and starts no server (the ``lab`` and ``app``
  commands for people on their own machine live in ``server.py``, which no notebook imports).
"""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDENT_FOLDERS = ("notebooks", "exercises", "solutions")
#: The start of a string literal that is an absolute path (POSIX, home-relative or a Windows drive).
ABSOLUTE = re.compile(r"""^[rbfRBF]*(["']{1,3})(/[A-Za-z_.]|~/|[A-Za-z]:\\)""")
#: Modules whose use would mean the package listens or connects on its own.
NETWORK_MODULES = {"socket", "socketserver", "http.server", "http.client", "urllib.request", "tornado",
                   "asyncio.start_server", "ssl", "smtplib", "ftplib", "xmlrpc"}


def notebooks() -> list[Path]:
    """Every notebook a student or instructor opens."""
    return sorted(p for folder in STUDENT_FOLDERS for p in (ROOT / folder).glob("*.ipynb"))


def string_literals(source: str) -> list[str]:
    """The string literals of a cell's code, as written (comments and IPython magics left out)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tokens = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
    return [token.string for token in tokens if token.type == tokenize.STRING]


def code_cells(path: Path) -> list[str]:
    """The source of each code cell."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in data["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_use_no_absolute_path_and_never_climb_out(path: Path) -> None:
    """No string in a code cell is an absolute path or a ``../..`` that leaves the module's folder
    (comments may show examples: a teacher's own folder is theirs to type)."""
    for index, source in enumerate(code_cells(path)):
        for literal in string_literals(source):
            assert not ABSOLUTE.search(literal), f"{path.name}, code cell {index}: an absolute path {literal}"
            assert "../.." not in literal, f"{path.name}, code cell {index}: climbs two folders up: {literal}"


def test_the_path_check_would_see_an_absolute_path() -> None:
    """The string reader finds absolute paths in code and skips comments and magics."""
    literals = string_literals('%matplotlib inline\nopen("/etc/passwd")  # "~/x"\nopen(r"C:\\\\data")\n')
    assert [bool(ABSOLUTE.search(s)) for s in literals] == [True, True]
    assert string_literals('x = 1  # "/etc"') == []


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_never_import_the_server_commands(path: Path) -> None:
    """No notebook imports attribution_lab.cli.server (the only module that starts processes that listen)."""
    for source in code_cells(path):
        assert "attribution_lab.cli.server" not in source and "from attribution_lab.cli import server" not in source


def imported_modules(source: str) -> set[str]:
    """Every module a Python source imports (``import a.b`` gives a.b and a)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            found.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return found


def test_the_package_opens_no_network_connection() -> None:
    """No module of the package but server.py imports socket, http, tornado, ssl or the like."""
    package = ROOT / "src" / "attribution_lab"
    offenders = {}
    for path in sorted(package.rglob("*.py")):
        if path.name == "server.py":
            continue
        used = imported_modules(path.read_text(encoding="utf-8")) & NETWORK_MODULES
        if used:
            offenders[str(path.relative_to(ROOT))] = sorted(used)
    assert not offenders, f"network modules imported: {offenders}"


def test_the_network_check_would_see_an_import() -> None:
    """The import reader finds dotted and from-imports, so the check above can fail."""
    assert {"http", "http.server"} <= imported_modules("import http.server")
    assert "socket" in imported_modules("from socket import create_connection")
    assert "socket" not in imported_modules("from .socket import x")


def snapshot(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its modification time (ns)."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("notebook", ["notebooks/02_who_said_it.ipynb", "exercises/04_chain_worksheet.ipynb"])
def test_a_run_writes_only_the_answers_file_in_the_module_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                notebook: str) -> None:
    """A kernel started in a copy of the module, as a hub starts it (cwd = the notebook's folder, HOME
    = the student's home, no ATTRIBUTION_LAB_ANSWERS_DIR), runs the notebook top to bottom; afterwards
    the home and every file of the module are unchanged, and the module's folder (the one holding
    notebooks/ and exercises/) gained nothing but the answers file and its hidden lock (a worksheet
    check at the end makes sure there is one to find)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")

    module = tmp_path / "module"
    home = tmp_path / "home"
    tooling = tmp_path / "tooling"  # Jupyter's and matplotlib's own folders: theirs, not the module's
    for name in ("notebooks", "exercises", "seeds"):
        shutil.copytree(ROOT / name, module / name, ignore=shutil.ignore_patterns("answers-*", ".ipynb_checkpoints"))
    home.mkdir()
    (home / "notes.txt").write_text("a student's own file\n", encoding="utf-8")
    monkeypatch.delenv("ATTRIBUTION_LAB_ANSWERS_DIR", raising=False)
    monkeypatch.setenv("HOME", str(home))
    for variable in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "XDG_CACHE_HOME",
                     "XDG_CONFIG_HOME"):
        (tooling / variable.lower()).mkdir(parents=True)
        monkeypatch.setenv(variable, str(tooling / variable.lower()))

    work = (module / notebook).parent
    before_module = snapshot(module)
    before_home = snapshot(home)

    nb = nbformat.read(module / notebook, as_version=4)
    # One answer through a worksheet, as a student's answers cell does, so that the run saves an answers file.
    nb.cells.append(nbformat.v4.new_code_cell(
        "from attribution_lab.student.worksheets import Worksheet\n"
        "sheet = Worksheet(CASE, lesson='04')\n"
        "sheet.answer('chain', {sheet.statement_ids[0]: sorted(sheet.case.labels('chain'))[:2]})"))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(work)}}).execute()

    after = snapshot(module)
    assert snapshot(home) == before_home, "the run wrote into the student's home folder"
    changed = sorted(k for k, v in before_module.items() if after.get(k) != v)
    assert not changed, f"the run changed files of the module: {changed}"
    gained = sorted(set(after) - set(before_module))
    case_id = "kursk_prisoners" if notebook.startswith("exercises") else "kursk"  # worksheets: the practice case
    assert gained == [f".answers-{case_id}.json.lock", f"answers-{case_id}.json"], \
        f"the module's folder gained files other than the answers file and its lock: {gained}"
