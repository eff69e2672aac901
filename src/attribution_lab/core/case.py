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
#: "Reported right?" and "Believable?" are the two trust questions: as the Admiralty grading keeps
#: the grade of the source apart from the grade of the information, one asks whether it is reported
#: right that this source said this, the other how far the content can be believed.
FIELDS: tuple[str, ...] = ("origin", "reported_right", "believable", "claim_type", "chain", "red_flag")
#: The fields whose answer follows from the statement's recorded facts by the case's ordered rules.
RULED_FIELDS: tuple[str, ...] = ("reported_right", "believable")
#: Which vocabulary holds the labels for each field.
FIELD_VOCABULARY: Mapping[str, str] = MappingProxyType(
    {
        "origin": "origin",
        "reported_right": "reported_right",
        "believable": "believable",
        "claim_type": "claim_type",
        "chain": "intermediary",
        "red_flag": "red_flag",
    }
)
#: How each field is named for people.
FIELD_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "origin": "Origin",
        "reported_right": "Reported right?",
        "believable": "Believable?",
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
    """One choice of a vocabulary, with the words students read. ``on_scale`` is False for a label
    that is not a point on its vocabulary's scale (such as "not a factual claim").
    """

    id: str
    name: str
    definition: str
    on_scale: bool = True


@dataclass(frozen=True)
class Alternative:
    """An answer other than the key's that is defensible, and why."""

    answer: Answer
    why: str


#: A fact's recorded value: yes/no, a count, or one of its choices.
FactValue = Union[bool, int, str]  # noqa: UP007 - an alias evaluated at run time on Python 3.10


@dataclass(frozen=True)
class Fact:
    """A fact the rules read, recorded on every statement: ``kind`` is yes_no, count or choice."""

    id: str
    question: str
    kind: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One rule of a trust question: it gives ``answer`` when any one of its condition sets holds
    (:func:`attribution_lab.core.rules.decide`). A rule with no conditions always applies.
    """

    id: str
    field: str
    name: str
    text: str
    answer: str
    when: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class FieldKey:
    """The key for one field of one statement: the answer, the other answers accepted, why the
    answer is right (about this field only), a hint for a wrong try that does not name the answer,
    and for a trust question the rule that decides it.
    """

    answer: Answer
    why: str
    hint: str
    accepted: tuple[Alternative, ...] = ()
    rule: str | None = None


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
    key: Mapping[str, FieldKey]
    facts: Mapping[str, FactValue]
    takeaway: str
    uncertain: str | None = None
    evidence: tuple[str, ...] = ()
    draft: bool = False
    #: Derived from ``key`` when the statement is built: each field's answer and accepted answers.
    answers: Mapping[str, Answer] = field(init=False, repr=False, compare=False)
    accepted: Mapping[str, tuple[Alternative, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen, so set once here: the engine and the grader read these on every answer.
        object.__setattr__(self, "answers", MappingProxyType({f: k.answer for f, k in self.key.items()}))
        object.__setattr__(self, "accepted", MappingProxyType({f: k.accepted for f, k in self.key.items()}))

    def why(self, field_name: str) -> str:
        """Why the key's answer to this field is right, about this field only."""
        return self.key[field_name].why

    def hint(self, field_name: str) -> str:
        """What to look at for this field after a wrong try; it does not name the answer."""
        return self.key[field_name].hint

    def label(self, field: str) -> str:
        """The key's answer to a one-label field (every field but the chain)."""
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
    published: str
    article: str
    vocabularies: Mapping[str, Mapping[str, Label]]
    facts: Mapping[str, Fact]
    rules: Mapping[str, tuple[Rule, ...]]  # per trust question, in the order they are applied
    evidence: Mapping[str, Evidence]
    statements: tuple[Statement, ...]
    before_the_rules: tuple[str, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    article_figures: tuple[ArticleFigure, ...] = ()
    lessons: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
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

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id, of either trust question."""
        for rules in self.rules.values():
            for rule in rules:
                if rule.id == rule_id:
                    return rule
        raise KeyError(f"case {self.id!r} has no rule {rule_id!r}")

    def deciding_rule(self, statement: Statement, answer_field: str) -> Rule | None:
        """The rule the key names for a trust question of a statement (None for other fields)."""
        rule_id = statement.key[answer_field].rule
        return self.rule(rule_id) if rule_id else None

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


def _field_key(field_name: str, entry: Mapping[str, Any]) -> FieldKey:
    return FieldKey(
        answer=_answer(field_name, entry["answer"]),
        why=entry["why"],
        hint=entry["hint"],
        accepted=tuple(Alternative(_answer(field_name, a["answer"]), a["why"]) for a in entry.get("accepted", [])),
        rule=entry.get("rule"),
    )


def build_case(data: Mapping[str, Any], article: str, folder: str | None = None) -> Case:
    """Turn a key already checked by :func:`attribution_lab.formats.key.key_problems` and its
    article into a :class:`Case`. Pure: invalid data is the decoder's business, not this one's.
    """
    vocabularies = MappingProxyType(
        {
            name: MappingProxyType(
                {lid: Label(lid, d["name"], d["definition"], d.get("on_scale", True)) for lid, d in labels.items()}
            )
            for name, labels in data["vocabularies"].items()
        }
    )
    statements = []
    for entry in data["statements"]:
        start = article.index(entry["quote"])
        statements.append(
            Statement(
                id=entry["id"],
                quote=entry["quote"],
                start=start,
                end=start + len(entry["quote"]),
                cue=entry["cue"],
                key=MappingProxyType({f: _field_key(f, entry[f]) for f in FIELDS}),
                facts=MappingProxyType(dict(entry["facts"])),
                takeaway=entry["takeaway"],
                uncertain=entry.get("uncertain"),
                evidence=tuple(entry.get("evidence", [])),
                draft=bool(entry.get("draft", False)),
            )
        )
    statements.sort(key=lambda s: s.start)
    meta = data["case"]
    rules = MappingProxyType(
        {
            f: tuple(
                Rule(r["id"], f, r["name"], r["text"], r["answer"], tuple(MappingProxyType(c) for c in r.get("when", [])))
                for r in data["rules"][f]
            )
            for f in RULED_FIELDS
        }
    )
    return Case(
        id=meta["id"],
        title=meta["title"],
        key_version=meta["key_version"],
        about=meta["about"],
        published=meta["published"],
        article=article,
        vocabularies=vocabularies,
        facts=MappingProxyType(
            {fid: Fact(fid, d["question"], d["kind"], tuple(d.get("choices", []))) for fid, d in data["facts"].items()}
        ),
        rules=rules,
        evidence=MappingProxyType(
            {e["id"]: Evidence(e["id"], e["title"], e["outlet"], e["date"], e["url"], e["supports"]) for e in data.get("evidence", [])}
        ),
        statements=tuple(statements),
        before_the_rules=tuple(data.get("before_the_rules", [])),
        estimates=tuple(
            Estimate(e["quantity"], e["value"], e["date"], e["given_by"], e["evidence"], e.get("note"))
            for e in sorted(data.get("estimates", []), key=lambda e: e["date"])
        ),
        article_figures=tuple(ArticleFigure(f["statement"], f["quantity"], f["value"]) for f in data.get("article_figures", [])),
        lessons=MappingProxyType({n: tuple(ids) for n, ids in data.get("lessons", {}).items()}),
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
