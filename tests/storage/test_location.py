"""One answers file per student and case, wherever the notebook is: where it lives, and answers
files left in the old places (beside the lessons and the worksheets) merged into it once.

Before, the file sat in the kernel's working folder, so lessons saved ``notebooks/answers-kursk.json``
and worksheets ``exercises/answers-kursk.json``: two files, and lesson 07 saw only one of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.formats.answers import encode, parse_submission
from attribution_lab.storage.answers_store import AnswersStore, now_iso
from attribution_lab.storage.cases import load_case
from attribution_lab.storage.location import ANSWERS_DIR_ENV, default_answers_path, module_folder

CASE = load_case("kursk")
S1, S2, S3 = CASE.statement_ids[:3]


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module folder as a clone has it (notebooks/ and exercises/), with no answers folder set."""
    monkeypatch.delenv(ANSWERS_DIR_ENV, raising=False)
    root = tmp_path / "attribution-lab"
    for name in ("notebooks", "exercises", "solutions"):
        (root / name).mkdir(parents=True)
    return root


@pytest.mark.parametrize("start", ["notebooks", "exercises", "solutions", ".", "notebooks/deeper/still"])
def test_every_notebook_of_the_module_finds_the_same_answers_file(module: Path, start: str, monkeypatch) -> None:
    """Kernels start in the notebook's folder; from any folder in the module the answers file is
    ``answers-<case>.json`` in the folder holding notebooks/ and exercises/."""
    (module / start).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(module / start)
    assert default_answers_path("kursk") == module.resolve() / "answers-kursk.json"
    assert module_folder() == module.resolve()


def test_outside_a_module_the_current_folder_is_used(tmp_path: Path, monkeypatch) -> None:
    """A notebook copied out of the module saves beside itself."""
    monkeypatch.delenv(ANSWERS_DIR_ENV, raising=False)
    (tmp_path / "notebooks").mkdir()  # one of the two folders is not enough
    monkeypatch.chdir(tmp_path / "notebooks")
    assert module_folder() is None
    assert default_answers_path("kursk") == (tmp_path / "notebooks").resolve() / "answers-kursk.json"


def test_the_environment_variable_still_decides_when_set(module: Path, tmp_path: Path, monkeypatch) -> None:
    """An instructor or a hub can still name the folder (``ATTRIBUTION_LAB_ANSWERS_DIR``)."""
    monkeypatch.setenv(ANSWERS_DIR_ENV, str(tmp_path / "elsewhere"))
    monkeypatch.chdir(module / "notebooks")
    assert default_answers_path("kursk") == tmp_path / "elsewhere" / "answers-kursk.json"


def _answers(*checks: tuple[str, str, str]) -> bytes:
    submission = new_submission(CASE, now=now_iso())
    for sid, field, value in checks:
        submission = record_check(CASE, submission, sid, {field: value}, now=now_iso())
    return encode(submission)


def test_answers_left_beside_the_lessons_and_worksheets_are_merged_once(module: Path) -> None:
    """Files in notebooks/ and exercises/ (where earlier versions saved) are merged into the one
    file, set aside under a dated ``.merged-`` name, and named in the notes; loading again finds
    nothing more to merge, and no answer of the three files is lost."""
    (module / "answers-kursk.json").write_bytes(_answers((S1, "origin", "writer")))
    (module / "notebooks" / "answers-kursk.json").write_bytes(_answers((S2, "origin", "north_korea")))
    (module / "exercises" / "answers-kursk.json").write_bytes(_answers((S3, "believable", "doubtful"), (S1, "believable", "record_confirms")))
    loaded = AnswersStore(module / "answers-kursk.json", CASE).load()
    current = {sid: entry["current"] for sid, entry in loaded.submission["answers"].items()}
    assert current == {S1: {"origin": "writer", "believable": "record_confirms"}, S2: {"origin": "north_korea"}, S3: {"believable": "doubtful"}}
    saved = parse_submission((module / "answers-kursk.json").read_bytes(), CASE, "answers-kursk.json")
    assert saved["answers"] == loaded.submission["answers"]
    for name in ("notebooks", "exercises"):
        assert not (module / name / "answers-kursk.json").exists()
        aside = list((module / name).glob("answers-kursk.json.merged-*"))
        assert len(aside) == 1
        assert any(f"{name}/answers-kursk.json" in note and f"{name}/{aside[0].name}" in note for note in loaded.notes), loaded.notes
    again = AnswersStore(module / "answers-kursk.json", CASE).load()
    assert again.notes == [] and again.submission["answers"] == loaded.submission["answers"]


def test_an_old_place_file_alone_becomes_the_answers_file(module: Path) -> None:
    """A student who worked only in lessons before finds every answer after the change."""
    (module / "notebooks" / "answers-kursk.json").write_bytes(_answers((S2, "origin", "north_korea")))
    loaded = AnswersStore(module / "answers-kursk.json", CASE).load()
    assert loaded.submission["answers"][S2]["current"] == {"origin": "north_korea"}
    assert (module / "answers-kursk.json").is_file()


def test_a_damaged_old_place_file_is_kept_and_what_can_be_read_is_merged(module: Path) -> None:
    """A damaged file in an old place is not lost: what salvage keeps is merged, the file itself
    is set aside (never deleted)."""
    data = json.loads(_answers((S2, "origin", "north_korea")))
    data["answers"]["S99"] = {"current": {"origin": "writer"}, "first": {}, "attempts": 0}
    raw = json.dumps(data).encode()
    (module / "exercises" / "answers-kursk.json").write_bytes(raw)
    loaded = AnswersStore(module / "answers-kursk.json", CASE).load()
    assert loaded.submission["answers"][S2]["current"] == {"origin": "north_korea"}
    [aside] = (module / "exercises").glob("answers-kursk.json.merged-*")
    assert aside.read_bytes() == raw
