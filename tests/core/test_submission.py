"""Submissions (answers files) as plain data: recording, first tries, scoring, and refusing bad files."""

from __future__ import annotations

import json

import pytest

from attribution_lab import SubmissionError
from attribution_lab.core.engine import WEIGHTS
from attribution_lab.core.submission import answers_of, key_version_note, new_submission, record_check, record_choice, score_submission
from attribution_lab.formats.answers import parse_submission, submission_problems
from attribution_lab.storage.answers_store import now_iso


def test_first_try_is_kept_apart_from_the_final_answer(kursk) -> None:
    """A wrong first check then a right one: final is right, first try stays wrong, two attempts."""
    statement = kursk.statement("S01")
    wrong = next(l for l in kursk.labels("origin") if l != statement.answers["origin"] and l not in
                 [a.answer for a in statement.accepted["origin"]])
    sub = new_submission(kursk, student_id="s1", now="2026-01-01T00:00:00Z")
    sub = record_check(kursk, sub, "S01", {"origin": wrong}, now="2026-01-01T00:01:00Z")
    sub = record_check(kursk, sub, "S01", {"origin": statement.answers["origin"]}, now="2026-01-01T00:02:00Z")
    entry = sub["answers"]["S01"]
    assert entry["attempts"] == 2
    assert entry["first"] == {"origin": wrong}
    assert entry["current"] == {"origin": statement.answers["origin"]}
    assert entry["first_checked"] == "2026-01-01T00:01:00Z" and entry["last_checked"] == "2026-01-01T00:02:00Z"
    current, first = score_submission(kursk, sub, fields=("origin",))
    assert current.points == WEIGHTS["origin"] and first.points == 0


def test_recording_never_changes_the_input(kursk) -> None:
    """record_choice and record_check return new dictionaries and leave the old one alone."""
    sub = new_submission(kursk, now=now_iso())
    before = json.dumps(sub, sort_keys=True)
    record_choice(kursk, sub, "S02", "believable", "record_confirms", now=now_iso())
    record_check(kursk, sub, "S02", {"believable": "record_confirms"}, now=now_iso())
    assert json.dumps(sub, sort_keys=True) == before


def test_a_choice_is_saved_before_any_check(kursk) -> None:
    """Choosing saves the current answer without counting an attempt or a first try."""
    sub = record_choice(kursk, new_submission(kursk, now=now_iso()), "S03", "chain", ["machine_translation"], now=now_iso())
    assert sub["answers"]["S03"]["current"] == {"chain": ["machine_translation"]}
    assert sub["answers"]["S03"]["attempts"] == 0 and sub["answers"]["S03"]["first"] == {}
    cleared = record_choice(kursk, sub, "S03", "chain", None, now=now_iso())
    assert cleared["answers"]["S03"]["current"] == {}


def test_a_recorded_submission_parses_back(kursk) -> None:
    """What the recording functions make is a valid answers file, byte for byte through JSON."""
    sub = record_check(kursk, new_submission(kursk, student_name="Ada", now=now_iso()), "S05", {"origin": "north_korea", "chain": ["kcna"]}, now=now_iso())
    raw = json.dumps(sub).encode("utf-8")
    assert parse_submission(raw, kursk, "ada.json") == sub
    assert answers_of(sub, "first") == {"S05": {"origin": "north_korea", "chain": ["kcna"]}}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(case_id="other"), "belong to another case"),
        (lambda d: d.update(schema_version=7), "schema_version: is 7"),
        (lambda d: d.update(format="x"), "is not an Attribution Lab answers file"),
        (lambda d: d["answers"].update(S99={"current": {}, "first": {}, "attempts": 0}), "S99: is not a statement"),
        (lambda d: d["answers"]["S05"]["current"].update(origin="aliens"), "S05: current.origin: 'aliens' is not"),
        (lambda d: d["answers"]["S05"].update(attempts="many"), "S05: attempts"),
        (lambda d: d.update(score=100), "score"),
    ],
)
def test_bad_submissions_name_the_file_statement_and_field(kursk, mutate, expected) -> None:
    """Each kind of bad answers file gets a message naming the file and, where it applies, the statement."""
    sub = record_check(kursk, new_submission(kursk, now=now_iso()), "S05", {"origin": "north_korea"}, now=now_iso())
    mutate(sub)
    problems = [str(p) for p in submission_problems(sub, kursk, "ada.json")]
    assert problems and all(p.startswith("ada.json") for p in problems)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"attempts": NaN}', "NaN is not allowed"),
        (b"\xff\xfe\x00", "is not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b" " * 1_000_001, "the limit is"),
    ],
)
def test_unreadable_bytes_are_refused_clearly(kursk, raw, expected) -> None:
    """Broken bytes raise SubmissionError with one line naming the file, never another exception."""
    with pytest.raises(SubmissionError) as error:
        parse_submission(raw, kursk, "bad.json")
    assert str(error.value).startswith("bad.json") and expected in str(error.value)


def test_a_byte_order_mark_is_tolerated(kursk) -> None:
    """Editors add a UTF-8 BOM; the file still parses."""
    raw = b"\xef\xbb\xbf" + json.dumps(new_submission(kursk, now=now_iso())).encode()
    assert parse_submission(raw, kursk)["case_id"] == kursk.id


def test_an_older_key_version_is_noted(kursk) -> None:
    """Answers given against another key version are checked, with a plain note saying so."""
    sub = new_submission(kursk, now=now_iso())
    assert key_version_note(sub, kursk) is None
    sub["key_version"] = "0.9.0"
    assert "0.9.0" in key_version_note(sub, kursk)


def test_a_field_shown_on_request_keeps_no_first_try_and_missed_tries_are_counted(kursk) -> None:
    """record_check counts each check where a field is not right; after record_reveal a field that
    had no first try gets none, so an answer copied from the key never counts as right first time;
    a field that already had a first try keeps it."""
    from attribution_lab.core.submission import record_reveal

    statement = kursk.statement("S02")
    wrong = next(label for label in kursk.labels("origin") if label != statement.answers["origin"]
                 and label not in {a.answer for a in statement.accepted["origin"]})
    sub = new_submission(kursk, now=now_iso())
    sub = record_check(kursk, sub, "S02", {"origin": wrong}, now=now_iso())
    sub = record_check(kursk, sub, "S02", {"origin": wrong}, now=now_iso())
    assert sub["answers"]["S02"]["missed"] == {"origin": 2}
    sub = record_reveal(kursk, sub, "S02", ["claim_type", "origin"], now=now_iso())
    assert sub["answers"]["S02"]["revealed"] == ["origin", "claim_type"]
    sub = record_check(kursk, sub, "S02", {"origin": statement.answers["origin"], "claim_type": statement.answers["claim_type"]}, now=now_iso())
    entry = sub["answers"]["S02"]
    assert entry["first"] == {"origin": wrong}, "origin keeps its first try; claim_type, shown first, gets none"
    assert entry["missed"] == {"origin": 2}
