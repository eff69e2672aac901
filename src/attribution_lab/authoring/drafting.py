"""Draft entries of a key in schema 2, shared by ``new-case`` and ``migrate-key``.

A draft is a starting point for an author, never a finished key: every drafted statement is marked
``draft: true``, and a key with drafts does not validate. What is drafted here:

* the facts the trust questions' rules read, from what is known (a cue, the origin's class, in a
  migration the old confidence and red flag), with the rest at their most cautious value;
* the two trust answers, decided by the ``like`` case's rules from those facts, so a draft never
  contradicts its own rules;
* per field a why that says it is a draft, and a hint from the field's general hint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.case import FIELD_NAMES, RULED_FIELDS, Answer
from ..core.feedback import HINTS
from ..core.rules import decide_entry
from ..core.validation import DRAFT_MARK

#: What a statement of each claim type asserts, as a first guess for the fact ``content_kind``.
CONTENT_KIND_OF_CLAIM = {"figure": "estimate", "judgement": "forecast"}


def content_kind(claim_type: str) -> str:
    """A first guess at what a statement asserts, from its claim type: a figure is an estimate, a
    judgement a forecast, anything else a fact (rhetoric is for the author to say).
    """
    return CONTENT_KIND_OF_CLAIM.get(claim_type, "fact")


def cautious_value(fact: Mapping[str, Any]) -> bool | int | str:
    """The value a fact takes when nothing is known: no, none, or the first choice."""
    if fact["kind"] == "yes_no":
        return False
    if fact["kind"] == "count":
        return 0
    return str(fact["choices"][0])


def draft_facts(facts: Mapping[str, Any], known: Mapping[str, Any]) -> dict[str, Any]:
    """Every fact of the case: ``known`` values where the case has that fact, else the cautious one."""
    return {name: known[name] if name in known else cautious_value(fact) for name, fact in facts.items()}


def draft_field(field: str, answer: Answer, answer_name: str) -> dict[str, Any]:
    """A field's draft key: the answer, a why saying what to write, and the field's general hint."""
    return {
        "answer": list(answer) if isinstance(answer, tuple) else answer,
        "why": f"{DRAFT_MARK}: say why {answer_name} is right for {FIELD_NAMES[field]}, about this field only.",
        "hint": HINTS[field],
    }


def draft_trust_fields(like: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The two trust questions' draft keys, each decided by the ``like`` key's rules from ``facts``."""
    fields = {}
    for field in RULED_FIELDS:
        rule = decide_entry(like["rules"][field], facts)
        if rule is None:  # a valid key's last rule has no conditions, so this means ``like`` is broken
            raise ValueError(f"no rule of {field} applies to the drafted facts")
        name = like["vocabularies"][field][rule["answer"]]["name"]
        fields[field] = {**draft_field(field, rule["answer"], name), "rule": rule["id"]}
    return fields


def trust_parts(like: Mapping[str, Any]) -> dict[str, Any]:
    """What a new or migrated key copies from ``like`` for the trust questions: their two
    vocabularies, the facts, the reading notes and the ordered rules.
    """
    parts: dict[str, Any] = {
        "vocabularies": {field: like["vocabularies"][field] for field in RULED_FIELDS},
        "facts": like["facts"],
        "rules": like["rules"],
    }
    if like.get("before_the_rules"):
        parts["before_the_rules"] = like["before_the_rules"]
    return parts


__all__ = ["CONTENT_KIND_OF_CLAIM", "cautious_value", "content_kind", "draft_facts", "draft_field", "draft_trust_fields", "trust_parts"]
