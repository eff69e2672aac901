"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

Without a browser (or without Playwright) the tests skip with a one-line reason, unless ``CI`` is
set: in CI they must run, so a missing browser fails every test loudly instead.
The server serves a copy of notebooks/, exercises/ and seeds/ in a temporary folder, with every
Jupyter, IPython, matplotlib and XDG folder and the students' answers folder there too, so a run
leaves the repository and the home folder as they were.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import harness
import pytest

from attribution_lab import Case, load_case


def require_browser() -> None:
    """Skip (or, with CI set, fail) when this machine has no browser to drive."""
    reason = harness.browser_missing_reason()
    if reason is None:
        return
    if harness.in_ci():
        pytest.fail(f"CI is set but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests need a browser: {reason}")


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    """Every browser test first checks that it can run (see :func:`require_browser`)."""
    require_browser()


@pytest.fixture(scope="session")
def case() -> Case:
    """The case every shipped notebook uses."""
    return load_case("kursk")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Server]:
    """JupyterLab on 127.0.0.1 (random port and token) serving a copy of the student folders."""
    require_browser()
    server = harness.start_lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _clone_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Server]:
    """JupyterLab on a fresh clone of the repository, one per test process (see :func:`clone_lab`)."""
    require_browser()
    work = tmp_path_factory.mktemp("clone")
    server = harness.start_lab(work / "lab", source=harness.fresh_clone(work / "repository"))
    yield server
    server.stop()


@pytest.fixture
def clone_lab(_clone_server: harness.Server) -> Iterator[harness.Server]:
    """JupyterLab on a fresh clone, served as ``make lab`` serves it, with nothing set (no answers
    folder in the environment): the path a new student takes. The server is shared by the test
    process; after each test its kernels are stopped and its answers files removed, so every test
    meets it as a new student would."""
    yield _clone_server
    _clone_server.shutdown_kernels()
    _clone_server.clear_answers()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The session's one headless Chromium (Debian's, never a downloaded one)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = harness.launch_browser(playwright)
        yield chromium
        chromium.close()


def _new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    return context.new_page()


@pytest.fixture(scope="session")
def _kept_page() -> Iterator[dict[str, Any]]:
    """Holds the session's one reused page (see :func:`page`)."""
    kept: dict[str, Any] = {}
    yield kept
    if kept.get("page") is not None:
        kept["page"].context.close()


def _tidy(page: Any, lab: harness.Server, request: pytest.FixtureRequest) -> bool:
    """After a test: a screenshot if it failed; kernels stopped and the answers folder emptied, so
    each notebook starts as a new student would and no idle kernel competes for the two cores.
    Returns whether the test failed."""
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    if failed:
        harness.screenshot(page, f"FAILED-{request.node.name}")
    lab.shutdown_kernels()
    lab.clear_answers()
    return bool(failed)


@pytest.fixture
def page(browser: Any, lab: harness.Server, request: pytest.FixtureRequest, _kept_page: dict[str, Any]) -> Iterator[Any]:
    """The session's JupyterLab page, reused from test to test: :func:`harness.open_in_lab` opens
    the next notebook in it without loading JupyterLab again (seconds a notebook). Its documents
    are closed after each test; after a failure the page is dropped and the next test gets a new
    one, in a new browser context. Tests where a fresh start is the point use :func:`fresh_page`.
    """
    kept = _kept_page.get("page")
    if kept is None or kept.is_closed():
        kept = _kept_page["page"] = _new_page(browser)
    yield kept
    if _tidy(kept, lab, request):
        kept.context.close()
        _kept_page.clear()
        return
    try:
        harness.close_documents(kept)
    except Exception:  # the page is in no state to be reused: the next test starts a new one
        kept.context.close()
        _kept_page.clear()


@pytest.fixture
def fresh_page(browser: Any, lab: harness.Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new page in a new browser context, as a student's first visit: nothing loaded or cached."""
    page = _new_page(browser)
    yield page
    _tidy(page, lab, request)
    page.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def workspace() -> str:
    """A new workspace name (each notebook opens in a workspace of its own)."""
    return f"t{secrets.token_hex(6)}"


def notebook_ids() -> list[str]:
    """Lessons and worksheets of the source folder, for parametrising (found by globbing)."""
    return harness.discover(harness.source_root())

