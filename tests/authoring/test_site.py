"""`make site`: the lessons as static pages, built offline, with their outputs; every lesson has a
page, no internal link or image is broken, a panel is shown as the text interface's view, and no
lesson page tells the key's why for a field its panel asks (the learning loop holds on the site too).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from attribution_lab.authoring.site import BUILD_FOLDER_PREFIX, build_site, site_notebooks
from attribution_lab.core.plan import graded_lessons
from attribution_lab.storage.cases import load_case

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def missing_lesson_pages(site: Path) -> list[str]:
    """The notebooks the site shows that have no page, or no link from the start page."""
    index = (site / "index.html").read_text("utf-8")
    missing = []
    for notebook in site_notebooks(ROOT):
        if not (site / "notebooks" / f"{notebook.stem}.html").is_file():
            missing.append(f"no page for {notebook.name}")
        if f"notebooks/{notebook.stem}.html" not in index:
            missing.append(f"the start page does not link to {notebook.stem}.html")
    return missing


def broken_links(site: Path) -> list[str]:
    """Every href and src of every page that points inside the site but names no file."""
    broken = []
    for page in site.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"]+)"', page.read_text("utf-8")):
            parsed = urlparse(unescape(target))
            if parsed.scheme or target.startswith(("#", "mailto:", "//")) or not parsed.path:
                continue
            if not (page.parent / unquote(parsed.path)).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    return broken


def panel_problems(site: Path) -> list[str]:
    """Lesson pages whose panel is not shown as text, or that tell the key's why for a
    (statement, field) their panel asks."""
    case = load_case("kursk")
    problems = []
    for item in graded_lessons():
        page = next((site / "notebooks").glob(f"{item.number}_*.html"))
        html = page.read_text("utf-8")
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
        if "In JupyterLab a panel asks here" not in text:
            problems.append(f"{page.name} does not show its panel as text")
        if "application/vnd.jupyter.widget-view+json" in html:
            problems.append(f"{page.name} holds a widget that cannot run on a static page")
        for sid in item.statement_ids(case):
            for field in item.fields:
                why = " ".join(case.statement(sid).why(field).split())
                if why in text:
                    problems.append(f"{page.name} tells the why of {sid} {field}")
    return problems


def build_paths_shown(site: Path) -> list[str]:
    """Pages that show the folder the site was built in (say, where a lesson's kernel saved its
    answers): a path of the build machine, which would tell a reader nothing about their own."""
    return [str(page.relative_to(site)) for page in site.rglob("*.html")
            if BUILD_FOLDER_PREFIX in unescape(page.read_text("utf-8"))]


def test_the_site_has_every_lesson_no_broken_link_and_panels_that_tell_no_asked_why(
    tmp_path: Path,
) -> None:
    """The site built from the checkout (once: building runs every lesson): each notebook it
    shows has its page, linked from the start page; every href and src that points inside the
    site names a file that exists; a lesson's panel appears as its statements and choices, not as
    a dead widget; for every (statement, field) the lesson's panel asks, the key's why for it
    is not on the page; and no page shows the folder the site was built in."""
    pytest.importorskip("myst_nb", reason="make site needs the site extra (make test installs it)")
    site = build_site(ROOT, tmp_path / "html").parent
    missing, broken, panels = missing_lesson_pages(site), broken_links(site), panel_problems(site)
    assert not missing, "\n".join(missing)
    assert not broken, "\n".join(broken[:20])
    assert not panels, "\n".join(panels)
    shown = build_paths_shown(site)
    assert not shown, f"pages that show the build's own folder: {shown}"
