"""Load and validate a case: an article plus its answer key.

A case is a folder holding the article (UTF-8 text) and ``key.yaml``. The key follows a versioned
JSON Schema shipped in this package; :func:`load_case` enforces it on every load, then checks what a
schema cannot (each quote occurs exactly once in the article, statements do not overlap, every label
is defined). All problems are collected and raised together, one line each; nothing half-loads.
Character offsets are derived here from the quotes and never typed by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Union

import jsonschema
import yaml

from .errors import CaseError, Problem, UnknownStatementError

SCHEMA_VERSION = 1
KEY_FILE = "key.yaml"
DEFAULT_CASE = "kursk"
#: Files larger than this are refused before parsing: a key or article is a few dozen kilobytes.
MAX_FILE_BYTES = 2_000_000

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

#: A field's answer: one label, or for the chain a tuple of intermediary labels.
Answer = Union[str, tuple[str, ...]]


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
    folder: Path | None = field(default=None, compare=False)

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
# Schema and YAML


@lru_cache(maxsize=None)
def case_schema() -> dict[str, Any]:
    """The JSON Schema of a key, version :data:`SCHEMA_VERSION`, as shipped in the package."""
    text = resources.files("attribution_lab").joinpath("schemas/case-v1.schema.json").read_text("utf-8")
    return json.loads(text)


class _KeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader without implicit dates and without aliases.

    A date stays the string it was typed as, so the schema sees exactly what the author wrote.
    Aliases are refused because a key never needs them and a few nested ones expand to millions of
    nodes ("billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a key", event.start_mark)
        return super().compose_node(parent, index)


_KeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML safely (no object construction). Raises :class:`CaseError` naming the line."""
    try:
        return yaml.load(text, Loader=_KeyLoader)  # noqa: S506 - _KeyLoader is a SafeLoader
    except RecursionError:
        raise CaseError([Problem(file, None, None, "is nested too deeply to be a key")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise CaseError([Problem(file, None, None, f"not valid YAML: {where}{problem}")]) from None


# --------------------------------------------------------------------------------------------
# Validation: pure functions from plain data to a list of problems


def _schema_problems(data: Any, file: str) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(file, None, None, "the key must be a mapping with schema_version, case, vocabularies, ...")]
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        return [
            Problem(
                file,
                None,
                "schema_version",
                f"is {version!r}; this version of Attribution Lab reads schema_version {SCHEMA_VERSION}",
            )
        ]
    validator = jsonschema.Draft202012Validator(case_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(_problem_from_schema_error(error, data, file))
    return problems


def _problem_from_schema_error(error: jsonschema.ValidationError, data: dict, file: str) -> Problem:
    path = list(error.absolute_path)
    statement = None
    where = path
    if len(path) >= 2 and path[0] == "statements" and isinstance(path[1], int):
        entry = data["statements"][path[1]]
        sid = entry.get("id") if isinstance(entry, dict) else None
        statement = sid if isinstance(sid, str) else f"statement #{path[1] + 1}"
        where = path[2:]
    message = error.message
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", message)
        if missing:
            where = [*where, missing.group(1)]
            message = "is missing"
    elif error.validator == "additionalProperties":
        message = message.replace("Additional properties are not allowed", "unknown field(s)")
    elif error.validator == "oneOf":
        message = f"{error.instance!r} is not a valid value here"
    field_name = ".".join(str(p) for p in where) or None
    return Problem(file, statement, field_name, message)


def occurrences(quote: str, article: str) -> list[int]:
    """Every offset where the quote occurs in the article, overlapping occurrences included (in
    "a a a", "a a" occurs at 0 and 2). The loader and the case drafter both count with this."""
    found, start = [], article.find(quote)
    while start != -1:
        found.append(start)
        start = article.find(quote, start + 1)
    return found


def _near_miss(quote: str, article: str) -> str:
    """Say how far a missing quote does match, so an author can find what changed."""
    lo, hi = 0, len(quote)
    while lo < hi:  # longest prefix of the quote that still occurs
        mid = (lo + hi + 1) // 2
        if quote[:mid] in article:
            lo = mid
        else:
            hi = mid - 1
    if lo < 8:
        return "not found in the article"
    return f"not found in the article; it matches up to {quote[:lo][-30:]!r} and differs after that"


def semantic_problems(data: Mapping[str, Any], article: str, file: str, *, allow_drafts: bool = False) -> list[Problem]:
    """What a schema cannot check: quotes against the article, overlaps, labels, references.

    ``data`` must already be valid against the schema.
    """
    problems: list[Problem] = []
    vocab = data["vocabularies"]
    rule_ids = [r["id"] for r in data["confidence_rules"]]
    evidence_ids = [e["id"] for e in data.get("evidence", [])]
    for kind, ids in (("confidence rule", rule_ids), ("evidence", evidence_ids)):
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(Problem(file, None, kind, f"id {dup!r} is used more than once"))

    seen: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    for entry in data["statements"]:
        sid = entry["id"]

        def report(field_name: str, message: str, sid: str = sid) -> None:
            problems.append(Problem(file, sid, field_name, message))

        if sid in seen:
            report("id", "is used by another statement too; ids must be unique")
        seen.add(sid)
        if entry.get("draft") and not allow_drafts:
            report("draft", "is still a draft: review the entry, then remove 'draft: true'")

        quote = entry["quote"]
        places = occurrences(quote, article)
        if not places:
            report("quote", _near_miss(quote, article))
        elif len(places) > 1:
            report("quote", f"occurs {len(places)} times in the article; lengthen it so that it occurs once")
        else:
            spans.append((places[0], places[0] + len(quote), sid))
        cue = entry.get("cue")
        if cue is not None and cue.casefold() not in quote.casefold():
            report("cue", f"{cue!r} is not part of the quote")

        for field_name in FIELDS:
            vocabulary = vocab[FIELD_VOCABULARY[field_name]]
            problems.extend(
                Problem(file, sid, field_name, message)
                for message in _label_problems(field_name, entry[field_name], vocabulary)
            )
            for n, alternative in enumerate(entry.get("accepted", {}).get(field_name, []), start=1):
                where = f"accepted.{field_name}[{n}]"
                answer = alternative["answer"]
                for message in _label_problems(field_name, answer, vocabulary):
                    report(where, message)
                if _same_answer(field_name, answer, entry[field_name]):
                    report(where, "repeats the key's own answer")
        if entry["confidence_rule"] not in rule_ids:
            report("confidence_rule", f"{entry['confidence_rule']!r} is not one of the case's rules ({', '.join(rule_ids)})")
        for ref in entry.get("evidence", []):
            if ref not in evidence_ids:
                report("evidence", f"{ref!r} is not in the case's evidence list")

    origin_ids = set(vocab["origin"])
    for n, estimate in enumerate(data.get("estimates", []), start=1):
        if estimate["given_by"] not in origin_ids:
            problems.append(Problem(file, None, f"estimates[{n}].given_by", f"{estimate['given_by']!r} is not an origin label"))
        if estimate["evidence"] not in evidence_ids:
            problems.append(Problem(file, None, f"estimates[{n}].evidence", f"{estimate['evidence']!r} is not in the case's evidence list"))
    for n, figure in enumerate(data.get("article_figures", []), start=1):
        if figure["statement"] not in seen:
            problems.append(Problem(file, figure["statement"], f"article_figures[{n}]", "is not a statement of the case"))

    spans.sort()
    for (_, end, first), (start, _, second) in zip(spans, spans[1:]):
        if start < end:
            problems.append(Problem(file, second, "quote", f"overlaps statement {first}; statements must not share text"))
    return problems


def _label_problems(field_name: str, answer: Any, vocabulary: Mapping[str, Any]) -> Iterator[str]:
    if field_name == "chain":
        if not isinstance(answer, list):
            yield f"{answer!r} must be a list of intermediaries"
            return
        for label in answer:
            if label not in vocabulary:
                yield f"{label!r} is not an intermediary of the case ({', '.join(vocabulary)})"
        if len(set(answer)) != len(answer):
            yield "names an intermediary twice"
    elif not isinstance(answer, str) or answer not in vocabulary:
        yield f"{answer!r} is not a label of the case's {FIELD_VOCABULARY[field_name]} vocabulary ({', '.join(vocabulary)})"


def _same_answer(field_name: str, a: Any, b: Any) -> bool:
    if field_name == "chain" and isinstance(a, list) and isinstance(b, list):
        return set(a) == set(b)
    return a == b


def validate_key(data: Any, article: str, file: str = KEY_FILE, *, allow_drafts: bool = False) -> list[Problem]:
    """Every problem of a parsed key against the schema and the article; empty when valid."""
    problems = _schema_problems(data, file)
    if problems:
        return problems  # the semantic checks rely on the structure the schema guarantees
    return semantic_problems(data, article, file, allow_drafts=allow_drafts)


# --------------------------------------------------------------------------------------------
# Building a Case from valid data (pure)


def _answer(field_name: str, value: Any) -> Answer:
    return tuple(value) if field_name == "chain" else value


def build_case(
    data: Any, article: str, folder: Path | None = None, *, file: str = KEY_FILE, allow_drafts: bool = False
) -> Case:
    """Turn a parsed key and its article into a :class:`Case`, or raise :class:`CaseError`."""
    problems = validate_key(data, article, file, allow_drafts=allow_drafts)
    if problems:
        raise CaseError(problems)
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


# --------------------------------------------------------------------------------------------
# Files (the thin shell)


def builtin_cases() -> list[str]:
    """Ids of the cases shipped with the module."""
    root = resources.files("attribution_lab").joinpath("cases")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.joinpath(KEY_FILE).is_file())


def case_folder(case: str | Path = DEFAULT_CASE) -> Path:
    """Resolve a case id (shipped with the module) or a path to a case folder."""
    path = Path(case)
    if path.is_dir():
        return path
    if path.is_file() and path.name == KEY_FILE:
        return path.parent
    if isinstance(case, str) and re.fullmatch(r"[a-z][a-z0-9_]*", case):
        builtin = Path(str(resources.files("attribution_lab").joinpath("cases", case)))
        if builtin.joinpath(KEY_FILE).is_file():
            return builtin
    raise CaseError(
        [Problem(str(case), None, None, f"no such case folder, and no built-in case of that name ({', '.join(builtin_cases())})")]
    )


def _read_text(path: Path, label: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaseError([Problem(label, None, None, f"is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseError([Problem(label, None, None, "does not exist")]) from None
    except OSError as error:
        raise CaseError([Problem(label, None, None, f"cannot be read: {error.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaseError([Problem(label, None, None, f"is not UTF-8 text (byte {error.start})")]) from None


def read_case_files(case: str | Path = DEFAULT_CASE) -> tuple[Any, str, Path]:
    """Read and parse a case folder's key and article, without validating the key."""
    folder = case_folder(case)
    key_label = str(folder / KEY_FILE)
    data = parse_yaml(_read_text(folder / KEY_FILE, key_label), key_label)
    article_name = data.get("case", {}).get("article") if isinstance(data, dict) else None
    if not isinstance(article_name, str) or "/" in article_name or "\\" in article_name:
        # The schema reports the missing or bad file name; check against an empty article meanwhile.
        return data, "", folder
    return data, _read_text(folder / article_name, str(folder / article_name)), folder


def case_problems(case: str | Path = DEFAULT_CASE, *, allow_drafts: bool = False) -> list[Problem]:
    """Every problem of a case folder, each naming the file, the statement and the field."""
    try:
        data, article, folder = read_case_files(case)
    except CaseError as error:
        return error.problems
    return validate_key(data, article, str(folder / KEY_FILE), allow_drafts=allow_drafts)


def load_case(case: str | Path = DEFAULT_CASE, *, allow_drafts: bool = False) -> Case:
    """Load a case by id or folder, enforcing the schema. Raises :class:`CaseError` listing every problem."""
    data, article, folder = read_case_files(case)
    return build_case(data, article, folder, file=str(folder / KEY_FILE), allow_drafts=allow_drafts)


def uncovered_text(case: Case) -> list[str]:
    """Stretches of the article with letters or digits that no statement covers."""
    covered = [False] * len(case.article)
    for statement in case.statements:
        covered[statement.start : statement.end] = [True] * (statement.end - statement.start)
    gaps, current = [], []
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
