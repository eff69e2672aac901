"""What a schema cannot check about a key: quotes against the article, overlaps, labels, references.

Pure functions from plain data (a key already valid against its schema, and the article) to a list
of :class:`~attribution_lab.errors.Problem`, each naming the file, the statement and the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import Problem
from .case import FIELD_VOCABULARY, FIELDS


def occurrences(quote: str, article: str) -> list[int]:
    """Every offset where the quote occurs in the article, overlapping occurrences included (in
    "a a a", "a a" occurs at 0 and 2). The loader and the case drafter both count with this.
    """
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
