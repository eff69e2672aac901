"""The case: an article and its answer key, as plain immutable data.

A case is built from a key that :mod:`attribution_lab.formats.key` has already decoded and
checked, so nothing here parses, reads a file or half-builds: :func:`build_case` turns valid data
into a :class:`Case`. Character offsets are derived here from the quotes and never typed by hand.
Loading a case from a folder is :func:`attribution_lab.storage.cases.load_case`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Union

from ..errors import UnknownFieldError, UnknownStatementError

DEFAULT_CASE = "kursk"

#: The fields a student answers for each statement, in the order lessons introduce them.
FIELDS: tuple[str, ...] = ("origin", "confidence", "claim_type", "chain", "red_flag")
#: Which vocabulary holds the labels for each field.
FIELD_VOCABULARY: Mapping[str, str] = MappingProxyType(
    {
        "origin": "origin",
        "confidence": "confidence",
        "claim_type": "claim_type",
        "chain": "intermediary",
        "red_flag": "red_flag",
    }
)
#: How each field is named for people.
FIELD_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "origin": "Origin",
        "confidence": "Confidence",
        "claim_type": "Claim type",
        "chain": "Chain",
        "red_flag": "Red flag",
    }
)

def require_fields(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` as a tuple, each checked to be a field; raises :class:`UnknownFieldError` naming
    the unknown ones and the fields there are.
    """
    chosen = tuple(names)
    unknown = [name for name in chosen if name not in FIELDS]
    if unknown:
        raise UnknownFieldError(f"{', '.join(map(repr, unknown))} is not a field; the fields are {', '.join(FIELDS)}")
    return chosen


#: A field's answer: one label, or for the chain a tuple of intermediary labels.
Answer = Union[str, tuple[str, ...]]  # noqa: UP007 - an alias evaluated at run time on Python 3.10


@dataclass(frozen=True)
class Label:
    """One choice of a vocabulary, with the words students read."""

    id: str
    name: str
    definition: str


@dataclass(frozen=True)
class Alternative:
    """An answer other than the key's that is defensible, and why."""

    answer: Answer
    why: str


@dataclass(frozen=True)
class Rule:
    """A confidence rule of the case."""

    id: str
    name: str
    text: str


@dataclass(frozen=True)
class Evidence:
    """An outside source behind a fact-check in the key."""

    id: str
    title: str | None
    outlet: str
    date: str | None
    url: str | None
    supports: str


@dataclass(frozen=True)
class Estimate:
    """A dated figure from an outside source (``given_by`` is an origin label)."""

    quantity: str
    value: float
    date: str
    given_by: str
    evidence: str
    note: str | None = None


@dataclass(frozen=True)
class ArticleFigure:
    """A figure the article itself gives, in one of its statements."""

    statement: str
    quantity: str
    value: float


@dataclass(frozen=True)
class Statement:
    """One statement of the article with its key answers. ``start``/``end`` are derived offsets."""

    id: str
    quote: str
    start: int
    end: int
    cue: str | None
    answers: Mapping[str, Answer]
    accepted: Mapping[str, tuple[Alternative, ...]]
    confidence_rule: str
    rationale: str
    uncertain: str | None = None
    evidence: tuple[str, ...] = ()
    draft: bool = False

    def label(self, field: str) -> str:
        """The key's answer to a one-label field (origin, confidence, claim type, red flag)."""
        value = self.answers[field]
        if not isinstance(value, str):
            raise TypeError(f"{field} is answered with a list of labels; use .chain")
        return value

    @property
    def chain(self) -> tuple[str, ...]:
        """The key's chain: the intermediaries between the origin and the reader."""
        value = self.answers["chain"]
        return value if isinstance(value, tuple) else (value,)


@dataclass(frozen=True)
class Case:
    """An article and its answer key, checked and ready to use. Statements are in article order."""

    id: str
    title: str
    key_version: str
    about: str
    article: str
    vocabularies: Mapping[str, Mapping[str, Label]]
    rules: Mapping[str, Rule]
    evidence: Mapping[str, Evidence]
    statements: tuple[Statement, ...]
    estimates: tuple[Estimate, ...] = ()
    article_figures: tuple[ArticleFigure, ...] = ()
    invented: bool = False
    folder: str | None = field(default=None, compare=False)  # where it was loaded from, for messages

    def statement(self, statement_id: str) -> Statement:
        """Return the statement with this id, or raise :class:`UnknownStatementError`."""
        for statement in self.statements:
            if statement.id == statement_id:
                return statement
        raise UnknownStatementError(
            f"case {self.id!r} has no statement {statement_id!r} "
            f"(it has {self.statements[0].id} to {self.statements[-1].id})"
        )

    @property
    def statement_ids(self) -> tuple[str, ...]:
        """The statement ids in article order."""
        return tuple(s.id for s in self.statements)

    def labels(self, answer_field: str) -> Mapping[str, Label]:
        """The labels a student may choose for a field (for the chain: the intermediaries)."""
        return self.vocabularies[FIELD_VOCABULARY[answer_field]]

    def paragraph(self, statement: Statement) -> tuple[int, int]:
        """Start and end offsets of the paragraph (line of the article) holding the statement."""
        start = self.article.rfind("\n", 0, statement.start) + 1
        end = self.article.find("\n", statement.end)
        return start, len(self.article) if end == -1 else end



# --------------------------------------------------------------------------------------------
# Building a Case from valid data (pure)


def _answer(field_name: str, value: Any) -> Answer:
    return tuple(value) if field_name == "chain" else value


def build_case(data: Mapping[str, Any], article: str, folder: str | None = None) -> Case:
    """Turn a key already checked by :func:`attribution_lab.formats.key.key_problems` and its
    article into a :class:`Case`. Pure: invalid data is the decoder's business, not this one's.
    """
    vocabularies = MappingProxyType(
        {
            name: MappingProxyType({lid: Label(lid, d["name"], d["definition"]) for lid, d in labels.items()})
            for name, labels in data["vocabularies"].items()
        }
    )
    statements = []
    for entry in data["statements"]:
        start = article.index(entry["quote"])
        accepted = {
            f: tuple(Alternative(_answer(f, a["answer"]), a["why"]) for a in entry.get("accepted", {}).get(f, []))
            for f in FIELDS
        }
        statements.append(
            Statement(
                id=entry["id"],
                quote=entry["quote"],
                start=start,
                end=start + len(entry["quote"]),
                cue=entry["cue"],
                answers=MappingProxyType({f: _answer(f, entry[f]) for f in FIELDS}),
                accepted=MappingProxyType(accepted),
                confidence_rule=entry["confidence_rule"],
                rationale=entry["rationale"],
                uncertain=entry.get("uncertain"),
                evidence=tuple(entry.get("evidence", [])),
                draft=bool(entry.get("draft", False)),
            )
        )
    statements.sort(key=lambda s: s.start)
    meta = data["case"]
    return Case(
        id=meta["id"],
        title=meta["title"],
        key_version=meta["key_version"],
        about=meta["about"],
        article=article,
        vocabularies=vocabularies,
        rules=MappingProxyType({r["id"]: Rule(r["id"], r["name"], r["text"]) for r in data["confidence_rules"]}),
        evidence=MappingProxyType(
            {e["id"]: Evidence(e["id"], e["title"], e["outlet"], e["date"], e["url"], e["supports"]) for e in data.get("evidence", [])}
        ),
        statements=tuple(statements),
        estimates=tuple(
            Estimate(e["quantity"], e["value"], e["date"], e["given_by"], e["evidence"], e.get("note"))
            for e in sorted(data.get("estimates", []), key=lambda e: e["date"])
        ),
        article_figures=tuple(ArticleFigure(f["statement"], f["quantity"], f["value"]) for f in data.get("article_figures", [])),
        invented=bool(meta.get("invented", False)),
        folder=folder,
    )




def uncovered_text(case: Case) -> list[str]:
    """Stretches of the article with letters or digits that no statement covers."""
    covered = [False] * len(case.article)
    for statement in case.statements:
        covered[statement.start : statement.end] = [True] * (statement.end - statement.start)
    gaps: list[str] = []
    current: list[str] = []
    for char, is_covered in zip(case.article, covered):
        if is_covered:
            if current:
                gaps.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        gaps.append("".join(current))
    return [gap.strip() for gap in gaps if any(c.isalnum() for c in gap)]
