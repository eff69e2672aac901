"""Attribution Lab: who said this, through whom did it reach me, and how much should I trust it?"""

from .case import DEFAULT_CASE, FIELDS, Case, Statement, builtin_cases, load_case
from .engine import WEIGHTS, check_statement, score
from .errors import AttributionLabError, CaseError, SubmissionError, UnknownLabelError, UnknownStatementError
from .text import check

__all__ = [
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
