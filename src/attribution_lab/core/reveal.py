"""When feedback may tell: the learning loop's reveal rule, as pure functions.

Feedback teaches before it tells. For each field of a statement:

* a try that is not right shows the statement's hint for that field, never its answer or its why;
* the field's **why** (and, for a trust question, the rule that decides it) appears once the field
  is right, or after :data:`TRIES_BEFORE_WHY` tries that were not right, or when the student asks
  to see the answer (recorded as revealed, and never counted as right first time);
* the key's **answer** is named only after those tries or on request;
* nothing is shown about a field the lesson does not ask;
* a statement's **takeaway** appears only once every field the module asks of it is answered (or
  shown), in whichever lessons ask them.

The panel, the worksheets and the text interface all decide with these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .submission import CURRENT, MISSED, REVEALED

#: Tries that are not right before a field's why and answer are shown without asking.
TRIES_BEFORE_WHY = 2


def missed_tries(entry: Mapping[str, Any] | None, field: str) -> int:
    """How many checks of a statement's entry found this field not yet right."""
    value = (entry or {}).get(MISSED, {}).get(field, 0)
    return value if isinstance(value, int) else 0


def was_revealed(entry: Mapping[str, Any] | None, field: str) -> bool:
    """True when the student asked to see the key's answer to this field."""
    return field in (entry or {}).get(REVEALED, [])


def answer_may_show(entry: Mapping[str, Any] | None, field: str) -> bool:
    """True when the key's answer to a field may be named: after the tries, or on request."""
    return was_revealed(entry, field) or missed_tries(entry, field) >= TRIES_BEFORE_WHY


def takeaway_may_show(entry: Mapping[str, Any] | None, asked: Iterable[str]) -> bool:
    """True when a statement's takeaway may be shown: every field the module asks of it (``asked``)
    has an answer or was shown on request, so the takeaway gives away no field still to try.
    """
    entry = entry or {}
    current, shown = entry.get(CURRENT, {}), set(entry.get(REVEALED, []))
    names = tuple(asked)
    return bool(names) and all(name in current or name in shown for name in names)


def why_may_show(entry: Mapping[str, Any] | None, field: str, *, right_now: bool) -> bool:
    """True when a field's why may be shown: it is right as last checked (``right_now``), or its
    answer may be named (:func:`answer_may_show`).
    """
    return right_now or answer_may_show(entry, field)


__all__ = ["TRIES_BEFORE_WHY", "answer_may_show", "missed_tries", "takeaway_may_show", "was_revealed", "why_may_show"]
