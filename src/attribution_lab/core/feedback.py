"""The words a student reads: the engine's verdicts turned into feedback, marks, hints and rules.

The engine (:mod:`attribution_lab.core.engine`) decides; this module words. It is the one owner of
the verdict marks (✓ ✗ ◐ …), of how a label or a chain is named, of the hints, of how a trust
question's rule is cited, and of how long texts are shortened. The panel, the text interface, the worksheets,
the charts and the class report all import from here, so no view parses another's strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from .case import FIELD_NAMES, Answer, Case
from .engine import FieldResult

#: Symbol and word for each verdict, so right and wrong never rest on colour alone.
VERDICT_MARKS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "correct": ("✓", "Right"),
        "accepted": ("✓", "Also accepted"),
        "partly": ("◐", "Partly right"),
        "wrong": ("✗", "Not yet"),
        "unanswered": ("…", "Not answered"),
    }
)

#: Marks of how far a statement is answered in a lesson (all its fields, some, none), for lists of
#: statements. They say what was answered, never whether it is right.
PROGRESS_MARKS: Mapping[str, str] = MappingProxyType({"all": "✓", "some": "◐", "none": "—"})

#: What to look at for each field, generic to every case: the starting hint of a drafted key entry
#: (a finished key has a hint of its own for every statement and field).
HINTS: Mapping[str, str] = MappingProxyType(
    {
        "origin": "Who made the claim first? Follow the cue back past every outlet that passed it on.",
        "reported_right": (
            "Whom does the statement credit, and does anything outside this article show that source saying it? "
            "Apply the rules in order."
        ),
        "believable": "Set aside who said it: is it praise or a demand, a checkable fact, an estimate or a forecast? Then apply the rules in order.",
        "claim_type": "Are there quotation marks around all of it, some of it, or none? Is it a number, or a guess about motives?",
        "chain": "List everyone the claim passed through between its origin and you, including the outlet and the translation.",
        "red_flag": "Check the names, the sources and the wording: does anything credit the wrong person or change the meaning?",
    }
)

#: The arrow between the links of a chain, wherever a chain is written out for people.
CHAIN_ARROW = " → "
#: The last box of a drawn chain: where every chain ends.
READER = "You, the reader"


def mark(verdict: str) -> str:
    """The symbol of a verdict (✓, ✗, ◐ or …)."""
    return VERDICT_MARKS[verdict][0]


def join_chain(names: Iterable[str]) -> str:
    """Links of a chain joined for reading: ``KCNA → The Guardian``."""
    return CHAIN_ARROW.join(names)


def chain_path(case: Case, statement_id: str) -> tuple[str, ...]:
    """The key's whole path of a statement, as drawn: the origin's name, each link's, then the reader."""
    statement = case.statement(statement_id)
    origin = case.labels("origin")[statement.label("origin")].name
    return (origin, *(case.labels("chain")[link].name for link in statement.chain), READER)


def answer_name(case: Case, field: str, answer: Answer) -> str:
    """How an answer is named for people: a label's name, or a chain's names joined by arrows."""
    labels = case.labels(field)
    if isinstance(answer, tuple):
        return join_chain(labels[a].name for a in answer)
    return labels[answer].name


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary where there is one, with …"""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    at_space = cut.rfind(" ")
    if text[limit - 1] != " " and at_space > limit // 2:  # the cut falls inside a word: go back to its start
        cut = cut[:at_space]
    return cut.rstrip(" ,;:") + "…"


def join_names(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def hint(case: Case, result: FieldResult) -> str:
    """What to look at again for a field that is not yet right: the key's hint for this statement
    and field, which points at the evidence without naming the answer.
    """
    return case.statement(result.statement_id).hint(result.field)


def chain_role(position: int, length: int) -> str:
    """What a box of a drawn chain of ``length`` boxes stands for: origin, link N or reader."""
    return "origin" if position == 0 else "reader" if position == length - 1 else f"link {position}"


def chain_gaps(case: Case, result: FieldResult) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """For a chain not yet right: the key's chain or the accepted chain it is nearest to (most links
    shared), that chain's links it lacks (in the chain's order), and the links named that do not belong.
    """
    statement = case.statement(result.statement_id)
    given = set(result.answer or ())
    candidates: list[tuple[str, ...]] = [statement.chain, *(tuple(a.answer) for a in statement.accepted["chain"])]
    nearest = max(candidates, key=lambda c: (len(given & set(c)) / len(given | set(c)) if given | set(c) else 1.0))
    missing = tuple(link for link in nearest if link not in given)
    extra = tuple(link for link in (result.answer or ()) if link not in set(nearest))
    return nearest, missing, extra


def key_answer_text(case: Case, statement_id: str, field: str) -> str:
    """"The key's answer is …", for a field whose answer may be named (after the tries, or asked)."""
    return f"The key's answer is {answer_name(case, field, case.statement(statement_id).answers[field])}."


def field_feedback(case: Case, result: FieldResult, *, tell: bool = False) -> str:
    """The one line of feedback on one field, starting with its verdict mark (plain text).

    A try that is not right gets the statement's hint for the field; the key's answer is named only
    when ``tell`` (see :mod:`attribution_lab.core.reveal`: after the tries, or on request).
    """
    title = FIELD_NAMES[result.field]
    symbol = mark(result.verdict)
    if result.verdict == "unanswered" or result.answer is None:
        return f"{symbol} {title}: not answered yet."
    if result.verdict == "correct":
        return f"{symbol} {title}: right ({answer_name(case, result.field, result.answer)})."
    if result.verdict == "accepted":
        key = case.statement(result.statement_id).answers[result.field]
        return (
            f"{symbol} {title}: also accepted ({answer_name(case, result.field, result.answer)}). {result.why} "
            f"The key's first answer is {answer_name(case, result.field, key)}."
        )
    told = f" {key_answer_text(case, result.statement_id, result.field)}" if tell else ""
    if result.field == "chain":
        nearest, missing, extra = chain_gaps(case, result)
        names = case.labels("chain")
        parts = []
        if extra:
            parts.append(f"{join_names([names[link].name for link in extra])} {'does' if len(extra) == 1 else 'do'} not belong")
        if missing and tell:  # once the answer may be told, the missing links are named too
            parts.append(f"{join_names([names[link].name for link in missing])} {'is' if len(missing) == 1 else 'are'} missing")
        elif missing:
            parts.append(f"{len(missing)} link{'s are' if len(missing) != 1 else ' is'} missing")
        joined = join_names(parts)
        gaps = f"{joined[0].upper()}{joined[1:]}." if parts else ""
        verdict = "partly right" if result.verdict == "partly" else "not yet"
        if tell and nearest != case.statement(result.statement_id).chain:
            told += f" {answer_name(case, 'chain', nearest)} is also accepted."
        return f"{symbol} {title}: {verdict}. {gaps} {hint(case, result)}{told}".replace("  ", " ")
    return f"{symbol} {title}: not yet. {hint(case, result)}{told}"


def rule_citation(case: Case, statement_id: str, field: str) -> tuple[str, str] | None:
    """The rule that decides a trust question of a statement: its heading (``B5, One good source,
    or estimates that agree``) and its text; None for a field no rule decides.
    """
    rule = case.deciding_rule(case.statement(statement_id), field)
    if rule is None:
        return None
    return f"{rule.id}, {rule.name}", rule.text


def rule_text(case: Case, statement_id: str, field: str) -> str | None:
    """The rule that decides a trust question of a statement, cited as ``B5, ...: text``."""
    citation = rule_citation(case, statement_id, field)
    return f"{citation[0]}: {citation[1]}" if citation else None


__all__ = [
    "CHAIN_ARROW",
    "HINTS",
    "PROGRESS_MARKS",
    "READER",
    "VERDICT_MARKS",
    "answer_name",
    "chain_gaps",
    "chain_path",
    "chain_role",
    "field_feedback",
    "hint",
    "join_chain",
    "join_names",
    "key_answer_text",
    "mark",
    "rule_citation",
    "rule_text",
    "shorten",
]
