"""Attribution Lab: who said this, through whom did it reach me, and how much should I trust it?"""

from .case import DEFAULT_CASE, FIELDS, Case, Statement, builtin_cases, load_case
from .engine import WEIGHTS, check_statement, score
from .errors import AttributionLabError, CaseError, SubmissionError, UnknownLabelError, UnknownStatementError
from .text import check

__all__ = [
    "Panel",
    "WEIGHTS",
    "check",
    "check_statement",
    "score",
    "DEFAULT_CASE",
    "FIELDS",
    "AttributionLabError",
    "Case",
    "CaseError",
    "Statement",
    "SubmissionError",
    "UnknownLabelError",
    "UnknownStatementError",
    "builtin_cases",
    "load_case",
]


def __getattr__(name: str):
    """Import the widget panel only when asked for, so the command line and the grader never
    load ipywidgets."""
    if name == "Panel":
        from .panel import Panel

        return Panel
    raise AttributeError(f"module 'attribution_lab' has no attribute {name!r}")
