"""A case folder named relative to the module: `CASE = "cases/my_case"`, as the README says, works
from a lesson, whose kernel runs in notebooks/, as well as from the module's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attribution_lab.errors import CaseError
from attribution_lab.storage.cases import case_folder, load_case

BUILTIN = Path(__file__).resolve().parents[2] / "src" / "attribution_lab" / "cases" / "alder_river"


def test_a_case_folder_beside_the_lessons_is_found_from_notebooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a module laid out as a student has it, cases/my_case is found from notebooks/ and from
    the module's folder; a name that is nowhere still gives the usual CaseError."""
    for name in ("notebooks", "exercises"):
        (tmp_path / name).mkdir()
    shutil.copytree(BUILTIN, tmp_path / "cases" / "my_case")
    monkeypatch.chdir(tmp_path / "notebooks")
    assert case_folder("cases/my_case") == tmp_path / "cases" / "my_case"
    assert load_case("cases/my_case").id == load_case("alder_river").id
    monkeypatch.chdir(tmp_path)
    assert case_folder("cases/my_case").resolve() == (tmp_path / "cases" / "my_case").resolve()
    with pytest.raises(CaseError, match="no such case folder"):
        case_folder("cases/not_there")
