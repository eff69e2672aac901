"""Merging two submissions of one student loses no answer: the rule the store, restore and the
grader's --merge-duplicates share."""

from __future__ import annotations

from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution_lab.core.submission import merge_submissions, new_submission, record_check, record_choice
from attribution_lab.formats.answers import submission_problems
from attribution_lab.storage.cases import load_case

CASE = load_case("alder_river")
IDS = CASE.statement_ids
ORIGINS = list(CASE.labels("origin"))
BELIEVABLE = list(CASE.labels("believable"))


def stamp(minute: int) -> str:
    return f"2026-01-01T10:{minute:02d}:00Z"


def test_answers_to_different_statements_are_all_kept() -> None:
    """Two files answering different statements merge into one holding both."""
    a = record_check(CASE, new_submission(CASE, now=stamp(0)), IDS[0], {"origin": ORIGINS[0]}, now=stamp(1))
    b = record_check(CASE, new_submission(CASE, now=stamp(0)), IDS[1], {"origin": ORIGINS[1]}, now=stamp(2))
    merged = merge_submissions(a, b)
    assert merged["answers"][IDS[0]]["current"] == {"origin": ORIGINS[0]}
    assert merged["answers"][IDS[1]]["current"] == {"origin": ORIGINS[1]}
    assert merged["updated"] == stamp(2)
    assert submission_problems(merged, CASE) == []


def test_the_later_answer_wins_and_the_first_try_is_never_replaced() -> None:
    """Both changed one statement: the current answer changed later wins whichever side it is on;
    the first try given first stays; attempts are the larger count."""
    base = record_check(CASE, new_submission(CASE, now=stamp(0)), IDS[0], {"origin": ORIGINS[0]}, now=stamp(1))
    later = record_check(CASE, base, IDS[0], {"origin": ORIGINS[1]}, now=stamp(5))
    earlier = record_choice(CASE, base, IDS[0], "origin", ORIGINS[2], now=stamp(3))
    for merged in (merge_submissions(earlier, later), merge_submissions(later, earlier)):
        entry = merged["answers"][IDS[0]]
        assert entry["current"]["origin"] == ORIGINS[1]
        assert entry["first"] == {"origin": ORIGINS[0]}
        assert entry["attempts"] == 2 and entry["first_checked"] == stamp(1) and entry["last_checked"] == stamp(5)


def test_fields_answered_on_one_side_only_are_kept() -> None:
    """A field only one side answered survives, even when the other side's entry is newer."""
    a = record_choice(CASE, new_submission(CASE, now=stamp(0)), IDS[0], "origin", ORIGINS[0], now=stamp(1))
    b = record_choice(CASE, new_submission(CASE, now=stamp(0)), IDS[0], "believable", BELIEVABLE[0], now=stamp(2))
    assert merge_submissions(a, b)["answers"][IDS[0]]["current"] == {"origin": ORIGINS[0], "believable": BELIEVABLE[0]}


def test_the_student_is_kept_and_the_inputs_are_not_changed() -> None:
    """The named side's student stays when the other has none; neither input is modified."""
    a = new_submission(CASE, now=stamp(0), student_id="s1", student_name="Ann")
    b = record_choice(CASE, new_submission(CASE, now=stamp(0)), IDS[0], "origin", ORIGINS[0], now=stamp(1))
    before = (repr(a), repr(b))
    merged = merge_submissions(a, b)
    assert merged["student"] == {"id": "s1", "name": "Ann"}
    assert (repr(a), repr(b)) == before


choices = st.lists(
    st.tuples(st.sampled_from(IDS), st.sampled_from(["origin", "believable"]), st.integers(0, 2), st.booleans()),
    max_size=12,
)


@settings(max_examples=examples(150), deadline=None)
@given(choices, choices)
def test_no_answer_is_lost(left: list, right: list) -> None:
    """Whatever two sides did, every (statement, field) either answered is answered in the merge,
    every first try of either is kept unless the other side had one first, and the merge is valid."""
    def play(moves: list, offset: int) -> dict:
        sub = new_submission(CASE, now=stamp(0))
        for n, (sid, field, pick, check) in enumerate(moves):
            label = (ORIGINS if field == "origin" else BELIEVABLE)[pick % 3]
            when = stamp(1 + 2 * n + offset)
            sub = record_check(CASE, sub, sid, {field: label}, now=when) if check else record_choice(CASE, sub, sid, field, label, now=when)
        return sub

    a, b = play(left, 0), play(right, 1)
    merged = merge_submissions(a, b)
    assert submission_problems(merged, CASE) == []
    for side in (a, b):
        for sid, entry in side["answers"].items():
            got = merged["answers"][sid]
            assert set(entry["current"]) <= set(got["current"])
            assert set(entry["first"]) <= set(got["first"])
            assert got["attempts"] >= entry["attempts"]
    for sid, entry in a["answers"].items():
        assert merged["answers"][sid]["first"].items() >= entry["first"].items()
