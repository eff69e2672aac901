"""What the panel's feedback area shows for one statement, as plain data, by the reveal rule.

Kept apart from the panel's model (:mod:`.panel_model`), which holds the state: this module only
decides, from that state, which verdicts, hints, whys, rules and answers may be shown
(:mod:`attribution_lab.core.reveal`), and :mod:`.panel_html` draws the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.case import FIELD_NAMES, Answer, Case
from ..core.engine import Verdict, check_statement
from ..core.feedback import chain_path, field_feedback, key_answer_text, rule_citation
from ..core.plan import asked
from ..core.reveal import answer_may_show, takeaway_may_show, was_revealed, why_may_show
from ..core.submission import CHECKS


@dataclass(frozen=True)
class FeedbackLine:
    """One field's line of feedback: its verdict (for the mark and colour) and the words."""

    verdict: Verdict
    text: str


@dataclass(frozen=True)
class Feedback:
    """Everything the feedback area shows for the statement on screen, as plain data."""

    prompt: str | None = None
    lines: tuple[FeedbackLine, ...] = ()
    #: Shown only once every field of the panel has a first try: (field name, why) for each field
    #: the panel asks, and only those, so one lesson never explains another lesson's field.
    why: tuple[tuple[str, str], ...] = ()
    #: Heading and text of the rule that decides each trust question the panel asks.
    rules: tuple[tuple[str, str], ...] = ()
    uncertain: str | None = None
    #: The statement's lesson in a sentence, once every field the module asks of it is answered.
    takeaway: str | None = None
    attempts: int = 0
    first_try: tuple[tuple[Verdict, str], ...] = ()  # (verdict, field name) of the kept first try
    #: Whether "Show the answer" has anything left to show for this statement.
    can_reveal: bool = False
    #: A worksheet's feedback after the hand-in: the first try kept is the graded try.
    graded: bool = False
    #: The key's chain drawn out (origin, links, reader), once the chain's why may show.
    chain: tuple[str, ...] = ()

    @property
    def revealed(self) -> bool:
        """True when at least one field's why is shown."""
        return bool(self.why)


def statement_feedback(
    case: Case,
    fields: tuple[str, ...],
    sid: str,
    entry: Mapping[str, Any],
    *,
    values: Mapping[str, Answer | None],
    checked: Mapping[str, Answer | None],
    prompt: str | None = None,
    can_reveal: bool = False,
) -> Feedback:
    """The feedback for statement ``sid`` (its answers-file ``entry``; ``values`` chosen now, ``checked``
    the values of its last check in this panel), by the reveal rule of :mod:`attribution_lab.core.reveal`.

    A field's verdict is shown only while its answer is the one last checked; a try that is not
    right shows the statement's hint. A field's why (and its rule) appears once it is right,
    after two tries that were not, or when the answer was asked for; the key's answer is named
    only in the last two cases. Only the panel's own fields are ever mentioned. The first-try
    summary appears once every field has a first try or was shown on request.
    """
    first = entry.get("first", {})
    # Only this panel's fields: a check in another lesson says nothing here.
    checked = {name: value for name, value in checked.items() if name in fields}
    pending: dict[str, str] = {}
    to_check: dict[str, Answer | None] = {}
    for name in fields:
        now = values.get(name)
        title = FIELD_NAMES[name]
        if name in checked and now == checked[name]:
            to_check[name] = now
        elif was_revealed(entry, name):
            pending[name] = f"… {title}: shown on request. {key_answer_text(case, sid, name)}"
        elif now is None:
            pending[name] = f"… {title}: not answered yet."
        elif name in checked:
            pending[name] = f"… {title}: changed since your last check. Press Check to see if it is right."
        else:
            pending[name] = f"… {title}: not checked yet. Press Check to see if it is right."
    results = {r.field: r for r in check_statement(case, sid, to_check).fields} if to_check else {}
    lines: tuple[FeedbackLine, ...] = ()
    if to_check or checked or any(was_revealed(entry, name) for name in fields):
        lines = tuple(
            FeedbackLine(
                results[name].verdict,
                field_feedback(case, results[name], tell=answer_may_show(entry, name)),
            )
            if name in results else FeedbackLine("unanswered", pending[name])
            for name in fields
        )
    statement = case.statement(sid)
    shown = [
        name for name in fields
        if why_may_show(entry, name, right_now=name in results and results[name].is_right)
    ]
    tried = [name for name in fields if name in first]
    done = all(name in first or was_revealed(entry, name) for name in fields) and entry.get("attempts", 0) > 0
    first_marks = check_statement(case, sid, {name: first[name] for name in tried}).fields if tried else ()
    return Feedback(
        prompt=prompt,
        lines=lines,
        why=tuple((FIELD_NAMES[name], statement.why(name)) for name in shown),
        rules=tuple(c for name in shown if (c := rule_citation(case, sid, name)) is not None),
        # what the record leaves open may touch any asked field: only once every why is shown
        uncertain=statement.uncertain if len(shown) == len(fields) else None,
        takeaway=statement.takeaway if len(shown) == len(fields) and takeaway_may_show(entry, asked(case).get(sid, ())) else None,
        attempts=_checks(entry, fields) if done else 0,
        first_try=_first_try_marks(first_marks, fields, first) if done else (),
        can_reveal=can_reveal,
        chain=chain_path(case, sid) if "chain" in shown else (),
    )


def _checks(entry: Mapping[str, Any], fields: tuple[str, ...]) -> int:
    """How many presses of Check included this panel's fields (its own checks, not other lessons');
    a file from before checks were counted per field gives its statement's count.
    """
    counts = entry.get(CHECKS)
    if not isinstance(counts, Mapping):
        return int(entry.get("attempts", 0))
    return max((counts.get(name, 0) for name in fields), default=0)


def worksheet_feedback(
    case: Case, fields: tuple[str, ...], sid: str, entry: Mapping[str, Any], *, values: Mapping[str, Answer | None], handed_in: bool
) -> Feedback:
    """A worksheet's feedback for statement ``sid``: before the hand-in only what is still to
    answer; after it, each field's verdict on the answer chosen now with the key's answer, the
    why and the deciding rule, and the graded try's marks.
    """
    if not handed_in:
        missing = [FIELD_NAMES[name] for name in fields if values.get(name) is None]
        return Feedback(prompt=("… Still to answer here: " + ", ".join(missing) + "." if missing else
                                "✓ Answered. Nothing is checked before you hand in the worksheet."))
    results = check_statement(case, sid, {name: values.get(name) for name in fields}).fields
    statement = case.statement(sid)
    first = entry.get("first", {})
    tried = [name for name in fields if name in first]
    marks = check_statement(case, sid, {name: first[name] for name in tried}).fields if tried else ()
    return Feedback(
        lines=tuple(FeedbackLine(r.verdict, field_feedback(case, r, tell=True)) for r in results),
        why=tuple((FIELD_NAMES[name], statement.why(name)) for name in fields),
        rules=tuple(c for name in fields if (c := rule_citation(case, sid, name)) is not None),
        uncertain=statement.uncertain,
        takeaway=statement.takeaway if takeaway_may_show(entry, asked(case).get(sid, ())) else None,
        attempts=_checks(entry, fields),
        first_try=_first_try_marks(marks, fields, first),
        graded=True,
        chain=chain_path(case, sid) if "chain" in fields else (),
    )


def _first_try_marks(marks: tuple[Any, ...], fields: tuple[str, ...], first: Mapping[str, Any]) -> tuple[tuple[Verdict, str], ...]:
    """(verdict, field name) of each first try kept, then the fields shown on request, which have none."""
    kept = tuple((r.verdict, FIELD_NAMES[r.field]) for r in marks)
    asked = tuple(("unanswered", f"{FIELD_NAMES[name]} (shown on request)") for name in fields if name not in first)
    return kept + asked


__all__ = ["Feedback", "FeedbackLine", "statement_feedback", "worksheet_feedback"]
