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
def browser() -> Iterator[Any]:
    """The session's one headless Chromium (Debian's, never a downloaded one)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = harness.launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, lab: harness.Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page in a fresh browser context; a screenshot is saved if the test fails.

    Kernels are shut down and the answers folder emptied afterwards, so each notebook starts as a
    new student would and no idle kernel competes for the two cores.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        harness.screenshot(page, f"FAILED-{request.node.name}")
    context.close()
    lab.shutdown_kernels()
    lab.clear_answers()


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

