"""The panel also works in Notebook 7 and in Voila ("app mode", code hidden).

Smoke tests on the first lesson that builds a panel: the notebook runs, the panel renders as live
controls, and pressing Check on the key's answers shows the engine's right-answer feedback.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import harness
import pytest
from test_lab_notebooks import answer_right, check_and_expect, first_panel_notebook

from attribution_lab import Case
from attribution_lab.core.feedback import VERDICT_MARKS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila(lab: harness.Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Server]:
    """Voila on 127.0.0.1 serving the first lesson with a panel, from the served copy."""
    server = harness.start_voila(tmp_path_factory.mktemp("voila"), lab, first_panel_notebook(lab))
    yield server
    server.stop()


def test_notebook7_runs_the_panel_and_checks(page: Any, lab: harness.Server, case: Case) -> None:
    """In Notebook 7 (/notebooks/PATH) a run-all shows the panel without errors, and Check gives
    the engine's feedback for the key's answers."""
    path = first_panel_notebook(lab)
    page.goto(f"{lab.base}/notebooks/{path}?token={lab.token}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    harness.run_all(page)
    harness.wait_idle(page)
    try:
        errors = harness.error_outputs(page)
        assert not errors, "Notebook 7 shows error output:\n" + "\n---\n".join(errors)
        panels = harness.find_panels(page, case)
        assert panels, "no panel rendered in Notebook 7"
        panels[0].locator.scroll_into_view_if_needed()
        sid, answers = answer_right(panels[0], case)
        text = check_and_expect(panels[0], case, sid, answers)
        assert VERDICT_MARKS["wrong"][0] not in text
    finally:
        harness.screenshot(page, "notebook7-" + path.replace("/", "__"))


def test_voila_renders_the_panel_and_checks(page: Any, voila: harness.Server, lab: harness.Server, case: Case) -> None:
    """Voila runs the lesson on the server and shows the panel with the code hidden; Check gives
    the engine's feedback for the key's answers."""
    voila_notebook = first_panel_notebook(lab)
    page.goto(f"{voila.base}/")
    try:
        panels = harness.find_panels(page, case, timeout=120)
        assert panels, "no panel rendered in Voila"
        shown = page.locator("body").inner_text()
        code_lines = [line.strip() for line in harness.code_of(voila.root / voila_notebook).splitlines()
                      if len(line.strip()) > 12 and not line.strip().startswith("#")]
        visible_code = [line for line in code_lines if line in shown]
        assert not visible_code, f"Voila shows code: {visible_code[:3]}"
        errors = harness.error_outputs(page)
        assert not errors, "Voila shows error output:\n" + "\n---\n".join(errors)
        panels[0].locator.scroll_into_view_if_needed()
        sid, answers = answer_right(panels[0], case)
        try:
            text = check_and_expect(panels[0], case, sid, answers)
        except AssertionError as failure:
            # what the kernel saved and logged tells whether it met an earlier answers file or
            # judged other values than the ones chosen
            saved = {p.name: p.read_text("utf-8")[:1500] for p in sorted(voila.answers.glob("answers-*"))}
            raise AssertionError(f"{failure}\nchosen: {answers}\nanswers files: {saved}\n"
                                 f"Voila's log:\n{voila.log_tail(15)}") from None
        assert VERDICT_MARKS["wrong"][0] not in text
    finally:
        harness.screenshot(page, "voila-panel")
