"""How the panel looks in JupyterLab, measured in the page on a fresh clone with nothing set.

Lesson 02: the glossary ("What each choice means") wraps between words in a column wide enough
to read, and Restore from file shows its name without ipywidgets' file count. Lesson 04: the
chain figure is shown at its own size (not scaled down to unreadable text), a chain that is not
right draws nothing, and a second try that is not right draws the key's chain in the feedback.
"""

from __future__ import annotations

from typing import Any

import harness
import pytest
from conftest import workspace

from attribution_lab import Case
from attribution_lab.core.feedback import chain_path

pytestmark = pytest.mark.browser

#: For each glossary: its width, and the words split over two lines (each word's line boxes are
#: measured with a Range around it).
GLOSSARY_JS = """(root) => {
  const out = [];
  for (const details of root.querySelectorAll('details')) {
    details.open = true;
    const split = [];
    const walker = document.createTreeWalker(details, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
    out.push({width: details.getBoundingClientRect().width, split});
  }
  return out;
}"""

RESTORE_JS = """(root) => {
  const upload = root.querySelector('.widget-upload');
  const style = getComputedStyle(upload);
  const after = getComputedStyle(upload, '::after');
  return {fontSize: style.fontSize, after: after.content, afterSize: after.fontSize};
}"""


def test_the_glossary_wraps_between_words_and_restore_shows_no_count(
    page: Any, clone_lab: harness.Server, case: Case
) -> None:
    """Every word of the glossary sits on one line, the glossary is at least 14 em (about 190 px)
    wide, and the Restore from file button shows its name and hides the "(0)" ipywidgets adds."""
    harness.open_in_lab(page, clone_lab, "notebooks/02_who_said_it.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    panel = harness.find_panels(page, case)[0]
    panel.locator.scroll_into_view_if_needed()
    entries = panel.locator.evaluate(GLOSSARY_JS)
    assert entries, "no glossary found in the panel"
    assert all(not e["split"] for e in entries), [e for e in entries if e["split"]]
    assert min(e["width"] for e in entries) >= 190, entries
    restore = panel.locator.evaluate(RESTORE_JS)
    assert restore["fontSize"] == "0px" and restore["after"] == '"Restore from file"', restore
    assert float(restore["afterSize"].removesuffix("px")) >= 12, restore
    harness.screenshot(page, "looks-glossary")


def test_the_chain_figure_keeps_its_size_and_the_keys_chain_is_drawn_once_told(
    page: Any, clone_lab: harness.Server, case: Case
) -> None:
    """Lesson 04's figure is shown at (nearly) its own pixel size; a partly right chain draws no
    chain; after the second try the feedback draws the key's chain, every box in order."""
    harness.open_in_lab(page, clone_lab, "notebooks/04_following_the_chain.ipynb", workspace())
    harness.run_all(page)
    harness.wait_idle(page)
    sizes = harness.notebook_scope(page).locator(".jp-OutputArea-output img").evaluate_all(
        "imgs => imgs.map(i => [i.naturalWidth, i.getBoundingClientRect().width])")
    assert sizes and all(shown >= 0.9 * natural for natural, shown in sizes), sizes
    panel = harness.find_panels(page, case)[0]
    panel.locator.scroll_into_view_if_needed()
    statement = panel.statement()
    panel.choose("chain", statement.chain[:1])
    first = panel.check(["◐"])
    assert "The key's chain" not in panel.text(), first
    panel.check(["The key's answer"])
    drawn = panel.locator.get_by_text("The key's chain:").locator("xpath=..").inner_text()
    names = chain_path(case, statement.id)
    positions = [drawn.find(name) for name in names]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), (names, drawn)
    harness.screenshot(page, "looks-chain-drawn")
