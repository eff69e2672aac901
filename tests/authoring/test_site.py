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

from attribution_lab.authoring.site import build_site, site_notebooks
from attribution_lab.core.plan import graded_lessons
from attribution_lab.storage.cases import load_case

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once from the checkout."""
    pytest.importorskip("myst_nb", reason="make site needs the site extra (make test installs it)")
    return build_site(ROOT, tmp_path_factory.mktemp("site") / "html").parent


def test_every_lesson_has_a_page_listed_on_the_start_page(site: Path) -> None:
    """Each notebook the site shows has its page, and the start page links to every one."""
    index = (site / "index.html").read_text("utf-8")
    for notebook in site_notebooks(ROOT):
        assert (site / "notebooks" / f"{notebook.stem}.html").is_file(), notebook.name
        assert f"notebooks/{notebook.stem}.html" in index


def test_no_internal_link_or_image_is_broken(site: Path) -> None:
    """Every href and src of every page that points inside the site names a file that exists."""
    broken = []
    for page in site.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"]+)"', page.read_text("utf-8")):
            parsed = urlparse(unescape(target))
            if parsed.scheme or target.startswith(("#", "mailto:", "//")) or not parsed.path:
                continue
            if not (page.parent / unquote(parsed.path)).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert not broken, "\n".join(broken[:20])


def test_panels_are_text_and_no_page_tells_an_asked_fields_why(site: Path) -> None:
    """A lesson's panel appears as its statements and choices, not as a dead widget; and for every
    (statement, field) the lesson's panel asks, the key's why for it is not on the page."""
    case = load_case("kursk")
    for item in graded_lessons():
        page = next((site / "notebooks").glob(f"{item.number}_*.html"))
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page.read_text("utf-8"))).split())
        assert "In JupyterLab a panel asks here" in text, page.name
        assert "application/vnd.jupyter.widget-view+json" not in page.read_text("utf-8")
        for sid in item.statement_ids(case):
            for field in item.fields:
                why = " ".join(case.statement(sid).why(field).split())
                assert why not in text, f"{page.name} tells the why of {sid} {field}"
