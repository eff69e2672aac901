"""The panel's HTML: pure functions from the panel model's data to escaped HTML strings.

Every text from a case, a student or a file is escaped here, once. The widgets in
:mod:`attribution_lab.student.panel` only receive these strings.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.case import Case, Label, Statement
from ..core.feedback import chain_role, join_chain, mark
from ..core.palette import VERDICT_TEXT_COLOURS, chain_colour
from .panel_model import Download, Feedback

NOTICE_STYLE = "border:1px solid #b58900;background:#fdf6e3;color:#1b1b1b;padding:6px 10px;margin:4px 0;border-radius:4px"
OK_STYLE = "border:1px solid #2e7d32;background:#f1f8f1;color:#1b1b1b;padding:6px 10px;margin:4px 0;border-radius:4px"
PLAIN_STYLE = "border:1px solid #999;background:#f6f6f6;color:#1b1b1b;padding:6px 10px;margin:4px 0;border-radius:4px"
# break-word, not anywhere: "anywhere" also lowers the box's narrowest width, so a flex column can
# squeeze it until words break letter by letter (as the glossary's did in JupyterLab and Voila).
BOX_STYLE = "line-height:1.5;max-width:60em;overflow-wrap:break-word;word-break:normal"


#: The class of the Restore from file control. ipywidgets writes the number of files chosen after a
#: file upload's label ("Restore from file (0)"); the panel's style hides that text and shows the
#: label alone (``::after``), so the count never reads as "no files".
RESTORE_CLASS = "al-restore-file"
RESTORE_LABEL = "Restore from file"
PANEL_STYLE = (
    f"<style>.{RESTORE_CLASS}{{font-size:0 !important}}"
    f".{RESTORE_CLASS} i.fa{{font-size:var(--jp-widgets-font-size,13px);margin-right:0.4em}}"
    f".{RESTORE_CLASS}::after{{content:'{RESTORE_LABEL}';font-size:var(--jp-widgets-font-size,13px)}}</style>"
)


def title_html(title: str) -> str:
    """The panel's heading (the case's title), with the panel's style sheet."""
    return f"{PANEL_STYLE}<h3 style='margin:0.2em 0'>{escape(title)}</h3>"


def escape(text: Any) -> str:
    """HTML-escape any text from a case, a student or a file."""
    return html.escape(str(text), quote=True)


def statement_html(case: Case, statement: Statement, position: int, count: int) -> str:
    """The statement highlighted in its paragraph, with its id and place in the panel."""
    start, end = case.paragraph(statement)
    text = case.article
    paragraph = (
        escape(text[start:statement.start]) + f"<mark>{escape(statement.quote)}</mark>" + escape(text[statement.end:end])
    )
    return (
        f"<div style='{BOX_STYLE};margin:0.4em 0'>"
        f"<div><b>{escape(statement.id)}</b> · statement {position + 1} of {count} (the highlighted sentence)</div>"
        f"<p style='margin:0.3em 0;padding:0.4em 0.8em;border-left:3px solid #888'>{paragraph}</p></div>"
    )


def chosen_html(labels: dict[str, Label] | Any, value: Any, *, is_chain: bool) -> str:
    """What the student chose for a field: the label's name and definition, or the chain."""
    if value is None:
        text = "<i>Nothing chosen yet.</i>"
    elif is_chain:
        text = "Your chain: " + join_chain(f"<b>{escape(labels[v].name)}</b>" for v in value)
    else:
        label = labels[value]
        text = f"<b>{escape(label.name)}</b>: {escape(label.definition)}"
    return f"<div style='{BOX_STYLE};font-size:0.92em;margin:0.2em 0'>{text}</div>"


def glossary_html(title: str, labels: Iterable[Label]) -> str:
    """The folded list of a field's labels with their definitions."""
    # A paragraph a label: the name and its definition wrap as one text in the narrow field column.
    items = "".join(
        f"<p style='margin:0 0 0.45em 0'><b>{escape(label.name)}</b>: {escape(label.definition)}</p>"
        for label in labels
    )
    return (
        f"<details style='{BOX_STYLE};font-size:0.92em'><summary>What each choice means ({escape(title)})</summary>"
        f"<div style='margin:0.3em 0 0 0'>{items}</div></details>"
    )


def _verdict_html(verdict: str, text: str) -> str:
    # The line starts with the verdict's mark; only the mark is coloured, and colour repeats it.
    symbol = mark(verdict)
    rest = text[len(symbol):] if text.startswith(symbol) else " " + text
    return f"<span style='color:{VERDICT_TEXT_COLOURS[verdict]};font-weight:bold'>{escape(symbol)}</span>{escape(rest)}"


def feedback_html(feedback: Feedback) -> str:
    """The feedback area: the prompt, a line per field, then the whys and rules the reveal rule allows, what
    is uncertain, and the first-try summary.
    """
    parts: list[str] = []
    if feedback.prompt:
        parts.append(f"<p>{escape(feedback.prompt)}</p>")
    if feedback.lines:
        items = "".join(f"<li style='margin:0.15em 0'>{_verdict_html(line.verdict, line.text)}</li>" for line in feedback.lines)
        parts.append(f"<ul style='list-style:none;padding-left:0;margin:0.3em 0'>{items}</ul>")
    for name, why in feedback.why:
        parts.append(f"<p style='margin:0.3em 0'><b>Why ({escape(name)}):</b> {escape(why)}</p>")
    for heading, text in feedback.rules:
        parts.append(f"<p style='margin:0.3em 0'><b>Rule {escape(heading)}:</b> {escape(text)}</p>")
    if feedback.chain:
        parts.append(chain_html(feedback.chain))
    if feedback.uncertain:
        parts.append(f"<p style='margin:0.3em 0'><b>Still uncertain:</b> {escape(feedback.uncertain)}</p>")
    if feedback.takeaway:
        parts.append(f"<p style='margin:0.3em 0'><b>Takeaway:</b> {escape(feedback.takeaway)}</p>")
    if feedback.first_try:
        summary = ", ".join(f"{mark(verdict)} {name}" for verdict, name in feedback.first_try)
        attempts = feedback.attempts
        times = f"{attempts} time{'s' if attempts != 1 else ''}"
        said = (f"Handed in {times}. Your graded try (the first): {escape(summary)}." if feedback.graded
                else f"Checked {times}. Your first try, which is kept: {escape(summary)}.")
        parts.append(f"<p style='margin:0.3em 0;color:#444'>{said}</p>")
    if not feedback.lines and not feedback.prompt:
        parts.append(
            "<p style='margin:0.3em 0;color:#444'>Choose your answers, then press Check. A try that is not "
            "right gets a hint; why the key says what it says comes when you are right, after a second try, "
            "or when you press Show the answer.</p>"
        )
    return f"<div role='status' style='{BOX_STYLE}'>{''.join(parts)}</div>"


def chain_html(path: Sequence[str]) -> str:
    """The key's chain drawn as boxes joined by arrows, in the chain figure's colours: the origin,
    each link, then the reader. Boxes wrap onto a new line on a narrow screen; read aloud it is
    the names in order.
    """
    boxes = []
    for n, name in enumerate(path):
        # The arrow travels with the box it points at, so a wrapped line never ends on an arrow.
        arrow = "<span aria-hidden='true' style='font-weight:bold;margin:0.3em 0.35em 0 0'>→</span>" if n else ""
        boxes.append(
            f"<span style='display:inline-flex;align-items:flex-start'>{arrow}"
            f"<span style='display:inline-flex;flex-direction:column;align-items:center;gap:0.15em'>"
            f"<span style='background:{chain_colour(n, len(path))};color:#000;border:1px solid #000;border-radius:4px;"
            f"padding:0.3em 0.6em;min-width:6em;text-align:center'>{escape(name)}</span>"
            f"<span style='font-size:0.85em;font-style:italic;color:#444'>{chain_role(n, len(path))}</span></span></span>"
        )
    return (
        "<div style='margin:0.4em 0'><b>The key's chain:</b>"
        f"<div style='display:flex;flex-wrap:wrap;gap:0.35em;margin-top:0.3em'>{''.join(boxes)}</div></div>"
    )


def notice_html(notes: Sequence[str], *, ok: bool) -> str:
    """A notice box: problems with the answers file, or what Restore and Start over did."""
    if not notes:
        return ""
    style = OK_STYLE if ok else NOTICE_STYLE
    symbol = "✓" if ok else "⚠"
    items = "".join(f"<p style='margin:0.2em 0'>{escape(note)}</p>" for note in notes)
    return f"<div role='status' style='{style};{BOX_STYLE}'><b>{symbol} {'Done' if ok else 'Please note'}:</b>{items}</div>"


def hand_in_html(text: str, *, handed_in: bool) -> str:
    """What Hand in did, or where a worksheet stands: a plain status box (a refusal is no error)."""
    style = OK_STYLE if handed_in else PLAIN_STYLE
    return f"<div role='status' style='{style};{BOX_STYLE}'>{escape(text)}</div>"


def question_html(text: str, heading: str = "Clear your answers?") -> str:
    """The question Start over (or Restore from file) asks before changing anything."""
    return f"<div role='alert' style='{NOTICE_STYLE};{BOX_STYLE}'><b>⚠ {escape(heading)}</b> {escape(text)}</div>"


def download_html(name: str, where: str, download: Download | None = None) -> str:
    """Where the answers are saved and, once Download my answers was pressed, the link that saves
    the copy it prepared (a data: URL holding the answers file).
    """
    saved = f"<span style='color:#444;font-size:0.9em;margin-right:0.6em' title='{escape(where)}'>Saved in {escape(name)}</span>"
    if download is None:
        return saved
    encoded = base64.b64encode(download.data).decode("ascii")
    count = f"{download.answers} answer{'s' if download.answers != 1 else ''}"
    return (
        f"<a download='{escape(download.name)}' href='data:application/json;base64,{encoded}' "
        f"title='Save this copy of your answers ({escape(download.name)}) to your computer' "
        "style='display:inline-block;padding:2px 10px;margin-right:0.6em;border:1px solid #888;"
        f"border-radius:3px;text-decoration:none;color:inherit'>⬇ Save {escape(download.name)}: {count}, prepared just now</a>"
        + saved
    )


__all__ = [
    "RESTORE_CLASS",
    "RESTORE_LABEL",
    "chain_html",
    "chosen_html",
    "download_html",
    "escape",
    "feedback_html",
    "glossary_html",
    "hand_in_html",
    "notice_html",
    "question_html",
    "statement_html",
    "title_html",
]
