"""Drive JupyterLab, Notebook 7 and Voila in headless Chromium: the shared machinery of the browser tests.

Used by the fixtures in ``conftest.py`` and by ``benchmarks/browser_timing.py``. Nothing here knows
a statement, a label or a feedback sentence: those are read from the loaded case and the engine, and
the panel's controls are found in the page by what they show (a ``<mark>``, the option names of a
vocabulary, a button called Check), so the tests follow the panel as it changes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attribution_lab.cli.server import running_as_root
from attribution_lab.core.case import FIELD_NAMES, FIELDS, Case, Statement
from attribution_lab.core.engine import check_field
from attribution_lab.core.feedback import PROGRESS_MARKS
from attribution_lab.storage.location import ANSWERS_DIR_ENV, MODULE_FOLDERS

if TYPE_CHECKING:  # playwright is imported lazily so the suite can skip cleanly without it
    from playwright.sync_api import Browser, Locator, Page

REPO = Path(__file__).resolve().parents[2]
#: Debian's browser; ``playwright install`` is never used.
CHROMIUM = os.environ.get("ATTRIBUTION_LAB_CHROMIUM", "/usr/bin/chromium")
#: Without the networking flags Chromium floods a closed network with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
#: Folders of the repository a student opens; copied so that test runs leave the repository clean.
SERVED_FOLDERS = ("notebooks", "exercises", "seeds")
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
ERROR_MIME = "application/vnd.jupyter.error"
#: Plain reprs shown when a widget fails to render live: a page showing these has no working panel.
WIDGET_REPR = re.compile(r"^(VBox|HBox|Box|GridBox|Tab|Accordion|Panel)\(children=", re.M)
PROGRESS = re.compile(r"(\d+)\s+of\s+(\d+)\s+answered")
FIRST_TIME = re.compile(r"(\d+)\s+right first time")


# --------------------------------------------------------------------------------------------------
# Finding the browser


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here (one line), or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set ATTRIBUTION_LAB_CHROMIUM)"
    return None


def in_ci() -> bool:
    """True when the CI variable is set to anything but an empty, 0 or false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def launch_browser(playwright: Any) -> Browser:
    """Start the one headless Chromium of a session."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# --------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source_root() -> Path:
    """Where the notebooks are copied from: the repository, or ``ATTRIBUTION_LAB_BROWSER_SOURCE``."""
    return Path(os.environ.get("ATTRIBUTION_LAB_BROWSER_SOURCE", REPO)).resolve()


def copy_served_tree(source: Path, target: Path) -> Path:
    """Copy the student-facing folders of ``source`` into ``target/served`` and return that folder."""
    served = target / "served"
    served.mkdir(parents=True)
    for name in SERVED_FOLDERS:
        if (source / name).is_dir():
            shutil.copytree(source / name, served / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "answers-*"))
    return served


def isolated_env(state: Path) -> dict[str, str]:
    """Environment for a server: every Jupyter, IPython, matplotlib and XDG folder under ``state``.

    No answers folder is named: the notebooks find the answers file as a student's do, in the
    folder that holds ``notebooks/`` and ``exercises/`` (the served copy).
    """
    env = dict(os.environ)
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "JUPYTERLAB_SETTINGS_DIR": "config/lab/user-settings",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "XDG_CONFIG_HOME": "xdg-config",
        "XDG_CACHE_HOME": "xdg-cache",
        "XDG_DATA_HOME": "xdg-data",
    }
    for variable, name in folders.items():
        (state / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(state / name)
    env.pop(ANSWERS_DIR_ENV, None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("JUPYTER_PATH", None)
    _write_lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    return env


def _write_lab_settings(settings: Path) -> None:
    """User settings for the test server: no extension manager (it would call PyPI), and every cell
    kept in the page so outputs can be read. The news prompt is not switched off here: the module's
    own lab-settings/overrides.json does that for everyone, and a test checks it as a student meets it."""
    wanted = {
        "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for name, value in wanted.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


def root_flags() -> list[str]:
    """``--allow-root`` where the tests run as root (CI containers)."""
    return ["--allow-root"] if running_as_root() else []


@dataclass
class Server:
    """A running Jupyter or Voila server on 127.0.0.1."""

    process: subprocess.Popen
    port: int
    token: str
    root: Path
    answers: Path  #: where the notebooks save answers: the served module folder, as for a student
    log: Path

    @property
    def base(self) -> str:
        """The server's address."""
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str, method: str = "GET") -> Any:
        """Call the server's REST API and return the decoded JSON (None for an empty reply)."""
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every session and kernel, so one notebook's kernel neither competes for the CPU nor
        writes into the next notebook's answers folder (a session left without its kernel would be
        reused, dead, when the same notebook opens again in a page that stays loaded)."""
        for session in self.api("/api/sessions") or []:
            try:
                self.api(f"/api/sessions/{session['id']}", method="DELETE")
            except urllib.error.URLError:
                pass  # ended already (its kernel died or another teardown deleted it): nothing to stop
        for kernel in self.api("/api/kernels") or []:
            try:
                self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
            except urllib.error.URLError:
                pass

    def clear_answers(self) -> None:
        """Remove every answers file, lock and backup (every notebook starts as a new student would)."""
        for folder in (self.answers, *(self.answers / name for name in MODULE_FOLDERS)):
            for path in [*folder.glob("answers-*"), *folder.glob(".answers-*")]:
                path.unlink()

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server and its kernels."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_until_ready(server: Server, path: str, timeout: float, any_reply: bool = False) -> None:
    """Poll ``path`` until it answers 200 (or, with ``any_reply``, any HTTP status at all)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {server.process.returncode}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.base}{path}", timeout=2) as reply:
                if reply.status == 200:
                    return
        except urllib.error.HTTPError:
            if any_reply:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"the server did not answer {path} within {timeout:.0f} s:\n{server.log_tail()}")


def start_lab(workdir: Path, source: Path | None = None) -> Server:
    """Start JupyterLab on a copy of the student-facing folders, with every state folder in ``workdir``.

    Binds 127.0.0.1 on a random free port with a random token; ``--expose-app-in-browser`` lets the
    tests wait for the kernel and run all cells the way the Run menu does.
    """
    served = copy_served_tree(source or source_root(), workdir)
    env = isolated_env(workdir / "state")
    port, token = free_port(), secrets.token_hex(16)
    log = workdir / "jupyterlab.log"
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={served}", "--expose-app-in-browser",
               # the same for Notebook 7's pages, served by this server under /notebooks/
               "--JupyterNotebookApp.expose_app_in_browser=True", *root_flags()]
    process = subprocess.Popen(command, cwd=served, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(process, port, token, served, served, log)
    _wait_until_ready(server, f"/api/status?token={token}", timeout=60)
    return server


def fresh_clone(target: Path) -> Path:
    """A clone of the repository's committed state (as CI and a new user have it); a copy of the
    working tree where the repository is not a git checkout."""
    if (REPO / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(target)], check=True)
        return target
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(".venv", "answers-*", ".answers-*"))
    return target


def start_voila(workdir: Path, lab: Server, notebook: str) -> Server:
    """Start Voila on one notebook of the served copy (same answers folder and state folders as ``lab``)."""
    env = isolated_env(workdir / "voila-state")
    port = free_port()
    log = workdir / "voila.log"
    command = [sys.executable, "-m", "voila", notebook, "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"]
    process = subprocess.Popen(command, cwd=lab.root, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(process, port, "", lab.root, lab.answers, log)
    # Voila runs the notebook only when the page is asked for: any answer means it is listening
    _wait_until_ready(server, "/api/status", timeout=60, any_reply=True)
    return server


# --------------------------------------------------------------------------------------------------
# Notebooks on disk


def discover(root: Path, folders: Sequence[str] = ("notebooks", "exercises")) -> list[str]:
    """Every notebook of the given folders, as paths relative to ``root``, in name order."""
    found: list[str] = []
    for folder in folders:
        found.extend(p.relative_to(root).as_posix() for p in sorted((root / folder).glob("*.ipynb")))
    return found


def code_of(notebook: Path) -> str:
    """All code cells of a notebook, joined."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in data.get("cells", []) if c.get("cell_type") == "code")


#: A code cell that builds the classification panel (``Panel(...)`` or a helper named ``*panel(``).
PANEL_CALL = re.compile(r"\b\w*[Pp]anel\s*\(")
#: A code cell that draws a figure: matplotlib itself or one of the module's plotting helpers.
FIGURE_CALL = re.compile(
    r"\b(plt\.\w+\s*\(|plots\.\w+\s*\(|report\.show\s*\(|\.plot\s*\(|\w*(chart|timeline|dashboard|figure)\w*\s*\()")


def makes_panel(notebook: Path) -> bool:
    """True when the notebook's code builds a panel."""
    return bool(PANEL_CALL.search(code_of(notebook)))


def makes_figure(notebook: Path) -> bool:
    """True when the notebook's code draws at least one figure."""
    return bool(FIGURE_CALL.search(code_of(notebook)))


# --------------------------------------------------------------------------------------------------
# JupyterLab pages

RUN_ALL_JS = """async (command) => {
  const app = window.jupyterapp;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const deadline = Date.now() + 90000;
  // A notebook without a stored kernel asks which kernel to start: accept the proposed one.
  const acceptKernelDialog = () => {
    const ok = document.querySelector('.jp-Dialog .jp-mod-accept');
    if (ok && /kernel/i.test(document.querySelector('.jp-Dialog').textContent)) ok.click();
  };
  await app.restored;
  let w = app.shell.currentWidget;
  while (!(w && w.sessionContext)) {
    if (Date.now() > deadline) throw new Error('no notebook became current');
    await sleep(50); w = app.shell.currentWidget;
  }
  await w.context.ready;
  while (!(w.sessionContext.session && w.sessionContext.session.kernel)) {
    if (Date.now() > deadline) throw new Error('the notebook got no kernel');
    acceptKernelDialog(); await sleep(100);
  }
  await w.sessionContext.ready;
  await app.commands.execute(command);
  return w.context.path;
}"""

IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.sessionContext || !w.sessionContext.session || !w.sessionContext.session.kernel) return false;
  if (w.sessionContext.session.kernel.status !== 'idle') return false;
  const prompts = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt');
  return !Array.from(prompts).some(p => p.textContent.includes('[*]'));
}"""


def lab_url(server: Server, path: str, workspace: str) -> str:
    """Open ``path`` in a workspace of its own (a shared workspace reopens old tabs)."""
    return f"{server.base}/lab/workspaces/{workspace}/tree/{path}?reset&token={server.token}"


#: Close every open document of the page's JupyterLab without saving (the kernels keep running, as
#: when a student closes a tab): what leaving the page did to the tabs, without reloading the app.
CLOSE_DOCUMENTS_JS = """async () => {
  const app = window.jupyterapp;
  if (!app) return 0;
  await app.restored;
  let closed = 0;
  for (const w of Array.from(app.shell.widgets('main'))) {
    if (w.context && w.context.model) w.context.model.dirty = false;  // no "save changes?" dialogue
    w.dispose(); closed += 1;
  }
  return closed;
}"""

OPEN_DOCUMENT_JS = """async (path) => {
  const app = window.jupyterapp;
  await app.restored;
  await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  return app.shell.currentWidget ? app.shell.currentWidget.context.path : null;
}"""


def shows_lab_of(page: Page, server: Server) -> bool:
    """True when ``page`` already runs this server's JupyterLab (so a notebook opens without a reload)."""
    if not page.url.startswith(f"{server.base}/lab"):
        return False
    try:
        return bool(page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)"))
    except Exception:  # a page half-way through navigating has no app to ask
        return False


def close_documents(page: Page) -> int:
    """Close every document open in the page's JupyterLab without saving; how many were closed."""
    return int(page.evaluate(CLOSE_DOCUMENTS_JS) or 0)


def open_in_lab(page: Page, server: Server, path: str, workspace: str | None = None) -> None:
    """Open a notebook in JupyterLab and wait until its panel is shown.

    A page already running this server's JupyterLab opens the notebook in place (File > Open, after
    closing what was open): loading the app again costs seconds per notebook and tests nothing new.
    Any other page loads JupyterLab on the notebook, in a workspace of its own.
    """
    if shows_lab_of(page, server):
        close_documents(page)
        opened = page.evaluate(OPEN_DOCUMENT_JS, path)
        assert opened == path, f"JupyterLab opened {opened!r}, not {path!r}"
    else:
        page.goto(lab_url(server, path, workspace or f"w{secrets.token_hex(4)}"))
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=60_000)


def run_all(page: Page, command: str = "notebook:run-all-cells") -> None:
    """Run every cell once the kernel is connected (clicking Run All earlier silently does nothing)."""
    page.evaluate(RUN_ALL_JS, command)


def restart_and_run_all(page: Page) -> None:
    """Kernel > Restart Kernel and Run All Cells, confirming the dialogue as a person does."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }")
    page.locator(".jp-Dialog button.jp-mod-accept").click(timeout=30_000)


def wait_idle(page: Page, timeout: float = 180) -> None:
    """Wait until no cell shows ``[*]`` and the kernel is idle, twice in a row (a cell can queue the next)."""
    deadline = time.monotonic() + timeout
    settled = 0
    while settled < 2:
        remaining = max(1.0, deadline - time.monotonic())
        page.wait_for_function(IDLE_JS, timeout=remaining * 1000, polling=100)
        time.sleep(0.2)  # long enough for a cell's reply to queue the next request, if it does
        settled = settled + 1 if page.evaluate(IDLE_JS) else 0
        if time.monotonic() > deadline:
            raise TimeoutError("the notebook did not become idle")


def notebook_scope(page: Page) -> Locator:
    """The visible notebook (JupyterLab); Notebook 7 and Voila fall back to the whole page."""
    scope = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    return scope.first if scope.count() else page.locator("body")


def error_outputs(page: Page) -> list[str]:
    """The text of every error output and every widget that failed to render."""
    scope = notebook_scope(page)
    texts = [t[:2000] for t in scope.locator(f'[data-mime-type="{ERROR_MIME}"]').all_inner_texts()]
    for text in scope.locator(".jp-OutputArea-output").all_inner_texts():
        if "Error displaying widget" in text or "Failed to load model class" in text:
            texts.append(text[:500])
        elif WIDGET_REPR.search(text):
            texts.append("a widget shown as plain text instead of live controls: " + text[:200])
    return texts


def image_count(page: Page) -> int:
    """How many images (figures) the outputs show."""
    return notebook_scope(page).locator(".jp-OutputArea-output img").count()


CELL_SOURCES_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return w.content.widgets.map(c => c.model.sharedModel.getSource());
}"""

SET_AND_RUN_CELL_JS = """async ([index, source]) => {
  const app = window.jupyterapp;
  const w = app.shell.currentWidget;
  w.content.widgets[index].model.sharedModel.setSource(source);
  w.content.activeCellIndex = index;
  await app.commands.execute('notebook:run-cell');
}"""

CELL_OUTPUT_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  const area = cell.node.querySelector('.jp-OutputArea');
  return area ? area.innerText : '';
}"""


def cell_sources(page: Page) -> list[str]:
    """The source of every cell of the current notebook, as the notebook's model holds it."""
    return page.evaluate(CELL_SOURCES_JS)


def edit_and_run_cell(page: Page, index: int, source: str) -> None:
    """Replace cell ``index``'s source (as typing would) and run that cell; waits for the kernel."""
    page.evaluate(SET_AND_RUN_CELL_JS, [index, source])
    wait_idle(page)


def cell_output(page: Page, index: int) -> str:
    """What cell ``index`` shows below it, as text."""
    return page.evaluate(CELL_OUTPUT_JS, index)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    path = ARTIFACTS / f"{safe}.png"
    try:
        page.screenshot(path=str(path), full_page=True, timeout=30_000)
    except Exception:  # a screenshot must never hide the real failure
        pass
    return path


# --------------------------------------------------------------------------------------------------
# The panel in the page

#: Marks each panel's container with ``data-al-panel="i"``: the output holding a button called
#: Check (or an element whose class names the module, if the panel sets one).
FIND_PANELS_JS = """() => {
  const own = Array.from(document.querySelectorAll('[class*="attribution"]'))
    .filter(el => !el.parentElement.closest('[class*="attribution"]'));
  let found = own.filter(el => Array.from(el.querySelectorAll('button'))
    .some(b => /^\\s*(Check|Hand in)\\b/.test(b.textContent)));
  if (!found.length) {
    const checks = Array.from(document.querySelectorAll('button'))
      .filter(b => /^\\s*(Check|Hand in)\\b/.test(b.textContent) && b.offsetParent !== null);
    found = [];
    for (const b of checks) {
      let c = b.closest('.jp-OutputArea-output');
      if (!c) { c = b; while (c.parentElement && c.parentElement.closest('.jupyter-widgets')) c = c.parentElement.closest('.jupyter-widgets'); }
      if (!found.includes(c)) found.push(c);
    }
  }
  document.querySelectorAll('[data-al-panel]').forEach(el => el.removeAttribute('data-al-panel'));
  found.forEach((el, i) => el.setAttribute('data-al-panel', String(i)));
  return found.length;
}"""

#: Describes every choice control in a panel: kind, description, options, current selection.
CONTROLS_JS = """(panel) => {
  const out = [];
  const controls = Array.from(panel.querySelectorAll(
    '.widget-dropdown, .widget-toggle-buttons, .widget-select-multiple, .widget-select, .widget-radio'));
  // a group of two or more check boxes side by side answers one many-choice field (the chain)
  const groups = new Set();
  panel.querySelectorAll('.widget-checkbox').forEach(box => {
    const parent = box.parentElement;
    if (parent && parent.querySelectorAll(':scope > .widget-checkbox').length >= 2) groups.add(parent);
  });
  controls.push(...groups);
  controls.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
  controls.forEach((el, i) => {
    el.setAttribute('data-al-control', String(i));
    const label = el.querySelector(':scope > .widget-label');
    const description = label ? label.textContent.trim() : '';
    let kind, options = [], selected = [];
    const select = el.querySelector('select');
    if (groups.has(el)) {
      kind = 'checkboxes';
      const boxes = Array.from(el.querySelectorAll(':scope > .widget-checkbox'));
      options = boxes.map(b => b.textContent.trim());
      selected = boxes.filter(b => b.querySelector('input:checked')).map(b => b.textContent.trim());
    } else if (select) {
      kind = select.multiple ? 'multiple' : 'select';
      options = Array.from(select.options).map(o => o.textContent.trim());
      selected = Array.from(select.options).filter(o => o.selected).map(o => o.textContent.trim());
    } else if (el.classList.contains('widget-toggle-buttons')) {
      kind = 'toggle';
      const buttons = Array.from(el.querySelectorAll('button'));
      options = buttons.map(b => b.textContent.trim());
      selected = buttons.filter(b => b.classList.contains('mod-active')).map(b => b.textContent.trim());
    } else {
      kind = 'radio';
      const labels = Array.from(el.querySelectorAll('.widget-radio-box label, label:has(input[type=radio])'));
      options = labels.map(l => l.textContent.trim());
      selected = labels.filter(l => l.querySelector('input:checked')).map(l => l.textContent.trim());
    }
    // a heading just before the control names its field when the control has no description
    const before = el.previousElementSibling;
    const heading = before && !before.hasAttribute('data-al-control') ? (before.textContent || '').trim().slice(0, 80) : '';
    out.push({index: i, kind, description, heading, options, selected});
  });
  return out;
}"""


def _visible(text: str) -> str:
    """Text without zero-width characters, trimmed."""
    return re.sub(r"[\u200b-\u200d\ufeff]", "", text).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class Control:
    """One of the panel's choice controls, matched to the field it answers."""

    index: int
    kind: str  # select, multiple, toggle, radio or checkboxes
    field: str | None
    options: list[str]
    selected: list[str]
    description: str = ""


#: The mark that the statement list (a dropdown whose options read "<mark> S01: ...") gives the
#: statement it has selected, or "" when the panel shows no such list.
JUMP_MARK_JS = r"""
(el, marks) => {
  for (const select of el.querySelectorAll('select')) {
    const option = select.options[select.selectedIndex];
    const text = option ? option.textContent.trim() : '';
    if (marks.includes(text.charAt(0)) && /^\S\s*S\d+/.test(text)) return text.charAt(0);
  }
  return '';
}
"""


@dataclass
class PanelView:
    """A panel on the page, read through the DOM."""

    page: Page
    locator: Locator
    case: Case
    controls: list[Control] = field(default_factory=list)

    # ----- reading
    def text(self) -> str:
        """Everything the panel shows, as text."""
        return self.locator.inner_text()

    def statement(self) -> Statement:
        """The statement shown: the one whose quote is the marked text (or whose id is shown)."""
        marks = [_norm(t) for t in self.locator.locator("mark").all_inner_texts() if t.strip()]
        for mark in marks:
            for statement in self.case.statements:
                if _norm(statement.quote) == mark:
                    return statement
        for mark in marks:
            matches = [s for s in self.case.statements if mark in _norm(s.quote) or _norm(s.quote) in mark]
            if len(matches) == 1:
                return matches[0]
        shown = set(re.findall(r"\bS\d{2,}\b", self.text()))
        ids = [s for s in self.case.statements if s.id in shown]
        if len(ids) == 1:
            return ids[0]
        raise AssertionError(f"cannot tell which statement the panel shows (marked text: {marks!r})")

    def read_controls(self) -> list[Control]:
        """Find the choice controls and the field each one answers (by description, else by options)."""
        raw = self.locator.evaluate(CONTROLS_JS)
        controls = []
        for item in raw:
            # ipywidgets puts a zero-width space before a check box's text: compare what people read
            item["options"] = [_visible(o) for o in item["options"]]
            item["selected"] = [_visible(o) for o in item["selected"]]
            controls.append(Control(item["index"], item["kind"], self._field_of(item), item["options"],
                                    item["selected"], item["description"]))
        self.controls = controls
        return controls

    def field_controls(self) -> dict[str, Control]:
        """The controls that answer a field, by field (the jump-to list and others are left out)."""
        out: dict[str, Control] = {}
        for control in self.read_controls():
            if control.field and control.field not in out:
                out[control.field] = control
        return out

    def _field_of(self, item: Mapping[str, Any]) -> str | None:
        words = _norm(item["description"] + " " + item["heading"])
        best, best_share = None, 0.0
        for name in FIELDS:
            labels = self.case.labels(name).values()
            known = {_norm(l.name) for l in labels} | {_norm(l.id) for l in labels}
            options = [_norm(o) for o in item["options"] if o.strip()]
            hits = sum(1 for o in options if o in known or any(o.startswith(k) for k in known))
            share = hits / max(1, len(labels))
            if share > best_share:
                best, best_share = name, share
        if best is not None and best_share >= 0.5:
            return best
        for name in FIELDS:  # a control whose options are not labels but whose description names a field
            if _norm(FIELD_NAMES[name]) and _norm(FIELD_NAMES[name]) in words:
                return name
        return None

    def jump_mark(self) -> str:
        """The statement list's mark for the statement shown: every field answered, some, or none
        (PROGRESS_MARKS); "" when the panel has no statement list."""
        return str(self.locator.evaluate(JUMP_MARK_JS, "".join(PROGRESS_MARKS.values())))

    def wait_jump_mark(self, mark: str, timeout: float = 30) -> None:
        """Wait until the statement list marks the statement shown with ``mark``: the kernel has
        then handled the choices that earn it."""
        deadline = time.monotonic() + timeout
        while self.jump_mark() != mark:
            if time.monotonic() > deadline:
                raise AssertionError(f"the statement list never marked the statement {mark!r}; it shows {self.jump_mark()!r}")
            time.sleep(0.05)

    def wait_answered(self, mark_before: str) -> None:
        """After choosing in every field, wait until the statement list marks the statement
        answered: the kernel then has every choice before anything else is pressed.

        ipywidgets holds back a control's new value while an earlier update of that control is
        still unanswered by the kernel, but sends a button's click at once; so a Check pressed at
        machine speed right after a choice can reach the kernel before the choice does (the panel
        then asks for the field, and clears that prompt when the choice arrives). A person's
        click rarely follows that fast. ``mark_before`` is the mark before choosing: a statement
        marked answered already (or a panel without a statement list) gives nothing to wait for.
        """
        if mark_before not in ("", PROGRESS_MARKS["all"]):
            self.wait_jump_mark(PROGRESS_MARKS["all"])

    def progress(self) -> tuple[int, int, int] | None:
        """(answered, statements, right first time) from the progress line, or None if not shown."""
        text = self.text()
        done = PROGRESS.search(text)
        if not done:
            return None
        first = FIRST_TIME.search(text)
        return int(done.group(1)), int(done.group(2)), int(first.group(1)) if first else -1

    def feedback(self) -> str:
        """The text of the panel's feedback: every HTML block that carries a verdict symbol."""
        from attribution_lab.core.feedback import VERDICT_MARKS

        symbols = {symbol for symbol, _ in VERDICT_MARKS.values()}
        blocks = self.locator.locator(".widget-html, .widget-htmlmath, .widget-label").all_inner_texts()
        return "\n".join(b for b in blocks if any(s in b for s in symbols))

    # ----- acting
    def control_locator(self, control: Control) -> Locator:
        """The control's element in the page."""
        return self.locator.locator(f'[data-al-control="{control.index}"]')

    def option_text(self, control: Control, field_name: str, label_id: str) -> str:
        """The option of ``control`` that stands for ``label_id``."""
        label = self.case.labels(field_name)[label_id]
        for wanted in (label.name, label.id):
            for option in control.options:
                if _norm(option) == _norm(wanted):
                    return option
        for option in control.options:
            if _norm(option).startswith(_norm(label.name)):
                return option
        raise AssertionError(f"the {field_name} control offers no option for {label_id!r}: {control.options}")

    def choose(self, field_name: str, answer: Any) -> None:
        """Choose ``answer`` (a label id, or a tuple of them for the chain) in the field's control."""
        control = self.field_controls()[field_name]
        element = self.control_locator(control)
        ids = list(answer) if isinstance(answer, (tuple, list)) else [answer]
        texts = [self.option_text(control, field_name, i) for i in ids]
        if control.kind == "multiple":
            element.locator("select").select_option(label=texts)
        elif control.kind == "select":
            element.locator("select").select_option(label=texts[0])
        elif control.kind == "toggle":
            element.locator("button", has_text=re.compile(rf"^\s*{re.escape(texts[0])}\s*$")).first.click()
        elif control.kind == "checkboxes":
            boxes = element.locator(":scope > .widget-checkbox")
            for i, option in enumerate(control.options):
                box = boxes.nth(i).locator("input[type=checkbox]")
                if (option in texts) != box.is_checked():
                    box.click()
        else:
            element.locator("label", has_text=re.compile(rf"^\s*{re.escape(texts[0])}\s*$")).locator("input").check()

    def choose_all(self, answers: Mapping[str, Any]) -> None:
        """Choose each field's answer, then wait until the kernel has them all (:meth:`wait_answered`)."""
        before = self.jump_mark()
        for name, value in answers.items():
            self.choose(name, value)
        self.wait_answered(before)

    def button(self, name: str) -> Locator:
        """The panel's button whose text holds the word ``name`` (icons and arrows around it allowed)."""
        return self.locator.get_by_role("button", name=re.compile(rf"(^|\W){re.escape(name)}\b", re.I)).first

    def download_answers(self, folder: Path, timeout: float = 30) -> tuple[Path, str]:
        """Press Download my answers, wait for the link it prepares, click that link and save the
        download in ``folder``. Returns the saved file and the link's text."""
        self.button("Download my answers").click()
        link = self.locator.locator("a[download]").first
        link.wait_for(state="visible", timeout=timeout * 1000)
        text = _norm(link.inner_text())
        with self.page.expect_download() as event:
            link.click()
        saved = folder / (event.value.suggested_filename or "answers.json")
        event.value.save_as(saved)
        return saved, text

    def restore_answers(self, file: Path, choice: str | None = "Merge", timeout: float = 30) -> str:
        """Choose ``file`` in Restore from file, wait for the question it asks, answer ``choice``
        (Merge, Replace everything or Cancel; None: leave it asked). Returns the question's text."""
        upload = self.locator.locator(".widget-upload").first
        assert upload.count(), "no Restore from file control (FileUpload) in the panel"
        inputs = self.locator.locator("input[type=file]")
        if inputs.count():
            inputs.first.set_input_files(str(file))
        else:  # ipywidgets keeps its file input out of the page: answer the file chooser instead
            with self.page.expect_file_chooser() as chooser:
                upload.click()
            chooser.value.set_files(str(file))
        asked = self.locator.locator("[role=alert]", has_text="Restore from").first
        asked.wait_for(state="visible", timeout=timeout * 1000)
        question = _norm(asked.inner_text())
        if choice is not None:
            self.button(choice).click()
        return question

    def check(self, expect_in_feedback: Sequence[str] = (), timeout: float = 30) -> str:
        """Press Check and wait until the feedback shows every string of ``expect_in_feedback``."""
        before = self.feedback()
        self.button("Check").click()
        return self.wait_feedback(expect_in_feedback, before, timeout)

    def wait_feedback(self, expect: Sequence[str], before: str = "", timeout: float = 30) -> str:
        """Wait until the feedback changed from ``before`` and shows every string of ``expect``."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.feedback()
            if text and (text != before or not before) and all(e in text for e in expect):
                return text
            time.sleep(0.1)
        # what the panel shows then (its hint, progress line and marks) tells a lost answer from a
        # judged one: the feedback blocks alone are empty when a first try got a hint
        shown = _norm(self.text())[:1200]
        raise AssertionError(f"the feedback never showed {list(expect)!r}; it shows: {text!r}; the panel shows: {shown!r}")


def find_panels(page: Page, case: Case, timeout: float = 30) -> list[PanelView]:
    """Every panel on the page (waits up to ``timeout`` s for the first)."""
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = page.evaluate(FIND_PANELS_JS)
        if count:
            break
        time.sleep(0.2)
    return [PanelView(page, page.locator(f'[data-al-panel="{i}"]'), case) for i in range(count)]


def right_answers(case: Case, statement: Statement, fields: Sequence[str]) -> dict[str, Any]:
    """The key's answers for the fields the panel shows."""
    return {f: statement.answers[f] for f in fields}


def wrong_answer(case: Case, statement: Statement, field_name: str) -> str:
    """A label that the engine judges plainly wrong for this statement and field."""
    for label_id in case.labels(field_name):
        value: Any = (label_id,) if field_name == "chain" else label_id
        if check_field(case, statement, field_name, value).verdict == "wrong":
            return label_id
    raise AssertionError(f"every {field_name} label earns credit for {statement.id}")


if __name__ == "__main__":  # `python tests/browser/harness.py --missing`: why the browser tests cannot run here, if they cannot
    if sys.argv[1:] == ["--missing"]:
        print(browser_missing_reason() or "")
