"""The trust questions' rules: which rule decides a statement, from the facts recorded on it.

A rule gives its answer when any one of its condition sets holds; a set holds when every fact in
it has the value asked for. Rules are applied in order and the first that holds decides, so the
answer to "Reported right?" and "Believable?" is never a matter of taste once the facts are
recorded. Pure functions on plain values, used by the key's validator, by authoring (new-case,
migrate-key) and by tests alike.

A condition's value is ``true``/``false`` (a yes/no fact), a whole number (a count, exactly), a
choice, a list of choices (any of them), or ``{at_least: n}`` / ``{at_most: n}`` (a count).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol


class RuleLike(Protocol):
    """What :func:`decide` needs of a rule: an id and its condition sets (empty: always applies)."""

    @property
    def id(self) -> str:
        """The rule's id (A1, B3, ...)."""
        ...

    @property
    def when(self) -> Sequence[Mapping[str, Any]]:
        """The rule's condition sets; empty when it always applies."""
        ...


def value_matches(wanted: Any, value: Any) -> bool:
    """True when a recorded fact ``value`` meets one condition ``wanted``.

    ``True`` never counts as the number 1 here, nor 1 as ``True``: a yes/no fact and a count are
    different kinds even where Python would call them equal.
    """
    if isinstance(wanted, bool) or isinstance(value, bool):
        return isinstance(wanted, bool) and isinstance(value, bool) and wanted is value
    if isinstance(wanted, Mapping):
        if not isinstance(value, int):
            return False
        if "at_least" in wanted and value < wanted["at_least"]:
            return False
        return not ("at_most" in wanted and value > wanted["at_most"])
    if isinstance(wanted, (list, tuple)):
        return value in wanted
    return bool(type(wanted) is type(value) and wanted == value)


def holds(conditions: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """True when every fact named in ``conditions`` is recorded and has the value asked for."""
    return all(name in facts and value_matches(wanted, facts[name]) for name, wanted in conditions.items())


def applies(when: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]) -> bool:
    """True when a rule with these condition sets applies: it has none, or one of them holds."""
    return not when or any(holds(conditions, facts) for conditions in when)


def decide(rules: Iterable[RuleLike], facts: Mapping[str, Any]) -> RuleLike | None:
    """The first rule, in order, that applies to the facts; None when none does."""
    for rule in rules:
        if applies(rule.when, facts):
            return rule
    return None


def decide_entry(rules: Iterable[Mapping[str, Any]], facts: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """:func:`decide` for rules still written as a key's plain data (``id``, ``when``, ...)."""
    for rule in rules:
        if applies(rule.get("when", ()), facts):
            return rule
    return None


def describe(conditions: Mapping[str, Any]) -> str:
    """A condition set in words, for messages: ``credits_source is false and outside_reports is at least 2``."""
    parts = []
    for name, wanted in conditions.items():
        if isinstance(wanted, bool):
            parts.append(f"{name} is {'true' if wanted else 'false'}")
        elif isinstance(wanted, Mapping):
            bounds = [f"at least {wanted['at_least']}" if "at_least" in wanted else "", f"at most {wanted['at_most']}" if "at_most" in wanted else ""]
            parts.append(f"{name} is {' and '.join(b for b in bounds if b)}")
        elif isinstance(wanted, (list, tuple)):
            parts.append(f"{name} is one of {', '.join(map(str, wanted))}")
        else:
            parts.append(f"{name} is {wanted}")
    return " and ".join(parts)


__all__ = ["RuleLike", "applies", "decide", "decide_entry", "describe", "holds", "value_matches"]
