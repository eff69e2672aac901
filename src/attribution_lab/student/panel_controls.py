"""The panel's widgets by what they are for, and the two small builders the panel makes them with.

Kept apart from :mod:`attribution_lab.student.panel` (which wires them to the model) so that the
list of controls tests and the browser harness rely on is in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets


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


def question_box(text: widgets.HTML, *buttons: widgets.Button) -> widgets.VBox:
    """A question with its answer buttons, hidden until it is asked."""
    return widgets.VBox([text, widgets.HBox(list(buttons))], layout=widgets.Layout(display="none"))


__all__ = ["PanelControls", "button", "question_box"]
