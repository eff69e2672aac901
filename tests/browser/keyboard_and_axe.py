"""The panel works from the keyboard alone and its own markup has no serious accessibility faults.

Keyboard: one statement is completed with Tab, Space, Enter and the arrow keys only (Ctrl+Space
adds a second choice in the chain's list, as in any multiple-choice list box), then checked with
Enter; the feedback must show the engine's verdict for every field.
axe-core then runs in the page, scoped to the panel's container, with that feedback shown; serious
and critical violations fail the test with every finding listed. Both look at the same panel, in
the test that opens and runs each notebook (``test_lab_notebooks.py``), so each notebook is opened
and run once for every check.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import harness
from test_lab_notebooks import as_shown, expected_lines, shown_answers

from attribution_lab import Case
from attribution_lab.core.feedback import VERDICT_MARKS

#: Where axe.min.js may be: the axe-playwright-python package ships it; an npm install into the
#: git-ignored .cache/axe works too; ATTRIBUTION_LAB_AXE names any other copy.
AXE_CANDIDATES = (
    os.environ.get("ATTRIBUTION_LAB_AXE", ""),
    str(harness.REPO / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"),
)


def axe_script() -> Path | None:
    """The path of axe.min.js, or None when no copy is installed."""
    try:
        from importlib import resources

        shipped = resources.files("axe_playwright_python").joinpath("axe.min.js")
        if shipped.is_file():
            return Path(str(shipped))
    except (ImportError, ModuleNotFoundError):
        pass
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


ACTIVE_CONTROL_JS = """(panel) => {
  const a = document.activeElement;
  if (!a || !panel.contains(a)) return {inside: false, tag: a ? a.tagName : null};
  const control = a.closest('[data-al-control]');
  const label = a.closest('label') || (a.parentElement && a.parentElement.closest('label'));
  const text = (label ? label.textContent : a.textContent || '').replace(/[\u200b-\u200d\ufeff]/g, '').trim();
  return {inside: true, control: control ? Number(control.getAttribute('data-al-control')) : null,
          tag: a.tagName, type: a.type || '', checked: !!a.checked, text: text.slice(0, 60)};
}"""

FOCUS_FIRST_JS = """(panel) => {
  const focusable = panel.querySelectorAll('button, select, input, a[href], textarea, [tabindex]:not([tabindex="-1"])');
  for (const el of focusable) { if (el.offsetParent !== null && !el.disabled) { el.focus(); return el.tagName; } }
  return null;
}"""


def active(panel: harness.PanelView) -> dict[str, Any]:
    """Where the keyboard focus is, relative to the panel's controls."""
    return panel.locator.evaluate(ACTIVE_CONTROL_JS)


def tab_to(panel: harness.PanelView, is_target: Any, what: str, limit: int = 60) -> dict[str, Any]:
    """Press Tab until ``is_target(focus)`` holds; fail naming ``what`` if it never does."""
    for _ in range(limit):
        focus = active(panel)
        if focus["inside"] and is_target(focus):
            return focus
        panel.page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {what}; focus ended on {active(panel)}")


def key_choose(panel: harness.PanelView, control: harness.Control, name: str, answer: Any) -> None:
    """Choose ``answer`` in ``control`` with keys only; focus must already be in the control."""
    keyboard = panel.page.keyboard
    ids = list(answer) if isinstance(answer, (tuple, list)) else [answer]
    wanted = [panel.option_text(control, name, i) for i in ids]
    if control.kind in ("toggle", "radio"):
        # every button or radio of these controls is a Tab stop of its own: Tab to the one wanted,
        # then Space (arrow keys are JupyterLab's in a notebook: they move to another cell)
        for _ in range(len(control.options) + 1):
            if active(panel).get("text") == wanted[0]:
                break
            keyboard.press("Tab")
        assert active(panel).get("text") == wanted[0], f"{name}: Tab never reached {wanted[0]!r}"
        keyboard.press("Space")
        return
    if control.kind == "checkboxes":
        # one Tab stop per box, in order: Space ticks or clears the box under the focus
        for index, option in enumerate(control.options):
            focus = active(panel)
            assert focus.get("text") == option, f"{name}: expected the focus on {option!r}, it is on {focus}"
            if (option in wanted) != focus["checked"]:
                keyboard.press("Space")
            if index + 1 < len(control.options):
                keyboard.press("Tab")
        return
    if control.kind == "select":
        # open the list (Space), move with the arrows, confirm with Enter: keys inside the open
        # list reach the browser, while arrows on a closed list are taken by JupyterLab
        target = control.options.index(wanted[0])
        current = control.options.index(control.selected[0]) if control.selected else 0
        keyboard.press("Space")
        panel.page.wait_for_timeout(200)
        for _ in range(abs(target - current)):
            keyboard.press("ArrowDown" if target > current else "ArrowUp")
        keyboard.press("Enter")
        return
    if control.kind == "multiple":
        # Home selects the first option; Ctrl+ArrowDown moves without selecting, Ctrl+Space toggles
        keyboard.press("Home")
        for index, option in enumerate(control.options):
            if index:
                keyboard.press("Control+ArrowDown")
            if (option in wanted) != (index == 0):
                keyboard.press("Control+Space")
        return
    raise AssertionError(f"{name}: no keyboard recipe for a {control.kind} control")


def keyboard_walk(page: Any, case: Case, path: str) -> harness.PanelView:
    """Tab/Space/Enter/arrow keys alone choose the key's answer in every field of the first
    statement and press Check (a worksheet: Hand in, which waits for every statement); the
    controls must show what was chosen and the feedback the engine's right-answer verdicts."""
    panel = harness.find_panels(page, case)[0]
    panel.locator.scroll_into_view_if_needed()
    statement = panel.statement()
    controls = panel.field_controls()
    # Stand where a keyboard user arrives when they Tab into the panel: its first focusable element.
    assert panel.locator.evaluate(FOCUS_FIRST_JS), "nothing in the panel can take the keyboard focus"
    answers = {name: statement.answers[name] for name in controls}
    before = panel.jump_mark()
    for name, control in controls.items():
        tab_to(panel, lambda f, c=control: f["control"] == c.index, f"the {name} control")
        key_choose(panel, control, name, answers[name])
    panel.wait_answered(before)
    assert as_shown(shown_answers(panel)) == as_shown(answers), (
        f"the keys did not set the controls: they show {shown_answers(panel)}, wanted {answers}")
    if path.startswith("exercises/"):  # a worksheet checks nothing before Hand in, which waits for every statement
        tab_to(panel, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("Hand in"), "the Hand in button")
        page.keyboard.press("Enter")
        deadline = time.monotonic() + 30
        while "Not handed in" not in panel.text() and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert "Not handed in" in panel.text(), panel.text()[-600:]
        return panel
    tab_to(panel, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("Check"), "the Check button")
    symbols = [line.split(" ", 1)[0] for line in expected_lines(case, statement.id, answers)]
    before = panel.feedback()
    page.keyboard.press("Enter")
    text = panel.wait_feedback(symbols, before)
    assert VERDICT_MARKS["wrong"][0] not in text, f"keyboard answers judged wrong:\n{text}"
    return panel


def axe_scan(page: Any, panel: harness.PanelView, path: str, script: Path) -> None:
    """axe-core, scoped to the panel's container, reports no serious or critical violation; every
    finding (any impact) is listed in the failure message and kept in a JSON report."""
    page.add_script_tag(path=str(script))
    results = panel.locator.evaluate(
        "async (el) => { const r = await axe.run(el); "
        "return {violations: r.violations, incomplete: r.incomplete, passes: r.passes.map(p => p.id), version: r.testEngine.version}; }")
    findings = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["html"][:160] for n in v["nodes"][:5]]}
        for v in results["violations"]
    ]
    to_review = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "count": len(v["nodes"])}
                 for v in results["incomplete"]]
    report = harness.ARTIFACTS.parent / f"axe-{path.replace('/', '__')}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({"axe": results["version"], "violations": findings, "needs_review": to_review,
                                  "passed_rules": results["passes"]}, indent=2, ensure_ascii=False), encoding="utf-8")
    # a run that checked nothing would pass on an empty page: the panel's controls must have been seen
    assert {"label", "button-name"} & set(results["passes"]), f"axe checked no control in the panel: {results['passes']}"
    serious = [f for f in findings if f["impact"] in ("serious", "critical")]
    assert not serious, "axe found serious or critical violations in the panel:\n" + json.dumps(
        findings, indent=2, ensure_ascii=False)
