"""Synthetic classes: valid, reproducible, marked as synthetic, plausibly wrong, never mixed with real answers."""

from __future__ import annotations

import json
import statistics

import pytest

from attribution_lab.cli import main
from attribution_lab.core.case import FIELDS
from attribution_lab.core.submission import new_submission, score_submission
from attribution_lab.formats.answers import encode, parse_submission
from attribution_lab.instructor import synthetic
from attribution_lab.storage.answers_store import now_iso
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")


def test_every_synthetic_submission_is_valid():
    """The authoritative check (schema + case labels) accepts every generated file, as written to disk."""
    for sub in synthetic.generate_class(CASE, 40, seed=9):
        assert parse_submission(encode(sub), CASE, "synthetic") == sub


def test_same_seed_same_class_and_different_seed_differs():
    """Generation is reproducible by seed, and write_class writes exactly what generate_class returns."""
    assert synthetic.generate_class(CASE, 5, seed=1) == synthetic.generate_class("kursk", 5, seed=1)
    assert synthetic.generate_class(CASE, 5, seed=1) != synthetic.generate_class(CASE, 5, seed=2)


def test_write_class_matches_generate_class(tmp_path):
    """Files written by write_class hold the generated submissions, one file per student."""
    paths = synthetic.write_class(CASE, 3, tmp_path / "c", seed=4)
    assert [p.name for p in paths] == ["synthetic-0001.json", "synthetic-0002.json", "synthetic-0003.json"]
    assert [json.loads(p.read_text("utf-8")) for p in paths] == synthetic.generate_class(CASE, 3, seed=4)


def test_students_are_marked_synthetic():
    """Ids synthetic-0001..., names "Synthetic student N", and is_synthetic recognises them (and not others)."""
    subs = synthetic.generate_class(CASE, 12, seed=0)
    assert subs[0]["student"] == {"id": "synthetic-0001", "name": "Synthetic student 1"}
    assert subs[11]["student"]["id"] == "synthetic-0012"
    assert all(synthetic.is_synthetic(s) for s in subs)
    assert not synthetic.is_synthetic(new_submission(CASE, student_id="jan", student_name="Jan", now=now_iso()))


def test_first_try_is_worse_than_final_and_abilities_vary():
    """On average the final score beats the first try, and students differ in ability."""
    scores = [score_submission(CASE, s) for s in synthetic.generate_class(CASE, 80, seed=5)]
    finals = [f.points for f, _ in scores]
    firsts = [t.points for _, t in scores]
    assert all(f >= t for f, t in zip(finals, firsts))
    assert statistics.mean(finals) > statistics.mean(firsts) + 5
    assert statistics.pstdev(firsts) > 5


def test_debatable_statements_are_harder():
    """Fields where the key accepts alternatives are answered right at the first try less often than the rest."""
    subs = synthetic.generate_class(CASE, 200, seed=6)
    hard, easy = [], []
    for statement in CASE.statements:
        for f in FIELDS:
            if f == "chain":
                continue  # partial credit makes "right" a different notion for the chain
            key = statement.answers[f]
            right = sum(1 for s in subs if s["answers"].get(statement.id, {}).get("first", {}).get(f) == key)
            (hard if statement.accepted[f] else easy).append(right / len(subs))
    assert statistics.mean(hard) < statistics.mean(easy) - 0.1


def test_refuses_a_folder_with_real_answers(tmp_path):
    """A folder holding a non-synthetic answers file (or any other file) is refused; nothing is written."""
    real = tmp_path / "class"
    real.mkdir()
    (real / "jan.json").write_bytes(encode(new_submission(CASE, student_id="jan", student_name="Jan", now=now_iso())))
    with pytest.raises(ValueError, match="not synthetic"):
        synthetic.write_class(CASE, 2, real)
    assert sorted(p.name for p in real.iterdir()) == ["jan.json"]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("x")
    with pytest.raises(ValueError):
        synthetic.write_class(CASE, 1, tmp_path / "notes")


def test_refuses_a_file_named_like_synthetic_but_real(tmp_path):
    """A real student's answers saved as synthetic-0001.json is still recognised as real."""
    (tmp_path / "synthetic-0001.json").write_bytes(encode(new_submission(CASE, student_id="jan", student_name="Jan", now=now_iso())))
    with pytest.raises(ValueError):
        synthetic.write_class(CASE, 1, tmp_path)


def test_may_rewrite_a_synthetic_folder(tmp_path):
    """A folder holding only synthetic answers may be written again."""
    synthetic.write_class(CASE, 3, tmp_path / "c", seed=1)
    assert len(synthetic.write_class(CASE, 3, tmp_path / "c", seed=2)) == 3


def test_command_line_writer(tmp_path, capsys):
    """`attribution-lab synthetic FOLDER N --seed SEED` writes N files; a refused folder exits 2."""
    assert main(["synthetic", str(tmp_path / "c"), "4", "--seed", "7"]) == 0
    assert len(list((tmp_path / "c").iterdir())) == 4
    (tmp_path / "c" / "other.txt").write_text("x")
    assert main(["synthetic", str(tmp_path / "c"), "4"]) == 2
    assert "not synthetic" in capsys.readouterr().err
