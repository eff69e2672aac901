"""The answers file: where it lives, atomic saves, backups, and salvage of bad files (never lost)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from attribution_lab.core.case import FIELD_NAMES
from attribution_lab.core.submission import clear_answers, new_submission, record_check, record_choice, restore_position
from attribution_lab.formats.answers import RETIRED_FIELDS, parse_submission, salvage, submission_problems
from attribution_lab.storage import answers_store as store_module
from attribution_lab.storage import files as files_module
from attribution_lab.storage.answers_store import AnswersStore, StoreError, now_iso
from attribution_lab.storage.cases import load_case
from attribution_lab.storage.location import ANSWERS_DIR_ENV, default_answers_path

CASE = load_case("kursk")
S1, S2, S3 = CASE.statement_ids[:3]


def key(sid: str, field: str):
    """The key's answer (tests pick labels from the loaded case, never type them)."""
    return CASE.statement(sid).answers[field]


def other_label(sid: str, field: str) -> str:
    """A label of the field that is neither the key's answer nor an accepted one."""
    statement = CASE.statement(sid)
    accepted = {a.answer for a in statement.accepted[field]}
    return next(l for l in CASE.labels(field) if l != statement.answers[field] and l not in accepted)


def sample() -> dict:
    """A submission with a checked statement and a merely chosen one."""
    sub = new_submission(CASE, student_name="Ada", now=now_iso())
    sub = record_check(CASE, sub, S1, {"origin": other_label(S1, "origin"), "believable": key(S1, "believable")}, now=now_iso())
    sub = record_choice(CASE, sub, S1, "origin", key(S1, "origin"), now=now_iso())
    sub = record_choice(CASE, sub, S2, "origin", key(S2, "origin"), now=now_iso())
    return sub


def leftovers(folder: Path) -> list[str]:
    """Temporary files the atomic writer might have left behind."""
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- where the file lives -------------------------------------------------------------------


def test_default_path_uses_the_environment_folder(tmp_path, monkeypatch):
    """ATTRIBUTION_LAB_ANSWERS_DIR decides the folder; the name is answers-<case>.json."""
    monkeypatch.setenv(ANSWERS_DIR_ENV, str(tmp_path / "answers"))
    assert default_answers_path("kursk") == tmp_path / "answers" / "answers-kursk.json"


# -- salvage (pure) -----------------------------------------------------------------------


def test_salvage_keeps_a_valid_submission_unchanged():
    """A valid, current file loses nothing and gets no notes."""
    sub = sample()
    kept, notes = salvage(json.loads(json.dumps(sub)), CASE, now=now_iso())
    assert notes == []
    assert kept["answers"] == sub["answers"]
    assert kept["student"] == sub["student"]


def test_salvage_of_another_case_starts_clean_and_says_so():
    """Answers for another case are never mixed in; the note names both cases."""
    data = sample()
    data["case_id"] = "river_spill"
    kept, notes = salvage(data, CASE, now=now_iso())
    assert kept["answers"] == {} and kept["case_id"] == CASE.id
    assert len(notes) == 1 and "'river_spill'" in notes[0] and CASE.id in notes[0]


@pytest.mark.parametrize("data", [None, [], "text", 3, {"format": "something else"}])
def test_salvage_of_something_else_starts_clean_with_a_note(data):
    """Data that is not an answers file gives empty answers and one plain note."""
    kept, notes = salvage(data, CASE, now=now_iso())
    assert kept["answers"] == {}
    assert notes == ["It is not an Attribution Lab answers file, so no answers could be taken from it."]


def test_salvage_of_an_older_key_keeps_labels_that_still_exist_and_names_the_dropped_ones():
    """Older key version: valid answers stay, a retired label is dropped and named, the version is updated."""
    data = sample()
    data["key_version"] = "0.9.0"
    data["answers"][S2]["current"]["believable"] = "retired_label"
    kept, notes = salvage(data, CASE, now=now_iso())
    assert kept["key_version"] == CASE.key_version
    assert kept["answers"][S1] == data["answers"][S1]
    assert kept["answers"][S2]["current"] == {"origin": key(S2, "origin")}
    assert any("version '0.9.0'" in n for n in notes)
    dropped = [n for n in notes if "dropped" in n]
    assert len(dropped) == 1 and f"{S2} {FIELD_NAMES['believable']}" in dropped[0] and "retired_label" in dropped[0]
    assert submission_problems(kept, CASE) == []


def _with_retired_confidence(data: dict) -> dict:
    """``data`` as a schema-1 key's answers file: "confidence" answers beside the other fields."""
    data["key_version"] = "1.0.0"
    for entry in data["answers"].values():
        for which in ("current", "first"):
            if entry[which]:
                entry[which]["confidence"] = "high"
    return data


def test_salvage_of_retired_confidence_answers_keeps_the_rest_and_says_why():
    """The retired "confidence" field: its answers are dropped with the retired-field note (not listed as
    "not a field"), every other answer is kept, and the result is valid for the current key."""
    original = sample()
    data = _with_retired_confidence(json.loads(json.dumps(original)))
    kept, notes = salvage(data, CASE, now=now_iso())
    assert kept["answers"] == original["answers"]
    assert all("confidence" not in entry[which] for entry in kept["answers"].values() for which in ("current", "first"))
    assert notes.count(RETIRED_FIELDS["confidence"]) == 1
    assert not any("not a field" in n for n in notes)
    assert submission_problems(kept, CASE) == []


def test_load_of_a_file_with_confidence_answers_keeps_a_backup_and_the_other_answers(tmp_path):
    """Loading such a file: the original (with the confidence answers) is copied aside, the other answers
    are kept and saved, and the notes say why the confidence answers were not carried over."""
    path = tmp_path / "answers-kursk.json"
    original = sample()
    data = _with_retired_confidence(json.loads(json.dumps(original)))
    path.write_text(json.dumps(data), "utf-8")
    loaded = AnswersStore(path, CASE).load()
    assert loaded.submission["answers"] == original["answers"]
    assert RETIRED_FIELDS["confidence"] in loaded.notes
    assert loaded.backup is not None
    assert json.loads(loaded.backup.read_text("utf-8"))["answers"][S1]["current"]["confidence"] == "high"
    assert json.loads(path.read_text("utf-8"))["answers"] == original["answers"]


def test_salvage_drops_unknown_statements_fields_and_broken_entries_and_says_which():
    """Unknown ids, unknown fields and malformed values are dropped, each one named in a note."""
    data = sample()
    data["answers"]["S99"] = {"current": {"origin": key(S1, "origin")}, "first": {}, "attempts": 1}
    data["answers"][S3] = "not a mapping"
    data["answers"][S2]["current"]["mood"] = "happy"
    data["answers"][S2]["current"]["chain"] = [{"a": 1}]
    kept, notes = salvage(data, CASE, now=now_iso())
    text = " ".join(notes)
    assert "S99" in text and S3 in text and "'mood'" in text and f"{S2} Chain" in text
    assert set(kept["answers"]) == {S1, S2}
    assert submission_problems(kept, CASE) == []


def test_salvage_repairs_counts_and_times_without_losing_answers():
    """A first try with no attempt counted becomes one attempt; bad time stamps are dropped, answers kept."""
    data = sample()
    data["answers"][S1]["attempts"] = "many"
    data["answers"][S1]["last_checked"] = "yesterday"
    data["created"] = 42
    data["student"] = {"name": "x" * 500, "id": 7}
    kept, notes = salvage(data, CASE, now=now_iso())
    entry = kept["answers"][S1]
    assert entry["attempts"] == 1 and "last_checked" not in entry
    assert entry["first"] == data["answers"][S1]["first"]
    assert len(kept["student"]["name"]) == 200 and kept["student"]["id"] == ""
    assert len(notes) == 2
    assert submission_problems(kept, CASE) == []


# -- loading at start ------------------------------------------------------------------------


def test_load_of_a_missing_file_gives_empty_answers(tmp_path):
    """No file yet: empty answers, no notes, nothing written (not even the lock file: loading
    with nothing to tidy takes no lock; the first save does)."""
    loaded = AnswersStore(tmp_path / "answers-kursk.json", CASE).load()
    assert loaded.submission["answers"] == {} and loaded.notes == [] and loaded.backup is None
    assert list(tmp_path.iterdir()) == []


def test_a_valid_file_loads_at_once_while_another_notebook_holds_the_lock(tmp_path):
    """A valid, current file is read without the lock (saves replace it in one rename, so a read
    never sees half a file): a notebook opening while another saves neither waits nor gets a note."""
    from filelock import FileLock

    from attribution_lab.storage.files import lock_path

    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    statement = CASE.statements[0]
    store.save(record_choice(CASE, new_submission(CASE, now=now_iso()), statement.id, "origin", statement.answers["origin"], now=now_iso()))
    with FileLock(str(lock_path(path)), timeout=0):
        loaded = AnswersStore(path, CASE).load()
    assert loaded.notes == [] and loaded.submission["answers"][statement.id]["current"]["origin"] == statement.answers["origin"]


def test_a_file_with_something_to_tidy_is_loaded_under_the_lock(tmp_path, monkeypatch):
    """A left-over temporary file (a save killed half-way) sends loading the locked way, which
    tidies it; the lock-free way is only for a load with nothing to write."""
    path = tmp_path / "answers-kursk.json"
    stale = tmp_path / ".answers-kursk.json.1234.tmp"
    stale.write_bytes(b"{")
    os.utime(stale, (1, 1))  # older than a minute: a dead save's, not a live one's
    locked = []
    real = AnswersStore._locked
    monkeypatch.setattr(AnswersStore, "_locked", lambda self: (locked.append(True), real(self))[1])
    AnswersStore(path, CASE).load()
    assert locked and not stale.exists()


def test_load_of_a_valid_file_uses_it_as_it_is(tmp_path):
    """A valid file for the current key is read back exactly and not backed up."""
    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    store.save(sample())
    loaded = store.load()
    assert loaded.submission == json.loads(path.read_text("utf-8"))
    assert loaded.submission["answers"].keys() == {S1, S2}
    assert loaded.notes == [] and loaded.backup is None
    assert [p.name for p in tmp_path.iterdir() if p.name != f".{path.name}.lock"] == [path.name]


def test_load_of_corrupt_json_keeps_a_backup_and_starts_clean(tmp_path):
    """Corrupt JSON: the bytes are copied to a dated .bad- file, the notes name it, the file is valid again."""
    path = tmp_path / "answers-kursk.json"
    path.write_bytes(b'{"format": "attribution-lab-submission", "answers": {')
    loaded = AnswersStore(path, CASE).load()
    assert loaded.backup is not None and loaded.backup.name.startswith("answers-kursk.json.bad-")
    assert loaded.backup.read_bytes() == b'{"format": "attribution-lab-submission", "answers": {'
    assert loaded.backup.name in loaded.notes[0]
    assert "could not be read" in " ".join(loaded.notes)
    assert submission_problems(json.loads(path.read_text("utf-8")), CASE) == []


def test_load_of_another_case_keeps_a_backup(tmp_path):
    """Another case's file is set aside, not overwritten, and the panel starts clean."""
    path = tmp_path / "answers-kursk.json"
    data = sample()
    data["case_id"] = "river_spill"
    path.write_text(json.dumps(data), "utf-8")
    loaded = AnswersStore(path, CASE).load()
    assert loaded.submission["answers"] == {}
    assert json.loads(loaded.backup.read_text("utf-8"))["case_id"] == "river_spill"
    assert "another case" in " ".join(loaded.notes)


def test_load_of_an_older_key_salvages_and_keeps_a_backup(tmp_path):
    """Older key: the original is backed up, the valid answers are kept and saved with the current version."""
    path = tmp_path / "answers-kursk.json"
    data = sample()
    data["key_version"] = "0.1.0"
    path.write_text(json.dumps(data), "utf-8")
    loaded = AnswersStore(path, CASE).load()
    assert loaded.submission["answers"][S1]["first"] == data["answers"][S1]["first"]
    saved = json.loads(path.read_text("utf-8"))
    assert saved["key_version"] == CASE.key_version and saved["answers"] == loaded.submission["answers"]
    assert json.loads(loaded.backup.read_text("utf-8"))["key_version"] == "0.1.0"
    # Loading again finds a good file: no second backup, no notes.
    again = AnswersStore(path, CASE).load()
    assert again.notes == [] and len(list(tmp_path.glob("*.bad-*"))) == 1


def test_a_bad_file_that_cannot_be_copied_aside_is_never_overwritten(tmp_path, monkeypatch):
    """If the backup fails, the bad file is left as it was and saving is refused with a reason."""
    path = tmp_path / "answers-kursk.json"
    path.write_bytes(b"not json")

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store_module.shutil, "copy2", refuse)
    store = AnswersStore(path, CASE)
    loaded = store.load()
    assert "could not be copied aside" in loaded.notes[0]
    with pytest.raises(StoreError):
        store.save(sample())
    assert path.read_bytes() == b"not json"


# -- saving -----------------------------------------------------------------------------------


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    """After many saves the folder holds only the answers file, always complete valid JSON."""
    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    sub = new_submission(CASE, now=now_iso())
    for sid in CASE.statement_ids:
        sub = record_choice(CASE, sub, sid, "origin", key(sid, "origin"), now=now_iso())
        store.save(sub)
        assert json.loads(path.read_text("utf-8")) == sub
    assert leftovers(tmp_path) == [] and [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == [path.name]


def test_a_failed_save_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    """When the final rename fails the previous answers stay intact and no temp file is left."""
    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    store.save(sample())
    before = path.read_bytes()

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.save(new_submission(CASE, now=now_iso()))
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_update_reports_a_failed_save_as_a_note(tmp_path, monkeypatch):
    """update() never raises for a save problem: the change is returned and the note says what to do."""
    store = AnswersStore(tmp_path / "answers-kursk.json", CASE)

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "replace", broken_replace)
    result, notes = store.update(lambda s: record_choice(CASE, s, S1, "origin", key(S1, "origin"), now=now_iso()), new_submission(CASE, now=now_iso()))
    assert result["answers"][S1]["current"]["origin"] == key(S1, "origin")
    assert len(notes) == 1 and "No space left on device" in notes[0] and "Download my answers" in notes[0]


def test_update_builds_on_the_file_so_two_panels_do_not_overwrite_each_other(tmp_path):
    """A change is applied to the latest file, so answers saved by another notebook are kept."""
    path = tmp_path / "answers-kursk.json"
    first, second = AnswersStore(path, CASE), AnswersStore(path, CASE)
    memory_a = first.load().submission
    memory_b = second.load().submission
    memory_a, _ = first.update(lambda s: record_choice(CASE, s, S1, "origin", key(S1, "origin"), now=now_iso()), memory_a)
    memory_b, _ = second.update(lambda s: record_choice(CASE, s, S2, "origin", key(S2, "origin"), now=now_iso()), memory_b)
    saved = json.loads(path.read_text("utf-8"))
    assert set(saved["answers"]) == {S1, S2}


def test_update_after_the_file_went_bad_keeps_it_and_saves_the_answers_in_memory(tmp_path):
    """A file broken mid-session is copied aside; the panel's answers are saved, with a note."""
    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    memory = sample()
    store.save(memory)
    path.write_bytes(b"\x00garbage")
    result, notes = store.update(lambda s: record_choice(CASE, s, S3, "origin", key(S3, "origin"), now=now_iso()), memory)
    assert set(result["answers"]) == {S1, S2, S3}
    assert json.loads(path.read_text("utf-8")) == result
    backups = list(tmp_path.glob("answers-kursk.json.bad-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"\x00garbage"
    assert backups[0].name in notes[0]


def test_update_after_the_file_was_deleted_writes_it_again(tmp_path):
    """A deleted answers file is written again from the answers in memory, without alarm."""
    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    memory = sample()
    store.save(memory)
    path.unlink()
    result, notes = store.update(lambda s: s, memory)
    assert notes == [] and json.loads(path.read_text("utf-8"))["answers"] == memory["answers"]


def test_backups_never_replace_each_other(tmp_path):
    """Two backups within the same second get different names."""
    path = tmp_path / "answers-kursk.json"
    store = AnswersStore(path, CASE)
    store.save(sample())
    a, b = store.backup("cleared"), store.backup("cleared")
    assert a != b and a.exists() and b.exists()


# -- start over and position (pure) -------------------------------------------------------------


def test_clear_answers_clears_only_the_given_statements_and_fields():
    """Start over in one lesson leaves other lessons' fields and statements alone."""
    sub = sample()
    sub = record_choice(CASE, sub, S2, "red_flag", key(S2, "red_flag"), now=now_iso())
    cleared = clear_answers(sub, [S1, S2], ["origin", "believable"], now=now_iso())
    assert S1 not in cleared["answers"]
    assert cleared["answers"][S2]["current"] == {"red_flag": key(S2, "red_flag")}
    assert sub["answers"][S1]["current"]  # the original is not changed
    assert submission_problems(cleared, CASE) == []


def test_restore_position_is_the_statement_touched_last():
    """The position after a restart is the statement with the latest change, among the panel's."""
    sub = new_submission(CASE, now=now_iso())
    sub = record_choice(CASE, sub, S3, "origin", key(S3, "origin"), now="2025-04-28T10:00:00Z")
    sub = record_choice(CASE, sub, S1, "origin", key(S1, "origin"), now="2025-04-28T10:05:00Z")
    assert restore_position(sub, CASE.statement_ids) == S1
    assert restore_position(sub, [S2, S3]) == S3
    assert restore_position(sub, [S2]) is None


def test_no_temporary_file_is_left_when_writing_fails_midway(tmp_path, monkeypatch):
    """An error while writing (disk full) removes the temporary file too."""
    path = tmp_path / "answers-kursk.json"

    def broken_fsync(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        files_module.atomic_write(path, b"{}")
    assert not path.exists() and leftovers(tmp_path) == []
    assert os.listdir(tmp_path) == []


# -- a full disk, and what is not a file -----------------------------------------------------


def test_unsaved_says_whether_the_file_lacks_the_last_answers(tmp_path, monkeypatch):
    """``unsaved`` is set by a save that fails (disk full) and cleared by the next that works."""
    store = AnswersStore(tmp_path / "answers-kursk.json", CASE)
    sub = record_choice(CASE, new_submission(CASE, now=now_iso()), S1, "origin", "writer", now=now_iso())
    real = store_module.atomic_write

    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "atomic_write", disk_full)
    result, notes = store.update(lambda s: sub, sub)
    assert store.unsaved and result == sub and "No space left on device" in notes[0]
    monkeypatch.setattr(store_module, "atomic_write", real)
    store.update(lambda s: sub, sub)
    assert not store.unsaved and store.read_valid()["answers"] == sub["answers"]


def test_a_full_disk_in_the_middle_of_a_lesson_loses_no_answer(tmp_path, monkeypatch, request):
    """21 answers through the panel's model, the middle ten while every write fails with ENOSPC:
    each is kept in memory and offered by Download, and the first save that works writes all 21."""
    from kernels import print_figures

    from attribution_lab.student.panel_model import PanelModel

    path = tmp_path / "answers-kursk.json"
    model = PanelModel.open(CASE, ("origin",), None, path)
    real = store_module.atomic_write
    failing_writes = 0

    def maybe_full(target, data):
        nonlocal failing_writes
        if full:
            failing_writes += 1
            raise OSError(28, "No space left on device")
        real(target, data)

    monkeypatch.setattr(store_module, "atomic_write", maybe_full)
    given: dict[str, str] = {}
    for n, sid in enumerate(CASE.statement_ids):
        full = 5 <= n < 15
        value = sorted(CASE.labels("origin"))[n % len(CASE.labels("origin"))]
        model.select(sid)
        model.choose("origin", value)
        given[sid] = value
        assert model.save_failed == full
        offered = parse_submission(model.download_bytes(), CASE)
        assert {s: e["current"]["origin"] for s, e in offered["answers"].items()} == given
    saved = parse_submission(path.read_bytes(), CASE)
    lost = sum(1 for sid, value in given.items() if saved["answers"].get(sid, {}).get("current", {}).get("origin") != value)
    print_figures(request, f"\nfailed save: {len(given)} answers given, {failing_writes} saves failed (disk full), answers lost: {lost}")
    assert failing_writes == 10 and lost == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_pipe_at_the_answers_path_is_never_waited_on(tmp_path):
    """A FIFO named answers-kursk.json (nothing writes to it) used to hang the panel for ever: now
    loading returns at once with a note, the pipe is left alone and nothing is saved onto it."""
    import threading

    path = tmp_path / "answers-kursk.json"
    os.mkfifo(path)
    store = AnswersStore(path, CASE)
    done: list = []
    worker = threading.Thread(target=lambda: done.append(store.load()), daemon=True)
    worker.start()
    worker.join(10)
    assert done, "loading waited on the pipe"
    loaded = done[0]
    assert loaded.submission["answers"] == {} and "could not be read" in loaded.notes[0] and "pipe" in loaded.notes[0]
    assert store.read_valid() is None
    result, notes = store.update(lambda s: record_choice(CASE, s, S1, "origin", "writer", now=now_iso()), loaded.submission)
    assert result["answers"][S1]["current"] == {"origin": "writer"} and store.unsaved and "not saved" in notes[0]
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_a_folder_at_the_answers_path_is_left_alone(tmp_path):
    """A folder named like the answers file is reported, not read or replaced."""
    path = tmp_path / "answers-kursk.json"
    path.mkdir()
    loaded = AnswersStore(path, CASE).load()
    assert "folder" in loaded.notes[0] and path.is_dir()


def test_a_lone_surrogate_in_the_file_is_refused_by_name_and_the_rest_kept(tmp_path):
    """A \\ud800 escape on its own (no text can hold it) makes the file bad: it is set aside, the
    note says where, and the answers are kept with the half character replaced, so saving works."""
    path = tmp_path / "answers-kursk.json"
    statement = CASE.statements[0]
    good = record_choice(CASE, new_submission(CASE, now=now_iso()), statement.id, "origin", statement.answers["origin"], now=now_iso())
    good["student"] = {"id": "s1", "name": "Ann"}
    path.write_text(json.dumps(good).replace('"Ann"', '"A\\ud800nn"'), encoding="utf-8")
    loaded = AnswersStore(path, CASE).load()
    assert loaded.backup is not None and "student.name" in " ".join(loaded.notes)
    assert loaded.submission["student"]["name"] == "A\ufffdnn"
    assert loaded.submission["answers"][statement.id]["current"]["origin"] == statement.answers["origin"]
    assert parse_submission(path.read_bytes(), CASE)["student"]["name"] == "A\ufffdnn"
