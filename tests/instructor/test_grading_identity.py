"""The grader never drops a student: identity, duplicates, odd inputs and guarded outputs."""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

import pytest
from test_grading import CASE, _grade, _key_answers, _rows, _submission, _write

from attribution_lab.cli import main
from attribution_lab.core.submission import merge_submissions, record_check, score_submission


def test_per_student_folders_are_two_students(tmp_path, capsys):
    """Files without an id in per-student folders (class/alice/, class/bob/) are two students."""
    _write(tmp_path / "class" / "alice" / "answers-kursk.json", _submission("", right=2))
    _write(tmp_path / "class" / "bob" / "answers-kursk.json", _submission("", right=1))
    code, _, err = _grade(capsys, tmp_path / "class", "--out", tmp_path / "r.csv")
    assert code == 0, err
    assert sorted(r["student_id"] for r in _rows(tmp_path / "r.csv")) == ["alice", "bob"]


def test_id_claimed_from_another_folder_is_a_conflict(tmp_path, capsys):
    """bob's file claiming alice's id and a far-future time is reported, both files named, exit 1."""
    _write(tmp_path / "class" / "alice" / "a.json", _submission("alice", right=3))
    _write(tmp_path / "class" / "bob" / "a.json", _submission("alice", right=1, when="2999-01-01T00:00:00Z"))
    code, _, err = _grade(capsys, tmp_path / "class", "--out", tmp_path / "r.csv")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("conflict:")]
    assert len(lines) == 2 and "2 different folders" in lines[0]
    assert any("alice/a.json: set aside" in line for line in lines)


def test_identical_copies_are_a_note_only(tmp_path, capsys):
    """Two files of one student with the same answers: a note, exit 0."""
    _write(tmp_path / "in" / "a.json", _submission("s1"))
    _write(tmp_path / "in" / "b.json", _submission("s1"))
    code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    assert code == 0 and "same answers" in err and "conflict" not in err


def test_merge_duplicates_merges_per_field(tmp_path, capsys):
    """--merge-duplicates: two files answering different statements are graded as one, exit 0."""
    one = _submission("s1", right=2)
    two = _submission("s1", right=0, when="2025-05-06T10:00:00Z")
    for statement in CASE.statements[2:4]:
        two = record_check(CASE, two, statement.id, _key_answers(statement), now="2025-05-06T10:00:00Z")
    _write(tmp_path / "in" / "a.json", one)
    _write(tmp_path / "in" / "b.json", two)
    code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv", "--merge-duplicates")
    rows = _rows(tmp_path / "r.csv")
    assert code == 0 and len(rows) == 1 and "merged" in err
    expected = score_submission(CASE, merge_submissions(one, two))[0].points
    assert float(rows[0]["points"]) == expected > score_submission(CASE, one)[0].points


def test_ties_do_not_depend_on_argument_order(tmp_path, capsys):
    """Equal "updated" and modification times: the same file is graded whatever the argument order."""
    a = _write(tmp_path / "in" / "a.json", _submission("s1", right=3))
    b = _write(tmp_path / "in" / "b.json", _submission("s1", right=1))
    for path in (a, b):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    _grade(capsys, a, b, "--out", tmp_path / "r1.csv")
    _grade(capsys, b, a, "--out", tmp_path / "r2.csv")
    assert _rows(tmp_path / "r1.csv")[0]["file"] == _rows(tmp_path / "r2.csv")[0]["file"] == str(a)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifo_is_rejected_and_nothing_waits(tmp_path, capsys):
    """A FIFO named *.json is rejected with one line; the rest is graded (an alarm fails a hang)."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("grade waited on a FIFO"))
    signal.alarm(20)
    _write(tmp_path / "in" / "a.json", _submission("a"))
    os.mkfifo(tmp_path / "in" / "pipe.json")
    try:
        code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    finally:
        signal.alarm(0)
    assert code == 1 and "pipe.json: is a FIFO, not a regular file" in err
    assert [r["student_id"] for r in _rows(tmp_path / "r.csv")] == ["a"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets")
def test_socket_is_rejected(tmp_path, capsys):
    """A socket named *.json is rejected with a line."""
    (tmp_path / "in").mkdir()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "in" / "s.json"))
        code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    finally:
        server.close()
    assert code == 1 and "s.json: is a socket" in err


def test_symlinked_folder_followed_once_and_loop_reported(tmp_path, capsys):
    """A symlinked sub-folder is read; a link back to a folder already read is reported, not read twice."""
    _write(tmp_path / "elsewhere" / "bob" / "b.json", _submission("bob"))
    _write(tmp_path / "class" / "alice" / "a.json", _submission("alice"))
    (tmp_path / "class" / "bob").symlink_to(tmp_path / "elsewhere" / "bob")
    (tmp_path / "class" / "alice" / "loop").symlink_to(tmp_path / "class")
    code, _, err = _grade(capsys, tmp_path / "class", "--out", tmp_path / "r.csv")
    assert sorted(r["student_id"] for r in _rows(tmp_path / "r.csv")) == ["alice", "bob"]
    assert "loop: skipped, a folder already read" in err and code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="newlines in names")
def test_newline_in_a_file_name_cannot_forge_a_line(tmp_path, capsys):
    """A file name holding a newline is printed escaped, so every stderr line is the grader's own."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x\nrejected forged.json").write_text("{}", encoding="utf-8")
    _, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    assert not any(line.startswith("rejected forged") for line in err.splitlines())
    assert "x\\nrejected forged.json" in err
    from attribution_lab.instructor.collect import shown

    assert shown("a\x1bb") == "a\\x1bb"


def test_out_inside_the_submissions_is_refused(tmp_path, capsys):
    """--out naming a student's answers file (or a path in the submissions folder) exits 2, file kept."""
    answers = _write(tmp_path / "in" / "a.json", _submission("a"))
    before = answers.read_bytes()
    code, _, err = _grade(capsys, tmp_path / "in", "--out", answers)
    assert code == 2 and "inside the answers files being read" in err and answers.read_bytes() == before


def test_out_and_lms_onto_each_other_is_refused(tmp_path, capsys):
    """--out and --lms naming one file exits 2 with one line."""
    _write(tmp_path / "in" / "a.json", _submission("a"))
    code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv", "--lms", tmp_path / "r.csv")
    assert code == 2 and "same file" in err and len(err.strip().splitlines()) == 1


def test_existing_foreign_file_is_kept_unless_force(tmp_path, capsys):
    """An existing file that is not a results CSV is kept (exit 2); --force replaces it; a rerun is fine."""
    _write(tmp_path / "in" / "a.json", _submission("a"))
    other = tmp_path / "marks.csv"
    other.write_text("my own marks\n", encoding="utf-8")
    code, _, err = _grade(capsys, tmp_path / "in", "--out", other)
    assert code == 2 and "not a results CSV" in err and other.read_text() == "my own marks\n"
    assert _grade(capsys, tmp_path / "in", "--out", other, "--force")[0] == 0
    assert _grade(capsys, tmp_path / "in", "--out", other)[0] == 0  # its own file: rewritten


def test_output_symlink_is_never_followed(tmp_path, capsys):
    """--out that is a symbolic link is refused even with --force; the target is untouched."""
    _write(tmp_path / "in" / "a.json", _submission("a"))
    target = tmp_path / "target.txt"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / "r.csv").symlink_to(target)
    code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv", "--force")
    assert code == 2 and "symbolic link" in err and target.read_text() == "keep"


def test_report_refuses_a_foreign_folder_and_a_linked_index(tmp_path, capsys):
    """report --out into a folder with other files, or whose index.html is a link, exits 2."""
    _write(tmp_path / "in" / "a.json", _submission("a"))
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").symlink_to(tmp_path / "victim.html")
    assert main(["report", str(tmp_path / "in"), "--out", str(folder)]) == 2
    assert "symbolic link" in capsys.readouterr().err and not (tmp_path / "victim.html").exists()
    (folder / "index.html").unlink()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["report", str(tmp_path / "in"), "--out", str(folder)]) == 2
    assert "not a class report's" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "in"), "--out", str(tmp_path / "in" / "rep")]) == 2


def test_help_documents_merge_and_force(capsys):
    """grade --help names --merge-duplicates, --force and the identity rule."""
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--merge-duplicates" in out and "--force" in out and "per-student folder" in out


def test_shown_escapes_only_control_characters():
    """Plain names pass unchanged; a tab and a backslash are escaped."""
    from attribution_lab.instructor.collect import shown

    assert shown(Path("class/alice/a.json")) == "class/alice/a.json"
    assert shown("a\tb\\c") == "a\\tb\\\\c"


def test_grade_and_report_keep_the_same_file(tmp_path, capsys):
    """grade and the report's collection (read_class) choose the same newest file of a student."""
    from attribution_lab.instructor.collect import read_class

    a = _write(tmp_path / "in" / "b.json", _submission("s1", right=3))
    b = _write(tmp_path / "in" / "a.json", _submission("s1", right=1))
    for path in (a, b):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    students, outcome = read_class([a, b], CASE)
    assert [s.file for s in students] == [_rows(tmp_path / "r.csv")[0]["file"]] == [str(b)]
    assert outcome.exit_code == 1 and outcome.duplicates[0].differ
