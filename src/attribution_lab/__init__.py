"""Attribution Lab: who said this, through whom did it reach me, and how much should I trust it?

The package's rooms, from the bottom up:

* ``core/``: pure rules: the case, the checking engine, feedback wording, the submission format,
  scoring, class statistics, the palette. No widgets, files or clock.
* ``formats/``: the versioned schemas and one decoder per file kind (key, answers file), with every
  size limit in one place.
* ``storage/``: cases on disk, and the answers store (atomic writes, backups).
* ``student/``: the classification panel (model apart from view), worksheets, lessons, the text
  interface and the lessons' charts.
* ``instructor/``: collecting a class's files, grading into CSV, the class report, synthetic classes.
* ``authoring/``: drafting a new case from any article, making exercises from solutions, the
  case-format documentation.
* ``cli/``: the ``attribution-lab`` command line, which only parses and calls the rest.
"""

from __future__ import annotations

from typing import Any

from .core.case import DEFAULT_CASE, FIELDS, Case, Statement
from .core.engine import WEIGHTS, check_statement, score
from .errors import AttributionLabError, CaseError, SubmissionError, UnknownFieldError, UnknownLabelError, UnknownStatementError
from .storage.cases import builtin_cases, load_case
from .student.text import check

__all__ = [
    "DEFAULT_CASE",
    "FIELDS",
    "WEIGHTS",
    "AttributionLabError",
    "Case",
    "CaseError",
    "Panel",
    "Statement",
    "SubmissionError",
    "UnknownFieldError",
    "UnknownLabelError",
    "UnknownStatementError",
    "builtin_cases",
    "check",
    "check_statement",
    "load_case",
    "score",
]


def __getattr__(name: str) -> Any:
    """Import the widget panel only when asked for, so the command line and the grader never
    load ipywidgets.
    """
    if name == "Panel":
        from .student.panel import Panel

        return Panel
    raise AttributeError(f"module 'attribution_lab' has no attribute {name!r}")
