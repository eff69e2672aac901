"""What a schema cannot check about a key: quotes against the article, overlaps, labels, references,
the trust questions' facts and rules, and texts that give answers away.

Pure functions from plain data (a key already valid against its schema, and the article) to a list
of :class:`~attribution_lab.errors.Problem`, each naming the file, the statement and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import Problem
from .case import FIELD_VOCABULARY, FIELDS, RULED_FIELDS
from .rules import decide_entry, describe


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
    """What a schema cannot check: quotes against the article, overlaps, labels, references, the
    facts and rules of the trust questions, and texts that give another field's answer away.

    ``data`` must already be valid against the schema.
    """
    problems: list[Problem] = []
    vocab = data["vocabularies"]
    facts = data["facts"]
    evidence_ids = [e["id"] for e in data.get("evidence", [])]
    problems.extend(_fact_definition_problems(facts, file))
    problems.extend(_rule_problems(data["rules"], facts, vocab, file))
    rule_ids = [r["id"] for f in RULED_FIELDS for r in data["rules"][f]]
    for kind, ids in (("rule", rule_ids), ("evidence", evidence_ids)):
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(Problem(file, None, kind, f"id {dup!r} is used more than once"))
    shared = _labels_in_every_answer(data["statements"])

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
        elif not entry.get("draft"):
            for where in _draft_texts(entry):
                report(where, f"still begins with {DRAFT_MARK!r}: write it before removing 'draft: true'")

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

        fact_problems = list(_recorded_fact_problems(entry["facts"], facts))
        for where, message in fact_problems:
            report(where, message)
        for field_name in FIELDS:
            key = entry[field_name]
            vocabulary = vocab[FIELD_VOCABULARY[field_name]]
            for message in _label_problems(field_name, key["answer"], vocabulary):
                report(f"{field_name}.answer", message)
            if field_name == "chain" and key["answer"] == [] and not entry.get("draft"):
                # An empty answer reads as "not answered", so no student could ever get it right.
                report("chain.answer", "is empty, which no student can answer: name at least the outlet that published it")
            for n, alternative in enumerate(key.get("accepted", []), start=1):
                where = f"{field_name}.accepted[{n}]"
                if field_name == "chain" and alternative["answer"] == []:
                    report(where, "is empty, which no student can answer")
                for message in _label_problems(field_name, alternative["answer"], vocabulary):
                    report(where, message)
                if _same_answer(field_name, alternative["answer"], key["answer"]):
                    report(where, "repeats the key's own answer")
            if field_name in RULED_FIELDS and not fact_problems:
                for where, message in _decision_problems(field_name, key, data["rules"][field_name], entry["facts"]):
                    report(where, message)
            elif field_name not in RULED_FIELDS and "rule" in key:
                report(f"{field_name}.rule", "only the trust questions (reported_right, believable) are decided by rules")
        if not entry.get("draft"):  # a draft's texts are the author's notes; they are checked once it is reviewed
            for where, message in _give_away_problems(entry, vocab, shared):
                report(where, message)
        for ref in entry.get("evidence", []):
            if ref not in evidence_ids:
                report("evidence", f"{ref!r} is not in the case's evidence list")

    origin_ids = set(vocab["origin"])
    published = data["case"]["published"]
    for n, estimate in enumerate(data.get("estimates", []), start=1):
        if estimate["given_by"] not in origin_ids:
            problems.append(Problem(file, None, f"estimates[{n}].given_by", f"{estimate['given_by']!r} is not an origin label"))
        if estimate["evidence"] not in evidence_ids:
            problems.append(Problem(file, None, f"estimates[{n}].evidence", f"{estimate['evidence']!r} is not in the case's evidence list"))
        if estimate["date"] > published:  # both YYYY-MM-DD, so text order is date order
            problems.append(
                Problem(
                    file,
                    None,
                    f"estimates[{n}].date",
                    f"{estimate['date']} is after the article appeared ({published}); the lessons compare the article with what was known then",
                )
            )
    for n, figure in enumerate(data.get("article_figures", []), start=1):
        if figure["statement"] not in seen:
            problems.append(Problem(file, figure["statement"], f"article_figures[{n}]", "is not a statement of the case"))
    for number, ids in data.get("lessons", {}).items():
        for sid in ids:
            if sid not in seen:
                problems.append(Problem(file, sid, f"lessons.{number}", "is not a statement of the case"))

    spans.sort()
    for (_, end, first), (start, _, second) in zip(spans, spans[1:]):
        if start < end:
            problems.append(Problem(file, second, "quote", f"overlaps statement {first}; statements must not share text"))
    return problems


#: How drafted texts begin (new-case, migrate-key); a finished entry has none left.
DRAFT_MARK = "DRAFT"


def _draft_texts(entry: Mapping[str, Any]) -> Iterator[str]:
    if entry["takeaway"].startswith(DRAFT_MARK):
        yield "takeaway"
    for field_name in FIELDS:
        for part in ("why", "hint"):
            if entry[field_name][part].startswith(DRAFT_MARK):
                yield f"{field_name}.{part}"


# The trust questions: facts and rules


def _fact_definition_problems(facts: Mapping[str, Any], file: str) -> Iterator[Problem]:
    for fid, fact in facts.items():
        if fact["kind"] == "choice" and not fact.get("choices"):
            yield Problem(file, None, f"facts.{fid}.choices", "a choice needs its list of choices")
        if fact["kind"] != "choice" and "choices" in fact:
            yield Problem(file, None, f"facts.{fid}.choices", f"only a choice has choices; this fact is {fact['kind']}")


def _fits_kind(value: Any, fact: Mapping[str, Any], *, condition: bool) -> bool:
    kind = fact["kind"]
    if kind == "yes_no":
        return isinstance(value, bool)
    if kind == "count":
        if isinstance(value, Mapping):
            return condition
        return isinstance(value, int) and not isinstance(value, bool)
    choices = fact.get("choices", [])
    if isinstance(value, list):
        return condition and all(v in choices for v in value)
    return isinstance(value, str) and value in choices


def _kind_words(fact: Mapping[str, Any]) -> str:
    if fact["kind"] == "yes_no":
        return "true or false"
    if fact["kind"] == "count":
        return "a whole number"
    return "one of " + ", ".join(fact.get("choices", []))


def _rule_problems(rules: Mapping[str, Any], facts: Mapping[str, Any], vocab: Mapping[str, Any], file: str) -> Iterator[Problem]:
    for field_name in RULED_FIELDS:
        labels = vocab[FIELD_VOCABULARY[field_name]]
        for n, rule in enumerate(rules[field_name], start=1):
            where = f"rules.{field_name}[{n}] ({rule['id']})"
            if rule["answer"] not in labels:
                yield Problem(file, None, where, f"answer {rule['answer']!r} is not a label of {field_name} ({', '.join(labels)})")
            for conditions in rule.get("when", []):
                for name, wanted in conditions.items():
                    if name not in facts:
                        yield Problem(file, None, where, f"{name!r} is not one of the case's facts ({', '.join(facts)})")
                    elif not _fits_kind(wanted, facts[name], condition=True):
                        yield Problem(file, None, where, f"{name} must be {_kind_words(facts[name])}, not {wanted!r}")
        if rules[field_name] and rules[field_name][-1].get("when"):
            last = rules[field_name][-1]["id"]
            message = f"the last rule ({last}) must have no conditions, so that every statement gets an answer"
            yield Problem(file, None, f"rules.{field_name}", message)


def _recorded_fact_problems(recorded: Mapping[str, Any], facts: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for name in facts:
        if name not in recorded:
            yield f"facts.{name}", f"is missing: {facts[name]['question']}"
    for name, value in recorded.items():
        if name not in facts:
            yield f"facts.{name}", f"is not one of the case's facts ({', '.join(facts)})"
        elif not _fits_kind(value, facts[name], condition=False):
            yield f"facts.{name}", f"must be {_kind_words(facts[name])}, not {value!r}"


def _decision_problems(field_name: str, key: Mapping[str, Any], rules: Any, recorded: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    by_id = {r["id"]: r for r in rules}
    named = key["rule"]
    if named not in by_id:
        yield f"{field_name}.rule", f"{named!r} is not a rule of {field_name} ({', '.join(by_id)})"
        return
    decided = decide_entry(rules, recorded)
    if decided is None:
        yield f"{field_name}.rule", "no rule applies to the recorded facts"
        return
    if decided["id"] != named:
        why = f" ({' or '.join(describe(c) for c in decided['when'])})" if decided.get("when") else ""
        yield (
            f"{field_name}.rule",
            f"is {named}, but the first rule whose conditions the facts meet is {decided['id']}, {decided['name']}{why}; "
            "correct the facts or the rule",
        )
    elif decided["answer"] != key["answer"]:
        yield f"{field_name}.answer", f"is {key['answer']!r}, but rule {named} gives {decided['answer']!r}"


# Texts that give answers away


def _answer_labels(field_name: str, key: Mapping[str, Any]) -> set[str]:
    """Every label of the key's answer and of the accepted answers to a field."""
    labels: set[str] = set()
    for answer in [key["answer"], *(a["answer"] for a in key.get("accepted", []))]:
        labels.update(answer if isinstance(answer, list) else [answer])
    return labels


def _labels_in_every_answer(statements: Any) -> dict[str, set[str]]:
    """Per field, the labels in every statement's key answer: naming one gives nothing away."""
    shared: dict[str, set[str]] = {}
    for field_name in FIELDS:
        sets = [set(a) if isinstance(a := entry[field_name]["answer"], list) else {a} for entry in statements]
        shared[field_name] = set.intersection(*sets) if sets else set()
    return shared


def _names_label(text: str, label: str, name: str) -> bool:
    """True when ``text`` names a label: its name (any case, whole words), or an id with an
    underscore written as it is (``north_korea``). A one-word id such as ``none`` or ``figure`` is an
    ordinary word in prose, so only its name counts ("No red flag", "Figure or estimate").
    """
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
        return True
    return "_" in label and re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


def _give_away_problems(entry: Mapping[str, Any], vocab: Mapping[str, Any], shared: Mapping[str, set[str]]) -> Iterator[tuple[str, str]]:
    """A why or hint naming another field's answer, or a hint naming its own field's answer."""
    answers = {f: _answer_labels(f, entry[f]) - shared[f] for f in FIELDS}
    for field_name in FIELDS:
        key = entry[field_name]
        texts = [(f"{field_name}.why", key["why"]), (f"{field_name}.hint", key["hint"])]
        texts += [(f"{field_name}.accepted[{n}].why", a["why"]) for n, a in enumerate(key.get("accepted", []), start=1)]
        for where, text in texts:
            if text.startswith(DRAFT_MARK):
                continue  # refused on its own, as a text still to write
            for other in FIELDS:
                if other == field_name and not where.endswith(".hint"):
                    continue
                labels = vocab[FIELD_VOCABULARY[other]]
                for label in sorted(answers[other]):
                    if label in labels and _names_label(text, label, labels[label]["name"]):
                        whose = "its own field's answer" if other == field_name else f"the answer to {other}"
                        yield where, f"names {whose} ({labels[label]['name']!r} / {label}); {_GIVE_AWAY_REASON[other == field_name]}"


_GIVE_AWAY_REASON = {
    False: "a why or hint explains its own field only, so that one lesson does not give away another's answers",
    True: "a hint points at the evidence without naming the answer",
}


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
