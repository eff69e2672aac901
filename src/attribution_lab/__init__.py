"""Attribution Lab: who said this, through whom did it reach me, and how much should I trust it?"""

from .case import DEFAULT_CASE, FIELDS, Case, Statement, builtin_cases, load_case
from .errors import AttributionLabError, CaseError, SubmissionError, UnknownLabelError, UnknownStatementError

__all__ = [
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
