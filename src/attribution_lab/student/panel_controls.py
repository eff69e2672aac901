"""The panel's widgets by what they are for, and the two small builders the panel makes them with.

Kept apart from :mod:`attribution_lab.student.panel` (which wires them to the model) so that the
list of controls tests and the browser harness rely on is in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as widgets

from ..core.case import Label
from .panel_html import escape, glossary_html


class PanelControls:
    """The panel's widgets by what they are for. Tests set their values and click them as a student
    would; the panel reads them only in its handlers.
    """

    title: widgets.HTML
    notice: widgets.HTML  # problems with the answers file, at the top
    save_notice: widgets.HTML  # while saving fails (and once when it works again), at the top
    file_notice: widgets.HTML  # what Restore and Start over did, next to their buttons
    previous: widgets.Button
    next: widgets.Button
    next_unanswered: widgets.Button
    jump: widgets.Dropdown
    progress: widgets.HTML
    statement: widgets.HTML
    fields: dict[str, widgets.Widget]  # one choice control per field asked
    chain_boxes: dict[str, list[widgets.Checkbox]]  # the chain's check boxes, in vocabulary order
    chosen: dict[str, widgets.HTML]  # the definition of what was chosen, per field
    check: widgets.Button
    reveal: widgets.Button  # "Show the answer"
    feedback: widgets.HTML
    student_name: widgets.Text
    student_id: widgets.Text
    download_button: widgets.Button  # prepares the copy to save ...
    download: widgets.HTML  # ... and this shows the link to it
    upload: widgets.FileUpload
    restore: widgets.VBox  # Restore's question: Merge, Replace everything or Cancel
    restore_text: widgets.HTML
    restore_merge: widgets.Button
    restore_replace: widgets.Button
    restore_cancel: widgets.Button
    start_over: widgets.Button
    confirm: widgets.VBox
    confirm_text: widgets.HTML
    confirm_yes: widgets.Button
    confirm_no: widgets.Button


def button(description: str, tooltip: str, on_click: Callable[[], object], **options: Any) -> widgets.Button:
    """A button labelled ``description`` (what screen readers read) that calls ``on_click``.

    ``options`` are Button options (``icon``, ``button_style``) or layout settings (``min_width``, ...).
    """
    style = {k: options.pop(k) for k in ("icon", "button_style") if k in options}
    made = widgets.Button(description=description, tooltip=tooltip, layout=widgets.Layout(width="auto", **options), **style)
    made.on_click(lambda _: on_click())
    return made


def field_column(
    name: str, title: str, labels: Iterable[Label], on_change: Callable[[], object]
) -> tuple[widgets.VBox, widgets.Widget, list[widgets.Checkbox], widgets.HTML]:
    """One field's column: its heading, its choice control (radio buttons, or a check box a link for
    the chain), the chosen label's definition and the folded glossary. Returns the column, the
    control, the chain's check boxes (empty for other fields) and the definition's HTML widget.
    """
    labels = list(labels)
    heading = widgets.HTML(f"<b>{escape(title)}</b>" + (" <span>(tick every link)</span>" if name == "chain" else ""))
    boxes: list[widgets.Checkbox] = []
    if name == "chain":
        boxes = [
            widgets.Checkbox(value=False, description=label.name, tooltip=label.definition, indent=False,
                             layout=widgets.Layout(width="auto", height="auto", margin="0"))
            for label in labels
        ]
        for box in boxes:
            box.observe(lambda _change: on_change(), names="value")
        control: widgets.Widget = widgets.VBox(boxes)
    else:
        control = widgets.RadioButtons(options=[(label.name, label.id) for label in labels], value=None, description="",
                                       tooltip=f"{title}: choose one", layout=widgets.Layout(width="auto"))
        control.observe(lambda _change: on_change(), names="value")
    chosen = widgets.HTML("")
    glossary = widgets.HTML(glossary_html(title, labels))
    # A column grows to use a wide screen and wraps under its neighbour on a narrow one.
    column = widgets.VBox([heading, control, chosen, glossary],
                          layout=widgets.Layout(flex="1 1 20em", min_width="16em", max_width="32em",
                                                margin="0 1.5em 0.8em 0", border="none"))
    return column, control, boxes, chosen


def question_box(text: widgets.HTML, *buttons: widgets.Button) -> widgets.VBox:
    """A question with its answer buttons, hidden until it is asked."""
    return widgets.VBox([text, widgets.HBox(list(buttons))], layout=widgets.Layout(display="none"))


__all__ = ["PanelControls", "button", "field_column", "question_box"]
