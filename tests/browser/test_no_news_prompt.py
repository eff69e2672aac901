"""JupyterLab as the module sets it up asks nothing of a student: no "Jupyter news" prompt covers
the start notebook (lab-settings/overrides.json, installed by `make lab`, postBuild and CI alike)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import harness
import pytest
from conftest import workspace

pytestmark = pytest.mark.browser

# The config section of @jupyterlab/apputils-extension:announcements, read before it may ask.
ANNOUNCEMENTS_CONFIG = "api/config/jupyterlabapputilsextensionannouncements"


def test_the_start_notebook_opens_with_no_news_prompt(fresh_page: Any, clone_lab: harness.Server) -> None:
    """A fresh clone's JupyterLab, with the environment `make` built: the start notebook opens and,
    once JupyterLab has what it needs to decide whether to ask, no notification about Jupyter news
    is shown."""
    settings = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.is_file(), f"{settings} is missing: the environment was not set up by make"
    page = fresh_page
    # JupyterLab's announcements plugin decides whether to ask once three things are ready: the
    # app restored, the notification settings loaded, and its config section read from the server.
    # The test waits for the config read and the restore (the settings are read at start-up, with
    # the rest of the settings), then 2 s for the toast, which is drawn a frame or two later.
    with page.expect_response(lambda r: ANNOUNCEMENTS_CONFIG in r.url, timeout=60_000):
        harness.open_in_lab(page, clone_lab, "notebooks/00_start_here.ipynb", workspace())
    page.evaluate("() => window.jupyterapp.restored.then(() => true)")
    page.wait_for_timeout(2_000)
    harness.screenshot(page, "no-news-prompt-start-notebook")
    assert page.get_by_text("Jupyter news").count() == 0, "JupyterLab asked about Jupyter news"
