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


def test_the_start_notebook_opens_with_no_news_prompt(fresh_page: Any, clone_lab: harness.Server) -> None:
    """A fresh clone's JupyterLab, with the environment `make` built: the start notebook opens and,
    after the time JupyterLab takes to ask, no notification about Jupyter news is shown."""
    settings = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.is_file(), f"{settings} is missing: the environment was not set up by make"
    page = fresh_page
    harness.open_in_lab(page, clone_lab, "notebooks/00_start_here.ipynb", workspace())
    page.wait_for_timeout(12_000)  # JupyterLab asks some seconds after the page is ready
    harness.screenshot(page, "no-news-prompt-start-notebook")
    assert page.get_by_text("Jupyter news").count() == 0, "JupyterLab asked about Jupyter news"
