"""The panel's model, with no widgets at all: what is shown, answered, checked and revealed.

These are the rules a student meets in the panel (nothing explained before a real try, first tries
kept, progress counted over the panel's own statements and fields), tested on plain Python objects.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest

from attribution_lab.core.case import FIELD_NAMES, FIELDS
from attribution_lab.core.engine import check_field
from attribution_lab.core.submission import Submission, merge_submissions, new_submission, record_check, record_choice
from attribution_lab.errors import UnknownFieldError, UnknownStatementError
from attribution_lab.formats.answers import encode, parse_submission
from attribution_lab.storage.cases import load_case
from attribution_lab.student.panel_model import PanelModel, RestorePlan, answered

CASE = load_case("kursk")
IDS = CASE.statement_ids


def wrong(sid: str, field: str) -> str:
    """A label the engine judges wrong for this statement and field."""
    statement = CASE.statement(sid)
    return next(label for label in CASE.labels(field) if check_field(CASE, statement, field, label).verdict == "wrong")


def right(sid: str, field: str) -> object:
    return CASE.statement(sid).answers[field]


@pytest.fixture
def model(tmp_path: Path) -> PanelModel:
    return PanelModel.open(CASE, ("origin", "believable"), IDS[:4], tmp_path / "answers-kursk.json")


def test_the_model_imports_no_widgets() -> None:
    """The model is plain Python: importing it loads neither ipywidgets nor IPython."""
    import subprocess

    code = "import sys, attribution_lab.student.panel_model; print(sorted(m for m in ('ipywidgets', 'IPython') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_a_new_model_starts_at_the_first_statement_with_nothing_revealed(model: PanelModel) -> None:
    """A fresh answers file: the first statement, nothing chosen, no verdict lines and no why."""
    assert model.current == IDS[0] and model.position == 0
    assert model.value("origin") is None and model.value("believable") is None
    feedback = model.feedback()
    assert feedback.lines == () and not feedback.revealed
    assert model.progress_text == "0 of 4 answered, 0 right first time"


def test_check_with_a_field_missing_records_nothing_and_reveals_nothing(model: PanelModel) -> None:
    """Check with only the origin chosen asks for "Believable?"; no attempt is recorded, no why, no rule."""
    model.choose("origin", right(IDS[0], "origin"))
    feedback = model.check()
    assert feedback.prompt == f"… Choose {FIELD_NAMES['believable']} first, then press Check."
    assert not feedback.revealed and feedback.why == () and feedback.rules == ()
    assert model.submission["answers"][IDS[0]]["attempts"] == 0
    assert model.submission["answers"][IDS[0]]["first"] == {}


def test_check_gives_a_verdict_per_field_the_why_of_the_right_ones_and_keeps_the_first_try(model: PanelModel) -> None:
    """After a full Check every field has a verdict line; the right field's why is shown, the wrong
    one gets its hint only (no why, no rule, no answer); the first try is kept when the student
    then corrects an answer, which brings its why and rule."""
    sid = IDS[0]
    statement = CASE.statement(sid)
    model.choose("origin", right(sid, "origin"))
    model.choose("believable", wrong(sid, "believable"))
    feedback = model.check()
    assert [line.verdict for line in feedback.lines] == ["correct", "wrong"]
    assert statement.hint("believable") in feedback.lines[1].text and "The key's answer" not in feedback.lines[1].text
    assert feedback.why == ((FIELD_NAMES["origin"], statement.why("origin")),)
    assert feedback.rules == () and feedback.uncertain is None  # origin has no rule; believable is not right yet
    assert feedback.first_try == (("correct", FIELD_NAMES["origin"]), ("wrong", FIELD_NAMES["believable"]))
    assert feedback.attempts == 1 and feedback.can_reveal
    model.choose("believable", right(sid, "believable"))
    again = model.check()
    assert [line.verdict for line in again.lines] == ["correct", "correct"] and again.attempts == 2
    rule = CASE.deciding_rule(statement, "believable")
    assert again.why == (
        (FIELD_NAMES["origin"], statement.why("origin")),
        (FIELD_NAMES["believable"], statement.why("believable")),
    )
    assert again.rules == ((f"{rule.id}, {rule.name}", rule.text),) and not again.can_reveal
    assert model.submission["answers"][sid]["first"]["believable"] == wrong(sid, "believable")
    assert model.submission["answers"][sid]["missed"] == {"believable": 1}
    assert model.progress_text == "1 of 4 answered, 0 right first time"


def test_the_second_try_that_is_not_right_tells_and_the_count_survives_a_restart(model: PanelModel, tmp_path: Path) -> None:
    """Two tries that are not right bring the field's why and the key's answer; the count of missed
    tries is saved, so a restarted panel tells after a single further try, and not before it."""
    sid = IDS[1]
    statement = CASE.statement(sid)
    model.select(sid)
    model.choose("origin", wrong(sid, "origin"))
    model.choose("believable", right(sid, "believable"))
    first = model.check()
    assert all(name != FIELD_NAMES["origin"] for name, _ in first.why)
    again = PanelModel.open(CASE, ("origin", "believable"), IDS[:4], tmp_path / "answers-kursk.json")
    again.select(sid)
    answer = CASE.labels("origin")[statement.answers["origin"]].name
    before = again.feedback()  # the last check is shown again: the right field's why, the wrong one's hint
    assert all(name != FIELD_NAMES["origin"] for name, _ in before.why)
    assert not any(answer in line.text for line in before.lines)
    told = again.check()
    assert f"The key's answer is {answer}." in told.lines[0].text
    assert (FIELD_NAMES["origin"], statement.why("origin")) in told.why
    assert statement.uncertain is None or told.uncertain == statement.uncertain


def test_show_the_answer_is_recorded_and_merges(model: PanelModel, tmp_path: Path) -> None:
    """"Show the answer" records the fields shown; they keep no first try; a merge with an older
    copy of the file keeps the record (union) and the larger count of missed tries."""
    sid = IDS[2]
    model.select(sid)
    model.choose("origin", wrong(sid, "origin"))
    model.choose("believable", right(sid, "believable"))
    model.check()  # believable right: only origin is left to show
    shown = model.reveal()
    entry = model.submission["answers"][sid]
    assert entry["revealed"] == ["origin"] and entry["first"]["origin"] == wrong(sid, "origin")
    assert (FIELD_NAMES["origin"], CASE.statement(sid).why("origin")) in shown.why and not shown.can_reveal
    older = new_submission(CASE, now="2020-01-01T00:00:00Z")
    older = record_check(CASE, older, sid, {"origin": wrong(sid, "origin")}, now="2020-01-01T00:00:00Z")
    older = record_check(CASE, older, sid, {"origin": wrong(sid, "origin")}, now="2020-01-01T00:00:01Z")
    merged = merge_submissions(older, model.submission)["answers"][sid]
    assert merged["revealed"] == ["origin"] and merged["missed"]["origin"] == 2
    assert parse_submission(encode(merge_submissions(older, model.submission)), CASE)  # still a valid file


@pytest.mark.parametrize("fields", [("origin",), ("claim_type", "reported_right"), ("believable", "red_flag")])
def test_the_why_and_rules_are_those_of_the_fields_the_model_asks_only(tmp_path: Path, fields) -> None:
    """After a full check the feedback holds the why of each field the model asks and no other, and
    a rule only for each trust question it asks (none at all for a model without one)."""
    model = PanelModel.open(CASE, fields, IDS[:2], tmp_path / "answers-kursk.json")
    sid = IDS[0]
    statement = CASE.statement(sid)
    for name in fields:
        model.choose(name, right(sid, name))
    feedback = model.check()
    assert feedback.why == tuple((FIELD_NAMES[name], statement.why(name)) for name in fields)
    asked_rules = [CASE.deciding_rule(statement, name) for name in fields if name in CASE.rules]
    assert feedback.rules == tuple((f"{r.id}, {r.name}", r.text) for r in asked_rules)
    shown = " ".join(text for pair in (*feedback.why, *feedback.rules) for text in pair)
    for name in FIELDS:
        if name not in fields and statement.why(name) not in {statement.why(f) for f in fields}:
            assert statement.why(name) not in shown, name
    if not asked_rules:
        assert all(rule.text not in shown for rules in CASE.rules.values() for rule in rules)


def test_a_changed_answer_loses_its_verdict_until_checked_again(model: PanelModel) -> None:
    """A verdict belongs to the answer that was checked: change it, and the line says so."""
    sid = IDS[0]
    model.choose("origin", right(sid, "origin"))
    model.choose("believable", right(sid, "believable"))
    model.check()
    model.choose("origin", wrong(sid, "origin"))
    lines = model.feedback().lines
    assert lines[0].verdict == "unanswered" and "changed since your last check" in lines[0].text
    assert lines[1].verdict == "correct"


def test_moving_keeps_each_statements_answers(model: PanelModel) -> None:
    """Next and previous stop at the ends; each statement shows its own saved choices."""
    model.choose("origin", right(IDS[0], "origin"))
    model.previous()
    assert model.current == IDS[0]
    model.next()
    assert model.current == IDS[1] and model.value("origin") is None
    for _ in range(10):
        model.next()
    assert model.current == IDS[3]
    model.select(IDS[0])
    assert model.value("origin") == right(IDS[0], "origin")


def test_unknown_fields_and_statements_are_refused_by_name(model: PanelModel) -> None:
    """A field the panel does not ask, or a statement it does not show, is refused with a message."""
    with pytest.raises(UnknownFieldError, match="not asked in this panel"):
        model.choose("chain", ["kcna"])
    with pytest.raises(UnknownStatementError, match="not in this panel"):
        model.select(IDS[10])


def test_a_reopened_model_opens_at_its_first_unanswered_statement(model: PanelModel, tmp_path: Path) -> None:
    """Opening the same answers file again shows this panel's first statement not fully answered,
    counting only its own fields (answers given in another lesson do not count); with everything
    answered it shows the statement worked on last, with its verdicts."""
    for sid in IDS[:2]:
        model.select(sid)
        model.choose("origin", right(sid, "origin"))
        model.choose("believable", right(sid, "believable"))
    other = PanelModel.open(CASE, ("claim_type",), IDS[:4], tmp_path / "answers-kursk.json")
    other.select(IDS[2])
    other.choose("claim_type", right(IDS[2], "claim_type"))  # another lesson's field: not this panel's
    again = PanelModel.open(CASE, ("origin", "believable"), IDS[:4], tmp_path / "answers-kursk.json")
    assert again.current == IDS[2]
    assert again.next_unanswered() == IDS[3]
    assert [again.done_mark(sid) for sid in IDS[:4]] == ["✓", "✓", "—", "—"]
    again.choose("origin", right(IDS[2], "origin"))
    assert again.done_mark(IDS[2]) == "◐"
    for sid in IDS[2:4]:
        again.select(sid)
        again.choose("origin", right(sid, "origin"))
        again.choose("believable", right(sid, "believable"))
    again.check()
    last = PanelModel.open(CASE, ("origin", "believable"), IDS[:4], tmp_path / "answers-kursk.json")
    assert last.current == IDS[3] and last.next_unanswered() is None
    assert [line.verdict for line in last.feedback().lines] == ["correct", "correct"]


def test_restore_replaces_after_a_backup_and_a_bad_file_changes_nothing(model: PanelModel, tmp_path: Path) -> None:
    """Restoring a downloaded file with Replace everything keeps the answers in use as a backup the
    notes name; a file that cannot be read changes nothing and the notes say why."""
    model.choose("origin", right(IDS[0], "origin"))
    download = model.download_bytes()
    model.choose("origin", wrong(IDS[0], "origin"))
    result = model.restore(download, "mine.json", how="replace")
    assert result.ok and "Restored 1 answer from mine.json" in result.notes[0]
    assert "kept as answers-kursk.json.replaced-" in result.notes[0]
    assert model.value("origin") == right(IDS[0], "origin")
    before = model.download_bytes()
    bad = model.restore(b"{not json", "broken.json")
    assert not bad.ok and "your answers were not changed" in bad.notes[0]
    assert model.download_bytes() == before


def test_start_over_clears_only_this_panel_after_a_backup(tmp_path: Path) -> None:
    """Start over clears this panel's fields of its statements; another lesson's answers stay."""
    path = tmp_path / "answers-kursk.json"
    other = PanelModel.open(CASE, ("chain",), IDS[:4], path)
    other.choose("chain", right(IDS[0], "chain"))
    model = PanelModel.open(CASE, ("origin",), IDS[:4], path)
    model.choose("origin", right(IDS[0], "origin"))
    assert "clears your Origin answers to the 4 statements" in model.start_over_question()
    result = model.start_over()
    assert result.ok and "kept as answers-kursk.json.cleared-" in result.notes[0]
    saved = parse_submission(path.read_bytes(), CASE)
    assert saved["answers"][IDS[0]]["current"] == {"chain": list(right(IDS[0], "chain"))}
    assert encode(saved) == model.download_bytes()


class DiskFull:
    """Writing the answers file fails as on a full disk (ENOSPC) while ``failing`` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from attribution_lab.storage import answers_store

        self.failing, self.attempts = True, 0
        real = answers_store.atomic_write

        def write(path: Path, data: bytes) -> None:
            self.attempts += 1
            if self.failing:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(path, data)

        monkeypatch.setattr(answers_store, "atomic_write", write)


def test_a_failed_save_keeps_every_answer_in_memory_until_saving_works_again(
    model: PanelModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While saves fail (disk full), every answer given stays in memory and in the download and the
    model says the last save failed; the first save that works writes them all and clears the failure."""
    model.choose("origin", right(IDS[0], "origin"))  # saved
    failing = DiskFull(monkeypatch)
    model.select(IDS[1])
    model.choose("origin", right(IDS[1], "origin"))
    model.select(IDS[2])
    model.choose("origin", right(IDS[2], "origin"))
    assert model.save_failed and not model.saved_again and "could not be saved" in model.notes[0]
    assert {sid for sid in model.submission["answers"] if model.submission["answers"][sid]["current"]} == set(IDS[:3])
    offered = parse_submission(model.download_bytes(), CASE)
    assert all(offered["answers"][sid]["current"]["origin"] == right(sid, "origin") for sid in IDS[:3])
    failing.failing = False
    model.choose("believable", right(IDS[2], "believable"))
    assert not model.save_failed and model.saved_again and model.notes == ()
    saved = parse_submission((tmp_path / "answers-kursk.json").read_bytes(), CASE)
    assert all(saved["answers"][sid]["current"]["origin"] == right(sid, "origin") for sid in IDS[:3])
    model.select(IDS[3])
    model.choose("origin", right(IDS[3], "origin"))
    assert not model.saved_again  # "saved again" is said once, not after every save


def test_download_is_built_when_asked_from_the_file_and_memory(model: PanelModel, tmp_path: Path) -> None:
    """Download holds what another notebook saved to the same answers file since this panel was
    drawn, merged with this panel's answers, and counts them."""
    model.choose("origin", right(IDS[0], "origin"))
    other = PanelModel.open(CASE, ("chain",), IDS[4:6], tmp_path / "answers-kursk.json")
    other.choose("chain", right(IDS[4], "chain"))
    download = model.download()
    offered = parse_submission(download.data, CASE)
    assert offered["answers"][IDS[0]]["current"] == {"origin": right(IDS[0], "origin")}
    assert offered["answers"][IDS[4]]["current"] == {"chain": list(right(IDS[4], "chain"))}
    assert download.answers == 2 and download.name == "answers-kursk.json"


def older_download(sids: tuple[str, ...], when: str = "2020-01-01T10:00:00Z") -> Submission:
    """A file downloaded long ago, answering ``sids`` wrongly (origin)."""
    sub = new_submission(CASE, now=when)
    for sid in sids:
        sub = record_check(CASE, sub, sid, {"origin": wrong(sid, "origin")}, now=when)
    return sub


def test_restore_says_what_it_would_add_change_and_keep_and_writes_nothing_yet(tmp_path: Path) -> None:
    """Uploading a file only works out a plan: the statements it adds, changes and keeps (with
    counts and ids) and what Replace everything would remove; the answers file is untouched."""
    path = tmp_path / "answers-kursk.json"
    model = PanelModel.open(CASE, ("origin",), IDS[:6], path)
    for sid in IDS[:3]:  # three lessons' worth of newer answers
        model.select(sid)
        model.choose("origin", right(sid, "origin"))
        model.check()
    on_disk = path.read_bytes()
    newer = record_choice(CASE, older_download((IDS[3],)), IDS[2], "origin", wrong(IDS[2], "origin"), now="2999-01-01T00:00:00Z")
    plan = model.plan_restore(encode(merge_submissions(older_download((IDS[0],)), newer)), "old.json")
    assert isinstance(plan, RestorePlan)
    assert plan.added == (IDS[3],) and plan.changed == (IDS[2],) and plan.kept == (IDS[0], IDS[1])
    assert plan.removed == (IDS[1],)
    assert f"adds answers to 1 statement ({IDS[3]})" in plan.question
    assert f"keeps your answers to 2 statements ({IDS[0]} and {IDS[1]})" in plan.question
    assert f"1 statement ({IDS[1]}) you answered would lose their answers" in plan.question
    assert path.read_bytes() == on_disk and [p for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == [path]
    assert "kept as they are" in model.cancel_restore().notes[0] and model.pending_restore is None
    assert path.read_bytes() == on_disk


def test_restoring_an_older_download_merges_and_never_removes_newer_answers(tmp_path: Path) -> None:
    """Merge (the default) adds what the old file has and keeps every newer answer; the answers in
    use are backed up first and the message names the backup. Replace everything removes them."""
    path = tmp_path / "answers-kursk.json"
    model = PanelModel.open(CASE, ("origin",), IDS[:6], path)
    for sid in IDS[:3]:
        model.select(sid)
        model.choose("origin", right(sid, "origin"))
    before = path.read_bytes()
    result = model.restore(encode(older_download((IDS[0], IDS[4]))), "old.json")
    assert result.ok and f"1 statement ({IDS[4]}) added" in result.notes[0]
    backup = next(tmp_path.glob("answers-kursk.json.before-merge-*"))
    assert backup.read_bytes() == before and f"kept as {backup.name}" in result.notes[0]
    saved = parse_submission(path.read_bytes(), CASE)
    assert all(saved["answers"][sid]["current"]["origin"] == right(sid, "origin") for sid in IDS[:3])
    assert saved["answers"][IDS[4]]["current"]["origin"] == wrong(IDS[4], "origin")
    assert model.submission["answers"] == saved["answers"]
    replaced = model.restore(encode(older_download((IDS[0],))), "old.json", how="replace")
    assert replaced.ok and "kept as answers-kursk.json.replaced-" in replaced.notes[0]
    assert set(answered(parse_submission(path.read_bytes(), CASE))) == {IDS[0]}


def test_restoring_a_download_from_the_earlier_key_keeps_every_answer_it_still_can(tmp_path: Path) -> None:
    """A file downloaded under key 1 holds answers to its one "confidence" question, which this key
    no longer asks. Restore does not refuse the whole file: it plans to add its other answers, says
    in plain words why the confidence answers are left out, and Merge then saves them."""
    path = tmp_path / "answers-kursk.json"
    model = PanelModel.open(CASE, ("origin",), IDS[:6], path)
    old = older_download((IDS[0], IDS[1]))
    old["key_version"] = "1.1.0"
    for sid in (IDS[0], IDS[1]):
        for which in ("current", "first"):
            old["answers"][sid][which]["confidence"] = "high"
    plan = model.plan_restore(encode(old), "before-the-update.json")
    assert isinstance(plan, RestorePlan), plan
    assert plan.added == (IDS[0], IDS[1])
    assert any('"Confidence" is now two' in note for note in plan.notes), plan.notes
    result = model.restore_merge()
    assert result.ok
    saved = parse_submission(path.read_bytes(), CASE)
    assert {sid: saved["answers"][sid]["current"] for sid in (IDS[0], IDS[1])} == {
        sid: {"origin": wrong(sid, "origin")} for sid in (IDS[0], IDS[1])
    }


def test_the_keys_chain_is_drawn_only_once_the_chain_is_right_or_told(tmp_path: Path) -> None:
    """A chain that is not right gets its hint and no drawing (the drawing would give the answer
    away); a second try that is not right draws the key's chain from the origin to the reader."""
    sid = next(s.id for s in CASE.statements if len(s.chain) >= 2)
    statement = CASE.statement(sid)
    model = PanelModel.open(CASE, ("chain",), (sid,), tmp_path / "answers-kursk.json")
    model.choose("chain", statement.chain[:1])
    first = model.check()
    assert first.lines[0].verdict != "correct" and first.chain == ()
    second = model.check()
    origin = CASE.labels("origin")[statement.label("origin")].name
    links = tuple(CASE.labels("chain")[link].name for link in statement.chain)
    assert second.chain == (origin, *links, "You, the reader")
    right_away = PanelModel.open(CASE, ("chain",), (sid,), tmp_path / "answers-other.json")
    right_away.choose("chain", statement.chain)
    assert right_away.check().chain == second.chain
