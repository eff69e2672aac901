"""A real multi-user JupyterHub: two students log in through the hub in headless Chromium, each
opens lesson 02 in their own single-user JupyterLab and answers; each answers file lands in that
student's own home; the instructor collects both homes into per-student folders and grades them.

JupyterHub from PyPI with its proxy (configurable-http-proxy, the PyPI implementation), the dummy
authenticator (one shared password) and the simple local-process spawner, which gives each user a
home folder of their own under a temporary folder (no system accounts). A pre-spawn hook copies the
student folders (notebooks/ and exercises/) of a fresh clone into each new home, as a course's
hub distributes files (docs/jupyterhub.md). Skipped, with the reason, only where JupyterHub or its
proxy is not installed (`make test` installs both); in CI it must run.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import pytest
from test_lab_notebooks import answer_right, check_and_expect

from attribution_lab import load_case
from attribution_lab.core.submission import answers_of
from attribution_lab.formats.answers import parse_submission
from attribution_lab.storage.location import answers_file_name

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIN = Path(sys.executable).parent
STUDENTS = ("alice", "bob")
PASSWORD = "a-class-password"


def _hub_tools_missing() -> str | None:
    missing = [name for name in ("jupyterhub", "jupyterhub-singleuser", "configurable-http-proxy") if not (BIN / name).exists()]
    return f"JupyterHub is not installed here ({', '.join(missing)} missing from {BIN})" if missing else None


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A running JupyterHub on 127.0.0.1 with two users' homes under a temporary folder."""
    reason = _hub_tools_missing()
    if reason:
        if harness.in_ci():
            pytest.fail(f"CI is set but the JupyterHub test cannot run: {reason}")
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("hub")
    module = harness.fresh_clone(work / "repository")
    homes = work / "homes"
    homes.mkdir()
    port, hub_port, api_port = harness.free_port(), harness.free_port(), harness.free_port()
    args = ["--LabApp.expose_app_in_browser=True", *harness.root_flags()]
    (work / "jupyterhub_config.py").write_text(textwrap.dedent(f"""
        import shutil
        from pathlib import Path
        c = get_config()  # noqa: F821 - JupyterHub's config loader defines it
        c.JupyterHub.ip = "127.0.0.1"
        c.JupyterHub.port = {port}
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = {hub_port}
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
        c.ConfigurableHTTPProxy.command = [{str(BIN / "configurable-http-proxy")!r}]
        c.JupyterHub.db_url = "sqlite:///{work / 'hub.sqlite'}"
        c.JupyterHub.cookie_secret_file = {str(work / 'cookie_secret')!r}
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = {PASSWORD!r}
        c.Authenticator.allowed_users = {set(STUDENTS)!r}
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / '{username}')!r}
        c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
        c.Spawner.args = {args!r}
        c.Spawner.default_url = "/lab"
        c.Spawner.start_timeout = 120
        c.Spawner.http_timeout = 120

        def give_the_lessons(spawner):
            home = Path(spawner.home_dir_template.format(username=spawner.user.name))
            home.mkdir(parents=True, exist_ok=True)
            for folder in ("notebooks", "exercises"):
                if not (home / folder).exists():
                    shutil.copytree(Path({str(module)!r}) / folder, home / folder)

        c.Spawner.pre_spawn_hook = give_the_lessons
        """), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "ATTRIBUTION_LAB"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    log = (work / "hub.log").open("wb")
    process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(work / "jupyterhub_config.py")], cwd=work, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/hub/api", timeout=2)  # noqa: S310 - our own hub on 127.0.0.1
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("JupyterHub did not start:\n" + (work / "hub.log").read_text("utf-8", "replace")[-3000:])
            time.sleep(0.5)
    try:
        yield {"base": base, "homes": homes, "work": work}
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        subprocess.run(["pkill", "-f", str(homes)], check=False)  # any single-user server left behind
        log.close()


def _log_in_and_answer(browser: Any, hub: dict[str, Any], user: str) -> dict[tuple[str, str], Any]:
    """Log in as ``user`` through the hub's form, open lesson 02, answer one statement right and
    Check; the answers given."""
    case = load_case("kursk")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{hub['base']}/hub/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("[type=submit]")
        page.wait_for_url(f"**/user/{user}/lab**", timeout=180_000)
        page.goto(f"{hub['base']}/user/{user}/lab/tree/notebooks/02_who_said_it.ipynb?reset")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=120_000)
        harness.run_all(page)
        harness.wait_idle(page)
        panel = harness.find_panels(page, case, timeout=120)[0]
        sid, answers = answer_right(panel, case)
        check_and_expect(panel, case, sid, answers)
        harness.screenshot(page, f"hub-{user}-lesson-02")
        return {(sid, name): value for name, value in answers.items()}
    finally:
        context.close()


def test_two_students_on_a_real_hub_answer_in_their_own_homes_and_are_graded(hub: dict[str, Any], browser: Any,
                                                                              tmp_path: Path) -> None:
    """Each student's answer lands in their own home's answers file and in no one else's; the
    instructor copies each home into a per-student folder and grades both, every answer counted."""
    case = load_case("kursk")
    given = {user: _log_in_and_answer(browser, hub, user) for user in STUDENTS}
    name = answers_file_name(case.id)
    for user in STUDENTS:
        path = hub["homes"] / user / name
        assert path.is_file(), f"{user}'s answers are not in their home ({sorted(p.name for p in (hub['homes'] / user).iterdir())})"
        current = answers_of(parse_submission(path.read_bytes(), case, str(path)), "current")
        for (sid, field_name), value in given[user].items():
            saved = current.get(sid, {}).get(field_name)
            assert (sorted(saved) if field_name == "chain" else saved) == (sorted(value) if field_name == "chain" else value)
    # The instructor collects each home into a folder named after the student, and grades the class.
    collected = tmp_path / "collected"
    for user in STUDENTS:
        shutil.copytree(hub["homes"] / user, collected / user, ignore=shutil.ignore_patterns(".*", "notebooks", "exercises"))
    results = tmp_path / "results.csv"
    run = subprocess.run([sys.executable, "-m", "attribution_lab.cli", "grade", str(collected), "--out", str(results)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    with results.open(encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(STUDENTS), rows
    assert all(float(row["points"]) > 0 for row in rows.values())
