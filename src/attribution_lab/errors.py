"""The module's documented errors. Every one carries a message a teacher can act on."""

from __future__ import annotations

from dataclasses import dataclass


class AttributionLabError(Exception):
    """Base of every error this module raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: which file, which statement, which field, and what."""

    file: str
    statement: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.statement, self.field) if part)
        return f"{where}: {self.message}"


class CaseError(AttributionLabError):
    """A case (article + key) that cannot be loaded. Holds every problem found, one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SubmissionError(AttributionLabError):
    """A submission (a student's answers file) that cannot be read. Holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownStatementError(AttributionLabError, LookupError):
    """A statement id that the case does not have."""


class UnknownLabelError(AttributionLabError, ValueError):
    """An answer that is not one of the case's labels for that field."""


class UnknownFieldError(UnknownLabelError):
    """A field name that is not one of the fields a student answers (origin, believable, ...).

    A kind of :class:`UnknownLabelError`, so code that catches every wrong answer catches this too.
    """
